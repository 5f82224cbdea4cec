"""Output sinks: the suffix of OUT picks the format for `odr extract -o` and `odr batch`; each sink
writes entries whole and reads their keys back; an output failure (full disk, read-only folder, no
permission, an OUT that odr did not write) is one line and exit 1, with the previous OUT intact and
no temporary file left behind."""

from __future__ import annotations

import csv
import errno
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from archive import make_archive
from click.testing import CliRunner

from extractor.batch import expand_inputs, run_batch
from extractor.cli import cli
from extractor.writers import SINKS, EntryKey, OutputError, SinkOptions, key_of, sink_for

RECORD = {"schema_version": "2.0", "subject": "Grant to the food bank", "key_decision": True, "decision_date": "2024-03-02",
          "decision_maker": {"name": "Omar Patel", "title": "Director of Place"}, "rejected_options": ["Do nothing"],
          "dates": [{"kind": "decision", "value": "2024-03-02", "label": "Date of decision"}],
          "source": {"path": "a/grant.txt", "sha256": "a" * 64, "format": "text", "pages": 1, "reader": "text"}}
ERROR = {"error": {"schema_version": "2.0", "path": "a/empty.txt", "sha256": "b" * 64, "kind": "empty",
                   "message": "a/empty.txt: empty: no text"}}
DUPLICATE = {"duplicate": {"path": "a/copy.txt", "sha256": "a" * 64, "same_as": "a/grant.txt"}}


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def leftovers(folder: Path, out: Path) -> list[str]:
    """Files beside OUT that are not OUT (or a database's Datasette metadata): temporary files, SQLite
    journals, lock files."""
    return sorted(p.name for p in folder.iterdir() if p not in (out, out.with_name(out.stem + ".metadata.json")))


def read_back(out: Path) -> list[dict]:
    """The records in OUT, whatever its format, as {subject, path}."""
    if out.suffix == ".db":
        db = sqlite3.connect(out)
        rows = db.execute("select subject, path from decisions").fetchall()
        db.close()
        return [{"subject": s, "path": p} for s, p in rows]
    if out.suffix == ".csv":
        with open(out, newline="", encoding="utf-8-sig") as handle:
            return [{"subject": r["subject"], "path": r["path"]} for r in csv.DictReader(handle) if r["status"] == "record"]
    text = out.read_text(encoding="utf-8")
    entries = [json.loads(line) for line in text.splitlines()] if out.suffix == ".jsonl" else json.loads(text)
    entries = entries if isinstance(entries, list) else [entries]
    return [{"subject": e["subject"], "path": e["source"]["path"]} for e in entries]


# -- the suffix picks the format --------------------------------------------------------------------


@pytest.mark.parametrize("suffix", sorted(SINKS))
def test_extract_output_suffix_picks_the_format(record_file, tmp_path, suffix):
    other = tmp_path / "station road.txt"
    other.write_text(record_file.read_text(encoding="utf-8").replace("Mill Lane", "Station Road"), encoding="utf-8")
    out = tmp_path / "out" / f"records{suffix}"
    result = invoke("extract", record_file, other, "-o", out, "--model", "blank")
    assert result.exit_code == 0, result.output
    assert read_back(out) == [{"subject": "Resurfacing of Mill Lane Car Park", "path": str(record_file)},
                              {"subject": "Resurfacing of Station Road Car Park", "path": str(other)}]
    assert leftovers(out.parent, out) == []


def test_extract_to_csv_writes_csv_not_json(record_file, tmp_path):
    out = tmp_path / "out.csv"
    assert invoke("extract", record_file, "-o", out).exit_code == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("\ufeffstatus,sha256,path,reference,subject,")  # a byte-order mark first
    with open(out, newline="", encoding="utf-8-sig") as handle:
        (row,) = csv.DictReader(handle)
    assert row["status"] == "record" and row["key_decision"] == "false"
    assert row["decision_maker_title"] == "Cabinet Member for Environment and Transport"


def test_pretty_json_of_several_files_is_an_indented_array(record_file, tmp_path):
    out = tmp_path / "out.json"
    assert invoke("extract", record_file, record_file, "-o", out, "--pretty", "--no-evidence").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("[\n  {\n    ")
    assert [r["subject"] for r in json.loads(text)] == ["Resurfacing of Mill Lane Car Park"] * 2


def test_unknown_output_suffix_is_one_line_before_any_work(record_file, tmp_path):
    result = invoke("extract", record_file, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and ".json, .jsonl, .csv, .db" in result.stderr
    assert list(tmp_path.iterdir()) == [record_file]


# -- the sink protocol ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", sorted(SINKS))
def test_sink_writes_entries_and_reads_their_keys_back(tmp_path, suffix):
    sink = sink_for(tmp_path / f"out{suffix}")
    assert list(sink.entry_keys()) == []
    sink.write([RECORD, ERROR, DUPLICATE])
    expected = [key_of(RECORD), key_of(ERROR), key_of(DUPLICATE)]
    assert sorted(sink.entry_keys()) == sorted(expected)
    assert key_of(DUPLICATE) == EntryKey("duplicate", "a/copy.txt", "a" * 64, "a/grant.txt")

    # keep what the predicate accepts, then add: the error goes, a new record comes
    newer = dict(RECORD, subject="Park cafe lease", source=dict(RECORD["source"], path="a/cafe.txt", sha256="c" * 64))
    offered = []
    sink.write([newer], keep=lambda key: offered.append(key) or key.status != "error")
    assert sorted(offered) == sorted(expected)
    assert sorted(sink.entry_keys()) == sorted([key_of(RECORD), key_of(DUPLICATE), key_of(newer)])

    sink.write([])  # keep=None: OUT is replaced
    assert list(sink.entry_keys()) == []
    assert leftovers(tmp_path, sink.path) == []


def test_sqlite_column_types_come_from_the_model(tmp_path):
    sink = sink_for(tmp_path / "out.db")
    sink.write([RECORD])
    db = sqlite3.connect(sink.path)
    types = {row[1]: row[2] for row in db.execute("pragma table_info(decisions)")}
    db.close()
    assert types["id"] == types["source_pages"] == types["decision_year"] == types["rejected_options_count"] == "INTEGER"
    assert types["decision_date"] == types["decision_month"] == types["subject"] == "TEXT"
    assert types["key_decision"] == "TEXT"  # 'true' / 'false', as Datasette then shows it
    # every field the record fills has its column, named after the model; no column is always empty
    filled = {"subject", "key_decision", "decision_maker_name", "decision_maker_title", "rejected_options",
              "rejected_options_count", "decision_date", "decision_year", "decision_month",
              "source_format", "source_pages", "source_reader", "schema_version"}
    assert set(types) == {"id", "sha256", "path"} | filled


def test_aliases_and_unknown_suffixes():
    assert sink_for("x.sqlite").suffix == sink_for("x.SQLITE3").suffix == ".db"
    assert sink_for("x.json", SinkOptions(pretty=True)).suffix == ".json"
    with pytest.raises(OutputError, match=r"use one of \.json, \.jsonl, \.csv, \.db"):
        sink_for("x.parquet")


# -- output failures --------------------------------------------------------------------------------


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv"])
def test_a_full_disk_while_writing_keeps_the_previous_out(record_file, tmp_path, monkeypatch, suffix):
    out = tmp_path / f"records{suffix}"
    assert invoke("extract", record_file, "-o", out).exit_code == 0
    before = out.read_bytes()
    monkeypatch.setattr(os, "fsync", _enospc)  # the data would not fit: the flush to disk fails
    result = invoke("extract", record_file, record_file, "-o", out, "--replace")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out}: cannot write (No space left on device); the previous file is unchanged\n"
    assert out.read_bytes() == before
    assert leftovers(tmp_path, out) == [record_file.name]


def test_a_full_disk_in_sqlite_leaves_no_half_built_database(record_file, tmp_path, monkeypatch):
    import sqlite_utils

    out = tmp_path / "records.db"
    assert invoke("extract", record_file, "-o", out).exit_code == 0
    before = out.read_bytes()

    def full(self, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_utils.db.Table, "insert_all", full)
    result = invoke("extract", record_file, "-o", out, "--replace")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "records.db: cannot write (database or disk is full)" in result.stderr
    assert out.read_bytes() == before
    assert leftovers(tmp_path, out) == [record_file.name]  # no .tmp, no .tmp-journal


def test_permission_denied_is_one_line(record_file, tmp_path, monkeypatch):
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    for command in (["extract", record_file], ["batch", record_file]):
        result = invoke(*command, "-o", out)
        assert result.exit_code == 1 and "Permission denied" in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1
        assert not out.exists()
    # the batch's finished work stays in its journal, and the message says so
    assert leftovers(tmp_path, out) == [".out.jsonl.journal", record_file.name]
    assert "kept in .out.jsonl.journal for --resume" in result.stderr
    monkeypatch.undo()
    assert invoke("batch", record_file, "-o", out, "--resume").exit_code == 0
    assert read_back(out) == [{"subject": "Resurfacing of Mill Lane Car Park", "path": str(record_file)}]
    assert leftovers(tmp_path, out) == [record_file.name]


def test_a_read_only_folder_is_one_line(record_file, tmp_path):
    folder = tmp_path / "published"
    folder.mkdir()
    out = folder / "records.jsonl"
    out.write_text("", encoding="utf-8")
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permission bits do not stop writes (the tmpfs test covers this)")
        for command in (["extract", record_file, "--replace"], ["batch", record_file, "--resume"]):
            result = invoke(*command, "-o", out)
            assert result.exit_code == 1 and "Permission denied" in result.stderr
            assert result.stderr.count("\n") == 1
            assert out.read_text(encoding="utf-8") == "" and leftovers(folder, out) == []
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("suffix, content, message", [
    (".db", b"this is not a database, it is a note to self\n" * 100, "not a usable SQLite database"),
    (".db", b"", "no decisions and errors tables"),
    (".jsonl", b'{"name": "my shopping list"}\n', "line 1 is not an odr record"),
    (".jsonl", b"\xff\xfe garbage", "not UTF-8 text"),
    (".csv", b"name,amount\nrent,700\n", "no status, sha256, path columns"),
    (".json", b"[1, 2", "not JSON"),
])
def test_resume_into_garbage_or_a_foreign_out_is_one_line(record_file, tmp_path, suffix, content, message):
    out = tmp_path / f"mine{suffix}"
    out.write_bytes(content)
    result = invoke("batch", record_file, "-o", out, "--resume")
    assert result.exit_code == 1, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert out.read_bytes() == content
    assert leftovers(tmp_path, out) == [record_file.name]


def test_resume_into_a_database_of_someone_elses_tables_is_refused(record_file, users_db):
    out = users_db
    before = out.read_bytes()
    result = invoke("batch", record_file, "-o", out, "--resume")
    assert result.exit_code == 1 and "no decisions and errors tables" in result.stderr
    assert out.read_bytes() == before


# -- a real full disk and a read-only file system (tmpfs; needs root, as CI has) --------------------


@pytest.fixture
def tmpfs(tmp_path):
    """A 2 MB tmpfs at tmp_path/disk; skipped where mounting is not allowed."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def remount(mount_point: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount_point)], check=True)


def fill(folder: Path, leave: int) -> Path:
    """Fill the file system under `folder` but for `leave` bytes; returns the ballast file."""
    stats = os.statvfs(folder)
    ballast = folder / "ballast"
    ballast.write_bytes(b"\0" * max(0, stats.f_bavail * stats.f_frsize - leave))
    return ballast


@pytest.mark.parametrize("suffix", [".jsonl", ".db"])
def test_a_disk_that_fills_mid_batch(tmpfs, tmp_path, suffix):
    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=40, good_pdf=0)
    out = tmpfs / f"decisions{suffix}"
    first = invoke("batch", root / "text-000.txt", "-o", out, "--workers", "1")
    assert first.exit_code == 0, first.output
    before = out.read_bytes()
    ballast = fill(tmpfs, leave=48 * 1024)  # room for a dozen results, not forty

    result = invoke("batch", *inputs, "-o", out, "--resume", "--workers", "2")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "No space left on device" in result.stderr or "disk is full" in result.stderr
    assert out.read_bytes() == before
    journal = f".{out.name}.journal"
    assert leftovers(tmpfs, out) in (["ballast"], [journal, "ballast"])  # the journal stays when it holds work
    if journal in leftovers(tmpfs, out):
        assert f"kept in {journal} for --resume" in result.stderr

    ballast.unlink()  # room made
    done = invoke("batch", *inputs, "-o", out, "--resume", "--workers", "2")
    assert done.exit_code == 0, done.output
    assert sorted(r["path"] for r in read_back(out)) == sorted(expand_inputs(inputs))
    assert leftovers(tmpfs, out) == []


@pytest.mark.parametrize("suffix", [".jsonl", ".db"])
def test_a_read_only_file_system(tmpfs, record_file, suffix):
    out = tmpfs / f"decisions{suffix}"
    assert invoke("batch", record_file, "-o", out).exit_code == 0
    before = out.read_bytes()
    remount(tmpfs, "ro")
    for command in (["extract", record_file, "--replace"], ["batch", record_file, "--resume"],
                    ["batch", record_file, "--replace"]):
        result = invoke(*command, "-o", out)
        assert result.exit_code == 1 and "Read-only file system" in result.stderr, result.output
        assert result.stderr.count("\n") == 1
        assert out.read_bytes() == before and leftovers(tmpfs, out) == []


def test_run_batch_raises_output_error_not_oserror(tmpfs, record_file):
    remount(tmpfs, "ro")
    with pytest.raises(OutputError, match="Read-only file system"):
        run_batch([record_file], tmpfs / "decisions.jsonl")
