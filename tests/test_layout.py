"""Layout: where the labels and sections of a record are, each with the text it governs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.layout import Layout, _label_like
from extractor.profile import load_profile
from extractor.readers.text import text_document

PROFILE = load_profile()


def layout_of(text: str) -> Layout:
    return Layout(text_document(text, reader="test"), PROFILE)


def value(layout: Layout, field: str) -> str | None:
    hit = layout.first(field)
    span = layout.value(hit) if hit else None
    return span.text if span else None


@pytest.mark.parametrize(
    "line",
    [
        "Decision Maker: Jane Hollis, Head of Parks",
        "Decision Maker :- Jane Hollis, Head of Parks",
        "Decision Maker | Jane Hollis, Head of Parks",
        "Decision Maker - Jane Hollis, Head of Parks",
        "Decision Maker\tJane Hollis, Head of Parks",
        "DECISION MAKER: Jane Hollis, Head of Parks",
        "3. Decision Maker: Jane Hollis, Head of Parks",
        "Decision Maker (name and title): Jane Hollis, Head of Parks",
        "Decision Maker Jane Hollis, Head of Parks",  # a form printed without separators
    ],
)
def test_a_label_and_its_value_on_one_line(line):
    layout = layout_of(f"{line}\nDecision: To plant trees.\n")
    assert value(layout, "decision_maker") == "Jane Hollis, Head of Parks"
    assert value(layout, "decision") == "To plant trees."


def test_the_value_on_the_next_line_and_wrapped_lines_joined():
    layout = layout_of("Subject:\nReplacement of the play equipment at Fenwick Park and\nthe adjoining skate area\n\nDecision:\nTo replace it.\n")
    assert value(layout, "subject") == "Replacement of the play equipment at Fenwick Park and the adjoining skate area"


def test_a_label_wrapped_over_two_lines():
    text = ("Any interest declared when the decision was taken and any dispensation granted by the\n"
            "Proper Officer:\nNone\n")
    layout = layout_of(text)
    assert value(layout, "conflicts_of_interest") == "None"


def test_several_labels_on_one_flattened_line():
    layout = layout_of("Decision Maker: Cabinet Member for Housing Decision Date: 04/03/2024 Key Decision: Yes\n")
    assert value(layout, "decision_maker") == "Cabinet Member for Housing"
    assert value(layout, "date_decision") == "04/03/2024"
    assert value(layout, "key_decision") == "Yes"


def test_a_question_ends_its_label():
    layout = layout_of("Is this a Key Decision? No\n")
    assert value(layout, "key_decision") == "No"


def test_a_label_closing_a_header_row_takes_the_short_line_below():
    layout = layout_of("If Key Decision: Decision Ref. No.\nB075/22\nDecision:\nTo award the contract.\n")
    assert value(layout, "reference") == "B075/22"


def test_follows_makes_title_the_signatorys_and_not_the_subject():
    layout = layout_of("Decision:\nTo approve.\nSigned: Jane Hollis\nTitle: Head of Parks\nDate: 3 May 2024\n")
    assert layout.first("subject") is None
    assert value(layout, "signatory_title") == "Head of Parks"
    assert value(layout, "date_signed") == "3 May 2024"
    far = layout_of("Title: Tree planting in Grove Park\n\nDecision:\nTo approve.\n")
    assert value(far, "subject") == "Tree planting in Grove Park"


def test_a_block_runs_to_the_next_label_or_heading():
    text = "Decision:\nTo plant 40 trees.\nThey will be oaks.\nBackground Papers:\nNone.\nReasons:\nShade.\n"
    layout = layout_of(text)
    assert value(layout, "decision") == "To plant 40 trees.\nThey will be oaks."
    assert value(layout, "reasons") == "Shade."


def test_a_numbered_section_ends_at_the_next_number():
    text = "1. Decision\nTo plant 40 trees.\n2. Something the profile does not know\nShade and cooling.\n"
    assert value(layout_of(text), "decision") == "To plant 40 trees."


def test_spans_point_at_the_text_they_came_from():
    text = "Record of Decision\n\nDecision Maker:   Jane Hollis\nDecision:\n  To plant trees.\n"
    layout = layout_of(text)
    document = layout.document
    for field in ("decision_maker", "decision"):
        span = layout.value(layout.first(field))
        assert span.text.split()[0] in document.text[span.start : span.end]
        assert document.text[span.start : span.end].strip().startswith(span.text.split()[0])


def test_a_heading_word_after_label_words_is_a_title_not_a_label():
    layout = layout_of("Cabinet Member Decision\nSubject: Library hours\n")
    assert layout.first("executive_member") is None
    assert value(layout, "subject") == "Library hours"


# -- the structure a reader saw (Document.blocks) ---------------------------------------------------

HTML = """<html><body><div id="modgov">
<h1>Decision details</h1><h2>Allotment Rents 2025/26</h2>
<table><tr><td class="mgLabel">Decision Maker</td><td>Cabinet Member for Communities</td></tr>
<tr><td class="mgLabel">Rent band</td><td>Band B</td></tr></table>
<h3>Decision:</h3><p>To set allotment rents for 2025/26 as in Appendix A.</p>
<h3>Alternative options considered</h3><ul><li>Freeze rents – the service would run at a loss.</li></ul>
<h3>Carbon Impact</h3><p>Allotments support local food growing.</p>
<h3>Why we decided this</h3><p>Rents have not risen since 2021.</p>
</div></body></html>"""


@pytest.fixture(scope="module")
def html_record(extractor):
    return extractor.extract_bytes(HTML.encode(), path="allotments.html")


def test_a_heading_the_reader_saw_ends_the_section_above_it_even_when_odr_does_not_know_it(html_record):
    assert html_record.rejected_options == ["Freeze rents – the service would run at a loss."]


def test_a_heading_the_reader_saw_is_read_by_its_meaning(html_record):
    assert html_record.reasons == "Rents have not risen since 2021."
    assert html_record.evidence["reasons"].confidence < html_record.evidence["decision"].confidence


def test_a_table_rows_label_is_taken_whole_and_its_value_ends_with_the_row(html_record):
    assert html_record.decision_maker.title == "Cabinet Member for Communities"
    assert html_record.subject == "Allotment Rents 2025/26"  # the title under the page heading is no label
    assert html_record.decision == "To set allotment rents for 2025/26 as in Appendix A."


def test_a_bold_lead_in_is_the_decisions_not_a_heading(extractor):
    html = ("<html><body><h3>Decision:</h3><p><b>That the Cabinet Member:</b></p>"
            "<ol><li>approves the scheme;</li><li>notes the responses.</li></ol>"
            "<h3>Reasons:</h3><p>Demand.</p></body></html>")
    record = extractor.extract_bytes(html.encode(), path="lead-in.html")
    assert record.decision == "That the Cabinet Member:\n1. approves the scheme;\n2. notes the responses."


def test_a_breadcrumb_is_no_heading():
    layout = layout_of("Home > Council and Democracy > Decisions\n\nDecision Maker: Cabinet\n")
    assert [h.field for h in layout.hits] == ["decision_maker"]


@pytest.mark.parametrize("post", ["Head of Legal Services", "Director of Finance and Resources", "Chief Executive"])
def test_a_post_on_a_line_of_its_own_is_no_heading(post):
    layout = layout_of(f"Decision:\nTo adopt the plan.\n\nJane Smith\n\n{post}\n\nReasons:\nThe plan is due.\n")
    assert [h.field for h in layout.hits] == ["decision", "reasons"]


# ---- the label-like phrase: its quick whole-phrase pass never drops a line the exact pattern takes ----

LINE_PIECES = ["Decision", "by", "Key", "decision", " ", "   ", "\t", ":", ":-", "|", "?", "1.", "2.3 ", "a)", "(iv)",
               "x", "Is", "Officer", "making", "the", ".", ",", "é"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LINE_PIECES), max_size=25).map("".join), st.sampled_from([5, 20, 80]))
def test_label_like_quick_pass_agrees_with_the_shortest_phrase(line, max_chars):
    pattern = _label_like(max_chars)
    expected = pattern._shortest.match(line)
    got = pattern.match(line)
    assert (got is None) == (expected is None), line
    if got is not None:
        assert got.span() == expected.span() and got.groupdict() == expected.groupdict()


@pytest.mark.parametrize("line", [
    "Decision by :", "Is this a key decision ?  Yes", "1. Officer making the decision:- Jane Roe",
    "a) Reasons | text", "Decision" + " " * 170 + ": too far", "D" + "x" * 170 + ":", "Background", "",
])
def test_label_like_on_label_lines(line):
    pattern = _label_like(20)
    expected = pattern._shortest.match(line)
    assert (pattern.match(line) is None) == (expected is None)
