"""Pydantic schema of odr's output (no I/O)."""

from .manifest import FetchKind, ManifestEntry
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
    printable_path,
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
    "FetchKind",
    "ManifestEntry",
    "Method",
    "OfficerContact",
    "Person",
    "SourceFormat",
    "SourceInfo",
    "printable_path",
]
