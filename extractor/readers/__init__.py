"""Readers: bytes in, Document out, one module per format. The format is sniffed from the bytes."""

from __future__ import annotations

import hashlib
import importlib
import os
from dataclasses import dataclass
from pathlib import Path

from models import ErrorKind

from ..document import Document
from ..errors import ExtractionFailure
from ..limits import check_zip, inflate_limit

FORMATS = ("pdf", "docx", "html", "text")


@dataclass(frozen=True)
class ReadOptions:
    """Limits and switches that hold for every reader."""

    max_bytes: int = 25 * 1024 * 1024
    max_pages: int = 500
    ocr: bool = False
    password: str | None = None


def sniff(data: bytes) -> str:
    """Name the format of `data` from its leading bytes, never from a file name.

    Raises ExtractionFailure(unsupported_format) for formats odr does not read."""
    head = data[:2048]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or b"[Content_Types].xml" in data[:65536]:
            return "docx"
        raise ExtractionFailure(ErrorKind.unsupported_format, "a ZIP archive, not a Word .docx document")
    for magic, name in _UNSUPPORTED_MAGIC:
        if head.startswith(magic):
            raise ExtractionFailure(ErrorKind.unsupported_format, f"{name} file")
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in probe[:512] or b"<body" in probe:
        return "html"
    return "text"


_UNSUPPORTED_MAGIC = (
    (b"\xd0\xcf\x11\xe0", "legacy Word/Excel (.doc/.xls) binary"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"{\\rtf", "RTF"),
    (b"\x1f\x8b", "gzip-compressed"),
)


def refuse_if_too_large(size: int, options: ReadOptions, path: str | None = None) -> None:
    if size > options.max_bytes:
        raise ExtractionFailure(
            ErrorKind.too_large, f"{size:,} bytes is over the {options.max_bytes:,}-byte limit", path=path
        )


def read_bytes(data: bytes, *, path: str | None = None, options: ReadOptions = ReadOptions()) -> Document:
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        if not data.strip():
            raise ExtractionFailure(ErrorKind.empty, "file is empty" if not data else "file holds only whitespace")
        refuse_if_too_large(len(data), options)
        fmt = sniff(data)
        if fmt == "docx":  # a ZIP: refuse a bomb from its central directory before anything inflates
            check_zip(data, inflate_limit(options.max_bytes))
        try:
            reader = importlib.import_module(f"{__name__}.{fmt}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{fmt}":
                raise
            raise ExtractionFailure(ErrorKind.unsupported_format, f"no {fmt} reader in this version of odr") from None
        document = reader.read(data, options)
    except ExtractionFailure as failure:
        failure.path, failure.sha256 = path, sha256
        raise
    except RecursionError as exc:
        raise ExtractionFailure(
            ErrorKind.corrupt, "structure nested too deeply to read", path=path, sha256=sha256
        ) from exc
    except MemoryError as exc:
        raise ExtractionFailure(
            ErrorKind.too_large, "ran out of memory reading the file", path=path, sha256=sha256
        ) from exc
    except Exception as exc:  # a reader's bug or a library's surprise: reported, never a traceback
        raise ExtractionFailure(
            ErrorKind.internal, f"{type(exc).__name__} in the reader: {exc}", path=path, sha256=sha256
        ) from exc
    document.path, document.sha256 = path, sha256
    if not document.text.strip():
        raise ExtractionFailure(ErrorKind.empty, f"no text found in the {fmt} file", path=path, sha256=sha256)
    return document


def read_file(path: str | os.PathLike, *, options: ReadOptions = ReadOptions()) -> Document:
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise ExtractionFailure(ErrorKind.not_found, "no such file", path=name)
    if p.is_dir():
        raise ExtractionFailure(ErrorKind.unsupported_format, "is a directory, not a file", path=name)
    refuse_if_too_large(p.stat().st_size, options, path=name)  # before reading a byte of it
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ExtractionFailure(ErrorKind.not_found, f"cannot read: {exc.strerror or exc}", path=name) from exc
    return read_bytes(data, path=name, options=options)
