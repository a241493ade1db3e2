"""Helpers for the reliability tests: the installed executable, run as a separate process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.reliability


def executable() -> str:
    found = shutil.which("osintlog", path=str(Path(sys.executable).parent))
    assert found, "osintlog is installed as a console script"
    return found


def environment(ledger: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSINTLOG")}
    env.update(OSINTLOG_DB=str(ledger), OSINTLOG_ANALYST="tester", NO_COLOR="1")
    return env


def run(ledger: Path, *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [executable(), *args],
        env=environment(ledger),
        capture_output=True,
        text=True,
        timeout=120,
        **options,
    )


def claims_in(ledger: Path) -> list[dict]:
    done = run(ledger, "list", "--all", "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def verified(ledger: Path) -> bool:
    done = run(ledger, "verify")
    return done.returncode == 0 and done.stdout == "" and done.stderr == ""


def write_csv(path: Path, count: int, metric: str = "r.x") -> Path:
    lines = ["metric,value,source,quote"]
    lines += [f'{metric},{n},Source {n % 7},"row {n}, quoted"' for n in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
