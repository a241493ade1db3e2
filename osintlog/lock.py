"""The ledger's lock: one writer at a time across processes, through an OS lock on a file beside
the ledger (`ledger.json.lock`), which the OS lets go of when its process ends, however it ends
(kill -9 included). Reads take no lock.

On POSIX the lock is `flock` on that file, taken here directly: it is the lock filelock takes
there (the two wait for each other, so an osintlog that used filelock and this one share a
ledger safely), without filelock's modules, which cost every write 20-30 ms of start-up — a
tenth of what `add` may take at a million claims. Where there is no `flock` (Windows) the lock
is filelock's.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator

# How often a writer that waits tries the lock again.
POLL_SECONDS = 0.05


class LockTimeout(Exception):
    """Another process held the lock for longer than the writer would wait."""


@contextlib.contextmanager
def held(path: str, timeout: float) -> Iterator[None]:
    """The lock of the file `path` (made if it is missing), waited for up to `timeout`
    seconds and held while the block runs; `LockTimeout` when another process holds it that
    long, OSError when the file cannot be made or locked."""
    try:
        import fcntl
    except ImportError:
        with _held_by_filelock(path, timeout):
            yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _wait_for(descriptor, timeout)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _wait_for(descriptor: int, timeout: float) -> None:
    import fcntl

    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout from None
            time.sleep(POLL_SECONDS)


@contextlib.contextmanager
def _held_by_filelock(path: str, timeout: float) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout as error:
        raise LockTimeout from error
    try:
        yield
    finally:
        lock.release()
