"""A label pattern compiled a bucket at a time matches exactly what its whole regex matches."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.labelpattern import LabelPattern, trie_regex
from extractor.profile import load_profile

PROFILE = load_profile()
ANCHORED = ("line_start", "bare_start", "run_in_start")  # used with match()
SCANNED = ("mid_line", "after_sentence")                  # used with finditer()


def whole(pattern: LabelPattern) -> re.Pattern:
    """The one regex the pattern stands for."""
    return re.compile(f"{pattern.before}(?P<label>{trie_regex(pattern.labels)}){pattern.after}", re.IGNORECASE)


def shape(match: re.Match | None):
    """What a caller can read off a match: its span and every group's text and span."""
    if match is None:
        return None
    names = sorted(match.re.groupindex)
    return match.span(), [(name, match.group(name), match.span(name)) for name in names]


def assert_same(name: str, pattern: LabelPattern, reference: re.Pattern, text: str) -> None:
    if name in ANCHORED:
        assert shape(pattern.match(text)) == shape(reference.match(text)), (name, text)
    else:
        for pos in (0, 1, len(text) // 2):
            got = [shape(m) for m in pattern.finditer(text, pos)]
            assert got == [shape(m) for m in reference.finditer(text, pos)], (name, text, pos)


def patterns(profile=PROFILE) -> dict[str, LabelPattern]:
    return {name: getattr(profile, name) for name in (*ANCHORED, *SCANNED) if getattr(profile, name) is not None}


LINES = [
    "Decision: To approve the scheme.",
    "DECISION MAKER: Cabinet Member for Housing",
    "  3. Reasons for the decision",
    "3.1 Decision -  to approve",
    "(a) Decision Maker:",
    "a) Decision Maker: the Leader",
    "iv) Alternative options considered: none",
    "IV. Alternative Options Considered and Rejected",
    "• Key decision: Yes",
    "- Decision taken by: Director of Place",
    "* Date of decision: 1 May 2024",
    "Is this a Key Decision? Yes",
    "Decision Maker Cabinet Member for Housing",
    "Signed J Anderson",
    "Decision (Key):- approved",
    "Decision\tApproved",
    "Decision-Maker: the Leader",
    "Decision – maker: the Leader",
    "Reference: HC042/23 Decision Maker: Cabinet Member Date: 1 May 2024",
    "Date of decision: 1 May 2024 Key decision: No Exempt: No",
    "the draft Strategy was noted. Any Declarations of Interest Declared None.",
    "It was agreed; Reasons for the decision To meet demand.",
    "Decisions are taken by the Cabinet.",
    "Decisional matters",
    "The Council decided to approve the scheme.",
    "3.",
    "",
    "   ",
    "Dec",
    "De",
    "D",
    "(Decision Maker) Cabinet",
    "[Decision]: approved",
    "Report (Decision Maker): the Leader",
    "\u212aey decision: Yes",                  # the Kelvin sign matches k case-insensitively
    "\u017fubject: Library opening hours",     # the long s matches s
    "I\u0307s this a key decision? yes",
    "Decis\u0131on: approved",                 # the dotless i matches i
    "Décision: approuvée",
    "12. \u212aey Decision: Yes",
]


@pytest.mark.parametrize("name", sorted(patterns()))
def test_the_profiles_patterns_match_as_their_whole_regex_on_label_lines(name):
    pattern = patterns()[name]
    reference = whole(pattern)
    for text in LINES:
        assert_same(name, pattern, reference, text)


def test_the_lines_hold_labels_of_every_kind():
    """The lines above exercise what they claim: a numbered, a bulleted, a run-in, a mid-line and an
    after-a-sentence label all found."""
    found = patterns()
    assert found["line_start"].match("  3. Reasons for the decision").group("label") == "Reasons for the decision"
    assert found["line_start"].match("• Key decision: Yes").group("label") == "Key decision"
    assert found["line_start"].match("\u212aey decision: Yes").group("label") == "\u212aey decision"
    assert found["run_in_start"].match("Decision Maker Cabinet Member for Housing").group("label") == "Decision Maker"
    mid = [m.group("label") for m in found["mid_line"].finditer(LINES[18], 1)]
    assert mid == ["Decision Maker", "Date"]
    assert [m.group("label") for m in found["after_sentence"].finditer(LINES[20])] == ["Any Declarations of Interest"]


# Pieces of lines: what may come before a label, the label, what may follow it.
LEADS = ["", " ", "  ", "\t", "3. ", "3.1 ", "12) ", "(a) ", "b) ", "iv) ", "IX. ", "• ", "- ", "* ", "· ", "3 "]
SEPARATORS = ["", ":", " :", ":-", " - ", " – ", "\t", "  ", " ", "?", " (Key):", "*(b)* :"]
VALUES = ["", " Yes", " Cabinet Member", " approved.", " 1 May 2024", " the Leader of the Council"]
LABELS = sorted(PROFILE.labels)


def _case(label: str, how: int) -> str:
    return (label, label.upper(), label.title(), label.capitalize(), label.swapcase())[how]


def _dashed(label: str, how: int) -> str:
    return (label, label.replace(" ", "-"), label.replace(" ", " – "), label.replace(" ", "  "))[how]


@st.composite
def label_lines(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        label = _dashed(_case(draw(st.sampled_from(LABELS)), draw(st.integers(0, 4))), draw(st.integers(0, 3)))
        if draw(st.booleans()):
            label = label[: draw(st.integers(1, len(label)))]  # a label cut short: most are no label
        parts.append(draw(st.sampled_from(LEADS)) + label + draw(st.sampled_from(SEPARATORS)) + draw(st.sampled_from(VALUES)))
    joiners = st.sampled_from([" ", ". ", "; ", "  ", " (", "] ", "? "])
    return "".join(part + (draw(joiners) if i < len(parts) - 1 else "") for i, part in enumerate(parts))


@settings(max_examples=400, deadline=None)
@given(label_lines(), st.sampled_from(sorted(patterns())))
def test_any_label_line_matches_as_the_whole_regex(text, name):
    pattern = patterns()[name]
    assert_same(name, pattern, WHOLE[name], text)


WHOLE = {name: whole(pattern) for name, pattern in patterns().items()}


# A label set of our own with the awkward cases: a first word of one letter, labels starting with a
# digit or punctuation, words that share their first letters, a non-ASCII letter.
ODD_LABELS = ["a", "a decision", "e mail", "email", "x", "1st reading", "2nd reading", "(b) reasons", "#tag line",
              "dec", "decision", "decisions", "decision maker", "maker", "reasons", "dé cision", "ſpecial", "µ dose", "i", "is it key"]
ODD_LINES = ["A: first", "a decision: taken", "E-mail: x@y.z", "Email: x@y.z", "E MAIL - x", "X", "x:", "1st Reading:",
             "2ND READING", "(B) Reasons: because", "#Tag Line:", "Dec:", "DECISIONS", "Decision Maker: Leader",
             "Dé Cision:", "Special:", "ſPECIAL:", "Μ dose: 5", "µ DOSE:", "İ:", "I:", "ı:", "Is it key? Yes",
             "3. a decision: x", "a) a decision:", "i) i:", "ii. Is it key? no", "• email: x",
             "Date: today A Decision: taken Email: none", "It was done. Is It Key Now", "(Decision Maker) Email:"]


@pytest.mark.parametrize("name", sorted(patterns()))
def test_awkward_labels_match_as_their_whole_regex(name):
    template = patterns()[name]
    pattern = LabelPattern(ODD_LABELS, template.before, template.after, starts=template.starts)
    reference = whole(pattern)
    for text in ODD_LINES + LINES:
        assert_same(name, pattern, reference, text)


def test_no_labels_behaves_as_the_empty_regex():
    template = PROFILE.run_in_start
    pattern = LabelPattern([], template.before, template.after, starts=template.starts)
    reference = whole(pattern)
    for text in ["  Cabinet", "Cabinet", " 3 x", ""]:
        assert shape(pattern.match(text)) == shape(reference.match(text))


def test_a_line_compiles_only_the_labels_it_could_start():
    """Loading a profile compiles no label regex; reading a line compiles the buckets of the words
    it starts with, not the profile's hundreds of labels."""
    profile = load_profile.__wrapped__()  # a fresh profile, nothing compiled yet
    line_start = profile.line_start
    assert not line_start._compiled
    assert line_start.match("Decision Maker: the Leader").group("label") == "Decision Maker"
    assert len(line_start._compiled) == 1
    compiled = next(iter(line_start._compiled.values()))
    assert len(compiled.pattern) < len(whole(line_start).pattern) / 10
    assert line_start.match("Hello world") is None
