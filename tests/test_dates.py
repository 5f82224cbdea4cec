import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.fields.dates import _DOTTED_SHORT, DATE_PATTERNS, date_matches, find_dates, parse_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("14/9/23", dt.date(2023, 9, 14)),
        ("...14/9/23", dt.date(2023, 9, 14)),
        ("14/09/2023", dt.date(2023, 9, 14)),
        ("06/03/2020", dt.date(2020, 3, 6)),  # day first, never month first
        ("14.09.2023", dt.date(2023, 9, 14)),
        ("14-09-2023", dt.date(2023, 9, 14)),
        ("14th September 2023", dt.date(2023, 9, 14)),
        ("3rd March , 2009", dt.date(2009, 3, 3)),
        ("Monday, 23rd February, 2009 7.30 pm", dt.date(2009, 2, 23)),
        ("1st of April 2024", dt.date(2024, 4, 1)),
        ("22 Sept. 2021", dt.date(2021, 9, 22)),
        ("September 14, 2023", dt.date(2023, 9, 14)),
        ("Date: 17/1/2025", dt.date(2025, 1, 17)),
        ("11/10/2012 - Cabinet", dt.date(2012, 10, 11)),
        ("31/12/99", dt.date(1999, 12, 31)),
        ("2023-09-14", dt.date(2023, 9, 14)),
        ("Published: 2022-01-12T09:30", dt.date(2022, 1, 12)),
        ("2021-06-01T10:00:00Z", dt.date(2021, 6, 1)),
        ("2021-06-01 10:00", dt.date(2021, 6, 1)),
        ("Thursday, March 16, 2017", dt.date(2017, 3, 16)),
        ("Tue 1 Jun 2021", dt.date(2021, 6, 1)),
        ("1st June, 2021", dt.date(2021, 6, 1)),
        ("June 1st 2021", dt.date(2021, 6, 1)),
        ("16-Mar-2017", dt.date(2017, 3, 16)),
        ("16-Mar-17", dt.date(2017, 3, 16)),
        ("27.03.24", dt.date(2024, 3, 27)),
        ("on 01.06.21 the", dt.date(2021, 6, 1)),
    ],
)
def test_uk_dates_parse_day_first(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, reference_year, expected",
    [
        ("5/6/99", 2024, dt.date(1999, 6, 5)),
        ("5/6/30", 2024, dt.date(2030, 6, 5)),
        ("5/6/30", None, dt.date(2030, 6, 5)),
        ("5/6/70", None, dt.date(1970, 6, 5)),
        ("5/6/70", 2069, dt.date(2070, 6, 5)),
    ],
)
def test_two_digit_years_are_read_against_a_reference_year(text, reference_year, expected):
    assert parse_date(text, reference_year) == expected


def test_a_records_two_digit_dates_take_the_century_of_its_other_dates():
    from extractor.pipeline import Extractor

    record = Extractor.create(model="blank").extract_text(
        "Decision Notice\nSubject: Street lighting renewal\nDecision Date: 14/9/71\n"
        "Publication Date: 20 September 2071\nDecision: To renew the street lighting.\n"
    )
    assert record.decision_date == dt.date(2071, 9, 14)


@pytest.mark.parametrize("text", ["", "no date here", "31/02/2023", "32/1/2023", "£1,000,000", "rule 3.5.20", "2024-2025"])
def test_non_dates_are_not_dates(text):
    assert parse_date(text) is None


def test_find_dates_gives_every_date_in_order_with_offsets():
    text = "Published 12/01/2022, effective from 20th January 2022."
    found = find_dates(text)
    assert [d for d, _, _ in found] == [dt.date(2022, 1, 12), dt.date(2022, 1, 20)]
    assert [text[s:e] for _, s, e in found] == ["12/01/2022", "20th January 2022"]


def _numbering():
    from extractor.fields.dates import numbering_pattern
    from extractor.profile import load_profile

    return numbering_pattern(tuple(load_profile().vocabulary["numbering_words"]))


@pytest.mark.parametrize(
    "text",
    ["rule 3.5.20", "Rule 03.05.20", "paragraph 10.12.14 applies", "under para. 10.12.14", "Version 01.02.03",
     "section 12.11.10 of the plan", "10.12.14 The Council will consult", "see 3.5.20 above", "s.01.02.03"],
)
def test_section_numbers_are_not_dotted_dates(text):
    assert find_dates(text, numbering=_numbering()) == []


@pytest.mark.parametrize(
    "text, expected",
    [("1.6.21", dt.date(2021, 6, 1)), ("27.3.24 (amended)", dt.date(2024, 3, 27)), ("27.03.24", dt.date(2024, 3, 27))],
)
def test_a_date_labels_value_may_print_a_dotted_date_unpadded(text, expected):
    assert [d for d, _, _ in find_dates(text, whole_value=True)] == [expected]


@pytest.mark.parametrize("text", ["1.6.21", "see 27.3.24 (amended)"])
def test_in_prose_an_unpadded_dotted_short_date_is_a_number(text):
    assert find_dates(text) == []


# ---- date_matches: the patterns tried only where a date can start find what a full scan finds ----

DATE_PIECES = [
    "0", "1", "3", "14", "09", "2023", "19", "99", "/", ".", "-", ", ", " ", "  ", "\n", "\t", "\u00a0",
    "March", "mar", "Sept.", "sept", "May", "of", "th", "st", "nd", "rd", "x", "_", "a", "٣", "rule ",
    "Thursday, ", "on ", "(",
]


def _scanned(text: str) -> list[list[tuple[int, int]]]:
    return [[m.span() for m in pattern.finditer(text)] for pattern in [*DATE_PATTERNS, _DOTTED_SHORT]]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(DATE_PIECES), max_size=30).map("".join))
def test_date_matches_finds_what_a_full_scan_finds(text):
    assert [[m.span() for m in found] for found in date_matches(text)] == _scanned(text)


@pytest.mark.parametrize("text", [
    "Decided on 14 March 2023 and published March 16, 2017 (Sept. 3, 2021); call-in ends 21.03.23.",
    "Thursday,\nMarch\n16,\n2017", "x14/09/2023 _16-Mar-17 5March 6 2020 March  6th,  2020",
    "2023-09-14T10:00 27.03.24 - Title", "rule 3.5.20 and paragraph 10.12.14 of the code",
])
def test_date_matches_in_record_text(text):
    assert [[m.span() for m in found] for found in date_matches(text)] == _scanned(text)
