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
import functools
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

from pydantic import BaseModel

from models import SCHEMA_VERSION, DateEntry, Evidence, ExtractionError, FetchKind, ManifestEntry

from .columns import CSV_COLUMNS, DB_COLUMNS, Column, joined, kind_of, record_row
from .output import atomic_path


class OutputError(Exception):
    """OUT cannot be used or written: unknown suffix, not something odr wrote, a full disk, no permission."""


class EntryKey(NamedTuple):
    """What identifies an entry: its status (`record`, `error`, `duplicate`), path, sha256, for a
    duplicate the path whose entry it shares, for an error its kind (--resume retries some kinds)."""

    status: str
    path: str | None
    sha256: str | None
    same_as: str | None = None
    kind: str | None = None


Keep = Callable[[EntryKey], bool]


def key_of(entry: dict) -> EntryKey:
    """The key of an entry in its JSON Lines form."""
    if "error" in entry:
        error = entry["error"]
        return EntryKey("error", error.get("path"), error.get("sha256"), kind=error.get("kind"))
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
    pretty: bool = False   # .json: indent
    csv_raw: bool = False  # .csv: no byte-order mark, no formula neutralisation
    manifest: str | None = None  # .db: an archive's manifest.jsonl (odr fetch), written as the documents table


class Sink(Protocol):
    """One output format."""

    path: Path

    def has_output(self) -> bool:
        """Does OUT hold what an odr run wrote (so writing without --resume or --replace would lose it)?"""
        ...

    def entry_keys(self) -> Iterator[EntryKey]:
        """The keys of the entries OUT holds (none when it does not exist); OutputError when OUT is
        not something this sink wrote."""
        ...

    def write(self, entries: Iterable[dict], *, keep: Keep | None = None, run: Run | None = None) -> None:
        """Replace OUT, atomically, with its entries that `keep` accepts (none when `keep` is None)
        followed by `entries`; `run` describes the run (the .db sink records it)."""
        ...


# -- shared plumbing --------------------------------------------------------------------------------


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[Path]:
    """A temporary path that replaces `path` on success; any OS or SQLite failure is one OutputError."""
    try:
        with atomic_path(path) as temporary:
            yield temporary
    except (OSError, sqlite3.OperationalError) as exc:  # sqlite3: "database or disk is full", ...
        unchanged = "; the previous file is unchanged" if path.exists() else ""
        raise OutputError(f"{path}: cannot write ({getattr(exc, 'strerror', None) or exc}){unchanged}") from None


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

    def has_output(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def entry_keys(self) -> Iterator[EntryKey]:
        for _, entry in self._old():
            yield key_of(entry)

    def write(self, entries, *, keep=None, run=None):
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

    def has_output(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def entry_keys(self) -> Iterator[EntryKey]:
        for entry in self._old():
            yield key_of(entry)

    def write(self, entries, *, keep=None, run=None):
        kept = [entry for entry in self._old() if keep(key_of(entry))] if keep is not None else []
        items = kept + list(entries)
        data: object = items[0] if len(items) == 1 else items
        with _writing(self.path) as temporary, open(temporary, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, ensure_ascii=False, indent=self.indent) + "\n")
            _synced(out)


# -- CSV --------------------------------------------------------------------------------------------

# OWASP's CSV-injection rule: a text cell starting with one of these can run as a formula in a
# spreadsheet, so it is written with a leading apostrophe (which spreadsheets show as text).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value, *, raw: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if not raw and text.startswith(FORMULA_STARTS) else text


def _uncell(text: str | None) -> str | None:
    """A cell read back: the apostrophe added against formulas taken off."""
    if text and text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text or None


def csv_row(entry: dict) -> dict:
    """One CSV row (column -> value) for an entry."""
    if "error" in entry:
        error = entry["error"]
        return {"status": "error", "sha256": error.get("sha256"), "path": error.get("path"),
                "schema_version": error.get("schema_version"), "error_kind": error.get("kind"),
                "error_message": error.get("message")}
    if "duplicate" in entry:
        return {"status": "duplicate", **entry["duplicate"]}
    row = record_row(entry)
    for name, value in row.items():
        if isinstance(value, list):
            row[name] = joined(name, value)
    return {"status": "record", **row}


def _row_key(row: dict) -> EntryKey:
    status = row.get("status") or "record"
    return EntryKey(status, _uncell(row.get("path")), _uncell(row.get("sha256")),
                    _uncell(row.get("same_as")) if status == "duplicate" else None,
                    _uncell(row.get("error_kind")) if status == "error" else None)


class CsvSink:
    """UTF-8 with a byte-order mark (Excel and LibreOffice then read "£" right) and cells neutralised
    against formulas; `--csv-raw` turns both off."""

    suffix = ".csv"

    def __init__(self, path: Path, options: SinkOptions = SinkOptions()):
        self.path = path
        self.raw = options.csv_raw

    def has_output(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def _old(self) -> Iterator[dict]:
        if not self.path.exists():
            return
        try:
            with open(self.path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or not {"status", "sha256", "path"} <= set(reader.fieldnames):
                    raise _not_ours(self.path, "no status, sha256, path columns")
                yield from reader
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise _unreadable(self.path, exc) from None

    def entry_keys(self) -> Iterator[EntryKey]:
        for row in self._old():
            yield _row_key(row)

    def write(self, entries, *, keep=None, run=None):
        encoding = "utf-8" if self.raw else "utf-8-sig"
        with _writing(self.path) as temporary, open(temporary, "w", encoding=encoding, newline="") as out:
            writer = csv.DictWriter(out, fieldnames=[c.name for c in CSV_COLUMNS], extrasaction="ignore")
            writer.writeheader()
            if keep is not None:
                for row in self._old():  # cells as they were written
                    if keep(_row_key(row)):
                        writer.writerow({k: (v if v is not None else "") for k, v in row.items() if k})
            for entry in entries:
                writer.writerow({k: _csv_cell(v, raw=self.raw) for k, v in csv_row(entry).items()})
            _synced(out)


# -- SQLite -----------------------------------------------------------------------------------------

# The tables odr owns in a .db; any other table there is the user's and is never touched.
ODR_TABLES = ("decisions", "rejected_options", "dates", "evidence", "errors", "duplicates", "runs", "councils",
              "documents")
FTS_COLUMNS = ("subject", "decision", "reasons", "rejected_options")  # full-text search, porter stemming
# In Datasette the decision comes first; the file's hash and path sit with the other source columns.
_FILE_COLUMNS = ("sha256", "path")
_DB_TYPES = {c.name: c.kind for c in (*(c for c in DB_COLUMNS if c.name not in _FILE_COLUMNS and not c.name.startswith("source_")),
                                      *(c for c in DB_COLUMNS if c.name in _FILE_COLUMNS or c.name.startswith("source_")))}
_CHILDREN = ("rejected_options", "dates", "evidence")


def _db_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return value


class SqliteSink:
    """SQLite for Datasette; see README "The SQLite dataset". Only odr's own tables are written: a
    database that holds other tables keeps them."""

    suffix = ".db"
    CHUNK = 500  # entries per insert

    def __init__(self, path: Path, options: SinkOptions = SinkOptions()):
        self.path = path
        self.metadata_path = path.with_name(path.stem + ".metadata.json")
        self.manifest = options.manifest

    @contextlib.contextmanager
    def _open(self, path: Path):
        import sqlite_utils

        db = sqlite_utils.Database(path)
        try:
            yield db
        finally:
            db.close()

    def _tables(self) -> list[str]:
        try:
            with self._open(self.path) as db:
                return db.table_names()
        except sqlite3.DatabaseError as exc:  # "file is not a database"
            raise _not_ours(self.path, f"not a usable SQLite database ({exc})") from None

    def has_output(self) -> bool:
        return self.path.exists() and bool({"decisions", "errors"} & set(self._tables()))

    def entry_keys(self) -> Iterator[EntryKey]:
        if not self.path.exists():
            return
        if not {"decisions", "errors"} <= set(self._tables()):
            raise _not_ours(self.path, "no decisions and errors tables")
        with self._open(self.path) as db:
            yield from self._keys(db)

    @staticmethod
    def _keys(db) -> list[EntryKey]:
        keys = [EntryKey("record", path, sha) for sha, path in db.execute("select sha256, path from decisions")]
        keys += [EntryKey("error", path, sha, kind=kind)
                 for sha, path, kind in db.execute("select sha256, path, kind from errors")]
        keys += [EntryKey("duplicate", path, sha, same_as)
                 for path, sha, same_as in db.execute("select path, sha256, same_as from duplicates")]
        return keys

    def write(self, entries, *, keep=None, run=None):
        exists = self.path.exists()
        if exists:
            tables = set(self._tables())  # refuses a file that is not SQLite before copying it
            if keep is not None and not {"decisions", "errors"} <= tables:
                raise _not_ours(self.path, "no decisions and errors tables")
        with _writing(self.path) as temporary:
            temporary.unlink()
            if exists:
                shutil.copyfile(self.path, temporary)
            with self._open(temporary) as db:
                with _transaction(db):
                    if keep is None:
                        _drop_tables(db)
                    _create_tables(db)
                    if keep is not None:
                        _drop_entries(db, [key for key in self._keys(db) if not keep(key)])
                    counts = _insert(db, entries, self.CHUNK)
                    _refresh_councils(db)
                    if self.manifest is not None:
                        _load_documents(db, self.manifest)
                    _link_documents(db)
                    if run is not None:
                        db["runs"].insert(run.row(counts))
                _tidy(db)
                columns = {table: [c.name for c in db[table].columns] for table in ODR_TABLES if db[table].exists()}
        with _writing(self.metadata_path) as temporary:
            temporary.write_text(json.dumps(datasette_metadata(self.path, columns), indent=2) + "\n", encoding="utf-8")


@contextlib.contextmanager
def _transaction(db) -> Iterator[None]:
    """One transaction for the whole write: sqlite-utils then nests savepoints instead of committing
    (and syncing to disk) after every chunk: 4,000 records took 23 s that way, 4 s in one transaction."""
    db.conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


def _drop_tables(db) -> None:
    if db["decisions"].exists() and db["decisions"].detect_fts():
        db["decisions"].disable_fts()
    for table in reversed(ODR_TABLES):  # children before the tables they point at
        db[table].drop(ignore=True)


_ID = Column("id", int, "row id")
_DECISION_ID = Column("decision_id", int, "the decision it belongs to (decisions.id)")


def _model_columns(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[Column]:
    return [Column(name, kind_of(info.annotation), info.description or "")
            for name, info in model.model_fields.items() if name not in skip]


# The other tables odr owns, column by column (decisions' columns come from columns.py).
TABLES: dict[str, list[Column]] = {
    "rejected_options": [_ID, _DECISION_ID, Column("position", int, "1, 2, ... in the record's order"),
                         Column("option", str, "the option as printed")],
    "dates": [_ID, _DECISION_ID, *_model_columns(DateEntry)],
    "evidence": [_ID, _DECISION_ID, Column("field", str, "the field: a record key, or dates[i] for the i-th entry of the record's dates"),
                 *_model_columns(Evidence)],
    "errors": [_ID, *_model_columns(ExtractionError, skip=("schema_version",)),
               Column("schema_version", str, "the version of the schema the entry follows")],
    "duplicates": [Column("path", str, "the input path as given (primary key)"),
                   Column("sha256", str, "SHA-256 of the file's bytes"),
                   Column("same_as", str, "the path whose record or error entry has these bytes"),
                   Column("decision_id", int, "that record (decisions.id); empty when the entry it shares is an error")],
    "runs": [_ID, Column("odr_version", str, "the odr that ran"), Column("schema_version", str, "the schema it wrote"),
             Column("command", str, "extract or batch"), Column("started", str, "when it started (UTC, ISO 8601)"),
             Column("finished", str, "when it wrote OUT (UTC, ISO 8601)"), Column("inputs", int, "inputs named"),
             Column("records", int, "record entries written"), Column("errors", int, "error entries written"),
             Column("duplicates", int, "duplicate entries written"),
             Column("skipped", int, "inputs already in OUT (--resume)"), Column("options", str, "the run's options (JSON)")],
    "documents": [_ID, *_model_columns(ManifestEntry),
                  Column("decision_id", int, "the record read from the saved file (decisions.id); empty when nothing "
                                             "was saved or the file could not be read")],
    "councils": [Column("name", str, "the council (primary key; decisions.council points here)"),
                 Column("decisions", int, "decision records of this council"),
                 Column("first_decision", str, "its earliest decision_date"),
                 Column("last_decision", str, "its latest decision_date")],
}
_PRIMARY_KEYS = {"duplicates": "path", "councils": "name"}
_INDEXES = {"errors": (["sha256"], ["kind"]), "duplicates": (["sha256"],),
            "documents": (["decision_id"], ["site_id"], ["sha256"])}


def _create_tables(db) -> None:
    db["decisions"].create({"id": int, **_DB_TYPES}, pk="id", not_null={"sha256"}, if_not_exists=True)
    for name, kind in _DB_TYPES.items():  # a resumed database may lack columns that were always empty
        if name not in db["decisions"].columns_dict:
            db["decisions"].add_column(name, kind)
    db["decisions"].create_index(["sha256"], unique=True, if_not_exists=True)
    for table, table_columns in TABLES.items():
        has_parent = any(c.name == "decision_id" for c in table_columns)
        db[table].create({c.name: c.kind for c in table_columns}, pk=_PRIMARY_KEYS.get(table, "id"),
                         foreign_keys=[("decision_id", "decisions", "id")] if has_parent else None, if_not_exists=True)
        for index in _INDEXES.get(table, (["decision_id"],) if has_parent else ()):
            db[table].create_index(index, if_not_exists=True)


def _drop_entries(db, keys: list[EntryKey]) -> None:
    for key in keys:
        if key.status == "duplicate":
            db.execute("delete from duplicates where path = ?", [key.path])
        elif key.status == "error":
            db.execute("delete from errors where path = ? and sha256 is ?", [key.path, key.sha256])
        else:
            for child in _CHILDREN:
                db.execute(f"delete from {child} where decision_id in (select id from decisions where sha256 = ?)",
                           [key.sha256])
            db.execute("delete from decisions where sha256 = ?", [key.sha256])


def _insert(db, entries: Iterable[dict], chunk: int) -> dict[str, int]:
    counts = {"records": 0, "errors": 0, "duplicates": 0}
    pending: list[dict] = []

    def flush() -> None:
        records = [e for e in pending if "error" not in e and "duplicate" not in e]
        rows = [record_row(e) for e in records]
        db["decisions"].insert_all([{k: _db_value(row.get(k)) for k in _DB_TYPES} for row in rows])
        shas = [row["sha256"] for row in rows]
        ids = dict(db.execute(f"select sha256, id from decisions where sha256 in ({', '.join('?' * len(shas))})", shas)
                   .fetchall()) if shas else {}
        options, dates, evidence = [], [], []
        for record, row in zip(records, rows, strict=True):
            decision_id = ids[row["sha256"]]
            options += [{"decision_id": decision_id, "position": n, "option": text}
                        for n, text in enumerate(record.get("rejected_options") or [], 1)]
            dates += [{"decision_id": decision_id, **item} for item in record.get("dates") or []]
            evidence += [{"decision_id": decision_id, "field": field, **found}
                         for field, found in (record.get("evidence") or {}).items()]
        db["rejected_options"].insert_all(options)
        db["dates"].insert_all(dates)
        db["evidence"].insert_all(evidence)
        db["errors"].insert_all([{k: e["error"].get(k) for k in ("path", "sha256", "kind", "message", "schema_version")}
                                 for e in pending if "error" in e])
        db["duplicates"].insert_all([dict(e["duplicate"]) for e in pending if "duplicate" in e])
        counts["records"] += len(records)
        counts["errors"] += sum(1 for e in pending if "error" in e)
        counts["duplicates"] += sum(1 for e in pending if "duplicate" in e)
        pending.clear()

    for entry in entries:
        pending.append(entry)
        if len(pending) >= chunk:
            flush()
    flush()
    db.execute("update duplicates set decision_id = (select id from decisions d where d.sha256 = duplicates.sha256) "
               "where decision_id is null")
    return counts


def _refresh_councils(db) -> None:
    db.execute("delete from councils")
    db.execute("insert into councils (name, decisions, first_decision, last_decision) "
               "select council, count(*), min(decision_date), max(decision_date) from decisions "
               "where council is not null group by council")


def _load_documents(db, manifest: str) -> None:
    """The archive's pages and documents, one row per URL, failures included (lists are not documents)."""
    from .manifest import latest_by_url, read_manifest

    db.execute("delete from documents")
    db["documents"].insert_all(entry.model_dump(mode="json") for entry in latest_by_url(read_manifest(manifest)).values()
                               if entry.kind != FetchKind.list)


def _link_documents(db) -> None:
    """Each saved file to the record read from it, by its bytes (a resumed batch may have added it)."""
    if db["documents"].exists():
        db.execute("update documents set decision_id = (select id from decisions d where d.sha256 = documents.sha256)")


def _tidy(db) -> None:
    """What Datasette shows: no always-empty column in decisions, the columns in the model's order,
    council linked to councils, full-text search (FTS5, porter stemming) over the text columns."""
    table = db["decisions"]
    if table.detect_fts():
        table.disable_fts()
    present = [c.name for c in table.columns]
    empty = {name for name in present if name not in ("id", "sha256", "path")
             and db.execute(f"select 1 from decisions where [{name}] is not null limit 1").fetchone() is None}
    order = ["id", *(name for name in _DB_TYPES if name in present and name not in empty)]
    has_councils = "council" in order and db["councils"].count > 0
    linked = any(fk.column == "council" for fk in table.foreign_keys)
    if empty or present != order or has_councils != linked:
        table.transform(drop=empty, column_order=order,
                        add_foreign_keys=[("council", "councils", "name")] if has_councils and not linked else None,
                        drop_foreign_keys=["council"] if linked and not has_councils else None)
    if not has_councils:
        db["councils"].drop()
    if db["documents"].exists() and not db["documents"].count:
        db["documents"].drop()
    searchable = [name for name in FTS_COLUMNS if name in order]
    if searchable:
        table.enable_fts(searchable, fts_version="FTS5", tokenize="porter", create_triggers=True, replace=True)


@dataclass
class Run:
    """One `odr extract` or `odr batch` run, for the SQLite `runs` table."""

    command: str
    started: dt.datetime
    inputs: int = 0
    skipped: int = 0
    options: dict = field(default_factory=dict)

    def row(self, counts: dict[str, int]) -> dict:
        return {"odr_version": odr_version(), "schema_version": SCHEMA_VERSION, "command": self.command,
                "started": self.started.isoformat(timespec="seconds"),
                "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "inputs": self.inputs, **counts, "skipped": self.skipped,
                "options": json.dumps(self.options, ensure_ascii=False, sort_keys=True, default=str)}


@functools.lru_cache(maxsize=1)
def odr_version() -> str:
    """The installed odr's version (asked once: batch envelopes carry it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("odr")
    except PackageNotFoundError:
        return "unknown"


def datasette_metadata(path: Path, columns: dict[str, list[str]]) -> dict:
    """Datasette metadata for the database at `path` holding `columns` (table -> column names)."""
    described = {c.name: c.description for c in DB_COLUMNS}
    decisions = columns.get("decisions", [])
    facets = [name for name in ("council", "decision_maker_title", "key_decision", "decision_year") if name in decisions]
    tables: dict = {
        "decisions": {
            "description": "One row per decision record read; the other tables point here by decision_id.",
            "label_column": "subject", "sort_desc": "decision_date" if "decision_date" in decisions else "id",
            "facets": facets, "columns": {name: described[name] for name in decisions if described.get(name)},
        },
        "rejected_options": {"description": "The options the record says were considered and rejected, one a row."},
        "dates": {"description": "Every date a record gives, with its kind and its label as printed."},
        "evidence": {"description": "Where each field was found: page, character span, method, confidence and the quoted text.",
                     "sort": "confidence", "facets": ["method", "field"]},
        "errors": {"description": "Inputs that could not be read, one a row, with what to do.", "facets": ["kind"]},
        "duplicates": {"description": "Inputs whose bytes another input already has an entry for (same_as)."},
        "runs": {"description": "Each odr run that wrote this database: version, times, counts, options.", "sort_desc": "id"},
        "councils": {"description": "The councils the decisions belong to, with counts and date range."},
        "documents": {"description": "What odr fetch asked the council's site for: each decision page and the documents "
                                     "it links to, failures included. A page and its documents share site_id; "
                                     "decision_id is the record read from the file.",
                      "label_column": "title", "sort": "site_id", "facets": ["kind", "status"]},
    }
    return {
        "title": "Council decision records",
        "description": "Decision records read by odr from council PDF, Word, HTML and text files. Every field "
                       "odr found has evidence; fields a record does not state are empty, never guessed.",
        "source": "odr: officer decision records to data",
        # Datasette lists column descriptions above the rows; in three small columns the rows stay in view.
        "extra_css_urls": ["data:text/css,dl.column-descriptions%7Bcolumns:3;font-size:.8em%7D"],
        "databases": {path.stem: {"tables": {name: meta for name, meta in tables.items() if name in columns}}},
    }


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
