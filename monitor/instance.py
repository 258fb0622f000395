"""One `monitor run` per database: a lock file beside it, held while the daemon lives.

flock(2) is released by the kernel when the process dies, however it dies, so
a crashed daemon never leaves a stale lock behind that a user must delete.
Manual commands (`crawl`, `publish`) do not take it: they share the database
through SQLite's own locking and wait for the daemon's writes to finish.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.errors import StoreError


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextmanager
def single_instance(database: Path) -> Iterator[None]:
    """Raises StoreError (exit 2) when another `monitor run` holds this database."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            pid = f" (pid {other})" if other.isdigit() else ""
            raise StoreError(f"another `monitor run` is already running on {database}{pid}; "
                             f"stop it first (lock: {path})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
