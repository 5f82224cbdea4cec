"""Every file is read in a worker process: a memory cap, a deadline the parent enforces, nothing left behind.

`odr extract` and `odr batch` both read files through `run`, so whatever a hostile file does happens
in a child process forked from the main one, and the main process only ever reports it:

* Memory: a worker caps its own address space (RLIMIT_AS) at what it holds once ready plus
  `max_memory` (extractor/limits.py). Python code then meets MemoryError, a `too_large` failure; pdfium
  aborts the process (SIGABRT), which the parent reports as `too_large`: killed for memory.
* Time: in the worker, SIGALRM stops Python code at the time limit (a clean `timeout`; the worker is
  kept). Native code or a long regex that holds the interpreter never sees the alarm, so the parent
  kills a worker still busy `KILL_GRACE` seconds after the limit and starts another.
* Death: a worker that dies turns the task it was running into a failure that says what happened
  (killed for memory, the worker died with signal N, exited with status N), from its exit status and
  peak memory (wait4); tasks queued behind it are sent again to its replacement.
* The parent's death: workers die with it (PR_SET_PDEATHSIG on Linux; anywhere, a worker exits when
  the pipe to the main process closes) and hold nothing of it: every descriptor they inherit other
  than stdin, stdout, stderr and their own pipe is pointed at /dev/null on start, so the lock of a
  batch (an flock on an inherited descriptor) is held by the main process only.

POSIX only (fork); the memory cap and PR_SET_PDEATHSIG need Linux and are skipped elsewhere.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe, wait
from typing import Any

from models import ErrorKind

from .errors import ExtractionFailure
from .limits import cap_memory, memory_failure, time_limit

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_MEMORY = 1536 * 1024 * 1024
# A worker still busy this long after its time limit is killed by the parent.
KILL_GRACE = 2.0
# Tasks sent to a worker ahead of the one it is running, so it never waits for the main process.
_QUEUED = 2
_MB = 1024 * 1024
_PR_SET_PDEATHSIG = 1
_RETRY_ADVICE = "try it again; report it with the file if it happens again"


@dataclass(frozen=True)
class Limits:
    """What a worker may spend on one task: seconds (None: no limit) and bytes of memory on top of
    what it holds once ready (None: no cap)."""

    timeout: float | None = DEFAULT_TIMEOUT
    max_memory: int | None = DEFAULT_MAX_MEMORY


Start = Callable[[], Callable[[Any], Any]]


def run(tasks: Sequence, start: Start, *, workers: int = 1, limits: Limits = Limits()
        ) -> Generator[tuple[int, Any], None, None]:
    """Run `handle(task)` for every task in worker processes; yield (index, result) as results arrive.

    `start()` runs in each new worker and returns its `handle` (build what is costly there: an
    Extractor). A result is what `handle` returned, or an ExtractionFailure when the task hit the time
    limit or the memory cap, or its worker died; `handle` reports every other failure in its result.
    Close the iterator (contextlib.closing) to stop early: the workers are then ended."""
    if not tasks:
        return
    pending: deque[tuple[int, Any]] = deque(enumerate(tasks))
    pool = [_Worker(start, limits) for _ in range(max(1, min(workers, len(tasks))))]
    try:
        while pending or any(w.queue for w in pool):
            for worker in pool:
                worker.feed(pending)
            ready = wait([w.conn for w in pool], timeout=_next_wake(pool, limits))
            for i, worker in enumerate(pool):
                lost: tuple[int, ExtractionFailure] | None = None
                if worker.conn in ready:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        lost = worker.died(limits)
                    else:
                        if message[0] == "result":
                            yield worker.finish_head(), message[1]
                        elif message[0] == "ready":
                            worker.is_ready(message)
                        else:  # "fatal": the worker could not start; no other would either
                            raise RuntimeError(message[1])
                        continue
                elif worker.overdue(limits):
                    lost = worker.killed_at_deadline(limits)
                else:
                    continue
                pending.extendleft(reversed(worker.queue))  # sent behind the lost task, never started
                worker.queue.clear()
                pool[i] = _Worker(start, limits)
                if lost is not None:
                    yield lost
    finally:
        _shut_down(pool)


class Isolated:
    """One worker process for calls made one at a time, from any thread (a Dask worker's task thread):
    `call(task)` -> what `handle(task)` returned, or the ExtractionFailure of a task that hit the time
    limit or the memory cap, or whose worker died. The worker is started on the first call, replaced
    after a failure and after `recycle_after` tasks (memory a native library keeps cannot creep), and
    ended by `close()` or with the process that made it (a thread's Isolated dies with its thread:
    PR_SET_PDEATHSIG follows the thread that forked)."""

    def __init__(self, start: Start, limits: Limits = Limits(), recycle_after: int | None = None):
        self.start, self.limits, self.recycle_after = start, limits, recycle_after
        self._worker: _Worker | None = None
        self._calls = 0

    def call(self, task: Any) -> Any:
        worker = self._ready()
        worker.queue.append((0, task))
        worker.started = time.monotonic()
        with contextlib.suppress(OSError):  # it died: the EOF below says how
            worker.conn.send((0, task))
        while True:
            if worker.conn.poll(_next_wake([worker], self.limits)):
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    lost = worker.died(self.limits)
                    self._worker = None
                    assert lost is not None, "a task was running"
                    return lost[1]
                worker.queue.popleft()
                self._calls += 1
                if self.recycle_after and self._calls >= self.recycle_after:
                    self.close()
                return message[1]
            if worker.overdue(self.limits):
                self._worker = None
                return worker.killed_at_deadline(self.limits)[1]

    def _ready(self) -> _Worker:
        """The worker, started and ready (RuntimeError when one cannot start: no other would either)."""
        if self._worker is not None:
            return self._worker
        worker = _Worker(self.start, self.limits)
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.wait_exit(1.0)
            raise RuntimeError(f"a worker process failed to start ({worker.what_happened()})") from None
        if message[0] != "ready":
            _shut_down([worker])
            raise RuntimeError(message[1])
        worker.is_ready(message)
        self._worker, self._calls = worker, 0
        return worker

    def close(self) -> None:
        if self._worker is not None:
            _shut_down([self._worker])
            self._worker = None


def _next_wake(pool: list[_Worker], limits: Limits) -> float:
    """Seconds until the first busy worker's kill deadline (at most one)."""
    if not limits.timeout:
        return 1.0
    now = time.monotonic()
    deadlines = [w.started + limits.timeout + KILL_GRACE - now for w in pool if w.queue]
    return max(0.0, min([1.0, *deadlines]))


def _shut_down(pool: list[_Worker]) -> None:
    for worker in pool:
        with contextlib.suppress(OSError):
            worker.conn.send(None)
    deadline = time.monotonic() + 2
    for worker in pool:
        if worker.queue or not worker.wait_exit(max(0.0, deadline - time.monotonic())):
            worker.kill()
        worker.conn.close()


class _Worker:
    """The parent's handle on one worker process."""

    def __init__(self, start: Start, limits: Limits):
        self.conn, child = Pipe(duplex=True)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            status = 1
            try:
                self.conn.close()
                _worker_main(child, start, limits, parent)
                status = 0
            finally:
                os._exit(status)
        child.close()
        self.pid = pid
        self.ready = False
        self.queue: deque[tuple[int, Any]] = deque()  # sent, not yet answered; the head is running
        self.started = 0.0                             # when the head task started
        self.status: int | None = None                # os.waitpid status once reaped
        self.peak = 0                                  # peak resident memory in bytes, once reaped
        self.ready_size = 0                            # resident memory in bytes when it was ready

    def is_ready(self, message: tuple) -> None:
        self.ready = True
        self.ready_size = message[1] if len(message) > 1 else 0

    def feed(self, pending: deque) -> None:
        while self.ready and pending and len(self.queue) < _QUEUED:
            task = pending.popleft()
            try:
                self.conn.send(task)
            except OSError:  # it died: the task goes back; the EOF that follows replaces the worker
                pending.appendleft(task)
                return
            if not self.queue:
                self.started = time.monotonic()
            self.queue.append(task)

    def finish_head(self) -> int:
        index, _ = self.queue.popleft()
        self.started = time.monotonic()
        return index

    def overdue(self, limits: Limits) -> bool:
        return bool(limits.timeout and self.queue and time.monotonic() - self.started > limits.timeout + KILL_GRACE)

    def killed_at_deadline(self, limits: Limits) -> tuple[int, ExtractionFailure]:
        self.kill()
        index, _ = self.queue.popleft()
        return index, ExtractionFailure(ErrorKind.timeout, f"killed at the {limits.timeout:g} s time limit")

    def died(self, limits: Limits) -> tuple[int, ExtractionFailure] | None:
        """The pipe closed: the worker is gone. Its running task, if any, fails with what happened."""
        if not self.wait_exit(1.0):
            self.kill()
        if not self.queue:
            if not self.ready:
                raise RuntimeError(f"a worker process failed to start ({self.what_happened()})")
            return None
        index, _ = self.queue.popleft()
        return index, self.death_failure(limits)

    def death_failure(self, limits: Limits) -> ExtractionFailure:
        status = self.status or 0
        signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        cap = limits.max_memory
        if cap and (signum == signal.SIGABRT or (signum == signal.SIGKILL and self.peak - self.ready_size >= cap // 2)):
            # Under the cap pdfium aborts when an allocation fails; a SIGKILL we did not send to a
            # worker that had grown that much since it was ready is the system's out-of-memory killer
            # (what it held when ready is the main process's, inherited: more in a larger program).
            return memory_failure(cap, f"the worker was killed for memory ({self.what_happened()}, "
                                       f"peak {self.peak // _MB:,} MB)")
        return ExtractionFailure(ErrorKind.internal, f"the worker {self.what_happened()} while reading this file",
                                 advice=_RETRY_ADVICE)

    def what_happened(self) -> str:
        status = self.status or 0
        if os.WIFSIGNALED(status):
            signum = os.WTERMSIG(status)
            with contextlib.suppress(ValueError):
                return f"died with signal {signum} ({signal.Signals(signum).name})"
            return f"died with signal {signum}"
        return f"exited with status {os.WEXITSTATUS(status)}"

    def wait_exit(self, seconds: float) -> bool:
        """Reap the worker if it exits within `seconds`; True once it has."""
        deadline = time.monotonic() + seconds
        pause = 0.0005
        while self.status is None:
            try:
                pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere (a SIGCHLD handler): what happened is unknown
                self.status = 0
                break
            if pid:
                self.status, self.peak = status, usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
                break
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)  # a worker told to stop is gone within a millisecond or two
            pause = min(pause * 2, 0.05)
        return True

    def kill(self) -> None:
        if self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.wait_exit(60)


# --------------------------------------------------------------------------------------------------
# the worker side


def _worker_main(conn: Connection, start: Start, limits: Limits, parent: int) -> None:
    _detach(conn.fileno(), parent)
    try:
        handle = start()
    except BaseException as exc:  # report, then exit: the parent stops the run
        conn.send(("fatal", f"cannot start a worker: {type(exc).__name__}: {exc}"))
        return
    cap_memory(limits.max_memory)
    conn.send(("ready", _resident_bytes()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the main process is gone
            return
        if task is None:
            return
        _, payload = task
        conn.send(("result", _run_one(handle, payload, limits)))


def _run_one(handle: Callable[[Any], Any], payload: Any, limits: Limits) -> Any:
    try:
        with time_limit(limits.timeout):
            return handle(payload)
    except ExtractionFailure as failure:  # the time limit
        return failure
    except MemoryError:
        return memory_failure(limits.max_memory, "ran out of memory")
    except Exception as exc:  # `handle` reports its own failures; this is a bug in it
        return ExtractionFailure(ErrorKind.internal, f"{type(exc).__name__}: {exc}")


def _resident_bytes() -> int:
    """This process's resident memory now (0 where /proc cannot tell)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _detach(keep: int, parent: int) -> None:
    """Hold nothing of the parent, and die with it."""
    # Ctrl-C reaches the whole process group: the main process alone decides what happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in _open_descriptors():
        if fd > 2 and fd not in (keep, null):
            with contextlib.suppress(OSError):
                os.dup2(null, fd)  # not closed: a stale Python object may still write to it
    os.close(null)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before PR_SET_PDEATHSIG was in place
        os._exit(0)


def _open_descriptors() -> list[int]:
    for folder in ("/proc/self/fd", "/dev/fd"):
        with contextlib.suppress(OSError):
            return [int(name) for name in os.listdir(folder)]
    return list(range(3, 256))
