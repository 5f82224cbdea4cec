"""The reader contract: what each format's reader provides, and the options every reader honours.

A reader is a module of this package with three names (a module satisfies the `Reader` protocol;
`READERS` in ``__init__.py`` lists them in the order they are asked):

* ``format``: the `SourceFormat` it reads;
* ``sniff(data) -> bool``: whether the bytes are that format, judged from the bytes alone and cheaply;
* ``read(data, options) -> Document``: the Document, or ExtractionFailure for a file it cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from models import SourceFormat

from ..document import Document, LabelHints


@dataclass(frozen=True)
class ReadOptions:
    """Limits and switches that hold for every reader.

    `labels` answers a reader's questions about labels (is this line a heading label?): the run's
    profile, passed by `Extractor.create`. Without it readers fall back on the label's shape (a line
    ending in ':' is a label)."""

    max_bytes: int = 25 * 1024 * 1024
    max_pages: int = 500
    ocr: bool = False
    password: str | None = None
    labels: LabelHints | None = field(default=None, compare=False, repr=False)


class Reader(Protocol):
    @property
    def format(self) -> SourceFormat: ...

    def sniff(self, data: bytes) -> bool: ...

    def read(self, data: bytes, options: ReadOptions) -> Document: ...


# Leading bytes of formats odr does not read, and what to call them in the error.
FOREIGN_MAGIC = (
    (b"\xd0\xcf\x11\xe0", "legacy Word/Excel (.doc/.xls) binary file"),
    (b"\x89PNG", "PNG image file"),
    (b"\xff\xd8\xff", "JPEG image file"),
    (b"GIF8", "GIF image file"),
    (b"II*\x00", "TIFF image file"),
    (b"MM\x00*", "TIFF image file"),
    (b"{\\rtf", "RTF file"),
    (b"\x1f\x8b", "gzip-compressed file"),
    (b"PK\x03\x04", "ZIP archive, not a Word .docx document"),
)


def foreign_format(data: bytes) -> str | None:
    """The name of a format odr does not read that `data` begins with, else None."""
    return next((name for magic, name in FOREIGN_MAGIC if data.startswith(magic)), None)
