"""Fixtures: every test gets its own ledger file in tmp_path; none touches a real ledger."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from osintlog.cli import app

DATA = Path(__file__).resolve().parent.parent / "data" / "dprk-kursk-2025-08-22.csv"


# The store every test's ledger is kept in (OSINTLOG_TEST_STORE=sqlite), by the name its ledger is
# given: a new store is a line here. Tests of the JSON file's own layout (they write or read its
# bytes) are marked json_file, and run on the JSON file alone.
LEDGER_NAMES = {"json": "ledger.json", "sqlite": "ledger.sqlite"}
STORE = os.environ.get("OSINTLOG_TEST_STORE", "json")
LEDGER_NAME = LEDGER_NAMES[STORE]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if STORE == "json":
        return
    skip = pytest.mark.skip(reason="about the JSON file's own layout")
    for item in items:
        if "json_file" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point $OSINTLOG_DB at a temporary file, fix the analyst and a wide, colourless console."""
    ledger = tmp_path / LEDGER_NAME
    monkeypatch.setenv("OSINTLOG_DB", str(ledger))
    monkeypatch.setenv("OSINTLOG_ANALYST", "tester")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    return ledger


@pytest.fixture
def ledger_path(isolated: Path) -> Path:
    return isolated


def stored(path: Path) -> tuple[dict | None, list[dict]]:
    """What a ledger file holds, whichever store it is: its header and its entries, read by
    that store (what was written, not what a view shows)."""
    from osintlog.store import open_store

    kept = open_store(path).load()
    return kept.header, kept.entries


class Cli:
    """Runs the real Typer app, as a user would type it."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None) -> Result:
        return self.runner.invoke(app, list(args), input=input)

    def ok(self, *args: str, input: str | bytes | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, result.output
        return result

    def fails(self, *args: str, input: str | bytes | None = None, code: int = 2) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return result

    def json(self, *args: str) -> list[dict]:
        return json.loads(self.ok(*args, "--format", "json").stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def seeded(cli: Cli, ledger_path: Path) -> Path:
    """The sample data of data/ imported into the test's ledger (opt-in)."""
    cli.ok("import", str(DATA))
    return ledger_path
