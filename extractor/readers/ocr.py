"""OCR for scanned PDFs (``--ocr``): pdfium renders each page, tesseract reads it.

Needs Debian's tesseract-ocr (the program and its English data) and pytesseract (the ``ocr`` extra).
When either is missing the file fails as `no_text_layer` with the command that installs them.

Hostile pages are bounded: a page is rendered at 300 dpi but never past `_MAX_PIXELS` (a forged
MediaBox of several metres would otherwise ask for gigapixels), and tesseract runs with the time left
under the active per-file limit (extractor/limits.py), so it is killed rather than orphaned.
"""

from __future__ import annotations

import math

from models import ErrorKind

from ..document import normalise_text
from ..errors import ExtractionFailure
from ..limits import remaining

INSTALL = "apt-get install tesseract-ocr && pip install 'odr[ocr]'"
LANGUAGE = "eng"
_DPI = 300
# A4 at 300 dpi is 8.7 million pixels; allow large formats (A2) but not a forged giant page.
_MAX_PIXELS = 40_000_000


def _missing(what: str) -> ExtractionFailure:
    return ExtractionFailure(
        ErrorKind.no_text_layer,
        f"no page has a text layer and OCR is unavailable: {what}",
        advice=f"install OCR: {INSTALL}",
    )


def _tesseract():
    """pytesseract, once the program and its English data are known to be there."""
    try:
        import pytesseract
    except ImportError:
        raise _missing("the pytesseract package is not installed") from None
    try:
        pytesseract.get_tesseract_version()
    except (pytesseract.TesseractNotFoundError, OSError):
        raise _missing("the tesseract program is not installed") from None
    try:
        languages = pytesseract.get_languages()
    except Exception:  # an old tesseract without --list-langs: let it try
        languages = [LANGUAGE]
    if LANGUAGE not in languages:
        raise _missing(f"tesseract has no '{LANGUAGE}' language data (apt-get install tesseract-ocr-{LANGUAGE})")
    return pytesseract


def available() -> bool:
    """True when OCR can run here (tests skip on False)."""
    try:
        _tesseract()
    except ExtractionFailure:
        return False
    return True


def render_scale(width_pt: float, height_pt: float) -> float:
    """pdfium scale (pixels per point) for a page: 300 dpi, capped at _MAX_PIXELS."""
    scale = _DPI / 72
    area = max(width_pt, 1.0) * max(height_pt, 1.0)
    if area * scale * scale > _MAX_PIXELS:
        scale = math.sqrt(_MAX_PIXELS / area)
    return scale


def ocr_pdf(data: bytes, options) -> list[str]:
    """The normalised text of each page of a PDF, read by tesseract."""
    pytesseract = _tesseract()
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data, password=options.password)
    except pdfium.PdfiumError as exc:  # pdf.py opened it already; only a surprise lands here
        raise ExtractionFailure(ErrorKind.corrupt, f"PDF cannot be opened for OCR ({exc})") from None
    pages = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                width, height = page.get_size()
                bitmap = page.render(scale=render_scale(width, height), grayscale=True)
                image = bitmap.to_pil()
            finally:
                page.close()
            pages.append(normalise_text(_read_image(pytesseract, image, index)))
    finally:
        pdf.close()
    if not any(p.strip() for p in pages):
        raise ExtractionFailure(ErrorKind.empty, f"OCR found no text on the {len(pages)} page(s)")
    return pages


def _read_image(pytesseract, image, index: int) -> str:
    left = remaining()
    if left is not None and left < 0.5:
        raise ExtractionFailure(ErrorKind.timeout, f"time limit reached before OCR of page {index + 1}")
    try:
        # pytesseract kills tesseract itself when its own timeout (just inside ours) runs out
        return pytesseract.image_to_string(image, lang=LANGUAGE, timeout=0 if left is None else left - 0.25)
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise ExtractionFailure(ErrorKind.timeout, f"OCR of page {index + 1} ran out of time") from None
        raise ExtractionFailure(ErrorKind.internal, f"tesseract failed on page {index + 1}: {exc}") from exc
