"""`odr batch` on a small generated archive: every input ends as exactly one record or error entry,
in each output format, after resume, after an interruption, and when a file hangs."""

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
from click.testing import CliRunner

from extractor.batch import ExtractorSpec, expand_inputs, run_batch
from extractor.cli import cli
from extractor.writers import OutputError

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

TEXT = """Record of Decision

Subject: {subject}
Reference: {ref}
Decision Maker: {name}, Director of Place
Key decision: Yes
Date of decision: {day} March 2024

Decision:
To approve the {subject_lower}.

Reasons for the decision:
The work is needed and budget is available.

Alternative options considered and rejected:
Do nothing - rejected as the problem would get worse.
"""

SUBJECTS = ["Resurfacing of Mill Lane", "Library opening hours", "Grant to the food bank", "Park cafe lease",
            "Street lighting upgrade", "Bus shelter renewals", "Allotment rents", "Leisure centre roof"]


def text_record(i: int) -> str:
    subject = SUBJECTS[i % len(SUBJECTS)] + f" ({i})"
    return TEXT.format(subject=subject, subject_lower=subject.lower(), ref=f"D{i:03d}/24",
                       name=["Jane Smith", "Omar Patel", "Ruth Evans"][i % 3], day=1 + i % 27)


def pdf_record(i: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page_text in (text_record(i), "Background\n\n" + "The council considered the report in full. " * 30):
        pdf.add_page()
        pdf.multi_cell(0, 6, page_text)
    return bytes(pdf.output())


def make_archive(root: Path, good_text: int = 4, good_pdf: int = 2, start: int = 0) -> list[str]:
    """Good records plus the bad files every archive has. Returns the inputs (a missing path too)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + good_text):
        (root / f"text-{i:03d}.txt").write_text(text_record(i), encoding="utf-8")
    for i in range(start + 100, start + 100 + good_pdf):
        (root / f"scan-{i:03d}.pdf").write_bytes(pdf_record(i))
    return [str(root)]


def add_bad_files(root: Path) -> list[str]:
    (root / "bad").mkdir(exist_ok=True)
    (root / "bad" / "empty.txt").write_bytes(b"")
    (root / "bad" / "random.bin").write_bytes(os.urandom(4096))
    (root / "bad" / "truncated.pdf").write_bytes(pdf_record(999)[:700])
    return [str(root / "bad" / "no such file.pdf")]


def read_out(out: Path) -> tuple[list[str | None], list[dict]]:
    """(sha256 of each record, error entries as dicts) from any output format."""
    if out.suffix == ".jsonl":
        entries = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        records = [e["source"]["sha256"] for e in entries if "error" not in e]
        errors = [e["error"] for e in entries if "error" in e]
    elif out.suffix == ".csv":
        with open(out, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        records = [r["sha256"] for r in rows if r["status"] == "record"]
        errors = [{"path": r["path"], "sha256": r["sha256"] or None, "kind": r["error_kind"]}
                  for r in rows if r["status"] == "error"]
    else:
        db = sqlite3.connect(out)
        db.row_factory = sqlite3.Row
        records = [r["sha256"] for r in db.execute("select sha256 from decisions")]
        errors = [dict(r) for r in db.execute("select path, sha256, kind from errors")]
        db.close()
    return records, errors


def assert_accounts_for(out: Path, inputs: list[str]) -> tuple[list, list]:
    records, errors = read_out(out)
    assert len(records) + len(errors) == len(inputs)
    hashed = records + [e["sha256"] for e in errors if e["sha256"]]
    assert len(hashed) == len(set(hashed)), "an input was written twice"
    return records, errors


@pytest.fixture
def archive(tmp_path):
    root = tmp_path / "archive"
    inputs = make_archive(root) + add_bad_files(root)
    return root, inputs


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".db"])
def test_every_input_is_a_record_or_an_error(archive, tmp_path, suffix):
    root, inputs = archive
    out = tmp_path / "out" / f"decisions{suffix}"
    files = expand_inputs(inputs)
    assert len(files) == 10  # 4 text, 2 pdf, 3 bad files, 1 missing path
    summary = run_batch(inputs, out, workers=2, timeout=30)
    records, errors = assert_accounts_for(out, files)
    assert len(records) == 6 and summary.ok == 6
    kinds = sorted(e["kind"] for e in errors)
    assert kinds == sorted(["empty", "unsupported_format", "corrupt", "not_found"])
    assert summary.failed == 4 and summary.exit_status == 1
    assert not list(out.parent.glob(".*")), "journal, lock or temporary file left behind"


def test_sqlite_output_is_datasette_ready(archive, tmp_path):
    root, inputs = archive
    out = tmp_path / "decisions.db"
    run_batch(inputs, out, workers=2)
    db = sqlite3.connect(out)
    tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
    assert {"decisions", "rejected_options", "dates", "errors", "decisions_fts"} <= tables
    for child in ("rejected_options", "dates"):
        fks = db.execute(f"pragma foreign_key_list({child})").fetchall()
        assert [(fk[2], fk[3], fk[4]) for fk in fks] == [("decisions", "decision_sha256", "sha256")]
        orphans = db.execute(f"select count(*) from {child} where decision_sha256 not in "
                             "(select sha256 from decisions)").fetchone()[0]
        assert orphans == 0
    assert db.execute("select count(*) from dates").fetchone()[0] >= 6
    assert db.execute("select count(*) from rejected_options").fetchone()[0] >= 6
    hits = db.execute("select d.subject from decisions_fts f join decisions d on d.rowid = f.rowid "
                      "where decisions_fts match 'library'").fetchall()
    assert hits and "Library" in hits[0][0]
    db.close()


def test_csv_flattens_nested_fields_and_joins_lists(archive, tmp_path):
    root, inputs = archive
    out = tmp_path / "decisions.csv"
    run_batch(inputs, out, workers=1)
    with open(out, newline="", encoding="utf-8") as handle:
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
    records, errors = assert_accounts_for(out, expand_inputs(inputs))
    assert len(records) == 7 and len(errors) == 4

    third = run_batch(inputs, out, workers=2, resume=True)
    assert (third.ok, third.skipped) == (0, 10)
    assert_accounts_for(out, expand_inputs(inputs))


@pytest.mark.parametrize("suffix", [".jsonl", ".db"])
def test_interrupted_run_leaves_valid_output_and_resume_completes_it(archive, tmp_path, suffix):
    root, inputs = archive
    out = tmp_path / f"decisions{suffix}"
    stopped = run_batch(inputs, out, workers=2, stop_after=4)
    assert stopped.interrupted and stopped.exit_status == 130
    records, errors = read_out(out)  # valid and readable
    assert len(records) + len(errors) == stopped.ok + stopped.failed >= 4
    done = run_batch(inputs, out, workers=2, resume=True)
    assert not done.interrupted
    assert_accounts_for(out, expand_inputs(inputs))
    assert done.skipped == stopped.ok + stopped.failed - (1 if any(not e["sha256"] for e in errors) else 0)


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
    summary = run_batch(inputs, out, workers=2, timeout=1.5, factory=hanging_factory)
    records, errors = assert_accounts_for(out, expand_inputs(inputs))
    timeouts = [e for e in errors if e["kind"] == "timeout"]
    assert len(timeouts) == 1 and timeouts[0]["path"].endswith("stuck.txt") and timeouts[0]["sha256"]
    assert len(records) == 6 and summary.kinds["timeout"] == 1


def test_a_crashing_worker_becomes_an_internal_error(archive, tmp_path):
    root, inputs = archive
    (root / "boom.txt").write_text(text_record(78) + "\nBOOM\n", encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    run_batch(inputs, out, workers=2, factory=crashing_factory)
    records, errors = assert_accounts_for(out, expand_inputs(inputs))
    crashed = [e for e in errors if e["path"].endswith("boom.txt")]
    assert len(crashed) == 1 and crashed[0]["kind"] == "internal"
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
    records, errors = read_out(out)
    partial = len(records) + len(errors)
    total = len(expand_inputs(inputs))
    assert 3 <= partial < total
    run_batch(inputs, out, workers=2, resume=True)
    assert_accounts_for(out, expand_inputs(inputs))


def test_journal_left_by_a_killed_run_is_carried_over(archive, tmp_path):
    root, inputs = archive
    out = tmp_path / "decisions.jsonl"
    run_batch(inputs, out, workers=2, stop_after=3)
    records, errors = read_out(out)
    # simulate SIGKILL after two more results: a journal beside OUT, its last line torn
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:1]) + "\n")
    journal = tmp_path / ".decisions.jsonl.journal"
    journal.write_text("\n".join(lines[1:]) + "\n" + lines[0][:40])
    run_batch(inputs, out, workers=2, resume=True)
    assert_accounts_for(out, expand_inputs(inputs))
    assert not journal.exists()


def test_same_content_twice_is_extracted_once(tmp_path):
    root = tmp_path / "archive"
    make_archive(root, good_text=2, good_pdf=0)
    (root / "copy.txt").write_bytes((root / "text-000.txt").read_bytes())
    out = tmp_path / "decisions.jsonl"
    summary = run_batch([root, root / "text-000.txt"], out, workers=2)  # the explicit path is deduplicated
    records, errors = read_out(out)
    assert len(records) == 2 and summary.duplicates == 1 and summary.inputs == 3


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
    root, inputs = archive
    out = tmp_path / "decisions.jsonl"
    result = CliRunner().invoke(cli, ["batch", *inputs, "-o", str(out), "--workers", "2", "--no-evidence"])
    assert result.exit_code == 1, result.output
    assert "6 ok, 4 failed" in result.stderr
    records, errors = assert_accounts_for(out, expand_inputs(inputs))
    assert "evidence" not in json.loads(out.read_text().splitlines()[0])
    again = CliRunner().invoke(cli, ["batch", *inputs, "-o", str(out), "--resume"])
    assert "0 ok, 1 failed" in again.stderr and again.exit_code == 1
