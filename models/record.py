"""The decision record schema: what odr emits for one document, and what it records when it cannot.

Pure data: no I/O, no extraction logic. Every model forbids unknown keys so a typo in a producer fails
loudly instead of silently dropping data.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DecisionType(str, Enum):
    executive = "executive"
    non_executive = "non_executive"
    council = "council"
    other = "other"


class DateKind(str, Enum):
    decision = "decision"
    signed = "signed"
    published = "published"
    call_in_expiry = "call_in_expiry"
    effective = "effective"
    meeting = "meeting"
    other = "other"


class Method(str, Enum):
    label = "label"        # an exact label from the profile ("Decision Maker:")
    section = "section"    # the body of a recognised section heading
    pattern = "pattern"    # a phrase pattern in prose ("(Ref: ...)", "published on ...")
    nlp = "nlp"            # spaCy entities in a free-text sentence
    derived = "derived"    # computed from another field (portfolio from a member's title)


class SourceFormat(str, Enum):
    """The format a file was read as, sniffed from its bytes (never its name)."""

    pdf = "pdf"
    docx = "docx"
    html = "html"
    text = "text"


class ErrorKind(str, Enum):
    not_found = "not_found"
    empty = "empty"
    unsupported_format = "unsupported_format"
    corrupt = "corrupt"
    encrypted = "encrypted"
    no_text_layer = "no_text_layer"
    too_large = "too_large"
    timeout = "timeout"
    internal = "internal"


class Person(_Strict):
    name: str | None = None
    title: str | None = None


class ExecutiveMember(Person):
    portfolio: str | None = None


class OfficerContact(Person):
    phone: str | None = None
    email: str | None = None


class DateEntry(_Strict):
    kind: DateKind
    value: dt.date
    label: str = Field(description="the label or phrase as printed, e.g. 'Publication date'")


class Exemption(_Strict):
    exempt: bool
    basis: str | None = Field(None, description="legal basis as printed, e.g. 'paragraph 3 of Part 1 of Schedule 12A'")


class Evidence(_Strict):
    page: int = Field(description="1-based page number")
    char_start: int = Field(description="offset into the normalised document text")
    char_end: int
    method: Method
    confidence: float = Field(ge=0.0, le=1.0)


class SourceInfo(_Strict):
    path: str | None = None
    sha256: str | None = None
    format: SourceFormat
    pages: int
    reader: str


class DecisionRecord(_Strict):
    schema_version: str = SCHEMA_VERSION
    reference: str | None = None
    subject: str | None = None
    decision_type: DecisionType | None = None
    key_decision: bool | None = None
    decision_maker: Person | None = None
    executive_member: ExecutiveMember | None = None
    officer_contact: OfficerContact | None = None
    decision_date: dt.date | None = None
    dates: list[DateEntry] = Field(default_factory=list)
    decision: str | None = None
    reasons: str | None = None
    rejected_options: list[str] | None = Field(
        None, description="one item per option; [] when the record says there were none; null when it has no such section"
    )
    consultation: str | None = None
    conflicts_of_interest: str | None = None
    exempt_information: Exemption | None = None
    council: str | None = None
    source: SourceInfo
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


class ExtractionError(_Strict):
    """What a batch records for an input that could not be turned into a record."""

    schema_version: str = SCHEMA_VERSION
    path: str
    sha256: str | None = None
    kind: ErrorKind
    message: str
