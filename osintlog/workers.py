"""A large import's per-row checks spread over the machine's cores, in forked processes.

Reading and checking a row is pure Python and takes tens of microseconds; at 100,000 rows that is
seconds on one core. The rows come in one consecutive part per core (`formats.Rows.parts`);
`map_parts` works the first part in this process and each other in a child forked from it (the
child inherits the part, so nothing is sent to it), and reads each child's result back (pickled)
through a pipe, in order.

Where fork is missing (Windows) or the work is small, everything runs here, in one process: the
result is the same either way. A child that fails for any reason is not trusted: its part is
worked again here, so an error surfaces exactly as it would without children, and in the order
of the parts.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

from osintlog.errors import BadSetting

Part = TypeVar("Part")
# Fewer rows than this per part are not worth a process (a fork and a transfer cost ~50 ms).
MIN_PART = 5_000
MAX_WORKERS = 8
_FAILED = object()
Work = Callable[[Part, int], Any]


def worker_count(items: int) -> int:
    """How many processes to use for `items` rows: one per core, each with enough work, unless
    $OSINTLOG_WORKERS gives the number (1: never fork). Never more than one where fork is
    missing, or while this process runs other threads (a forked child could find their locks
    held forever)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    if given := os.environ.get("OSINTLOG_WORKERS", "").strip():
        return max(1, min(_workers_given(given), items))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS, items // MIN_PART))


def _workers_given(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        workers = 0
    if workers < 1:
        raise BadSetting(f"OSINTLOG_WORKERS={text!r}: give a whole number of processes, 1 or more")
    return workers


def map_parts(work: Work, parts: Sequence[Part]) -> list[Any]:
    """`work(part, index)` for every part, in order of the parts.

    The first part is worked in this process, so `work` may report progress there; the others
    in children, whose results come back pickled (the child is this same program, forked).
    """
    children = [_start_child(work, part, index) for index, part in enumerate(parts[1:], 1)]
    try:
        results = [work(part, 0) for part in parts[:1]]
        for child in children:
            result = _finish_child(child)
            if result is _FAILED:
                result = work(parts[child.index], child.index)
            results.append(result)
        return results
    finally:
        for child in children:
            _stop(child)


@dataclass
class Child:
    pid: int
    pipe: BinaryIO
    index: int


def _start_child(work: Work, part: Part, index: int) -> Child:
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: work its part, write the result, leave without any clean-up
        os.close(read_end)
        _run_child(work, part, index, write_end, parent)
    os.close(write_end)
    return Child(pid, os.fdopen(read_end, "rb"), index)


def _run_child(work: Work, part: Part, index: int, write_end: int, parent: int) -> None:
    status = 1
    try:
        # Ctrl-C is the parent's to handle: it stops this child. Nothing is printed from here.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        payload = pickle.dumps(work(part, index), protocol=pickle.HIGHEST_PROTOCOL)
        if os.getppid() == parent:
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
    finally:
        os._exit(status)


def _finish_child(child: Child) -> Any:
    with child.pipe:
        payload = child.pipe.read()
    _, status = os.waitpid(child.pid, 0)
    if status != 0 or not payload:
        return _FAILED
    try:
        return pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError):
        return _FAILED


def _stop(child: Child) -> None:
    """Stop and reap a child if it is still there (after Ctrl-C or an error here)."""
    child.pipe.close()
    with contextlib.suppress(ChildProcessError, ProcessLookupError):
        if os.waitpid(child.pid, os.WNOHANG) == (0, 0):
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
