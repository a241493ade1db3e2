"""Dates and figures as reports write them, through the real CLI: stored whole or refused, spans
in every view, plans only on purpose, a figure's noun as its unit."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osintlog.dates import last_part, period_end, period_start

THU = "2025-07-10"  # a Thursday


def as_of(cli, *args: str) -> str:
    cli.ok("add", "ua.drones.launched", "100", "--source", "Air Force", *args)
    return cli.json("list")[-1]["as_of"]


@pytest.mark.parametrize(
    ("args", "stored"),
    [
        (["--as-of", "July 1-7", "--reported", THU], "2025-07-01/2025-07-07"),
        (["--as-of", "June 28-29", "--reported", THU], "2025-06-28/2025-06-29"),
        (["--as-of", "28-29 June", "--reported", THU], "2025-06-28/2025-06-29"),
        (["--as-of", "night of June 28-29", "--reported", THU], "2025-06-28/2025-06-29"),
        (["--as-of", "yesterday", "--reported", "2025-06-02"], "2025-06-01"),
        (["--as-of", "last night", "--reported", THU], "2025-07-09/2025-07-10"),
        (["--as-of", "on Sunday", "--reported", THU], "2025-07-06"),
        (["--as-of", "since October", "--reported", THU], "2024-10/2025-07-10"),
        (["--as-of", "Q2 2025", "--reported", THU], "2025-04/2025-06"),
        (["--as-of", "from March to September 2023", "--reported", THU], "2023-03/2023-09"),
        (["--reported", "yesterday"], None),  # as-of defaults to the report's date
    ],
)
def test_add_stores_the_date_as_written(cli, args, stored):
    result = as_of(cli, *args)
    if stored is None:
        [claim] = cli.json("list")
        assert result == claim["reported"]
    else:
        assert result == stored


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--as-of", "June 2025-07", "--reported", THU], "needs its month"),
        (["--as-of", "Monday, June 29", "--reported", THU], "was a Sunday, not a Monday"),
        (["--as-of", "2025-07-11", "--reported", THU], "--future"),
        (["--as-of", "July 1-7", "--reported", "2025-07-05"], "lies after the report"),
        # written without a year: perhaps the year before's
        (["--as-of", "June to August", "--reported", THU], '"June to August" is of a year before'),
        (["--as-of", "2026", "--reported", THU], "plan or forecast"),
        (["--reported", "last week"], "a report is published on one date"),
        (["--as-of", "Separately"], "not a date"),
    ],
)
def test_a_date_in_doubt_is_refused_and_nothing_is_written(cli, ledger_path, args, says):
    cli.ok("add", "m.x", "1", "--source", "S")
    before = ledger_path.read_bytes()
    result = cli.fails("add", "ua.drones.launched", "100", "--source", "Air Force", *args)
    assert says in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert ledger_path.read_bytes() == before


def test_a_plan_is_logged_on_purpose_and_survives_export_and_import(cli, tmp_path, monkeypatch):
    plan = ["add", "dprk.troops.planned", "another 6,000", "--source", "NIS"]
    cli.ok(*plan, "--as-of", "December 2025", "--reported", THU, "--future")
    cli.ok("add", "dprk.troops.sent", "3,000", "--source", "NIS", "--reported", THU)
    [planned] = cli.json("list", "--metric", "dprk.troops.planned")
    assert (planned["as_of"], planned["future"]) == ("2025-12", True)
    assert "a plan or forecast" in cli.ok("show", planned["id"][:8]).stdout
    [sent] = cli.json("list", "--metric", "dprk.troops.sent")
    assert sent["future"] is False
    exported = cli.ok("export").stdout
    rows = {r["metric"]: r["future"] for r in csv.DictReader(io.StringIO(exported))}
    assert rows == {"dprk.troops.sent": "false", "dprk.troops.planned": "true"}
    file = tmp_path / "out.csv"
    file.write_text(exported, encoding="utf-8")
    monkeypatch.setenv("OSINTLOG_DB", str(tmp_path / "other.json"))
    assert "imported 2 claims" in cli.ok("import", str(file)).stderr
    assert [c["id"] for c in cli.json("list")] == [sent["id"], planned["id"]]
    # an amendment of the plan keeps it a plan
    cli.ok("amend", planned["id"][:8], "--note", "confirmed by a second official", "--yes")
    [amended] = cli.json("list", "--metric", "dprk.troops.planned")
    assert amended["future"] is True and amended["as_of"] == "2025-12"


def test_an_import_refuses_a_row_dated_after_its_report_unless_it_says_so(cli, tmp_path):
    file = tmp_path / "plans.csv"
    file.write_text(
        "metric,value,source,as_of,reported\n"
        "ua.drones.launched,477,Air Force,last night,2025-07-10\n"
        "ru.missiles.planned,100,MoD,2025-09,2025-07-10\n",
        encoding="utf-8",
    )
    result = cli.fails("import", str(file))
    assert f"{file}:3: as-of 2025-09 lies after the report's date 2025-07-10" in result.stderr
    assert "nothing imported" in result.stderr
    cli.ok("import", str(file), "--future")
    stored = {c["metric"]: (c["as_of"], c["future"]) for c in cli.json("list")}
    assert stored == {
        "ua.drones.launched": ("2025-07-09/2025-07-10", False),
        "ru.missiles.planned": ("2025-09", True),
    }


@pytest.fixture
def spans(cli):
    """Three sources on one metric: a running total "since October", a monthly figure and a
    day, all reported in 2025."""
    add = lambda figure, source, when, reported: cli.ok(  # noqa: E731
        "add", "ru.drones.downed", figure, "-s", source, "--as-of", when, "--reported", reported
    )
    add("4,000", "Monitor", "since October", THU)  # 2024-10/2025-07-10, sits on 2025-07-10
    add("3,100", "Air Force", "May 2025", "2025-06-02")  # sits on 2025-05-31
    add("3,500", "Air Force", "2025-06-20", "2025-06-21")
    return cli


def test_a_span_sits_at_its_end_in_every_timeline(spans):
    order = [(c["source"], c["as_of"]) for c in spans.json("list")]
    assert order == [
        ("Air Force", "2025-05"),
        ("Air Force", "2025-06-20"),
        ("Monitor", "2024-10/2025-07-10"),
    ]
    assert [row["as_of"] for row in spans.json("diff", "ru.drones.downed")] == [
        "2025-05",
        "2025-06-20",
        "2024-10/2025-07-10",
    ]


def test_since_and_until_take_every_claim_whose_span_overlaps(spans):
    values = lambda *args: [c["value"] for c in spans.json("list", *args)]  # noqa: E731
    assert values("--until", "2024-12") == ["4,000"]  # since October covers December
    assert values("--since", "2025-07") == ["4,000"]
    assert values("--since", "2025-05-15", "--until", "2025-05-20") == ["3,100", "4,000"]
    assert values("--since", "2025-06-01", "--until", "2025-06-30") == ["3,500", "4,000"]


def test_compare_at_a_date_takes_only_what_was_known_by_then(spans):
    rows = {r["source"]: r["latest_value"] for r in spans.json("compare", "ru.drones.downed")}
    assert rows == {"Air Force": "3,500", "Monitor": "4,000"}
    early = spans.json("compare", "ru.drones.downed", "--at", "2025-06-30")
    # the total since October sits on its report's date, July 10: after June 30
    assert [(r["source"], r["latest_value"]) for r in early] == [("Air Force", "3,500")]
    may = spans.json("compare", "ru.drones.downed", "--at", "May 2025")
    assert [(r["source"], r["latest_value"]) for r in may] == [("Air Force", "3,100")]


def test_export_gives_every_span_its_first_and_last_day(spans):
    rows = list(csv.DictReader(io.StringIO(spans.ok("export").stdout)))
    assert [(r["as_of"], r["as_of_start"], r["as_of_end"]) for r in rows] == [
        ("2025-05", "2025-05-01", "2025-05-31"),
        ("2025-06-20", "2025-06-20", "2025-06-20"),
        ("2024-10/2025-07-10", "2024-10-01", "2025-07-10"),
    ]
    assert [r["point"] for r in rows] == ["3100", "3500", "4000"]


def test_spans_round_trip_through_export_and_import(spans, tmp_path, monkeypatch):
    exported = spans.ok("export", "--format", "jsonl").stdout
    file = tmp_path / "spans.jsonl"
    file.write_text(exported, encoding="utf-8")
    monkeypatch.setenv("OSINTLOG_DB", str(tmp_path / "copy.json"))
    assert "imported 3 claims" in spans.ok("import", str(file)).stderr
    assert spans.ok("export", "--format", "jsonl").stdout == exported
    spans.ok("verify")


def test_chart_draws_a_span_at_its_end(spans):
    result = spans.ok("chart", "ru.drones.downed")
    assert "Monitor" in result.stdout and "Air Force" in result.stdout
    # the total since October sits on 2025-07-10: drawn at its start, the axis would reach
    # back into 2024
    assert "2024" not in result.stdout and "2025-05-31" in result.stdout


@pytest.mark.parametrize(
    ("figure", "args", "unit"),
    [
        ("at least 400 drones", [], "drones"),
        ("nearly 500 Shahed drones", [], "Shahed drones"),
        ("between 70 and 80 missiles", ["--unit", "missile"], "missile"),
        ("80 or more", ["--unit", "drones"], "drones"),
    ],
)
def test_a_figures_noun_is_its_unit(cli, figure, args, unit):
    cli.ok("add", "ru.strikes", figure, "--source", "Air Force", *args)
    [claim] = cli.json("list")
    assert (claim["value"], claim["unit"]) == (figure, unit)


def test_a_noun_that_contradicts_the_unit_is_refused(cli, ledger_path):
    result = cli.fails("add", "ru.drones", "400 missiles", "--source", "S", "--unit", "drones")
    assert '"400 missiles" counts missiles, but the unit given is "drones"' in result.stderr
    assert not ledger_path.exists()


def test_an_ambiguous_figure_is_refused(cli, ledger_path):
    assert "ambiguous" in cli.fails("add", "ru.drones", "70/80", "--source", "S").stderr
    assert not ledger_path.exists()


TEXTS = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from(["July 1-7", "since October", "400 drones", "70/80", "2025-07-11", "Q2"]),
).filter(lambda t: not t.startswith("-"))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(as_of=TEXTS, figure=TEXTS, reported=st.one_of(st.just(THU), TEXTS))
def test_any_text_is_stored_or_refused_with_exit_2(cli, as_of, figure, reported):
    result = cli("add", "m.x", figure, "--source", "S", "--as-of", as_of, "--reported", reported)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        [claim] = cli.json("show", result.stdout.strip())
        # never after the report's date without --future
        assert period_start(last_part(claim["as_of"])) <= period_end(claim["reported"])


def test_a_window_that_ends_before_it_begins_is_refused(cli):
    # --since 2025-05 begins on 1 May; --until 2025-04 ends on 30 April: no day lies between.
    cli.ok("add", "m.x", "1", "--source", "S", "--as-of", "2025-04-10", "--reported", "2025-04-10")
    for command in ("list", "export", "diff"):
        result = cli.fails(command, "--since", "2025-05", "--until", "2025-04")
        assert "since 2025-05 begins after until 2025-04 ends" in result.stderr
    # The same month on both sides is that month.
    assert len(cli.json("list", "--since", "2025-04", "--until", "2025-04")) == 1


def test_compare_on_a_day_to_come_is_refused_and_this_month_is_today(cli):
    cli.ok("add", "m.x", "1,000", "--source", "S")  # as of today
    today = date.today()
    next_year = str(today.year + 1)
    result = cli.fails("compare", "m.x", "--at", next_year)
    assert f'at "{next_year}" ({next_year}) lies after today ({today.isoformat()})' in result.stderr
    # This month runs to its last day, but the comparison is on today: the figure is 0 days old.
    [row] = cli.json("compare", "m.x", "--at", today.strftime("%Y-%m"))
    assert (row["at"], row["age_days"]) == (today.isoformat(), 0)


def test_a_date_without_a_year_needs_the_reports_date(cli, tmp_path, ledger_path):
    # "April" read against the machine's clock would be this year's April, whatever year the
    # report was of: refused, in add and in an import row without a reported date, and nothing
    # is written. With the report's date it is the April on or before it.
    refused = cli.fails("add", "m.x", "5", "-s", "X", "--as-of", "April").stderr
    assert '"April" has no year; give one, or the report\'s date (--reported)' in refused
    assert not ledger_path.exists()
    rows = tmp_path / "rows.csv"
    rows.write_text("metric,value,source,as_of,reported\nm.x,6,Y,April 26,\n", encoding="utf-8")
    assert 'rows.csv:2: "April 26" has no year' in cli.fails("import", str(rows)).stderr
    assert not ledger_path.exists()
    cli.ok("add", "m.x", "5", "-s", "X", "--as-of", "April", "--reported", "2025-03-02")
    assert cli.json("list")[0]["as_of"] == "2024-04"
    # Words relative to the report count from today where there is none, as the README says.
    cli.ok("add", "m.y", "5", "-s", "X", "--as-of", "yesterday")
    yesterday = date.fromordinal(date.today().toordinal() - 1).isoformat()
    assert [row["as_of"] for row in cli.json("list", "--metric", "m.y")] == [yesterday]
