"""--resume keeps one entry per path, always: a file whose content changed replaces its old entry (and
the paths that shared its old content find another holder), errors of the run's making (timeout,
internal) are read again, and --retry-errors reads every error again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from archive import make_archive, text_record
from click.testing import CliRunner
from test_batch import _Wrapped, read_out
from test_inputs import entries_of, one_entry_per_input

from extractor.batch import ExtractorSpec, expand_inputs, run_batch
from extractor.cli import cli
from extractor.workers import Limits

SUFFIXES = [".jsonl", ".csv", ".db"]


def _integrity(out: Path) -> None:
    """Each duplicate names the path whose record or error holds its bytes; a database is whole."""
    entries = entries_of(out)
    holders = {e["sha256"]: e["path"] for e in entries if e["status"] != "duplicate" and e["sha256"]}
    assert len(holders) == len([e for e in entries if e["status"] != "duplicate" and e["sha256"]])
    for entry in entries:
        if entry["status"] == "duplicate":
            assert holders[entry["sha256"]] == entry["same_as"] != entry["path"]
    if out.suffix == ".db":
        db = sqlite3.connect(out)
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert db.execute("pragma foreign_key_check").fetchall() == []
        db.close()


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_file_that_changed_replaces_its_entry(tmp_path, suffix):
    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=4, good_pdf=1)
    out = tmp_path / f"out{suffix}"
    run_batch(inputs, out, workers=2)
    (root / "text-001.txt").write_text(text_record(41), encoding="utf-8")  # edited since
    again = run_batch(inputs, out, workers=2, resume=True)
    assert (again.ok, again.skipped, again.duplicates) == (1, 4, 0)
    by_path = one_entry_per_input(out, expand_inputs(inputs))
    records, _, _ = read_out(out)
    assert len(records) == 5
    assert by_path[str(root / "text-001.txt")]["sha256"] == _sha(root / "text-001.txt")
    _integrity(out)


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_copies_of_a_file_that_changed_find_another_holder(tmp_path, suffix):
    """a.txt held the record its two copies pointed at; a.txt is edited. The copies' bytes are read
    again (one of them holds the record now), even the copy this run was not given as an input."""
    root = tmp_path / "archive"
    root.mkdir()
    (root / "a.txt").write_text(text_record(1), encoding="utf-8")
    (root / "b copy.txt").write_text(text_record(1), encoding="utf-8")
    (root / "c other.txt").write_text(text_record(2), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere copy.txt"
    elsewhere.write_text(text_record(1), encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    first = run_batch([root / "a.txt", root / "b copy.txt", root / "c other.txt", elsewhere], out, workers=1)
    assert (first.ok, first.duplicates) == (2, 2)
    (root / "a.txt").write_text(text_record(3), encoding="utf-8")
    again = run_batch([root], out, workers=2, resume=True)  # the copy elsewhere is no input now
    assert again.inputs == 4 and again.ok + again.duplicates + again.skipped == 4
    by_path = one_entry_per_input(out, [*expand_inputs([root]), str(elsewhere)])
    copies = [by_path[str(p)] for p in (root / "b copy.txt", elsewhere)]
    assert {c["sha256"] for c in copies} == {_sha(elsewhere)}
    assert sorted(c["status"] for c in copies) == ["duplicate", "record"]
    assert by_path[str(root / "a.txt")]["sha256"] == _sha(root / "a.txt")
    _integrity(out)


class TimesOutOnOdd(_Wrapped):
    """The first run's trouble: every file whose name has an odd number in it hangs."""

    def hook(self, data):
        if b"(1)" in data or b"(3)" in data:
            import time

            time.sleep(600)


def times_out_on_odd():
    return TimesOutOnOdd(ExtractorSpec(model="blank")())


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_timeouts_are_read_again_other_errors_with_retry_errors(tmp_path, suffix):
    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=4, good_pdf=0)
    (root / "empty.txt").write_bytes(b"")
    out = tmp_path / f"out{suffix}"
    first = run_batch(inputs, out, workers=2, factory=times_out_on_odd, limits=Limits(timeout=0.5))
    assert first.kinds == {"timeout": 2, "empty": 1}
    again = run_batch(inputs, out, workers=2, resume=True)
    assert (again.ok, again.failed, again.skipped) == (2, 0, 3)  # the empty file is not read again
    by_path = one_entry_per_input(out, expand_inputs(inputs))
    assert sorted(e["status"] for e in by_path.values()) == ["error", "record", "record", "record", "record"]
    last = run_batch(inputs, out, workers=2, resume=True, retry_errors=True)
    assert (last.ok, last.failed, last.skipped) == (0, 1, 4)  # read again: still empty
    one_entry_per_input(out, expand_inputs(inputs))
    _integrity(out)


def test_retry_errors_goes_with_resume(tmp_path):
    result = CliRunner().invoke(cli, ["batch", str(tmp_path), "-o", str(tmp_path / "o.jsonl"), "--retry-errors"])
    assert result.exit_code == 1 and "--retry-errors" in result.stderr and "--resume" in result.stderr
