"""The decision record schema: what odr emits for one document, and what it records when it cannot.

Pure data: no I/O, no extraction logic. Every model forbids unknown keys so a typo in a producer fails
loudly instead of silently dropping data.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.1"


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


class Amount(_Strict):
    value: float = Field(description="in pounds: '£1.2m' is 1200000")
    text: str = Field(description="as printed, with any qualifier: 'up to £2 million'")


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
    url: str | None = Field(default=None, description="where the file was fetched from (from the archive's manifest)")
    site_id: str | None = Field(
        default=None, description="the decision's id on the council's site; a decision page and its attachments share it")
    fetched_at: dt.datetime | None = Field(default=None, description="when the file was fetched (UTC)")


class DecisionRecord(_Strict):
    """One decision record: every field null when the document does not state it, never guessed."""

    schema_version: str = SCHEMA_VERSION
    reference: str | None = Field(None, description="the decision's reference number as printed, e.g. 'B075/22'")
    subject: str | None = Field(None, description="the decision's title")
    decision_type: DecisionType | None = Field(None, description="executive, non_executive, council or other, only when the record says so")
    key_decision: bool | None = Field(None, description="whether the record says this is a key decision")
    decision_maker: Person | None = Field(None, description="who took the decision: name and job title")
    executive_member: ExecutiveMember | None = Field(None, description="the executive member consulted, or who decided, with portfolio")
    officer_contact: OfficerContact | None = Field(None, description="the officer to contact: name, title, phone, email")
    decision_date: dt.date | None = Field(None, description="the date the decision was taken (labelled, the deciding meeting, else the signature date)")
    dates: list[DateEntry] = Field(default_factory=list, description="every date the record gives a role to")
    decision: str | None = Field(None, description="the decision text")
    reasons: str | None = Field(None, description="the reasons for the decision")
    rejected_options: list[str] | None = Field(
        None, description="one item per option; [] when the record says there were none; null when it has no such section"
    )
    consultation: str | None = Field(None, description="who was consulted and what they said")
    conflicts_of_interest: str | None = Field(None, description="interests declared and dispensations granted")
    exempt_information: Exemption | None = Field(None, description="whether part of the record is withheld, and the legal basis")
    amount: Amount | None = Field(None, description="the money the decision commits or approves, when the record states it")
    council: str | None = Field(None, description="the council, as the record (or a profile) names it")
    source: SourceInfo
    evidence: dict[str, Evidence] = Field(default_factory=dict, description="where each field was found")
    warnings: list[str] = Field(default_factory=list, description="what looked wrong while reading")


class ExtractionError(_Strict):
    """What a batch records for an input that could not be turned into a record."""

    schema_version: str = SCHEMA_VERSION
    path: str
    sha256: str | None = None
    kind: ErrorKind
    message: str
