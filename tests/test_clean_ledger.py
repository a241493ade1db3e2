"""Keeping the ledger clean: one unit per metric, declared metrics, source aliases, and claims
logged beside one of the same metric, source and as-of. Each refusal leaves the ledger as it
was; each warning says what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import stored

NIGHTS = """metric,value,unit,as_of,reported,source
ru.drones.downed,296,drones,2025-07-01,2025-07-02,Air Force
ru.drones.downed,310,drones,2025-07-02,2025-07-03,Air Force
ru.drones.downed,288,drones,2025-07-01,2025-07-02,Monitor
ru.drones.downed,300,drones,2025-07-02,2025-07-03,Russian MoD
ru.drones.downed,280,drones,2025-07-02,2025-07-03,Russia's Defence Ministry
"""


@pytest.fixture
def nights(cli, tmp_path: Path) -> None:
    path = tmp_path / "nights.csv"
    path.write_text(NIGHTS, encoding="utf-8")
    cli.ok("import", str(path))


def stored_claims(ledger_path: Path) -> list[dict]:
    return [entry for entry in stored(ledger_path)[1] if entry["kind"] == "claim"]


def test_a_claim_in_another_unit_is_refused_and_one_without_takes_the_metrics(
    cli, nights, ledger_path: Path
):
    before = ledger_path.read_bytes()
    refused = cli.fails("add", "ru.drones.downed", "90%", "--source", "Air Force")
    assert 'ru.drones.downed is counted in "drones", not "%"' in refused.stderr
    assert "ru.drones.downed_pct" in refused.stderr
    refused = cli.fails("add", "ru.drones.downed", "5", "--unit", "missiles", "-s", "Monitor")
    assert 'counted in "drones", not "missiles"' in refused.stderr
    assert ledger_path.read_bytes() == before
    # "Shahed drones" counts drones; a claim without a unit is in drones.
    cli.ok("add", "ru.drones.downed", "12 Shahed drones", "-s", "Monitor", "--as-of", "2025-07-03")
    cli.ok("add", "ru.drones.downed", "14", "-s", "Monitor", "--as-of", "2025-07-04")
    later = ledger_path.parent / "later.csv"
    later.write_text("metric,value,as_of,source\nru.drones.downed,15,2025-07-05,X\n")
    cli.ok("import", str(later))
    units = [(c["value"], c["unit"]) for c in stored_claims(ledger_path)]
    assert units[-3:] == [("12 Shahed drones", "Shahed drones"), ("14", "drones"), ("15", "drones")]
    # A report of "attack UAVs" counts drones too: refused, it could not join the series.
    cli.ok("add", "ru.drones.downed", "86 attack UAVs", "-s", "Air Force", "--as-of", "2025-07-06")
    assert stored_claims(ledger_path)[-1]["unit"] == "attack UAVs"


def test_amend_import_and_merge_hold_the_unit_too(cli, nights, ledger_path: Path, tmp_path):
    first = cli.json("list", "--source", "Monitor")[0]["id"]
    before = ledger_path.read_bytes()
    assert 'counted in "drones"' in cli.fails("amend", first, "--unit", "%", "--yes").stderr
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("metric,value,unit,source\nru.drones.downed,40%,%,X\n", encoding="utf-8")
    assert (
        'mixed.csv:2: metric ru.drones.downed is counted in "drones"'
        in cli.fails("import", str(mixed)).stderr
    )
    # A metric new to the ledger: its first row sets the unit for the rows after it.
    new = tmp_path / "new.csv"
    new.write_text("metric,value,unit,source\nm.new,4,tanks,X\nm.new,5,%,X\n", encoding="utf-8")
    assert 'the metric is counted in "tanks"' in cli.fails("import", str(new)).stderr
    assert 'the metric is counted in "tanks"' in cli.fails("import", "--dry-run", str(new)).stderr
    other = tmp_path / "other.json"
    cli.ok("--db", str(other), "add", "ru.drones.downed", "30%", "-s", "Y")
    assert 'counted in "drones"' in cli.fails("merge", str(other)).stderr
    assert ledger_path.read_bytes() == before
    # Its only claim amended, a metric may take another unit.
    cli.ok("add", "m.alone", "5", "--unit", "tanks", "-s", "Y")
    alone = cli.json("list", "--metric", "m.alone")[0]["id"]
    cli.ok("amend", alone, "--unit", "vehicles", "--yes")


def test_verify_warns_of_a_ledger_that_already_mixes_units(cli, ledger_path: Path):
    # Written as an earlier osintlog would have: straight to the store, no unit check.
    from osintlog.claims import Context, build_claim
    from osintlog.ledger import Ledger, claim_entry

    context = Context.current()
    rows = [("9", "drones", "A"), ("90%", "%", "B"), ("7", "drones", "C")]
    entries = [
        claim_entry(build_claim({"metric": "m.d", "value": v, "unit": u, "source": s}, context))
        for v, u, s in rows
    ]
    Ledger(ledger_path).append(entries, context.now)
    share = next(e["id"] for e in entries if e["unit"] == "%")
    result = cli.ok("verify")
    assert f'warning: m.d is counted in "drones", but 1 claim(s) in other units: {share[:10]}' in (
        result.stderr
    )
    assert cli.json("metrics")[0]["unit"] == "drones"


def test_metrics_describe_is_appended_and_used_by_the_views(cli, nights, ledger_path: Path):
    cli.ok(
        "metrics", "describe", "ru.drones.downed", "--kind", "per-period", "--period", "night",
        "--note", "downed in one night",
    )  # fmt: skip
    row = cli.json("metrics")[0]
    assert (row["metric"], row["unit"], row["kind"]) == ("ru.drones.downed", "drones", "per-period")
    assert (row["period"], row["note"]) == ("night", "downed in one night")
    # A per-period metric compares night by night: on 2 July, Monitor's of 1 July is stale.
    rows = cli.json("compare", "ru.drones.downed", "--at", "2025-07-02")
    assert {(r["source"], r["stale"]) for r in rows} == {
        ("Air Force", False),
        ("Monitor", True),
        ("Russian MoD", False),
        ("Russia's Defence Ministry", False),
    }
    # What is not given is kept; a unit other than the claims' is refused.
    cli.ok("metrics", "describe", "ru.drones.downed", "--unit", "drones")
    assert cli.json("metrics")[0]["kind"] == "per-period"
    before = ledger_path.read_bytes()
    assert (
        'counted in "drones"'
        in cli.fails("metrics", "describe", "ru.drones.downed", "--unit", "%").stderr
    )
    assert (
        "needs its --period"
        in cli.fails("metrics", "describe", "m.y", "--kind", "per-period").stderr
    )
    assert (
        "--period goes with --kind per-period"
        in cli.fails("metrics", "describe", "m.y", "--kind", "total", "--period", "day").stderr
    )
    assert ledger_path.read_bytes() == before
    cli.ok("verify")


def test_a_declared_kind_decides_whether_a_fall_is_flagged(cli, tmp_path: Path):
    # Two changes only: too few to read the metric as cumulative.
    path = tmp_path / "t.csv"
    path.write_text(
        "metric,value,as_of,source\nm.t,10,2025-01-01,S\nm.t,12,2025-01-02,S\nm.t,11,2025-01-03,S\n",
        encoding="utf-8",
    )
    cli.ok("import", str(path))
    assert [r["falls"] for r in cli.json("diff", "m.t")] == [False, False, False]
    cli.ok("metrics", "describe", "m.t", "--kind", "cumulative")
    assert [r["falls"] for r in cli.json("diff", "m.t")] == [False, False, True]
    cli.ok("metrics", "describe", "m.t", "--kind", "total")
    assert [r["falls"] for r in cli.json("diff", "m.t")] == [False, False, False]


def test_aliases_make_one_source_in_every_view(cli, nights, ledger_path: Path):
    cli.ok("sources", "alias", "russia's defence ministry", "Russian MoD")
    rows = cli.json("compare", "ru.drones.downed", "--at", "2025-07-02")
    assert sorted((r["source"], r["claims"], r["latest_point"]) for r in rows) == [
        ("Air Force", 2, 310),
        ("Monitor", 1, 288),
        # one source: its two claims of 2 July, the later logged (280) its latest
        ("Russian MoD", 2, 280),
    ]
    listed = cli.json("list", "--source", "Russian MoD")
    assert sorted(c["source"] for c in listed) == ["Russia's Defence Ministry", "Russian MoD"]
    sources = {r["source"]: r for r in cli.json("sources")}
    assert sources["Russian MoD"]["aliases"] == ["Russia's Defence Ministry"]
    assert "Russia's Defence Ministry" not in sources
    cli.ok("sources", "rate", "Russia's Defence Ministry", "D")
    assert cli.json("sources")[1]["rating"] == "D"  # the rating counts for the source
    cli.ok("verify")
    cli.ok("sources", "alias", "Russia's Defence Ministry", "--remove")
    assert len(cli.json("compare", "ru.drones.downed", "--at", "2025-07-02")) == 4


def test_names_no_claim_gives_are_refused_with_the_closest(cli, nights, ledger_path: Path):
    before = ledger_path.read_bytes()
    refused = cli.fails("sources", "rate", "Air Farce", "A")
    assert 'no claim names the source "Air Farce"; closest: Air Force' in refused.stderr
    assert "closest: Russian MoD" in cli.fails("sources", "alias", "Russian MD", "Monitor").stderr
    assert "one source already" in cli.fails("sources", "alias", "Monitor", "monitor").stderr
    assert "is no alias" in cli.fails("sources", "alias", "Monitor", "--remove").stderr
    assert "NAME --remove" in cli.fails("sources", "alias", "Monitor").stderr
    assert ledger_path.read_bytes() == before


def test_a_claim_beside_another_of_the_same_night_is_warned_of(cli, nights, tmp_path: Path):
    existing = cli.json("list", "--source", "Air Force")[0]
    result = cli.ok(
        "add", "ru.drones.downed", "300", "-s", "air force", "--as-of", "2025-07-01",
        "--reported", "2025-07-02",
    )  # fmt: skip
    assert "warning: air force already gave ru.drones.downed as of 2025-07-01: " in result.stderr
    assert f"osintlog amend {existing['id'][:10]}" in result.stderr
    # Not on a terminal: added all the same; the import counts such rows.
    assert len(cli.json("list", "--source", "Air Force")) == 3
    again = tmp_path / "again.csv"
    again.write_text(
        "metric,value,as_of,reported,source\n"
        "ru.drones.downed,5,2025-07-05,2025-07-06,Monitor\n"
        "ru.drones.downed,6,2025-07-05,2025-07-06,Monitor\n"
        "ru.drones.downed,290,2025-07-01,2025-07-02,Monitor\n",
        encoding="utf-8",
    )
    # the second row stands beside the first, the third beside the ledger's 288
    assert "2 of them stand beside a claim" in cli.ok("import", str(again)).stderr


def test_declarations_are_entries_that_merge_carries(cli, nights, ledger_path: Path, tmp_path):
    cli.ok("metrics", "describe", "ru.drones.downed", "--kind", "per-period", "--period", "night")
    cli.ok("sources", "alias", "Russia's Defence Ministry", "Russian MoD")
    entries = stored(ledger_path)[1]
    declared = [(e["kind"], e.get("metric") or e.get("name")) for e in entries[-2:]]
    assert declared == [("metric", "ru.drones.downed"), ("alias", "Russia's Defence Ministry")]
    assert entries[-1]["canonical"] == "Russian MoD" and entries[-2]["period"] == "night"
    mine = tmp_path / "mine.json"
    cli.ok("--db", str(mine), "import", str(tmp_path / "nights.csv"))
    cli.ok("--db", str(mine), "merge", str(ledger_path))
    assert cli.json("--db", str(mine), "metrics")[0]["kind"] == "per-period"
    assert len(cli.json("--db", str(mine), "sources")) == 3  # the two ministries are one
    cli.ok("--db", str(mine), "verify")


@pytest.mark.json_file
def test_a_hand_broken_declaration_is_passed_over_and_verify_names_it(
    cli, nights, ledger_path: Path
):
    cli.ok("sources", "alias", "Russia's Defence Ministry", "Russian MoD")
    data = json.loads(ledger_path.read_text(encoding="utf-8"))
    last = str(max(map(int, data["entries"])))
    data["entries"][last]["name"] = 5  # not a name
    ledger_path.write_text(json.dumps(data), encoding="utf-8")
    assert len(cli.json("sources")) == 4  # the alias is passed over
    cli.ok("compare", "ru.drones.downed", "--at", "2025-07-02")
    says = cli.fails("verify", code=1).stderr
    assert "entry 6 (alias " in says and "): its name is not text" in says


def test_an_alias_shows_its_source_as_the_analyst_spelled_it(cli):
    # Two spellings of one source, and an alias of it: the name given is the one shown, in every
    # run (the spelling was taken from a set, so it changed with Python's hash seed).
    cli.ok("add", "m.k", "100", "-s", "General Staff", "--as-of", "2023-06-01")
    cli.ok("add", "m.k", "110", "-s", "general staff", "--as-of", "2023-06-02")
    cli.ok("add", "m.k", "120", "-s", "GS", "--as-of", "2023-06-03")
    cli.ok("sources", "alias", "GS", "General Staff")
    [row] = cli.json("sources")
    assert (row["source"], row["aliases"]) == ("General Staff", ["GS"])
    assert [r["source"] for r in cli.json("diff")] == ["General Staff"]


def test_a_name_of_several_spellings_is_read_the_same_in_every_run():
    from osintlog.declarations import known_name

    spellings = ["general staff", "General Staff", "GENERAL  STAFF"]
    assert known_name("General Staff", spellings) == "General Staff"
    assert known_name("general staff", reversed(spellings)) == "general staff"
    # Not given as any claim spells it: the first spelling in sorted order.
    assert known_name("General staff", spellings) == "GENERAL  STAFF"
    assert known_name("General staff", reversed(spellings)) == "GENERAL  STAFF"


def test_money_in_words_under_a_metric_counted_in_a_currency_says_how_to_give_it(cli):
    cli.ok("add", "us.aid.pledged", "$1.2bn", "--source", "A", "--as-of", "2025-01")
    error = cli.fails("add", "us.aid.pledged", "1.5 billion dollars", "--source", "B").stderr
    assert 'counted in "USD", not "dollars": if these are USD, write the figure with its ' in error
    cli.ok("add", "us.aid.pledged", "1.5 billion", "--unit", "USD", "--source", "B")
    assert [c["unit"] for c in cli.json("list")] == ["USD", "USD"]
