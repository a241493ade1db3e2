"""The SQLite store: a ledger named *.sqlite or *.db keeps the same entries, ids and chain as the
JSON file; `copy` moves a ledger between the two, byte for byte back; the file opens as it is in
sqlite-utils (and so Datasette), with a `claims` view of the export's columns. (The whole suite
runs on SQLite too: OSINTLOG_TEST_STORE=sqlite python -m pytest.)"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from conftest import DATA
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st


def test_a_ledger_named_sqlite_is_a_sqlite_file_with_the_same_claims(cli, tmp_path: Path):
    json_db, sqlite_db = tmp_path / "l.json", tmp_path / "l.sqlite"
    for db in (json_db, sqlite_db):
        cli.ok("--db", str(db), "import", str(DATA))
        cli.ok("--db", str(db), "amend", "6f79", "--value", "about 600")
        # moved to another metric: the one-metric view of the first must see it superseded
        cli.ok("--db", str(db), "amend", "a8db", "--metric", "dprk.troops.present")
        cli.ok("--db", str(db), "retract", "2f52", "--reason", "duplicate")
        cli.ok("--db", str(db), "sources", "alias", "Ukrainian intelligence", "GUR")
        cli.ok("--db", str(db), "verify")
    assert sqlite_db.read_bytes()[:16] == b"SQLite format 3\x00"
    views = (
        ["export", "--all", "-f", "json"],
        ["diff", "-f", "json"],
        ["metrics", "-f", "csv"],
        ["diff", "dprk.troops.deployed", "-f", "json"],
        ["diff", "dprk.troops.*", "-f", "json"],
        ["compare", "dprk.troops.deployed", "--at", "2025-08-22", "-f", "json"],
        ["list", "--metric", "dprk.troops.*", "--all", "-f", "json"],
        ["chart", "dprk.troops.deployed"],
    )
    for view in views:
        # the two amendments were logged a moment apart: all else is the same
        json_out, sqlite_out = (
            re.sub(r'"logged_at": "[^"]*"', "", cli.ok("--db", str(db), *view).stdout)
            for db in (json_db, sqlite_db)
        )
        assert json_out == sqlite_out, view


def test_copy_moves_a_ledger_between_the_stores_and_back_byte_for_byte(cli, tmp_path: Path):
    original, middle, back = tmp_path / "a.json", tmp_path / "b.db", tmp_path / "c.json"
    cli.ok("--db", str(original), "import", str(DATA))
    cli.ok("--db", str(original), "sources", "rate", "Reuters", "B")
    cli.ok("--db", str(original), "copy", str(middle))
    cli.ok("--db", str(middle), "verify")
    assert "copied 12 entries to" in cli.ok("--db", str(middle), "copy", str(back)).stderr
    assert back.read_bytes() == original.read_bytes()
    refused = cli.fails("--db", str(original), "copy", str(middle))
    assert "holds a ledger already" in refused.stderr


def test_copy_takes_from_and_to_as_the_design_writes_it(cli, tmp_path: Path):
    original, copied = tmp_path / "a.json", tmp_path / "a.sqlite"
    cli.ok("--db", str(original), "import", str(DATA))
    assert "copied 11 entries to" in cli.ok("copy", str(original), str(copied)).stderr
    assert cli.ok("--db", str(copied), "verify").exit_code == 0
    other = tmp_path / "other.json"
    refused = cli.fails("--db", str(other), "copy", str(original), str(tmp_path / "b.sqlite"))
    assert "give the ledger to copy once" in refused.stderr
    assert not (tmp_path / "b.sqlite").exists()
    assert "FROM and TO, or TO alone" in cli.fails("copy", "a", "b", "c").stderr


def test_the_file_opens_in_sqlite_utils_with_a_claims_view(cli, tmp_path: Path):
    import sqlite_utils

    db = tmp_path / "l.sqlite"
    cli.ok("--db", str(db), "import", str(DATA))
    rows = list(sqlite_utils.Database(db)["claims"].rows)
    exported = json.loads(cli.ok("--db", str(db), "export", "-f", "json").stdout)
    assert len(rows) == 11
    assert {row["id"] for row in rows} == {row["id"] for row in exported}
    first = next(row for row in rows if row["id"].startswith("6f79611b98"))
    assert (first["metric"], first["value"], first["best"]) == ("dprk.troops.killed", "600", 600)
    with sqlite3.connect(db) as connection:
        indexes = {row[1] for row in connection.execute("PRAGMA index_list(entries)")}
        journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
    # built after the first write's rows, in its transaction
    assert {"entries_metric", "claims_counted", "entries_as_of", "entries_id"} <= indexes
    # the first write went through a rollback journal; the ledger then took the WAL
    assert journal == "wal"


def test_an_import_checked_in_processes_fills_each_row_as_its_line_gives(
    cli, tmp_path: Path, monkeypatch
):
    """The columns beside each line are made by the processes that check the rows (not parsed
    again from the line): they are what the line gives, for claims of every kind of figure and
    for the retractions a file's retracted rows bring."""
    from osintlog.sqlite_store import SqliteStore

    monkeypatch.setenv("OSINTLOG_WORKERS", "2")
    figures = ["up to 300", "at least 50", "250-300", '"about 4,700"', "dozens", "1200"]
    lines = ["metric,value,unit,as_of,reported,source,status,note"]
    for number in range(600):
        day = f"2024-03-{number % 28 + 1:02d}"
        as_of = "2024-02" if number % 5 == 0 else day
        status = "retracted" if number % 97 == 0 else ""
        value = figures[number % 6]
        cells = f"m.k{number % 7},{value},tanks,{as_of},{day},Source {number % 4},{status}"
        lines.append(f"{cells},row {number}")
    rows = tmp_path / "rows.csv"
    rows.write_text("\n".join(lines) + "\n")
    db = tmp_path / "l.sqlite"
    cli.ok("--db", str(db), "import", str(rows))
    columns = "at id kind metric source as_of refers reported logged_at unit point"
    with sqlite3.connect(db) as connection:
        stored = connection.execute(
            f"SELECT position, line, {', '.join(columns.split())} FROM entries ORDER BY position"
        ).fetchall()
    assert len(stored) == 600 + 7  # each retracted row: its claim, then the retraction
    for position, line, at, *rest in stored:
        key, *expected = SqliteStore.kept(json.loads(line))
        assert (at, *rest) == (key and f"{key}{1000000000000 + position}", *expected)
    # worked out by hand (position, line, at, id, kind, metric, source, as_of, refers, reported,
    # logged_at, unit, point): the first row, retracted, is a figure of February 2024 ("up to
    # 300", compared by 300) reported on 1 March; its retraction follows it; then "at least 50"
    # (by 50) of 2 March, "250-300" (by its midpoint) and "about 4,700" of Source 3
    claim, retraction, second, third, fourth = stored[:5]
    assert claim[2] == "2024-02-292024-03-01" + "1000000000001" and claim[12] == 300
    assert (retraction[4], retraction[8], retraction[2]) == ("retraction", claim[3], None)
    assert second[2].startswith("2024-03-022024-03-02") and second[12] == 50
    assert (third[12], fourth[12], fourth[6], fourth[11]) == (275, 4700, "Source 3", "tanks")


def test_each_series_points_are_joined_in_the_order_of_the_index_without_a_sort(
    cli, tmp_path: Path
):
    """`diff` alone relies on SQLite joining a series' points in the order it walks the index
    by source, metric and place in the timeline: the plan must walk it, and sort nothing."""
    from osintlog.sqlite_counts import SERIES_POINTS

    db = tmp_path / "l.sqlite"
    cli.ok("--db", str(db), "import", str(DATA))
    with sqlite3.connect(db) as connection:
        plan = [row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {SERIES_POINTS}")]
    assert any("USING INDEX claims_in_time" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_series_points_read_beside_the_count_are_used_only_if_they_saw_the_same_ledger(
    cli, tmp_path: Path
):
    """`diff` alone reads the series' points on a second connection while the first counts
    the groups (`PointsRead`); rows read of another state of the ledger are read again."""
    from osintlog.ledger import Ledger
    from osintlog.sqlite_counts import SERIES_POINTS, PointsRead, ledger_state
    from osintlog.sqlite_store import SqliteStore
    from osintlog.timeline import source_changes

    db = tmp_path / "l.sqlite"
    cli.ok("--db", str(db), "import", str(DATA))
    with sqlite3.connect(db) as connection:
        state, rows = ledger_state(connection), connection.execute(SERIES_POINTS).fetchall()
    assert len(rows) > 1 and PointsRead(db, state).rows() == rows
    cli.ok("--db", str(db), "add", "m.later", "5", "--source", "S")
    assert PointsRead(db, state).rows() is None  # the ledger has moved on since
    declared = Ledger(db).read().declarations()
    with SqliteStore(db).counted(reports=False, steps=True) as (groups, claims):
        beside = source_changes(groups, claims, declared)
        claims.points = PointsRead(db, state)  # as if it had read the ledger before the add
        again = source_changes(groups, claims, declared)
    assert any(row.metric == "m.later" for row in beside)
    assert again == beside


def test_a_sqlite_file_that_is_no_ledger_is_refused_and_left_alone(cli, tmp_path: Path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    before = other.read_bytes()
    says = cli.fails("--db", str(other), "add", "m.x", "5", "--source", "S").stderr
    assert "is not an osintlog ledger (no entries table)" in says
    assert other.read_bytes() == before


def test_a_write_reads_its_metric_only_and_still_sees_all_it_must(cli, tmp_path: Path):
    """On SQLite, add reads its metric's unit and the claims of its metric and as-of, amend and
    retract their metric's claims and the claim they change, each the last entry (to chain to),
    not the whole ledger: the refusals that need the rest of the ledger (a unit, a claim logged
    before, a claim amended into another metric) hold alike."""
    outcomes = []
    for db in (tmp_path / "l.json", tmp_path / "l.sqlite"):
        at = ("--db", str(db))
        tanks = ("m.tanks", "40", "--unit", "tanks", "--source", "A", "--as-of", "2025-03")
        cli.ok(*at, "add", *tanks)
        cli.ok(*at, "add", "m.drones", "12", "--unit", "drones", "--source", "B")
        tank, drone = (
            cli.json(*at, "list", "--metric", name)[0]["id"][:8] for name in ("m.tanks", "m.drones")
        )
        steps = [
            ("add", *tanks),  # logged two entries back: nothing is added
            ("add", "m.tanks", "41", "--unit", "%", "--source", "C"),  # the last entry is a drone
            ("amend", tank, "--metric", "m.drones", "--yes"),  # into a metric of another unit
            ("amend", tank, "--metric", "m.tanks.lost", "--value", "39", "--yes"),
            ("retract", tank, "--reason", "wrong", "--yes"),  # its amendment is of another metric
            ("retract", drone, "--reason", "a duplicate", "--yes"),
            ("retract", drone, "--reason", "twice", "--yes"),
            ("retract", "", "--reason", "a prefix of every id", "--yes"),
            ("sources", "rate", "a", "B"),  # the name as the claims give it: A
            ("sources", "rate", "Nobody", "B"),
            ("sources", "alias", "C", "A"),  # C's one claim was refused
            ("sources", "alias", "b", "A"),
            ("metrics", "describe", "m.tanks.lost", "--unit", "%"),  # its claim is in tanks
            ("metrics", "describe", "m.tanks", "--kind", "cumulative"),
            ("verify",),
        ]
        done = [cli(*at, *step) for step in steps]
        outcomes.append([(d.exit_code, d.stderr.replace(str(db), "LEDGER")) for d in done])
    json_steps, sqlite_steps = outcomes
    assert sqlite_steps == json_steps
    codes = [code for code, _ in json_steps]
    assert codes == [0, 2, 2, 0, 2, 0, 2, 2, 0, 2, 2, 0, 2, 0, 0]
    said = [text for _, text in json_steps]
    assert "already" in said[0]
    assert 'counted in "tanks"' in said[1]
    assert 'counted in "drones"' in said[2]
    assert "was superseded by" in said[4]
    assert "is retracted" in said[6]
    assert "too short" in said[7]
    assert "no source" in said[9].lower() or "Nobody" in said[9]
    assert "tanks" in said[12]
    sources = cli.json("--db", str(tmp_path / "l.sqlite"), "sources")
    # B's one claim is retracted: the views show active claims only
    assert [(row["source"], row["rating"]) for row in sources] == [("A", "B")]


def test_show_and_history_read_a_claims_versions_only_and_answer_as_on_the_whole_file(
    cli, tmp_path: Path
):
    """On SQLite, show and history read the claims an id names and the entries that change
    them (history: version by version, back and forth, into another metric too), not the
    whole ledger; what they show is what the JSON file, read whole, shows."""
    shown = []
    for db in (tmp_path / "l.json", tmp_path / "l.sqlite"):
        at = ("--db", str(db))
        cli.ok(*at, "import", str(DATA))
        first = cli.ok(*at, "add", "m.x", "10", "--source", "A", "--as-of", "2025-03").stdout
        second = cli.ok(*at, "amend", first.strip(), "--value", "11", "--yes").stdout
        third = cli.ok(*at, "amend", second.strip(), "--metric", "m.y", "--yes").stdout
        cli.ok(*at, "retract", third.strip()[:8], "--reason", "misread", "--yes")
        versions = [first.strip()[:6], second.strip()[:10], third.strip()]
        shown.append(
            [cli.ok(*at, "history", version).stdout for version in versions]
            + [cli.ok(*at, "show", version).stdout for version in versions]
            + [cli.ok(*at, "show", versions[1], "--format", "json").stdout]
            + [cli.fails(*at, "show", "0000").stderr, cli.fails(*at, "history", "ab").stderr]
        )
    # The retraction's id and every logged_at hold the moment each was logged: not compared.
    moments = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+Z|\w{10}(?= retracted)")
    json_shown, sqlite_shown = ([moments.sub("…", text) for text in texts] for texts in shown)
    assert sqlite_shown == json_shown
    history = json_shown[0].splitlines()
    assert [line.split()[1] for line in history[1:]] == [
        "logged",
        "amended",
        "amended",
        "retracted",
    ]
    assert all(text == json_shown[0] for text in json_shown[:3])  # from any version, all four
    assert "retraction reason  misread" in json_shown[5]


SPELLINGS = ["Reuters", "reuters", "Reuters ", "GUR", "Ukrainian intelligence", "ISW"]
KINDS = ["cumulative", "total"]
REPORTED = ["2025-03-01", "2025-03", "2025", "2025-02-28", "2025-03-31", "2024"]
# Points that are not whole: 3.2 twice (once as a range's midpoint), and 1 and the next double
# above it, a rise only in the 17th digit.
FRACTIONS = ["0.1", "1.5-2", "3.2", "between 3.1 and 3.3", "1", "1.0000000000000002"]
STEP = st.one_of(
    st.tuples(
        st.just("claim"),
        st.sampled_from(SPELLINGS),
        st.sampled_from(["m.a", "m.b", "m.c"]),
        st.sampled_from(REPORTED),
        st.one_of(st.integers(1, 40), st.sampled_from(FRACTIONS)),
        st.sampled_from(REPORTED),  # as of
        st.sampled_from(["", "troops", "%"]),
    ),
    st.tuples(st.sampled_from(["amend", "retract"]), st.integers(0, 30)),
    st.tuples(st.just("alias"), st.sampled_from(SPELLINGS), st.sampled_from(SPELLINGS)),
    st.tuples(st.just("kind"), st.sampled_from(["m.a", "m.b"]), st.sampled_from(KINDS)),
)
STEPS = st.lists(STEP, min_size=1, max_size=30)
# A metric's declared unit (`metrics describe --unit`), which stands over its claims' units.
UNIT_STEP = st.tuples(
    st.just("unit"), st.sampled_from(["m.a", "m.b"]), st.sampled_from(["troops", "tanks"])
)


def _both_stores_of(steps: list[tuple], tmp_path: Path) -> tuple[Path, Path]:
    """A JSON file and a SQLite file of the same entries, made of `steps` (see STEPS)."""
    from osintlog.claims import Context, amended_claim, build_claim
    from osintlog.integrity import retraction_entry
    from osintlog.ledger import Ledger, claim_entry, new_entry

    entries, claims = [], []
    for number, step in enumerate(steps):
        logged = f"2026-01-01T00:00:{number % 7:02d}.000000Z"  # clocks that go back, too
        context = Context(date(2026, 1, 1), "tester", logged, future=True)  # plans too
        if step[0] == "claim":
            _, source, metric, reported, value, as_of, unit = step
            fields = {"metric": metric, "value": str(value), "source": source, "unit": unit}
            claim = build_claim({**fields, "reported": reported, "as_of": as_of}, context)
            claims.append(claim)
            entries.append(claim_entry(claim))
        elif step[0] == "amend" and claims:
            old = claims[step[1] % len(claims)]
            new = amended_claim(old, {"value": str(1000 + number)}, context)
            claims.append(new)
            entries.append(claim_entry(new))
        elif step[0] == "retract" and claims:
            entries.append(retraction_entry(claims[step[1] % len(claims)]["id"], "x", "t", logged))
        elif step[0] == "alias" and step[1] != step[2]:
            entries.append(new_entry("alias", "t", logged, name=step[1], canonical=step[2]))
        elif step[0] == "kind":
            entries.append(new_entry("metric", "t", logged, metric=step[1], metric_kind=step[2]))
        elif step[0] == "unit":
            entries.append(new_entry("metric", "t", logged, metric=step[1], unit=step[2]))
    assume(claims)
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    json_path, sqlite_path = folder / "l.json", folder / "l.sqlite"
    for path in (json_path, sqlite_path):
        Ledger(path).append([dict(entry) for entry in entries], "2026-01-01T00:00:00.000000Z")
    return json_path, sqlite_path


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
@example(  # a fall in the 17th digit only, which SQLite's own text for a number would lose
    steps=[
        ("kind", "m.a", "cumulative"),
        *(
            ("claim", SPELLINGS[0], "m.a", reported, value, "2025-03-01", "")
            for reported, value in (
                ("2025-03-01", "1"),
                ("2025-03-01", "1.0000000000000002"),
                ("2025-03-31", "1"),
            )
        ),
    ]
)
def test_the_views_sqlite_counts_answer_as_those_of_every_claim(tmp_path: Path, steps):
    """`metrics`, `sources` and `diff` alone, which the SQLite store counts in queries
    (`SqliteStore.counted`, `views.counted_*`, `timeline.source_changes`), answer as the views
    that take every claim do (the JSON file's): spellings alike but for case, aliases,
    amendments, retractions, units, plans, metric kinds and clocks that go back."""
    from osintlog.api import Ledger as Api
    from osintlog.declarations import metric_units
    from osintlog.ledger import Ledger
    from osintlog.timeline import changes
    from osintlog.views import metric_summaries, source_summaries

    json_path, sqlite_path = _both_stores_of(steps, tmp_path)
    whole = Ledger(json_path).read()
    declared = whole.declarations()
    seen = declared.canonical(whole.active())
    kinds = {metric: d.kind for metric, d in declared.metrics.items() if d.kind}
    counted = Api(sqlite_path)
    assert counted.sources() == source_summaries(whole.active(), declared.standing(), declared)
    assert counted.metrics() == metric_summaries(seen, declared, metric_units(seen, declared))
    assert counted.summaries() == changes(seen, None, kinds)
    # and so the two stores answer alike
    for view in ("sources", "metrics", "summaries"):
        assert getattr(counted, view)() == getattr(Api(json_path), view)()
    # `info` too: but for the path and the size, what each file holds
    unplaced = {"path": None, "size": None}
    json_info, sqlite_info = (vars(Api(p).info()) | unplaced for p in (json_path, sqlite_path))
    assert sqlite_info == json_info


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(STEP | UNIT_STEP, min_size=1, max_size=30),
    adds=st.lists(
        st.tuples(
            st.sampled_from(SPELLINGS),
            st.sampled_from(["m.a", "m.b", "m.c"]),
            st.sampled_from(REPORTED),  # as of
            st.sampled_from(["", "troops", "%", "tanks"]),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_add_on_sqlite_reads_a_unit_and_a_day_and_answers_as_it_does_on_the_whole_file(
    tmp_path: Path, steps, adds
):
    """`add` reads of a SQLite ledger only its metric's first active claim with a unit and the
    claims of its metric and as-of (`store.Part`): what it refuses, adds and finds beside the
    new claim is what it is on the JSON file, read whole — through amendments, retractions,
    aliases, declared units and claims with no unit."""
    from osintlog.api import Ledger as Api
    from osintlog.errors import OsintlogError

    json_path, sqlite_path = _both_stores_of(steps, tmp_path)
    for source, metric, as_of, unit in adds:
        answers = []
        for path in (json_path, sqlite_path):
            ledger = Api(path, today=date(2026, 1, 2))
            try:
                added = ledger.add(
                    metric, "7", source=source, as_of=as_of, reported="2025-03-31", unit=unit
                )
                answers.append((added.claim["id"], added.added, [c["id"] for c in added.similar]))
            except OsintlogError as error:
                answers.append(str(error).replace(str(path), "LEDGER"))
        assert answers[0] == answers[1]
