"""A large import's per-row checks spread over the machine's cores, in forked processes.

Reading and checking a row is pure Python and takes tens of microseconds; at 100,000 rows that is
seconds on one core. The rows come in consecutive parts, a few per core (`formats.Rows.parts`);
`stream_parts` works them in children forked from this process (a child inherits the parts, so
nothing is sent to it), each child taking the next part not yet taken, and gives their results
back in the order of the parts as they come: this process chains and writes the first parts while
the children still check the rest.

Where fork is missing (Windows) or the work is small, everything runs here, in one process: the
result is the same either way. A child that fails for any reason is not trusted: the parts it
had not delivered are worked here, so an error surfaces exactly as it would without children,
and in the order of the parts.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, TypeVar

from osintlog.errors import BadSetting

Part = TypeVar("Part")
# Fewer rows than this per part are not worth a process (a fork and a transfer cost ~50 ms).
MIN_PART = 5_000
MAX_WORKERS = 8
# Parts per process: enough that the first results come early and the last part is small.
PARTS_EACH = 8
PIPE_SIZE = 1 << 20
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


def stream_parts(work: Work, parts: Sequence[Part], processes: int) -> Iterator[Any]:
    """`work(part, index)` for every part, given in the order of the parts as each is done.

    With `processes` above 1 the children are forked at once, here, and take the parts in
    order, each the next one not taken when it is free, so that this process can use each
    result as it comes (an import chains and writes the first parts while the next are being
    checked). A result comes back pickled (the child is this same program), read from the
    child's pipe by a thread as soon as it is written, so no child waits for this process.
    """
    if processes < 2 or len(parts) < 2:
        return (work(part, index) for index, part in enumerate(parts))
    stream = _streamed(work, parts, min(processes, len(parts)))
    next(stream)  # forks the children now, and stops them if the stream is dropped unread
    return stream


def _streamed(work: Work, parts: Sequence[Part], processes: int) -> Iterator[Any]:
    tasks = _task_pipe(len(parts))
    try:
        children = [_start_child(work, parts, tasks, number) for number in range(processes)]
    finally:
        os.close(tasks)
    inbox: queue.SimpleQueue[tuple[int, int, bytes | None]] = queue.SimpleQueue()
    for child in children:  # threads only now: a process should not fork while it runs some
        child.start_reading(inbox)
    try:
        yield None
        owners: dict[int, int] = {}
        results: dict[int, bytes] = {}
        ended: set[int] = set()
        for index, part in enumerate(parts):
            # Wait for this part unless no child can deliver it any more: then work it here.
            while index not in results and owners.get(index, -1) not in ended:
                if len(ended) == processes:
                    break
                number, taken, payload = inbox.get()
                if payload is None:
                    ended.add(number)
                elif payload:
                    results[taken] = payload
                else:
                    owners[taken] = number
            yield _unpickled(results.pop(index, None), work, part, index)
    finally:
        for child in children:
            _stop(child)


def _task_pipe(count: int) -> int:
    """A pipe holding the numbers of the parts, to be taken one at a time by the children."""
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(b"".join(index.to_bytes(4, "little") for index in range(count)))
    return read_end


class Child:
    """A forked child, and the end of its pipe this process reads."""

    def __init__(self, number: int, pid: int, pipe: BinaryIO) -> None:
        self.number, self.pid, self.pipe = number, pid, pipe

    def start_reading(self, inbox: queue.SimpleQueue[tuple[int, int, bytes | None]]) -> None:
        threading.Thread(target=self._read, args=(inbox,), daemon=True).start()

    def _read(self, inbox: queue.SimpleQueue[tuple[int, int, bytes | None]]) -> None:
        """What the child writes: for each part it takes, its number and an empty result, then
        its number and its result (a part's number in 4 bytes, a length in 8, so many bytes)."""
        with contextlib.suppress(OSError, ValueError):
            while len(head := self.pipe.read(12)) == 12:
                size = int.from_bytes(head[4:], "little")
                payload = self.pipe.read(size)
                if len(payload) != size:
                    break
                inbox.put((self.number, int.from_bytes(head[:4], "little"), payload))
        inbox.put((self.number, -1, None))


def _start_child(work: Work, parts: Sequence[Part], tasks: int, number: int) -> Child:
    read_end, write_end = os.pipe()
    with contextlib.suppress(ImportError, AttributeError, OSError):  # bigger pipes: Linux only
        import fcntl  # not on Windows, which has no fork either: nothing here runs there

        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: work parts, write each result, leave without any clean-up
        os.close(read_end)
        _run_child(work, parts, tasks, write_end, parent)
    os.close(write_end)
    return Child(number, pid, os.fdopen(read_end, "rb"))


def _run_child(work: Work, parts: Sequence[Part], tasks: int, write_end: int, parent: int) -> None:
    status = 1
    try:
        # Ctrl-C is the parent's to handle: it stops this child. Nothing is printed from here.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        with os.fdopen(write_end, "wb") as pipe:
            while len(task := os.read(tasks, 4)) == 4:  # 4 bytes from a pipe: read whole
                pipe.write(task + bytes(8))
                pipe.flush()
                index = int.from_bytes(task, "little")
                payload = pickle.dumps(work(parts[index], index), pickle.HIGHEST_PROTOCOL)
                if os.getppid() != parent:
                    return
                pipe.write(task + len(payload).to_bytes(8, "little"))
                pipe.write(payload)
                pipe.flush()
        status = 0
    finally:
        os._exit(status)


def _unpickled(payload: bytes | None, work: Work, part: Part, index: int) -> Any:
    """A child's result; worked here if its child failed before giving it (an error then
    surfaces exactly as it would without children, in the order of the parts)."""
    if payload is not None:
        with contextlib.suppress(Exception):  # a result that does not unpickle is not used
            return pickle.loads(payload)
    return work(part, index)


def _stop(child: Child) -> None:
    """Stop and reap a child if it is still there (after Ctrl-C or an error here)."""
    with contextlib.suppress(ChildProcessError, ProcessLookupError):
        if os.waitpid(child.pid, os.WNOHANG) == (0, 0):
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
    child.pipe.close()
