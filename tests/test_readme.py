"""The README's examples run as written: every `console` block, in order, in one fresh folder
(holding a copy of data/ and tests/reports/), each `$ ` command run by the shell with the
installed `osintlog`, its output compared with the lines under it — as sqlite-utils tests its
documentation.

In the expected output, a line `...` stands for any number of lines, `[...]` within a line for
any text, and a UTC timestamp for any other. A block right after `<!-- not run: REASON -->` is
skipped (it needs a terminal)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SKIP = re.compile(r"<!-- not run: .+ -->\s*$")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z")


@dataclass
class Example:
    line: int  # in README.md
    command: str
    expected: list[str]


def examples() -> list[Example]:
    """Every command of every console block not marked `not run`, in order."""
    lines = README.read_text(encoding="utf-8").splitlines()
    found: list[Example] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() == "```console" and not (index and SKIP.match(lines[index - 1])):
            index += 1
            while lines[index].strip() != "```":
                if lines[index].startswith("$ "):
                    start, command = index + 1, lines[index][2:]
                    while command.endswith("\\"):
                        index += 1
                        command = command[:-1] + " " + lines[index].strip()
                    found.append(Example(start, command, []))
                else:
                    found[-1].expected.append(lines[index])
                index += 1
        index += 1
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether the output is what the README shows (`...` for any lines, timestamps alike)."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and _same(expected[0], actual[0]) and matches(expected[1:], actual[1:])


def _same(expected: str, actual: str) -> bool:
    expected, actual = (TIMESTAMP.sub("T", line.rstrip()) for line in (expected, actual))
    if "[...]" not in expected:
        return expected == actual
    pattern = ".*".join(re.escape(part) for part in expected.split("[...]"))
    return re.fullmatch(pattern, actual) is not None


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    here = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "data", here / "data")
    shutil.copytree(ROOT / "tests" / "reports", here / "tests" / "reports")
    return here


def _environment(folder: Path) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(folder),
        "OSINTLOG_ANALYST": "anna",
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
    }


def test_the_readme_examples_run_as_written(folder: Path):
    failures = []
    for example in examples():
        done = subprocess.run(
            ["bash", "-c", example.command],
            cwd=folder,
            env=_environment(folder),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # in the order a terminal shows them
            text=True,
            timeout=120,
        )
        actual = done.stdout.splitlines()
        if not matches(example.expected, actual):
            failures.append(
                f"README.md:{example.line}: $ {example.command}\n"
                + "\n".join(f"  got: {line}" for line in actual[:30])
            )
    assert not failures, "\n\n".join(failures)
