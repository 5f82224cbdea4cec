"""odr: turn UK council decision records into validated data.

    >>> import extractor
    >>> record = extractor.extract_file("samples/hartwell-officer-decision.txt")
    >>> record.reference
    'HC042/23'
"""

from __future__ import annotations

import os
from functools import lru_cache

from models import DecisionRecord

from .errors import ExtractionFailure
from .pipeline import Extractor
from .readers import ReadOptions

__all__ = ["DecisionRecord", "ExtractionFailure", "Extractor", "ReadOptions", "extract_file", "extract_text"]


@lru_cache(maxsize=1)
def _default() -> Extractor:
    return Extractor.create()


def extract_file(path: str | os.PathLike) -> DecisionRecord:
    """Read one record (PDF, .docx, HTML or text; the format is sniffed) with the built-in profile."""
    return _default().extract_file(path)


def extract_text(text: str) -> DecisionRecord:
    return _default().extract_text(text)
