"""A large import is checked in forked processes: the outcome is that of one process."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from osintlog.workers import map_chunks

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")


def rows_csv(path: Path) -> Path:
    """30 rows: m.1 = 1 ... m.30 = 30, but row 4 has no figure and row 28 no source."""
    lines = ["metric,value,source"]
    for n in range(1, 31):
        value = "lots" if n == 4 else str(n)
        source = "" if n == 28 else "S"
        lines.append(f"m.{n},{value},{source}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", ["2", "3", "7"])
def test_an_import_on_several_processes_stores_what_one_process_stores(
    cli, tmp_path, monkeypatch, workers
):
    assert threading.active_count() == 1, "with other threads running, an import never forks"
    source = rows_csv(tmp_path / "rows.csv")
    monkeypatch.setenv("OSINTLOG_WORKERS", workers)
    result = cli.ok("import", str(source), "--skip-invalid")
    # the header is line 1, so row n is on line n + 1
    assert result.stderr.splitlines()[:2] == [
        f'skipped {source}:5: "lots" is not a figure; accepted forms: '
        "12000, 12,000, 12 000, 6 million, 1.5k, about 4,700, up to 6 million, at least 100, "
        "100+, 25,000-30,000, between 10,000 and 12,000, several dozen, tens of thousands, 40%",
        f"skipped {source}:29: source is required: fill in the source column, "
        "who asserts the figure",
    ]
    assert "imported 28 claims" in result.stderr
    stored = cli.json("export")
    expected = [n for n in range(1, 31) if n not in (4, 28)]
    assert [(c["metric"], c["best"]) for c in stored] == [(f"m.{n}", n) for n in expected]

    monkeypatch.setenv("OSINTLOG_WORKERS", "1")
    monkeypatch.setenv("OSINTLOG_DB", str(tmp_path / "one.json"))
    cli.ok("import", str(source), "--skip-invalid")
    assert [c["id"] for c in cli.json("export")] == [c["id"] for c in stored]


def test_a_worker_that_fails_has_its_chunk_worked_again_here():
    parent = os.getpid()

    def doubled(chunk, offset):
        if os.getpid() != parent:
            raise RuntimeError("a child that dies")
        return [offset, [n * 2 for n in chunk]]

    assert map_chunks(doubled, list(range(10)), 3) == [
        [0, [0, 2, 4, 6]],
        [4, [8, 10, 12, 14]],
        [8, [16, 18]],
    ]


def test_results_come_back_from_the_children_in_order():
    parent = os.getpid()

    def where(chunk, offset):
        return {"child": os.getpid() != parent, "offset": offset, "items": list(chunk)}

    assert map_chunks(where, ["a", "b", "c", "d", "e"], 2) == [
        {"child": False, "offset": 0, "items": ["a", "b", "c"]},
        {"child": True, "offset": 3, "items": ["d", "e"]},
    ]
    assert map_chunks(where, ["a"], 3) == [{"child": False, "offset": 0, "items": ["a"]}]
    assert map_chunks(where, [], 3) == [{"child": False, "offset": 0, "items": []}]


@pytest.mark.parametrize("value", ["0", "two", "-1", "²"])
def test_a_bad_worker_count_is_one_line(cli, tmp_path, monkeypatch, value):
    monkeypatch.setenv("OSINTLOG_WORKERS", value)
    result = cli.fails("import", str(rows_csv(tmp_path / "rows.csv")))
    assert result.stderr == (
        f"error: OSINTLOG_WORKERS={value!r}: give a whole number of processes, 1 or more\n"
    )
