"""Build the sample Word records (samples/word-*.docx) from the small descriptions below.

    .venv/bin/python samples/make_docx.py

Each record is a list of blocks, written with python-docx the way a council officer fills in a Word
template: a two-column header table, numbered section headings ("List Number"), bulleted options
("List Bullet"), check-box glyphs, a signature block, and a page header and footer that odr must
ignore. The output is deterministic (fixed core properties and member dates): re-running gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent

# A block is (kind, content):
#   ("title", text)            bold centred heading line
#   ("heading", text)          a Heading 2 paragraph, unnumbered
#   ("table", [(label, value), ...])   a two-column table; label cells bold; a value may be a list
#                              of paragraphs, where "• text" is a bulleted paragraph in the cell
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
    "word-kelbrook-record-of-decision": {
        "header": "Kelbrook District Council – Record of Decision",
        "footer": "Page 1 of 1",
        "blocks": [
            ("title", "RECORD OF DECISION BY AN OFFICER"),
            (
                "table",
                [
                    ("Reference", "KDC/ENV/25/009"),
                    ("Title of decision", "Introduction of charges for replacement wheeled bins"),
                    ("Name and title of decision maker", "Dr Helen Achterberg, Head of Environmental Services"),
                    ("Portfolio", "Environment and Climate"),
                    ("Key decision", "Yes ☐ No ☒"),
                    (
                        "Decision",
                        [
                            "To introduce a charge of £28 for each replacement or additional wheeled bin "
                            "from 1 June 2025.",
                            "To waive the charge where a bin is damaged by the Council's collection crews.",
                        ],
                    ),
                    (
                        "Reasons for the decision",
                        "The cost of replacing lost and damaged bins has risen to over £90,000 a year and is "
                        "met entirely from the waste budget. Most neighbouring districts already charge.",
                    ),
                    (
                        "Alternative options considered and rejected",
                        [
                            "• Continue to supply bins free of charge – rejected because the cost cannot be "
                            "met within the approved budget.",
                            "• Charge £40 per bin to recover delivery costs in full – rejected as likely to "
                            "discourage households from replacing damaged bins.",
                        ],
                    ),
                    ("Date of decision", "14 April 2025"),
                    ("Date of publication", "16 April 2025"),
                ],
            ),
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
                values = [value] if isinstance(value, str) else value
                for index, text in enumerate(values):
                    style = "List Bullet" if text.startswith("• ") else None
                    text = text.removeprefix("• ")
                    if index == 0:
                        cells[1].paragraphs[0].add_run(text)
                        if style:
                            cells[1].paragraphs[0].style = style
                    else:
                        cells[1].add_paragraph(text, style=style)
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
    buffer = io.BytesIO()
    doc.save(buffer)
    out.write_bytes(_fixed_timestamps(buffer.getvalue()))
    return out


def _fixed_timestamps(data: bytes) -> bytes:
    """The same package with every member dated 2025-01-01, so rebuilding gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info))
    return out.getvalue()


def main() -> None:
    for name, spec in RECORDS.items():
        print(build(name, spec))


if __name__ == "__main__":
    main()
