"""PDF: page text through pypdfium2 (fast), pdfplumber only where a page's layout needs it.

pypdfium2 follows the content stream, which keeps "Label: value" lines and the cells of Word header
tables in reading order at hundreds of pages a second. pdfplumber's table finder (pdfminer-based, two
orders of magnitude slower) is run only on a page where the fast text shows stacked table labels with
their values pushed elsewhere, and only to re-pair those cells.
"""

from __future__ import annotations

from models import ErrorKind

from ..document import Document, normalise_text, strip_page_furniture
from ..errors import ExtractionFailure
from ..profile import load_profile

# A page with fewer characters than this carries no usable text layer (a scan, or only a logo).
_MIN_CHARS_PER_PAGE = 20
_PASSWORD_ERRORS = ("password", "security")


def _open(data: bytes, password: str | None):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if any(word in text for word in _PASSWORD_ERRORS):
            detail = "wrong password" if password else "password-protected"
            raise ExtractionFailure(ErrorKind.encrypted, f"PDF is {detail}") from None
        raise ExtractionFailure(ErrorKind.corrupt, f"PDF cannot be parsed ({exc})") from None


def read(data: bytes, options) -> Document:
    pdf = _open(data, options.password)
    try:
        count = len(pdf)
        if count == 0:
            raise ExtractionFailure(ErrorKind.empty, "PDF has no pages")
        if count > options.max_pages:
            raise ExtractionFailure(ErrorKind.too_large, f"{count} pages is over the {options.max_pages}-page limit")
        pages = []
        for index in range(count):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(normalise_text(textpage.get_text_bounded()))
            textpage.close()
            page.close()
    finally:
        pdf.close()

    reader = "pypdfium2"
    if sum(len(p.strip()) for p in pages) < _MIN_CHARS_PER_PAGE * count:
        if not options.ocr:
            raise ExtractionFailure(ErrorKind.no_text_layer, f"none of the {count} page(s) has a text layer")
        from .ocr import ocr_pdf

        pages, reader = ocr_pdf(data, options), "tesseract"
    else:
        repaired = _repair_stacked_labels(data, pages, options.password)
        if repaired is not None:
            pages, reader = repaired, "pypdfium2+pdfplumber"
    return Document.from_pages(strip_page_furniture(pages), format="pdf", reader=reader)


def _has_stacked_labels(page: str) -> bool:
    """Two consecutive lines that are each a bare known label: the labels of a two-column table
    read column by column, their values pushed further down."""
    profile = load_profile()
    previous_bare = False
    for line in page.split("\n"):
        match = profile.line_start.match(line) if line.strip() else None
        bare = bool(match) and match.end() >= len(line.rstrip()) and ":" in match.group("sep")
        if bare and previous_bare:
            return True
        previous_bare = bare
    return False


def _repair_stacked_labels(data: bytes, pages: list[str], password: str | None) -> list[str] | None:
    needy = [i for i, text in enumerate(pages) if _has_stacked_labels(text)]
    if not needy:
        return None
    import io

    import pdfplumber

    repaired = list(pages)
    with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
        for index in needy:
            rows = _label_value_rows(pdf.pages[index])
            if rows:
                repaired[index] = "\n".join(rows) + "\n" + pages[index]
    return repaired


def _label_value_rows(page) -> list[str]:
    """'Label: value' lines for every table row whose first cell is a label."""
    rows = []
    for table in page.extract_tables():
        for row in table:
            cells = [normalise_text(c or "").replace("\n", " ").strip() for c in row]
            cells = [c for c in cells if c]
            if len(cells) >= 2 and cells[0].endswith(":") and len(cells[0]) <= 60:
                rows.append(f"{cells[0]} {' '.join(cells[1:])}")
    return rows
