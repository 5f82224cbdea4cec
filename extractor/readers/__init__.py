"""Readers: bytes in, Document out, one module per format (the contract is in contract.py).

The format is sniffed from the bytes, never the file name: each reader in `READERS` is asked in turn.
"""

from __future__ import annotations

import hashlib
import os
import stat

from models import ErrorKind, SourceFormat

from ..document import Document
from ..errors import ExtractionFailure
from . import docx, html, pdf, text
from .contract import Reader, ReadOptions, foreign_format

__all__ = ["READERS", "ReadOptions", "Reader", "read_bytes", "read_file", "sniff"]

# Asked in this order; the first whose sniff() claims the bytes reads them. Text comes last: it
# claims whatever is not binary.
READERS: tuple[Reader, ...] = (pdf, docx, html, text)


def sniff(data: bytes) -> SourceFormat:
    """Name the format of `data` from its leading bytes, never from a file name.

    Raises ExtractionFailure(unsupported_format) for formats odr does not read."""
    return _claimant(data).format


def _claimant(data: bytes) -> Reader:
    for reader in READERS:
        if reader.sniff(data):
            return reader
    raise ExtractionFailure(ErrorKind.unsupported_format, foreign_format(data) or "binary data, not text")


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
        reader = _claimant(data)
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
        raise ExtractionFailure(ErrorKind.empty, f"no text found in the {reader.format.value} file", path=path, sha256=sha256)
    return document


def read_file(path: str | os.PathLike, *, options: ReadOptions = ReadOptions()) -> Document:
    """Read a regular file (never a FIFO, device or socket, which could block or never end), at most
    `max_bytes` of it whatever its size claims."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))  # a FIFO's open must not wait
    except FileNotFoundError:
        raise ExtractionFailure(ErrorKind.not_found, "no such file", path=name) from None
    except OSError as exc:
        raise ExtractionFailure(ErrorKind.not_found, f"cannot read: {exc.strerror or exc}", path=name) from exc
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            what = next((text for test, text in _NOT_REGULAR if test(status.st_mode)), "is not a regular file")
            raise ExtractionFailure(ErrorKind.unsupported_format, f"{what}, not a regular file", path=name)
        refuse_if_too_large(status.st_size, options, path=name)  # before reading a byte of it
        os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        try:
            data = _read_at_most(handle, status.st_size, options.max_bytes + 1)
        except OSError as exc:
            raise ExtractionFailure(ErrorKind.not_found, f"cannot read: {exc.strerror or exc}", path=name) from exc
    if len(data) > options.max_bytes:  # it grew, or its size was not its length (/proc, a FUSE mount)
        raise ExtractionFailure(
            ErrorKind.too_large, f"over the {options.max_bytes:,}-byte limit (its size said {status.st_size:,} bytes)", path=name
        )
    return read_bytes(data, path=name, options=options)


def _read_at_most(handle, size: int, limit: int) -> bytes:
    """The file's bytes, `limit` at most: read whole by the size it states (one buffer of that size,
    never one of `limit`), then on in chunks should it hold more (it grew; a /proc file states 0)."""
    first = handle.read(min(size, limit))
    if len(first) < min(size, limit):
        return first
    chunks, total = [first], len(first)
    while total < limit:
        chunk = handle.read(min(_CHUNK_BYTES, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return first if len(chunks) == 1 else b"".join(chunks)


_CHUNK_BYTES = 1024 * 1024
_NOT_REGULAR = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a named pipe (FIFO)"),
    (stat.S_ISCHR, "is a character device"),
    (stat.S_ISBLK, "is a block device"),
    (stat.S_ISSOCK, "is a socket"),
)
