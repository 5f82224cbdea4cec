"""Writing files whole or not at all: a temporary file beside the target, renamed into place."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`. On error it is removed,
    with any file a writer made beside it under its name (SQLite's `-journal`, `-wal`, `-shm`)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        _usual_permissions(temporary)
        os.replace(temporary, target)
    finally:
        for leftover in (temporary, *temporary.parent.glob(glob.escape(temporary.name) + "*")):
            leftover.unlink(missing_ok=True)


def remove_leftovers(target: str | os.PathLike) -> list[Path]:
    """Remove the temporary files a writer killed outright (SIGKILL, power loss) left beside `target`;
    returns them. Only for a caller that knows no other writer is at work on `target` (odr batch, once
    it holds OUT's lock)."""
    target = Path(target)
    found = sorted(target.parent.glob(glob.escape(f".{target.name}.") + "*.tmp*"))
    for leftover in found:
        leftover.unlink(missing_ok=True)
    return found


def _usual_permissions(path: Path) -> None:
    """mkstemp makes a private 0600 file; an output is the user's file, so give it what the umask gives."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


@contextlib.contextmanager
def atomic_writer(target: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    with atomic_path(target) as temporary, open(temporary, mode, encoding=None if "b" in mode else "utf-8") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
