"""Where a batch's files are read: local worker processes or a Dask cluster (`--engine dask`). Both
read each file with the same per-file function and feed the same journal and sinks, so OUT is the
same; copies of one content are found by hash before anything is read, and read once."""

from __future__ import annotations

import functools
import json
import os
import time
from pathlib import Path

import pytest
from archive import add_bad_files, add_copies, make_archive, text_record
from click.testing import CliRunner
from test_batch import assert_accounts_for

from extractor.batch import ExtractorSpec, envelope, expand_inputs, run_batch
from extractor.cli import cli
from extractor.workers import Isolated, Limits

# -- a factory that notes every file it reads (module level: pickled to Dask workers) ---------------


class _Noting:
    def __init__(self, inner, log: str):
        self.inner, self.log, self.options = inner, log, inner.options

    def extract_file(self, path):
        return self.inner.extract_file(path)

    def extract_bytes(self, data, path=None):
        with open(self.log, "a", encoding="utf-8") as handle:  # O_APPEND: one whole line per write
            handle.write(f"{path}\n")
        if b"STUCK" in data:
            time.sleep(600)
        if b"BOOM" in data:
            os._exit(9)
        return self.inner.extract_bytes(data, path=path)


def noting_factory(log: str):
    return _Noting(ExtractorSpec(model="blank")(), log)


def read_paths(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def entries(out: Path) -> list[dict]:
    """OUT's entries, each keyed by its path, in a stable order (engines finish files in any order)."""
    return sorted((json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()),
                  key=lambda e: json.dumps(e, sort_keys=True))


# -- copies -----------------------------------------------------------------------------------------


def test_copies_are_found_by_hash_before_reading_and_read_once(tmp_path):
    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=3, good_pdf=1)
    original = (root / "text-001.txt").read_bytes()
    for n in range(5):
        (root / f"copy {n} of text-001.txt").write_bytes(original)
    (root / "same size, other bytes.txt").write_bytes(original[:-1] + b"!")
    log = tmp_path / "read.log"
    out = tmp_path / "decisions.jsonl"
    summary = run_batch(inputs, out, workers=2, factory=functools.partial(noting_factory, str(log)))
    files = expand_inputs(inputs)
    _records, _errors, duplicates = assert_accounts_for(out, files)
    read = read_paths(log)
    assert len(read) == len(set(read)), "a file was read twice"
    copies = [p for p in files if Path(p).name.startswith("copy ")]
    assert len([p for p in read if p in copies or p.endswith("text-001.txt")]) == 1, "only one copy is read"
    assert any(p.endswith("same size, other bytes.txt") for p in read), "same size alone is no copy"
    # the first of the six in input order holds the record; the five others name it
    same = [p for p in files if Path(p).read_bytes() == original]
    assert len(same) == 6 and [d["path"] for d in duplicates] == same[1:]
    assert {d["same_as"] for d in duplicates} == {same[0]}
    assert summary.duplicates == 5 and summary.ok == 5

    # --resume with a new copy: settled from its hash in the main process, nothing read
    (root / "copy 9 of text-001.txt").write_bytes(original)
    log.unlink()
    again = run_batch(inputs, out, workers=2, resume=True, factory=functools.partial(noting_factory, str(log)))
    assert again.duplicates == 1 and again.ok == 0
    assert not any("copy" in p for p in read_paths(log))
    assert_accounts_for(out, expand_inputs(inputs))


# -- Isolated: one worker process for calls one at a time --------------------------------------------


def _echo_start():
    def handle(task):
        if task == "hang":
            time.sleep(600)
        if task == "die":
            os._exit(3)
        return (os.getpid(), task)

    return handle


def test_isolated_runs_calls_in_a_child_that_fails_alone_and_recycles():
    isolated = Isolated(_echo_start, Limits(timeout=1, max_memory=None), recycle_after=3)
    try:
        first_pid, answer = isolated.call("a")
        assert answer == "a" and first_pid != os.getpid()
        assert isolated.call("b")[0] == first_pid
        hung = isolated.call("hang")
        assert hung.kind.value == "timeout"
        after_hang = isolated.call("c")[0]
        assert after_hang != first_pid
        died = isolated.call("die")
        assert died.kind.value == "internal" and "exited with status 3" in died.message
        pids = {isolated.call(str(n))[0] for n in range(4)}
        assert len(pids) == 2, "a fresh child after every three calls"
    finally:
        isolated.close()


def test_the_envelope_is_json_and_never_raises(tmp_path, extractor):
    good = tmp_path / "good.txt"
    good.write_text(text_record(1), encoding="utf-8")
    for path in (str(good), str(tmp_path / "missing.pdf"), str(tmp_path)):
        result = envelope(extractor, frozenset(), True, path)
        assert json.loads(json.dumps(result)) == result
        assert set(result) == {"status", "sha256", "entry", "error_kind", "odr"}
    assert envelope(extractor, frozenset(), True, str(good))["status"] == "record"
    assert envelope(extractor, frozenset(), True, str(tmp_path / "missing.pdf"))["error_kind"] == "not_found"
    done = {envelope(extractor, frozenset(), True, str(good))["sha256"]}
    assert envelope(extractor, frozenset(done), True, str(good)) == {**envelope(extractor, frozenset(), True, str(good)),
                                                                     "status": "skip", "entry": None}


# -- the Dask engine ---------------------------------------------------------------------------------

dask_engine = pytest.importorskip("extractor.dask_engine")
pytest.importorskip("distributed", reason="the odr[dask] extra is not installed")


@pytest.fixture(scope="module")
def dask_cluster():
    """One LocalCluster(2) for the module's tests that connect to an address (as a second machine would)."""
    import logging

    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


def test_dask_output_equals_the_local_engines(tmp_path, dask_cluster):
    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=6, good_pdf=2) + add_bad_files(root)
    add_copies(root)
    local_out, dask_out = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    local = run_batch(inputs, local_out, workers=2)
    remote = run_batch(inputs, dask_out, engine=dask_engine.DaskEngine(dask_cluster, window=3))
    assert entries(dask_out) == entries(local_out)
    assert (remote.ok, remote.failed, remote.duplicates, remote.kinds) == (local.ok, local.failed, local.duplicates,
                                                                             local.kinds)
    assert_accounts_for(dask_out, expand_inputs(inputs))


def test_dask_resume_and_hostile_files(tmp_path, dask_cluster):
    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=4, good_pdf=0)
    (root / "stuck.txt").write_text(text_record(77) + "\nSTUCK\n", encoding="utf-8")
    (root / "boom.txt").write_text(text_record(78) + "\nBOOM\n", encoding="utf-8")
    log = tmp_path / "read.log"
    out = tmp_path / "decisions.db"
    engine = dask_engine.DaskEngine(dask_cluster)
    first = run_batch(inputs, out, engine=engine, limits=Limits(timeout=1.5),
                      factory=functools.partial(noting_factory, str(log)))
    _records, errors, _ = assert_accounts_for(out, expand_inputs(inputs))
    kinds = {Path(e["path"]).name: e["kind"] for e in errors}
    assert kinds == {"stuck.txt": "timeout", "boom.txt": "internal"}
    assert all(e["sha256"] for e in errors), "a lost file is hashed on the worker"
    assert first.ok == 4

    (root / "text-900.txt").write_text(text_record(900), encoding="utf-8")
    log.unlink()
    again = run_batch(inputs, out, engine=engine, resume=True, limits=Limits(timeout=1.5),
                      factory=functools.partial(noting_factory, str(log)))
    assert (again.ok, again.skipped, again.failed) == (1, 4, 2)  # a timeout and a crash are read again
    assert sorted(Path(p).name for p in read_paths(log)) == ["boom.txt", "stuck.txt", "text-900.txt"], \
        "files already in OUT are hashed, not read"
    assert_accounts_for(out, expand_inputs(inputs))


def test_cli_engine_dask_local_cluster(tmp_path):
    root = tmp_path / "archive"
    make_archive(root, good_text=3, good_pdf=1)
    out = tmp_path / "decisions.csv"
    result = CliRunner().invoke(cli, ["batch", str(root), "-o", str(out), "--engine", "dask", "--scheduler", "local:2",
                                      "--model", "blank"])
    assert result.exit_code == 0, result.output
    assert "4 ok, 0 failed" in result.output
    bad = CliRunner().invoke(cli, ["batch", str(root), "-o", str(tmp_path / "x.csv"), "--engine", "dask",
                                   "--scheduler", "local:two"])
    assert bad.exit_code == 1 and "local:N" in bad.output
    stray = CliRunner().invoke(cli, ["batch", str(root), "-o", str(tmp_path / "y.csv"), "--scheduler", "local:2"])
    assert stray.exit_code == 1 and "--engine dask" in stray.output


def test_an_unreachable_scheduler_is_an_engine_error_and_out_keeps_nothing_half_done(tmp_path):
    from extractor.batch import EngineError

    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=1, good_pdf=0)
    out = tmp_path / "x.jsonl"
    with pytest.raises(EngineError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        run_batch(inputs, out, engine=dask_engine.DaskEngine("tcp://127.0.0.1:9", connect_timeout=1))
    assert not list(tmp_path.glob(".x.jsonl*")), "journal or lock left behind"


def test_a_dask_worker_lost_on_a_task_costs_only_the_file_that_killed_it(tmp_path, monkeypatch):
    """Something that takes a Dask worker itself down (not the reading child: that is a plain error):
    the task's files are sent again one by one, and only the one that kills a worker alone fails."""
    import dask

    from extractor.workers import Isolated as Real

    class KillsItsDaskWorker(Real):
        def call(self, task):
            if "killer" in task:
                os._exit(7)  # in the Dask worker's own process
            return super().call(task)

    root = tmp_path / "archive"
    inputs = make_archive(root, good_text=6, good_pdf=0)
    (root / "killer.txt").write_text(text_record(66), encoding="utf-8")
    monkeypatch.setattr(dask_engine, "Isolated", KillsItsDaskWorker)  # forked local:N workers inherit it
    out = tmp_path / "decisions.jsonl"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        summary = run_batch(inputs, out, engine=dask_engine.DaskEngine("local:2", chunk=4))
    _records, errors, _ = assert_accounts_for(out, expand_inputs(inputs))
    assert [(Path(e["path"]).name, e["kind"]) for e in errors] == [("killer.txt", "internal")]
    assert summary.ok == 6
