"""extract: every figure the reports state, with unit, source and as-of date, and nothing else."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from test_figures import CASES as FIGURE_CASES

from osintlog import figures
from osintlog.errors import BadInput

HERE = Path(__file__).resolve().parent
REPORTS = HERE / "reports"
SHARED_REPORT = HERE.parents[1] / "shared" / "reports" / "2025-08-22-dprk-kursk-awards.txt"
SAMPLE = SHARED_REPORT if SHARED_REPORT.exists() else REPORTS / "dprk-kursk-awards.txt"

KEYS = ("value", "unit", "source", "as_of")
THU = "2025-07-10"

# Worked out by reading the report: every figure it states, in order, and nothing else (not the
# years, "April 26", "Two days later", "the first time" or "triple").
DPRK = [
    ("101", "portraits", "Babel", None),
    ("about 12 000", "people", "Babel", "2024-10"),
    ("another 3 000", "soldiers", "Babel", "2025-03"),
    ("15 000", "fighters", "South Korean lawmakers", "2025-04"),
    ("approximately 4 700", "fighters", "South Korean lawmakers", "2025-04"),
    ("600", "fighters", "South Korean lawmakers", "2025-04"),
    ("several dozen", "missiles", "Western media", "2024-01-04"),
    ("another 150", "ballistic missiles", "Kyrylo Budanov", "2025-01"),
    ("up to 6 million", "shells", "Reuters", "2025-04"),
    ("100%", "%", "Babel", None),
    ("an additional 25 000 to 30 000", "soldiers", "Ukrainian intelligence", "2025-07"),
]

OWN_REPORTS = {
    "abbreviations.txt": [
        # "fired at least 1,200 ... since mid-2022": the figure's own date, a span to the report
        ("at least 1,200", "KN-23 missiles", "U.S. Department of Defense", "2022/2025-01-15"),
        ("about 300", None, "Gen. Smith", None),
        ("1,500", "T-72 tanks", "Institute for the Study of War", "2024-10"),
    ],
    "ranges-and-words.txt": [
        ("between 10,000 and 12,000", "troops", "National Intelligence Service", None),
        ("three thousand", None, "Officials", "2024-12"),
        ("Hundreds", "soldiers", "Ukrainian commander", None),
        ("dozens", "North Korean troops", "Ukrainian commander", None),
        ("1.5 billion", "USD", "Test Wire", None),
        ("Roughly 40 percent", "%", "Reuters", None),
        ("25–30 thousand", None, "Pentagon", None),
    ],
    "dates-and-ages.txt": [
        ("more than 5,000", "Ukrainian soldiers", "Russia's General Staff", "2025-04-26"),
        ("nearly 600", "soldier", "Test Wire", "2025-04-26"),
        ("100+", "vehicles", "Test Wire", None),
        ("7", "drones", "Sources", None),
        ("1.2m", None, "Sources", None),
        ("40 percent", "%", "Test Wire", None),
        ("2,000", "drones", "Test Wire", None),
    ],
}


def candidates(cli, path: Path, *args: str) -> list[dict]:
    return cli.json("extract", str(path), *args)


def report_of(folder: Path, text: str) -> Path:
    """A report's text, written to a file in `folder`."""
    path = folder / "report.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_figure_of_the_sample_report_and_nothing_else(cli):
    found = candidates(cli, SAMPLE, "--via", "Babel")
    assert [tuple(c[k] for k in KEYS) for c in found] == DPRK
    assert {c["reported"] for c in found} == {"2025-08-22"}
    assert {c["via"] for c in found} == {"Babel"}


def test_metrics_are_guessed_from_the_unit_and_the_verb(cli):
    found = candidates(cli, SAMPLE, "--via", "Babel")
    assert [c["metric"] for c in found][1:9] == [
        "troops.deployed",
        "troops.sent",
        "troops.deployed",
        "troops.casualties",
        "troops.killed",
        "missiles.delivered",
        "missiles.planned",
        "shells.delivered",
    ]


@pytest.mark.parametrize("name", sorted(OWN_REPORTS))
def test_tricky_reports(cli, name):
    found = candidates(cli, REPORTS / name, "--via", "Test Wire")
    assert [tuple(c[k] for k in KEYS) for c in found] == OWN_REPORTS[name]


@pytest.mark.parametrize("path", [SAMPLE, *sorted(REPORTS.glob("*.txt"))], ids=lambda p: p.name)
def test_every_quote_contains_its_value_verbatim(cli, path):
    for candidate in candidates(cli, path, "--via", "X"):
        assert candidate["value"] in candidate["quote"]


def test_figures_go_through_the_same_parser_as_add(cli):
    found = {c["value"]: c for c in candidates(cli, SAMPLE, "--via", "Babel")}
    assert (found["up to 6 million"]["high"], found["up to 6 million"]["qualifier"]) == (
        6000000,
        "at-most",
    )
    assert (found["several dozen"]["low"], found["several dozen"]["qualifier"]) == (12, "vague")
    ranged = found["an additional 25 000 to 30 000"]
    assert (ranged["low"], ranged["high"], ranged["best"]) == (25000, 30000, 27500)


def test_csv_output_imports_with_no_edit(cli, tmp_path):
    out = cli.ok("extract", str(SAMPLE), "--via", "Babel", "--format", "csv").stdout
    path = tmp_path / "c.csv"
    path.write_text(out, encoding="utf-8")
    assert "imported 11 claims" in cli.ok("import", str(path)).stderr
    assert cli.ok("verify").stdout == ""


def test_without_via_unattributed_rows_are_refused_with_advice(cli, tmp_path, ledger_path):
    out = cli.ok("extract", str(SAMPLE), "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["value"] for r in rows if not r["source"]] == [
        "101",
        "about 12 000",
        "another 3 000",
        "100%",
    ]
    path = tmp_path / "c.csv"
    path.write_text(out, encoding="utf-8")
    result = cli.fails("import", str(path))
    assert "source is required: fill in the source column" in result.stderr
    assert f"{path}:2:" in result.stderr
    assert not ledger_path.exists()


def test_the_reported_date_comes_from_the_option_or_the_date_line(cli, tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("In October, officials said 4,000 troops had arrived.\n")
    result = cli.fails("extract", str(plain))
    assert "no reported date" in result.stderr and "--reported" in result.stderr
    [candidate] = candidates(cli, plain, "--reported", "2025-01-15")
    assert (candidate["as_of"], candidate["reported"]) == ("2024-10", "2025-01-15")


def test_extract_reads_stdin_and_shows_a_table(cli):
    text = SAMPLE.read_text(encoding="utf-8")
    result = cli.ok("extract", "-", "--via", "Babel", input=text)
    assert "≤6,000,000" in result.stdout and "several dozen (≥12)" in result.stdout


def test_review_needs_a_terminal(cli):
    result = cli.fails("extract", str(SAMPLE), "--via", "Babel", "--review")
    assert "--review needs a terminal" in result.stderr


def test_month_names_are_read_only_as_whole_words(cli, tmp_path):
    # Written for this test: words that begin like a month name.
    report = report_of(
        tmp_path,
        "Separately, the air force said 40 drones were shot down.\n\n"
        "Decoy drones made up about 200 of the 477 launched, the monitoring group said.\n\n"
        "Marines reported 12 boats destroyed in March.\n",
    )
    found = [(c["value"], c["as_of"]) for c in candidates(cli, report, "--reported", THU)]
    assert found == [("40", None), ("about 200", None), ("477", None), ("12", "2025-03")]


def test_a_plan_by_a_later_month_is_a_future_candidate_that_imports(cli, tmp_path):
    report = report_of(
        tmp_path,
        "By December the army will send another 3,000 troops, the Defence Ministry said.\n",
    )
    out = cli.ok("extract", str(report), "--reported", THU, "--format", "csv").stdout
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["value"], row["as_of"], row["future"]) == ("another 3,000", "2025-12", "true")
    path = tmp_path / "c.csv"
    path.write_text(out, encoding="utf-8")
    assert "imported 1 claim " in cli.ok("import", str(path)).stderr


def test_the_end_of_the_year_or_month_ahead_of_the_report_is_a_forecast(cli, tmp_path):
    # In a report of 10 July 2025: "by the end of the year" is December (after the report: a
    # forecast), "by the end of the month" 31 July; "the end of the year 2024" is 2024.
    report = report_of(
        tmp_path,
        "The ministry expects up to 1,000 drones a night by the end of the year, an aide said.\n"
        "The army plans to send 6,000 troops by the end of the month, the ministry said.\n"
        "At the end of the year 2024, the army had 300 tanks, the minister said.\n",
    )
    found = [
        (c["value"], c["as_of"], c["future"]) for c in candidates(cli, report, "--reported", THU)
    ]
    assert found == [
        ("up to 1,000", "2025-12", True),
        ("6,000", "2025-07-31", True),
        ("300", "2024", False),
    ]


def test_spans_deadlines_and_earlier_figures_get_their_own_dates(cli, tmp_path):
    # A report of Thursday 14 January 2027 (written for this test). Worked by hand:
    # - "Since the invasion in February 2022": a count from February 2022 to the report.
    # - "Between 2022 and 2024": the span of the three years; "its report" is the monitoring
    #   mission's, the agent of "recorded by".
    # - "last week" is Monday 4 to Sunday 10 January; "the week before" 28 December to 3 January.
    # - "in the first half of 2026": January to June 2026.
    # - "by the end of 2027" is a forecast: December 2027. "by mid-December", said of the past,
    #   is the December before the report, not a forecast of the next.
    # - "up 20% from a year earlier" is a change, no share: no candidate.
    report = report_of(
        tmp_path,
        "date 2027-01-14\n\n"
        "Border guards said they had detained 1,240 people in December, up 20% from a year "
        "earlier.\n\n"
        "Since the invasion in February 2022, at least 12,000 civilians have been killed, the "
        "rights office said.\n\n"
        "Between 2022 and 2024, some 300 raids were recorded by the monitoring mission, its "
        "report said.\n\n"
        "The ministry put the number of shells fired last week at 41,000, compared with 36,000 "
        "the week before.\n\n"
        "Some 9,000 recruits signed up in the first half of 2026, the governor said.\n\n"
        "The army expects another 60 tanks by the end of 2027, a spokesman said.\n\n"
        "Casualties in the brigade reached 1,300 soldiers by mid-December, a medic said.\n",
    )
    found = [(c["value"], c["as_of"], c["source"], c["future"]) for c in candidates(cli, report)]
    assert found == [
        ("1,240", "2026-12", "Border guards", False),
        ("at least 12,000", "2022-02/2027-01-14", "rights office", False),
        ("some 300", "2022/2024", "monitoring mission", False),
        ("41,000", "2027-01-04/2027-01-10", "ministry", False),
        ("36,000", "2026-12-28/2027-01-03", "ministry", False),
        ("Some 9,000", "2026-01/2026-06", "governor", False),
        ("another 60", "2027-12", "spokesman", True),
        ("1,300", "2026-12", "medic", False),
    ]


def test_a_date_between_two_figures_dates_the_second(cli, tmp_path):
    # A report of 28 November 2026. The second figure of each sentence comes after a date of
    # its own: the first half of 2024; "today" (the report's day); November. A date attached
    # to the first figure ("3,000 in January") or to an event ("during an offensive in
    # August") dates no figure after it.
    report = report_of(
        tmp_path,
        "In 2023, 300 tanks were lost and in the first half of 2024, 200, the ministry said.\n"
        "Officials estimated in mid-2025 that 600,000 troops were deployed; today the figure "
        "is closer to 700,000, the ministry said.\n"
        "About 4,700 were killed in May, up from roughly 3,000 in January, and 5,000 wounded, "
        "officials said.\n"
        "The army said in May that it had 300 tanks, seized during an offensive in August, and "
        "200 guns.\n",
    )
    found = [(c["value"], c["as_of"]) for c in candidates(cli, report, "--reported", "2026-11-28")]
    assert found == [
        ("300", "2023"),
        ("200", "2024-01/2024-06"),
        ("600,000", "2025"),
        ("700,000", "2026-11-28"),
        ("About 4,700", "2026-05"),
        ("roughly 3,000", "2026-01"),
        ("5,000", "2026-05"),
        ("300", "2026-05"),
        ("200", "2026-05"),
    ]


def test_each_item_of_a_list_is_read_on_its_own(cli, tmp_path):
    # A report of 5 October 2026 (written for this test). Read as one sentence, the list's
    # last item ("since January") dated the first two, and the second took the third's noun.
    # "the second quarter" without a year is the one before the report: April to June 2026;
    # "the third quarter" July to September.
    report = report_of(
        tmp_path,
        "date 2026-10-05\n\nKey figures from the assessment:\n"
        "- Troops deployed: about 48,000 (up from 41,000 in the second quarter)\n"
        "- Artillery rounds fired per day: 9,000-11,000\n"
        "- Armoured vehicles lost since January: at least 610\n\n"
        "In the third quarter, the air force recorded 14,312 drones launched.\n",
    )
    found = [(c["value"], c["unit"], c["as_of"], c["line"]) for c in candidates(cli, report)]
    assert found == [
        ("about 48,000", "troops", None, 4),
        ("41,000", "troops", "2026-04/2026-06", 4),
        ("9,000-11,000", "rounds", None, 5),
        ("at least 610", "vehicles", "2026-01/2026-10-05", 6),
        ("14,312", "drones", "2026-07/2026-09", 8),
    ]


def test_an_earlier_figure_without_a_date_is_no_candidate(cli, tmp_path):
    # A report of 28 November 2026. "up from 3,000" says no word of when the 3,000 was: taken
    # at the sentence's date it would stand beside the 4,700 as a second figure of May, and
    # diff would read a fall. "700 a month ago" is October; "two years ago" November 2024.
    # "In May" at a sentence's start is the month, not the verb. A figure "compared with" may
    # be another's of the same time: Ukraine's 120 is of May too.
    report = report_of(
        tmp_path,
        "date 2026-11-28\n\n"
        "In May, 4,700 soldiers were killed, up from 3,000, officials said.\n"
        "Russia lost 300 tanks in May, compared with Ukraine's 120, the institute said.\n"
        "Some 900 drones were launched last week, up from 700 a month ago, the air force said.\n"
        "Russia fired 10,000 shells a day, down from 20,000 two years ago, the army said.\n",
    )
    found = [(c["value"], c["as_of"]) for c in candidates(cli, report)]
    assert found == [
        ("4,700", "2026-05"),
        ("300", "2026-05"),
        ("120", "2026-05"),
        ("Some 900", "2026-11-16/2026-11-22"),
        ("700", "2026-10"),
        ("10,000", None),
        ("20,000", "2024-11"),
    ]


def test_a_noun_after_its_adjective_is_the_unit(cli, tmp_path):
    # "14 residential buildings" counts buildings: without a unit the 14 (under 100) was left
    # out as a bare small number. "45 years old" counts no thing.
    report = report_of(
        tmp_path,
        "The strikes damaged 14 residential buildings in three districts, the governor said. "
        "The oldest victim was 45 years old.\n",
    )
    found = [(c["value"], c["unit"]) for c in candidates(cli, report, "--reported", THU)]
    assert found == [("14", "residential buildings"), ("three", "districts")]


def test_what_was_launched_and_what_was_shot_down_are_two_metrics(cli, tmp_path):
    # A night's report (written for this test): 137 drones launched, 125 of them shot down, and
    # the other side's claim of 41 drones destroyed. In one metric, diff would read 137 -> 125
    # as a fall over time; they are three quantities.
    report = report_of(
        tmp_path,
        "Russia attacked overnight with 137 drones, the air force said. Air defences shot down "
        "125 drones, it said. The Russian defence ministry said its air defences had destroyed "
        "41 Ukrainian drones overnight.\n",
    )
    found = [(c["value"], c["metric"]) for c in candidates(cli, report, "--reported", THU)]
    assert found == [
        ("137", "drones.fired"),
        ("125", "drones.downed"),
        ("41", "drones.destroyed"),
    ]


def test_a_toll_and_its_breakdown_are_read_as_written(cli, tmp_path):
    # A report of 15 September 2026 (written for this test). "including 669 children" counts
    # children, not civilians: in the civilians' metric diff would read 14,000 -> 669 as a fall.
    # "31 killed" on a line of its own counts people, though under 100 and with no noun. "the
    # first eight months of the year" is January to August 2026; "the 2025 total of 1,350" is
    # 2025's. "at the end of this year" is December, a forecast.
    report = report_of(
        tmp_path,
        "date 2026-09-15\n\n"
        "At least 14,000 civilians have been killed since February 2022, including 669 "
        "children, monitors said.\n\n"
        "Kharkiv region: 31 killed, 140 wounded\n\n"
        "The total for the first eight months of the year, 1,488 killed, is above the 2025 "
        "total of 1,350, monitors said.\n\n"
        "At the end of this year the army will have 300 tanks, the minister said.\n",
    )
    found = [(c["value"], c["unit"], c["as_of"], c["future"]) for c in candidates(cli, report)]
    assert found == [
        ("At least 14,000", "civilians", "2022-02/2026-09-15", False),
        ("669", "children", "2022-02/2026-09-15", False),
        ("31", None, None, False),
        ("140", None, None, False),
        ("1,488", None, "2026-01/2026-08", False),
        ("1,350", None, "2025", False),
        ("300", "tanks", "2026-12", True),
    ]


def test_a_ministrys_running_totals_are_classed_by_what_they_count(cli, tmp_path):
    # Written for this test. By their last word, "unmanned aerial vehicles" were vehicles
    # (beside the tanks) and "air defence systems" artillery.
    report = report_of(
        tmp_path,
        "In total, 283 helicopters, 61,020 unmanned aerial vehicles, 592 air defence systems "
        "and 23,765 tanks have been destroyed, the ministry said.\n",
    )
    found = [(c["value"], c["metric"]) for c in candidates(cli, report, "--reported", THU)]
    assert found == [
        ("283", "aircraft.destroyed"),
        ("61,020", "drones.destroyed"),
        ("592", "air_defence.destroyed"),
        ("23,765", "vehicles.destroyed"),
    ]


def test_a_hedge_before_a_currency_symbol_is_the_figures(cli, tmp_path):
    # "about $66.5bn" is approximate: the hedge was dropped with the symbol before it and the
    # figure read as exact. The symbol is the unit, as it was.
    report = report_of(
        tmp_path,
        "Washington has provided about $66.5bn in aid, the State Department said. The EU "
        "approved up to €50 billion, the commission said.\n",
    )
    found = [
        (c["value"], c["qualifier"], c["best"], c["high"], c["unit"])
        for c in candidates(cli, report, "--reported", THU)
    ]
    assert found == [
        ("about 66.5bn", "approx", 66_500_000_000, None, "USD"),
        ("up to 50 billion", "at-most", None, 50_000_000_000, "EUR"),
    ]


def test_a_percentage_that_is_a_change_is_no_candidate(cli, tmp_path):
    # "rose 20%", "fell by 12 percent" and "a 15% rise" say how much something changed; a
    # turnout of 40% and "about 30% of the drones" say how much there is.
    report = report_of(
        tmp_path,
        "Prices rose 20% in June, the bank said. Turnout was 40% in the region, officials said. "
        "Losses fell by 12 percent in May, the ministry said. A 15% rise in recruitment was "
        "reported by the ministry. About 30% of the drones were jammed, the army said.\n",
    )
    found = [(c["value"], c["source"]) for c in candidates(cli, report, "--reported", THU)]
    assert found == [("40%", "officials"), ("About 30%", "army")]


FORMS_ADD_READS = (
    [case[0] for case in FIGURE_CASES]
    + list(figures.EXAMPLES)
    + [
        "2 bln",
        "scores of",
        "a couple of hundred",
        "80 or more",
        "1,200-plus",
        "some 40-odd",
        "$1.5 billion",
        "12000",
    ]
)


@pytest.mark.parametrize("form", list(dict.fromkeys(FORMS_ADD_READS)))
def test_every_figure_form_add_reads_is_found_in_a_sentence(form):
    from osintlog.extract import extract

    sentence = f"The ministry said {form} soldiers were killed, the agency reported."
    wanted = figures.parse_figure(form)
    found = extract(sentence, today=date(2026, 1, 1), reported=THU)
    assert [
        (c["low"], c["high"], c["best"], c["qualifier"])
        for c in found
        if (c["low"], c["high"], c["best"], c["qualifier"])
        == (wanted.low, wanted.high, wanted.best, wanted.qualifier)
    ], [c["value"] for c in found]


# --- hostile text ------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from osintlog.extract import extract  # noqa: E402
from osintlog.plain_text import text_problem  # noqa: E402

HOSTILE_SHAPES = {
    "dots": "Troops. " + "." * 40_000 + " Then 400 drones were launched.",
    "long sentence": "the troops moved on " * 4_000 + "said X",
    "many figures": "The ministry said " + ", ".join(f"{n} drones" for n in range(100, 4_000)),
    "digit run": "A report of " + "9" * 5_000 + " soldiers.",
    "stop first": ". X said 300 soldiers died.\n\n. \n\n.",
    "only stops": ".!?" * 1_000,
    "verbs of saying": "A, said the (UNHCR) said according to him " * 2_000,
}


@pytest.mark.parametrize("text", HOSTILE_SHAPES.values(), ids=HOSTILE_SHAPES.keys())
def test_extract_reads_hostile_shapes_without_crashing(text):
    # No time is asserted here (benchmarks/extract_hostile.py measures it), but each of these
    # took minutes, or crashed, before extract was made linear.
    for candidate in extract(text, today=date(2025, 9, 1), reported="2025-08-31"):
        assert text_problem(candidate["quote"], prose=True) == ""
        assert len(candidate["quote"]) <= 1_000


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_extract_never_crashes_and_quotes_keep_the_rule(text):
    for candidate in extract(text, today=date(2025, 9, 1), reported="2025-08-31"):
        assert text_problem(candidate["quote"], prose=True) == ""
        assert candidate["value"] in candidate["quote"]


def test_an_escape_sequence_in_a_report_is_no_figure_and_never_reaches_a_quote():
    report = "The ministry said \x1b[52m soldiers were seen, and 300 drones \x1b]0;pwned\x07hit."
    [candidate] = extract(report, today=date(2025, 9, 1), reported="2025-08-31")
    assert candidate["value"] == "300"
    assert "\x1b" not in candidate["quote"] and "pwned" not in candidate["quote"]


def test_each_candidate_names_its_figures_own_line_and_machine_output_carries_it(cli, tmp_path):
    report = report_of(
        tmp_path,
        "date 2025-08-22\n"  # 1
        "\n"  # 2
        "The ministry said on Monday that\n"  # 3
        "about 400 drones were launched overnight,\n"  # 4
        "and that 12 missiles followed.\n"  # 5
        "\n\n\n"  # 6, 7, 8
        "Officials said 300 soldiers were wounded.\n",  # 9
    )
    rows = json.loads(cli.ok("extract", str(report), "--via", "V", "-f", "json").stdout)
    assert [(row["value"], row["line"]) for row in rows] == [
        ("about 400", 4),
        ("12", 5),
        ("300", 9),
    ]
    out = tmp_path / "c.csv"
    out.write_text(cli.ok("extract", str(report), "--via", "V", "-f", "csv").stdout)
    assert "line" in out.read_text().splitlines()[0].split(",")
    imported = cli.ok("import", str(out))
    assert "ignored" not in imported.stderr and "imported 3 claims" in imported.stderr


def test_a_byline_names_the_outlet_and_a_dateline_the_reports_date():
    report = (
        "Strikes hit the port overnight\n"
        "By Jane Doe, Test Wire\n"
        "Published 3 May 2025, 10:32\n\n"
        "At least 35 buildings were damaged. The mayor said 12 people were hurt.\n"
    )
    rows = extract(report, today=date(2025, 9, 1))
    assert [(r["value"], r["source"], r["via"], r["reported"]) for r in rows] == [
        ("At least 35", "Test Wire", "Test Wire", "2025-05-03"),
        ("12", "mayor", "Test Wire", "2025-05-03"),
    ]


def test_a_total_over_a_span_imports_as_one_and_stays_out_of_the_nights_changes(cli, tmp_path):
    # A report of Monday 24 November 2025: a night's count, then in the next paragraph a total
    # since the start of the month (1-24 November), "it said" naming the same source. Imported,
    # the total keeps its span, so diff takes no change between it and the night (n/a).
    report = report_of(
        tmp_path,
        "date 2025-11-24\n\nRussia sent 410 drones overnight, the air force said.\n\n"
        "Since the start of the month, 4,800 drones were sent, it said.\n",
    )
    found = candidates(cli, report, "--via", "Wire")
    assert [tuple(c[k] for k in KEYS) for c in found] == [
        ("410", "drones", "air force", None),
        ("4,800", "drones", "air force", "2025-11/2025-11-24"),
    ]
    candidates_csv = tmp_path / "candidates.csv"
    candidates_csv.write_text(cli.ok("extract", str(report), "-f", "csv").stdout, "utf-8")
    cli.ok("import", str(candidates_csv))
    rows = cli.json("diff", found[0]["metric"])
    assert [(r["as_of"], r["value"], r["change"], r["other_span"]) for r in rows] == [
        ("2025-11-24", "410", None, False),
        ("2025-11/2025-11-24", "4,800", None, True),
    ]


def test_a_verb_of_one_figure_is_not_anothers_and_people_are_troops_only_among_soldiers(
    cli, tmp_path
):
    # "had been killed" lies between the two figures, nearer the first: the 1.1 million fled.
    # The people who fled or were hurt are civilians; the 2,000 people sent with the soldiers
    # are troops. A verb before both figures is both figures' ("sent").
    report = report_of(
        tmp_path,
        "date 2026-03-14\n\n"
        "The office said 3,700 civilians had been killed, and that 1.1 million people had fled.\n"
        "Officials said 250 people were hurt.\n"
        "The army sent 2,000 people to the front, the soldiers' families said.\n"
        "The ministry sent 40 tanks and 12 aircraft.\n"
        "At least 900 civilians were killed, including 80 children.\n"
        "This year 1,488 were killed, above last year's total of 1,350.\n",
    )
    found = candidates(cli, report, "--via", "Wire")
    assert [(c["value"], c["metric"]) for c in found] == [
        ("3,700", "civilians.killed"),
        ("1.1 million", "people.displaced"),
        ("250", "people.wounded"),
        ("2,000", "troops.sent"),
        ("40", "vehicles.sent"),
        ("12", "aircraft.sent"),
        # a part, and the same thing again, share the verb
        ("At least 900", "civilians.killed"),
        ("80", "children.killed"),
        ("1,488", "figure.killed"),
        ("1,350", "figure.killed"),
    ]


def test_a_models_designation_is_part_of_the_unit(cli, tmp_path):
    # The "2" of "Leopard 2A4" was dropped from the unit, and "18 F-16s" was missed: a bare
    # number under 100 counting no noun. The 85 pledged count the same aircraft.
    report = report_of(
        tmp_path,
        "date 2026-09-15\n\n"
        "The brigade lost 12 Leopard 2A4 tanks in August, an officer said.\n"
        "Ukraine has received 18 F-16s so far, out of the 85 pledged, the ministry said.\n",
    )
    found = candidates(cli, report, "--via", "Wire")
    assert [(c["value"], c["unit"], c["metric"]) for c in found] == [
        ("12", "Leopard 2A4 tanks", "vehicles.casualties"),
        ("18", "F-16s", "f_16s.delivered"),
        ("85", "F-16s", "f_16s.planned"),
    ]
    csv_file = tmp_path / "c.csv"
    csv_file.write_text(cli.ok("extract", str(report), "--via", "Wire", "-f", "csv").stdout)
    assert "imported 3 claims" in cli.ok("import", str(csv_file)).stderr


def test_each_line_of_a_tally_is_its_own_figure_and_its_increase_no_candidate(cli, tmp_path):
    # A running tally, as a general staff publishes it: each line a label, a total and the
    # day's increase. Read as one sentence, every total took the first line's noun (tanks were
    # personnel) and each "(+4)" stood in the series as a total, a fall from 11,012 to 4.
    report = report_of(
        tmp_path,
        "date 2026-07-04\n\nThe enemy's total combat losses to date are approximately:\n\n"
        "personnel — about 1,043,210 (+1,020) persons\n"
        "tanks — 11,012 (+4)\n"
        "air defence systems — 1,196 (+1)\n"
        "UAVs: 61,380 (+243)\n",
    )
    found = candidates(cli, report, "--via", "Wire")
    assert [(c["value"], c["unit"], c["metric"], c["line"]) for c in found] == [
        ("about 1,043,210", "personnel", "troops.count", 5),
        ("11,012", "tanks", "vehicles.count", 6),
        ("1,196", "air defence systems", "air_defence.count", 7),
        ("61,380", "UAVs", "drones.count", 8),
    ]


def test_a_wire_datelines_outlet_is_the_outlet():
    report = "MOSCOW, Oct 20 (Test Wire) — The ministry said 45 drones were shot down.\n"
    rows = extract(report, today=date(2026, 12, 1), reported="2026-10-20")
    assert [(r["value"], r["source"], r["via"]) for r in rows] == [("45", "ministry", "Test Wire")]


def test_what_was_jammed_and_killed_or_wounded_are_metrics_of_their_own(cli, tmp_path):
    # "shot down" was the 226's nearest verb, across "and": the night's 249 downed and 226
    # downed read as a fall. "killed or wounded" counts casualties, not the killed. The night
    # of 28 to 29 June is both days, not the 29th.
    report = report_of(
        tmp_path,
        "date 2026-06-30\n\nOn the night of 28 to 29 June, Russia launched 477 drones, the "
        "air force said; 249 drones were shot down and 226 were lost to electronic warfare.\n"
        "Some 1.2m troops have been killed or wounded, the Pentagon estimates.\n",
    )
    found = candidates(cli, report, "--via", "Wire")
    night = "2026-06-28/2026-06-29"
    assert [(c["value"], c["metric"], c["as_of"]) for c in found] == [
        ("477", "drones.fired", night),
        ("249", "drones.downed", night),
        ("226", "drones.jammed", night),
        ("Some 1.2m", "troops.casualties", None),
    ]


def test_a_name_before_the_counted_noun_is_part_of_the_unit():
    report = "The army needs at least 12 more Patriot batteries, the minister said.\n"
    rows = extract(report, today=date(2026, 12, 1), reported="2026-11-02", via="Wire")
    assert [(r["value"], r["unit"], r["source"]) for r in rows] == [
        ("at least 12", "Patriot batteries", "minister")
    ]


def test_a_part_is_a_candidate_only_where_it_counts_something_else_than_the_whole(cli, tmp_path):
    # "1,700 of them deserted": the deserters are a metric of their own, and "deserted" is not
    # the 5,800's (it lies past the 1,700, across a semicolon). "18 over the Bryansk region" is
    # a part that counts what the 45 count: beside it, diff would read a fall. "shot down or
    # jammed" is what air defences neutralised; "of the drones" names the unit.
    report = report_of(
        tmp_path,
        "date 2026-09-15\n\n"
        "The brigade numbered about 5,800 soldiers, the ministry said; roughly 1,700 of them "
        "deserted.\n"
        "The army shot down 45 drones overnight, including 18 over the Bryansk region.\n"
        "Air defences shot down or jammed 382 of the drones, the air force said.\n",
    )
    found = candidates(cli, report, "--via", "Wire")
    assert [(c["value"], c["unit"], c["metric"]) for c in found] == [
        ("about 5,800", "soldiers", "troops.count"),
        ("roughly 1,700", "soldiers", "troops.deserted"),
        ("45", "drones", "drones.downed"),
        ("382", "drones", "drones.downed"),
    ]


# Each pair counts different things: in one metric, the second would read as a fall from the
# first ("40,000 soldiers at the border" to "2,000 withdrawn"; "112 launched" to "26 hit"; "$45
# million needed" to "$15 million received").
METRICS_APART = [
    (
        "The ministry counts about 40,000 soldiers at the border. The ministry said up to 2,000 "
        "soldiers had been withdrawn in the past week. Another 500 soldiers pulled back on "
        "Friday, it added.",
        [
            ("about 40,000", "troops.count"),
            ("up to 2,000", "troops.withdrawn"),
            ("Another 500", "troops.withdrawn"),
        ],
    ),
    (
        "The enemy launched 112 attack drones overnight. Air defence shot down 86 drones. "
        "Hits by 26 drones were recorded at 13 locations, and 4 buildings were hit.",
        [
            ("112", "drones.fired"),
            ("86", "drones.downed"),
            ("26", "drones.hit"),
            ("13", "locations.hit"),
            ("4", "buildings.hit"),
        ],
    ),
    (
        "Aid groups say they need $45 million, but have received only $15 million.",
        [("45 million", "usd.needed"), ("15 million", "usd.delivered")],
    ),
]


@pytest.mark.parametrize(("report", "expected"), METRICS_APART)
def test_what_befell_a_thing_makes_a_metric_of_its_own(report, expected):
    rows = extract(report + "\n", today=date(2026, 12, 3), reported="2026-11-28", via="Wire")
    assert [(r["value"], r["metric"]) for r in rows] == expected


def test_an_interviews_answer_counts_what_its_question_asks_about(cli, tmp_path):
    # Read alone, "A: Around 5,200" counted nothing and was of the report's day.
    report = report_of(
        tmp_path,
        "date 2026-11-20\n\n"
        "Q: How many drones did Russia launch in October?\n"
        "A: Around 5,200, a record. We shot down about 4,700 of them.\n\n"
        "Q: And missiles?\n"
        "A: Roughly 180.\n\n"
        "The war goes on, with 40 more drones last night.\n",
    )
    found = candidates(cli, report, "--via", "Wire")
    assert [(c["value"], c["metric"], c["as_of"], c["line"]) for c in found] == [
        ("Around 5,200", "drones.fired", "2026-10", 4),
        ("about 4,700", "drones.downed", "2026-10", 4),
        ("Roughly 180", "missiles.count", None, 7),
        ("40", "drones.count", None, 9),
    ]
    assert found[0]["quote"].startswith("Q: How many drones did Russia launch in October? A:")


def test_figures_given_in_thousands_are_written_out_in_full():
    # Read as written, 1,043 personnel stood beside another source's 1,043,000, and the notes'
    # "thousands" and "millions" were vague figures of their own.
    report = (
        "Losses, in thousands:\n\n"
        "| Category | Total |\n|---|---:|\n| Personnel | 1,043 |\n| Tanks | 11.3 |\n\n"
        "Refugees (millions): 6.7, the agency said.\n\n"
        "The army lost 1.2 million soldiers and 300 tanks, in thousands of battles.\n"
    )
    rows = extract(report, today=date(2026, 12, 3), reported="2026-12-02", via="Wire")
    assert [(r["value"], r["best"], r["unit"]) for r in rows] == [
        ("1,043 thousand", 1_043_000, "Personnel"),
        ("11.3 thousand", 11_300, "Tanks"),
        ("6.7 million", 6_700_000, "Refugees"),
        ("1.2 million", 1_200_000, "soldiers"),
        ("300", 300, "tanks"),
        ("thousands", None, "battles"),  # a vague figure here, no note of a scale
    ]
    shares = "| Region | Share destroyed (%) |\n|---|---:|\n| Kharkiv | 35 |\n"
    rows = extract(shares, today=date(2026, 12, 3), reported="2026-12-02", via="Wire")
    assert [(r["value"], r["best"], r["unit"]) for r in rows] == [("35%", 35, "%")]


def test_a_currency_code_before_an_amount_is_its_unit():
    report = "Kyiv received UAH 5 billion, and Moscow spent 1.2 trillion roubles.\n"
    rows = extract(report, today=date(2026, 12, 3), reported="2026-12-02", via="Wire")
    assert [(r["value"], r["unit"], r["metric"]) for r in rows] == [
        ("5 billion", "UAH", "uah.delivered"),
        ("1.2 trillion", "roubles", "roubles.spent"),
    ]


def test_a_figure_the_headline_and_the_story_both_state_is_one_candidate():
    # Imported twice (two quotes, two ids), the 40 drones stood beside themselves as two claims.
    report = (
        "Russia launches 40 drones at Kyiv – Ukraine's air force\n\n"
        "Russia launched 40 drones at Kyiv overnight, Ukraine's air force said. "
        "It said 35 of the drones were shot down.\n"
    )
    rows = extract(report, today=date(2026, 12, 3), reported="2026-12-02", via="Wire")
    assert [(r["value"], r["metric"], r["line"], r["quote"][:28]) for r in rows] == [
        ("40", "drones.fired", 3, "Russia launched 40 drones at"),
        ("35", "drones.downed", 3, "It said 35 of the drones wer"),
    ]


def test_a_verb_between_a_figure_and_its_noun_is_no_part_of_the_unit():
    report = "The agency said 14,000 troops were sent, of whom some 6,000 are engineers.\n"
    rows = extract(report, today=date(2026, 12, 1), reported="2026-11-02", via="Wire")
    assert [(r["value"], r["unit"]) for r in rows] == [
        ("14,000", "troops"),
        ("some 6,000", "engineers"),
    ]


def test_a_tables_rows_count_what_their_label_names_as_their_column_says(cli, tmp_path):
    # Read as one sentence, the table gave every figure the header's last word ("captured"),
    # and "Infantry" made the vehicles troops. A row of a place is a series of its own: Kharkiv's
    # 31 killed and Sumy's 12 are no fall. A column named by a year dates its figures.
    report = report_of(
        tmp_path,
        "date 2026-04-02\n\n"
        "| Category | Destroyed | Captured |\n"
        "|---|---:|---:|\n"
        "| Tanks | 3,210 | 560 |\n"
        "| Infantry fighting vehicles | 4,980 | 611 |\n\n"
        "| Region | Killed | Wounded |\n"
        "| --- | --- | --- |\n"
        "| Kharkiv | 31 | 140 |\n"
        "| Sumy | 12 | 60 |\n\n"
        "| | 2024 | 2025 |\n"
        "|---|---|---|\n"
        "| Drones | 41,000 | 52,000 |\n\n"
        "| Category | Total | Change |\n"
        "|---|---:|---:|\n"
        "| Artillery systems | 32,874 | 41 |\n",
    )
    found = candidates(cli, report, "--via", "Blog")
    assert [(c["value"], c["unit"], c["metric"], c["as_of"]) for c in found] == [
        ("3,210", "Tanks", "vehicles.destroyed", None),
        ("560", "Tanks", "vehicles.captured", None),
        (
            "4,980",
            "Infantry fighting vehicles",
            "vehicles.destroyed_infantry_fighting_vehicles",
            None,
        ),
        ("611", "Infantry fighting vehicles", "vehicles.captured_infantry_fighting_vehicles", None),
        ("31", None, "figure.killed_kharkiv", None),
        ("140", None, "figure.wounded_kharkiv", None),
        ("12", None, "figure.killed_sumy", None),
        ("60", None, "figure.wounded_sumy", None),
        ("41,000", "Drones", "drones.count", "2024"),
        ("52,000", "Drones", "drones.count", "2025"),
        # a column of changes is no count: 41 beside 32,874 would read as a fall
        ("32,874", "Artillery systems", "artillery.count", None),
    ]
    assert found[0]["quote"] == "| Tanks | 3,210 | 560 |" and found[0]["line"] == 5


def test_a_verb_ending_in_ing_is_what_befell_the_counted():
    report = "The navy reported destroying 12,000 tonnes of ammunition, the ministry said.\n"
    rows = extract(report, today=date(2026, 12, 1), reported="2026-06-30", via="Wire")
    assert [(r["value"], r["metric"]) for r in rows] == [("12,000", "tonnes.destroyed")]


@pytest.mark.parametrize(
    ("head", "reported"),
    [
        ("Published: 3 May 2025", "2025-05-03"),
        ("May 3, 2025, 10:32 AM ET", "2025-05-03"),
        ("Saturday 3 May 2025 09.15 BST", "2025-05-03"),
        # a weekday that is not the date's, or a date of two readings: no report's date
        ("Friday 3 May 2025 09.15 BST", None),
        ("Posted on 05/03/2025", None),
    ],
)
def test_the_reports_day_is_read_from_a_line_of_its_head(head, reported):
    report = f"Drones hit Kyiv\n{head}\n\nAt least 35 buildings were damaged, the mayor said.\n"
    if reported is None:
        with pytest.raises(BadInput, match="no reported date"):
            extract(report, today=date(2025, 9, 1), via="W")
    else:
        assert [r["reported"] for r in extract(report, today=date(2025, 9, 1), via="W")] == [
            reported
        ]


def test_a_share_is_named_by_what_it_is_a_share_of_and_percentage_points_are_no_count():
    # All four were share.count: one series in which 61% of support, 40% of the shells and 19%
    # of the territory read as falls, and "3 percentage points" a share of 3%.
    report = (
        "Support fell by 3 percentage points to 61 per cent, the pollster said.\n"
        "About 40% of the shells were duds, an official said.\n"
        "Russia holds roughly 19 percent of Ukraine's territory, analysts said.\n"
    )
    rows = extract(report, today=date(2026, 12, 1), reported="2026-05-01", via="Wire")
    assert [(r["value"], r["metric"]) for r in rows] == [
        ("61 per cent", "share.count"),
        ("About 40%", "shells_share.count"),
        ("roughly 19 percent", "territory_share.count"),
    ]
