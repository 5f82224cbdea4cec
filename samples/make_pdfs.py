"""Render every samples/*.txt to a PDF beside it (needs fpdf2: pip install -e '.[test]').

One PDF line per text line, long lines wrapped at word boundaries, blank lines kept as space. The
records whose header a council prints as a two-column Word table (label cell, value cell) get a real
table here too, so the PDF reader meets the layout it meets in the wild.

    .venv/bin/python samples/make_pdfs.py            # all samples
    .venv/bin/python samples/make_pdfs.py NAME.txt   # some

The PDFs are committed; rerun this only after editing a sample's text.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent

# A Unicode TrueType font: the samples use £, –, ’, •, ☒ and ☐, which the PDF core fonts lack.
FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/Library/Fonts/DejaVuSans.ttf"),
]

# Header tables: sample name -> (first line, last line + 1) of the text rendered as a two-column
# table, read in pairs: a label line, then its value line.
HEADER_TABLES = {
    "kestrel-vale-record-of-decision": (1, 5),
}

FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
FONT_SIZE = 10
LINE_HEIGHT = 5


def _font() -> Path:
    for path in FONT_CANDIDATES:
        if path.exists():
            return path
    sys.exit("make_pdfs: no DejaVuSans.ttf found; install fonts-dejavu (Debian/Ubuntu) or edit FONT_CANDIDATES")


def render(txt: Path, font: Path) -> Path:
    lines = txt.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    pdf = FPDF(format="A4")
    pdf.set_creator("odr samples/make_pdfs.py")
    pdf.set_title(txt.stem)
    pdf.set_creation_date(FIXED_DATE)  # the same text always gives the same bytes
    pdf.add_font("DejaVu", "", str(font))
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("DejaVu", size=FONT_SIZE)

    table = HEADER_TABLES.get(txt.stem)
    index = 0
    while index < len(lines):
        if table and index == table[0]:
            rows = lines[table[0] : table[1]]
            with pdf.table(col_widths=(45, 125), first_row_as_headings=False, line_height=LINE_HEIGHT + 1) as grid:
                for label, value in zip(rows[0::2], rows[1::2], strict=False):
                    row = grid.row()
                    row.cell(label)
                    row.cell(value)
            index = table[1]
            continue
        line = lines[index]
        if line.strip():
            pdf.multi_cell(0, LINE_HEIGHT, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(LINE_HEIGHT)
        index += 1

    out = txt.with_suffix(".pdf")
    pdf.output(str(out))
    return out


def main(argv: list[str]) -> None:
    font = _font()
    targets = [HERE / name for name in argv] if argv else sorted(HERE.glob("*.txt"))
    for txt in targets:
        print(f"{txt.name} -> {render(txt, font).name}")


if __name__ == "__main__":
    main(sys.argv[1:])
