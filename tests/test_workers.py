"""Worker processes (extractor/workers.py): a memory cap, a deadline the parent enforces, deaths that
say what happened, and nothing left behind when the main process is killed."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive import make_archive
from pdfbuild import TEXT, page_pdf, stream, zlib_run
from test_batch import assert_accounts_for

from extractor import batch
from extractor.batch import Journal, run_batch
from extractor.errors import ExtractionFailure
from extractor.workers import Limits, run
from extractor.writers import OutputError
from models import ErrorKind

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MB = 1024 * 1024


def results_of(tasks, handle, limits=Limits(timeout=None, max_memory=None), workers=1) -> dict:
    with contextlib.closing(run(tasks, lambda: handle, workers=workers, limits=limits)) as results:
        return dict(results)


# -- what a task does to its worker --------------------------------------------------------------------


def echo(task):
    return ("done", task, os.getpid())


def slow_echo(task):
    time.sleep(0.25)
    return echo(task)


def dies_on(task):
    kind, arg = task
    if kind == "signal":
        os.kill(os.getpid(), arg)
    elif kind == "exit":
        os._exit(arg)
    elif kind == "abort":
        os.abort()
    elif kind == "allocate":
        return len(bytearray(arg))
    elif kind == "sleep":
        time.sleep(arg)
    elif kind == "hold":  # native code that never returns to Python: SIGALRM cannot reach it
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
        time.sleep(arg)
    return ("done", task)


def test_every_task_has_one_result_and_the_workers_take_turns():
    # each task takes a moment, so the second worker is started before the first has done them all
    # (with instant tasks, one worker could finish all 40 first on a loaded machine)
    results = results_of(list(range(16)), slow_echo, workers=2)
    assert sorted(results) == list(range(16))
    assert [r[1] for _, r in sorted(results.items())] == list(range(16))
    assert len({r[2] for r in results.values()}) == 2


@pytest.mark.parametrize(("task", "expected"), [
    (("signal", signal.SIGSEGV), "the worker died with signal 11 (SIGSEGV) while reading this file"),
    (("signal", signal.SIGKILL), "the worker died with signal 9 (SIGKILL) while reading this file"),
    (("exit", 3), "the worker exited with status 3 while reading this file"),
], ids=["SIGSEGV", "SIGKILL", "exit 3"])
def test_a_worker_that_dies_names_what_happened_and_the_next_task_runs(task, expected):
    tasks = [("ok", 0), task, ("ok", 2), ("ok", 3)]
    results = results_of(tasks, dies_on, limits=Limits(timeout=30, max_memory=512 * MB))
    failure = results[1]
    assert isinstance(failure, ExtractionFailure) and failure.kind == ErrorKind.internal
    assert failure.message == expected
    line = failure.one_line()
    assert "None" not in line and "--debug" not in line and "a bug in odr" not in line
    assert [results[i] for i in (0, 2, 3)] == [("done", t) for t in (tasks[0], tasks[2], tasks[3])]


def test_python_past_the_memory_cap_is_too_large_and_the_worker_goes_on():
    results = results_of([("allocate", 2048 * MB), ("allocate", MB)], dies_on,
                         limits=Limits(timeout=30, max_memory=256 * MB))
    assert results[0].kind == ErrorKind.too_large
    assert results[0].one_line() == ("too_large: ran out of memory under the 256 MB --max-memory limit "
                                     "(raise --max-memory if the file is genuine)")
    assert results[1] == MB


def test_an_abort_under_the_memory_cap_is_killed_for_memory():
    """pdfium aborts (SIGABRT) when an allocation fails."""
    results = results_of([("abort", None), ("ok", 1)], dies_on, limits=Limits(timeout=30, max_memory=256 * MB))
    failure = results[0]
    assert failure.kind == ErrorKind.too_large
    assert failure.message.startswith("the worker was killed for memory (died with signal 6 (SIGABRT), peak ")
    assert failure.message.endswith(" MB) under the 256 MB --max-memory limit")
    assert results[1] == ("done", ("ok", 1))


def test_time_limits_python_stopped_in_the_worker_native_code_killed_by_the_parent():
    results = results_of([("sleep", 60), ("hold", 60), ("ok", 2)], dies_on, limits=Limits(timeout=0.3))
    assert results[0].kind == results[1].kind == ErrorKind.timeout
    assert results[0].message == "stopped at the 0.3 s time limit"  # SIGALRM in the worker
    assert results[1].message == "killed at the 0.3 s time limit"   # the parent, KILL_GRACE later
    assert results[2] == ("done", ("ok", 2))


def test_a_worker_that_cannot_start_stops_the_run():
    def broken():
        raise ValueError("no profile")

    with pytest.raises(RuntimeError, match="cannot start a worker: ValueError: no profile"):
        list(run([1, 2], broken))


def test_closing_the_results_early_ends_the_workers():
    results = run(list(range(10)), lambda: echo, workers=2, limits=Limits(timeout=None))
    first = next(results)
    pids = {first[1][2]}
    results.close()
    for pid in pids:
        assert _gone(pid)


# -- odr extract: pdfium under the memory cap ------------------------------------------------------------


def _listed_bomb(path: Path, stream_mb: int, times: int) -> Path:
    """One page whose /Contents lists one Flate stream of `stream_mb` MB of spaces `times` times:
    pdfium joins a page's content streams into one buffer, times x the stream."""
    content = stream(zlib_run(stream_mb * MB, TEXT))
    path.write_bytes(page_pdf([content], contents=b"[" + b"5 0 R " * times + b"]"))
    return path


def test_pdfium_out_of_memory_is_one_too_large_line_not_exit_134(tmp_path):
    """With the decompression check out of the way (--max-bytes 1000: 10 GB may inflate), pdfium
    itself runs out of memory under --max-memory and aborts its worker. The real entry point: one
    line, exit 1, and the next file is read."""
    bomb = _listed_bomb(tmp_path / "bomb.pdf", 16, 64)  # 1 GB joined
    good = tmp_path / "good.txt"
    good.write_text("Subject: Closure of Mill Lane car park\n\nDecision: To close it.\n", encoding="utf-8")
    run_ = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "extract", "--model", "blank", "--max-bytes", "1000",
         "--max-memory", "256", str(bomb), str(good)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert run_.returncode == 1
    [line] = run_.stderr.splitlines()
    assert line.startswith(f"odr: {bomb}: too_large: the worker was killed for memory (died with signal 6 (SIGABRT)")
    assert line.endswith("under the 256 MB --max-memory limit (raise --max-memory if the file is genuine)")
    assert '"subject": "Closure of Mill Lane car park"' in run_.stdout


# -- the main process killed: workers go with it, the lock with them -----------------------------------


def _state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _state(pid) in (None, "Z", "X"):
            return True
        time.sleep(0.02)
    return False


def children_of(pid: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(OSError, IndexError), open(f"/proc/{name}/stat") as handle:
                if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(name))
    return found


def _open_files(pid: int) -> set[str]:
    folder = f"/proc/{pid}/fd"
    names = set()
    for fd in os.listdir(folder):
        with contextlib.suppress(OSError):
            names.add(os.readlink(f"{folder}/{fd}"))
    return names


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_a_batch_takes_its_workers_along_and_leaves_the_lock_free(tmp_path):
    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=16, good_pdf=0)
    out = tmp_path / "decisions.jsonl"
    journal = tmp_path / ".decisions.jsonl.journal"
    lock = tmp_path / ".decisions.jsonl.lock"
    script = (f"import sys; sys.path[:0] = [{str(HERE)!r}, {str(REPO)!r}]\n"
              "from test_batch import slow_factory\n"
              "from extractor.batch import run_batch\n"
              f"run_batch({inputs!r}, {str(out)!r}, workers=2, factory=slow_factory)\n")
    process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while not (journal.exists() and len(journal.read_text().splitlines()) >= 2):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.02)
        workers = children_of(process.pid)
        assert len(workers) == 2
        assert str(lock) in _open_files(process.pid)
        for worker in workers:  # only the main process holds the lock (or anything else of OUT)
            assert not {str(lock), str(journal)} & _open_files(worker)
    finally:
        process.kill()
        process.wait(30)
    assert all(_gone(worker) for worker in workers)
    summary = run_batch(inputs, out, workers=2, resume=True)  # not "another odr batch is writing"
    assert summary.skipped >= 2 and not summary.failed
    assert_accounts_for(out, batch.expand_inputs(inputs))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_a_worker_stuck_in_native_code_dies_with_its_parent(tmp_path):
    """The pipe cannot wake a worker that never returns to Python; PR_SET_PDEATHSIG does."""
    marker = tmp_path / "worker.pid"
    script = (f"import sys; sys.path[:0] = [{str(HERE)!r}, {str(REPO)!r}]\n"
              "import os, signal, time\n"
              "from extractor.workers import Limits, run\n"
              "def hold(task):\n"
              f"    open({str(marker)!r}, 'w').write(str(os.getpid()))\n"
              "    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])\n"
              "    time.sleep(600)\n"
              "list(run([1], lambda: hold, limits=Limits(timeout=None)))\n")
    process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() or not marker.read_text():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        worker = int(marker.read_text())
        assert _state(worker) not in (None, "Z")
    finally:
        process.kill()
        process.wait(30)
    assert _gone(worker)


# -- the lock -----------------------------------------------------------------------------------------


def test_a_lock_won_on_a_file_just_removed_is_taken_again(tmp_path, monkeypatch):
    """Batch B opens the lock file, batch A finishes (removes it, then lets go), B's flock succeeds on
    the removed file: B must take the lock at the path, or a third batch C would run beside it."""
    out = tmp_path / "decisions.jsonl"
    a, b, c = Journal(out), Journal(out), Journal(out)
    a.lock()
    real_flock = fcntl.flock
    calls = []

    def a_finishes_first(handle, operation):
        calls.append(handle.fileno())
        if len(calls) == 1:
            a.unlock()
        return real_flock(handle, operation)

    monkeypatch.setattr(batch.fcntl, "flock", a_finishes_first)
    b.lock()
    monkeypatch.setattr(batch.fcntl, "flock", real_flock)
    assert len(calls) == 2  # B locked the removed file, saw it gone, locked the new one
    with pytest.raises(OutputError, match=r"another odr batch is writing decisions\.jsonl"):
        c.lock()
    b.unlock()
    c.lock()
    c.unlock()
    assert not (tmp_path / ".decisions.jsonl.lock").exists()
