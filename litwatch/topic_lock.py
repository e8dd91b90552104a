"""One run per topic at a time: an exclusive lock file beside the warehouse, held for a topic's whole run.

The lock is an OS advisory lock (`flock`) on `<warehouse>.<topic>.lock`: it is released by the kernel
when its holder exits, however it exits, so a killed run never leaves a stale lock behind. A second run
of the same topic waits up to `wait_seconds`, then refuses with TopicBusyError naming the holder. Runs
of different topics do not block each other here; DuckDB's own single-writer file lock then keeps
other processes out of the warehouse while one writes (WarehouseError, retried by the flows).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from litwatch.errors import TopicBusyError
from warehouse.runs import utc_now

POLL_SECONDS = 0.5


def lock_path(db_path: Path, topic_id: str) -> Path:
    return db_path.with_name(f"{db_path.name}.{topic_id}.lock")


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def topic_lock(db_path: Path, topic_id: str, *, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the topic's lock for the block; wait up to `wait_seconds` for a holder to finish, then refuse."""
    path = lock_path(db_path, topic_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = path.read_text(encoding="utf-8").strip() or "another run"
                raise TopicBusyError(
                    f"Topic {topic_id} is already being run ({holder}); this run refused to start so the "
                    f"warehouse is not written twice: try again when that run finishes."
                )
            time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {utc_now():%Y-%m-%d %H:%M:%S} UTC".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
