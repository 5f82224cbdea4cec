"""Word header tables whose PDF text comes column by column: pdfplumber pairs the cells again."""

from pathlib import Path

import pypdfium2
from fpdf import FPDF

from extractor.pipeline import Extractor

ROWS = [
    ("DECISION TO BE TAKEN BY:", "Ms Rachel Obi, Cabinet Member for Community Safety"),
    ("DECISION NUMBER:", "25/00311"),
    ("KEY DECISION:", "No"),
]


def column_ordered_table_pdf(path: Path) -> Path:
    """A header table drawn as Word exports some: every label cell first, then every value cell."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.text(20, 20, "WYVERN COUNTY COUNCIL - RECORD OF DECISION")
    top, height = 30, 12
    for i, (label, _) in enumerate(ROWS):
        pdf.rect(20, top + i * height, 60, height)
        pdf.text(22, top + i * height + 7, label)
    for i, (_, value) in enumerate(ROWS):
        pdf.rect(80, top + i * height, 110, height)
        pdf.text(82, top + i * height + 7, value)
    y = top + len(ROWS) * height + 15
    for line in ["Subject Matter / Title of Decision: CCTV in Wyvern town centre", "Decision:", "To renew the CCTV contract.",
                 "Any alternatives considered and rejected:", "None"]:
        pdf.text(20, y, line)
        y += 7
    pdf.output(str(path))
    return path


def test_column_ordered_header_table(tmp_path):
    path = column_ordered_table_pdf(tmp_path / "wyvern.pdf")
    fast = pypdfium2.PdfDocument(str(path))[0].get_textpage().get_text_bounded()
    assert "DECISION TO BE TAKEN BY:\r\nDECISION NUMBER:" in fast  # the layout this repairs
    record = Extractor.create(model="blank").extract_file(path)
    assert record.source.reader == "pypdfium2+pdfplumber"
    assert record.reference == "25/00311"
    assert (record.decision_maker.name, record.decision_maker.title) == ("Rachel Obi", "Cabinet Member for Community Safety")
    assert record.key_decision is False
    assert record.subject == "CCTV in Wyvern town centre"
    assert record.rejected_options == []
    assert record.warnings == []
