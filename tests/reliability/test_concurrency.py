"""Several terminals at once: every claim lands, and a lock held too long is a clear error."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import LEDGER_NAME
from filelock import FileLock

from .conftest import claims_in, environment, executable, run, verified

pytestmark = pytest.mark.reliability


def test_concurrent_adds_all_land(tmp_path: Path):
    ledger = tmp_path / LEDGER_NAME
    writers = 8
    processes = [
        subprocess.Popen(
            [executable(), "add", "c.x", str(n), "--source", f"writer {n}"],
            env=environment(ledger),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
    assert sorted(int(c["value"]) for c in claims_in(ledger)) == list(range(writers))
    assert verified(ledger)


def test_concurrent_imports_and_adds_interleave_whole(tmp_path: Path):
    ledger = tmp_path / LEDGER_NAME
    files = []
    for n in range(3):
        path = tmp_path / f"part{n}.csv"
        rows = [f"i.{n},{k},S" for k in range(200)]
        path.write_text("metric,value,source\n" + "\n".join(rows) + "\n")
        files.append(path)
    commands = [["import", str(path)] for path in files]
    commands += [["add", "i.add", str(n), "--source", "S"] for n in range(4)]
    processes = [
        subprocess.Popen([executable(), *c], env=environment(ledger), stderr=subprocess.PIPE)
        for c in commands
    ]
    for process in processes:
        process.wait(timeout=120)
        assert process.returncode == 0, process.stderr.read()
    claims = claims_in(ledger)
    assert len(claims) == 3 * 200 + 4
    assert verified(ledger)


def test_a_lock_held_too_long_is_a_busy_error(tmp_path: Path):
    ledger = tmp_path / LEDGER_NAME
    assert run(ledger, "add", "b.x", "1", "--source", "S").returncode == 0
    before = ledger.read_bytes()
    with FileLock(f"{ledger}.lock"):
        started = time.monotonic()
        done = run(ledger, "--lock-timeout", "0.5", "add", "b.y", "2", "--source", "S")
        waited = time.monotonic() - started
    assert done.returncode == 2
    assert done.stderr.startswith("error: ledger ") and "is busy" in done.stderr
    assert done.stderr.count("\n") == 1
    assert waited >= 0.5
    assert ledger.read_bytes() == before
    # reads never wait for the lock
    with FileLock(f"{ledger}.lock"):
        assert run(ledger, "--lock-timeout", "0.1", "list").returncode == 0


def test_a_writer_waits_for_the_lock_and_writes_once_it_is_let_go(tmp_path: Path):
    ledger = tmp_path / LEDGER_NAME
    holder = FileLock(f"{ledger}.lock", thread_local=False)
    holder.acquire()
    threading.Timer(0.5, holder.release).start()
    started = time.monotonic()
    done = run(ledger, "--lock-timeout", "10", "add", "w.x", "1", "--source", "S")
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 0.5
    assert [claim["value"] for claim in claims_in(ledger)] == ["1"]


def test_the_lock_is_the_one_filelock_takes_so_an_older_osintlog_waits_for_it(tmp_path: Path):
    from filelock import Timeout

    from osintlog.lock import LockTimeout, held

    path = str(tmp_path / f"{LEDGER_NAME}.lock")
    with held(path, timeout=1):
        with pytest.raises(Timeout):
            FileLock(path, timeout=0.2).acquire()
        with pytest.raises(LockTimeout), held(path, timeout=0.2):
            pass
    with FileLock(path, timeout=0.2):
        pass  # let go with the block
