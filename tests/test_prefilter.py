"""The keyword prefilter of phrase searches finds exactly what the full alternation finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.prefilter import fold, needed_words
from extractor.profile import load_profile


@pytest.mark.parametrize(("pattern", "words"), [
    (r"\bnot for publication\b", {"not for publication"}),
    (r"\b(?:exempt|confidential) (?:item|report)\b", {"exempt", "confidential"}),
    (r"(?<![\w-])non[- ]?key\b", {"non"}),
    (r"\bpart (?:ii|2|two) report\b", {" report"}),
    (r"\bconsult(?:ed|ing)?\b", {"consult"}),
    (r"\b(?:to|of|by)\b", None),           # words too short to rule anything out
    (r"^[^\S\n]*(?:exempt|x)\b", None),    # one branch needs no word
    (r"\b(?:Part )?Schedule 12A", {"schedule 12a"}),  # an optional part needs nothing
    (r"caf\u00e9 report", {" report"}),    # a non-ASCII letter ends a word; the longest word is kept
])
def test_needed_words(pattern, words):
    found = needed_words(pattern, re.IGNORECASE)
    assert (set(found) if found is not None else None) == words


def test_fold_keeps_every_letter_the_regex_equates_with_ascii():
    for char in ("\u0130", "\u0131", "\u017f", "\u212a"):
        letter = fold(char)
        assert re.fullmatch(letter, char, re.IGNORECASE), char
    assert fold("EXEMPT Report") == "exempt report"


PROFILE = load_profile()
PIECES = [
    "This report contains exempt information.", "NOT FOR PUBLICATION", "Exempt: No", "Key decision: Yes",
    "this is a key decision", "This is not a key decision.", "Non-key", "the public were excluded",
    "Appendix A is confidential", "(Part II)", "none of the report is exempt", "an open report",
    "Reasons for the decision", "It was consulted upon.", "delegated to the Director", "Part 2 report",
    "paragraph 3 of Schedule 12A", "\u017fhould not be di\u017fclosed to the public", "CONFIDENTIAL",
    "\n", " ", "\u212aey decision", "the decision was approved by the Leader",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12), st.sampled_from(sorted(PROFILE.phrase_search)))
def test_find_phrase_equals_the_full_alternation(pieces, key):
    text = " ".join(pieces)
    full = PROFILE.phrases[key]
    seen: list[tuple[int, int]] = []

    def accept_second(match: re.Match) -> bool:  # every match is shown, in order: the second is taken
        seen.append(match.span())
        return len(seen) == 2

    expected = [m.span() for m in full.finditer(text)]
    first = PROFILE.find_phrase(key, text)
    assert (first.span() if first else None) == (expected[0] if expected else None)
    second = PROFILE.find_phrase(key, text, accept_second)
    assert (second.span() if second else None) == (expected[1] if len(expected) > 1 else None)
    assert seen == expected[:2]


# ---- the capturing phrases (council, reference, ...) are scanned only where their words occur ----

CAPTURE_TEXTS = [
    "LONDON BOROUGH OF WYVERN\nRecord of decision", "Royal Borough of Kingsbridge and Marton",
    "City and County of Abertawe", "Isle of Wyvern Council", "Thornbury Metropolitan Borough Council",
    "Decision No. DD/2024/017", "Ref: HWY-22", "Having considered the report entitled Parking Review",
    "Schedule 12A of the Local Government Act 1972, paragraph 3", "Decision due: 15 Jun 2017 by Cabinet",
    "Officer decision record", "", "council",
]


@pytest.mark.parametrize("key", sorted(PROFILE.prose))
@pytest.mark.parametrize("text", CAPTURE_TEXTS)
def test_prose_for_keeps_every_phrase_that_matches(key, text):
    kept = PROFILE.prose_for(key, text)
    matching = [p for p in PROFILE.prose[key] if p.search(text)]
    assert all(p in kept for p in matching)
    assert [m.span() for p in kept for m in p.finditer(text)] == [m.span() for p in PROFILE.prose[key] for m in p.finditer(text)]


def test_prose_for_leaves_out_phrases_whose_words_are_absent():
    council = PROFILE.prose["council"]
    assert PROFILE.prose_for("council", "Record of decision taken by the Director of Place") == []
    kept = PROFILE.prose_for("council", "Wyvern District Council")
    assert kept and len(kept) < len(council)  # "Borough of" and "City and County of" phrases are not tried
