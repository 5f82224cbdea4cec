"""Plain text, decoded by the shared decoder (encoding.py); a form feed starts a new page, and
running headers and footers repeated on several pages are dropped as in a PDF."""

from __future__ import annotations

from models import SourceFormat

from ..document import Document, DocumentBuilder, normalise_text
from .contract import ReadOptions, foreign_format
from .encoding import decode, looks_like_text

format = SourceFormat.text


def sniff(data: bytes) -> bool:
    """Anything that is not a known binary format and not binary data."""
    return foreign_format(data) is None and looks_like_text(data)


def read(data: bytes, options: ReadOptions) -> Document:
    decoded = decode(data)
    document = text_document(decoded.text, reader=f"text/{decoded.encoding}")
    if decoded.warning:
        document.warnings.append(decoded.warning)
    return document


def text_document(text: str, reader: str) -> Document:
    """The Document of decoded text: pages split at form feeds, normalised, page furniture dropped;
    paragraphs and list items are its blocks."""
    pages = text.split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page, the last one too, with a form feed
    builder = DocumentBuilder(SourceFormat.text, reader, squeeze=False)
    builder.add_pages([normalise_text(page).split("\n") for page in pages])
    return builder.build()
