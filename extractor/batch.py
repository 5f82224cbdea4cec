"""Many files at once: worker processes, a per-file time limit, resume, progress, an entry per input.

How a batch accounts for every input
------------------------------------
* Inputs (files, folders walked recursively, glob patterns) are expanded in the main process and
  deduplicated by real path. A path that does not exist, or a pattern that matches nothing, is still
  an input: it ends as a `not_found` error entry.
* Worker processes each build one Extractor (spaCy loads lazily, once per worker) and take one file
  at a time, with one more queued so they never wait on the main process. A worker reads the file,
  hashes it and, when its sha256 is already in OUT (`--resume`), reports it as skipped without
  extracting it.
* The main process keeps a deadline per busy worker. A file that runs past `timeout` seconds becomes
  a `timeout` error entry; its worker is killed and replaced, its queued file goes back to the queue.
  A worker that dies (a crash in a native library, the OOM killer) turns its file into an
  `internal` error entry and is replaced the same way.
* Every result is appended, as one JSON line, to a journal beside OUT (`.OUT.journal`), flushed as
  it arrives. When the batch ends, or is interrupted (Ctrl-C / SIGTERM), the writer builds the new
  OUT from the results already in OUT (on `--resume`) plus the journal, in a temporary file renamed
  into place, then removes the journal. OUT is therefore never half-written; a run killed outright
  (SIGKILL, power loss) leaves the old OUT and the journal, which the next `--resume` first folds
  into OUT before it starts.
* The same content under two paths is extracted once (OUT is keyed by sha256): the input whose
  result arrives first gets the record or error entry, every other path with those bytes a
  duplicate entry naming it (`same_as`). On `--resume` an input whose sha256 is already in OUT is
  not read again; it is *skipped* when its path already has an entry, and otherwise (a new copy of
  a file done before) becomes a duplicate entry. So after any sequence of runs OUT has exactly one
  entry per input path: records + errors + duplicates = inputs.

The summary line counts each input once: ok + failed + duplicate + skipped (+ left, when interrupted)
= inputs. Exit status of `odr batch`: 0 when every input became a record, a duplicate or was skipped,
1 when some became error entries, 130 when interrupted (OUT then holds everything finished so far;
re-run with --resume).
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from models import ErrorKind, ExtractionError

from . import writers
from .errors import ExtractionFailure

if TYPE_CHECKING:
    from .readers import ReadOptions

_GLOB_CHARS = set("*?[")
DEFAULT_TIMEOUT = 60.0


# --------------------------------------------------------------------------------------------------
# inputs


def expand_inputs(inputs: Iterable[str | os.PathLike], *, extensions: Iterable[str] = (),
                  exclude: Iterable[str | os.PathLike] = ()) -> list[str]:
    """Files, folders (walked recursively, hidden entries skipped) and glob patterns -> unique paths.

    `extensions` (e.g. ("pdf", "txt")) limits what a folder walk or glob picks up; files named
    explicitly are always taken. A missing path or an empty pattern is kept as given so that the
    batch records it as a `not_found` error."""
    suffixes = {"." + e.lower().lstrip(".") for e in extensions}
    excluded = {os.path.realpath(p) for p in exclude}
    seen: set[str] = set()
    result: list[str] = []

    def add(path: str, *, walked: bool) -> None:
        if walked and suffixes and Path(path).suffix.lower() not in suffixes:
            return
        key = os.path.realpath(path)
        if key in seen or key in excluded:
            return
        seen.add(key)
        result.append(path)

    for item in inputs:
        item = os.fspath(item)
        if os.path.isdir(item):
            for root, dirs, files in os.walk(item):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        add(os.path.join(root, name), walked=True)
        elif os.path.lexists(item) or not (_GLOB_CHARS & set(item)):
            add(item, walked=False)
        else:
            matches = sorted(glob.glob(item, recursive=True))
            files = [m for m in matches if os.path.isfile(m)]
            if not files:
                add(item, walked=False)  # becomes a not_found error: the pattern matched nothing
            for match in files:
                add(match, walked=True)
    return result


# --------------------------------------------------------------------------------------------------
# what OUT holds, and the journal


@dataclass
class Keys:
    """What OUT already accounts for."""

    sha256: dict[str, str | None] = field(default_factory=dict)  # content -> path of its record or error
    unhashed_paths: set[str] = field(default_factory=set)        # error entries without a readable file
    paths: set[str] = field(default_factory=set)                 # every path with an entry of any kind

    def add(self, key: writers.EntryKey) -> None:
        if key.path is not None:
            self.paths.add(key.path)
        if key.status == "duplicate":
            return
        if key.sha256:
            self.sha256.setdefault(key.sha256, key.path)
        elif key.path is not None:
            self.unhashed_paths.add(key.path)

    def has(self, key: writers.EntryKey) -> bool:
        """Is this entry already here? A record or error by its content, anything else by its path."""
        return key.sha256 in self.sha256 if key.sha256 and key.status != "duplicate" else key.path in self.paths


class Journal:
    """Results as they arrive, one JSON line each, beside OUT (`.OUT.journal`), and the lock that keeps
    a second batch off the same OUT (`.OUT.lock`)."""

    def __init__(self, out: Path):
        self.path = out.with_name(f".{out.name}.journal")
        self.lock_path = out.with_name(f".{out.name}.lock")
        self._handle: TextIO | None = None
        self._lock: TextIO | None = None

    def lock(self) -> None:
        with self._reporting(self.lock_path):
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(self.lock_path, "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            raise writers.OutputError(f"another odr batch is writing {self.lock_path.name[1:-5]}") from None
        self._lock = lock

    def unlock(self) -> None:
        if self._lock is not None:
            self.lock_path.unlink(missing_ok=True)
            self._lock.close()
            self._lock = None

    @staticmethod
    @contextlib.contextmanager
    def _reporting(path: Path) -> Iterator[None]:
        """A full disk, a read-only folder, no permission: one OutputError line, not a traceback."""
        try:
            yield
        except OSError as exc:
            raise writers.OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None

    def open(self) -> None:
        """A new, empty journal (one left by a killed run has been folded into OUT or discarded)."""
        with self._reporting(self.path):
            self._handle = open(self.path, "w", encoding="utf-8")

    def write(self, line: str) -> None:
        """One entry in its JSON Lines form."""
        assert self._handle is not None, "Journal.open() first"
        with self._reporting(self.path):
            self._handle.write(line + "\n")
            self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            with contextlib.suppress(OSError):  # a failed flush was reported by write()
                handle.close()

    def after_failure(self) -> str:
        """OUT could not be written: keep the journal when it holds results (they are the work done;
        --resume folds them in once the disk has room) and say so; otherwise remove it."""
        with contextlib.suppress(OSError):
            if any(True for _ in self.entries()):
                return f"; the results so far are kept in {self.path.name} for --resume"
            self.discard()
        return ""

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    def entries(self) -> Iterator[dict]:
        """Every complete entry; a torn last line (a killed run) is skipped."""
        if not self.path.exists():
            return
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    yield entry


def _finalize(sink: writers.Sink, journal: Journal, *, carry_over: bool, drop_unhashed: AbstractSet[str] = frozenset()) -> None:
    """OUT := (OUT's entries, when carried over, less the unhashed errors to retry) + the journal's
    entries not already in it. Idempotent: a journal left behind by a run killed between the rename
    and its removal adds nothing twice."""
    old = Keys()

    def keep(key: writers.EntryKey) -> bool:
        if not key.sha256 and key.status != "duplicate" and key.path in drop_unhashed:
            return False
        old.add(key)
        return True

    def new_entries() -> Iterator[dict]:
        for entry in journal.entries():
            key = writers.key_of(entry)
            if not old.has(key):
                old.add(key)
                yield entry

    sink.write(new_entries(), keep=keep if carry_over else None)


def _existing_keys(sink: writers.Sink) -> Keys:
    keys = Keys()
    for key in sink.entry_keys():
        keys.add(key)
    return keys


# --------------------------------------------------------------------------------------------------
# the worker side


@dataclass(frozen=True)
class ExtractorSpec:
    """How a worker builds its Extractor; a plain picklable value (also works with 'spawn')."""

    profiles: tuple[str, ...] = ()
    model: str = "auto"
    options: ReadOptions | None = None  # None for the defaults

    def __call__(self):
        from .pipeline import Extractor
        from .readers import ReadOptions

        return Extractor.create(tuple(self.profiles), self.model, self.options or ReadOptions())


def _worker_main(conn, factory: Callable, done: frozenset[str], evidence: bool) -> None:
    # Ctrl-C goes to the whole process group: the main process alone decides what happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        extractor = factory()
    except BaseException as exc:  # report, then exit: the main process stops the batch
        conn.send(("fatal", None, f"cannot start a worker: {type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None, None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, path = task
        conn.send(_process(extractor, index, path, done, evidence))


def _process(extractor, index: int, path: str, done: frozenset[str], evidence: bool) -> tuple:
    """-> (kind, index, sha256, JSONL line, error kind); serialised here, not in the busy main process."""
    sha256 = None
    try:
        data = _read_small_enough(extractor, path)
        if data is None:  # missing, a directory, too large, unreadable: the reader names the kind
            record = extractor.extract_file(path)
        else:
            sha256 = hashlib.sha256(data).hexdigest()
            if sha256 in done:
                return ("skip", index, sha256, None, None)
            record = extractor.extract_bytes(data, path=path)
    except ExtractionFailure as failure:
        failure.path = failure.path or path
        failure.sha256 = failure.sha256 or sha256
        return _error_message(index, failure.to_error())
    except Exception as exc:  # a bug anywhere (reader, layout, fields) is an internal error, not a crash
        return _error_message(index, ExtractionError(
            path=path, sha256=sha256, kind=ErrorKind.internal,
            message=_internal_message(path, f"{type(exc).__name__}: {exc}")))
    line = record.model_dump_json(exclude=None if evidence else {"evidence"})
    return ("ok", index, record.source.sha256, line, None)


def _error_message(index: int, error: ExtractionError) -> tuple:
    line = json.dumps({"error": error.model_dump(mode="json")}, ensure_ascii=False)
    return ("error", index, error.sha256, line, error.kind.value)


def _read_small_enough(extractor, path: str) -> bytes | None:
    options = getattr(extractor, "options", None)
    limit = getattr(options, "max_bytes", None)
    try:
        if not os.path.isfile(path):
            return None
        if limit is not None and os.path.getsize(path) > limit:
            return None
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _internal_message(path: str, detail: str) -> str:
    return ExtractionFailure(ErrorKind.internal, detail, path=path).one_line()


# --------------------------------------------------------------------------------------------------
# the main side


@dataclass
class Summary:
    inputs: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0      # content and path already in OUT (--resume): nothing written
    duplicates: int = 0   # content already has an entry, this path not: a duplicate entry written
    seconds: float = 0.0
    interrupted: bool = False
    output: str = ""
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def processed(self) -> int:
        return self.ok + self.failed

    @property
    def rate(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_status(self) -> int:
        return 130 if self.interrupted else (1 if self.failed else 0)

    def line(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items()))
        text = (f"{self.ok} ok, {self.failed} failed{f' ({kinds})' if kinds else ''}, "
                f"{self.duplicates} duplicate, {self.skipped} skipped "
                f"in {self.seconds:.1f} s ({self.rate:.1f} docs/s) -> {self.output}")
        if self.interrupted:
            left = self.inputs - self.processed - self.skipped - self.duplicates
            text = f"interrupted: {text}; {left} left, re-run with --resume to finish"
        return text


class _Interrupted(Exception):
    pass


class _Worker:
    def __init__(self, ctx, factory, done, evidence):
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child, factory, done, evidence), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.queue: deque[tuple[int, str]] = deque()  # sent, not yet answered; the head is running
        self.started = 0.0                             # when the head task started

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class Progress:
    """One status line on stderr, redrawn at most ten times a second; silent when not a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = total
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, summary: Summary, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        done = summary.processed + summary.skipped + summary.duplicates
        elapsed = max(now - self.start, 1e-9)
        rate = summary.processed / elapsed
        left = self.total - done
        eta = _clock(left / rate) if rate > 0 else "--:--"
        width = 24
        filled = int(width * done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} files  {summary.failed} errors  "
                          f"{rate:.1f} docs/s  ETA {eta}  \x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def run_batch(
    inputs: Iterable[str | os.PathLike],
    output: str | os.PathLike,
    *,
    factory: Callable = ExtractorSpec(),
    workers: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    resume: bool = False,
    evidence: bool = True,
    extensions: Iterable[str] = (),
    progress: Progress | bool | None = None,
    stop_after: int | None = None,
) -> Summary:
    """Extract every input into OUTPUT (format from its suffix). See the module docstring.

    `factory` builds a worker's extractor (anything with extract_file/extract_bytes);
    `stop_after` (a test hook) behaves like Ctrl-C once that many results are in."""
    started = time.monotonic()
    sink = writers.sink_for(output)
    journal = Journal(sink.path)
    journal.lock()
    summary = Summary(output=str(sink.path))
    try:
        if resume and journal.path.exists():  # left by a killed run: into OUT first, OUT alone is the state
            _finalize(sink, journal, carry_over=True)
        journal.discard()
        existing = _existing_keys(sink) if resume else Keys()
        paths = expand_inputs(inputs, extensions=extensions, exclude=(sink.path, journal.path))
        summary.inputs = len(paths)
        # Inputs that failed earlier without a readable file (no sha256) are tried again; their old
        # entries are dropped when OUT is rebuilt so that nothing is written twice.
        retry = {p for p in paths if p in existing.unhashed_paths}
        has_entry = {os.path.realpath(p) for p in existing.paths - retry}
        journal.open()
        interrupted = False
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

        def on_signal(signum, frame):
            raise _Interrupted()

        for sig in previous:
            signal.signal(sig, on_signal)
        bar = progress if isinstance(progress, Progress) else Progress(len(paths), enabled=progress)
        try:
            _dispatch(paths, factory, workers, timeout, existing.sha256, has_entry, evidence, journal, summary,
                      bar, stop_after)
        except (_Interrupted, KeyboardInterrupt):
            interrupted = True
        finally:
            # A second Ctrl-C must not cut the rebuild of OUT short (it is atomic anyway).
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            bar.close()
            try:
                journal.close()
                _finalize(sink, journal, carry_over=resume, drop_unhashed=retry)
                journal.discard()
            except writers.OutputError as exc:
                raise writers.OutputError(f"{exc}{journal.after_failure()}") from None
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
        summary.interrupted = interrupted
    finally:
        journal.unlock()
    summary.seconds = time.monotonic() - started
    return summary


def _dispatch(paths, factory, workers, timeout, owners, has_entry, evidence, journal, summary, bar,
              stop_after) -> None:
    """`owners`: sha256 -> path of its record or error entry in OUT (grows as results arrive);
    `has_entry`: real paths of the inputs OUT already has an entry for."""
    if not paths:
        return
    owners = dict(owners)
    done = frozenset(owners)
    count = max(1, min(workers or os.cpu_count() or 1, len(paths)))
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pending: deque[tuple[int, str]] = deque(enumerate(paths))
    if ctx.get_start_method() == "fork":
        _warm(factory)
    pool = [_Worker(ctx, factory, done, evidence) for _ in range(count)]
    results = 0

    def record(kind: str, index: int, sha: str | None, line: str | None, error_kind: str | None) -> None:
        nonlocal results
        results += 1
        path = paths[index]
        if sha is not None and sha in owners:  # the content has an entry; this path may not
            if os.path.realpath(path) in has_entry:
                summary.skipped += 1
            else:
                journal.write(json.dumps(writers.duplicate_entry(path, sha, owners[sha]), ensure_ascii=False))
                summary.duplicates += 1
        else:
            if sha is not None:
                owners[sha] = path
            journal.write(line)
            if kind == "ok":
                summary.ok += 1
            else:
                summary.failed += 1
                summary.kinds[error_kind] = summary.kinds.get(error_kind, 0) + 1
        bar.update(summary)
        if stop_after is not None and results >= stop_after:
            raise _Interrupted()

    def fail_head(worker: _Worker, kind: ErrorKind, detail: str) -> None:
        index, path = worker.queue.popleft()
        error = ExtractionError(path=path, sha256=_sha256_or_none(path), kind=kind,
                                message=ExtractionFailure(kind, detail, path=path).one_line())
        pending.extendleft(reversed(worker.queue))  # queued behind it, never started: try again
        worker.queue.clear()
        record(*_error_message(index, error))

    try:
        while pending or any(w.queue for w in pool):
            for worker in pool:
                while worker.ready and pending and len(worker.queue) < 2:
                    task = pending.popleft()
                    try:
                        worker.conn.send(task)
                    except OSError:  # it died: put the task back; the EOF below replaces the worker
                        pending.appendleft(task)
                        break
                    if not worker.queue:
                        worker.started = time.monotonic()
                    worker.queue.append(task)
            now = time.monotonic()
            deadlines = [w.started + timeout - now for w in pool if w.queue and timeout]
            wait_for = max(0.0, min(deadlines)) if deadlines else 1.0
            ready = wait([w.conn for w in pool], timeout=min(wait_for, 1.0))
            for i, worker in enumerate(list(pool)):
                if worker.conn in ready:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message is None:  # the worker died
                        code = worker.process.exitcode
                        worker.kill()
                        if worker.queue:
                            fail_head(worker, ErrorKind.internal,
                                      f"the worker process died while reading this file (exit status {code})")
                        elif not worker.ready:
                            raise RuntimeError(f"a worker process failed to start (exit status {code})")
                        pool[i] = _Worker(ctx, factory, done, evidence)
                        continue
                    kind = message[0]
                    if kind == "ready":
                        worker.ready = True
                    elif kind == "fatal":
                        raise RuntimeError(message[2])
                    else:
                        worker.queue.popleft()
                        worker.started = time.monotonic()
                        record(*message)
                elif timeout and worker.queue and time.monotonic() - worker.started > timeout:
                    worker.kill()
                    fail_head(worker, ErrorKind.timeout, f"no result after {timeout:g} s; the file was abandoned")
                    pool[i] = _Worker(ctx, factory, done, evidence)
    finally:
        for worker in pool:
            if worker.process.is_alive():
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        deadline = time.monotonic() + 2
        for worker in pool:
            worker.process.join(max(0.0, deadline - time.monotonic()) if not worker.queue else 0)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(5)
            worker.conn.close()


def _warm(factory: Callable) -> None:
    """Load what is costly (spaCy, the profile) once, here, before forking: every worker, and every
    worker that replaces a killed one, then starts ready instead of loading spaCy again (~1 s each)."""
    try:
        extractor = factory()
        nlp = getattr(extractor, "nlp", None)
        if nlp is not None:
            _ = nlp.pipeline  # cached per process by nlp._load; forked workers inherit it
    except Exception:
        pass  # a worker reports the failure properly


def _sha256_or_none(path: str) -> str | None:
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None
