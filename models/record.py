"""The decision record schema: what odr emits for one document, and what it records when it cannot.

Pure data: no I/O, no extraction logic. Every model forbids unknown keys so a typo in a producer fails
loudly instead of silently dropping data.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SCHEMA_VERSION = "2.1"


def printable_path(path: str) -> str:
    """A file name as text any output can hold: bytes that are not UTF-8 (which Python keeps as
    surrogate escapes) shown as \\xNN, e.g. 'caf\\xe9.txt' for a Latin-1 'café.txt'."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte stands for
        return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


# A path in a record or an error entry: printable_path applied on the way in.
PathText = Annotated[str, AfterValidator(printable_path)]


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
    not_a_record = "not_a_record"  # read, but states no decision field (the record rule, extractor/pipeline.py)
    empty = "empty"
    unsupported_format = "unsupported_format"
    corrupt = "corrupt"
    encrypted = "encrypted"
    no_text_layer = "no_text_layer"
    too_large = "too_large"
    timeout = "timeout"
    internal = "internal"


class Person(_Strict):
    name: str | None = Field(default=None, description="the person's name as printed, honorific dropped")
    title: str | None = Field(default=None, description="job title or role as printed")


class ExecutiveMember(Person):
    portfolio: str | None = Field(default=None, description="the portfolio the member holds, e.g. 'Environment and Transport'")


class OfficerContact(Person):
    phone: str | None = Field(default=None, description="telephone number as printed")
    email: str | None = Field(default=None, description="email address as printed")


class DateEntry(_Strict):
    kind: DateKind = Field(description="what the date is: decision, signed, published, call_in_expiry, effective, meeting, other")
    value: dt.date = Field(description="the date, ISO 8601")
    label: str = Field(description="the label or phrase as printed, e.g. 'Publication date'")


class Exemption(_Strict):
    exempt: bool = Field(description="true when the record says part of it is withheld from the public")
    basis: str | None = Field(default=None, description="legal basis as printed, e.g. 'paragraph 3 of Part 1 of Schedule 12A'")


QUOTE_CHARS = 300  # an evidence quote longer than this is cut, with "…" at the cut


class Amount(_Strict):
    value: float = Field(description="in pounds: '£1.2m' is 1200000")
    text: str = Field(description="as printed, with any qualifier: 'up to £2 million'")


class Evidence(_Strict):
    page: int = Field(description="1-based page number")
    char_start: int = Field(description="offset into the normalised document text")
    char_end: int = Field(description="end offset (exclusive) into the normalised document text")
    method: Method = Field(description="how the field was found: label, section, pattern, nlp or derived")
    confidence: float = Field(ge=0.0, le=1.0, description="0 to 1: an exact label scores higher than a phrase in prose")
    quote: str | None = Field(default=None, description=f"the text the span covers (its first {QUOTE_CHARS} characters)")


class SourceInfo(_Strict):
    path: PathText | None = Field(default=None, description="the input file's path as given (bytes that are not UTF-8 as \\xNN)")
    sha256: str | None = Field(default=None, description="SHA-256 of the file's bytes")
    format: SourceFormat = Field(description="the format sniffed from the bytes: pdf, docx, html or text")
    pages: int = Field(description="number of pages (1 for text, HTML and Word)")
    reader: str = Field(description="the reader that produced the text, e.g. pypdfium2")
    url: str | None = Field(default=None, description="where the file was fetched from (from the archive's manifest)")
    site_id: str | None = Field(
        default=None, description="the decision's id on the council's site; a decision page and its attachments share it")
    fetched_at: dt.datetime | None = Field(default=None, description="when the file was fetched (UTC)")


class DecisionRecord(_Strict):
    """One decision record: every field null when the document does not state it, never guessed."""

    schema_version: str = Field(default=SCHEMA_VERSION, description="the version of this schema the record follows")
    reference: str | None = Field(default=None, description="the decision's reference number as printed, e.g. 'B075/22'")
    subject: str | None = Field(default=None, description="the decision's title")
    decision_type: DecisionType | None = Field(
        default=None, description="executive, non_executive, council or other, only when the record says so")
    key_decision: bool | None = Field(default=None, description="whether the record says this is a key decision")
    decision_maker: Person | None = Field(default=None, description="who took the decision: name and job title")
    executive_member: ExecutiveMember | None = Field(
        default=None, description="the executive member consulted, or who decided, with portfolio")
    officer_contact: OfficerContact | None = Field(default=None, description="the officer to contact: name, title, phone, email")
    decision_date: dt.date | None = Field(
        default=None, description="the date the decision was taken (labelled, the deciding meeting, else the signature date)")
    dates: list[DateEntry] = Field(default_factory=list, description="every date the record gives a role to")
    decision: str | None = Field(default=None, description="the decision text")
    reasons: str | None = Field(default=None, description="the reasons for the decision")
    rejected_options: list[str] | None = Field(
        default=None, description="one item per option; [] when the record says there were none; null when it has no such section"
    )
    consultation: str | None = Field(default=None, description="who was consulted and what they said")
    conflicts_of_interest: str | None = Field(default=None, description="interests declared and dispensations granted")
    exempt_information: Exemption | None = Field(default=None, description="whether part of the record is withheld, and the legal basis")
    amount: Amount | None = Field(default=None, description="the money the decision commits or approves, when the record states it")
    council: str | None = Field(
        default=None,
        description="the council: as given (--council, or the archive's manifest), else as the record (or a profile) names it")
    source: SourceInfo = Field(description="the file the record was read from")
    evidence: dict[str, Evidence] = Field(default_factory=dict, description="where each field was found")
    warnings: list[str] = Field(default_factory=list, description="what looked wrong while reading")


class ExtractionError(_Strict):
    """What a batch records for an input that could not be turned into a record."""

    schema_version: str = Field(default=SCHEMA_VERSION, description="the version of this schema the entry follows")
    path: PathText = Field(description="the input path as given (bytes that are not UTF-8 as \\xNN)")
    sha256: str | None = Field(default=None, description="SHA-256 of the file's bytes, when it could be read")
    kind: ErrorKind = Field(description="not_found, empty, unsupported_format, corrupt, encrypted, no_text_layer, too_large, timeout or internal")
    message: str = Field(description="one line: the file, the kind, what to do")
