"""Document: the normalised text of a record with page and character positions.

Every reader produces one; every extractor reads one. Offsets are into `Document.text`, which is the
pages' normalised text joined by newlines, so evidence can point back at exactly what was read.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from models import SourceFormat

# Superscript and footnote marks councils' templates scatter through headings ("RECORD ⁱ");
# removed before NFKC, which would otherwise turn them into ordinary letters and digits.
_FOOTNOTE_MARKS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f\u1d2c-\u1d6a\u2020\u2021]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff\x00]")
_ODD_SPACES = re.compile(r"[^\S\n\t]+")


def normalise_text(raw: str) -> str:
    """NFKC, ligatures, odd spaces and footnote marks normalised; lines right-trimmed."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _FOOTNOTE_MARKS.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _ODD_SPACES.sub(" ", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


# A list item's marker: a bullet, or a number, letter or roman numeral with "." or ")".
LIST_MARKER = r"(?:[-–•*·▪●◦]|\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])"
STARTS_LIST_ITEM = re.compile(rf"^{LIST_MARKER}(?:\s|$)")


def squeeze_blank_lines(lines: list[str]) -> list[str]:
    """No leading blank lines and never two in a row: paragraphs stay apart, gaps do not grow."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return out


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    start: int  # offset of the line's first character in Document.text
    page: int  # 1-based

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Document:
    text: str
    page_starts: list[int]
    format: SourceFormat
    reader: str
    path: str | None = None
    sha256: str | None = None
    warnings: list[str] = field(default_factory=list)  # what the reader had to guess (an encoding, ...)
    lines: list[Line] = field(init=False)

    def __post_init__(self) -> None:
        lines: list[Line] = []
        offset = 0
        for raw in self.text.split("\n"):
            lines.append(Line(raw, offset, self.page_at(offset)))
            offset += len(raw) + 1
        self.lines = lines

    @classmethod
    def from_pages(cls, pages: list[str], *, format: SourceFormat, reader: str, **kwargs) -> Document:
        starts, parts, offset = [], [], 0
        for page in pages:
            starts.append(offset)
            parts.append(page)
            offset += len(page) + 1
        return cls("\n".join(parts), starts or [0], format, reader, **kwargs)

    @property
    def page_count(self) -> int:
        return len(self.page_starts)

    def page_at(self, offset: int) -> int:
        return bisect.bisect_right(self.page_starts, offset)


class LabelHints(Protocol):
    """What a reader may ask about labels (the run's profile implements it; readers never load one)."""

    def is_standalone_label(self, line: str, *, separator_required: bool = False) -> bool: ...

    def starts_run_in_label(self, line: str) -> bool: ...


# The longest text a reader takes for a label by its shape alone (a table's label cell, "Label:").
MAX_LABEL_CHARS = 80


class LabelShapes:
    """LabelHints for a reader given none (no profile): a short line ending in ':' is a label
    standing alone, and no label is known to run into its value without a separator."""

    def is_standalone_label(self, line: str, *, separator_required: bool = False) -> bool:
        text = line.strip()
        return 1 < len(text) <= MAX_LABEL_CHARS and text.endswith(":")

    def starts_run_in_label(self, line: str) -> bool:
        return False


_DIGITS = re.compile(r"\d+")


def strip_page_furniture(pages: list[str], edge_lines: int = 3) -> list[str]:
    """Drop running headers/footers: lines near a page edge that recur (digits aside) on several pages,
    and bare page numbers. A one-page document is returned as it is."""
    if len(pages) < 2:
        return pages
    split = [page.split("\n") for page in pages]

    def edges(lines: list[str]) -> list[str]:
        return lines[:edge_lines] + lines[-edge_lines:]

    def shape(line: str) -> str:
        return _DIGITS.sub("#", line.strip().lower())

    counts: Counter[str] = Counter()
    for lines in split:
        counts.update({shape(line) for line in edges(lines) if line.strip()})
    threshold = max(2, (len(pages) + 1) // 2)
    furniture = {s for s, n in counts.items() if n >= threshold}
    furniture.add("#")
    cleaned = []
    for number, lines in enumerate(split, start=1):
        edge_idx = set(range(min(edge_lines, len(lines)))) | set(range(max(0, len(lines) - edge_lines), len(lines)))
        kept = [
            line
            for i, line in enumerate(lines)
            if not (i in edge_idx and (shape(line) in furniture or _carries_page_number(line, number)))
        ]
        cleaned.append("\n".join(kept))
    return cleaned


def _carries_page_number(line: str, number: int) -> bool:
    """A short edge line that begins or ends with its own page's number ("01/decision/FormC 2")."""
    words = line.split()
    if not words or len(line) > 80 or len(words) > 8:
        return False
    return len(words) > 1 and str(number) in (words[0], words[-1]) and not line.rstrip().endswith(".")
