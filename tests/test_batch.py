"""`odr batch` on a small generated archive: every input ends as exactly one record, error or duplicate
entry, in each output format, after resume, after an interruption, and when a file hangs."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive import add_bad_files, add_copies, make_archive, text_record
from click.testing import CliRunner

from extractor.batch import ExtractorSpec, expand_inputs, run_batch
from extractor.cli import cli
from extractor.workers import Limits
from extractor.writers import OutputError

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

def read_out(out: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """(records, errors, duplicates) from any output format, each entry as a dict with path and
    sha256 (errors: kind, duplicates: same_as)."""
    if out.suffix == ".jsonl":
        entries = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        records = [e["source"] for e in entries if "source" in e]
        errors = [e["error"] for e in entries if "error" in e]
        duplicates = [e["duplicate"] for e in entries if "duplicate" in e]
        assert len(records) + len(errors) + len(duplicates) == len(entries)
    elif out.suffix == ".csv":
        with open(out, newline="", encoding="utf-8-sig") as handle:  # the CSV starts with a byte-order mark
            rows = [{k: v or None for k, v in row.items()} for row in csv.DictReader(handle)]
        records = [r for r in rows if r["status"] == "record"]
        errors = [dict(r, kind=r["error_kind"]) for r in rows if r["status"] == "error"]
        duplicates = [r for r in rows if r["status"] == "duplicate"]
        assert len(records) + len(errors) + len(duplicates) == len(rows)
    else:
        db = sqlite3.connect(out)
        db.row_factory = sqlite3.Row
        records = [dict(r) for r in db.execute("select sha256, path from decisions")]
        errors = [dict(r) for r in db.execute("select path, sha256, kind from errors")]
        duplicates = [dict(r) for r in db.execute("select path, sha256, same_as from duplicates")]
        db.close()
    return records, errors, duplicates


def assert_accounts_for(out: Path, inputs: list[str]) -> tuple[list, list, list]:
    """One entry per input path; one record or error per content; each duplicate names the entry it shares."""
    records, errors, duplicates = read_out(out)
    assert len(records) + len(errors) + len(duplicates) == len(inputs)
    assert sorted(e["path"] for e in records + errors + duplicates) == sorted(inputs)
    owners = {e["sha256"]: e["path"] for e in records + errors if e["sha256"]}
    assert len(owners) == len([e for e in records + errors if e["sha256"]]), "an input was written twice"
    for duplicate in duplicates:
        assert owners[duplicate["sha256"]] == duplicate["same_as"] != duplicate["path"]
    return records, errors, duplicates


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".db"])
def test_every_input_is_a_record_or_an_error(archive, tmp_path, suffix):
    _root, inputs = archive
    out = tmp_path / "out" / f"decisions{suffix}"
    files = expand_inputs(inputs)
    assert len(files) == 10  # 4 text, 2 pdf, 3 bad files, 1 missing path
    summary = run_batch(inputs, out, workers=2, limits=Limits(timeout=30))
    records, errors, duplicates = assert_accounts_for(out, files)
    assert len(records) == 6 and summary.ok == 6 and not duplicates
    kinds = sorted(e["kind"] for e in errors)
    assert kinds == sorted(["empty", "unsupported_format", "corrupt", "not_found"])
    assert summary.failed == 4 and summary.exit_status == 1
    assert not list(out.parent.glob(".*")), "journal, lock or temporary file left behind"


def test_sqlite_output_is_datasette_ready(archive, tmp_path):
    _root, inputs = archive
    out = tmp_path / "decisions.db"
    run_batch(inputs, out, workers=2)
    db = sqlite3.connect(out)
    tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
    assert {"decisions", "rejected_options", "dates", "errors", "decisions_fts"} <= tables
    for child in ("rejected_options", "dates", "evidence"):
        fks = db.execute(f"pragma foreign_key_list({child})").fetchall()
        assert [(fk[2], fk[3], fk[4]) for fk in fks] == [("decisions", "decision_id", "id")]
        orphans = db.execute(f"select count(*) from {child} where decision_id not in "
                             "(select id from decisions)").fetchone()[0]
        assert orphans == 0
    assert db.execute("select count(*) from dates").fetchone()[0] >= 6
    assert db.execute("select count(*) from rejected_options").fetchone()[0] >= 6
    hits = db.execute("select d.subject from decisions_fts f join decisions d on d.rowid = f.rowid "
                      "where decisions_fts match 'library'").fetchall()
    assert hits and "Library" in hits[0][0]
    db.close()


def test_csv_flattens_nested_fields_and_joins_lists(archive, tmp_path):
    _root, inputs = archive
    out = tmp_path / "decisions.csv"
    run_batch(inputs, out, workers=1)
    with open(out, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["path"].endswith("text-000.txt"))
    assert row["decision_maker_name"] == "Jane Smith"
    assert row["reference"] == "D000/24"
    assert row["rejected_options_count"] == "1"
    assert "decision 2024-03-01" in row["dates"]
    error = next(r for r in rows if r["path"].endswith("empty.txt"))
    assert error["status"] == "error" and error["error_kind"] == "empty" and error["error_message"]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".db"])
def test_resume_processes_only_new_files(tmp_path, suffix):
    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=3, good_pdf=1) + add_bad_files(root)
    out = tmp_path / f"decisions{suffix}"
    first = run_batch(inputs, out, workers=2)
    assert first.ok == 4 and first.failed == 4

    make_archive(root, good_text=2, good_pdf=1, start=50)  # the archive grows
    second = run_batch(inputs, out, workers=2, resume=True)
    # 3 new records; the 3 hashed errors are skipped, the missing path is tried again (and fails again)
    assert (second.ok, second.failed, second.skipped) == (3, 1, 7)
    records, errors, _ = assert_accounts_for(out, expand_inputs(inputs))
    assert len(records) == 7 and len(errors) == 4

    third = run_batch(inputs, out, workers=2, resume=True)
    assert (third.ok, third.skipped) == (0, 10)
    assert_accounts_for(out, expand_inputs(inputs))


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".db"])
@pytest.mark.parametrize("stop_after", [4, 9])
def test_interrupted_run_leaves_valid_output_and_resume_completes_it(archive, tmp_path, suffix, stop_after):
    root, inputs = archive
    add_copies(root)
    out = tmp_path / f"decisions{suffix}"
    stopped = run_batch(inputs, out, workers=2, stop_after=stop_after)
    assert stopped.interrupted and stopped.exit_status == 130
    records, errors, duplicates = read_out(out)  # valid and readable
    written = stopped.ok + stopped.failed + stopped.duplicates
    assert len(records) + len(errors) + len(duplicates) == written >= stop_after
    assert f"{stopped.inputs - written} left" in stopped.line()
    done = run_batch(inputs, out, workers=2, resume=True)
    assert not done.interrupted
    assert_accounts_for(out, expand_inputs(inputs))
    retried = sum(1 for e in errors if not e["sha256"])  # the missing path is tried again
    assert done.skipped == written - retried
    assert done.ok + done.failed + done.duplicates + done.skipped == done.inputs == 12


# -- fake extractors for hangs, crashes and slow files (module level: usable from a subprocess) ------


class _Wrapped:
    def __init__(self, inner):
        self.inner = inner
        self.options = inner.options

    def extract_file(self, path):
        return self.inner.extract_file(path)

    def extract_bytes(self, data, path=None):
        self.hook(data)
        return self.inner.extract_bytes(data, path=path)


class HangsOnStuck(_Wrapped):
    def hook(self, data):
        if b"STUCK" in data:
            time.sleep(600)


class CrashesOnBoom(_Wrapped):
    def hook(self, data):
        if b"BOOM" in data:
            os._exit(9)


class Slow(_Wrapped):
    def hook(self, data):
        time.sleep(0.3)


def hanging_factory():
    return HangsOnStuck(ExtractorSpec(model="blank")())


def crashing_factory():
    return CrashesOnBoom(ExtractorSpec(model="blank")())


def slow_factory():
    return Slow(ExtractorSpec(model="blank")())


def test_a_stuck_file_becomes_a_timeout_error_and_the_batch_goes_on(archive, tmp_path):
    root, inputs = archive
    (root / "stuck.txt").write_text(text_record(77) + "\nSTUCK\n", encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    summary = run_batch(inputs, out, workers=2, limits=Limits(timeout=1.5), factory=hanging_factory)
    records, errors, _ = assert_accounts_for(out, expand_inputs(inputs))
    timeouts = [e for e in errors if e["kind"] == "timeout"]
    assert len(timeouts) == 1 and timeouts[0]["path"].endswith("stuck.txt") and timeouts[0]["sha256"]
    assert len(records) == 6 and summary.kinds["timeout"] == 1


def test_a_crashing_worker_becomes_an_internal_error(archive, tmp_path):
    root, inputs = archive
    (root / "boom.txt").write_text(text_record(78) + "\nBOOM\n", encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    run_batch(inputs, out, workers=2, factory=crashing_factory)
    records, errors, _ = assert_accounts_for(out, expand_inputs(inputs))
    crashed = [e for e in errors if e["path"].endswith("boom.txt")]
    assert len(crashed) == 1 and crashed[0]["kind"] == "internal" and crashed[0]["sha256"]
    message = next(json.loads(line)["error"]["message"] for line in out.read_text().splitlines() if "boom.txt" in line)
    assert "internal: the worker exited with status 9 while reading this file (try it again;" in message
    assert len(records) == 6


def test_sigint_mid_batch_leaves_valid_output_and_resume_completes_it(tmp_path):
    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=12, good_pdf=0) + add_bad_files(root)
    out = tmp_path / "decisions.jsonl"
    journal = tmp_path / ".decisions.jsonl.journal"
    script = (f"import sys; sys.path[:0] = [{str(HERE)!r}, {str(REPO)!r}]\n"
              "from test_batch import slow_factory\n"
              "from extractor.batch import run_batch\n"
              f"s = run_batch({inputs!r}, {str(out)!r}, workers=1, factory=slow_factory)\n"
              "sys.exit(s.exit_status)\n")
    process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if journal.exists() and len(journal.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 130
    assert not journal.exists()
    records, errors, _ = read_out(out)
    partial = len(records) + len(errors)
    total = len(expand_inputs(inputs))
    assert 3 <= partial < total
    run_batch(inputs, out, workers=2, resume=True)
    assert_accounts_for(out, expand_inputs(inputs))


def test_journal_left_by_a_killed_run_is_carried_over(archive, tmp_path):
    _root, inputs = archive
    out = tmp_path / "decisions.jsonl"
    run_batch(inputs, out, workers=2, stop_after=3)
    _records, _errors, _ = read_out(out)
    # simulate SIGKILL after two more results: a journal beside OUT, its last line torn
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:1]) + "\n")
    journal = tmp_path / ".decisions.jsonl.journal"
    journal.write_text("\n".join(lines[1:]) + "\n" + lines[0][:40])
    run_batch(inputs, out, workers=2, resume=True)
    assert_accounts_for(out, expand_inputs(inputs))
    assert not journal.exists()


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".db"])
def test_same_content_twice_is_extracted_once_and_the_copy_is_a_duplicate_entry(archive, tmp_path, suffix):
    root, inputs = archive
    add_copies(root)
    out = tmp_path / f"decisions{suffix}"
    summary = run_batch([*inputs, root / "text-000.txt"], out, workers=2)  # the explicit path is deduplicated
    files = expand_inputs(inputs)
    assert summary.inputs == len(files) == 12
    records, errors, duplicates = assert_accounts_for(out, files)
    assert (len(records), len(errors), len(duplicates)) == (6, 4, 2)
    assert (summary.ok, summary.failed, summary.duplicates) == (6, 4, 2)
    assert "6 ok, 4 failed" in summary.line() and "2 duplicate, 0 skipped" in summary.line()
    pairs = {frozenset((Path(d["path"]).name, Path(d["same_as"]).name)) for d in duplicates}
    assert pairs == {frozenset(("text-000.txt", "copy of text-000.txt")), frozenset(("empty.txt", "empty too.txt"))}

    # a later run finds one more copy of a file already done: one duplicate entry, nothing extracted
    (root / "another copy.txt").write_bytes((root / "text-001.txt").read_bytes())
    again = run_batch(inputs, out, workers=2, resume=True)
    assert (again.ok, again.duplicates, again.skipped) == (0, 1, 11)
    assert again.failed == 1  # only the missing path, which has no content, is tried again
    records, errors, new_duplicates = assert_accounts_for(out, expand_inputs(inputs))
    assert len(new_duplicates) == 3 and (len(records), len(errors)) == (6, 4)
    added = next(d for d in new_duplicates if d["path"].endswith("another copy.txt"))
    assert added["same_as"].endswith("text-001.txt")

    third = run_batch(inputs, out, workers=2, resume=True)
    assert (third.ok, third.duplicates, third.skipped) == (0, 0, 12)
    assert_accounts_for(out, expand_inputs(inputs))


def test_duplicates_table_keeps_foreign_keys_whole(archive, tmp_path):
    import sqlite_utils

    root, inputs = archive
    add_copies(root)
    out = tmp_path / "decisions.db"
    run_batch(inputs, out, workers=2)
    (root / "third copy.txt").write_bytes((root / "text-000.txt").read_bytes())
    run_batch(inputs, out, workers=2, resume=True)
    db = sqlite_utils.Database(out)
    assert db["duplicates"].pks == ["path"]
    assert [(fk.column, fk.other_table, fk.other_column) for fk in db["duplicates"].foreign_keys] == [
        ("decision_id", "decisions", "id")]
    assert db.execute("pragma foreign_key_check").fetchall() == []
    rows = list(db["duplicates"].rows)
    assert len(rows) == 3  # two more copies of text-000.txt (whichever got the record), one of empty.txt
    for row in rows:
        decision = db.execute("select path, id from decisions where sha256 = ?", [row["sha256"]]).fetchone()
        error = db.execute("select path from errors where sha256 = ?", [row["sha256"]]).fetchone()
        if decision:  # a record's duplicate points at it
            assert row["decision_id"] == decision[1] and decision[0] == row["same_as"] and not error
        else:  # an error's duplicate: no decision to point at
            assert row["decision_id"] is None and error[0] == row["same_as"]
            assert Path(row["path"]).name in ("empty.txt", "empty too.txt")
    db.close()


def test_globs_and_extension_filter(archive, tmp_path):
    root, _ = archive
    assert len(expand_inputs([str(root / "*.txt")])) == 4
    assert len(expand_inputs([str(root / "**" / "*.pdf")])) == 3
    assert len(expand_inputs([root], extensions=["pdf"])) == 3
    assert expand_inputs([str(root / "*.nothing")]) == [str(root / "*.nothing")]


def test_unknown_suffix_is_refused(tmp_path):
    with pytest.raises(OutputError):
        run_batch([tmp_path], tmp_path / "out.xlsx")


def test_cli_batch(archive, tmp_path):
    _root, inputs = archive
    out = tmp_path / "decisions.jsonl"
    result = CliRunner().invoke(cli, ["batch", *inputs, "-o", str(out), "--workers", "2", "--no-evidence"])
    assert result.exit_code == 1, result.output
    assert "6 ok, 4 failed" in result.stderr
    _records, _errors, _ = assert_accounts_for(out, expand_inputs(inputs))
    assert "evidence" not in json.loads(out.read_text().splitlines()[0])
    again = CliRunner().invoke(cli, ["batch", *inputs, "-o", str(out), "--resume"])
    assert "0 ok, 1 failed" in again.stderr and again.exit_code == 1
