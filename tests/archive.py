"""A small archive written on demand: good decision records as text and PDF, and the bad files
every real archive has (empty, random bytes, a truncated PDF, a missing path, copies)."""

from __future__ import annotations

import os
from pathlib import Path

TEXT = """Record of Decision

Subject: {subject}
Reference: {ref}
Decision Maker: {name}, Director of Place
Key decision: Yes
Date of decision: {day} March 2024

Decision:
To approve the {subject_lower}.

Reasons for the decision:
The work is needed and budget is available.

Alternative options considered and rejected:
Do nothing - rejected as the problem would get worse.
"""

SUBJECTS = ["Resurfacing of Mill Lane", "Library opening hours", "Grant to the food bank", "Park cafe lease",
            "Street lighting upgrade", "Bus shelter renewals", "Allotment rents", "Leisure centre roof"]


def text_record(i: int) -> str:
    subject = SUBJECTS[i % len(SUBJECTS)] + f" ({i})"
    return TEXT.format(subject=subject, subject_lower=subject.lower(), ref=f"D{i:03d}/24",
                       name=["Jane Smith", "Omar Patel", "Ruth Evans"][i % 3], day=1 + i % 27)


def pdf_record(i: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page_text in (text_record(i), "Background\n\n" + "The council considered the report in full. " * 30):
        pdf.add_page()
        pdf.multi_cell(0, 6, page_text)
    return bytes(pdf.output())


def make_archive(root: Path, good_text: int = 4, good_pdf: int = 2, start: int = 0) -> list[str]:
    """Good records plus the bad files every archive has. Returns the inputs (a missing path too)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + good_text):
        (root / f"text-{i:03d}.txt").write_text(text_record(i), encoding="utf-8")
    for i in range(start + 100, start + 100 + good_pdf):
        (root / f"scan-{i:03d}.pdf").write_bytes(pdf_record(i))
    return [str(root)]


def add_bad_files(root: Path) -> list[str]:
    (root / "bad").mkdir(exist_ok=True)
    (root / "bad" / "empty.txt").write_bytes(b"")
    (root / "bad" / "random.bin").write_bytes(os.urandom(4096))
    (root / "bad" / "truncated.pdf").write_bytes(pdf_record(999)[:700])
    return [str(root / "bad" / "no such file.pdf")]


def add_copies(root: Path) -> None:
    """The same bytes under a second name: a good record and a bad (empty) file."""
    (root / "copy of text-000.txt").write_bytes((root / "text-000.txt").read_bytes())
    (root / "bad" / "empty too.txt").write_bytes(b"")
