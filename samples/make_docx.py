"""Build the sample Word records (samples/word-*.docx) from the small descriptions below.

    .venv/bin/python samples/make_docx.py

Each record is a list of blocks, written with python-docx the way a council officer fills in a Word
template: a two-column header table, numbered section headings ("List Number"), bulleted options
("List Bullet"), check-box glyphs, a signature block, and a page header and footer that odr must
ignore. The output is deterministic (fixed core properties), so re-running gives the same text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent

# A block is (kind, content):
#   ("title", text)            bold centred heading line
#   ("heading", text)          a Heading 2 paragraph, unnumbered
#   ("table", [(label, value), ...])   a two-column table; label cells bold
#   ("section", text)          a numbered section heading (List Number)
#   ("para", text)             a body paragraph
#   ("bullets", [text, ...])   bulleted items (List Bullet)
#   ("numbers", [text, ...])   numbered items (List Number 2)
#   ("blank", None)            an empty paragraph, as people leave in templates
RECORDS = {
    "word-wrensford-officer-decision": {
        "header": "OFFICIAL",
        "footer": "Wrensford Borough Council · Officer Decision Record · template v4 (2023)",
        "blocks": [
            ("title", "Wrensford Borough Council"),
            ("heading", "OFFICER DECISION RECORD"),
            (
                "table",
                [
                    ("Decision Ref:", "WBC/HS/0457"),
                    ("Decision Maker:", "Marcus Oyelaran, Director of Housing Services"),
                    ("Subject:", "Contract for cleaning of temporary accommodation hostels"),
                    ("Key Decision:", "Yes ☐ No ☒"),
                    ("Date of Decision:", "4 March 2025"),
                ],
            ),
            ("blank", None),
            ("section", "Decision"),
            (
                "para",
                "To award a two-year contract for the cleaning of the Council's three temporary "
                "accommodation hostels to Brightwell Facility Services Ltd at a total cost of £187,300, "
                "with an option to extend for a further twelve months.",
            ),
            ("section", "Reasons for the decision"),
            (
                "para",
                "The current contract ends on 31 March 2025. A tender was run through the regional "
                "facilities framework and Brightwell Facility Services Ltd submitted the highest scoring "
                "bid on quality and price.",
            ),
            ("section", "Alternative options considered and rejected"),
            (
                "bullets",
                [
                    "Bring the cleaning in-house – rejected because the Council has no cleaning staff "
                    "or equipment and recruitment could not be completed before the current contract ends.",
                    "Extend the current contract – rejected because the contract allows no further "
                    "extensions and a direct award would breach the Contract Procedure Rules.",
                ],
            ),
            ("section", "Consultation"),
            ("para", "The Cabinet Member for Housing was consulted on 26 February 2025 and supports the award."),
            ("section", "Declarations of interest"),
            ("para", "None."),
            ("blank", None),
            ("para", "Signed: ........................................"),
            ("para", "Name: Marcus Oyelaran"),
            ("para", "Title: Director of Housing Services"),
            ("para", "Date: 4 March 2025"),
        ],
    },
}


def build(name: str, spec: dict) -> Path:
    doc = Document()
    core = doc.core_properties
    core.author = "odr samples"
    core.created = core.modified = dt.datetime(2025, 3, 4, 9, 0, 0)
    core.last_modified_by = "odr samples"
    core.revision = 1
    section = doc.sections[0]
    section.header.paragraphs[0].text = spec.get("header", "")
    section.footer.paragraphs[0].text = spec.get("footer", "")

    for kind, content in spec["blocks"]:
        if kind == "title":
            run = doc.add_paragraph().add_run(content)
            run.bold = True
            run.font.size = Pt(16)
        elif kind == "heading":
            doc.add_heading(content, level=2)
        elif kind == "table":
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in content:
                cells = table.add_row().cells
                cells[0].paragraphs[0].add_run(label).bold = True
                cells[1].paragraphs[0].add_run(value)
        elif kind == "section":
            doc.add_paragraph(content, style="List Number").runs[0].bold = True
        elif kind == "para":
            doc.add_paragraph(content)
        elif kind == "bullets":
            for item in content:
                doc.add_paragraph(item, style="List Bullet")
        elif kind == "numbers":
            for item in content:
                doc.add_paragraph(item, style="List Number 2")
        elif kind == "blank":
            doc.add_paragraph()
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    out = HERE / f"{name}.docx"
    doc.save(out)
    return out


def main() -> None:
    for name, spec in RECORDS.items():
        print(build(name, spec))


if __name__ == "__main__":
    main()
