"""add, list, show and info through the real CLI, on real ledger files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import stored
from hypothesis import given, settings
from hypothesis import strategies as st

KILLED = [
    "add",
    "dprk.troops.killed",
    "about 4,700",
    "--source",
    "South Korean lawmakers",
    "--as-of",
    "April 2025",
    "--reported",
    "2025-08-22",
    "--rating",
    "B2",
    "--via",
    "Babel",
    "--tag",
    "kursk",
    "--tag",
    "casualties",
]


def test_add_stores_the_claim_with_its_parsed_figure(cli, ledger_path: Path):
    result = cli.ok(*KILLED)
    claim_id = result.stdout.strip()
    assert len(claim_id) == 32
    assert "added" in result.stderr and "≈4,700" in result.stderr
    [claim] = cli.json("list")
    assert claim == {
        "id": claim_id,
        "metric": "dprk.troops.killed",
        "value": "about 4,700",
        "low": None,
        "high": None,
        "best": 4700,
        "qualifier": "approx",
        "unit": None,
        "as_of": "2025-04",
        "reported": "2025-08-22",
        "source": "South Korean lawmakers",
        "via": "Babel",
        "url": None,
        "quote": None,
        "reliability": "B",
        "credibility": 2,
        "tags": ["casualties", "kursk"],
        "note": None,
        "analyst": "tester",
        "logged_at": claim["logged_at"],
        "supersedes": None,
        "status": "active",
        # derived: the claim's own rating, its one number, the days "April 2025" covers
        "effective_rating": "B2",
        "point": 4700,
        "as_of_start": "2025-04-01",
        "as_of_end": "2025-04-30",
        "future": False,
    }
    assert claim["logged_at"].endswith("Z")
    header, entries = stored(ledger_path)
    assert header["schema"] == 1
    assert entries[0]["id"] == claim_id


def test_logging_the_same_claim_twice_adds_nothing(cli, ledger_path: Path):
    first = cli.ok(*KILLED).stdout
    before = ledger_path.read_bytes()
    second = cli.ok(*KILLED)
    assert second.stdout == first
    assert "already in the ledger" in second.stderr
    assert ledger_path.read_bytes() == before


def test_dates_default_to_today(cli):
    cli.ok("add", "dprk.troops.deployed", "12000", "--source", "NIS")
    [claim] = cli.json("list")
    assert claim["reported"] == claim["as_of"]
    assert len(claim["reported"]) == 10


def test_year_less_date_takes_the_reported_year(cli):
    cli.ok("add", "m.x", "5", "-s", "S", "--as-of", "April 26", "--reported", "2025-08-22")
    assert cli.json("list")[0]["as_of"] == "2025-04-26"


def test_ambiguous_numeric_date_needs_an_order(cli):
    result = cli.fails("add", "m.x", "5", "-s", "S", "--as-of", "04/05/2025")
    assert "--dayfirst" in result.stderr
    cli.ok("add", "m.x", "5", "-s", "S", "--as-of", "04/05/2025", "--dayfirst")
    assert cli.json("list")[0]["as_of"] == "2025-05-04"


BAD_ADDS = [
    (["add", "m.x", "3.5 zillion", "-s", "S"], '"3.5 zillion" is not a figure'),
    (["add", "m.x", "-s", "S", "--", "-40"], "negative"),
    (["add", "m.x", "5", "-s", "S", "--as-of", "someday"], '"someday" is not a date'),
    (["add", "m.x", "5", "-s", "S", "--rating", "Z9"], "not an Admiralty rating"),
    (["add", "Troops Killed!", "5", "-s", "S"], "not a metric"),
    (["add", "m.x", "5", "-s", "S", "--reported", "2999-01-01"], "in the future"),
    (["add", "m.x", "5", "-s", "  "], "source is required"),
]


@pytest.mark.parametrize(("args", "says"), BAD_ADDS)
def test_bad_input_is_one_line_exit_2_and_leaves_the_file_alone(cli, seeded, args, says):
    before = seeded.read_bytes()
    result = cli.fails(*args)
    assert says in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert seeded.read_bytes() == before


def test_missing_source_off_a_terminal_fails(cli, ledger_path: Path):
    result = cli.fails("add", "m.x", "5", input="Reuters\n")
    assert "--source is required" in result.stderr
    assert not ledger_path.exists()


def test_list_filters(cli, seeded):
    ids = lambda *args: [c["metric"] + " " + c["value"] for c in cli.json("list", *args)]  # noqa: E731
    assert ids("--metric", "dprk.troops.*", "--source", "south korean  LAWMAKERS") == [
        "dprk.troops.deployed 15 000",
        "dprk.troops.casualties approximately 4 700",
        "dprk.troops.killed 600",
    ]
    assert ids("--since", "2025-04", "--until", "2025-04") == [
        "dprk.troops.deployed 15 000",
        "dprk.troops.casualties approximately 4 700",
        "dprk.troops.killed 600",
        "dprk.shells.delivered up to 6 million",
    ]
    assert ids("--tag", "plans") == [
        "dprk.missiles.planned another 150",
        "dprk.troops.planned an additional 25 000 to 30 000",
    ]
    assert ids("--search", "LAUNCHERS") == ["dprk.missiles.delivered several dozen"]
    assert ids("--limit", "2") == [
        "dprk.troops.planned an additional 25 000 to 30 000",
        "dprk.troops.dead_honoured 101",
    ]
    assert "--limit" in cli.fails("list", "--limit", "0").stderr
    # A claim as of "2024" covers all of 2024, so --since 2024-02 (an overlap) takes it, and
    # --since 2025-01 leaves it out.
    assert "dprk.shells.share_of_use 100%" in ids("--since", "2024-02")
    assert "dprk.shells.share_of_use 100%" not in ids("--since", "2025-01")


def test_list_table_shows_hedges_and_brackets_as_written(cli):
    cli.ok("add", "m.x", "up to 6 million", "-s", "[bold]Reuters[/bold]", "--reported", "2025-04")
    cli.ok("add", "m.y", "several dozen", "-s", "Western media", "--reported", "2024")
    out = cli.ok("list").stdout
    assert "≤6,000,000" in out
    assert "[bold]Reuters[/bold]" in out
    assert "several dozen (≥12)" in out
    assert "\x1b[" not in out


def test_a_missing_ledger_is_an_error_for_reads_and_announced_on_first_write(
    cli, ledger_path: Path, tmp_path: Path
):
    for command in (["list"], ["diff"], ["sources"], ["metrics"], ["export"], ["verify"]):
        result = cli.fails(*command)
        assert f"no ledger at {ledger_path}: check --db" in result.stderr, command
        assert result.stdout == ""
    assert not ledger_path.exists()
    typo = tmp_path / "ledgr.json"
    result = cli.fails("list", "--db", str(typo))  # --db after the command, as DESIGN allows
    assert f"no ledger at {typo}" in result.stderr
    added = cli.ok("add", "m.x", "5", "--source", "S")
    assert f"created the ledger {ledger_path}" in added.stderr
    assert "created the ledger" not in cli.ok("add", "m.x", "6", "--source", "S").stderr


def test_list_on_a_ledger_without_a_match_says_so(cli, ledger_path: Path):
    cli.ok("add", "m.x", "5", "--source", "S")
    result = cli.ok("list", "--metric", "other.*")
    assert result.stdout == ""
    assert "no claims" in result.stderr


def test_show_by_unique_prefix(cli):
    claim_id = cli.ok(*KILLED).stdout.strip()
    out = cli.ok("show", claim_id[:6]).stdout
    assert claim_id in out and "≈4,700" in out and "South Korean lawmakers" in out
    [record] = json.loads(cli.ok("show", claim_id[:6], "--format", "json").stdout)
    assert record["id"] == claim_id


def test_show_unknown_and_ambiguous_ids(cli):
    from osintlog.claims import Context, build_claim

    # Two claims whose ids share their first four characters, found by trying values.
    context = Context.current()
    seen: dict[str, int] = {}
    for n in range(100000):
        prefix = build_claim({"metric": "m.x", "value": str(n), "source": "S"}, context)["id"][:4]
        if prefix in seen:
            break
        seen[prefix] = n
    cli.ok("add", "m.x", str(seen[prefix]), "-s", "S")
    cli.ok("add", "m.x", str(n), "-s", "S")
    result = cli.fails("show", prefix)
    assert f'"{prefix}" matches 2 claims' in result.stderr
    assert "no claim has an id" in cli.fails("show", "ffffffffffff").stderr
    assert "too short" in cli.fails("show", "ab").stderr


def test_info_counts(cli, seeded):
    info = json.loads(cli.ok("info", "--format", "json").stdout)
    assert info["path"] == str(seeded)
    assert info["claims"] == {"active": 11, "superseded": 0, "retracted": 0}
    assert info["metrics"] == 10
    assert info["sources"] == 7
    assert info["size"] == seeded.stat().st_size
    assert "11 active" in cli.ok("info").stdout


def test_db_option_overrides_the_environment(cli, tmp_path: Path, ledger_path: Path):
    other = tmp_path / "other" / "team.json"
    cli.ok("--db", str(other), "add", "m.x", "5", "-s", "S")
    assert other.exists() and not ledger_path.exists()


def test_version(cli):
    from osintlog import __version__

    assert cli.ok("--version").stdout.strip() == f"osintlog {__version__}"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"not json at all", "not an osintlog ledger"),
        (b'{"_default": {"1": {"a": 1}}}', "not an osintlog ledger"),
        (b"[1, 2, 3]", "not an osintlog ledger"),
        pytest.param(
            b'{"_osintlog": {"1": {"schema": 99}}}', "newer osintlog", marks=pytest.mark.json_file
        ),
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused_and_never_overwritten(
    cli, ledger_path: Path, content: bytes, says: str
):
    ledger_path.write_bytes(content)
    for args in (["list"], ["add", "m.x", "5", "-s", "S"], ["info"]):
        result = cli.fails(*args)
        assert says in result.stderr
    assert ledger_path.read_bytes() == content


def test_list_table_with_and_without_units(cli):
    cli.ok("add", "m.x", "5", "-s", "S", "--unit", "soldiers")
    cli.ok("add", "m.x", "6", "-s", "S")
    cli.ok("add", "m.y", "7%", "-s", "S")
    out = cli.ok("list").stdout
    assert "soldiers" in out and "7%" in out and "6" in out


def test_a_narrow_terminal_drops_the_least_needed_columns_first(cli, seeded, monkeypatch):
    # Natural widths: id 10, as of 10, metric 25, figure 19, unit 18, source 22, via 5,
    # rating 6, reported 10, and 8 spaces: 133. Without via, unit and reported: 97; the source
    # then gives up 7 of its 22 characters to fit 90.
    monkeypatch.setenv("COLUMNS", "90")
    lines = cli.ok("list").stdout.splitlines()
    assert lines[0].split() == ["id", "as", "of", "metric", "figure", "source", "rating"]
    assert max(len(line) for line in lines) == 90
    assert any("South Korean l… B2" in line for line in lines)


def test_a_piped_table_lines_up_wide_characters_by_their_width_on_a_terminal(cli):
    # 中国 takes four columns on a terminal, as "Kyiv" does: both sources' rows line up.
    cli.ok("add", "m.x", "5", "-s", "中国", "--as-of", "2024-05-01", "--reported", "2024-05-03")
    cli.ok("add", "m.x", "12", "-s", "Kyiv", "--as-of", "2024-05-02", "--reported", "2024-05-03")
    lines = cli.ok("list").stdout.splitlines()
    assert [line.split()[-2:] for line in lines[1:]] == [
        ["中国", "2024-05-03"],
        ["Kyiv", "2024-05-03"],
    ]
    assert lines[1].index("中国") == lines[2].index("Kyiv")
    assert len(lines[1]) == len(lines[2]) - 2  # the reported dates end in one column


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.text(alphabet="ab 9中é≈–−▁█", max_size=12), min_size=3, max_size=3),
        max_size=6,
    ),
    width=st.integers(min_value=20, max_value=60),
)
def test_a_grid_fits_each_cell_as_the_cell_by_cell_rule_does(rows, width):
    from rich.cells import cell_len

    from osintlog.render import Column, Grid, _fit

    columns = [Column("name", shrink=True), Column("figure", right=True), Column("note", drop=1)]
    grid = Grid(columns, rows)
    widths, _ = grid._layout(width)
    expected = [
        " ".join(_fit(row[i], cell_len(row[i]), widths[i], columns[i].right) for i in widths)
        for row in rows
    ]
    assert grid.plain(width).split("\n")[1:] == [line.rstrip() for line in expected]


def test_the_marks_a_table_measures_by_length_are_one_column_wide_on_a_terminal():
    from rich.cells import cell_len

    from osintlog.render import _MARKS

    assert [cell_len(mark) for mark in _MARKS] == [1] * len(_MARKS)


def test_amend_adds_and_removes_tags_and_says_what_changed(cli):
    first = cli.ok("add", "m.x", "500", "--source", "S", "--tag", "kursk").stdout.strip()
    result = cli.ok("amend", first, "--value", "600", "--tag", "revised", "--untag", "kursk")
    second = result.stdout.strip()
    assert f"amended {first[:10]} → {second[:10]}: value 500 → 600; tags kursk → revised" in (
        result.stderr
    )
    third = cli.ok("amend", second, "--tag", "a;b").stdout.strip()
    assert cli.json("show", third)[0]["tags"] == ["a", "b", "revised"]
    says = cli.fails("amend", third, "--untag", "kurks").stderr
    assert "the claim has no tag kurks to remove (it has: a, b, revised)" in says


def test_show_names_the_successor_and_the_retraction_reason_and_history_the_reason(cli):
    first = cli.ok("add", "m.x", "500", "--source", "S").stdout.strip()
    second = cli.ok("amend", first, "--value", "600").stdout.strip()
    cli.ok("retract", second, "--reason", "misread the table")
    assert f"superseded by  {second}" in cli.ok("show", first).stdout
    shown = cli.ok("show", second).stdout
    assert "status             retracted" in shown
    assert "retraction reason  misread the table" in shown
    table = cli.ok("history", first).stdout.splitlines()
    header = "id event figure metric as of source analyst logged at reason"
    assert table[0].split() == header.split()
    assert table[3].endswith("misread the table") and " S " not in table[3]


def test_quiet_keeps_data_warnings_and_errors_and_global_options_go_after_the_command(
    cli, tmp_path
):
    db = str(tmp_path / "q.json")
    added = cli.ok("add", "m.x", "5", "--source", "S", "-q", "--db", db)
    assert added.stderr == "" and len(added.stdout.strip()) == 32  # the id, no message
    again = cli.ok("-q", "--db", db, "add", "m.x", "6", "--source", "S")
    assert again.stderr.startswith("warning: S already gave m.x")
    assert (
        "error: no claim has an id starting with"
        in cli.fails("-q", "--db", db, "show", "ffff").stderr
    )
    assert cli.ok("-V").stdout == cli.ok("--version").stdout
    assert cli.ok("--version").stdout.startswith("osintlog ")
    assert "--install-completion" in cli.ok("--help").stdout
