"""An archive's manifest.jsonl, and what it tells a record about where its file came from.

`odr fetch` appends one line per URL as each request ends (so a run killed half-way loses nothing)
and, when it finishes, rewrites the file with the latest line per URL. `odr batch --manifest` reads
it: a record whose file the manifest names gets the URL, the site's id and the time it was fetched
in `source`, and the council the fetch was given.

Which council a record names
----------------------------
A council given by the user (`--council`, or through the manifest from `odr fetch --council`) is the
record's `council`: the user knows whose site they fetched, while the text may name the council in
any form ("the Council", "CBC") or not at all. `--council` wins over the manifest, and either over a
council profile's `council`. What the text itself says stays as evidence: when it differs from the
given name, its evidence moves from `council` to `council_stated`, so the span (and its quote) still
shows how the document names the authority. A text that agrees keeps its evidence under `council`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError

from models import DecisionRecord, ManifestEntry

from .errors import ExtractionFailure
from .output import atomic_writer

if TYPE_CHECKING:
    from .document import Document
    from .pipeline import Extractor

MANIFEST = "manifest.jsonl"
STATED_EVIDENCE = "council_stated"


class ManifestError(ValueError):
    """A manifest that cannot be read: missing, or a line that is not a manifest entry."""


def read_manifest(path: str | os.PathLike) -> list[ManifestEntry]:
    """Every line of a manifest, in order. A torn last line (a fetch killed mid-write) is ignored."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read the manifest ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: not a manifest (not UTF-8 text)") from None
    lines = text.splitlines()
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entries.append(ManifestEntry.model_validate_json(line))
        except ValidationError as exc:
            if number == len(lines) and not text.endswith("\n"):
                continue  # every line is written with its newline: this one was cut short
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"])
            raise ManifestError(f"{path}: line {number} is not a manifest entry ({where}: {problem['msg']})") from None
    return entries


def latest_by_url(entries: Iterable[ManifestEntry]) -> dict[str, ManifestEntry]:
    """The last line for each URL, in the order the URLs were first tried."""
    latest: dict[str, ManifestEntry] = {}
    for entry in entries:
        latest[entry.url] = entry
    return latest


class ManifestLog:
    """The manifest as `odr fetch` writes it: appended line by line, compacted at the end."""

    def __init__(self, archive: Path):
        self.path = archive / MANIFEST
        self._handle: TextIO | None = None

    def append(self, entry: ManifestEntry) -> None:
        if self._handle is None:
            self._handle = open(self.path, "a", encoding="utf-8")
        self._handle.write(entry.model_dump_json() + "\n")
        self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def compact(self) -> None:
        """Rewrite the manifest whole with one line per URL (its latest), atomically."""
        self.close()
        if not self.path.exists():
            return
        latest = latest_by_url(read_manifest(self.path))
        with atomic_writer(self.path) as handle:
            for entry in latest.values():
                handle.write(entry.model_dump_json() + "\n")


def files_of(manifest_path: str | os.PathLike) -> dict[str, ManifestEntry]:
    """Real path of each saved file -> its manifest entry; paths are relative to the manifest's folder."""
    folder = Path(manifest_path).resolve().parent
    return {os.path.realpath(folder / entry.path): entry
            for entry in latest_by_url(read_manifest(manifest_path)).values() if entry.path}


# --------------------------------------------------------------------------------------------------
# records


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def with_provenance(record: DecisionRecord, *, council: str | None = None,
                    entry: ManifestEntry | None = None) -> DecisionRecord:
    """The record with the council given (`council`, else the manifest's) and the file's URL, site id
    and fetch time from its manifest entry. See the module docstring for which council wins."""
    given = council or (entry.council if entry else None)
    update: dict = {}
    if entry is not None:
        update["source"] = record.source.model_copy(
            update={"url": entry.url, "site_id": entry.site_id, "fetched_at": entry.fetched_at})
    if given:
        update["council"] = given
        stated = record.evidence.get("council")
        if stated is not None and not (record.council and _same_name(record.council, given)):
            evidence = {k: v for k, v in record.evidence.items() if k != "council"}
            evidence[STATED_EVIDENCE] = stated
            update["evidence"] = evidence
    return record.model_copy(update=update) if update else record


@dataclass
class ProvenanceExtractor:
    """An extractor whose records carry the council given and, for files the manifest names, where
    they were fetched from. It reads exactly as the extractor it wraps."""

    inner: Extractor
    council: str | None = None
    files: Mapping[str, ManifestEntry] = field(default_factory=dict)

    @property
    def options(self):
        return self.inner.options

    @property
    def nlp(self):
        return self.inner.nlp

    def _stamp(self, record: DecisionRecord, path) -> DecisionRecord:
        entry = self.files.get(os.path.realpath(path)) if path is not None else None
        return with_provenance(record, council=self.council, entry=entry)

    def extract_file(self, path: str | os.PathLike) -> DecisionRecord:
        return self._stamp(self.inner.extract_file(path), path)

    def extract_bytes(self, data: bytes, path: str | None = None) -> DecisionRecord:
        return self._stamp(self.inner.extract_bytes(data, path=path), path)

    def extract_text(self, text: str) -> DecisionRecord:
        return self._stamp(self.inner.extract_text(text), None)

    def extract_document(self, document: Document) -> DecisionRecord:
        return self._stamp(self.inner.extract_document(document), document.path)

    def extract_many(self, paths: Iterable[str | os.PathLike], **options
                     ) -> Generator[tuple[str, DecisionRecord | ExtractionFailure], None, None]:
        """The wrapped extractor's extract_many (files read in worker processes), each record stamped here."""
        with contextlib.closing(self.inner.extract_many(paths, **options)) as results:
            for path, result in results:
                yield path, result if isinstance(result, ExtractionFailure) else self._stamp(result, path)


def with_sources(extractor, *, council: str | None = None, manifest: str | os.PathLike | None = None):
    """`extractor` itself when there is nothing to add, else a ProvenanceExtractor around it."""
    if not council and manifest is None:
        return extractor
    return ProvenanceExtractor(extractor, council or None, files_of(manifest) if manifest is not None else {})
