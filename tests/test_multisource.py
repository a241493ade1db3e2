"""Several sources on one metric: a daily cumulative series, a sparse one with hedged figures, and
a source that said one thing and went quiet. Every expected value is worked out by hand in the
comments; no answer may set one source's figure against another's as a change over time."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

import osintlog

ROOT = Path(__file__).resolve().parent.parent

# Daily counts up (one fall, on 4 January), Sparse reports three times with hedges, Third once.
# Same-day claims are ordered by logged_at: on 3 January Daily before Sparse, on 4 January Daily
# before Third.
SERIES = """metric,value,unit,as_of,reported,source,logged_at
m.tanks,100,tanks,2024-01-01,2024-01-01,Daily,2024-01-01T08:00:00Z
m.tanks,105,tanks,2024-01-02,2024-01-02,Daily,2024-01-02T08:00:00Z
m.tanks,110,tanks,2024-01-03,2024-01-03,Daily,2024-01-03T08:00:00Z
m.tanks,60,tanks,2024-01-03,2024-01-03,Sparse,2024-01-03T09:00:00Z
m.tanks,108,tanks,2024-01-04,2024-01-04,daily,2024-01-04T08:00:00Z
m.tanks,at least 300,tanks,2024-01-04,2024-01-04,Third,2024-01-04T09:00:00Z
m.tanks,112,tanks,2024-01-05,2024-01-05,Daily,2024-01-05T08:00:00Z
m.tanks,115,tanks,2024-01-06,2024-01-06,Daily,2024-01-06T08:00:00Z
m.tanks,120,tanks,2024-01-07,2024-01-07,Daily,2024-01-07T08:00:00Z
m.tanks,125,tanks,2024-01-08,2024-01-08,Daily,2024-01-08T08:00:00Z
m.tanks,130,tanks,2024-01-09,2024-01-09,Daily,2024-01-09T08:00:00Z
m.tanks,135,tanks,2024-01-10,2024-01-10,Daily,2024-01-10T08:00:00Z
m.tanks,150,tanks,2024-02-10,2024-02-10,Daily,2024-02-10T08:00:00Z
m.tanks,about 80,tanks,2024-02-15,2024-02-15,Sparse,2024-02-15T08:00:00Z
m.tanks,90-110,tanks,2024-03-01,2024-03-01,Sparse,2024-03-01T08:00:00Z
m.tanks,200,tanks,2024-03-31,2024-03-31,Daily,2024-03-31T08:00:00Z
m.guns,7,guns,2024-01-02,2024-01-02,Daily,2024-01-02T08:00:00Z
m.guns,9,guns,2024-01-20,2024-01-20,Sparse,2024-01-20T08:00:00Z
"""


@pytest.fixture
def series(cli, tmp_path: Path) -> None:
    imported(cli, tmp_path / "series.csv", SERIES)


def picked(rows: list[dict], *keys: str) -> list[tuple]:
    return [tuple(row[k] for k in keys) for row in rows]


def imported(cli, path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    cli.ok("import", str(path))


def test_diff_changes_within_each_source_and_flags_a_falling_count(cli, series):
    # Within sources: 12 rises and one fall (110 -> 108): the metric reads as cumulative (falls
    # at most 1 in 10 changes), so the fall is flagged. Sparse: 60 -> about 80 -> 90-110 (100).
    rows = cli.json("diff", "m.tanks")
    assert picked(rows, "as_of", "source", "value", "change", "change_pct", "falls") == [
        ("2024-01-01", "Daily", "100", None, None, False),
        ("2024-01-02", "Daily", "105", 5, 5.0, False),
        ("2024-01-03", "Daily", "110", 5, 4.8, False),  # 5 / 105
        ("2024-01-03", "Sparse", "60", None, None, False),
        ("2024-01-04", "Daily", "108", -2, -1.8, True),  # -2 / 110
        ("2024-01-04", "Third", "at least 300", None, None, False),
        ("2024-01-05", "Daily", "112", 4, 3.7, False),  # 4 / 108
        ("2024-01-06", "Daily", "115", 3, 2.7, False),  # 3 / 112
        ("2024-01-07", "Daily", "120", 5, 4.3, False),  # 5 / 115
        ("2024-01-08", "Daily", "125", 5, 4.2, False),  # 5 / 120
        ("2024-01-09", "Daily", "130", 5, 4.0, False),
        ("2024-01-10", "Daily", "135", 5, 3.8, False),  # 5 / 130
        ("2024-02-10", "Daily", "150", 15, 11.1, False),  # 15 / 135
        ("2024-02-15", "Sparse", "about 80", 20, 33.3, False),  # 20 / 60
        ("2024-03-01", "Sparse", "90-110", 20, 25.0, False),  # midpoint 100, 20 / 80
        ("2024-03-31", "Daily", "200", 50, 33.3, False),  # 50 / 150
    ]
    assert {row["metric"] for row in rows} == {"m.tanks"} and rows[0]["period"] is None
    table = cli.ok("diff", "m.tanks").stdout
    assert "−2 ↓" in table and "a cumulative count fell" in table


def test_diff_every_month_rolls_each_source_up_to_its_latest_claim(cli, series):
    # Daily: January's latest is 135 (10th), then 150, 200; Sparse 60, about 80, 90-110;
    # Third only January. Rows in timeline order of the claims kept.
    rows = cli.json("diff", "m.tanks", "--every", "month")
    assert picked(rows, "period", "source", "value", "change", "change_pct") == [
        ("2024-01", "Sparse", "60", None, None),
        ("2024-01", "Third", "at least 300", None, None),
        ("2024-01", "Daily", "135", None, None),
        ("2024-02", "Daily", "150", 15, 11.1),
        ("2024-02", "Sparse", "about 80", 20, 33.3),
        ("2024-03", "Sparse", "90-110", 20, 25.0),
        ("2024-03", "Daily", "200", 50, 33.3),
    ]
    # The window keeps its first rows' changes from the periods before it.
    since = cli.json("diff", "m.tanks", "--every", "month", "--since", "2024-02")
    assert picked(since, "period", "source", "change") == [
        ("2024-02", "Daily", 15),
        ("2024-02", "Sparse", 20),
        ("2024-03", "Sparse", 20),
        ("2024-03", "Daily", 50),
    ]
    weeks = cli.json("diff", "m.tanks", "--every", "week", "--source", "sparse")
    assert picked(weeks, "period", "value") == [
        ("2024-W01", "60"),
        ("2024-W07", "about 80"),
        ("2024-W09", "90-110"),
    ]


def test_diff_takes_a_glob_and_summarises_per_metric_and_source(cli, series):
    rows = cli.json("diff", "m.*")
    assert picked(rows, "metric", "source", "change") == [
        ("m.guns", "Daily", None),
        ("m.guns", "Sparse", None),  # 7 and 9 are two sources: no change
        *[("m.tanks", source, change) for source, change in [
            ("Daily", None), ("Daily", 5), ("Daily", 5), ("Sparse", None), ("Daily", -2),
            ("Third", None), ("Daily", 4), ("Daily", 3), ("Daily", 5), ("Daily", 5),
            ("Daily", 5), ("Daily", 5), ("Daily", 15), ("Sparse", 20), ("Sparse", 20),
            ("Daily", 50),
        ]],
    ]  # fmt: skip
    summary = cli.json("diff")
    assert picked(summary, "metric", "source", "claims", "first_value", "latest_value") == [
        ("m.guns", "Daily", 1, "7", "7"),
        ("m.guns", "Sparse", 1, "9", "9"),
        ("m.tanks", "Daily", 12, "100", "200"),
        ("m.tanks", "Sparse", 3, "60", "90-110"),
        ("m.tanks", "Third", 1, "at least 300", "at least 300"),
    ]
    daily = summary[2]
    assert (daily["change"], daily["change_pct"], daily["falls"]) == (100, 100.0, True)
    assert (summary[3]["change"], summary[3]["change_pct"]) == (40, 66.7)  # 60 -> 100


COMPARED = (
    "source",
    "latest_value",
    "latest_point",
    "age_days",
    "stale",
    "distance_pct",
    "outlier",
)


def test_compare_on_a_date_with_three_fresh_sources(cli, series):
    # On 5 January: Daily 112 (that day), Sparse 60 (2 days old), Third at least 300 (1 day).
    # Median 112; Sparse -46.4%, Third +167.9% (beyond 50%: it stands out); spread 300/60.
    rows = cli.json("compare", "m.tanks", "--at", "2024-01-05")
    assert picked(rows, *COMPARED) == [
        ("Sparse", "60", 60, 2, False, -46.4, False),
        ("Daily", "112", 112, 0, False, 0.0, False),
        ("Third", "at least 300", 300, 1, False, 167.9, True),
    ]
    assert {(r["consensus"], r["spread"], r["at"], r["as_of_gap_days"]) for r in rows} == {
        (112, 5.0, "2024-01-05", 2)
    }


def test_compare_leaves_a_stale_source_out_and_gives_two_sources_ratio(cli, series):
    # On 31 March, at most 30 days old: Daily 200 (0 days), Sparse 100 (30 days: still fresh),
    # Third (87 days) stale. Consensus of two: (100 + 200) / 2 = 150; ratio 2; no outliers with
    # two; the figures are 30 days apart.
    rows = cli.json("compare", "m.tanks", "--at", "2024-03-31", "--max-age", "30d")
    assert picked(rows, *COMPARED) == [
        ("Sparse", "90-110", 100, 30, False, -33.3, False),
        ("Daily", "200", 200, 0, False, 33.3, False),
        ("Third", "at least 300", 300, 87, True, 100.0, False),
    ]
    assert {(r["consensus"], r["spread"], r["as_of_gap_days"]) for r in rows} == {(150, 2.0, 30)}
    table = cli.ok("compare", "m.tanks", "--at", "2024-03-31", "--max-age", "30d").stdout
    assert "ratio: Daily is 2× Sparse" in table
    assert "stale (latest figure older than 30d, left out): Third" in table
    assert "30 days apart" in table and "stand out" not in table
    assert "87d stale" in table


def test_diff_says_how_long_each_change_took(cli, series):
    # Daily counts daily until 10 January, then once on 10 February (31 days: +15 over a
    # month, not a day) and on 31 March (50 days, 2024 a leap year). Sparse: 3 January, 15
    # February (43 days), 1 March (15 days). A source's first claim has no change, so no span.
    rows = cli.json("diff", "m.tanks", "--since", "2024-01-10")
    assert picked(rows, "as_of", "source", "change", "change_days") == [
        ("2024-01-10", "Daily", 5, 1),
        ("2024-02-10", "Daily", 15, 31),
        ("2024-02-15", "Sparse", 20, 43),
        ("2024-03-01", "Sparse", 20, 15),
        ("2024-03-31", "Daily", 50, 50),
    ]
    table = cli.ok("diff", "m.tanks", "--source", "Daily", "--since", "2024-02").stdout
    assert " over " in table.splitlines()[0] and "  31d" in table


def test_compare_without_max_age_warns_of_figures_far_apart(cli, series):
    # All three count on 31 March: median of 100, 200, 300 = 200; none is more than 50% off;
    # Third's figure is of 4 January, 87 days before Daily's.
    rows = cli.json("compare", "m.tanks", "--at", "2024-03-31")
    assert [(r["source"], r["outlier"]) for r in rows] == [
        ("Sparse", False),
        ("Daily", False),
        ("Third", False),
    ]
    assert rows[0]["consensus"] == 200 and rows[0]["as_of_gap_days"] == 87
    table = cli.ok("compare", "m.tanks", "--at", "2024-03-31").stdout
    assert "warning: the figures compared are 87 days apart" in table


def test_compare_every_month_against_a_source(cli, series):
    # Month ends 31 Jan, 29 Feb (a leap year), 31 Mar. A figure counts in its own month only
    # (no --max-age): Third's January claim is not February's. The figures' days lie 7 days
    # apart in January (Sparse's 3rd to Daily's 10th), 5 in February (10th, 15th), 30 in March
    # (Sparse's 1st, Daily's 31st).
    rows = cli.json("compare", "m.tanks", "--every", "month", "--against", "SPARSE")
    assert rows == [
        {"metric": "m.tanks", "period": "2024-01", "at": "2024-01-31", "Daily": 135,
         "Sparse": 60, "Third": 300, "Daily / Sparse": 2.25, "Third / Sparse": 5.0,
         "spans_differ": False, "as_of_gap_days": 7},
        {"metric": "m.tanks", "period": "2024-02", "at": "2024-02-29", "Daily": 150,
         "Sparse": 80, "Third": None, "Daily / Sparse": 1.88, "Third / Sparse": None,
         "spans_differ": False, "as_of_gap_days": 5},
        {"metric": "m.tanks", "period": "2024-03", "at": "2024-03-31", "Daily": 200,
         "Sparse": 100, "Third": None, "Daily / Sparse": 2.0, "Third / Sparse": None,
         "spans_differ": False, "as_of_gap_days": 30},
    ]  # fmt: skip
    # Three months back, Third's figure still counts in February (and in March: 4 Jan is
    # within three months of 31 Mar).
    wider = cli.json(
        "compare", "m.tanks", "--every", "month", "--against", "sparse", "--max-age", "3m"
    )
    assert [(r["Third"], r["Third / Sparse"]) for r in wider] == [
        (300, 5.0),
        (300, 3.75),
        (300, 3.0),
    ]
    csv_head = cli.ok(
        "compare", "m.tanks", "--every", "month", "--against", "Sparse", "-f", "csv"
    ).stdout.splitlines()[0]
    assert csv_head == (
        "metric,period,at,Daily,Sparse,Third,Daily / Sparse,Third / Sparse,spans_differ,"
        "as_of_gap_days"
    )
    table = cli.ok("compare", "m.tanks", "--every", "month", "--against", "Sparse").stdout
    assert "2.25×" in table and "Daily ÷ Sparse" in table
    assert "warning: in 2024-03 the figures lie more than 7 days apart in as-of" in table


def test_compare_every_week_takes_no_ratio_between_two_nights(cli):
    # A per-night metric rolled up by week. In the week of 9-15 June A's latest night is the
    # 14th-15th (50) and B's the 13th-14th (220): 220 / 50 = 4.4 would be two nights, not two
    # sources. In the next week both last counted the night of the 20th-21st (written two
    # ways): 330 / 300 = 1.1. By day the night of the 13th-14th has both: 220 / 200 = 1.1.
    cli.ok("metrics", "describe", "n.launched", "--kind", "per-period", "--period", "night")
    for source, as_of, value in [
        ("A", "2025-06-12/2025-06-13", "100"),
        ("A", "2025-06-13/2025-06-14", "200"),
        ("B", "2025-06-14", "220"),
        ("A", "2025-06-14/2025-06-15", "50"),
        ("A", "2025-06-21", "300"),
        ("B", "2025-06-20/2025-06-21", "330"),
    ]:
        cli.ok(
            "add", "n.launched", value, "-s", source, "--as-of", as_of, "--reported", "2025-06-22"
        )
    every = ("compare", "n.launched", "--every", "week", "--against", "A")
    rows = cli.json(*every)
    assert picked(rows, "period", "A", "B", "B / A", "spans_differ", "as_of_gap_days") == [
        ("2025-W24", 50, 220, None, True, 1),
        ("2025-W25", 300, 330, 1.1, False, 0),
    ]
    assert (
        "in 2025-W24 the sources' latest figures are of different nights" in cli.ok(*every).stdout
    )
    # On the 15th by default only the night just ended counts (B's is a night old: stale); a
    # week's --max-age sets B's night of the 13th-14th against A's of the 14th-15th, and says so.
    table = cli.ok("compare", "n.launched", "--at", "2025-06-15").stdout
    assert "left out): B" in table and "different nights" not in table
    wider = cli.ok("compare", "n.launched", "--at", "2025-06-15", "--max-age", "7d").stdout
    assert "warning: the figures compared are of different nights" in wider
    by_day = cli.json("compare", "n.launched", "--every", "day", "--against", "A")
    assert picked([row for row in by_day if row["A"] is not None], "period", "B / A") == [
        ("2025-06-13", None),
        ("2025-06-14", 1.1),
        ("2025-06-15", None),
        ("2025-06-21", 1.1),
    ]


def test_compare_refuses_what_it_cannot_answer(cli, series, ledger_path: Path):
    assert (
        "no claim of this metric is from it"
        in cli.fails("compare", "m.tanks", "--every", "month", "--against", "Nobody").stderr
    )
    assert (
        "--against goes with --every"
        in cli.fails("compare", "m.tanks", "--against", "Daily").stderr
    )
    assert "30d, 2w, 6m, 1y" in cli.fails("compare", "m.tanks", "--max-age", "soon").stderr
    assert (
        "30d, 2w, 6m, 1y" in cli.fails("compare", "m.tanks", "--max-age", "9" * 5000 + "d").stderr
    )
    assert "--every" in cli.fails("diff", "--every", "month").stderr


def test_an_age_longer_than_the_calendar_leaves_no_source_stale(cli, series):
    # 999,999 years before 2024 is before the year 1: every figure counts.
    rows = cli.json("compare", "m.tanks", "--at", "2024-03-31", "--max-age", "999999y")
    assert [row["stale"] for row in rows] == [False, False, False]
    # Month by month, each source's latest figure, however old (Third's of January, in March).
    months = cli.json("compare", "m.tanks", "--every", "month", "--max-age", "999999y")
    assert [row["Third"] for row in months] == [300, 300, 300]


def test_compare_takes_a_glob(cli, series):
    rows = cli.json("compare", "m.*", "--at", "2024-01-31")
    assert picked(rows, "metric", "source", "latest_point") == [
        ("m.guns", "Daily", 7),
        ("m.guns", "Sparse", 9),
        ("m.tanks", "Sparse", 60),
        ("m.tanks", "Daily", 135),
        ("m.tanks", "Third", 300),
    ]


def test_chart_draws_the_sources_asked_for(cli, series):
    out = cli.ok("chart", "m.tanks", "-s", "daily", "--source", "Third").stdout
    legend = out.splitlines()[-1]
    assert "Daily" in legend and "Third" in legend and "Sparse" not in legend
    assert "m.tanks (tanks)" in out and "e+" not in out


def test_a_long_daily_series_has_a_sparkline_that_fits(cli, tmp_path: Path):
    lines = ["metric,value,as_of,reported,source"]
    lines += [f"m.long,{n},{day},{day},Daily" for n, day in enumerate(_days(1600), 1)]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli.ok("import", str(path))
    row = cli.ok("metrics").stdout.splitlines()[1]
    # 1,600 rising figures, resampled to 16 points from lowest to highest
    assert row.endswith("▁▁▁▂▂▃▃▄▄▅▅▆▆▇▇█")


def _days(count: int) -> list[str]:
    from datetime import date, timedelta

    return [(date(2020, 1, 1) + timedelta(days=n)).isoformat() for n in range(count)]


def test_the_real_two_source_series(cli, tmp_path: Path):
    shutil.copy(ROOT / "data" / "russia-tanks-general-staff-vs-oryx.csv", tmp_path / "r.csv")
    cli.ok("import", str(tmp_path / "r.csv"))
    # On 27 November 2022 both counted: 2,905 against 1,513, a ratio of 1.92.
    same_day = cli.json("compare", "russia.tanks.lost", "--at", "2022-11-27")
    assert picked(same_day, "source", "latest_point", "age_days") == [
        ("Oryx", 1513, 0),
        ("Ukrainian General Staff", 2905, 0),
    ]
    assert same_day[0]["spread"] == 1.92
    # On 1 June 2023 Oryx's latest is of 5 February: 116 days old, stale at 30 days.
    later = cli.json("compare", "russia.tanks.lost", "--at", "2023-06-01", "--max-age", "30d")
    assert picked(later, "source", "latest_point", "age_days", "stale") == [
        ("Ukrainian General Staff", 3802, 1, False),
        ("Oryx", 1673, 116, True),
    ]
    falls = [r for r in cli.json("diff", "russia.tanks.lost") if r["falls"]]
    assert picked(falls, "as_of", "value", "change") == [("2023-05-28", "3797", -2)]


# A per-day metric: the Air Force's nightly counts for 27-30 June, then a total for all of June
# from the Air Force and one from a Monitor, which made no other claim.
NIGHTLY = """metric,value,unit,as_of,reported,source,logged_at
d.launched,120,drones,2025-06-27,2025-06-28,Air Force,2025-06-28T08:00:00Z
d.launched,300,drones,2025-06-28,2025-06-29,Air Force,2025-06-29T08:00:00Z
d.launched,150,drones,2025-06-29,2025-06-30,Air Force,2025-06-30T08:00:00Z
d.launched,200,drones,2025-06-30,2025-07-01,Air Force,2025-07-01T08:00:00Z
d.launched,"5,000",drones,2025-06,2025-07-01,Air Force,2025-07-01T09:00:00Z
d.launched,about 5200,drones,2025-06,2025-07-02,Monitor,2025-07-02T08:00:00Z
"""


@pytest.fixture
def nightly(cli, tmp_path: Path) -> None:
    imported(cli, tmp_path / "nightly.csv", NIGHTLY)
    cli.ok("metrics", "describe", "d.launched", "--kind", "per-period", "--period", "day")


def test_compare_never_sets_a_months_total_against_a_days_figure(cli, nightly):
    # On 30 June the Air Force's figure of one day is 200 (its June total of 5,000 is another
    # quantity); the Monitor has no figure of one day: shown, left out. The consensus is 200.
    rows = cli.json("compare", "d.launched", "--at", "2025-06-30")
    assert picked(rows, "source", "claims", "latest_value", "longer_than_period") == [
        ("Air Force", 4, "200", False),
        ("Monitor", 1, "about 5200", True),
    ]
    assert {(r["consensus"], r["spread"], r["distance_pct"]) for r in rows} == {
        (200, None, 0.0),
        (200, None, None),
    }
    table = cli.ok("compare", "d.launched", "--at", "2025-06-30").stdout
    assert "not a day's" in table and "ratio" not in table
    assert "not a day's (each of its figures covers more than one day, left out): Monitor" in table


def test_compare_every_week_leaves_out_figures_of_a_whole_month(cli, nightly):
    # 27-29 June are in week 26 (its last figure: 150 on the 29th), 30 June in week 27 (200).
    rows = cli.json("compare", "d.launched", "--every", "week")
    assert picked(rows, "period", "Air Force") == [("2025-W26", 150), ("2025-W27", 200)]
    assert "Monitor" not in rows[0]
    note = "a figure covering more than one day is not compared"
    assert note in cli.ok("compare", "d.launched", "--every", "week").stdout


def test_diff_takes_no_change_to_or_from_a_figure_of_a_longer_span(cli, nightly):
    # 120 -> 300 (+180, +150%), 300 -> 150 (-150, -50%), 150 -> 200 (+50, +33.3%); the two June
    # totals are rows of their own, with no change.
    rows = cli.json("diff", "d.launched")
    assert picked(rows, "as_of", "source", "change", "change_pct", "longer_than_period") == [
        ("2025-06-27", "Air Force", None, None, False),
        ("2025-06-28", "Air Force", 180, 150.0, False),
        ("2025-06-29", "Air Force", -150, -50.0, False),
        ("2025-06-30", "Air Force", 50, 33.3, False),
        ("2025-06", "Air Force", None, None, True),
        ("2025-06", "Monitor", None, None, True),
    ]
    assert rows[4]["previous_id"] is None
    table = cli.ok("diff", "d.launched").stdout
    assert table.count(" n/a") == 2 and "no change is taken to or from it" in table


def test_a_later_day_is_set_against_the_day_before_not_against_a_total(cli, nightly):
    # 1 July's 90 is logged after June's total: its change is from 30 June's 200 (-110, -55%).
    cli.ok("add", "d.launched", "90", "-s", "Air Force", "--as-of", "2025-07-01")
    [row] = [r for r in cli.json("diff", "d.launched") if r["as_of"] == "2025-07-01"]
    assert (row["change"], row["change_pct"]) == (-110, -55.0)


def test_diff_alone_takes_a_per_period_metrics_figures_of_one_period(cli, nightly):
    # The Air Force from 120 (27 June) to 200 (30 June): +80, +66.7%; the Monitor has none.
    rows = cli.json("diff")
    assert picked(rows, "source", "claims", "first_value", "latest_value", "change") == [
        ("Air Force", 4, "120", "200", 80)
    ]


def test_metrics_gives_a_per_period_metrics_latest_figure_of_one_period(cli, nightly):
    # The June totals were logged last; the latest figure of one day is 30 June's 200.
    [row] = cli.json("metrics")
    assert (row["claims"], row["sources"], row["latest_as_of"], row["latest_value"]) == (
        6,
        2,
        "2025-06-30",
        "200",
    )
    assert row["latest_source"] == "Air Force"


def test_a_nights_figure_may_span_the_two_dates_of_the_night(cli):
    cli.ok("metrics", "describe", "n.downed", "--kind", "per-period", "--period", "night")
    cli.ok("add", "n.downed", "40", "-s", "A", "--as-of", "2025-06-12/2025-06-13")
    cli.ok("add", "n.downed", "60", "-s", "B", "--as-of", "2025-06-13")
    cli.ok("add", "n.downed", "900", "-s", "C", "--as-of", "2025-06-01/2025-06-13")
    rows = cli.json("compare", "n.downed", "--at", "2025-06-13")
    assert picked(rows, "source", "longer_than_period") == [
        ("A", False),
        ("B", False),
        ("C", True),
    ]
    assert rows[0]["consensus"] == 50  # the median of 40 and 60


def test_compare_warns_when_a_count_since_a_date_meets_a_count_to_a_date(cli):
    # A total to 10 June against a count "since October" to the same day: the same end, spans
    # of 0 and 252 days (1 October 2022 to 10 June 2023).
    cli.ok("add", "m.lost", "3,800", "-s", "Staff", "--as-of", "2023-06-10")
    since = ("--as-of", "since October 2022", "--reported", "2023-06-10")
    cli.ok("add", "m.lost", "800", "-s", "Analyst", *since)
    table = cli.ok("compare", "m.lost", "--at", "2023-06-10").stdout
    assert "cover spans of different lengths" in table
    assert "days apart" not in table  # both sit on 10 June
    # One source of each kind: the count to a date is compared, the span's is left out.
    rows = cli.json("compare", "m.lost", "--at", "2023-06-10")
    assert picked(rows, "source", "other_span", "distance_pct", "consensus", "spread") == [
        ("Staff", False, 0.0, 3800, None),
        ("Analyst", True, None, 3800, None),
    ]
    assert "ratio:" not in table and "left out: Analyst" in table
    # A month's precision is a date, not a span: no warning.
    cli.ok("add", "m.held", "3,800", "-s", "Staff", "--as-of", "2023-06-10")
    cli.ok("add", "m.held", "3,700", "-s", "Analyst", "--as-of", "June", "--reported", "2023-06-10")
    assert "spans" not in cli.ok("compare", "m.held", "--at", "2023-06-10").stdout


# A daily running total from the Staff, and twice a total "since October" (the same start, to two
# dates) that the Staff also gave; the Analyst once a total to a date, once one since October.
SPANS = """metric,value,as_of,reported,source,logged_at
m.killed,"179,000",2023-06-05,2023-06-05,Staff,2023-06-05T08:00:00Z
m.killed,"179,400",2023-06-06,2023-06-06,Staff,2023-06-06T08:00:00Z
m.killed,"179,800",2023-06-07,2023-06-07,Staff,2023-06-07T08:00:00Z
m.killed,"180,000",2023-06-08,2023-06-08,Staff,2023-06-08T08:00:00Z
m.killed,"180,500",2023-06-09,2023-06-09,Staff,2023-06-09T08:00:00Z
m.killed,"about 179,000",2023-06-09,2023-06-09,Analyst,2023-06-09T08:30:00Z
m.killed,"40,000",2022-10/2023-06-09,2023-06-09,Staff,2023-06-09T09:00:00Z
m.killed,"180,400",2023-06-10,2023-06-10,Staff,2023-06-10T08:00:00Z
m.killed,"180,900",2023-06-11,2023-06-11,Staff,2023-06-11T08:00:00Z
m.killed,"181,300",2023-06-12,2023-06-12,Staff,2023-06-12T08:00:00Z
m.killed,"181,600",2023-06-13,2023-06-13,Staff,2023-06-13T08:00:00Z
m.killed,"181,800",2023-06-14,2023-06-14,Staff,2023-06-14T08:00:00Z
m.killed,"45,000",2022-10/2023-06-20,2023-06-20,Staff,2023-06-20T08:00:00Z
m.killed,"44,000",2022-10/2023-06-20,2023-06-20,Analyst,2023-06-20T09:00:00Z
m.killed,"182,000",2023-06-21,2023-06-21,Staff,2023-06-21T08:00:00Z
"""


@pytest.fixture
def spans(cli, tmp_path: Path) -> None:
    imported(cli, tmp_path / "spans.csv", SPANS)


def test_diff_takes_no_change_between_a_total_since_a_date_and_a_total_to_a_date(cli, spans):
    # The Staff's counts to a date are set against each other (180,500 -> 180,400: -100, -0.1%,
    # a fall: 9 rises and 1 fall among them, and 40,000 -> 45,000 since October, a rise: 1 fall
    # in 11 changes reads as cumulative); its totals since October against each other (+5,000,
    # +12.5%), never against a count to a date. Taken claim to claim, the metric would have
    # fallen twice (180,500 -> 40,000, 181,800 -> 45,000) and risen by 140,400 after each.
    rows = cli.json("diff", "m.killed", "--source", "Staff", "--since", "2023-06-09")
    assert picked(rows, "as_of", "value", "change", "change_pct", "falls", "other_span") == [
        ("2023-06-09", "180,500", 500, 0.3, False, False),  # 500 / 180,000
        ("2022-10/2023-06-09", "40,000", None, None, False, True),
        ("2023-06-10", "180,400", -100, -0.1, True, False),
        ("2023-06-11", "180,900", 500, 0.3, False, False),
        ("2023-06-12", "181,300", 400, 0.2, False, False),
        ("2023-06-13", "181,600", 300, 0.2, False, False),
        ("2023-06-14", "181,800", 200, 0.1, False, False),
        ("2022-10/2023-06-20", "45,000", 5000, 12.5, False, False),
        ("2023-06-21", "182,000", 200, 0.1, False, False),  # from 181,800
    ]
    assert rows[1]["previous_id"] is None and rows[7]["previous_id"] == rows[1]["id"]
    table = cli.ok("diff", "m.killed", "--source", "Staff").stdout
    assert table.count(" n/a") == 1 and "counts another span" in table


def test_diff_alone_gives_no_change_from_a_total_to_a_date_to_one_since_a_date(cli, spans):
    # The Staff: 179,000 -> 182,000 (+3,000, +1.7%), and it fell once (read as cumulative, as
    # above); the Analyst: about 179,000 to a date, then 44,000 since October: no change.
    rows = cli.json("diff")
    assert picked(rows, "source", "claims", "change", "change_pct", "falls", "other_span") == [
        ("Staff", 13, 3000, 1.7, True, False),
        ("Analyst", 2, None, None, False, True),
    ]
    assert "count different spans" in cli.ok("diff").stdout


def test_nights_given_as_spans_are_set_against_each_other_without_a_declared_period(cli):
    # Two nights as spans of two dates, then a day: 30 -> 45 (+15, +50%) -> 20 (-25, -55.6%).
    cli.ok("add", "n.shot", "30", "-s", "AF", "--as-of", "2023-06-01/2023-06-02")
    cli.ok("add", "n.shot", "45", "-s", "AF", "--as-of", "2023-06-02/2023-06-03")
    cli.ok("add", "n.shot", "20", "-s", "AF", "--as-of", "2023-06-03")
    rows = cli.json("diff", "n.shot")
    assert picked(rows, "change", "change_pct", "other_span") == [
        (None, None, False),
        (15, 50.0, False),
        (-25, -55.6, False),
    ]


def test_compare_leaves_a_count_since_a_date_out_of_three_totals_consensus(cli, ledger_path):
    # Three running totals to 30 June (9,000, 10,000, 11,000) and a fourth source's "hundreds
    # since May". Taken together the median would be 9,500 (of 100, 9,000, 10,000, 11,000) and
    # the fourth would "stand out" at -99%: it counts another quantity. The three are compared:
    # median 10,000, spread 11,000 / 9,000 = 1.22; none more than 50% from it.
    for source, value in [("A", "9,000"), ("B", "10,000"), ("C", "11,000")]:
        cli.ok("add", "m.lost", value, "-s", source, "--as-of", "2025-06-30")
    since = ("--as-of", "since May", "--reported", "2025-06-30")
    cli.ok("add", "m.lost", "hundreds", "-s", "D", *since)
    rows = cli.json("compare", "m.lost", "--at", "2025-06-30")
    assert picked(rows, "source", "latest_as_of", "other_span", "distance_pct", "outlier") == [
        ("A", "2025-06-30", False, -10.0, False),
        ("B", "2025-06-30", False, 0.0, False),
        ("C", "2025-06-30", False, 10.0, False),
        ("D", "2025-05/2025-06-30", True, None, False),
    ]
    assert {(r["consensus"], r["spread"]) for r in rows} == {(10000, 1.22)}
    table = cli.ok("compare", "m.lost", "--at", "2025-06-30").stdout
    assert "other span" in table and "left out: D" in table
    assert "stand out (more than 50% from the consensus): none" in table
    comparison = osintlog.Ledger(ledger_path).compare("m.lost", at="2025-06-30")
    assert comparison.other_spans == ["D"] and comparison.consensus == 10000
    # A fifth source's count since March, to 1 May, is stale under 30 days (60 days old) and
    # of another span: no distance is taken to it either.
    cli.ok("add", "m.lost", "900", "-s", "E", "--as-of", "since March", "--reported", "2025-05-01")
    rows = cli.json("compare", "m.lost", "--at", "2025-06-30", "--max-age", "30d")
    assert picked(rows, "source", "stale", "other_span", "distance_pct")[-1] == (
        "E",
        True,
        True,
        None,
    )


def test_compare_takes_a_sources_figure_of_the_span_compared_before_its_later_other_one(cli):
    # C's latest figure is a week's (2,000 withdrawn, 3-10 November); the day before it gave
    # 32,000 there. Left out for the week's, C's count was lost to the consensus: the median
    # of A's 40,000 and B's 25,000, 32,500. Its count of the 9th is compared: the median of
    # 25,000, 32,000 and 40,000 is 32,000; A is +25.0% from it, B (25,000 - 32,000) / 32,000.
    cli.ok("add", "m.troops", "40,000", "-s", "A", "--as-of", "2026-11-10")
    cli.ok("add", "m.troops", "25,000", "-s", "B", "--as-of", "2026-11-10")
    cli.ok(
        "add", "m.troops", "32,000", "-s", "C", "--as-of", "2026-11-09", "--reported", "2026-11-10"
    )
    week = ("--as-of", "2026-11-03/2026-11-10", "--reported", "2026-11-10")
    cli.ok("add", "m.troops", "2,000", "-s", "C", *week)
    rows = cli.json("compare", "m.troops", "--at", "2026-11-10")
    columns = ("source", "claims", "latest_as_of", "age_days", "distance_pct", "later_other_span")
    assert picked(rows, *columns, "other_span") == [
        ("B", 1, "2026-11-10", 0, -21.9, False, False),
        ("C", 2, "2026-11-09", 1, 0.0, True, False),
        ("A", 1, "2026-11-10", 0, 25.0, False, False),
    ]  # fmt: skip
    assert {row["consensus"] for row in rows} == {32000}
    table = cli.ok("compare", "m.troops", "--at", "2026-11-10").stdout
    assert "not compared: the later figures of another span of C" in table
    assert "cover spans of different lengths" not in table


def test_compare_warns_of_a_source_that_may_be_another_under_a_short_name(cli, ledger_path):
    # Two reports named the NIS in full and by its abbreviation: compared as two sources, one
    # voice makes two of the three figures. "Kyiv" and "the mayor of Kyiv" are two speakers.
    nis = "South Korea's National Intelligence Service (NIS)"
    for source, value in [(nis, "11,000"), ("NIS", "12,000"), ("Kyiv", "10,000")]:
        cli.ok("add", "m.sent", value, "-s", source, "--as-of", "2025-04-30")
    cli.ok("add", "m.sent", "9,000", "-s", "mayor of Kyiv", "--as-of", "2025-04-30")
    table = cli.ok("compare", "m.sent", "--at", "2025-04-30").stdout
    assert f'warning: "NIS" may be a short name for "{nis}"' in table
    assert f'osintlog sources alias "NIS" "{nis}"' in table
    assert 'Kyiv" may be' not in table
    comparison = osintlog.Ledger(ledger_path).compare("m.sent", at="2025-04-30")
    assert comparison.namesakes == [("NIS", nis)]
    cli.ok("sources", "alias", "NIS", nis)
    assert "short name" not in cli.ok("compare", "m.sent", "--at", "2025-04-30").stdout


def test_compare_sets_two_totals_since_the_same_date_side_by_side(cli, spans):
    # On 20 June the Staff's and the Analyst's latest figures are both totals since October, to
    # the same day (45,000 and 44,000): they count alike, with no warning. A third source's count
    # to that date brings the warning.
    table = cli.ok("compare", "m.killed", "--at", "2023-06-20").stdout
    assert "spans" not in table
    cli.ok("add", "m.killed", "181,000", "-s", "Third", "--as-of", "2023-06-20")
    assert (
        "cover spans of different lengths"
        in cli.ok("compare", "m.killed", "--at", "2023-06-20").stdout
    )
    # Two totals since October against one to a date: the two are compared (median of 45,000
    # and 44,000: 44,500; ratio 45,000 / 44,000 = 1.02), the Third's is left out, not measured.
    rows = cli.json("compare", "m.killed", "--at", "2023-06-20")
    assert picked(rows, "source", "other_span", "distance_pct", "outlier") == [
        ("Analyst", False, -1.1, False),  # (44,000 - 44,500) / 44,500
        ("Staff", False, 1.1, False),
        ("Third", True, None, False),
    ]
    assert {(r["consensus"], r["spread"]) for r in rows} == {(44500, 1.02)}


def test_chart_joins_only_figures_that_count_alike(cli, spans, ledger_path: Path):
    # The Staff's 13 figures in timeline order: five days (0-4), since October to 9 June (5),
    # five days (6-10), since October to 20 June (11), 21 June (12). One line joins the days,
    # over the totals since October; another joins the two totals.
    [staff] = osintlog.Ledger(ledger_path).chart_series("m.killed", source="Staff")
    assert staff.lines == [[0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 12], [5, 11]]
    assert staff.left_out == 0
    # The time axis: distinct days, from the first figure's to the last's.
    out = cli.ok("chart", "m.killed", "--source", "Staff").stdout
    days = out.splitlines()[-2].split()
    assert days == sorted(set(days)) and (days[0], days[-1]) == ("2023-06-05", "2023-06-21")


def test_chart_of_a_per_period_metric_leaves_its_totals_out_and_says_so(cli, nightly):
    result = cli.ok("chart", "d.launched")
    assert "not drawn: 2 figures covering more than the metric's period" in result.stderr
    legend = result.stdout.splitlines()[-1]
    assert "Air Force" in legend and "Monitor" not in legend
    assert "5,000" not in result.stdout  # the value axis ends near 300


def test_compare_every_takes_no_ratio_between_figures_of_different_spans(cli):
    # May: 1,100 / 1,000 = 1.1. June: A's total to 30 June against B's count since March: no
    # ratio, and a warning naming June.
    cli.ok("add", "m.k", "1000", "-s", "A", "--as-of", "2025-05-31", "--reported", "2025-05-31")
    cli.ok("add", "m.k", "1100", "-s", "B", "--as-of", "2025-05-31", "--reported", "2025-05-31")
    cli.ok("add", "m.k", "1200", "-s", "A", "--as-of", "2025-06-30", "--reported", "2025-06-30")
    cli.ok("add", "m.k", "300", "-s", "B", "--as-of", "since March", "--reported", "2025-06-30")
    rows = cli.json("compare", "m.k", "--every", "month", "--against", "A")
    assert picked(rows, "period", "A", "B", "B / A", "spans_differ") == [
        ("2025-05", 1000, 1100, 1.1, False),
        ("2025-06", 1200, 300, None, True),
    ]
    table = cli.ok("compare", "m.k", "--every", "month", "--against", "A").stdout
    assert "in 2025-06 the figures count different spans" in table


def test_a_weeks_total_among_nights_is_no_change_and_compare_warns(cli):
    # An undeclared metric: nights as spans of two dates, then a week's total. The week is no
    # rise from the night before (2,000 against 300); the next night is set against the night
    # before the week (300 -> 280: -20, -6.7%).
    for as_of, value in [
        ("2025-06-07/2025-06-08", "300"),
        ("2025-06-02/2025-06-08", "2,000"),
        ("2025-06-08/2025-06-09", "280"),
    ]:
        cli.ok("add", "n.drones", value, "-s", "AF", "--as-of", as_of, "--reported", "2025-06-09")
    rows = cli.json("diff", "n.drones")
    assert picked(rows, "value", "change", "change_pct", "other_span") == [
        ("300", None, None, False),
        ("2,000", None, None, True),
        ("280", -20, -6.7, False),
    ]
    cli.ok("add", "n.drones", "290", "-s", "Monitor", "--as-of", "2025-06-02/2025-06-09")
    table = cli.ok("compare", "n.drones", "--at", "2025-06-09").stdout
    assert "cover spans of different lengths" in table


# Counts from NIS, with a forecast for December logged in June between them and another for
# June 2026 logged in July; a second source counts in January 2026.
PLANS = """metric,value,as_of,reported,source,future,logged_at
m.troops,"11,000",2025-04-01,2025-04-01,NIS,,2025-04-01T08:00:00Z
m.troops,"12,000",2025-06-01,2025-06-01,NIS,,2025-06-01T08:00:00Z
m.troops,"30,000",2025-12,2025-06-10,NIS,true,2025-06-10T08:00:00Z
m.troops,"13,000",2025-07-01,2025-07-01,NIS,,2025-07-01T08:00:00Z
m.troops,"40,000",2026-06,2025-07-02,NIS,true,2025-07-02T08:00:00Z
m.troops,"14,000",2026-01-10,2026-01-10,NIS,,2026-01-10T08:00:00Z
m.troops,"29,000",2026-01-10,2026-01-10,Monitor,,2026-01-10T09:00:00Z
"""


@pytest.fixture
def plans(cli, tmp_path: Path) -> None:
    imported(cli, tmp_path / "plans.csv", PLANS)


def test_diff_sets_a_forecast_only_against_forecasts(cli, plans):
    # NIS counts 11,000 -> 12,000 (+1,000, +9.1%) -> 13,000 (+1,000, +8.3%) -> 14,000 (+1,000,
    # +7.7%); its forecasts 30,000 (December) -> 40,000 (June 2026): +10,000, +33.3%. December's
    # forecast sits on 31 December, between 13,000 and 14,000, and takes no change from either.
    rows = cli.json("diff", "m.troops", "--source", "NIS")
    assert picked(rows, "as_of", "value", "change", "change_pct", "future", "other_span") == [
        ("2025-04-01", "11,000", None, None, False, False),
        ("2025-06-01", "12,000", 1000, 9.1, False, False),
        ("2025-07-01", "13,000", 1000, 8.3, False, False),
        ("2025-12", "30,000", None, None, True, False),
        ("2026-01-10", "14,000", 1000, 7.7, False, False),
        ("2026-06", "40,000", 10000, 33.3, True, False),
    ]
    table = cli.ok("diff", "m.troops", "--source", "NIS").stdout
    assert " plan" in table and "never against what it counted" in table


def test_the_latest_figure_is_a_count_not_a_forecast(cli, plans):
    # diff alone: NIS from 11,000 to 14,000 (+3,000, +27.3%), its June 2026 forecast passed by.
    summary = {row["source"]: row for row in cli.json("diff")}
    nis = summary["NIS"]
    assert (nis["claims"], nis["latest_value"], nis["change"], nis["change_pct"]) == (
        6,
        "14,000",
        3000,
        27.3,
    )
    # metrics: the latest figure is the Monitor's count of 10 January 2026 (logged after NIS's).
    [metric] = cli.json("metrics")
    assert (metric["latest_as_of"], metric["latest_value"], metric["latest_source"]) == (
        "2026-01-10",
        "29,000",
        "Monitor",
    )


def test_compare_leaves_forecasts_out_even_once_their_day_has_come(cli, plans):
    # On 15 January 2026 December's forecast (30,000) has come due: NIS's latest count is still
    # 14,000; the median of 14,000 and 29,000 is 21,500.
    rows = cli.json("compare", "m.troops", "--at", "2026-01-15")
    assert picked(rows, "source", "claims", "latest_value", "max") == [
        ("NIS", 4, "14,000", 14000),
        ("Monitor", 1, "29,000", 29000),
    ]
    assert {(r["consensus"], r["plans_left_out"]) for r in rows} == {(21500, 1)}
    table = cli.ok("compare", "m.troops", "--at", "2026-01-15").stdout
    assert "not compared: 1 plan or forecast" in table
    # --every quarter: 2025-Q4 has no count from NIS (its forecast for December is none).
    quarters = cli.json("compare", "m.troops", "--every", "quarter")
    assert picked(quarters, "period", "NIS", "Monitor") == [
        ("2025-Q2", 12000, None),
        ("2025-Q3", 13000, None),
        ("2025-Q4", None, None),
        ("2026-Q1", 14000, 29000),
    ]


def test_a_forecast_among_counts_does_not_hide_a_fall(cli, tmp_path: Path):
    # Ten counts rising by 10, then one fall (190 -> 185): 9 rises and 1 fall reads as
    # cumulative, and the fall is flagged. A forecast of 1,000 for a day amid them, taken as a
    # count, would add a rise and a fall (2 in 12: no longer cumulative, no flag).
    lines = ["metric,value,as_of,reported,source,future"]
    lines += [
        f"m.c,{100 + 10 * day},2025-03-{day + 1:02d},2025-03-{day + 1:02d},S," for day in range(10)
    ]
    lines += ["m.c,1000,2025-03-05,2025-03-02,S,true", "m.c,185,2025-03-11,2025-03-11,S,"]
    imported(cli, tmp_path / "c.csv", "\n".join(lines) + "\n")
    [row] = cli.json("diff")
    assert (row["latest_value"], row["change"], row["falls"]) == ("185", 85, True)
    assert [r["falls"] for r in cli.json("diff", "m.c")][-1] is True


def test_the_trend_of_metrics_follows_the_running_count(cli, spans):
    # The Staff's course is its eleven counts to a date, 179,000 to 182,000; each at level
    # int((figure - 179,000) / 3,000 * 7): 0 0 1 2 3 3 4 5 6 6 7. Its totals since October
    # (40,000, 45,000) would make two dips to the bottom.
    row = next(line for line in cli.ok("metrics").stdout.splitlines() if "m.killed" in line)
    assert row.split()[-1] == "▁▁▂▃▄▄▅▆▇▇█"


def test_a_sources_range_over_time_is_of_its_running_count(cli, spans):
    # On 14 June the Staff's latest is 181,800, its counts to a date ran from 179,000: its
    # total since October (40,000) is no low point of them.
    [staff] = [
        r for r in cli.json("compare", "m.killed", "--at", "2023-06-14") if r["source"] == "Staff"
    ]
    assert (staff["claims"], staff["min"], staff["max"]) == (11, 179000, 181800)


def test_diff_every_year_keeps_a_years_count_beside_its_forecast(cli, plans):
    # 2025: NIS's latest count 13,000 (1 July) and its forecast for December, 30,000; 2026: its
    # count 14,000 (+1,000, +7.7% from 13,000) and its forecast for June, 40,000 (+10,000, +33.3%).
    rows = cli.json("diff", "m.troops", "--source", "NIS", "--every", "year")
    assert picked(rows, "period", "value", "change", "change_pct", "future") == [
        ("2025", "13,000", None, None, False),
        ("2025", "30,000", None, None, True),
        ("2026", "14,000", 1000, 7.7, False),
        ("2026", "40,000", 10000, 33.3, True),
    ]


def test_compare_every_takes_the_period_still_running_on_today(tmp_path: Path):
    # Today is 10 July 2025. The Staff counted on 9 July, the Monitor on 1 July. The third quarter
    # runs to 30 September: taken at its end, both would be older than 7 days; on 10 July the
    # Staff's is 1 day old and the Monitor's 9 (left out). The second quarter, over, is taken at
    # 30 June: the Staff's figure of 28 June is 2 days old, the Monitor's of 20 June 10 (out).
    ledger = osintlog.Ledger(tmp_path / "q.json", today="2025-07-10")
    for value, day, source in [
        ("500", "2025-06-20", "Monitor"),
        ("1,000", "2025-06-28", "Staff"),
        ("520", "2025-07-01", "Monitor"),
        ("1,040", "2025-07-09", "Staff"),
    ]:
        ledger.add("m.lost", value, source=source, as_of=day, reported=day)
    (found,) = ledger.compare_every("m.lost", "quarter", max_age="7d")
    assert [(r.period, r.at, r.figures, r.running) for r in found.rows] == [
        ("2025-Q2", "2025-06-30", {"Monitor": None, "Staff": 1000}, False),
        ("2025-Q3", "2025-07-10", {"Monitor": None, "Staff": 1040}, True),
    ]


def test_compare_every_names_the_period_still_running(cli):
    # A figure of today is 0 days old today; at the end of the year it would be older than a
    # day (unless today is 30 or 31 December).
    cli.ok("add", "m.lost", "1,000", "-s", "Staff")
    rows = cli.json("compare", "m.lost", "--every", "year", "--max-age", "1d")
    today = date.today().isoformat()
    assert [(r["period"], r["at"], r["Staff"]) for r in rows] == [(today[:4], today, 1000)]
    table = cli.ok("compare", "m.lost", "--every", "year", "--max-age", "1d").stdout
    assert f"({today[:4]}, still running: on {today})" in " ".join(table.split())


def test_a_source_filter_no_claim_gives_is_warned_of_with_the_closest(cli, series):
    # "Sparce" is no source of the ledger (Sparse is): the selection is empty as before, and
    # stderr says why; "DAILY" is Daily in another case, and "Third" a source of no m.guns claim.
    warning = 'warning: no claim names the source "Sparce"; closest: Sparse'
    for command in (
        ["list", "--source", "Sparce"],
        ["export", "--source", "Sparce"],
        ["diff", "--source", "Sparce"],
        ["diff", "m.tanks", "--source", "Sparce", "--source", "Daily"],
        ["chart", "m.tanks", "--source", "Sparce"],
    ):
        result = cli.ok(*command)
        assert warning in result.stderr, command
    # The 12 claims of Daily (one of them spelled "daily"), shown under its usual name.
    rows = cli.json("diff", "m.tanks", "-s", "Sparce", "-s", "Daily")
    assert [row["source"] for row in rows] == ["Daily"] * 12
    for quiet in (["list", "--source", "DAILY"], ["diff", "m.guns", "--source", "Third"]):
        assert "warning" not in cli.ok(*quiet).stderr


def test_the_api_names_the_sources_a_filter_gives_that_no_claim_gives(tmp_path: Path):
    ledger = osintlog.Ledger(tmp_path / "s.json", today="2025-07-10")
    assert ledger.unknown_sources("Anyone") == []  # no ledger yet: reading one says so
    ledger.add("m.lost", "10", source="General Staff", as_of="2025-07-01")
    assert ledger.unknown_sources(["general  staff", "General Staf"]) == [
        'no claim names the source "General Staf"; closest: General Staff (see osintlog sources)'
    ]
    assert ledger.unknown_sources(None) == []


def test_diff_every_rolls_up_totals_longer_than_the_period_too(cli, tmp_path: Path):
    # Nights, and weekly totals beside them (each week Monday to Sunday, sitting on its Sunday):
    # 2 and 9 March sit in March, 16 March too; with a month's total of March, logged on 1 April.
    # Per month: the latest night (31 March: 90), the latest week (10-16 March: 2,100) and the
    # month's total (9,000), each a row; the weeks before it and the month are not hidden by a
    # night, nor the month by a week.
    rows = "\n".join(
        [
            "metric,value,as_of,reported,source",
            "d.night,100,2025-03-01/2025-03-02,2025-03-02,Force",
            'd.night,"1,500",2025-02-24/2025-03-02,2025-03-03,Office',
            'd.night,"1,800",2025-03-03/2025-03-09,2025-03-10,Office',
            'd.night,"2,100",2025-03-10/2025-03-16,2025-03-17,Office',
            "d.night,90,2025-03-30/2025-03-31,2025-03-31,Force",
            'd.night,"9,000",2025-03,2025-04-01,Office',
        ]
    )
    imported(cli, tmp_path / "nights.csv", rows + "\n")
    cli.ok("metrics", "describe", "d.night", "--kind", "per-period", "--period", "night")
    months = cli.json("diff", "d.night", "--every", "month")
    assert picked(months, "as_of", "source", "value", "longer_than_period") == [
        ("2025-03-10/2025-03-16", "Office", "2,100", True),
        ("2025-03-30/2025-03-31", "Force", "90", False),
        ("2025-03", "Office", "9,000", True),
    ]
    # Without --every, each is a row.
    assert len(cli.json("diff", "d.night")) == 6


def test_compare_says_it_left_out_a_later_total_of_several_days(cli):
    # The air force's total "since May 1" of 28 May was left out without a word: the table
    # showed its night of 3 May as its latest, stale.
    cli.ok("metrics", "describe", "ua.drones.launched", "--kind", "per-period", "--period", "day")
    for value, as_of, reported in [
        ("120", "2026-05-02", "2026-05-02"),
        ("90", "2026-05-03", "2026-05-03"),
        ("about 4,000", "since May 1", "2026-05-28"),
    ]:
        cli.ok(
            "add",
            "ua.drones.launched",
            value,
            "--source",
            "Air Force",
            "--as-of",
            as_of,
            "--reported",
            reported,
        )
    (row,) = cli.json("compare", "ua.drones.launched", "--at", "2026-05-28")
    assert (row["latest_value"], row["stale"], row["totals_left_out"]) == ("90", True, 1)
    table = cli.ok("compare", "ua.drones.launched", "--at", "2026-05-28").stdout
    assert "not compared: 1 later figure covering more than one day" in table


def test_compare_warns_of_two_sources_that_give_the_same_figure_on_every_date(cli):
    # The general staff logged under two names: compared as two, its figure was two of the
    # three, and the consensus its own (1,148). Oryx shares no date with them: no warning of it.
    for day, value in [("01", "1,037"), ("02", "1,074"), ("03", "1,111"), ("04", "1,148")]:
        for source in ("General Staff", "ZSU General Staff"):
            cli.ok("add", "x.tanks.lost", value, "--source", source, "--as-of", f"2026-01-{day}")
    cli.ok("add", "x.tanks.lost", "600", "--source", "Oryx", "--as-of", "2025-12-31")
    table = cli.ok("compare", "x.tanks.lost", "--at", "2026-01-04").stdout
    assert (
        "warning: General Staff and ZSU General Staff give the same figure on all 4 dates both "
        "report" in table
    )
    assert table.count("give the same figure") == 1
    cli.ok("sources", "alias", "ZSU General Staff", "General Staff")
    table = cli.ok("compare", "x.tanks.lost", "--at", "2026-01-04").stdout
    assert "give the same figure" not in table
    assert "ratio: General Staff is 1.91× Oryx" in table
