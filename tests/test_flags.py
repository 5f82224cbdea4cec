import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.fields.flags import _unwrapped, parse_yes_no
from extractor.profile import load_profile


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Yes", True), ("YES", True), ("No", False), ("NO ", False), ("Non-key", False), ("Key decision", True),
        ("Yes ☒ No ☐", True), ("Yes ☐ No ☒", False), ("Yes [ ] No [x]", False), ("Yes [X] No [ ]", True),
        ("Not a key decision", False), ("Decision Ref. No.", None), ("To be confirmed", None), ("", None),
        # boxes printed before their words, and other choices than yes/no
        ("☐ Yes ☒ No", False), ("☒ Yes ☐ No", True), ("Key ☐ Non-key ☒", False), ("[x] Key [ ] Non-key", True),
        # a row of boxes left blank, or with both ticked, answers nothing
        ("Yes ☐ No ☐", None), ("☒ Yes ☒ No", None),
        # Welsh, alone or beside the English
        ("Ie", True), ("Ydy", True), ("Na", False), ("Nac ydy", False), ("Na / No", False), ("Yes / Ie", True),
    ],
)
def test_parse_yes_no(text, expected):
    assert parse_yes_no(text, load_profile()) is expected


@pytest.mark.parametrize(
    "statement, exempt, basis",
    [
        ("This decision does not contain exempt information.", False, None),
        ("Exempt information: None", False, None),
        ("Exempt information: Yes - paragraph 3 of Schedule 12A", True, "paragraph 3 of Schedule 12A"),
        ("Appendix 2 is not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A of the Local Government Act 1972.",
         True, "paragraph 3 of Part 1 of Schedule 12A of the Local Government Act 1972"),
        ("The report contains exempt information.", True, None),
        ("For publication [Do not include information which is exempt from publication under schedule 12a of the Local Government Act 1972]",
         False, None),
        ("Decision: To approve the grant.", None, None),
    ],
)
def test_exemption_is_what_the_record_says_is_withheld(extractor, statement, exempt, basis):
    record = extractor.extract_text(f"Record of Decision\nSubject: Grant award\n{statement}\n")
    if exempt is None:
        assert record.exempt_information is None
    else:
        assert (record.exempt_information.exempt, record.exempt_information.basis) == (exempt, basis)


@pytest.mark.parametrize(
    "text, key",
    [
        ("Key decision: YES", True),
        ("Is Key decision?: No", False),
        ("Is this a Key Decision? Yes", True),
        ("Key Decision (Executive Functions only): Yes", True),
        ("Decision type: Non-key", False),
        ("Key decision: Yes ☐ No ☒", False),
        ("This document records a key decision, but the matter was not included in the Forward Plan.", True),
        ("Decision: To approve the grant.", None),
    ],
)
def test_key_decision_in_every_form(extractor, text, key):
    assert extractor.extract_text(f"Record of Decision\nSubject: Grant award\n{text}\n").key_decision is key


# ---- a wrapped sentence put on one line, every offset kept ----

_WRAPPED_BREAK = re.compile(r"[^\S\n]*\n[^\S\n]*(?=[a-z])")  # what _unwrapped replaces, by definition


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["\n", " ", "\t", "\u00a0", "a", "B", "x.", "\n\n", "  ", "1"]), max_size=30).map("".join))
def test_unwrapped_blanks_each_break_inside_a_sentence(text):
    assert _unwrapped(text) == _WRAPPED_BREAK.sub(lambda m: " " * len(m.group()), text)


def test_unwrapped_keeps_offsets():
    text = "The report is not for\n   publication.\nIt is Part 2."
    assert _unwrapped(text) == "The report is not for    publication.\nIt is Part 2."
    assert len(_unwrapped(text)) == len(text)
