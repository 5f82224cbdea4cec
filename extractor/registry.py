"""The field registry: every field of a DecisionRecord defined once.

Each `FieldDef` says which record attribute it fills, the function that extracts it, the fields it
reads (extracted before it), the profile's label groups it reads, and how `odr eval` scores it.
The pipeline runs the registry in order, evaluate.py scores it, and the writers take column types
and descriptions from the model it names. Adding a field is one entry here, one function in
fields/, one attribute in models/record.py and (when it has labels) a group in labels.toml.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal

from models import DecisionRecord

from .fields import Context, Found, amount, dates, flags, people, reference, sections, subject

Extract = Callable[[Context, Mapping[str, "Found | None"]], "Found | None"]
Compare = Literal["exact", "items", "similar"]

# Gold `other_dates` keys name roles in words; records use DateKind values.
GOLD_DATE_KINDS = {
    "signed": "signed",
    "publication": "published",
    "published": "published",
    "effective_from": "effective",
    "comes_into_force": "effective",
    "comes_into_force_if_not_called_in": "effective",
    "call_in_deadline": "call_in_expiry",
    "call_in_expiry": "call_in_expiry",
    "implementation_not_before": "effective",
    "cabinet_committee_consideration": "meeting",
    "cabinet_meeting": "meeting",
    "consultative_meeting": "meeting",
    "meeting": "meeting",
}
# Texts (decision, reasons) match when this similar after normalising (see `normal_text`).
SIMILARITY = 0.9
_BULLETS = re.compile(r"[•·▪●◦]|(?:(?<=\s)|^)- (?=\S)")


@dataclass(frozen=True)
class Score:
    """One row of `odr eval`: a value read off a record, the gold annotation's, and how they compare.

    exact: strings after whitespace and case folding, other values as they are; items: lists item
    by item; similar: texts whose similarity after `normal_text` is at least SIMILARITY."""

    name: str
    got: Callable[[DecisionRecord], Any]
    expected: Callable[[dict], Any]
    compare: Compare = "exact"


@dataclass(frozen=True)
class FieldDef:
    name: str  # the DecisionRecord attribute it fills; also its evidence key
    extract: Extract
    needs: tuple[str, ...] = ()  # fields extracted before it whose results it reads
    label_groups: tuple[str, ...] = ()  # the profile's [fields.*] groups it reads
    reads_date_groups: bool = False  # reads every label group with a date_kind
    scores: tuple[Score, ...] = ()
    # Of its label groups, those whose label, printed as one with a value, shows that the input is
    # a decision record (the record rule, extractor/pipeline.py). A date, a title or a signature
    # any document may print: their groups are not among them.
    record_groups: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        return DecisionRecord.model_fields[self.name].description or ""


def _attr(part: str, attr: str) -> Callable[[DecisionRecord], Any]:
    def get(record: DecisionRecord) -> Any:
        value = getattr(record, part)
        return getattr(value, attr) if value is not None else None

    return get


def _gold(key: str) -> Callable[[dict], Any]:
    return lambda gold: gold.get(key)


def _enum_value(name: str) -> Callable[[DecisionRecord], Any]:
    return lambda record: getattr(record, name).value if getattr(record, name) is not None else None


def _gold_decision_type(gold: dict) -> str | None:
    value = gold.get("decision_type")
    return value.lower().replace("-", "_").replace(" ", "_") if value else None


def _other_dates(record: DecisionRecord) -> list[str] | None:
    return sorted({f"{d.kind.value}={d.value.isoformat()}" for d in record.dates if d.kind.value != "decision"}) or None


def _gold_other_dates(gold: dict) -> list[str] | None:
    dated = gold.get("other_dates") or {}
    return sorted({f"{GOLD_DATE_KINDS.get(k, 'other')}={v}" for k, v in dated.items()}) or None


def normal_text(text: str) -> str:
    """A section's text as the gold holds it: bullet glyphs gone, whitespace collapsed, case folded."""
    return " ".join(_BULLETS.sub(" ", text).split()).casefold()


def similar(a: str, b: str) -> bool:
    a, b = normal_text(a), normal_text(b)
    if a == b:
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= SIMILARITY and matcher.quick_ratio() >= SIMILARITY and matcher.ratio() >= SIMILARITY


FIELDS: tuple[FieldDef, ...] = (
    FieldDef("reference", reference.extract, label_groups=("reference",), record_groups=("reference",),
             scores=(Score("reference", lambda r: r.reference, _gold("reference")),)),
    FieldDef("subject", subject.extract, label_groups=("subject",),
             scores=(Score("subject", lambda r: r.subject, _gold("subject")),)),
    FieldDef("council", subject.council,
             scores=(Score("council", lambda r: r.council, _gold("council_stated")),)),
    FieldDef("decision_maker", people.decision_maker,
             label_groups=("decision_maker", "decision_maker_of", "signed", "signatory_name", "signatory_title", "date_meeting",
                           "executive_member"),
             record_groups=("decision_maker", "decision_maker_of"),
             scores=(Score("decision_maker_name", _attr("decision_maker", "name"), _gold("decision_maker_name")),
                     Score("decision_maker_title", _attr("decision_maker", "title"), _gold("decision_maker_title")))),
    FieldDef("executive_member", people.executive_member, needs=("decision_maker",),
             label_groups=("executive_member", "portfolio"), record_groups=("executive_member",),
             scores=(Score("executive_member", _attr("executive_member", "name"), _gold("executive_member")),
                     Score("portfolio", _attr("executive_member", "portfolio"), _gold("portfolio")))),
    FieldDef("officer_contact", people.officer_contact,
             label_groups=("officer_contact", "officer_phone", "officer_tel", "officer_email")),
    FieldDef("key_decision", flags.key_decision, label_groups=("key_decision", "decision_type"), record_groups=("key_decision",),
             scores=(Score("key_decision", lambda r: r.key_decision, _gold("key_decision")),)),
    FieldDef("decision_type", flags.decision_type, label_groups=("decision_type",), record_groups=("decision_type",),
             scores=(Score("decision_type", _enum_value("decision_type"), _gold_decision_type),)),
    FieldDef("exempt_information", flags.exempt_information, label_groups=("exempt_information",),
             scores=(Score("exempt_information", _attr("exempt_information", "exempt"), _gold("exempt_information")),)),
    FieldDef("dates", dates.extract, reads_date_groups=True,
             scores=(Score("other_dates", _other_dates, _gold_other_dates, "items"),)),
    FieldDef("decision_date", dates.decision_date, needs=("dates",),
             scores=(Score("decision_date", lambda r: r.decision_date.isoformat() if r.decision_date else None,
                           _gold("decision_date")),)),
    FieldDef("decision", sections.decision, needs=("subject",), label_groups=("decision", "decision_maker_of", "decision_and_reasons"),
             record_groups=("decision", "decision_and_reasons"),
             scores=(Score("decision", lambda r: r.decision, _gold("decision"), "similar"),)),
    FieldDef("reasons", sections.reasons, label_groups=("reasons", "decision_and_reasons"), record_groups=("reasons",),
             scores=(Score("reasons", lambda r: r.reasons, _gold("reasons"), "similar"),)),
    FieldDef("rejected_options", sections.rejected_options, label_groups=("rejected_options",),
             record_groups=("rejected_options",),
             scores=(Score("rejected_options", lambda r: r.rejected_options, _gold("rejected_options"), "items"),)),
    FieldDef("consultation", sections.text_section("consultation"), label_groups=("consultation",)),
    FieldDef("conflicts_of_interest", sections.text_section("conflicts_of_interest"), label_groups=("conflicts_of_interest",)),
    FieldDef("amount", amount.extract, needs=("decision", "subject"), label_groups=("amount",)),
)

BY_NAME: Mapping[str, FieldDef] = {f.name: f for f in FIELDS}
SCORES: tuple[Score, ...] = tuple(score for f in FIELDS for score in f.scores)
RECORD_GROUPS: frozenset[str] = frozenset(group for f in FIELDS for group in f.record_groups)


def _check(fields: tuple[FieldDef, ...]) -> None:
    """Each field once, each a record attribute, each needing only fields before it."""
    seen: set[str] = set()
    for definition in fields:
        if definition.name in seen:
            raise ValueError(f"field {definition.name!r} is defined twice")
        if definition.name not in DecisionRecord.model_fields:
            raise ValueError(f"field {definition.name!r} is not an attribute of DecisionRecord")
        if not set(definition.record_groups) <= set(definition.label_groups):
            raise ValueError(f"field {definition.name!r}: record_groups must be among its label_groups")
        missing = [n for n in definition.needs if n not in seen]
        if missing:
            raise ValueError(f"field {definition.name!r} needs {missing}, which must come before it")
        seen.add(definition.name)


_check(FIELDS)
