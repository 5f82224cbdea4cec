"""The one exception odr raises for an input it cannot turn into a record."""

from __future__ import annotations

from models import ErrorKind, ExtractionError

# What the user can do about each kind, appended to the one-line message.
_ADVICE = {
    ErrorKind.not_found: "check the path",
    ErrorKind.empty: "the file has no content to read",
    ErrorKind.unsupported_format: "odr reads PDF, Word .docx, HTML and plain text",
    ErrorKind.corrupt: "the file is damaged or truncated; fetch it again",
    ErrorKind.encrypted: "supply the password with --password or obtain an unprotected copy",
    ErrorKind.no_text_layer: "scanned PDF with no text layer: re-run with --ocr (needs tesseract-ocr and pytesseract)",
    ErrorKind.too_large: "raise the limit with --max-bytes / --max-pages if the file is genuine",
    ErrorKind.timeout: "raise --timeout if the file is genuine",
    ErrorKind.internal: "a bug in odr: please report it with the file (re-run with --debug for the traceback)",
}


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

    def one_line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.kind.value}: {self.message} ({self.advice or _ADVICE[self.kind]})"

    def to_error(self) -> ExtractionError:
        return ExtractionError(path=self.path or "", sha256=self.sha256, kind=self.kind, message=self.one_line())
