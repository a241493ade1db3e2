"""extract --review on a real terminal (a pseudo-terminal), answered prompt by prompt."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")

REPORT = Path(__file__).resolve().parent / "reports" / "dprk-kursk-awards.txt"
PROMPT = b"[a]ccept, [e]dit metric, [s]kip, [q]uit"


class Terminal:
    """A process on a pseudo-terminal: wait for a text, then type a line."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the program, and never return into pytest
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.seen = b""

    def expect(self, text: bytes, timeout: float = 30) -> None:
        assert self.sees(text, timeout), f"never saw {text!r} in {self.seen[-500:]!r}"

    def sees(self, text: bytes, timeout: float) -> bool:
        """Whether the text comes within `timeout` seconds (what came after it is kept)."""
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            if time.monotonic() >= deadline:
                return False
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.fd, 4096)
                except OSError:
                    break
        self.seen = self.seen[self.seen.index(text) + len(text) :]
        return True

    def interrupt(self, answer: bytes) -> None:
        """Ctrl-C, until the program answers. A Ctrl-C that comes as Python enters a prompt's
        read, after it last looked for signals and before the read begins, waits for the next
        key (CPython's readline loop): then it is pressed again, as a person would."""
        os.write(self.fd, b"\x03")
        if not self.sees(answer, timeout=10):
            os.write(self.fd, b"\x03")
            self.expect(answer)

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\n")

    def wait(self) -> int:
        while True:
            try:
                if not os.read(self.fd, 4096):
                    break
            except OSError:
                break
        return os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


def test_review_accepts_edits_skips_and_quits(tmp_path: Path):
    executable = shutil.which("osintlog", path=str(Path(sys.executable).parent))
    ledger = tmp_path / "ledger.json"
    env = {"PATH": "/usr/bin:/bin", "OSINTLOG_DB": str(ledger), "OSINTLOG_ANALYST": "t"}
    env |= {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
    terminal = Terminal([executable, "extract", str(REPORT), "--via", "Babel", "--review"], env)
    terminal.expect(PROMPT)  # 1: 101 portraits
    terminal.type("a")
    terminal.expect(PROMPT)  # 2: about 12 000 people
    terminal.type("e")
    terminal.expect(b"Metric")
    terminal.type("Not A Metric!")
    terminal.expect(b"not a metric")
    terminal.expect(b"Metric")
    terminal.type("dprk.troops.deployed")
    terminal.expect(PROMPT)  # 3: another 3 000
    terminal.type("s")
    terminal.expect(PROMPT)  # 4: 15 000
    terminal.type("q")
    assert terminal.wait() == 0
    listed = subprocess.run(
        [executable, "list", "--format", "jsonl"], env=env, capture_output=True, text=True
    )
    claims = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sorted((c["metric"], c["value"], c["source"]) for c in claims) == [
        ("dprk.troops.deployed", "about 12 000", "Babel"),
        ("portraits.killed", "101", "Babel"),
    ]


def test_review_warns_of_a_claim_the_ledger_has_for_the_same_source_and_date(tmp_path: Path):
    executable = shutil.which("osintlog", path=str(Path(sys.executable).parent))
    ledger = tmp_path / "ledger.json"
    env = {"PATH": "/usr/bin:/bin", "OSINTLOG_DB": str(ledger), "OSINTLOG_ANALYST": "t"}
    env |= {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
    argv = [executable, "extract", str(REPORT), "--via", "Babel", "--review"]
    first = Terminal(argv, env)
    first.expect(PROMPT)  # 1: 101 portraits
    first.type("a")
    first.expect(PROMPT)
    first.type("q")
    assert first.wait() == 0
    second = Terminal(argv, env)
    second.expect(PROMPT)
    second.type("a")
    second.expect(b"warning: the ledger has")
    second.expect(b"from Babel")
    second.expect(PROMPT)
    second.type("q")
    assert second.wait() == 0


def test_add_on_a_terminal_asks_before_logging_beside_a_claim(tmp_path: Path):
    executable = shutil.which("osintlog", path=str(Path(sys.executable).parent))
    ledger = tmp_path / "ledger.json"
    env = {"PATH": "/usr/bin:/bin", "OSINTLOG_DB": str(ledger), "OSINTLOG_ANALYST": "t"}
    env |= {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
    add = [executable, "add", "m.night", "{}", "--source", "S", "--as-of", "2025-07-01"]
    first = [arg.format(472) for arg in add]
    assert subprocess.run(first, env=env, capture_output=True).returncode == 0
    before = ledger.read_bytes()
    terminal = Terminal([arg.format(477) for arg in add], env)
    terminal.expect(b"already gave m.night as of 2025-07-01")
    terminal.expect(b"Add it beside them?")
    terminal.type("n")
    assert terminal.wait() == 1  # declined: DESIGN's exit code
    assert ledger.read_bytes() == before
    terminal = Terminal([arg.format(477) for arg in add], env)
    terminal.expect(b"Add it beside them?")
    terminal.type("y")
    assert terminal.wait() == 0
    listed = subprocess.run([executable, "list", "-f", "csv"], env=env, capture_output=True)
    assert listed.stdout.count(b"m.night") == 2


def test_declining_a_correction_on_a_terminal_exits_1_and_writes_nothing(tmp_path: Path):
    executable = shutil.which("osintlog", path=str(Path(sys.executable).parent))
    ledger = tmp_path / "ledger.json"
    env = {"PATH": "/usr/bin:/bin", "OSINTLOG_DB": str(ledger), "OSINTLOG_ANALYST": "t"}
    env |= {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
    added = subprocess.run(
        [executable, "add", "m.x", "5", "--source", "S"], env=env, capture_output=True, text=True
    )
    claim_id = added.stdout.strip()
    before = ledger.read_bytes()
    for command in (["amend", claim_id, "--value", "6"], ["retract", claim_id, "--reason", "r"]):
        terminal = Terminal([executable, *command], env)
        terminal.expect(b"?")
        terminal.type("n")
        assert terminal.wait() == 1, command
    assert ledger.read_bytes() == before


def _review_terminal(tmp_path: Path) -> tuple[Terminal, dict[str, str], str]:
    executable = shutil.which("osintlog", path=str(Path(sys.executable).parent))
    env = {"PATH": "/usr/bin:/bin", "OSINTLOG_DB": str(tmp_path / "ledger.json")}
    env |= {"OSINTLOG_ANALYST": "t", "NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
    argv = [executable, "extract", str(REPORT), "--via", "Babel", "--review"]
    return Terminal(argv, env), env, executable


def _values(executable: str, env: dict[str, str]) -> list[str]:
    listed = subprocess.run([executable, "list", "-f", "jsonl"], env=env, capture_output=True)
    return sorted(json.loads(line)["value"] for line in listed.stdout.splitlines())


@pytest.mark.parametrize(("keep", "kept"), [("y", ["101"]), ("n", [])])
def test_review_asks_again_on_a_wrong_answer_and_ctrl_c_offers_to_keep(tmp_path, keep, kept):
    terminal, env, executable = _review_terminal(tmp_path)
    terminal.expect(PROMPT)  # 1: 101 portraits
    terminal.type("yes please")  # no answer of the four: asked again, never taken as accept
    terminal.expect(b"answer a, e, s or q")
    terminal.expect(PROMPT)
    terminal.type("a")
    terminal.expect(PROMPT)  # 2
    terminal.interrupt(b"Keep the 1 claim accepted so far?")
    terminal.type(keep)
    said = "kept the 1 accepted claim" if kept else "nothing was added"
    terminal.expect(f"error: interrupted; {said}".encode())
    assert terminal.wait() == 130
    if kept:
        assert _values(executable, env) == kept
    else:
        assert not (tmp_path / "ledger.json").exists()
