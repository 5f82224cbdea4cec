"""The pipeline: Document -> Layout -> the registry's field extractors -> DecisionRecord."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import traceback
from collections import Counter
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import Any

from models import DecisionRecord, ErrorKind, SourceInfo
from models.record import QUOTE_CHARS

from .document import MAX_LABEL_CHARS, Document
from .errors import ExtractionFailure
from .fields import Context, Found
from .fields.subject import is_record_heading
from .layout import Layout
from .limits import memory_failure
from .nlp import NLP
from .profile import Profile, ProfileSet
from .readers import ReadOptions, read_bytes, read_file
from .readers.text import text_document
from .registry import FIELDS, RECORD_GROUPS
from .workers import Limits, run


@dataclass
class Extractor:
    """Reads files and builds records. Holds what is costly to load (profiles, spaCy) for reuse."""

    profiles: ProfileSet
    nlp: NLP
    options: ReadOptions = ReadOptions()

    @classmethod
    def create(cls, profiles: Iterable[str | os.PathLike] = (), model: str = "auto",
               options: ReadOptions | None = None) -> Extractor:
        """An extractor with the built-in profile and the given council profiles (files or folders
        of .toml files); `model` is 'auto', 'blank' or a spaCy package name."""
        profile_set = ProfileSet.load(tuple(map(str, profiles)))
        options = dataclasses.replace(options or ReadOptions(), labels=profile_set.hints)
        return cls(profile_set, NLP(model), options)

    @property
    def profile(self) -> Profile:
        """The profile that holds for every document (council profiles with [match] aside)."""
        return self.profiles.base

    def extract_file(self, path: str | os.PathLike) -> DecisionRecord:
        return self.extract_document(read_file(path, options=self.options))

    def extract_many(
        self, paths: Iterable[str | os.PathLike], *, limits: Limits = Limits(), debug: bool = False
    ) -> Generator[tuple[str, DecisionRecord | ExtractionFailure], None, None]:
        """(path, record or failure) for each file in order, each read in a worker process with a time
        limit and a memory cap (extractor/workers.py). A file that runs past them, or crashes its worker
        (pdfium aborting on a bomb), fails alone as `timeout` or `too_large`; the next file is read by
        a new worker. `debug` keeps each failure's traceback text (`failure.traceback`)."""
        names = [str(os.fspath(p)) for p in paths]
        read = functools.partial(_extract_or_fail, self, debug)
        with contextlib.closing(run(names, lambda: read, limits=limits)) as results:
            for index, result in results:
                if isinstance(result, ExtractionFailure):
                    result.path = result.path or names[index]
                yield names[index], result

    def extract_bytes(self, data: bytes, path: str | None = None) -> DecisionRecord:
        return self.extract_document(read_bytes(data, path=path, options=self.options))

    def extract_text(self, text: str) -> DecisionRecord:
        if not text.strip():
            raise ExtractionFailure(ErrorKind.empty, "the text is empty" if not text else "the text holds only whitespace")
        return self.extract_document(text_document(text, reader="text/str"))

    def extract_document(self, document: Document) -> DecisionRecord:
        try:
            return build_record(document, self.profiles.for_text(document.text), self.nlp)
        except ExtractionFailure:
            raise
        except MemoryError:
            raise memory_failure(None, "ran out of memory building the record") from None
        except Exception as exc:  # a bug in odr must not masquerade as a bad file
            raise ExtractionFailure(
                ErrorKind.internal, f"{type(exc).__name__}: {exc}", path=document.path, sha256=document.sha256
            ) from exc


def _extract_or_fail(extractor: Extractor, debug: bool, path: str) -> DecisionRecord | ExtractionFailure:
    """In a worker: the record, or the failure (never raised: it travels back to the main process)."""
    try:
        return extractor.extract_file(path)
    except ExtractionFailure as failure:
        failure.traceback = traceback.format_exc() if debug else None
        return failure
    except MemoryError:
        return memory_failure(None, "ran out of memory")
    except Exception as exc:  # a bug that escaped the pipeline's net
        bug = ExtractionFailure(ErrorKind.internal, f"{type(exc).__name__}: {exc}", path=path)
        bug.traceback = traceback.format_exc() if debug else None
        return bug


def build_record(document: Document, profile: Profile, nlp: NLP | None) -> DecisionRecord:
    ctx = Context(document, Layout(document, profile), profile, nlp)
    reason = why_not_a_record(ctx)
    if reason is not None:
        raise ExtractionFailure(ErrorKind.not_a_record, reason, path=document.path, sha256=document.sha256)
    found: dict[str, Found | None] = {}
    for definition in FIELDS:
        found[definition.name] = definition.extract(ctx, found)
    values = {name: f.value for name, f in found.items() if f is not None}
    evidence: dict[str, Any] = {}  # Evidence fields, validated with the record
    for name, f in found.items():
        if f is None:
            continue
        if f.span is not None:
            evidence[name] = _evidence(f, document.text)
        for key, part in f.parts.items():
            if part.span is not None:
                evidence[key] = _evidence(part, document.text)
    return DecisionRecord(
        **values,
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


# The record rule. An input is a decision record when odr finds at least one of:
#   1. a label of a decision field (the registry's `record_groups`: the decision, its reasons,
#      the options rejected, the decision maker, the executive member, key decision, decision
#      type, the reference), one of the profile's own wordings (not one read by its meaning:
#      "Options:" heads a program's help too), printed as a label with a value: at the start of a
#      line, or among the labels of a flattened record's line. A label quoted in a sentence, a
#      date, a title or a council's name prove nothing: any document may print them;
#   2. a decision-record heading ([subject] title_headings: "Record of Decision", "Decision
#      details", "Issue - decisions", ...) among the document's first lines;
#   3. a first-person decision sentence naming a role ("I, Jane Doe, Head of Highways, ...").
# JSON (odr's own output, a gold file) is data, never a record. Anything else (a README, an
# agenda, "hello world") is refused as `not_a_record` rather than turned into an empty record.
NO_DECISION_FIELD = (
    "no decision field found: no label for a decision, its maker, reasons, options, "
    "key decision, type or reference, and no decision-record heading"
)


def why_not_a_record(ctx: Context) -> str | None:
    """The record rule (above): None for a decision record, else the reason it is not one."""
    if _is_json(ctx.document.text):
        return "the text is JSON data, not a decision record"
    if _decision_label(ctx) or _record_heading(ctx):
        return None
    spoken = ctx.first_person()
    return None if spoken is not None and spoken[0].title is not None else NO_DECISION_FIELD


def _decision_label(ctx: Context) -> bool:
    lines = ctx.document.lines
    per_line = Counter(hit.line_index for hit in ctx.layout.hits)
    for hit in ctx.layout.hits:
        if hit.field not in RECORD_GROUPS or hit.by_meaning:
            continue
        placed = hit.start == lines[hit.line_index].start or per_line[hit.line_index] > 1
        if placed and ctx.layout.value(hit) is not None:
            return True
    return False


def _record_heading(ctx: Context) -> bool:
    head = (index for index, line in enumerate(ctx.document.lines) if line.text.strip())
    for _, index in zip(range(ctx.profile.settings.record_heading_lines), head, strict=False):
        if len(ctx.document.lines[index].text.strip()) <= MAX_LABEL_CHARS and is_record_heading(ctx, index):
            return True
    return False


def _is_json(text: str) -> bool:
    """A JSON value, or JSON Lines: every line a JSON object or array."""
    stripped = text.strip()
    if stripped[:1] not in ("{", "["):
        return False
    try:
        json.loads(stripped)
        return True
    except ValueError:
        pass
    try:
        return all(isinstance(json.loads(line), dict | list) for line in stripped.splitlines() if line.strip())
    except ValueError:
        return False


def _evidence(found: Found, text: str) -> dict[str, Any]:
    """An Evidence's fields: validated with the record, all at once (one validation, not one each)."""
    span = found.span
    assert span is not None, "evidence needs a span"
    quote = " ".join(text[span.start:span.end].split())
    return {
        "quote": quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS - 1] + "…",
        "page": span.page,
        "char_start": span.start,
        "char_end": span.end,
        "method": found.method,
        "confidence": round(found.confidence, 2),
    }
