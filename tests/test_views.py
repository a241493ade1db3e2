"""diff, compare, metrics, sources and chart on a small ledger whose answers are worked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Five claims on t.x: an approximation, a range, a bound each way and a vague figure, two of them
# on the same as-of and reported day (told apart by the order they were logged in, not by their
# logged_at, which a clock set back would get wrong); one claim on t.y.
LEDGER_CSV = """metric,value,unit,as_of,reported,source,rating,logged_at
t.x,"about 1,000",soldiers,2025-01,2025-01-10,Alpha,B2,2025-01-10T08:00:00Z
t.x,"1,200-1,400",soldiers,2025-02,2025-02-05,Bravo,C3,2025-02-05T08:00:00Z
t.x,"up to 2,000",soldiers,2025-03,2025-03-01,ALPHA,,2025-03-01T08:00:00Z
t.x,"at least 1,500",soldiers,2025-03,2025-03-02, bravo ,B2,2025-03-02T09:00:00Z
t.x,several hundred,soldiers,2025-03,2025-03-02,Charlie,,2025-03-02T10:00:00Z
t.y,40%,,2024,2024-06-01,Delta,A1,2024-06-01T08:00:00Z
"""


@pytest.fixture
def small(cli, tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    path.write_text(LEDGER_CSV, encoding="utf-8")
    cli.ok("import", str(path))
    cli.ok("sources", "rate", "alpha", "A")


def rows(cli, *args: str, keys: tuple[str, ...]) -> list[tuple]:
    return [tuple(row[k] for k in keys) for row in cli.json(*args)]


TIMELINE = ("source", "value", "low", "high", "best", "qualifier", "change", "change_pct")


def test_diff_takes_each_change_from_the_same_sources_previous_claim(cli, small):
    # Timeline order: Alpha 01-10, Bravo 02-05, ALPHA 03-01, then on 03-02 bravo (logged
    # first) before Charlie. Alpha 1,000 -> 2,000 (its bound); Bravo 1,300 (midpoint)
    # -> 1,500; Charlie's first claim has nothing to be set against.
    assert rows(cli, "diff", "t.x", keys=TIMELINE) == [
        ("Alpha", "about 1,000", None, None, 1000, "approx", None, None),
        ("Bravo", "1,200-1,400", 1200, 1400, 1300, "range", None, None),
        ("Alpha", "up to 2,000", None, 2000, None, "at-most", 1000, 100.0),
        ("Bravo", "at least 1,500", 1500, None, None, "at-least", 200, 15.4),
        ("Charlie", "several hundred", 100, 1000, None, "vague", None, None),
    ]
    ids = {row["value"]: row["id"] for row in cli.json("diff", "t.x")}
    previous = {row["value"]: row["previous_id"] for row in cli.json("diff", "t.x")}
    assert previous["up to 2,000"] == ids["about 1,000"]
    assert previous["at least 1,500"] == ids["1,200-1,400"]
    assert previous["several hundred"] is None


def test_diff_window_and_source(cli, small):
    # The first rows inside the window still take their change from the claim before it.
    assert rows(cli, "diff", "t.x", "--since", "2025-03", keys=("value", "change")) == [
        ("up to 2,000", 1000),
        ("at least 1,500", 200),
        ("several hundred", None),
    ]
    assert rows(cli, "diff", "t.x", "--source", "BRAVO", keys=("value", "change_pct")) == [
        ("1,200-1,400", None),
        ("at least 1,500", 15.4),
    ]
    both = rows(cli, "diff", "t.x", "-s", "bravo", "-s", "charlie", keys=("source", "change"))
    assert both == [("Bravo", None), ("Bravo", 200), ("Charlie", None)]


def test_diff_json_rows_carry_the_designed_keys(cli, small):
    first = cli.json("diff", "t.x")[0]
    assert list(first)[:11] == [
        "id",
        "as_of",
        "reported",
        "source",
        "value",
        "low",
        "high",
        "best",
        "qualifier",
        "change",
        "change_pct",
    ]
    assert first["as_of"] == "2025-01" and first["reported"] == "2025-01-10"


def change(metric, unit, source, claims, first, latest, delta, pct, points) -> dict:
    return {
        "metric": metric,
        "unit": unit,
        "source": source,
        "claims": claims,
        "first_as_of": first[0],
        "first_value": first[1],
        "latest_as_of": latest[0],
        "latest_value": latest[1],
        "change": delta,
        "change_pct": pct,
        "first_point": points[0],
        "latest_point": points[1],
        "falls": False,
        "other_span": False,
    }


def test_diff_summary_is_per_metric_and_source(cli, small):
    first, latest = ("2025-01", "about 1,000"), ("2025-03", "up to 2,000")
    alpha = change("t.x", "soldiers", "Alpha", 2, first, latest, 1000, 100.0, (1000, 2000))
    first, latest = ("2025-02", "1,200-1,400"), ("2025-03", "at least 1,500")
    bravo = change("t.x", "soldiers", "Bravo", 2, first, latest, 200, 15.4, (1300, 1500))
    vague = ("2025-03", "several hundred")
    charlie = change("t.x", "soldiers", "Charlie", 1, vague, vague, None, None, (100, 100))
    share = ("2024", "40%")
    delta = change("t.y", "%", "Delta", 1, share, share, None, None, (40, 40))
    assert cli.json("diff") == [alpha, bravo, charlie, delta]
    # Since March: each source's change from the figure standing when March opens.
    since = {row["source"]: row for row in cli.json("diff", "--since", "2025-03")}
    assert (since["Alpha"]["claims"], since["Alpha"]["first_value"]) == (1, "about 1,000")
    assert since["Bravo"]["change"] == 200 and "Delta" not in since


def test_diff_table_keeps_hedges_and_states_the_rule(cli, small):
    out = cli.ok("diff", "t.x").stdout
    for shown in ("≈1,000", "1,200–1,400", "≤2,000", "≥1,500", "several hundred (≥100)"):
        assert shown in out
    assert "+1,000" in out and "+100.0%" in out and "+15.4%" in out
    assert "range by its midpoint" in out and "never from another source's" in out


COMPARE = ("source", "claims", "latest_value", "min", "max", "rating", "outlier", "distance_pct")


def test_compare_median(cli, small):
    result = cli.json("compare", "t.x")
    assert [tuple(row[k] for k in COMPARE) for row in result] == [
        ("Charlie", 1, "several hundred", 100, 100, "", True, -93.3),
        ("Bravo", 2, "at least 1,500", 1300, 1500, "B2", False, 0.0),
        ("Alpha", 2, "up to 2,000", 1000, 2000, "A", False, 33.3),
    ]
    assert {(row["consensus"], row["spread"], row["rule"]) for row in result} == {
        (1500, 20.0, "median")
    }
    assert result[2]["latest_high"] == 2000 and result[2]["latest_as_of"] == "2025-03"
    assert result[2]["first_as_of"] == "2025-01"


def test_compare_rules(cli, small):
    lowest = cli.json("compare", "t.x", "--rule", "lowest")
    assert lowest[0]["consensus"] == 100
    assert [row["outlier"] for row in lowest] == [False, True, True]
    best = cli.json("compare", "t.x", "--rule", "best-rated")
    assert best[0]["consensus"] == 2000
    assert [row["outlier"] for row in best] == [True, False, False]
    # Whose figure each consensus is: the lowest is Charlie's, the best-rated (A) Alpha's.
    assert [row["in_consensus"] for row in lowest] == [True, False, False]
    assert [row["in_consensus"] for row in best] == [False, False, True]
    footer = cli.ok("compare", "t.x", "--rule", "best-rated").stdout
    assert "consensus (best-rated of the sources' latest figures): 2,000, from Alpha (rated A)" in (
        footer
    )
    footer = cli.ok("compare", "t.x", "--rule", "lowest").stdout
    assert "consensus (lowest of the sources' latest figures): 100, from Charlie" in footer


def test_compare_at_replays_an_earlier_date(cli, small):
    result = cli.json("compare", "t.x", "--at", "2025-02")
    assert [(r["source"], r["latest_value"], r["distance_pct"]) for r in result] == [
        ("Alpha", "about 1,000", -13.0),
        ("Bravo", "1,200-1,400", 13.0),
    ]
    assert result[0]["consensus"] == 1150 and result[0]["spread"] == 1.3
    assert not any(row["outlier"] for row in result)


def test_compare_table_footer(cli, small):
    out = cli.ok("compare", "t.x").stdout
    assert "consensus (median of the sources' latest figures): 1,500" in out
    assert "20×" in out
    assert "more than 50% from the consensus): Charlie" in out


@pytest.mark.parametrize("command", ["diff", "compare", "chart"])
def test_an_unknown_metric_names_the_closest(cli, small, command):
    result = cli.fails(command, "t.z")
    assert 'no claims for metric "t.z"' in result.stderr and "t.x" in result.stderr


def test_metrics(cli, small):
    assert cli.json("metrics") == [
        {
            "metric": "t.x",
            "unit": "soldiers",
            "kind": None,
            "claims": 5,
            "sources": 3,
            "first_as_of": "2025-01",
            "latest_as_of": "2025-03",
            "latest_value": "several hundred",
            "latest_source": "Charlie",
            "latest_point": 100,
            "period": None,
            "note": None,
        },
        {
            "metric": "t.y",
            "unit": "%",
            "kind": None,
            "claims": 1,
            "sources": 1,
            "first_as_of": "2024",
            "latest_as_of": "2024",
            "latest_value": "40%",
            "latest_source": "Delta",
            "latest_point": 40,
            "period": None,
            "note": None,
        },
    ]
    # The trend is one source's: Alpha and Bravo have two claims each, Bravo the later latest;
    # its points 1300 and 1500 are the lowest and highest of eight levels.
    out = cli.ok("metrics").stdout
    assert "▁█" in out and "source with the most claims" in out


def test_sources_and_standing_ratings(cli, small):
    assert rows(cli, "sources", keys=("source", "claims", "metrics", "rating")) == [
        ("Alpha", 2, 1, "A"),
        ("Bravo", 2, 1, None),
        ("Charlie", 1, 1, None),
        ("Delta", 1, 1, None),
    ]
    first = cli.json("sources")[0]
    assert (first["first_reported"], first["latest_reported"]) == ("2025-01-10", "2025-03-01")
    cli.ok("sources", "rate", "ALPHA", "C")
    assert cli.json("sources")[0]["rating"] == "C"
    assert cli.json("compare", "t.x")[2]["rating"] == "C"


def test_rating_a_source_takes_a_letter_only(cli, small, ledger_path: Path):
    before = ledger_path.read_bytes()
    assert "not a reliability grade" in cli.fails("sources", "rate", "Alpha", "B2").stderr
    assert "not an Admiralty rating" in cli.fails("sources", "rate", "Alpha", "Z").stderr
    assert ledger_path.read_bytes() == before


def test_chart_draws_every_source_and_the_spans(cli, small):
    result = cli.ok("chart", "t.x")
    out = result.stdout
    for source in ("Alpha", "Bravo", "Charlie"):
        assert source in out
    for marker in ("○", "◆", "▼", "▲", "?", "│"):
        assert marker in out
    assert "\x1b[" not in out
    assert "at most" in result.stderr


def test_chart_image_without_matplotlib_says_how_to_get_it(cli, small, tmp_path):
    try:
        import matplotlib  # noqa: F401
    except ModuleNotFoundError:
        result = cli.fails("chart", "t.x", "-o", str(tmp_path / "c.png"))
        assert "pip install 'osintlog[plot]'" in result.stderr
    else:
        cli.ok("chart", "t.x", "-o", str(tmp_path / "c.png"))
        assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert "png or .svg" in cli.fails("chart", "t.x", "-o", str(tmp_path / "c.gif")).stderr


def test_views_on_an_empty_ledger(cli, ledger_path: Path):
    from osintlog.store import SCHEMA_VERSION, Stored, open_store

    header = {"schema": SCHEMA_VERSION, "app": "osintlog", "created": "2025-01-01T00:00:00Z"}
    open_store(ledger_path).append(Stored(header, []), [])  # a header, and no entry
    cli.ok("verify")
    assert "the ledger holds no claims yet" in cli.fails("diff", "t.x").stderr
    assert cli.ok("metrics").stdout == "" and json.loads(cli.ok("diff", "-f", "json").stdout) == []


@pytest.mark.json_file
def test_tables_drop_control_characters_a_hand_edited_ledger_carries(cli, ledger_path: Path):
    cli.ok("add", "m.x", "5", "--source", "Plain", "--as-of", "2025-01-01")
    text = ledger_path.read_text(encoding="utf-8").replace('"Plain"', '"Pl\\u001b[31main"')
    ledger_path.write_text(text, encoding="utf-8")
    for command in (["list"], ["diff", "m.x"], ["compare", "m.x"], ["sources"], ["metrics"]):
        out = cli.ok(*command).stdout
        assert "\x1b" not in out and "Pl\\x1b[31main" in out, command


HOSTILE = "Evil\x1b]52;c;ZXZpbA==\x07 \u202emirror\u200b\x9b2J"


@pytest.mark.json_file
def test_text_from_a_ledger_is_shown_escaped_in_every_view(cli, ledger_path: Path):
    claim_id = cli.ok("add", "m.x", "5", "--source", "Plain", "--as-of", "2025-01-01").stdout
    text = ledger_path.read_text(encoding="utf-8")
    hostile = json.dumps(HOSTILE)[1:-1]
    ledger_path.write_text(text.replace('"Plain"', f'"{hostile}"'), encoding="utf-8")
    shown = "Evil\\x1b]52;c;ZXZpbA==\\x07 \\u202emirror\\u200b\\x9b2J"
    commands = [
        ["list"], ["show", claim_id.strip()], ["history", claim_id.strip()], ["sources"],
        ["metrics"], ["diff", "m.x"], ["diff"], ["compare", "m.x"], ["chart", "m.x"],
    ]  # fmt: skip
    for command in commands:
        result = cli.ok(*command)
        everything = result.stdout + result.stderr
        for raw in ("\x1b", "\x07", "\u202e", "\u200b", "\x9b"):
            assert raw not in everything, (command, raw)
        assert shown in result.stdout or command[0] == "history", command


def test_chart_image_shows_a_dollar_and_a_leading_underscore_as_text(cli, tmp_path: Path):
    pytest.importorskip("matplotlib")
    cli.ok("add", "m.x", "5", "--source", "$\\foo$", "--as-of", "2025-01-01")
    cli.ok("add", "m.x", "7", "--source", "_hidden", "--as-of", "2025-01-02")
    image = tmp_path / "c.svg"
    cli.ok("chart", "m.x", "-o", str(image))
    # matplotlib's SVG names each text it draws in a comment: here, the legend's two sources,
    # as written (not a formula, and not left out as a name starting with _ would be).
    drawn = image.read_text(encoding="utf-8")
    assert "<!-- $\\foo$ -->" in drawn and "_hidden -->" in drawn


def test_no_change_is_taken_to_or_from_a_vague_figure(cli):
    # "several hundred" (floor 100) to "about 1,200" read +1,100 (+1100%), and "about 1,200" to
    # "thousands" (floor 1,000) a fall of 200: of a count of the killed, a fall flagged.
    for value, as_of in [
        ("several hundred", "2025-01"),
        ("about 1,200", "2025-03"),
        ("thousands", "2025-05"),
        ("1,500", "2025-06"),
        ("2,000", "2025-07"),
    ]:
        cli.ok("add", "x.troops.killed", value, "--source", "A", "--as-of", as_of)
    rows = cli.json("diff", "x.troops.killed")
    assert [(r["value"], r["change"], r["change_pct"]) for r in rows] == [
        ("several hundred", None, None),
        ("about 1,200", None, None),
        ("thousands", None, None),
        ("1,500", None, None),
        ("2,000", 500, 33.3),
    ]
    table = cli.ok("diff", "x.troops.killed").stdout
    assert "n/a: a vague figure" in table and "↓" not in table
    (summary,) = cli.json("diff")
    assert (summary["change"], summary["falls"]) == (None, False)
