"""`odr batch --engine dask`: a batch's files read on a Dask distributed cluster (the `odr[dask]` extra).

The batch is the same as with local workers (extractor/batch.py): inputs expanded, copies found and
OUT's contents left out in the main process, one journal, one OUT, the same summary. Only where each
file is read changes: the per-file function `batch.envelope` runs on a Dask worker and sends back its
JSON-serialisable envelope (the record's or error's JSON Lines entry, the sha256, the odr version).

* Paths travel, not bytes: every worker must see the inputs under the same paths (one machine, or a
  shared or network file system mounted alike on each).
* A bounded window: files go in tasks of up to CHUNK (a task of one short text record would cost
  Dask more than reading it), at most WINDOW_PER_THREAD tasks per worker thread in flight, one more
  submitted as each comes back (`distributed.as_completed`), so a million inputs never sit in the
  scheduler at once and each result is journalled as soon as its task is in.
* On the worker, each file is read in a forked child process (extractor/workers.py `Isolated`) with
  the batch's time limit and memory cap, exactly as local workers read it: a file that hangs pdfium
  or blows up its memory fails alone, as `timeout` or `too_large`, and the Dask worker lives on. The
  child is replaced after `RECYCLE_AFTER` files, and the Dask workers of `local:N` after their
  `LIFETIME` (Dask's lifetime options), so memory a native library keeps cannot creep.
* A Dask worker lost while reading a task (Dask gives up on it as `KilledWorker`): each of its files
  is sent again alone, and one that kills a worker alone becomes an `internal` error entry.
* Every envelope names the odr that read it: a worker running another odr version stops the batch
  (records read by two versions would not be one dataset); OUT keeps what was done (--resume).

`scheduler` is `local:N` (a LocalCluster of N worker processes, one thread each, started for this
batch and closed after it) or the address of a running scheduler (`tcp://host:8786`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass

from models import ErrorKind

from . import writers
from .batch import EngineError, lost_envelope, max_bytes_of, starter
from .errors import ExtractionFailure
from .workers import Isolated, Limits

# Files a worker's reading child reads before it is replaced by a fresh one. A fresh child starts
# anew (its profile, the spaCy model when a record needs it: a second or more), so not too often:
# at 1,000 the restarts cost the Dask engine a sixth of its speed on short text records.
RECYCLE_AFTER = 10_000
# A `local:N` Dask worker retires after this long (give or take the stagger) and is restarted.
LIFETIME = "1 hour"
LIFETIME_STAGGER = "5 minutes"
# Tasks in flight per worker thread: enough that no worker waits for the main process.
WINDOW_PER_THREAD = 3
# Files per task, at most: a task of one text record (a few ms) would cost Dask more than reading it.
CHUNK = 32
INSTALL = "pip install 'odr[dask]'"


@dataclass(frozen=True)
class _Reading:
    """What a Dask worker needs to read a batch's files; `token` tells one batch from the next."""

    token: str
    factory: Callable
    evidence: bool
    limits: Limits


class DaskEngine:
    """Reads a batch's files on the Dask cluster named by `scheduler` ('local:N' or an address)."""

    name = "dask"

    def __init__(self, scheduler: str, *, window: int | None = None, chunk: int | None = None,
                 connect_timeout: float = 30):
        self.scheduler = scheduler
        self.window = window
        self.chunk = chunk
        self.connect_timeout = connect_timeout
        local_workers(scheduler)  # a malformed local:N is refused before anything starts

    def results(self, paths: Sequence[str], factory: Callable, done: frozenset[str], evidence: bool,
                limits: Limits) -> Generator[tuple[int, dict], None, None]:
        """(index into paths, envelope) as each file is done, in the order they finish."""
        if not paths:  # every input settled in the main process: no cluster to start
            return
        try:
            from distributed import as_completed
        except ImportError:
            raise EngineError(f"--engine dask needs Dask distributed: {INSTALL}") from None
        reading = _Reading(uuid.uuid4().hex, factory, evidence, limits)
        max_bytes = max_bytes_of(factory)
        with self._client() as client:
            threads = sum(client.nthreads().values()) or 1
            window = self.window or WINDOW_PER_THREAD * threads
            # The contents already in OUT go to every worker once, not with every file: as a worker
            # plugin, which a worker that joins later (restarted after its lifetime) receives too.
            client.register_plugin(_Done(reading.token, done), name=f"odr-done-{reading.token}")
            size = self.chunk or _chunk_size(len(paths), threads)
            todo: deque[list[int]] = deque([list(range(i, min(i + size, len(paths))))
                                            for i in range(0, len(paths), size)])
            in_flight: dict[str, tuple[list[int], object]] = {}  # future key -> (indexes, future)
            running = as_completed()

            def submit() -> None:
                if todo:
                    indexes = todo.popleft()
                    future = client.submit(read_on_worker, reading, [paths[i] for i in indexes],
                                           key=f"odr-{reading.token}-{indexes[0]}-{len(indexes)}", pure=False)
                    in_flight[future.key] = (indexes, future)
                    running.add(future)

            for _ in range(window):
                submit()
            try:
                for future in running:
                    indexes, _ = in_flight.pop(future.key)
                    envelopes = self._envelopes(future, [paths[i] for i in indexes], max_bytes)
                    if envelopes is None:  # its Dask worker died: each file is tried again on its own
                        todo.extendleft([i] for i in reversed(indexes))
                    else:
                        yield from zip(indexes, envelopes, strict=True)
                    submit()
            finally:  # stopped early (Ctrl-C, an error): what is still in flight is cancelled
                running.clear()
                client.cancel([future for _, future in in_flight.values()], force=True)
                with contextlib.suppress(Exception):  # a scheduler gone away holds no plugin either
                    client.unregister_worker_plugin(f"odr-done-{reading.token}")

    @staticmethod
    def _envelopes(future, paths: list[str], max_bytes: int) -> list[dict] | None:
        """The envelopes of a task's files; None when its Dask worker died on a task of several files
        (which one did it is unknown), an `internal` error when it died on one file alone."""
        from distributed import KilledWorker

        try:
            envelopes = future.result()
        except KilledWorker as exc:
            if len(paths) > 1:
                return None
            failure = ExtractionFailure(ErrorKind.internal, f"the Dask worker died while reading this file ({exc})",
                                        advice="try it again; report it with the file if it happens again")
            return [lost_envelope(failure, paths[0], max_bytes)]
        for envelope in envelopes:
            if envelope["odr"] != writers.odr_version():
                raise EngineError(f"a Dask worker runs odr {envelope['odr']}, this is odr {writers.odr_version()}: "
                                  "install the same odr on every worker")
        return envelopes

    @contextlib.contextmanager
    def _client(self) -> Iterator:
        import dask
        from distributed import Client, LocalCluster

        workers = local_workers(self.scheduler)
        if workers is None:
            try:
                client = Client(self.scheduler, timeout=self.connect_timeout)
            except OSError as exc:
                raise EngineError(f"cannot reach the Dask scheduler at {self.scheduler} ({exc})") from None
            with client:
                yield client
            return
        # Workers forked from this process start with odr imported and its profile loaded (a spawned
        # one imports everything again: a second or more of a short batch).
        with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}), \
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR, lifetime=LIFETIME,
                          lifetime_stagger=LIFETIME_STAGGER, lifetime_restart=True) as cluster, Client(cluster) as client:
            yield client


def _chunk_size(files: int, threads: int) -> int:
    """CHUNK files a task, fewer when a small batch would otherwise leave a worker thread idle."""
    return max(1, min(CHUNK, files // (threads * WINDOW_PER_THREAD)))


def local_workers(scheduler: str) -> int | None:
    """N for 'local:N' (EngineError when N is not a positive number), None for an address."""
    if not scheduler.startswith("local:"):
        return None
    count = scheduler.removeprefix("local:")
    if not count.isdigit() or int(count) < 1:
        raise EngineError(f"--scheduler {scheduler}: 'local:N' needs a number of workers, e.g. local:4")
    return int(count)


# --------------------------------------------------------------------------------------------------
# on a Dask worker

_thread = threading.local()
_done: dict[str, frozenset[str]] = {}  # batch token -> the contents already in its OUT


try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # without the extra nothing here runs; the class must still be defined
    WorkerPlugin = object  # type: ignore[assignment,misc]


class _Done(WorkerPlugin):
    """A batch's contents already in OUT, kept by every worker of the cluster while the batch runs."""

    def __init__(self, token: str, done: frozenset[str]):
        self.token, self.done = token, done

    def setup(self, worker) -> None:
        _done[self.token] = self.done

    def teardown(self, worker) -> None:
        _done.pop(self.token, None)


def read_on_worker(reading: _Reading, paths: list[str]) -> list[dict]:
    """The task: `batch.envelope` for each path, each run in this thread's reading child (never raises)."""
    isolated: Isolated | None = getattr(_thread, "isolated", None)
    if isolated is None or getattr(_thread, "token", None) != reading.token:
        if isolated is not None:
            isolated.close()
        done = _done.get(reading.token, frozenset())
        isolated = _thread.isolated = Isolated(starter(reading.factory, done, reading.evidence), reading.limits,
                                               recycle_after=RECYCLE_AFTER)
        _thread.token = reading.token
    envelopes = []
    for path in paths:
        result = isolated.call(path)
        if isinstance(result, ExtractionFailure):  # stopped at the time limit, or its child died
            result = lost_envelope(result, path, max_bytes_of(reading.factory))
        envelopes.append(result)
    return envelopes
