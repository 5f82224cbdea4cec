"""Field extractors, one module per field family. Each reads a Context and returns Found values."""

from __future__ import annotations

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
    value: Any
    span: Span | None
    method: Method
    confidence: float = -1.0

    def __post_init__(self) -> None:
        if self.confidence < 0:
            self.confidence = CONFIDENCE[self.method]


@dataclass
class Context:
    document: Document
    layout: Layout
    profile: Profile
    nlp: Any  # extractor.nlp.NLP, loaded lazily by the pipeline
    warnings: list[str] = field(default_factory=list)
    _first_person: Any = field(default=None, init=False, repr=False)

    def first_person(self):
        """The writer of a first-person decision sentence, as (Person, Span), or None. Asked for by
        the decision maker and the decision text alike; spaCy runs on the sentence once."""
        if self._first_person is None:
            self._first_person = (self.nlp.first_person(self.document, self.profile) if self.nlp else None,)
        return self._first_person[0]

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
