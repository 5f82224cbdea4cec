"""Output sinks: one small class per format, picked by OUT's suffix, each writing OUT whole.

An *entry* is what odr writes for one input, in its JSON Lines form: a record (a DecisionRecord as
`odr extract` prints it), `{"error": {path, sha256, kind, message}}` for an input that could not be
read, or `{"duplicate": {path, sha256, same_as}}` for an input whose bytes another input already
has an entry for. A sink knows two things only: how to write entries (`write`) and how to read
back the keys of the entries it holds (`entry_keys`). What to write and what to keep (the journal,
`--resume`, duplicates) is batch.py's business.

`write(entries, keep=...)` builds the new OUT in a temporary file beside it and renames it into place:
the entries of the current OUT for which `keep(key)` is true (all of them are offered before the
first new entry is drawn), then `entries`. A failure (a full disk, a read-only folder) is one
`OutputError` line; the previous OUT stays as it was and no temporary file is left behind.

Formats (`SINKS`)
-----------------
* `.json`: one entry as one object, several as an array (`--pretty` indents).
* `.jsonl`: one entry a line.
* `.csv`: one row an entry, for spreadsheets. `status` is `record`, `error` or `duplicate`; nested fields are
  flattened (`decision_maker_name`, `exempt_information_basis`, ...); lists are joined with " | "
  (`dates` as "kind value (label as printed)"); `rejected_options_count` keeps the difference
  between "no such section" (empty) and "none" (0); errors fill `error_kind` and `error_message`,
  duplicates `same_as`.
* `.db`: SQLite for Datasette. `decisions` (primary key sha256; the flattened record, `warnings` and
  `evidence` as JSON), `rejected_options` and `dates` (each row's `decision_sha256` is a foreign key
  to decisions), `errors` (path, sha256, kind, message), `duplicates` (primary key path; sha256,
  same_as, and `decision_sha256`, a foreign key to decisions set when the shared entry is a record,
  empty when it is an error), and full-text search (`decisions_fts`) on subject and decision.
  Column types come from the record model (models/record.py).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import enum
import json
import os
import shutil
import sqlite3
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from pydantic import BaseModel

from models import DecisionRecord, SourceInfo

from .output import atomic_path

JOINER = " | "


class OutputError(Exception):
    """OUT cannot be used or written: unknown suffix, not something odr wrote, a full disk, no permission."""


class EntryKey(NamedTuple):
    """What identifies an entry: its status (`record`, `error`, `duplicate`), path, sha256 and, for a
    duplicate, the path whose entry it shares."""

    status: str
    path: str | None
    sha256: str | None
    same_as: str | None = None


Keep = Callable[[EntryKey], bool]


def key_of(entry: dict) -> EntryKey:
    """The key of an entry in its JSON Lines form."""
    if "error" in entry:
        error = entry["error"]
        return EntryKey("error", error.get("path"), error.get("sha256"))
    if "duplicate" in entry:
        duplicate = entry["duplicate"]
        return EntryKey("duplicate", duplicate.get("path"), duplicate.get("sha256"), duplicate.get("same_as"))
    source = entry.get("source") or {}
    return EntryKey("record", source.get("path"), source.get("sha256"))


def duplicate_entry(path: str | None, sha256: str | None, same_as: str | None) -> dict:
    """The entry of an input whose content already has a record or error entry (at `same_as`)."""
    return {"duplicate": {"path": path, "sha256": sha256, "same_as": same_as}}


@dataclass(frozen=True)
class SinkOptions:
    pretty: bool = False  # .json: indent


class Sink(Protocol):
    """One output format."""

    path: Path

    def entry_keys(self) -> Iterator[EntryKey]:
        """The keys of the entries OUT holds (none when it does not exist); OutputError when OUT is
        not something this sink wrote."""
        ...

    def write(self, entries: Iterable[dict], *, keep: Keep | None = None) -> None:
        """Replace OUT, atomically, with its entries that `keep` accepts (none when `keep` is None)
        followed by `entries`."""
        ...


# -- shared plumbing --------------------------------------------------------------------------------


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[Path]:
    """A temporary path that replaces `path` on success; any OS or SQLite failure is one OutputError."""
    try:
        with atomic_path(path) as temporary:
            yield temporary
            _readable(temporary)
    except (OSError, sqlite3.OperationalError) as exc:  # sqlite3: "database or disk is full", ...
        unchanged = "; the previous file is unchanged" if path.exists() else ""
        raise OutputError(f"{path}: cannot write ({getattr(exc, 'strerror', None) or exc}){unchanged}") from None


def _readable(path: Path) -> None:
    """mkstemp makes a private 0600 file; OUT is a dataset, so give it the usual umask permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _synced(handle) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _not_ours(path: Path, why: str) -> OutputError:
    return OutputError(f"{path}: {why}; not an odr output (choose another OUT, or move this file away)")


def _entry_dict(entry: object, path: Path, where: str) -> dict:
    if not isinstance(entry, dict) or not {"error", "duplicate", "source"} & entry.keys():
        raise _not_ours(path, f"{where} is not an odr record, error or duplicate entry")
    return entry


def _unreadable(path: Path, exc: Exception) -> OutputError:
    if isinstance(exc, UnicodeDecodeError):
        return _not_ours(path, "not UTF-8 text")
    return OutputError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})")


# -- JSON and JSON Lines ----------------------------------------------------------------------------


def _json_line(entry: dict) -> str:
    return json.dumps(entry, ensure_ascii=False)


class JsonlSink:
    suffix = ".jsonl"

    def __init__(self, path: Path, options: SinkOptions = SinkOptions()):
        self.path = path

    def _old(self) -> Iterator[tuple[str, dict]]:
        if not self.path.exists():
            return
        try:
            with open(self.path, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    line = line.rstrip("\n")
                    if not line.strip():
                        continue
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        raise _not_ours(self.path, f"line {number} is not JSON") from None
                    yield line, _entry_dict(entry, self.path, f"line {number}")
        except (OSError, UnicodeDecodeError) as exc:
            raise _unreadable(self.path, exc) from None

    def entry_keys(self) -> Iterator[EntryKey]:
        for _, entry in self._old():
            yield key_of(entry)

    def write(self, entries, *, keep=None):
        with _writing(self.path) as temporary, open(temporary, "w", encoding="utf-8") as out:
            if keep is not None:
                for line, entry in self._old():
                    if keep(key_of(entry)):
                        out.write(line + "\n")
            for entry in entries:
                out.write(_json_line(entry) + "\n")
            _synced(out)


class JsonSink:
    suffix = ".json"

    def __init__(self, path: Path, options: SinkOptions = SinkOptions()):
        self.path = path
        self.indent = 2 if options.pretty else None

    def _old(self) -> list[dict]:
        if not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except ValueError:
            raise _not_ours(self.path, "not JSON") from None
        except OSError as exc:
            raise _unreadable(self.path, exc) from None
        items = data if isinstance(data, list) else [data]
        return [_entry_dict(item, self.path, f"item {number}") for number, item in enumerate(items, 1)]

    def entry_keys(self) -> Iterator[EntryKey]:
        for entry in self._old():
            yield key_of(entry)

    def write(self, entries, *, keep=None):
        kept = [entry for entry in self._old() if keep(key_of(entry))] if keep is not None else []
        items = kept + list(entries)
        data: object = items[0] if len(items) == 1 else items
        with _writing(self.path) as temporary, open(temporary, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, ensure_ascii=False, indent=self.indent) + "\n")
            _synced(out)


# -- flat rows from the model, shared by CSV and SQLite ---------------------------------------------

# Parts of a record that are not flat columns: `source` gives sha256, path and source_* columns;
# lists of models become their own SQLite tables; evidence and warnings are JSON in SQLite.
_SPECIAL = ("source", "evidence", "schema_version")


def _unwrap(annotation):
    """Optional[X] -> X."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_model(kind) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _column_type(kind) -> type:
    """The SQLite (sqlite-utils) type of a scalar field: bool and int are INTEGER, float FLOAT, the rest TEXT."""
    if isinstance(kind, type):
        if issubclass(kind, bool | int):
            return int
        if issubclass(kind, float):
            return float
        if issubclass(kind, str | enum.Enum | dt.date):
            return str
    return str  # lists and dicts are stored as JSON text


def record_columns() -> dict[str, type]:
    """Flat column -> type for every field of DecisionRecord but source/evidence/schema_version:
    nested models as name_sub, lists as they are (joined in CSV, a table or JSON in SQLite)."""
    columns: dict[str, type] = {}
    for name, info in DecisionRecord.model_fields.items():
        if name in _SPECIAL:
            continue
        kind = _unwrap(info.annotation)
        if _is_model(kind):
            for sub, sub_info in kind.model_fields.items():
                columns[f"{name}_{sub}"] = _column_type(_unwrap(sub_info.annotation))
        else:
            columns[name] = _column_type(kind)
        if name == "rejected_options":
            columns["rejected_options_count"] = int
    return columns


def source_columns() -> dict[str, type]:
    """source_* columns from SourceInfo (path and sha256 are columns of their own)."""
    return {f"source_{name}": _column_type(_unwrap(info.annotation))
            for name, info in SourceInfo.model_fields.items() if name not in ("path", "sha256")}


RECORD_COLUMNS = record_columns()
CSV_COLUMNS = (["status", "sha256", "path", *RECORD_COLUMNS, *source_columns(), "schema_version",
                "error_kind", "error_message", "same_as"])


def _date_text(item: dict) -> str:
    return f"{item['kind']} {item['value']} ({item['label']})"


def flatten(entry: dict, *, join_lists: bool = True) -> dict:
    """One flat row (column -> scalar) for an entry."""
    if "error" in entry:
        error = entry["error"]
        return {"status": "error", "sha256": error.get("sha256"), "path": error.get("path"),
                "schema_version": error.get("schema_version"), "error_kind": error.get("kind"),
                "error_message": error.get("message")}
    if "duplicate" in entry:
        return {"status": "duplicate", **entry["duplicate"]}
    source = entry.get("source") or {}
    row = {"status": "record", "sha256": source.get("sha256"), "path": source.get("path"),
           "schema_version": entry.get("schema_version")}
    row.update({f"source_{k}": v for k, v in source.items() if k not in ("path", "sha256")})
    for name, value in entry.items():
        if name in _SPECIAL:
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


# -- CSV --------------------------------------------------------------------------------------------


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _row_key(row: dict) -> EntryKey:
    status = row.get("status") or "record"
    return EntryKey(status, row.get("path"), row.get("sha256") or None,
                    (row.get("same_as") or None) if status == "duplicate" else None)


class CsvSink:
    suffix = ".csv"

    def __init__(self, path: Path, options: SinkOptions = SinkOptions()):
        self.path = path

    def _old(self) -> Iterator[dict]:
        if not self.path.exists():
            return
        try:
            with open(self.path, encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or not {"status", "sha256", "path"} <= set(reader.fieldnames):
                    raise _not_ours(self.path, "no status, sha256, path columns")
                yield from reader
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise _unreadable(self.path, exc) from None

    def entry_keys(self) -> Iterator[EntryKey]:
        for row in self._old():
            yield _row_key(row)

    def write(self, entries, *, keep=None):
        with _writing(self.path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            if keep is not None:
                for row in self._old():
                    if keep(_row_key(row)):
                        writer.writerow({k: (v if v is not None else "") for k, v in row.items() if k})
            for entry in entries:
                writer.writerow({k: _csv_cell(v) for k, v in flatten(entry).items()})
            _synced(out)


# -- SQLite -----------------------------------------------------------------------------------------


class SqliteSink:
    suffix = ".db"
    CHUNK = 500  # entries per insert

    def __init__(self, path: Path, options: SinkOptions = SinkOptions()):
        self.path = path

    @contextlib.contextmanager
    def _open(self, path: Path):
        import sqlite_utils

        db = sqlite_utils.Database(path)
        try:
            yield db
        finally:
            db.close()

    def entry_keys(self) -> Iterator[EntryKey]:
        if not self.path.exists():
            return
        try:
            with self._open(self.path) as db:
                tables = db.table_names()
                if "decisions" not in tables or "errors" not in tables:
                    raise _not_ours(self.path, "no decisions and errors tables")
                yield from self._keys(db)
        except sqlite3.DatabaseError as exc:  # "file is not a database"
            raise _not_ours(self.path, f"not a usable SQLite database ({exc})") from None

    @staticmethod
    def _keys(db) -> list[EntryKey]:
        keys = [EntryKey("record", path, sha) for sha, path in db.execute("select sha256, path from decisions")]
        keys += [EntryKey("error", path, sha) for sha, path in db.execute("select sha256, path from errors")]
        if "duplicates" in db.table_names():  # a database written before duplicates had entries has none
            keys += [EntryKey("duplicate", path, sha, same_as)
                     for path, sha, same_as in db.execute("select path, sha256, same_as from duplicates")]
        return keys

    @staticmethod
    def _create(db) -> None:
        columns: dict[str, type] = {"sha256": str, "path": str}
        columns.update((name, kind) for name, kind in RECORD_COLUMNS.items() if name not in ("dates", "rejected_options"))
        columns.update(source_columns())
        columns.update(schema_version=str, evidence=str)
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
        SqliteSink._create_duplicates(db)
        db["decisions"].enable_fts(["subject", "decision"], create_triggers=True)

    @staticmethod
    def _create_duplicates(db) -> None:
        db["duplicates"].create(
            {"path": str, "sha256": str, "same_as": str, "decision_sha256": str},
            pk="path", foreign_keys=[("decision_sha256", "decisions", "sha256")], if_not_exists=True)
        db["duplicates"].create_index(["sha256"], if_not_exists=True)

    def write(self, entries, *, keep=None):
        carry_over = keep is not None and self.path.exists()
        if carry_over:
            list(self.entry_keys())  # refuse a foreign or broken OUT before copying it
        with _writing(self.path) as temporary:
            temporary.unlink()
            if carry_over:
                shutil.copyfile(self.path, temporary)
            with self._open(temporary) as db, db.conn:
                if carry_over:
                    self._create_duplicates(db)
                    self._drop(db, [key for key in self._keys(db) if not keep(key)])
                else:
                    self._create(db)
                rows: dict[str, list[dict]] = {table: [] for table in ("decisions", "rejected_options", "dates", "errors", "duplicates")}
                for count, entry in enumerate(entries, 1):
                    self._rows(entry, rows)
                    if count % self.CHUNK == 0:
                        self._flush(db, rows)
                self._flush(db, rows)
                db.execute("update duplicates set decision_sha256 = sha256 where decision_sha256 is null "
                           "and sha256 in (select sha256 from decisions)")

    @staticmethod
    def _drop(db, keys: list[EntryKey]) -> None:
        for key in keys:
            if key.status == "duplicate":
                db.execute("delete from duplicates where path = ?", [key.path])
            elif key.status == "error":
                db.execute("delete from errors where path = ? and sha256 is ?", [key.path, key.sha256])
            else:
                for child in ("rejected_options", "dates"):
                    db.execute(f"delete from {child} where decision_sha256 = ?", [key.sha256])
                db.execute("delete from decisions where sha256 = ?", [key.sha256])

    @staticmethod
    def _rows(entry: dict, rows: dict[str, list]) -> None:
        if "duplicate" in entry:
            rows["duplicates"].append(dict(entry["duplicate"]))
            return
        if "error" in entry:
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


# -- choosing a sink --------------------------------------------------------------------------------

SINKS: dict[str, Callable[[Path, SinkOptions], Sink]] = {
    sink.suffix: sink for sink in (JsonSink, JsonlSink, CsvSink, SqliteSink)}
_ALIASES = {".sqlite": ".db", ".sqlite3": ".db"}


def sink_for(output: str | os.PathLike, options: SinkOptions = SinkOptions()) -> Sink:
    """The sink OUT's suffix names (.json, .jsonl, .csv, .db; .sqlite and .sqlite3 are .db)."""
    path = Path(output)
    suffix = _ALIASES.get(path.suffix.lower(), path.suffix.lower())
    if suffix not in SINKS:
        raise OutputError(f"{path.name}: the output's suffix picks the format; use one of {', '.join(SINKS)}")
    return SINKS[suffix](path, options)
