"""kill -9 and Ctrl-C at random moments: the ledger always opens, verifies, and an import is
all or nothing."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import LEDGER_NAME

from .conftest import claims_in, environment, executable, run, verified, write_csv

pytestmark = pytest.mark.reliability

ROUNDS = 6


def kill_at_random(argv: list[str], ledger: Path, rng: random.Random, longest: float) -> None:
    process = subprocess.Popen(
        [executable(), *argv],
        env=environment(ledger),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(rng.uniform(0, longest))
    process.kill()
    process.wait(timeout=60)


def seed_ledger(ledger: Path, tmp_path: Path, count: int = 300) -> None:
    done = run(ledger, "import", str(write_csv(tmp_path / "seed.csv", count, "seed.x")))
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("command", ["add", "amend", "import", "merge"])
def test_kill_9_never_corrupts(tmp_path: Path, command: str):
    rng = random.Random(f"{command}-9")
    ledger = tmp_path / LEDGER_NAME
    seed_ledger(ledger, tmp_path)
    big = write_csv(tmp_path / "big.csv", 3000, "big.x")
    other = tmp_path / "other.json"
    assert run(other, "import", str(write_csv(tmp_path / "o.csv", 2000, "other.x"))).returncode == 0
    for round_number in range(ROUNDS):
        before = len(claims_in(ledger))
        if command == "add":
            argv = ["add", "k.x", str(round_number), "--source", "S"]
        elif command == "amend":
            target = next(c["id"] for c in claims_in(ledger) if c["status"] == "active")
            argv = ["amend", target, "--value", str(10_000 + round_number), "--yes"]
        elif command == "import":
            argv = ["import", str(big)]
        else:
            argv = ["merge", str(other)]
        kill_at_random(argv, ledger, rng, longest=1.5)
        assert verified(ledger), f"round {round_number}: {run(ledger, 'verify').stderr}"
        after = len(claims_in(ledger))
        # all or nothing; a second import or merge of the same file adds nothing
        whole = {"import": 3000, "merge": 2000}.get(command, 1)
        assert after in (before, before + whole)
        assert not list(tmp_path.glob(f".{LEDGER_NAME}.*.tmp")), "no temporary file is left"


def start_large_import(tmp_path: Path, rows: int, **streams: Any) -> LargeImport:
    """A small ledger, and an import of `rows` rows into it started in two processes."""
    ledger = tmp_path / LEDGER_NAME
    seed_ledger(ledger, tmp_path, 50)
    big = write_csv(tmp_path / "big.csv", rows, "big.x")
    before = ledger.read_bytes()
    process = subprocess.Popen(
        [executable(), "import", str(big)],
        env={**environment(ledger), "OSINTLOG_WORKERS": "2"},
        **streams,
    )
    return LargeImport(process, ledger, big, before)


@dataclass
class LargeImport:
    process: subprocess.Popen
    ledger: Path
    source: Path
    before: bytes


def test_ctrl_c_during_a_long_import_leaves_the_ledger_untouched(tmp_path: Path):
    started = start_large_import(
        tmp_path, 200_000, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(1.0)
    started.process.send_signal(signal.SIGINT)
    _, errors = started.process.communicate(timeout=60)
    assert started.process.returncode == 130, errors
    assert errors == "error: interrupted; the ledger is unchanged\n"
    assert started.ledger.read_bytes() == started.before
    assert not processes_reading(started.source), "the processes checking rows stopped too"


def test_kill_9_during_a_large_import_leaves_no_process_behind(tmp_path: Path):
    """The children checking rows outlive a killed import only until their chunk is checked;
    they then see that their parent is gone and leave without writing anything."""
    started = start_large_import(
        tmp_path, 200_000, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(1.0)
    started.process.kill()
    started.process.wait(timeout=60)
    deadline = time.monotonic() + 60
    while processes_reading(started.source) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_reading(started.source)
    assert started.ledger.read_bytes() == started.before


def processes_reading(path: Path) -> list[int]:
    """The processes whose command line names `path` (Linux: read from /proc)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if str(path).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_crash_leaves_a_stale_lock_that_does_not_block(tmp_path: Path):
    """The lock is an OS lock on a file: a killed writer releases it with its process."""
    ledger = tmp_path / LEDGER_NAME
    seed_ledger(ledger, tmp_path, 10)
    shutil.copy(ledger, tmp_path / "copy.json")
    kill_at_random(
        ["import", str(write_csv(tmp_path / "b.csv", 3000))], ledger, random.Random(1), 0.3
    )
    done = run(ledger, "--lock-timeout", "2", "add", "after.x", "1", "--source", "S")
    assert done.returncode == 0, done.stderr
