"""The field registry: every record field defined once, and everything else iterating it."""

from __future__ import annotations

import pytest

from extractor import registry
from extractor.pipeline import Extractor
from extractor.profile import load_profile
from models import DecisionRecord

# Keys of a record that describe the file or the run, not the decision: no extractor fills them.
NOT_FIELDS = {"schema_version", "source", "evidence", "warnings"}


def test_every_record_field_has_one_definition():
    assert [f.name for f in registry.FIELDS] == list(dict.fromkeys(f.name for f in registry.FIELDS))
    assert {f.name for f in registry.FIELDS} == set(DecisionRecord.model_fields) - NOT_FIELDS


def test_every_builtin_label_group_is_read_by_a_field():
    profile = load_profile()
    read = {group for f in registry.FIELDS for group in f.label_groups}
    for name, spec in profile.fields.items():
        assert name in read or spec.kind == "stop" or spec.date_kind is not None, f"nothing reads [fields.{name}]"
    assert read <= set(profile.fields), f"fields read groups the profile lacks: {read - set(profile.fields)}"


def test_a_field_can_only_need_fields_before_it():
    first, second = registry.FIELDS[0], registry.FIELDS[1]
    with pytest.raises(ValueError, match="must come before it"):
        registry._check((registry.FieldDef(first.name, first.extract, needs=(second.name,)), second))
    with pytest.raises(ValueError, match="not an attribute"):
        registry._check((registry.FieldDef("nonsense", first.extract),))


def test_every_field_with_a_span_has_evidence_under_its_name():
    record = Extractor.create(model="blank").extract_text(
        "Record of Officer Decision\nDecision Ref: OD/25/031\nSubject: Library opening hours\n"
        "Decision Maker: Tom Reyes, Head of Libraries\nKey Decision: No\nDate of Decision: 2 May 2025\n"
        "Decision:\nTo open Hallam library on Sundays at a cost of £12,500.\nReasons:\nDemand from families.\n"
    )
    found = {name for name in DecisionRecord.model_fields if getattr(record, name) not in (None, [])} - NOT_FIELDS
    assert found - {"dates"} <= set(record.evidence)
    assert record.amount.value == 12500


def test_date_evidence_joins_to_its_date():
    text = ("Executive Decision Notice\nDecision Date: 14/03/2024\nDate Published: 15/03/2024\n"
            "Call-in expires: 22 March 2024\nDecision: To approve.\nSigned: Mark Dean\nDate: 14/03/2024\n")
    record = Extractor.create(model="blank").extract_text(text)
    keys = sorted(k for k in record.evidence if k.startswith("dates["))
    assert keys == [f"dates[{i}]" for i in range(len(record.dates))]
    for index, entry in enumerate(record.dates):
        evidence = record.evidence[f"dates[{index}]"]
        printed = text[evidence.char_start : evidence.char_end]
        from extractor.fields.dates import parse_date

        assert parse_date(printed) == entry.value, (entry, printed)


def test_eval_scores_come_from_the_registry():
    names = [score.name for score in registry.SCORES]
    assert len(names) == len(set(names))
    assert {"decision", "reasons", "council", "decision_maker_name", "other_dates"} <= set(names)
    assert registry.similar("1. That the grant be approved.", "• 1. That the  grant be approved")
    assert not registry.similar("To approve the grant.", "To refuse the grant and close the scheme.")
