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
* `check_pdf_streams(data, max_inflated)`: pdfium decodes a page's content streams in full and joins
  them, so a 200 KB PDF listing one 200 MB stream forty times costs 8 GB of memory. What pdfium will
  decode (every filter it supports, chains, each stream as many times as it is used: see
  extractor/pdfstreams.py) is budgeted, and the PDF refused once it passes the limit; decoding here
  is streamed and counts only, and is skipped when no stream's filters could write enough to matter.
"""

from __future__ import annotations

import contextlib
import io
import resource
import signal
import threading
import time
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from models import ErrorKind

from .errors import ExtractionFailure

if TYPE_CHECKING:
    from . import pdfstreams

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


def check_pdf_streams(data: bytes, max_inflated: int) -> int:
    """Refuse a PDF (ExtractionFailure too_large) whose streams pdfium would decode past `max_inflated`
    bytes, each counted as many times as it is used (extractor/pdfstreams.py). Returns an upper bound
    of what pdfium will decode, at most `max_inflated`.

    Nothing is inflated when the most each stream's filters could write keeps the total under the
    limit (deflate writes at most 1,032 bytes per byte, LZW 3,556, ...: an ordinary PDF is cleared
    without decoding a byte). Otherwise the streams are decoded, the largest bounds first, in chunks
    and counting only, until the bounds left and the sizes found fit, or the sizes alone do not."""
    from . import pdfstreams  # a PDF's reader needs it; odr's start-up does not

    measured = 0

    def measure(stream: pdfstreams.Stream, uses: int, keep: bool = False) -> bytes:
        nonlocal measured
        written = 0

        def count(size: int) -> None:
            nonlocal written
            written += size
            if measured + written * uses > max_inflated:
                raise _bomb("PDF streams", max_inflated)

        chunks = pdfstreams.decode(data, stream, count)
        kept = b"".join(chunks) if keep else b""
        for _ in chunks:
            pass
        measured += written * uses
        return kept

    layout = pdfstreams.scan(data, lambda stream: measure(stream, 1, keep=True))
    bounds = []
    for stream in layout.streams:
        uses = layout.uses(stream)
        if stream.object_stream is not None or not uses:
            continue  # object streams are measured already; images and attachments are not decoded
        if not stream.filters:  # raw bytes, joined once more for each listing in /Contents
            measured += (stream.end - stream.start) * layout.contents_uses.get(stream.number, 0)
            continue
        bounds.append((pdfstreams.max_output(stream) * uses, uses, stream))
    total = measured + sum(bound for bound, _, _ in bounds)
    if measured > max_inflated:
        raise _bomb("PDF streams", max_inflated)
    for bound, uses, stream in sorted(bounds, key=lambda item: -item[0]):
        if total <= max_inflated:
            break
        before = measured
        measure(stream, uses)
        total += measured - before - bound
    return total
