"""A large import is checked in forked processes: the outcome is that of one process."""

from __future__ import annotations

import itertools
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osintlog.figures import ACCEPTED_FORMS
from osintlog.formats import InputFormat, part_ends, read_rows
from osintlog.workers import stream_parts

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
        f'skipped {source}:5: "lots" is not a figure; accepted forms: {ACCEPTED_FORMS}',
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


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_records_are_shared_among_processes_too(cli, tmp_path, monkeypatch, fmt):
    cli.ok("import", str(rows_csv(tmp_path / "rows.csv")), "--skip-invalid")
    exported = tmp_path / f"all.{fmt}"
    cli.ok("export", "-o", str(exported))
    monkeypatch.setenv("OSINTLOG_WORKERS", "3")
    monkeypatch.setenv("OSINTLOG_DB", str(tmp_path / "again.json"))
    assert "imported 28 claims" in cli.ok("import", str(exported)).stderr
    assert [c["metric"] for c in cli.json("export")] == [
        f"m.{n}" for n in range(1, 31) if n not in (4, 28)
    ]


def test_a_quote_in_an_unquoted_cell_does_not_split_a_record_between_processes(
    cli, tmp_path, monkeypatch
):
    # Counting quotes, every line end after m.1's stray quote seems inside a quoted cell, until
    # the end of the first line of m.21's note, which seems outside one and is inside: a cut
    # there is found out, and the file is read in one part.
    lines = ["metric,value,source,note", 'm.1,1,S,12" guns']
    lines += [f"m.{n},{n},S,plain" for n in range(2, 21)]
    lines += ['m.21,21,S,"two', 'lines"']
    lines += [f"m.{n},{'lots' if n == 25 else n},S," for n in range(22, 31)]
    source = tmp_path / "quotes.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stored = {}
    for workers in ("1", "2", "7"):
        monkeypatch.setenv("OSINTLOG_WORKERS", workers)
        monkeypatch.setenv("OSINTLOG_DB", str(tmp_path / f"{workers}.json"))
        result = cli.ok("import", str(source), "--skip-invalid")
        # m.25 is on line 27: after the header, 23 one-line rows and m.21's two lines
        assert result.stderr.startswith(f'skipped {source}:27: "lots" is not a figure')
        stored[workers] = [{**c, "logged_at": None} for c in cli.json("export")]
    assert [c["note"] for c in stored["1"]][:2] == ['12" guns', "plain"]
    assert stored["1"][20]["note"] == "two\nlines"
    assert len(stored["1"]) == 29
    assert stored["2"] == stored["1"] == stored["7"]


@pytest.mark.parametrize("workers", ["1", "2", "3", "7"])
def test_a_row_with_too_many_cells_is_told_as_one_process_tells_it(
    cli, tmp_path, monkeypatch, workers
):
    source = tmp_path / "wide.csv"
    rows = [f"m.{n},{n},S" for n in range(1, 31)]
    rows[4] = "m.5,5,S,extra"  # row 5 is on line 6
    source.write_text("metric,value,source\n" + "\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setenv("OSINTLOG_WORKERS", workers)
    result = cli.fails("import", str(source))
    assert result.stderr == (
        f"error: {source}:6: 4 cells but the header has 3 columns (a comma inside a cell needs "
        "quotes)\n"
    )


def test_a_worker_that_fails_has_its_part_worked_again_here():
    parent = os.getpid()

    def doubled(part, index):
        if os.getpid() != parent:
            raise RuntimeError("a child that dies")
        return [index, [n * 2 for n in part]]

    assert list(stream_parts(doubled, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], 2)) == [
        [0, [0, 2, 4, 6]],
        [1, [8, 10, 12, 14]],
        [2, [16, 18]],
    ]


def where(part, index):
    return {"pid": os.getpid(), "index": index, "items": list(part)}


def test_results_come_back_from_the_children_in_order():
    parts = [["a", "b", "c"], ["d", "e"], ["f"], ["g", "h"], ["i"]]
    results = list(stream_parts(where, parts, 2))
    assert [(r["index"], r["items"]) for r in results] == list(enumerate(parts))
    pids = {r["pid"] for r in results}
    # two children, each taking the next part when free; none of it done here
    assert len(pids) <= 2
    assert os.getpid() not in pids
    assert [r["pid"] for r in stream_parts(where, parts[:2], 1)] == [os.getpid()] * 2
    assert list(stream_parts(where, [], 2)) == []


def test_a_child_that_fails_half_way_leaves_the_rest_of_its_parts_here():
    parent = os.getpid()

    def dies_at_two(part, index):
        if index == 2 and os.getpid() != parent:
            os._exit(3)
        return where(part, index)

    parts = [["a"], ["b"], ["c"], ["d"], ["e"]]
    results = list(stream_parts(dies_at_two, parts, 2))
    assert [r["items"] for r in results] == parts
    # the child that took part 2 died with it: part 2 was worked here, the rest by the other
    here = [r["pid"] == parent for r in results]
    assert here == [False, False, True, False, False]


@pytest.mark.parametrize("value", ["0", "two", "-1", "²"])
def test_a_bad_worker_count_is_one_line(cli, tmp_path, monkeypatch, value):
    monkeypatch.setenv("OSINTLOG_WORKERS", value)
    result = cli.fails("import", str(rows_csv(tmp_path / "rows.csv")))
    assert result.stderr == (
        f"error: OSINTLOG_WORKERS={value!r}: give a whole number of processes, 1 or more\n"
    )


@given(size=st.integers(0, 10**7), count=st.integers(1, 64))
def test_parts_cover_everything_in_order_the_last_quarter_smaller(size, count):
    ends = [0, *part_ends(size, count), size]
    assert len(ends) == count + 1 and ends == sorted(ends)
    lengths = [end - start for start, end in itertools.pairwise(ends)]
    small = count // 4
    # each of the last quarter is a quarter of each other part, to within rounding
    assert all(abs(4 * n - big) <= 5 for n in lengths[count - small :] for big in lengths[:-small])


def test_the_last_parts_of_a_csv_file_are_the_small_ones():
    text = "metric,value,source\n" + "".join(f"m.x,{n:04d},S\n" for n in range(1600))
    rows = read_rows("f.csv", text.encode(), InputFormat.csv)
    lengths = [len(list(part)) for part in rows.parts(8)]
    # 8 parts, the last 2 a quarter the size of the first 6: 6 * 4 + 2 = 26 shares of 1,600 rows
    assert sum(lengths) == 1600
    assert all(245 <= n <= 247 for n in lengths[:6]) and all(61 <= n <= 62 for n in lengths[6:])
