"""What a batch finds in a folder, hostile or unlucky: symbolic links that lead out of it, file names that
are not UTF-8, a FIFO. Every input still ends as one entry, every output format holds it, and the
main process never waits on a file."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive import text_record
from click.testing import CliRunner

from extractor.batch import _sha256_of_regular_file, expand_inputs, run_batch
from extractor.cli import cli
from models import printable_path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def entries_of(out: Path) -> list[dict]:
    """(status, path, sha256, kind) of every entry, whatever the format."""
    if out.suffix == ".jsonl":
        found = []
        for line in out.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if "error" in entry:
                found.append({"status": "error", **entry["error"]})
            elif "duplicate" in entry:
                found.append({"status": "duplicate", **entry["duplicate"]})
            else:
                found.append({"status": "record", **entry["source"]})
        return found
    if out.suffix == ".csv":
        with open(out, newline="", encoding="utf-8-sig") as handle:
            return [dict(row, kind=row["error_kind"]) for row in csv.DictReader(handle)]
    db = sqlite3.connect(out)
    db.row_factory = sqlite3.Row
    rows = [{"status": "record", **dict(r)} for r in db.execute("select path, sha256 from decisions")]
    rows += [{"status": "error", **dict(r)} for r in db.execute("select path, sha256, kind from errors")]
    rows += [{"status": "duplicate", **dict(r)} for r in db.execute("select path, sha256, same_as from duplicates")]
    db.close()
    return rows


def one_entry_per_input(out: Path, inputs: list[str]) -> dict[str, dict]:
    entries = entries_of(out)
    by_path = {e["path"]: e for e in entries}
    assert len(by_path) == len(entries) == len(inputs), "an input with no entry, or with two"
    assert set(by_path) == {printable_path(p) for p in inputs}
    return by_path


# -- symbolic links ------------------------------------------------------------------------------------


@pytest.fixture
def linked(tmp_path):
    """An archive with links: out to a file and a folder elsewhere, in to a file and a folder inside,
    one to a file not there, and a link to the archive itself (a loop when followed)."""
    outside = tmp_path / "elsewhere"
    (outside / "private").mkdir(parents=True)
    (outside / "secret.txt").write_text(text_record(1), encoding="utf-8")
    (outside / "private" / "notes.txt").write_text(text_record(2), encoding="utf-8")
    root = tmp_path / "archive"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(text_record(3), encoding="utf-8")
    (root / "sub" / "b.txt").write_text(text_record(4), encoding="utf-8")
    (root / "passwd.txt").symlink_to(outside / "secret.txt")
    (root / "private").symlink_to(outside / "private", target_is_directory=True)
    (root / "again.txt").symlink_to(root / "a.txt")
    (root / "sub again").symlink_to(root / "sub", target_is_directory=True)
    (root / "gone.txt").symlink_to(root / "deleted.txt")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    return root, outside


def test_links_out_of_the_folder_are_refused_entries_not_followed(linked, tmp_path):
    root, outside = linked
    inputs = expand_inputs([root])
    names = sorted(os.path.relpath(p, root) for p in inputs)
    assert names == ["a.txt", "gone.txt", "passwd.txt", "private", "sub/b.txt"]  # again.txt is a.txt
    assert inputs.refused == {str(root / "passwd.txt"): str(outside / "secret.txt"),
                              str(root / "private"): str(outside / "private")}
    out = tmp_path / "out.jsonl"
    summary = run_batch([root], out, workers=1, progress=False)
    by_path = one_entry_per_input(out, inputs)
    for refused in ("passwd.txt", "private"):
        entry = by_path[str(root / refused)]
        assert entry["status"] == "error" and entry["kind"] == "unsupported_format" and entry["sha256"] is None
        assert "a symbolic link out of the input folder" in entry["message"] and "--follow-symlinks" in entry["message"]
    assert by_path[str(root / "gone.txt")]["kind"] == "not_found"
    assert (summary.ok, summary.failed) == (2, 3)
    assert "Closure" not in out.read_text() and "secret" not in json.dumps([e for e in by_path.values()
                                                                             if e["status"] == "record"])


def test_a_glob_refuses_links_out_of_the_folder_it_searches(linked):
    root, _ = linked
    inputs = expand_inputs([str(root / "*.txt")])
    assert sorted(os.path.basename(p) for p in inputs) == ["a.txt", "gone.txt", "passwd.txt"]
    assert list(inputs.refused) == [str(root / "passwd.txt")]


def test_follow_symlinks_reads_what_links_lead_to_each_file_once(linked, tmp_path):
    root, outside = linked
    inputs = expand_inputs([root], follow_symlinks=True)
    assert not inputs.refused
    real = sorted(os.path.realpath(p) for p in inputs if os.path.exists(p))
    assert real == sorted(str(p) for p in [root / "a.txt", root / "sub" / "b.txt", outside / "secret.txt",
                                            outside / "private" / "notes.txt"])
    out = tmp_path / "out.db"
    result = CliRunner().invoke(cli, ["batch", str(root), "-o", str(out), "--follow-symlinks", "-j", "1",
                                      "--model", "blank"])
    assert result.exit_code == 1, result.output  # the dangling link
    assert "4 ok, 1 failed (not_found 1)" in result.stderr
    one_entry_per_input(out, inputs)


# -- names that are not UTF-8 -------------------------------------------------------------------------


@pytest.fixture
def badly_named(tmp_path):
    """Latin-1 and broken names: a record, a copy of it, an empty file, a PDF; and a good name."""
    from test_hostile import text_pdf

    root = tmp_path / "archive"
    root.mkdir()
    folder = os.fsencode(root)
    files = {b"caf\xe9 decision.txt": text_record(5).encode(), b"copy \xff\xfe.txt": text_record(5).encode(),
             b"empty \xe9.txt": b"", b"scan \x81.pdf": text_pdf(), b"plain.txt": text_record(6).encode()}
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(data)
    return root


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".db"])
def test_names_that_are_not_utf8_are_kept_shown_with_escapes_and_resumed(badly_named, tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    inputs = expand_inputs([badly_named])
    assert any("\udce9" in p for p in inputs)  # kept as Python keeps them: surrogate escapes
    first = run_batch([badly_named], out, workers=2, progress=False)
    assert (first.ok, first.failed, first.duplicates) == (3, 1, 1)
    by_path = one_entry_per_input(out, inputs)
    assert by_path[f"{badly_named}/caf\\xe9 decision.txt"]["status"] in ("record", "duplicate")
    assert by_path[f"{badly_named}/empty \\xe9.txt"]["status"] == "error"
    again = run_batch([badly_named], out, workers=2, progress=False, resume=True)
    assert (again.ok, again.failed, again.duplicates, again.skipped) == (0, 0, 0, 5)
    one_entry_per_input(out, inputs)


def test_odr_extract_prints_a_name_that_is_not_utf8_with_escapes(badly_named):
    good = os.path.join(os.fsencode(badly_named), b"caf\xe9 decision.txt")
    empty = os.path.join(os.fsencode(badly_named), b"empty \xe9.txt")
    run = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", "--model", "blank", good, empty],
                         capture_output=True, cwd=REPO, timeout=120)
    assert run.returncode == 1
    record = json.loads(run.stdout)
    assert record["source"]["path"] == f"{badly_named}/caf\\xe9 decision.txt"
    assert run.stderr.decode("utf-8").splitlines() == [
        f"odr: {badly_named}/empty \\xe9.txt: empty: file is empty (the file has no content to read)"]


# -- a FIFO -------------------------------------------------------------------------------------------------


def test_the_main_process_hashes_regular_files_only(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert _sha256_of_regular_file(str(fifo), 1 << 20) is None  # returns at once: nothing is waited for
    small = tmp_path / "small.txt"
    small.write_bytes(b"x" * 10)
    assert _sha256_of_regular_file(str(small), 1 << 20) is not None
    assert _sha256_of_regular_file(str(small), 5) is None  # over the limit: not read


class _HangsOnPipes:
    """An extractor whose worker never comes back from a FIFO: the main process then hashes the file."""

    def __init__(self):
        from extractor.batch import ExtractorSpec

        self.inner = ExtractorSpec(model="blank")()
        self.options = self.inner.options

    def extract_file(self, path):
        if stat.S_ISFIFO(os.stat(path).st_mode):
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])  # held, as in native code
            time.sleep(600)
        return self.inner.extract_file(path)

    def extract_bytes(self, data, path=None):
        return self.inner.extract_bytes(data, path=path)


def test_a_fifo_in_the_folder_never_holds_the_batch(tmp_path):
    """A FIFO is refused by the reader; and when a worker is lost on one (here it hangs and is killed),
    the main process, which hashes the file of a worker it lost, does not open it. A hang fails here
    as a subprocess timeout."""
    root = tmp_path / "archive"
    root.mkdir()
    (root / "a.txt").write_text(text_record(7), encoding="utf-8")
    os.mkfifo(root / "pipe.txt")
    out = tmp_path / "out.jsonl"
    run = subprocess.run([sys.executable, "-m", "extractor.cli", "batch", str(root), "-o", str(out),
                          "--timeout", "1", "-j", "1", "--model", "blank", "--no-progress"],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 1, run.stderr
    fifo = one_entry_per_input(out, [str(root / "a.txt"), str(root / "pipe.txt")])[str(root / "pipe.txt")]
    assert (fifo["status"], fifo["kind"], fifo["sha256"]) == ("error", "unsupported_format", None)

    lost = tmp_path / "lost.jsonl"
    script = (f"import sys; sys.path[:0] = [{str(HERE)!r}, {str(REPO)!r}]\n"
              "from test_inputs import _HangsOnPipes\n"
              "from extractor.batch import run_batch\n"
              "from extractor.workers import Limits\n"
              f"run_batch([{str(root)!r}], {str(lost)!r}, workers=1, factory=_HangsOnPipes, limits=Limits(timeout=0.5))\n")
    subprocess.run([sys.executable, "-c", script], cwd=REPO, timeout=120, check=True)
    fifo = one_entry_per_input(lost, [str(root / "a.txt"), str(root / "pipe.txt")])[str(root / "pipe.txt")]
    assert (fifo["kind"], fifo["sha256"]) == ("timeout", None)
    assert "killed at the 0.5 s time limit" in fifo["message"]
