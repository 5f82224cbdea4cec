"""odr: turn UK council decision records into validated data.

    >>> import extractor
    >>> record = extractor.extract_file("samples/hartwell-officer-decision.txt")
    >>> record.reference
    'HC042/23'
"""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models import DecisionRecord

    from .errors import ExtractionFailure
    from .pipeline import Extractor
    from .readers import ReadOptions

__all__ = ["DecisionRecord", "ExtractionFailure", "Extractor", "ReadOptions", "extract_file", "extract_text"]

# Imported on first use, so that `odr fetch` or `odr --help` (extractor.cli is inside this package)
# does not load the whole pipeline first.
_LAZY = {"DecisionRecord": "models", "ExtractionFailure": ".errors", "Extractor": ".pipeline", "ReadOptions": ".readers"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name], __name__), name)


@lru_cache(maxsize=1)
def _default() -> Extractor:
    from .pipeline import Extractor

    return Extractor.create()


def extract_file(path: str | os.PathLike) -> DecisionRecord:
    """Read one record (PDF, .docx, HTML or text; the format is sniffed) with the built-in profile."""
    return _default().extract_file(path)


def extract_text(text: str) -> DecisionRecord:
    return _default().extract_text(text)
