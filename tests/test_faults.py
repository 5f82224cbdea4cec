"""A seeded fault campaign: `odr batch --resume` over an archive of small records, its main process and
its workers SIGKILLed at random moments, round after round, the archive growing and some of its files
edited between rounds; then one last --resume. However the kills
fall, OUT is always a whole database, no process outlives its batch, and in the end every input path
has exactly one entry: a record, a duplicate of one, or the error its file deserves.

ODR_FAULT_FILES (200) and ODR_FAULT_ROUNDS (6) size the campaign, ODR_FAULT_SEED picks the moments;
the numbers of a large run are in the notes (notes/hostile.md). Linux only: it reads /proc.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from archive import text_record
from test_inputs import one_entry_per_input
from test_resume import _integrity
from test_workers import _gone, children_of

REPO = Path(__file__).resolve().parents[1]
FILES = int(os.environ.get("ODR_FAULT_FILES", "200"))
ROUNDS = int(os.environ.get("ODR_FAULT_ROUNDS", "6"))
SEED = int(os.environ.get("ODR_FAULT_SEED", "11"))

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@dataclass
class Campaign:
    rng: random.Random
    main_kills: int = 0
    worker_kills: int = 0
    finished_rounds: int = 0
    outcomes: list[str] = field(default_factory=list)


def _add(root: Path, paths: list[str], count: int, rng: random.Random) -> None:
    """`count` more records in folders of fifty; one in twenty a copy of an earlier one, one in fifty empty."""
    for i in range(len(paths), len(paths) + count):
        folder = root / f"part-{i // 50:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"record-{i:05d}.txt"
        roll = rng.random()
        if roll < 0.02:
            path.write_bytes(b"")
        elif roll < 0.07 and paths:
            path.write_bytes(Path(rng.choice(paths)).read_bytes())
        else:
            path.write_text(text_record(i), encoding="utf-8")
        paths.append(str(path))


def _edit(paths: list[str], count: int, rng: random.Random) -> None:
    """`count` files rewritten: new content, or the content of another file."""
    for path in rng.sample(paths, count):
        source = rng.choice(paths)
        data = Path(source).read_bytes() if rng.random() < 0.3 else text_record(rng.randrange(10**6)).encode()
        Path(path).write_bytes(data)


def _batch(root: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "extractor.cli", "batch", str(root), "-o", str(out), "--resume", "-j", "2",
         "--model", "blank", "--timeout", "30", "--no-progress", "-q"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _round(root: Path, out: Path, campaign: Campaign, window: float) -> None:
    """One run, with a SIGKILL of a worker now and then, and of the main process at a random moment
    within `window` seconds (when the run has not finished by then)."""
    rng = campaign.rng
    process = _batch(root, out)
    deadline = time.monotonic() + rng.uniform(0.1, window)
    seen: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        workers = children_of(process.pid)
        seen.update(workers)
        if workers and rng.random() < 0.3:
            os.kill(rng.choice(workers), signal.SIGKILL)
            campaign.worker_kills += 1
        time.sleep(rng.uniform(0.01, 0.15))
    if process.poll() is None:
        seen.update(children_of(process.pid))
        process.kill()
        campaign.main_kills += 1
        campaign.outcomes.append("main killed")
    else:
        campaign.finished_rounds += 1
        campaign.outcomes.append(f"finished {process.returncode}")
    process.wait(60)
    assert process.returncode in (-signal.SIGKILL, 0, 1), process.stderr.read() if process.stderr else ""
    assert all(_gone(pid) for pid in seen), "a worker outlived its batch"
    if out.exists():  # the old OUT or the new one, never half of either
        db = sqlite3.connect(out)
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        db.close()


def test_kill_9_campaign_ends_with_one_entry_per_input(tmp_path):
    campaign = Campaign(random.Random(SEED))
    root = tmp_path / "archive"
    inputs: list[str] = []
    _add(root, inputs, FILES, campaign.rng)
    out = tmp_path / "decisions.db"
    started = time.monotonic()
    for number in range(ROUNDS):
        # start-up (about a second), then the work: all the files first, later a look at each and what changed
        _round(root, out, campaign, 1.5 + FILES / 300 if number == 0 else 2.0)
        _add(root, inputs, max(1, FILES // 50), campaign.rng)
        _edit(inputs, max(1, FILES // 50), campaign.rng)
    for _ in range(2):  # the last runs are left alone; the second reads again what workers died on
        final = _batch(root, out)
        _, stderr = final.communicate(timeout=900)
        assert final.returncode in (0, 1), stderr
    by_path = one_entry_per_input(out, inputs)
    _integrity(out)
    empty = {p for p in inputs if os.path.getsize(p) == 0}
    for path, entry in by_path.items():
        if path in empty:
            assert entry["status"] == "duplicate" or entry["kind"] == "empty", entry
        else:
            assert entry["status"] in ("record", "duplicate"), entry
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert leftovers == [], leftovers  # no journal, lock or temporary file behind
    print(f"\nfault campaign: {len(inputs)} files, {ROUNDS} rounds (seed {SEED}): {campaign.main_kills} kills of the main "
          f"process, {campaign.worker_kills} of workers, {campaign.finished_rounds} rounds finished; "
          f"{len(by_path)} entries; {time.monotonic() - started:.0f} s")


def test_a_batch_removes_what_a_run_killed_while_writing_left(tmp_path):
    root = tmp_path / "archive"
    root.mkdir()
    (root / "a.txt").write_text(text_record(1), encoding="utf-8")
    out = tmp_path / "decisions.db"
    left = [tmp_path / ".decisions.db.k1ll3d.tmp", tmp_path / ".decisions.db.k1ll3d.tmp-journal",
            tmp_path / ".decisions.metadata.json.x9.tmp"]
    for path in left:
        path.write_bytes(b"half")
    mine = tmp_path / ".decisions.db.notes"  # not a temporary file of odr's: kept
    mine.write_text("mine", encoding="utf-8")
    from extractor.batch import run_batch

    run_batch([root], out, workers=1)
    assert not any(path.exists() for path in left) and mine.exists()
