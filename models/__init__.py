"""Pydantic schema of odr's output (no I/O)."""

from .record import (
    SCHEMA_VERSION,
    Amount,
    DateEntry,
    DateKind,
    DecisionRecord,
    DecisionType,
    ErrorKind,
    Evidence,
    ExecutiveMember,
    Exemption,
    ExtractionError,
    Method,
    OfficerContact,
    Person,
    SourceFormat,
    SourceInfo,
)

__all__ = [
    "SCHEMA_VERSION",
    "Amount",
    "DateEntry",
    "DateKind",
    "DecisionRecord",
    "DecisionType",
    "ErrorKind",
    "Evidence",
    "ExecutiveMember",
    "Exemption",
    "ExtractionError",
    "Method",
    "OfficerContact",
    "Person",
    "SourceFormat",
    "SourceInfo",
]
