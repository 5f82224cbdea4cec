"""PDF line rebuilding: a paragraph gap is a blank line, a line the layout wrapped is rejoined, and a
line that begins something of its own (a list item, a standalone heading) is never joined."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.profile import load_profile
from extractor.readers import ReadOptions, read_bytes

fpdf = pytest.importorskip("fpdf")

FONT = next(
    (p for p in (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/dejavu/DejaVuSans.ttf")) if p.exists()),
    None,
)

LONG = (
    "The garden waste collection costs the Council a great deal every year and is not a statutory service. "
    "Most councils in the region already charge for it and a subscription closes the gap in the plan."
)


def _new_pdf():
    pdf = fpdf.FPDF(format="A4")
    if FONT:
        pdf.add_font("Body", "", str(FONT))
        pdf.set_font("Body", size=10)
    else:
        pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    return pdf


def _full_line(next_word: str) -> str:
    """A line that fits the text width, with no room left for `next_word`."""
    pdf = _new_pdf()
    width = pdf.w - pdf.l_margin - pdf.r_margin - 2 * pdf.c_margin
    line = "Filler"
    while pdf.get_string_width(f"{line} {next_word}") <= width:
        line += " ab"
    return line


def _pdf(lines: list[str]) -> bytes:
    pdf = _new_pdf()
    for line in lines:
        if line:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(5)
    return bytes(pdf.output())


def _lines(data: bytes, options: ReadOptions = ReadOptions(labels=load_profile())) -> list[str]:
    """The PDF's lines as a run with the built-in profile reads them."""
    return read_bytes(data, options=options).text.split("\n")


def test_wrapped_paragraph_reads_as_one_line():
    assert _lines(_pdf(["Reasons:", LONG, "Short line."])) == ["Reasons:", LONG, "Short line."]


def test_paragraph_gap_is_a_blank_line():
    assert _lines(_pdf(["First paragraph.", "", "Second paragraph."])) == ["First paragraph.", "", "Second paragraph."]


def test_short_lines_stay_apart():
    lines = ["Decision:", "APPROVE the proposal.", "DELEGATE authority to the Director."]
    assert _lines(_pdf(lines)) == lines


def test_a_heading_after_a_full_line_is_not_joined_to_it():
    # The last word of a line that ends near the margin would not leave room for "Reason": still a heading.
    full = _full_line("Reason")
    lines = _lines(_pdf([full, "Reason for the Decision", "As set out in the report."]))
    assert lines == [full, "Reason for the Decision", "As set out in the report."]


def test_without_a_profile_a_label_by_its_shape_is_not_joined_either():
    full = _full_line("Reason")
    lines = _lines(_pdf([full, "Reason for the Decision:", "As set out in the report."]), ReadOptions())
    assert lines == [full, "Reason for the Decision:", "As set out in the report."]


def test_a_line_that_fills_the_width_joins_its_continuation():
    full = _full_line("continued")
    assert _lines(_pdf([full + " continued here."])) == [full + " continued here."]


def test_list_items_are_not_joined():
    items = ["1. " + LONG[:90], "2. Sell the land at auction."]
    lines = _lines(_pdf(items))
    assert any(line.startswith("2. Sell") for line in lines)
