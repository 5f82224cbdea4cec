"""Plain text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""

from __future__ import annotations

from models import ErrorKind

from ..document import Document, normalise_text
from ..errors import ExtractionFailure

# Share of control bytes above which "text" is really binary data.
_BINARY_SHARE = 0.05


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # a truncated or damaged UTF-16 file (odd length, lone surrogate) keeps what can be read
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:65536]
    if sample.count(0) > len(sample) * _BINARY_SHARE or _control_share(sample) > _BINARY_SHARE:
        raise ExtractionFailure(ErrorKind.unsupported_format, "binary data, not text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte, so it is the last resort.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"


def _control_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    return len(sample.translate(None, delete=bytes(range(32, 256)) + b"\t\n\r\f\v")) / len(sample)


def read(data: bytes, options) -> Document:
    text, encoding = decode(data)
    pages = normalise_text(text).split("\f")
    return Document.from_pages(pages, format="text", reader=f"text/{encoding}")
