"""Many files at once: worker processes, a per-file time limit, resume, progress, an entry per input.

How a batch accounts for every input
------------------------------------
* Inputs (files, folders walked recursively, glob patterns) are expanded in the main process and
  deduplicated by real path. A path that does not exist, or a pattern that matches nothing, is still
  an input: it ends as a `not_found` error entry.
* Worker processes (extractor/workers.py) each build one Extractor (spaCy loads lazily, once per
  worker) and take one file at a time, with more queued so they never wait on the main process. A
  worker reads the file, hashes it and, when its sha256 is already in OUT (`--resume`), reports it
  as skipped without extracting it.
* Each file has a time limit and a memory cap. A file past the time limit becomes a `timeout` error
  entry, one past the memory cap a `too_large` entry (killed for memory); a worker that dies otherwise
  (a crash in a native library) turns its file into an `internal` entry naming the signal. A killed
  or dead worker is replaced and the files queued behind it go back to the queue. The main process
  reads only regular files itself (hashing a file whose worker was lost), so a FIFO or a device among
  the inputs cannot hang it.
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
import datetime
import fcntl
import functools
import glob
import hashlib
import json
import os
import signal
import stat
import sys
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol, TextIO

from models import ErrorKind, ExtractionError, printable_path

from . import writers
from .errors import ExtractionFailure
from .limits import memory_failure
from .output import remove_leftovers
from .readers import ReadOptions
from .workers import Limits, run

_GLOB_CHARS = set("*?[")


# --------------------------------------------------------------------------------------------------
# inputs


class Inputs(list):
    """The input paths, in order; `refused`: those not to be read, each with what it leads to (a
    symbolic link found in a folder or by a glob that leads out of it: not followed unless asked)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: dict[str, str] = {}


def expand_inputs(inputs: Iterable[str | os.PathLike], *, extensions: Iterable[str] = (),
                  exclude: Iterable[str | os.PathLike] = (), follow_symlinks: bool = False) -> Inputs:
    """Files, folders (walked recursively, hidden entries skipped) and glob patterns -> unique paths.

    `extensions` (e.g. ("pdf", "txt")) limits what a folder walk or glob picks up; files named
    explicitly are always taken. A missing path or an empty pattern is kept as given so that the
    batch records it as a `not_found` error. A symbolic link met in a folder (or by a glob, in the
    folder before its first wildcard) that leads out of that folder is an input that is refused
    (`Inputs.refused`), unless `follow_symlinks`; one that stays inside is the file it leads to."""
    suffixes = {"." + e.lower().lstrip(".") for e in extensions}
    excluded = {os.path.realpath(p) for p in exclude}
    seen: set[str] = set()
    result = Inputs()

    def add(path: str, *, folder: str | None = None) -> None:
        if folder is not None and suffixes and Path(path).suffix.lower() not in suffixes:
            return
        target = os.path.realpath(path)
        leaves = folder is not None and not follow_symlinks and not _inside(target, folder)
        key = path if leaves else target  # a link refused is an input of its own
        if key in seen or target in excluded:
            return
        seen.add(key)
        result.append(path)
        if leaves:
            result.refused[path] = target

    for item in inputs:
        item = os.fspath(item)
        if os.path.isdir(item):
            for path in _walk(item, follow_symlinks, result):
                add(path, folder=os.path.realpath(item))
        elif os.path.lexists(item) or not (_GLOB_CHARS & set(item)):
            add(item)
        else:
            matches = [m for m in sorted(glob.glob(item, recursive=True)) if not os.path.isdir(m)]
            if not matches:
                add(item)  # becomes a not_found error: the pattern matched nothing
            base = os.path.realpath(_glob_base(item))
            for match in matches:
                add(match, folder=base)
    return result


def _walk(folder: str, follow_symlinks: bool, result: Inputs) -> Iterator[str]:
    """Every file under `folder`, hidden entries skipped. A linked folder is walked when following
    links (each real folder once); otherwise one that leads out of `folder` is refused as an input of
    its own (one inside is walked where it really is)."""
    top = os.path.realpath(folder)
    visited = {top}
    for root, dirs, files in os.walk(folder, followlinks=follow_symlinks):
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            path = os.path.join(root, name)
            target = os.path.realpath(path)
            if not os.path.islink(path) or (follow_symlinks and target not in visited):
                visited.add(target)
                kept.append(name)
            elif not follow_symlinks and not _inside(target, top) and path not in result.refused:
                result.append(path)
                result.refused[path] = target
        dirs[:] = kept
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _glob_base(pattern: str) -> str:
    """The folder a glob pattern searches: its path up to the first part with a wildcard."""
    parts = []
    for part in Path(pattern).parts:
        if _GLOB_CHARS & set(part):
            break
        parts.append(part)
    return os.path.join(*parts) if parts else "."


# --------------------------------------------------------------------------------------------------
# what OUT holds, and the journal


# Error kinds that --resume reads again: a fault of the run (the time limit, a crash), not of the file.
RETRIED_KINDS = frozenset({"timeout", "internal"})


@dataclass
class Keys:
    """What OUT holds: the entry of each path (by `_entry_key`, the last when a path has two)."""

    by_path: dict[str, writers.EntryKey] = field(default_factory=dict)

    def add(self, key: writers.EntryKey) -> None:
        if key.path is not None:
            self.by_path[_entry_key(key.path)] = key

    def owners(self, *, retry_errors: bool = False) -> dict[str, str]:
        """sha256 -> path of the record or error entry that holds it, errors to be read again left out."""
        owners: dict[str, str] = {}
        for key in self.by_path.values():
            if key.status != "duplicate" and key.sha256 and key.path and not _read_again(key, retry_errors):
                owners.setdefault(key.sha256, key.path)
        return owners


def _read_again(key: writers.EntryKey, retry_errors: bool) -> bool:
    """An error entry --resume reads again: a timeout or a crash, one with no content (the file was
    missing or unreadable), or any with --retry-errors."""
    return key.status == "error" and (retry_errors or not key.sha256 or key.kind in RETRIED_KINDS)


def _entry_key(path: str) -> str:
    """How an input and an entry's path are matched: the absolute path, printable (entries hold that)."""
    return os.path.abspath(printable_path(path))


class Journal:
    """Results as they arrive, one JSON line each, beside OUT (`.OUT.journal`), and the lock that keeps
    a second batch off the same OUT (`.OUT.lock`)."""

    def __init__(self, out: Path):
        self.path = out.with_name(f".{out.name}.journal")
        self.lock_path = out.with_name(f".{out.name}.lock")
        self._handle: TextIO | None = None
        self._lock: TextIO | None = None

    def lock(self) -> None:
        """Hold the lock file's flock, or raise OutputError. Only this process holds it: workers
        point their inherited descriptors elsewhere (extractor/workers.py)."""
        while True:
            with self._reporting(self.lock_path):
                self.lock_path.parent.mkdir(parents=True, exist_ok=True)
                lock = open(self.lock_path, "a")
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                lock.close()
                raise writers.OutputError(f"another odr batch is writing {self.lock_path.name[1:-5]}") from None
            if self._still_there(lock):
                self._lock = lock
                return
            # The batch before us removed the file between our open and our flock: a lock on a file
            # no longer at lock_path guards nothing (a third batch would create and lock a new one).
            lock.close()

    def _still_there(self, lock: TextIO) -> bool:
        try:
            here, there = os.fstat(lock.fileno()), os.stat(self.lock_path)
        except FileNotFoundError:
            return False
        return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)

    def unlock(self) -> None:
        """Remove the lock file while still holding it, then close it. Closing first would let a
        second batch lock the file that is about to be removed while a third creates a new one; in
        this order whoever waited on the old file sees it gone and takes the new one (lock())."""
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


def _finalize(sink: writers.Sink, journal: Journal, *, carry_over: bool, run: writers.Run | None = None) -> None:
    """OUT := OUT's entries, when carried over, less those of the paths the journal has a newer entry
    for, + the journal's last entry for each path. So a path whose file changed, or whose error was
    read again, keeps one entry. A duplicate follows the path that holds its content now (re-pointed
    when another path holds it; dropped, to be read again by --resume, when none does). Idempotent: a
    journal left by a run killed between the rename and its removal yields the same OUT again."""
    last: dict[str, int] = {}
    keys = []
    for index, entry in enumerate(journal.entries()):
        key = writers.key_of(entry)
        keys.append(key)
        if key.path is not None:
            last[_entry_key(key.path)] = index
    old = [key for key in sink.entry_keys() if key.path is not None] if carry_over else []
    final = [k for k in old if _entry_key(k.path or "") not in last]
    final += [k for i, k in enumerate(keys) if k.path is not None and last[_entry_key(k.path)] == i]
    owners: dict[str, str] = {}
    for key in final:
        if key.status != "duplicate" and key.sha256 and key.path:
            owners.setdefault(key.sha256, key.path)
    repointed: list[dict] = []

    def keep(key: writers.EntryKey) -> bool:
        if _entry_key(key.path or "") in last:
            return False
        if key.status != "duplicate":
            return not key.sha256 or owners.get(key.sha256) == key.path
        holder = owners.get(key.sha256 or "")
        if holder != key.same_as and holder is not None:
            repointed.append(writers.duplicate_entry(key.path, key.sha256, holder))
        return holder == key.same_as

    def new_entries() -> Iterator[dict]:
        yield from repointed
        for index, entry in enumerate(journal.entries()):
            key = keys[index]
            if key.path is None or last[_entry_key(key.path)] != index:
                continue
            holder = owners.get(key.sha256 or "")
            if key.status == "duplicate" and holder != key.same_as:
                if holder is None:
                    continue  # what it shared changed and nothing holds it now: --resume reads it again
                entry = writers.duplicate_entry(key.path, key.sha256, holder)
            elif key.status != "duplicate" and key.sha256 and holder != key.path:
                entry = writers.duplicate_entry(key.path, key.sha256, holder)  # another entry holds it already
            yield entry

    sink.write(new_entries(), keep=keep if carry_over else None, run=run)


def _existing_keys(sink: writers.Sink) -> Keys:
    keys = Keys()
    for key in sink.entry_keys():
        keys.add(key)
    return keys


# --------------------------------------------------------------------------------------------------
# the worker side


@dataclass(frozen=True)
class ExtractorSpec:
    """How a worker builds its Extractor: a plain value, so a batch can say what its workers read with."""

    profiles: tuple[str, ...] = ()
    model: str = "auto"
    options: ReadOptions | None = None  # None for the defaults
    council: str | None = None          # the records' council (extractor.manifest says which wins)
    manifest: str | None = None         # an archive's manifest.jsonl: where each file was fetched from

    def __call__(self):
        from .manifest import with_sources
        from .pipeline import Extractor
        from .readers import ReadOptions

        extractor = Extractor.create(tuple(self.profiles), self.model, self.options or ReadOptions())
        return with_sources(extractor, council=self.council, manifest=self.manifest)


def starter(factory: Callable, done: frozenset[str], evidence: bool) -> Callable[[], Callable[[str], dict]]:
    """What a new worker runs first: build its extractor, then read paths with it."""

    def start() -> Callable[[str], dict]:
        return functools.partial(envelope, factory(), done, evidence)

    return start


def envelope(extractor, done: frozenset[str], evidence: bool, path: str) -> dict:
    """The one per-file function of a batch, the same on every engine (local workers, Dask): an input
    reference in, a JSON-serialisable envelope out, and it never raises:

        {"status": "record" | "error" | "skip", "sha256": ..., "entry": the JSON Lines entry (None for
         a skip), "error_kind": ..., "odr": the odr version that read it}

    `done`: contents already in OUT (--resume), hashed but not extracted (status "skip").
    Serialised here, in the worker, not in the busy main process."""
    sha256 = None
    try:
        data = _read_small_enough(extractor, path)
        if data is None:  # missing, a directory, too large, unreadable: the reader names the kind
            record = extractor.extract_file(path)
        else:
            sha256 = hashlib.sha256(data).hexdigest()
            if sha256 in done:
                return _envelope("skip", sha256)
            record = extractor.extract_bytes(data, path=path)
    except ExtractionFailure as failure:
        failure.path = failure.path or path
        failure.sha256 = failure.sha256 or sha256
        return error_envelope(failure.to_error())
    except MemoryError:
        out_of_memory = memory_failure(None, "ran out of memory")
        out_of_memory.path, out_of_memory.sha256 = path, sha256
        return error_envelope(out_of_memory.to_error())
    except Exception as exc:  # a bug anywhere (reader, layout, fields) is an internal error, not a crash
        return error_envelope(ExtractionError(
            path=path, sha256=sha256, kind=ErrorKind.internal,
            message=_internal_message(path, f"{type(exc).__name__}: {exc}")))
    line = record.model_dump_json(exclude=None if evidence else {"evidence"})
    return _envelope("record", record.source.sha256, line)


def _envelope(status: str, sha256: str | None, entry: str | None = None, error_kind: str | None = None) -> dict:
    return {"status": status, "sha256": sha256, "entry": entry, "error_kind": error_kind, "odr": writers.odr_version()}


def error_envelope(error: ExtractionError) -> dict:
    line = json.dumps({"error": error.model_dump(mode="json")}, ensure_ascii=False)
    return _envelope("error", error.sha256, line, error.kind.value)


def lost_envelope(failure: ExtractionFailure, path: str, max_bytes: int) -> dict:
    """The envelope of a file whose worker was stopped or died: hashed here, where the file is, if it
    is a regular file (a FIFO or a device is never read)."""
    failure.path, failure.sha256 = path, _sha256_of_regular_file(path, max_bytes)
    return error_envelope(failure.to_error())


def _read_small_enough(extractor, path: str) -> bytes | None:
    options = getattr(extractor, "options", None)
    limit = getattr(options, "max_bytes", None)
    try:
        if not os.path.isfile(path):
            return None
        if limit is not None and os.path.getsize(path) > limit:
            return None
        with open(path, "rb") as handle:
            data = handle.read(limit + 1 if limit is not None else -1)
    except OSError:
        return None
    return None if limit is not None and len(data) > limit else data


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
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, error kind) of each error entry
    SHOWN_FAILURES: ClassVar[int] = 10

    @property
    def processed(self) -> int:
        return self.ok + self.failed

    @property
    def rate(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_status(self) -> int:
        return 130 if self.interrupted else (1 if self.failed else 0)

    def line(self, *, every_failure: bool = False) -> str:
        """One line: the counts, the failed files (the first ten, or all), the rate, OUT."""
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items()))
        text = (f"{self.ok} ok, {self.failed} failed{f' ({kinds})' if kinds else ''}, "
                f"{self.duplicates} duplicate, {self.skipped} skipped "
                f"in {self.seconds:.1f} s ({self.rate:.1f} docs/s) -> {self.output}")
        if self.failures:
            limit = len(self.failures) if every_failure else self.SHOWN_FAILURES
            shown = ", ".join(f"{path} ({kind})" for path, kind in self.failures[:limit])
            more = len(self.failures) - limit
            text += f"; failed: {shown}{f' and {more} more' if more > 0 else ''}"
        if self.interrupted:
            left = self.inputs - self.processed - self.skipped - self.duplicates
            text = f"interrupted: {text}; {left} left, re-run with --resume to finish"
        return text


class _Interrupted(Exception):
    pass


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
    limits: Limits = Limits(),
    resume: bool = False,
    retry_errors: bool = False,
    replace: bool = False,
    evidence: bool = True,
    extensions: Iterable[str] = (),
    follow_symlinks: bool = False,
    progress: Progress | bool | None = None,
    stop_after: int | None = None,
    exclude: Iterable[str | os.PathLike] = (),
    options: dict | None = None,
    sink_options: writers.SinkOptions | None = None,
    engine: Engine | None = None,
) -> Summary:
    """Extract every input into OUTPUT (format from its suffix). See the module docstring.

    An OUT that holds an earlier run's output is refused unless `resume` (add to it: inputs whose
    content has an entry are skipped; errors of the kinds in RETRIED_KINDS, or all with `retry_errors`,
    are read again) or `replace` (start again; a database keeps its other tables). `engine` reads the
    files: local worker processes by default (`workers` of them), or a Dask cluster
    (extractor/dask_engine.py). `factory` builds a worker's extractor (anything with
    extract_file/extract_bytes); `limits` are each file's time limit and memory cap;
    `follow_symlinks`: read what links leading out of a folder lead to (expand_inputs); `exclude`:
    files a folder walk or glob must not take as inputs (the archive's manifest); `stop_after` (a test
    hook) behaves like Ctrl-C once that many results are in; `options` are recorded with the run (the
    .db `runs` table)."""
    started = time.monotonic()
    own: dict[str, object] = {"workers": workers, "timeout": limits.timeout, "max_memory": limits.max_memory,
                              "resume": resume, "retry_errors": retry_errors, "replace": replace, "evidence": evidence,
                              "follow_symlinks": follow_symlinks, "extensions": list(extensions),
                              "engine": engine.name if engine else "local"}
    if isinstance(factory, ExtractorSpec):
        own.update(profiles=list(factory.profiles), model=factory.model)
    run = writers.Run("batch", datetime.datetime.now(datetime.UTC), options={**own, **(options or {})})
    sink = writers.sink_for(output, sink_options or writers.SinkOptions())
    journal = Journal(sink.path)
    journal.lock()
    for written in (sink.path, getattr(sink, "metadata_path", None)):  # what a run killed while writing left
        if written is not None:
            remove_leftovers(written)
    summary = Summary(output=printable_path(str(sink.path)))
    try:
        if not (resume or replace) and sink.has_output():
            raise writers.OutputError(f"{sink.path} holds an earlier run's output: --resume adds to it, --replace starts again")
        if resume and journal.path.exists():  # left by a killed run: into OUT first, OUT alone is the state
            _finalize(sink, journal, carry_over=True)
        journal.discard()
        existing = _existing_keys(sink) if resume else Keys()
        paths = expand_inputs(inputs, extensions=extensions, exclude=(sink.path, journal.path, *exclude),
                              follow_symlinks=follow_symlinks)
        summary.inputs = len(paths)
        ledger = _Ledger(paths, existing, existing.owners(retry_errors=retry_errors), journal, summary)
        journal.open()
        interrupted = False
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

        def on_signal(signum, frame):
            raise _Interrupted()

        for sig in previous:
            signal.signal(sig, on_signal)
        bar = progress if isinstance(progress, Progress) else Progress(len(paths), enabled=progress)
        try:
            _dispatch(paths, factory, engine or LocalWorkers(workers), limits, ledger, evidence, bar, stop_after)
        except (_Interrupted, KeyboardInterrupt):
            interrupted = True
        finally:
            # A second Ctrl-C must not cut the rebuild of OUT short (it is atomic anyway).
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            bar.close()
            try:
                journal.close()
                run.inputs, run.skipped = summary.inputs, summary.skipped
                _finalize(sink, journal, carry_over=resume, run=run)
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


class _Ledger:
    """The main process's account of a batch as results arrive: which path holds each content, and how
    each path was settled. When a path's old entry held content its file no longer has, the paths that
    leaned on that entry (inputs settled against it, duplicates in OUT) are read again."""

    def __init__(self, inputs: list[str], existing: Keys, owners: dict[str, str], journal: Journal, summary: Summary):
        self.inputs = set(inputs)
        self.existing = existing
        self.owners = dict(owners)                  # sha256 -> path of its record or error entry
        self.done = frozenset(owners)               # what workers may skip reading
        self.journal = journal
        self.summary = summary
        self.leaning: dict[str, set[str]] = {}      # sha256 -> paths settled against its holder
        self.again: dict[str, None] = {}            # paths to read again, whatever OUT holds (in order)
        self.settled: dict[str, str] = {}           # path -> the Summary counter it was counted in

    def settle(self, path: str, result: dict) -> None:
        """Account for one path's envelope (batch.envelope; status "copy": a copy found by its hash)."""
        kind, sha, line, error_kind = result["status"], result["sha256"], result["entry"], result["error_kind"]
        self._uncount(path)
        old = self.existing.by_path.get(_entry_key(path))
        if old is not None and old.status != "duplicate" and old.sha256 and old.path and old.sha256 != sha \
                and self.owners.get(old.sha256) == old.path:
            self._release(old.sha256, old.path)  # the file changed: its old content needs another holder
        if sha is not None and sha in self.owners:  # the content has an entry; this path may not
            holder = self.owners[sha]
            self.leaning.setdefault(sha, set()).add(path)
            if old is not None and old.sha256 == sha and (
                    old.path == holder if old.status != "duplicate" else old.same_as == holder):
                self._count(path, "skipped")
            else:
                entry = writers.duplicate_entry(printable_path(path), sha, holder)
                self.journal.write(json.dumps(entry, ensure_ascii=False))
                self._count(path, "duplicates")
        elif kind == "skip":  # its worker knew the content as held, but its holder has changed since
            self.again[path] = None
        else:
            if sha is not None:
                self.owners[sha] = printable_path(path)
            self.journal.write(line)
            self._count(path, "ok" if kind == "record" else "failed", error_kind)

    def _release(self, sha: str, holder: str) -> None:
        del self.owners[sha]
        for path in sorted(self.leaning.pop(sha, ())):
            self.again[path] = None
        for key in self.existing.by_path.values():  # entries in OUT that shared it, inputs or not
            if key.status == "duplicate" and key.sha256 == sha and key.same_as == holder and key.path:
                self.again.setdefault(key.path, None)

    def _count(self, path: str, counter: str, error_kind: str | None = None) -> None:
        setattr(self.summary, counter, getattr(self.summary, counter) + 1)
        if counter == "failed":
            self.summary.kinds[error_kind or ""] = self.summary.kinds.get(error_kind or "", 0) + 1
            self.summary.failures.append((printable_path(path), error_kind or ""))
        self.settled[path] = counter

    def _uncount(self, path: str) -> None:
        """A path read again counts once, as it ends; one that was not an input counts as one now."""
        counter = self.settled.pop(path, None)
        if counter is not None:
            setattr(self.summary, counter, getattr(self.summary, counter) - 1)
            if counter == "failed":
                kind = next(k for p, k in reversed(self.summary.failures) if p == printable_path(path))
                self.summary.failures.remove((printable_path(path), kind))
                self.summary.kinds[kind] -= 1
        elif path not in self.inputs:
            self.inputs.add(path)
            self.summary.inputs += 1


class LocalWorkers:
    """The local engine: worker processes on this machine (extractor/workers.py), each with the
    per-file time limit and memory cap."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1

    def results(self, paths: Sequence[str], factory: Callable, done: frozenset[str], evidence: bool,
                limits: Limits) -> Generator[tuple[int, dict], None, None]:
        """(index into paths, envelope) as each file is done, in the order they finish."""
        max_bytes = max_bytes_of(factory)
        with contextlib.closing(run(paths, starter(factory, done, evidence), workers=self.workers,
                                    limits=limits)) as results:
            for index, result in results:
                if isinstance(result, ExtractionFailure):  # its worker was killed or died
                    result = lost_envelope(result, paths[index], max_bytes)
                yield index, result


class EngineError(Exception):
    """An engine cannot go on: Dask not installed, no scheduler, a worker running another odr version."""


class Engine(Protocol):
    """Where a batch's files are read: `results` runs `envelope` for every path and yields (index,
    envelope) as each finishes; closing the iterator stops the work."""

    name: str

    def results(self, paths: Sequence[str], factory: Callable, done: frozenset[str], evidence: bool,
                limits: Limits) -> Generator[tuple[int, dict], None, None]: ...


def max_bytes_of(factory: Callable) -> int:
    return getattr(getattr(factory, "options", None), "max_bytes", None) or ReadOptions().max_bytes


def _dispatch(paths: Inputs, factory, engine: Engine, limits, ledger: _Ledger, evidence, bar, stop_after) -> None:
    """Every input to the ledger: the refused at once, the others read by the engine; then, until none
    is left, the paths that leaned on an entry whose file changed, read again whatever OUT holds.

    Copies are found before anything is read: inputs that share their size with another are hashed
    here, and only the first of each content (in input order) is read; the others are settled once
    its result is in (a duplicate entry, or skipped on --resume), and so is an input whose content OUT
    holds already. A copy whose first no longer had the same bytes is read in the next round."""
    count = 0

    def settle(path: str, result: dict) -> None:
        nonlocal count
        ledger.settle(path, result)
        bar.update(ledger.summary)
        count += 1
        if stop_after is not None and count >= stop_after:
            raise _Interrupted()

    def copy(sha: str) -> dict:
        return {"status": "copy", "sha256": sha, "entry": None, "error_kind": None}

    for path, target in paths.refused.items():
        settle(path, error_envelope(ExtractionFailure(
            ErrorKind.unsupported_format, f"a symbolic link out of the input folder, to {target}: not followed",
            path=path, advice="--follow-symlinks reads what links lead to").to_error()))
    tasks: list[str] = [p for p in paths if p not in paths.refused]
    hashes = _hash_alike(tasks, max_bytes_of(factory))
    done = ledger.done
    while tasks:  # each round reads again only what an earlier one settled against a changed file
        send: list[str] = []
        copies: dict[str, list[str]] = {}  # path sent -> its copies, settled after it
        first: dict[str, str] = {}
        for path in tasks:
            sha = hashes.get(path)
            if sha is not None and sha in ledger.owners:
                settle(path, copy(sha))
            elif sha is not None and sha in first:
                copies[first[sha]].append(path)
            else:
                if sha is not None:
                    first[sha], copies[path] = path, []
                send.append(path)
        round_hashes, hashes = hashes, {}  # a later round reads files that changed: hashes taken now are stale
        results = engine.results(send, factory, done, evidence, limits)
        with contextlib.closing(results):
            for index, result in results:
                path = send[index]
                ledger.again.pop(path, None)
                settle(path, result)
                for other in copies.pop(path, ()):
                    sha = round_hashes[other]
                    if sha in ledger.owners:
                        settle(other, copy(sha))
                    else:  # its first had other bytes when read: read this one too
                        ledger.again[other] = None
        tasks, done = list(ledger.again), frozenset()
        ledger.again.clear()


def _hash_alike(paths: Sequence[str], max_bytes: int) -> dict[str, str]:
    """The sha256 of every input that shares its size with another: only those can be copies. Regular
    files only, each hashed without blocking (a FIFO or a device is never read here)."""
    by_size: dict[int, list[str]] = {}
    for path in paths:
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            continue
        if stat.S_ISREG(info.st_mode) and info.st_size <= max_bytes:
            by_size.setdefault(info.st_size, []).append(path)
    hashes: dict[str, str] = {}
    for group in by_size.values():
        if len(group) < 2:
            continue
        for path in group:
            sha = _sha256_of_regular_file(path, max_bytes)
            if sha is not None:
                hashes[path] = sha
    return hashes


def _sha256_of_regular_file(path: str, max_bytes: int) -> str | None:
    """The file's sha256 when it is a regular file of at most `max_bytes`, else None. Opened without
    blocking and checked before a byte is read: a FIFO or a device never holds the main process."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
        return digest.hexdigest()
