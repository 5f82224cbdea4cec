"""The one exception odr raises for an input it cannot turn into a record."""

from __future__ import annotations

import re

from models import ErrorKind, ExtractionError, printable_path

# What the user can do about each kind, appended to the one-line message.
_ADVICE = {
    ErrorKind.not_found: "check the path",
    ErrorKind.not_a_record: "odr reads decision records; if this is one, a council profile (--profile) can name its labels",
    ErrorKind.empty: "the file has no content to read",
    ErrorKind.unsupported_format: "odr reads PDF, Word .docx, HTML and plain text",
    ErrorKind.corrupt: "the file is damaged or truncated; fetch it again",
    ErrorKind.encrypted: "supply the password with --password or obtain an unprotected copy",
    ErrorKind.no_text_layer: "scanned PDF with no text layer: re-run with --ocr (needs tesseract-ocr and pytesseract)",
    ErrorKind.too_large: "raise the limit with --max-bytes / --max-pages if the file is genuine",
    ErrorKind.timeout: "raise --timeout if the file is genuine",
    ErrorKind.internal: "a bug in odr: please report it with the file (re-run with --debug for the traceback)",
}


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _visible(text: str) -> str:
    """Control characters (newline, tab, escape, NUL) shown as escapes, so they cannot break the line;
    bytes of a file name that are not UTF-8 as \\xNN, so it can be printed at all."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], printable_path(text))


class ExtractionFailure(Exception):
    """Raised by readers and the pipeline; carries an ErrorKind the CLI and batch can report."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        path: str | None = None,
        sha256: str | None = None,
        advice: str | None = None,
    ):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.path = path
        self.sha256 = sha256
        self.advice = advice  # replaces the kind's usual advice when the case needs its own
        self.traceback: str | None = None  # where it was raised, when a worker process raised it (--debug)

    def __reduce__(self):
        """Failures travel from worker processes to the main one, traceback text included."""
        return _rebuild, (self.kind, self.message, self.path, self.sha256, self.advice, self.traceback)

    def one_line(self) -> str:
        """One line, whatever the path or a library's message hold (a newline in a file name included)."""
        where = f"{_visible(self.path)}: " if self.path else ""
        message = _visible(" ".join(self.message.split()))
        return f"{where}{self.kind.value}: {message} ({self.advice or _ADVICE[self.kind]})"

    def to_error(self) -> ExtractionError:
        return ExtractionError(path=self.path or "", sha256=self.sha256, kind=self.kind, message=self.one_line())


def _rebuild(kind, message, path, sha256, advice, traceback) -> ExtractionFailure:
    failure = ExtractionFailure(kind, message, path=path, sha256=sha256, advice=advice)
    failure.traceback = traceback
    return failure
