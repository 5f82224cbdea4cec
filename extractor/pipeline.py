"""The pipeline: Document -> Layout -> field extractors -> DecisionRecord."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from models import DateEntry, DecisionRecord, ErrorKind, Evidence, SourceInfo

from .document import Document
from .errors import ExtractionFailure
from .fields import Context, Found, dates, flags, people, reference, sections, subject
from .layout import Layout
from .nlp import NLP
from .profile import Profile, load_profile
from .readers import ReadOptions, read_bytes, read_file
from .readers.text import text_document


@dataclass
class Extractor:
    """Reads files and builds records. Holds what is costly to load (profile, spaCy) for reuse."""

    profile: Profile
    nlp: NLP
    options: ReadOptions = ReadOptions()

    @classmethod
    def create(cls, profiles: tuple[str, ...] = (), model: str = "auto", options: ReadOptions = ReadOptions()) -> Extractor:
        profile = load_profile(*profiles)
        options = replace(options, labels=profile)  # readers ask the run's profile about labels
        return cls(profile, NLP(model, tuple(profile.names.get("honorifics", ()))), options)

    def extract_file(self, path: str | os.PathLike) -> DecisionRecord:
        return self.extract_document(read_file(path, options=self.options))

    def extract_bytes(self, data: bytes, path: str | None = None) -> DecisionRecord:
        return self.extract_document(read_bytes(data, path=path, options=self.options))

    def extract_text(self, text: str) -> DecisionRecord:
        return self.extract_document(text_document(text, reader="text/str"))

    def extract_document(self, document: Document) -> DecisionRecord:
        try:
            return build_record(document, self.profile, self.nlp)
        except ExtractionFailure:
            raise
        except Exception as exc:  # a bug in odr must not masquerade as a bad file
            raise ExtractionFailure(
                ErrorKind.internal, f"{type(exc).__name__}: {exc}", path=document.path, sha256=document.sha256
            ) from exc


def build_record(document: Document, profile: Profile, nlp: NLP | None) -> DecisionRecord:
    ctx = Context(document, Layout(document, profile), profile, nlp)
    found: dict[str, Found | None] = {}
    found["reference"] = reference.extract(ctx)
    found["subject"] = subject.extract(ctx)
    found["council"] = subject.council(ctx)
    found["decision_maker"] = people.decision_maker(ctx)
    found["executive_member"] = people.executive_member(ctx, found["decision_maker"])
    found["decision_maker"] = people.with_member_title(found["decision_maker"], found["executive_member"])
    found["officer_contact"] = people.officer_contact(ctx)
    found["key_decision"] = flags.key_decision(ctx)
    found["decision_type"] = flags.decision_type(ctx)
    found["exempt_information"] = flags.exempt_information(ctx)
    dated = dates.extract(ctx)
    found["decision_date"] = dates.decision_date(dated)
    found["decision"] = sections.decision(ctx)
    found["reasons"] = sections.text_section(ctx, "reasons")
    found["rejected_options"] = sections.rejected_options(ctx)
    found["consultation"] = sections.text_section(ctx, "consultation")
    found["conflicts_of_interest"] = sections.text_section(ctx, "conflicts_of_interest")

    values = {name: f.value for name, f in found.items() if f is not None}
    evidence = {name: _evidence(f) for name, f in found.items() if f is not None and f.span is not None}
    entries = []
    seen = set()
    for item in dated:
        if (item.kind, item.value) in seen:
            continue
        seen.add((item.kind, item.value))
        entries.append(DateEntry(kind=item.kind, value=item.value, label=item.label))
    for index, item in enumerate(d for d in dated if d.found.span is not None):
        evidence[f"dates.{item.kind.value}.{index}"] = _evidence(item.found)
    return DecisionRecord(
        **values,
        dates=entries,
        source=SourceInfo(
            path=document.path,
            sha256=document.sha256,
            format=document.format,
            pages=document.page_count,
            reader=document.reader,
        ),
        evidence=evidence,
        warnings=[*document.warnings, *ctx.warnings],
    )


def _evidence(found: Found) -> Evidence:
    span = found.span
    assert span is not None, "evidence needs a span"
    return Evidence(
        page=span.page,
        char_start=span.start,
        char_end=span.end,
        method=found.method,
        confidence=round(found.confidence, 2),
    )
