"""PDF: page text through pypdfium2 (fast), pdfplumber only where a page's layout needs it.

pypdfium2 follows the content stream, which keeps "Label: value" lines and the cells of Word header
tables in reading order at hundreds of pages a second. pdfplumber's table finder (pdfminer-based, two
orders of magnitude slower) is run only on a page where the fast text shows stacked table labels with
their values pushed elsewhere, and only to re-pair those cells.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from models import ErrorKind, SourceFormat

from ..document import (
    STARTS_LIST_ITEM,
    BlockKind,
    Document,
    DocumentBuilder,
    Item,
    LabelHints,
    LabelShapes,
    Node,
    normalise_text,
)
from ..errors import ExtractionFailure
from ..limits import check_pdf_streams, inflate_limit
from . import pdfform
from .contract import ReadOptions

format = SourceFormat.pdf

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
            detail = "the password given is wrong for this PDF" if password else "PDF is password-protected"
            raise ExtractionFailure(ErrorKind.encrypted, detail) from None
        raise ExtractionFailure(ErrorKind.corrupt, f"PDF cannot be parsed ({exc})") from None


def sniff(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def read(data: bytes, options: ReadOptions) -> Document:
    import pypdfium2 as pdfium

    labels = options.labels or LabelShapes()
    # pdfium inflates content streams whole: refuse a decompression bomb before it does
    check_pdf_streams(data, inflate_limit(options.max_bytes))
    pdf = _open(data, options.password)
    try:
        count = len(pdf)
        if count == 0:
            raise ExtractionFailure(ErrorKind.empty, "PDF has no pages")
        if count > options.max_pages:
            raise ExtractionFailure(ErrorKind.too_large, f"{count} pages is over the {options.max_pages}-page limit")
        forms = pdfform.has_form(data) and _init_forms(pdf)
        pages, unplaced = [], []
        for index in range(count):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
            except pdfium.PdfiumError as exc:
                raise ExtractionFailure(
                    ErrorKind.corrupt, f"page {index + 1} of {count} cannot be loaded ({exc})"
                ) from None
            text, leftover = page_text(textpage, labels, pdfform.form_values(pdf, page) if forms else [])
            # pdfium marks a hyphen it takes for a line-break hyphen with U+FFFE; it was printed
            pages.append(normalise_text(text.replace(_PDFIUM_HYPHEN, "-")))
            unplaced.append(leftover)
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
    items: list[list[Item]] = [list(page.split("\n")) for page in pages]
    if reader == "pypdfium2":
        repaired = _repair_stacked_labels(data, pages, options.password, labels)
        if repaired is not None:
            items = [repaired.get(index, page) for index, page in enumerate(items)]
            reader = "pypdfium2+pdfplumber"
        if forms:
            items = [pdfform.form_items(page, leftover) for page, leftover in zip(items, unplaced, strict=True)]
    builder = DocumentBuilder(SourceFormat.pdf, reader, squeeze=False)
    builder.add_pages(items)
    return builder.build()


_PDFIUM_HYPHEN = "\ufffe"
# A gap between lines this many times the line height is a paragraph break (a blank line).
_PARAGRAPH_GAP = 1.75
# Points of slack when comparing edges.
_SLACK = 2.0


def _init_forms(pdf) -> bool:
    """Initialise pdfium's form handling (before any page is loaded); False when it cannot."""
    try:
        pdf.init_forms()
    except Exception:  # a damaged form dictionary: the page text is still there
        return False
    return pdf.formenv is not None


def page_text(
    textpage, labels: LabelHints, form: Sequence[pdfform.FormValue] = ()
) -> tuple[str, list[pdfform.FormValue]]:
    """A page's text in reading order, its lines rebuilt from the glyph boxes as a reader sees them:
    a paragraph gap becomes a blank line, and a line the layout engine wrapped (the next line's first
    word would not have fitted on it) is joined to the next, so a PDF reads as the text it was
    made from. Falls back to pdfium's plain text when the glyphs cannot be matched to the text.

    The values of the page's `form` fields are put where they belong (pdfform.place); the second
    result holds those that found no place."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count or pdfform.START in text or pdfform.END in text:
        # characters outside the BMP: offsets no longer line up (or text mimicking form markers)
        return textpage.get_text_bounded(), list(form)
    inserts: dict[int, str] = {}
    leftover: list[pdfform.FormValue] = []
    if form:
        inserts, leftover = pdfform.place(text, [textpage.get_charbox(i, loose=True) for i in range(count)], form)
    lines = []  # (text, left, right, bottom, height, first_word_right)
    start = 0
    while start <= count:
        end = text.find("\n", start)
        end = count if end < 0 else end
        raw = text[start:end].rstrip("\r")
        stripped = raw.strip()
        if stripped:
            # three glyphs suffice: the first, the last, and the end of the first word
            first = start + len(raw) - len(raw.lstrip())
            last = start + len(raw.rstrip()) - 1
            word_end = first + len(stripped.split()[0]) - 1
            boxes = [textpage.get_charbox(i, loose=True) for i in (first, last, word_end)]
            for at in sorted((i for i in inserts if first <= i <= last), reverse=True):
                stripped = stripped[: at - first + 1] + inserts[at] + stripped[at - first + 1 :]
            lines.append((
                stripped, boxes[0][0], boxes[1][2], min(b[1] for b in boxes),
                max(b[3] - b[1] for b in boxes), boxes[2][2] - boxes[0][0],
            ))
        start = end + 1
    if not lines:
        return text.replace("\r\n", "\n"), leftover
    right_edge = max(line[2] for line in lines)
    out = [lines[0][0]]
    for previous, line in itertools.pairwise(lines):
        _, left, right, bottom, height, _ = previous
        drop = bottom - line[3]
        if drop > _PARAGRAPH_GAP * max(height, line[4]):
            out.extend(["", line[0]])
        elif (  # the geometry first: the label patterns only for a line that could have been wrapped
            drop > 0.5 * height
            and line[1] >= left - _SLACK
            and right + 0.25 * height + line[5] > right_edge + _SLACK
            and not _starts_anew(line[0], labels)
        ):
            out[-1] = _join_wrapped(out[-1], line[0])
        else:
            out.append(line[0])
    return "\n".join(out), leftover


def _join_wrapped(first: str, second: str) -> str:
    """Rejoin a wrapped line; a hyphen the line broke after stays, without a space ("2024-25")."""
    if first.endswith("-") and first[-2:-1].isalnum():
        return first + second
    return f"{first} {second}"



def _starts_anew(line: str, labels: LabelHints) -> bool:
    """A line that begins something of its own however full the line before it: a list item, a
    heading label standing alone ("Reason for the Decision"), or a label run into its value
    without a separator ("Decision of Executive Councillor ...", "Signed J Anderson")."""
    return bool(STARTS_LIST_ITEM.match(line)) or labels.is_standalone_label(line) or labels.starts_run_in_label(line)


def _has_stacked_labels(page: str, labels: LabelHints) -> bool:
    """Two consecutive lines that are each a bare known label: the labels of a two-column table
    read column by column, their values pushed further down."""
    previous_bare = False
    for line in page.split("\n"):
        if not line.strip():
            continue
        bare = labels.is_standalone_label(line, separator_required=True)
        if bare and previous_bare:
            return True
        previous_bare = bare
    return False


def _repair_stacked_labels(
    data: bytes, pages: list[str], password: str | None, labels: LabelHints
) -> dict[int, list[Item]] | None:
    """The pages (by index) whose stacked table labels pdfplumber paired with their values again;
    None when no page needed pdfplumber, or it could not read the file."""
    needy = [i for i, text in enumerate(pages) if _has_stacked_labels(text, labels)]
    if not needy:
        return None
    import io

    import pdfplumber

    repaired: dict[int, list[Item]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
            for index in needy:
                rows = _label_value_rows(pdf.pages[index])
                if rows:
                    repaired[index] = _pair_cells(pages[index], rows)
    except (Exception, RecursionError):
        # pdfminer is stricter than pdfium and recursive: a file pdfium read but pdfminer cannot (or
        # that nests too deeply for it) keeps pdfium's text. A time limit (BaseException) still passes.
        return None
    return repaired


def _pair_cells(page: str, rows: list[tuple[list[str], list[str]]]) -> list[Item]:
    """The page's lines with each table row's label and value lines taken out of the column-by-column
    order and put back, paired as one "Label: value" field, where the table began."""
    lines = page.split("\n")
    stripped = [line.strip() for line in lines]
    taken: set[int] = set()
    first = len(lines)
    for label_lines, value_lines in rows:
        for wanted in [*label_lines, *value_lines]:
            index = next((i for i, s in enumerate(stripped) if s == wanted and i not in taken), None)
            if index is not None:
                taken.add(index)
                first = min(first, index)
    paired: list[Item] = [
        Node(BlockKind.field, [" ".join([*label_lines, *value_lines])], label=" ".join(label_lines))
        for label_lines, value_lines in rows
    ]
    kept: list[Item] = [line for i, line in enumerate(lines) if i not in taken]
    insert_at = sum(1 for i in range(first) if i not in taken)
    return kept[:insert_at] + paired + kept[insert_at:]


def _label_value_rows(page) -> list[tuple[list[str], list[str]]]:
    """(label lines, value lines) for every table row whose first cell is a label."""
    rows = []
    for table in page.extract_tables():
        for row in table:
            texts = [normalise_text(c or "").strip() for c in row]
            cells = [[line.strip() for line in c.split("\n") if line.strip()] for c in texts if c]
            if len(cells) >= 2 and cells[0][-1].endswith(":") and len(" ".join(cells[0])) <= 60:
                rows.append((cells[0], [line for cell in cells[1:] for line in cell]))
    return rows
