"""The pipeline: Document -> Layout -> the registry's field extractors -> DecisionRecord."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import traceback
from collections.abc import Generator, Iterable
from dataclasses import dataclass

from models import DecisionRecord, ErrorKind, Evidence, SourceInfo
from models.record import QUOTE_CHARS

from .document import Document
from .errors import ExtractionFailure
from .fields import Context, Found
from .layout import Layout
from .limits import memory_failure
from .nlp import NLP
from .profile import Profile, ProfileSet
from .readers import ReadOptions, read_bytes, read_file
from .readers.text import text_document
from .registry import FIELDS
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
        return cls(profile_set, NLP(model, profile_set.base), options)

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
    found: dict[str, Found | None] = {}
    for definition in FIELDS:
        found[definition.name] = definition.extract(ctx, found)
    values = {name: f.value for name, f in found.items() if f is not None}
    evidence: dict[str, Evidence] = {}
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


def _evidence(found: Found, text: str) -> Evidence:
    span = found.span
    assert span is not None, "evidence needs a span"
    quote = " ".join(text[span.start:span.end].split())
    return Evidence(
        quote=quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS - 1] + "…",
        page=span.page,
        char_start=span.start,
        char_end=span.end,
        method=found.method,
        confidence=round(found.confidence, 2),
    )
