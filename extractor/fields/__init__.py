"""Field extractors, one module per field family. Each reads a Context and returns Found values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models import Method

from ..document import Document
from ..layout import Layout, Span
from ..profile import Profile

# How much a value is worth by the way it was found: an exact label is the strongest evidence.
CONFIDENCE = {
    Method.label: 0.95,
    Method.section: 0.9,
    Method.pattern: 0.75,
    Method.derived: 0.7,
    Method.nlp: 0.6,
}


@dataclass
class Found:
    """A field's value, where it was read and how.

    `parts` carries the evidence of a list field's items, keyed as the record's evidence is
    (`dates[0]`, ...), so each item's provenance joins to the item itself."""

    value: Any
    span: Span | None
    method: Method
    confidence: float = -1.0
    parts: dict[str, Found] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.confidence < 0:
            self.confidence = CONFIDENCE[self.method] * (self.span.weight if self.span is not None else 1.0)


@dataclass
class Context:
    document: Document
    layout: Layout
    profile: Profile
    nlp: Any  # extractor.nlp.NLP, loaded lazily by the pipeline
    warnings: list[str] = field(default_factory=list)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def memo(self, key: str, compute: Callable[[Context], Any]) -> Any:
        """What several fields read (a labelled member, the first-person sentence), worked out once."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return self._memo[key]

    def reference_year(self) -> int | None:
        """The year two-digit years are read against: the one most of the record's dates fall in."""
        from .dates import reference_year

        return self.memo("reference_year", lambda ctx: reference_year(ctx.document.text, ctx.date_matches()))

    def date_matches(self) -> list:
        """The date patterns' matches in the record's text (fields/dates.py), found once."""
        from .dates import date_matches

        return self.memo("date_matches", lambda ctx: date_matches(ctx.document.text))

    def first_person(self):
        """The first-person decision sentence (people.Spoken: its writer, the members consulted,
        its span), or None. Asked for by the people fields and the decision text alike: read once."""
        from .people import first_person

        return self.memo("first_person", first_person)

    def label_values(self, field_name: str) -> list[tuple[str, Span]]:
        """(label as printed, value span) for every labelled occurrence of a field that has a value."""
        out = []
        for hit in self.layout.all(field_name):
            span = self.layout.value(hit)
            if span is not None:
                out.append((hit.label, span))
        return out

    def span_of(self, start: int, end: int) -> Span:
        return Span(self.document.text[start:end], start, end, self.document.page_at(start))
