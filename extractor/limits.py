"""Limits that hold against hostile files: time, memory, and bytes after decompression.

* `time_limit(seconds)`: a per-file deadline for Python code in a worker's main thread. SIGALRM
  interrupts Python code and raises `TimeLimitExceeded`, a BaseException so that a library's broad
  ``except Exception`` cannot swallow it; the context manager turns it into
  ExtractionFailure(timeout). Native code (pdfium) and a long regex only see the signal when they
  return to Python: for them the parent process kills the worker (extractor/workers.py).
* `remaining()`: seconds left under the innermost active time limit (None without one), for
  subprocesses such as tesseract that take their own timeout.
* `cap_memory(max_memory)`: a worker's address space (RLIMIT_AS) capped at what it holds now plus
  `max_memory`, so an allocation past it fails inside that worker: MemoryError in Python
  (`memory_failure`, too_large), an abort in pdfium (reported by the parent the same way).
* `check_zip(data, max_inflated)`: a .docx is a ZIP; refuse one whose members, by the sizes in the
  central directory, inflate past the limit, before anything is decompressed. Python's zipfile never
  yields more than a member's declared size, so the declared sizes bound what a reader can inflate.
* `check_pdf_streams(data, max_inflated)`: pdfium inflates a page's FlateDecode content streams in
  full, so a 2 MB PDF holding a 2 GB stream of spaces costs 3 GB of memory. Each Flate stream that is
  not an image is inflated here in bounded chunks (nothing kept) and the PDF is refused once the total
  passes the limit. Images are left out: text extraction never decodes them.
"""

from __future__ import annotations

import contextlib
import io
import re
import resource
import signal
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator

from models import ErrorKind

from .errors import ExtractionFailure

# Bytes that the streams of one file may inflate to, as a multiple of the --max-bytes limit
# (25 MB by default -> 250 MB).
INFLATE_FACTOR = 10
_MB = 1024 * 1024


def inflate_limit(max_bytes: int) -> int:
    return max_bytes * INFLATE_FACTOR


# --------------------------------------------------------------------------------------------------
# time


class TimeLimitExceeded(BaseException):
    """Raised by the SIGALRM handler; a BaseException so `except Exception` in libraries lets it pass."""


_deadlines: list[float] = []  # monotonic deadlines of the active time limits, innermost last


def remaining() -> float | None:
    """Seconds left before the innermost active deadline, or None when no time limit is active."""
    if not _deadlines:
        return None
    return max(0.0, min(_deadlines) - time.monotonic())


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ExtractionFailure(timeout) when the block runs longer than `seconds` (None or 0: no limit).

    Works in the main thread only (SIGALRM); elsewhere the block simply runs without a limit."""
    usable = (
        seconds
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable or seconds is None:
        yield
        return

    def on_alarm(signum, frame):
        raise TimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _deadlines.append(time.monotonic() + seconds)
    try:
        yield
    except TimeLimitExceeded:
        raise ExtractionFailure(ErrorKind.timeout, f"stopped at the {seconds:g} s time limit") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _deadlines.pop()


# --------------------------------------------------------------------------------------------------
# memory


def cap_memory(max_memory: int | None) -> None:
    """Cap this process's address space at its present size plus `max_memory` bytes (None: no cap).

    Relative, not absolute: what a worker holds once loaded (spaCy, pdfium, the profile; threads'
    reserved stacks) varies with the machine, the bytes one file may add do not. Linux only."""
    if not max_memory:
        return
    try:
        with open("/proc/self/statm") as handle:
            size = int(handle.read().split()[0]) * resource.getpagesize()
    except OSError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = size + max_memory
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def memory_failure(max_memory: int | None, what: str) -> ExtractionFailure:
    limit = f" under the {max_memory // _MB:,} MB --max-memory limit" if max_memory else ""
    return ExtractionFailure(ErrorKind.too_large, f"{what}{limit}",
                             advice="raise --max-memory if the file is genuine")


# --------------------------------------------------------------------------------------------------
# decompression


def _bomb(what: str, limit: int) -> ExtractionFailure:
    return ExtractionFailure(
        ErrorKind.too_large,
        f"{what} inflate past {limit // _MB:,} MB ({INFLATE_FACTOR}x the --max-bytes limit): "
        "refused as a decompression bomb",
    )


def check_zip(data: bytes, max_inflated: int, *, max_members: int = 10_000) -> None:
    """Refuse a ZIP (a .docx) whose members would inflate past `max_inflated` bytes in total.

    Reads only the central directory. Raises ExtractionFailure: corrupt when the ZIP cannot be
    opened, too_large for a bomb or an absurd number of members."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ExtractionFailure(ErrorKind.corrupt, f"ZIP archive cannot be opened ({exc})") from None
    with archive:
        members = archive.infolist()
        if len(members) > max_members:
            raise ExtractionFailure(ErrorKind.too_large, f"ZIP archive has {len(members):,} members")
        total = 0
        for member in members:
            total += member.file_size
            if total > max_inflated:
                raise _bomb("ZIP members", max_inflated)


# `stream` keyword ending a stream dictionary, then the data up to `endstream`.
_STREAM = re.compile(rb"stream\r?\n")
_ENDSTREAM = b"endstream"
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_CHUNK = 1 << 20


def check_pdf_streams(data: bytes, max_inflated: int) -> int:
    """Inflate every non-image FlateDecode stream of a PDF, keeping nothing, and refuse the PDF
    (ExtractionFailure too_large) once their total passes `max_inflated` bytes. Returns the total.

    Cheap on ordinary PDFs (their content streams are kilobytes). Streams that are not zlib data at
    the start (encrypted, other filters first) are skipped: pdfium's own limits apply to them."""
    total = 0
    position = 0
    while True:
        match = _STREAM.search(data, position)
        if match is None:
            return total
        start = match.end()
        end = data.find(_ENDSTREAM, start)
        if end < 0:
            end = len(data)
        position = end + len(_ENDSTREAM)
        if match.start() > 0 and data[match.start() - 1 : match.start()] == b"d":  # "endstream\n"
            continue
        if len(data) - start < 2 or data[start] & 0x0F != 8 or ((data[start] << 8) | data[start + 1]) % 31:
            continue  # not a zlib header
        dictionary = data[max(0, match.start() - 4096) : match.start()]
        dictionary = dictionary[dictionary.rfind(b"obj") + 1 :]
        if _IMAGE.search(dictionary):
            continue
        total = _inflate_bounded(data, start, end, total, max_inflated)


def _inflate_bounded(data: bytes, start: int, end: int, total: int, limit: int) -> int:
    inflater = zlib.decompressobj()
    view = memoryview(data)[start:end]
    try:
        for offset in range(0, len(view), _CHUNK):
            pending = bytes(view[offset : offset + _CHUNK])
            while pending and not inflater.eof:
                out = inflater.decompress(pending, _CHUNK)
                total += len(out)
                if total > limit:
                    raise _bomb("PDF streams", limit)
                if not out and inflater.unconsumed_tail == pending:
                    break  # no progress: nothing more comes out of this stream
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:
        pass  # damaged stream: pdfium decides what to make of it
    return total
