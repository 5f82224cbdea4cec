"""Batch output: JSON Lines, CSV and SQLite, chosen by OUT's suffix, always written whole.

A batch appends each result to a journal beside OUT as it arrives (`.OUT.journal`, one JSON line
each, in the JSONL form below). `finalize` then builds the new OUT in a temporary file from the
entries already in OUT (when resuming) and the journal, and renames it into place. A reader of OUT
never sees half a file; a batch killed outright leaves the old OUT plus a journal that `--resume`
picks up.

One entry per input path
------------------------
OUT is keyed by content (sha256): a record or an error is written once per content. An input whose
bytes equal those of an input that already has an entry (in this run or, with `--resume`, an
earlier one) becomes a *duplicate entry* instead: its path, its sha256 and `same_as`, the path of the
input whose record or error it shares. Every input path therefore has exactly one entry: a record,
an error or a duplicate.

Formats
-------
* `.jsonl`: one object a line. A record is a DecisionRecord as `odr extract` prints it; an input that
  failed is `{"error": {<ExtractionError>}}` (path, sha256, kind, message); a duplicate is
  `{"duplicate": {"path": ..., "sha256": ..., "same_as": ...}}`.
* `.csv`: one row an input, for spreadsheets. `status` is `record`, `error` or `duplicate`; nested fields are
  flattened (`decision_maker_name`, `exempt_information_basis`, ...); lists are joined with " | "
  (`dates` as "kind value (label as printed)"); `rejected_options_count` keeps the difference
  between "no such section" (empty) and "none" (0); errors fill `error_kind` and `error_message`,
  duplicates `same_as`.
* `.db`: SQLite for Datasette. `decisions` (primary key sha256; the flattened record, `warnings` and
  `evidence` as JSON), `rejected_options` and `dates` (each row's `decision_sha256` is a foreign key
  to decisions), `errors` (path, sha256, kind, message), `duplicates` (primary key path; sha256,
  same_as, and `decision_sha256`, a foreign key to decisions set when the shared entry is a record,
  empty when it is an error), and full-text search (`decisions_fts`) on subject and decision.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import json
import os
import shutil
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from models import DecisionRecord

from .output import atomic_path

SUFFIXES = (".jsonl", ".csv", ".db")
JOINER = " | "


class OutputError(Exception):
    """OUT cannot be used: unknown suffix, locked by another batch, or not something odr wrote."""


@dataclass
class Keys:
    """What OUT already accounts for."""

    sha256: dict[str, str | None] = field(default_factory=dict)  # content -> path of its record or error
    unhashed_paths: set[str] = field(default_factory=set)        # error entries without a readable file
    paths: set[str] = field(default_factory=set)                 # every path with an entry of any kind

    def add(self, entry: dict) -> None:
        sha, path = entry_key(entry)
        if path is not None:
            self.paths.add(path)
        if is_duplicate(entry):
            return
        if sha:
            self.sha256.setdefault(sha, path)
        elif path is not None:
            self.unhashed_paths.add(path)

    def has(self, entry: dict) -> bool:
        """Is this entry already here? A record or error by its content, anything else by its path."""
        sha, path = entry_key(entry)
        return sha in self.sha256 if sha and not is_duplicate(entry) else path in self.paths


def keys_of(entries: Iterable[dict]) -> Keys:
    keys = Keys()
    for entry in entries:
        keys.add(entry)
    return keys


def entry_key(entry: dict) -> tuple[str | None, str | None]:
    """(sha256, path) of a JSONL-form entry: a record, {"error": {...}} or {"duplicate": {...}}."""
    inner = entry.get("error") or entry.get("duplicate") or entry.get("source") or {}
    return inner.get("sha256"), inner.get("path")


def is_error(entry: dict) -> bool:
    return "error" in entry


def is_duplicate(entry: dict) -> bool:
    return "duplicate" in entry


def duplicate_entry(path: str | None, sha256: str | None, same_as: str | None) -> dict:
    """The entry of an input whose content already has a record or error entry (at `same_as`)."""
    return {"duplicate": {"path": path, "sha256": sha256, "same_as": same_as}}


# --------------------------------------------------------------------------------------------------
# the journal


class Journal:
    def __init__(self, out: Path):
        self.path = out.with_name(f".{out.name}.journal")
        self.lock_path = out.with_name(f".{out.name}.lock")
        self._handle: typing.TextIO | None = None
        self._lock: typing.TextIO | None = None

    def lock(self) -> None:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(self.lock_path, "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            raise OutputError(f"another odr batch is writing {self.lock_path.name[1:-5]}") from None
        self._lock = lock

    def unlock(self) -> None:
        if self._lock is not None:
            self.lock_path.unlink(missing_ok=True)
            self._lock.close()
            self._lock = None

    def open(self) -> None:
        """A new, empty journal (one left by a killed run has been folded into OUT or discarded)."""
        self._handle = open(self.path, "w", encoding="utf-8")

    def write(self, line: str) -> None:
        """One entry in its JSONL form: a record, {"error": {...}} or {"duplicate": {...}}."""
        assert self._handle is not None, "Journal.open() first"
        self._handle.write(line + "\n")
        self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    def lines(self) -> Iterator[tuple[str, dict]]:
        """(raw line, entry) for every complete line; a torn last line (a killed run) is skipped."""
        if not self.path.exists():
            return
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                line = line.rstrip("\n")
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    yield line, entry


def _new_entries(journal: Journal, old: Keys) -> Iterator[tuple[str, dict]]:
    """Journal entries not already in OUT, each added to `old` as it is yielded (finalize is
    idempotent: a journal left behind by a run killed between the rename and its removal adds
    nothing twice)."""
    for line, entry in journal.lines():
        if not old.has(entry):
            old.add(entry)
            yield line, entry


# --------------------------------------------------------------------------------------------------
# writers


class Writer:
    suffix = ""

    def __init__(self, path: Path):
        self.path = path

    def existing_keys(self) -> Keys:
        return keys_of(self.read_entries()) if self.path.exists() else Keys()

    def read_entries(self) -> Iterator[dict]:  # pragma: no cover - overridden
        raise NotImplementedError

    def finalize(self, journal: Journal, *, carry_over: bool, drop_unhashed: typing.AbstractSet[str] = frozenset()) -> None:
        raise NotImplementedError


def _readable(path: Path) -> None:
    """mkstemp makes a private 0600 file; OUT is a dataset, so give it the usual umask permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _dropped(sha: str | None, path: str | None, drop_unhashed) -> bool:
    return not sha and path in drop_unhashed


class JsonlWriter(Writer):
    suffix = ".jsonl"

    def _old_lines(self) -> Iterator[tuple[str, dict]]:
        with open(self.path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    raise OutputError(f"{self.path}: line {number} is not JSON; not an odr batch output") from None
                if not isinstance(entry, dict) or not {"error", "duplicate", "source"} & entry.keys():
                    raise OutputError(f"{self.path}: line {number} is not an odr record, error or duplicate entry")
                yield line, entry

    def read_entries(self) -> Iterator[dict]:
        for _, entry in self._old_lines():
            yield entry

    def finalize(self, journal, *, carry_over, drop_unhashed=frozenset()):
        old = Keys()
        with atomic_path(self.path) as temporary:
            with open(temporary, "w", encoding="utf-8") as out:
                if carry_over and self.path.exists():
                    for line, entry in self._old_lines():
                        sha, path = entry_key(entry)
                        if _dropped(sha, path, drop_unhashed):
                            continue
                        old.add(entry)
                        out.write(line + "\n")
                for line, _ in _new_entries(journal, old):
                    out.write(line + "\n")
                out.flush()
                os.fsync(out.fileno())
            _readable(temporary)


# -- flattening, shared by CSV and SQLite -----------------------------------------------------------


def _unwrap(annotation):
    """Optional[X] -> X."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _record_columns() -> list[str]:
    columns = []
    for name, info in DecisionRecord.model_fields.items():
        if name in ("source", "evidence", "schema_version"):
            continue
        kind = _unwrap(info.annotation)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            columns += [f"{name}_{sub}" for sub in kind.model_fields]
        else:
            columns.append(name)
        if name == "rejected_options":
            columns.append("rejected_options_count")
    return columns


RECORD_COLUMNS = _record_columns()
CSV_COLUMNS = (["status", "sha256", "path"] + RECORD_COLUMNS
               + ["source_format", "source_pages", "source_reader", "schema_version", "error_kind", "error_message",
                  "same_as"])


def _date_text(item: dict) -> str:
    return f"{item['kind']} {item['value']} ({item['label']})"


def flatten(entry: dict, *, join_lists: bool = True) -> dict:
    """One flat row (column -> scalar) for a JSONL-form entry."""
    if is_error(entry):
        error = entry["error"]
        return {"status": "error", "sha256": error.get("sha256"), "path": error.get("path"),
                "schema_version": error.get("schema_version"), "error_kind": error.get("kind"),
                "error_message": error.get("message")}
    if is_duplicate(entry):
        return {"status": "duplicate", **entry["duplicate"]}
    source = entry.get("source") or {}
    row = {"status": "record", "sha256": source.get("sha256"), "path": source.get("path"),
           "source_format": source.get("format"), "source_pages": source.get("pages"),
           "source_reader": source.get("reader"), "schema_version": entry.get("schema_version")}
    for name, value in entry.items():
        if name in ("source", "evidence", "schema_version"):
            continue
        if isinstance(value, dict):
            for sub, subvalue in value.items():
                row[f"{name}_{sub}"] = subvalue
        elif isinstance(value, list):
            if name == "rejected_options":
                row["rejected_options_count"] = len(value)
            if join_lists:
                row[name] = JOINER.join(_date_text(v) if name == "dates" else str(v) for v in value)
            else:
                row[name] = value
        else:
            row[name] = value
    return row


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _row_entry(row: dict) -> dict:
    """A CSV row -> the key fields of its entry in JSONL form."""
    sha, path = row.get("sha256") or None, row.get("path")
    if row.get("status") == "duplicate":
        return duplicate_entry(path, sha, row.get("same_as") or None)
    return {"error" if row.get("status") == "error" else "source": {"sha256": sha, "path": path}}


class CsvWriter(Writer):
    suffix = ".csv"

    def _old_rows(self) -> Iterator[dict]:
        with open(self.path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"status", "sha256", "path"} <= set(reader.fieldnames):
                raise OutputError(f"{self.path}: not an odr batch CSV (no status, sha256, path columns)")
            yield from reader

    def read_entries(self) -> Iterator[dict]:
        for row in self._old_rows():
            yield _row_entry(row)

    def finalize(self, journal, *, carry_over, drop_unhashed=frozenset()):
        old = Keys()
        with atomic_path(self.path) as temporary:
            with open(temporary, "w", encoding="utf-8", newline="") as out:
                writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
                writer.writeheader()
                if carry_over and self.path.exists():
                    for row in self._old_rows():
                        entry = _row_entry(row)
                        if _dropped(*entry_key(entry), drop_unhashed):
                            continue
                        old.add(entry)
                        writer.writerow({k: (v if v is not None else "") for k, v in row.items() if k})
                for _, entry in _new_entries(journal, old):
                    writer.writerow({k: _csv_cell(v) for k, v in flatten(entry).items()})
                out.flush()
                os.fsync(out.fileno())
            _readable(temporary)


class SqliteWriter(Writer):
    suffix = ".db"

    @contextlib.contextmanager
    def _open(self, path: Path):
        import sqlite_utils

        db = sqlite_utils.Database(path)
        try:
            yield db
        finally:
            db.close()

    def read_entries(self) -> Iterator[dict]:
        with self._open(self.path) as db:
            if "decisions" not in db.table_names() or "errors" not in db.table_names():
                raise OutputError(f"{self.path}: not an odr batch database (no decisions/errors tables)")
            yield from self._entries(db)

    @staticmethod
    def _entries(db) -> list[dict]:
        entries = [{"source": {"sha256": sha, "path": path}}
                   for sha, path in db.execute("select sha256, path from decisions")]
        entries += [{"error": {"sha256": sha, "path": path}} for sha, path in db.execute("select sha256, path from errors")]
        if "duplicates" in db.table_names():  # a database written before duplicates had entries has none
            entries += [duplicate_entry(path, sha, same_as)
                        for path, sha, same_as in db.execute("select path, sha256, same_as from duplicates")]
        return entries

    @staticmethod
    def _create(db) -> None:
        columns: dict[str, type] = {"sha256": str, "path": str}
        for name in RECORD_COLUMNS:
            if name in ("dates",):
                continue
            columns[name] = int if name in ("key_decision", "exempt_information_exempt", "rejected_options_count") else str
        columns.update(source_format=str, source_pages=int, source_reader=str, schema_version=str, evidence=str)
        columns["warnings"] = str
        columns.pop("rejected_options", None)
        db["decisions"].create(columns, pk="sha256")
        db["rejected_options"].create(
            {"id": int, "decision_sha256": str, "position": int, "option": str},
            pk="id", foreign_keys=[("decision_sha256", "decisions", "sha256")])
        db["dates"].create(
            {"id": int, "decision_sha256": str, "kind": str, "value": str, "label": str},
            pk="id", foreign_keys=[("decision_sha256", "decisions", "sha256")])
        db["errors"].create(
            {"id": int, "path": str, "sha256": str, "kind": str, "message": str, "schema_version": str}, pk="id")
        db["rejected_options"].create_index(["decision_sha256"])
        db["dates"].create_index(["decision_sha256"])
        db["errors"].create_index(["sha256"])
        db["errors"].create_index(["kind"])
        SqliteWriter._create_duplicates(db)
        db["decisions"].enable_fts(["subject", "decision"], create_triggers=True)

    @staticmethod
    def _create_duplicates(db) -> None:
        db["duplicates"].create(
            {"path": str, "sha256": str, "same_as": str, "decision_sha256": str},
            pk="path", foreign_keys=[("decision_sha256", "decisions", "sha256")], if_not_exists=True)
        db["duplicates"].create_index(["sha256"], if_not_exists=True)

    def finalize(self, journal, *, carry_over, drop_unhashed=frozenset()):
        with atomic_path(self.path) as temporary:
            temporary.unlink(missing_ok=True)
            fresh = not (carry_over and self.path.exists())
            if not fresh:
                shutil.copyfile(self.path, temporary)
            with self._open(temporary) as db, db.conn:
                if fresh:
                    self._create(db)
                else:
                    self._create_duplicates(db)
                    db.conn.executemany("delete from errors where sha256 is null and path = ?",
                                        [(p,) for p in drop_unhashed])
                old = keys_of(self._entries(db))
                rows: dict[str, list[dict]] = {table: [] for table in ("decisions", "rejected_options", "dates", "errors", "duplicates")}
                for _, entry in _new_entries(journal, old):
                    self._rows(entry, rows)
                    if len(rows["decisions"]) + len(rows["errors"]) + len(rows["duplicates"]) >= 500:
                        self._flush(db, rows)
                self._flush(db, rows)
                db.execute("update duplicates set decision_sha256 = sha256 where decision_sha256 is null "
                           "and sha256 in (select sha256 from decisions)")
            _readable(temporary)

    @staticmethod
    def _rows(entry, rows: dict[str, list]) -> None:
        if is_duplicate(entry):
            rows["duplicates"].append(dict(entry["duplicate"]))
            return
        if is_error(entry):
            error = entry["error"]
            rows["errors"].append({k: error.get(k) for k in ("path", "sha256", "kind", "message", "schema_version")})
            return
        row = flatten(entry, join_lists=False)
        sha = row["sha256"]
        for position, option in enumerate(row.pop("rejected_options", None) or [], 1):
            rows["rejected_options"].append({"decision_sha256": sha, "position": position, "option": option})
        for item in row.pop("dates", None) or []:
            rows["dates"].append({"decision_sha256": sha, "kind": item["kind"], "value": item["value"],
                                  "label": item["label"]})
        row.pop("status", None)
        row["warnings"] = json.dumps(row.get("warnings") or [], ensure_ascii=False)
        row["evidence"] = json.dumps(entry.get("evidence") or {}, ensure_ascii=False)
        rows["decisions"].append(row)

    @staticmethod
    def _flush(db, rows: dict[str, list]) -> None:
        for table, batch in rows.items():  # decisions first: the other tables point at them
            if batch:
                db[table].insert_all(batch, alter=table == "decisions")
                batch.clear()


_WRITERS = {w.suffix: w for w in (JsonlWriter, CsvWriter, SqliteWriter)}


def for_path(output: str | os.PathLike) -> Writer:
    path = Path(output)
    suffix = path.suffix.lower()
    if suffix == ".sqlite" or suffix == ".sqlite3":
        suffix = ".db"
    if suffix not in _WRITERS:
        raise OutputError(f"{path.name}: the output's suffix picks the format; use one of {', '.join(SUFFIXES)}")
    return _WRITERS[suffix](path)
