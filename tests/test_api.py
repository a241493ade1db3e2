"""The Python API, used as a notebook would: a real ledger file, the same answers as the CLI."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import DATA

import osintlog
from osintlog.errors import BadClaim, BadDate, BadInput, NotAllowed, OsintlogError, UnknownMetric
from osintlog.fields import EXPORT_COLUMNS

THU = "2025-07-10"


@pytest.fixture
def ledger(tmp_path: Path) -> osintlog.Ledger:
    return osintlog.Ledger(tmp_path / "notebook.json", today=date(2025, 7, 12))


def test_add_then_read_back(ledger):
    done = ledger.add(
        "ua.drones.launched", "at least 400 drones", source="Air Force", as_of="last night",
        reported=THU, rating="B2", tags=["night"],
    )  # fmt: skip
    assert done.added
    again = ledger.add(
        "ua.drones.launched", "at least 400 drones", source="Air Force", as_of="last night",
        reported=THU, rating="B2", tags=["night"],
    )  # fmt: skip
    assert not again.added and again.claim["id"] == done.claim["id"]
    [claim] = ledger.claims()
    assert (claim["as_of"], claim["low"], claim["unit"], claim["status"]) == (
        "2025-07-09/2025-07-10",
        400,
        "drones",
        "active",
    )
    assert ledger.claim(done.claim["id"][:6])["id"] == done.claim["id"]
    assert ledger.verify() is None


def test_dates_default_to_the_ledgers_today(ledger):
    claim = ledger.add("m.x", "5", source="S", as_of="yesterday").claim
    assert (claim["reported"], claim["as_of"]) == ("2025-07-12", "2025-07-11")


def test_errors_are_the_projects_own_and_nothing_is_written(ledger):
    with pytest.raises(BadDate, match="--future"):
        ledger.add("m.x", "5", source="S", as_of="2025-08", reported=THU)
    assert not ledger.path.exists()
    with pytest.raises(OsintlogError):
        ledger.timeline("no.such.metric")


def test_a_notebooks_dates_are_datetime_dates_or_text(ledger, tmp_path):
    # A notebook holds dates as datetime.date (or a datetime, e.g. a pandas Timestamp): each is
    # read as its day, wherever the commands take a date.
    claim = ledger.add(
        "m.x", "5", source="S", reported=date(2025, 7, 10), as_of=datetime(2025, 7, 9, 23, 30)
    ).claim
    assert (claim["reported"], claim["as_of"]) == ("2025-07-10", "2025-07-09")
    ledger.add("m.x", "7", source="T", reported="2025-07-11", as_of="2025-07-11")
    assert [c["value"] for c in ledger.claims(since=date(2025, 7, 10))] == ["7"]
    assert [r.latest_value for r in ledger.compare("m.x", at=date(2025, 7, 9)).rows] == ["5"]
    # Another kind is refused by name, not read as an empty date.
    with pytest.raises(BadDate, match="not int"):
        ledger.claims(since=2025)
    # today: a date, a datetime's day, or an ISO day as text; else refused.
    for given in (date(2025, 1, 2), datetime(2025, 1, 2, 18, 0), "2025-01-02"):
        assert osintlog.Ledger(tmp_path / "t.json", today=given).today == date(2025, 1, 2)
    for wrong in ("", "Jan 2", 20250102):
        with pytest.raises(BadDate, match="today="):
            osintlog.Ledger(tmp_path / "t.json", today=wrong)


def test_a_query_is_built_once_and_selects_like_list(tmp_path):
    ledger = osintlog.Ledger(tmp_path / "sample.json")  # today: the machine's
    ledger.import_file(DATA)
    query = ledger.query(metric="dprk.troops.*", since="2025-04")
    assert isinstance(query, osintlog.Query)
    # by hand from data/: the troop claims as of April 2025 or later, in timeline order
    assert [(c["metric"], c["value"]) for c in ledger.claims(query)] == [
        ("dprk.troops.deployed", "15 000"),
        ("dprk.troops.casualties", "approximately 4 700"),
        ("dprk.troops.killed", "600"),
        ("dprk.troops.planned", "an additional 25 000 to 30 000"),
        ("dprk.troops.dead_honoured", "101"),
    ]
    assert [c["value"] for c in ledger.claims(metric="dprk.troops.*", limit=1)] == ["101"]


def test_views_are_plain_rows(ledger):
    ledger.add("ru.tanks.lost", "3,799", source="General Staff", as_of="2023-05-27")
    ledger.add("ru.tanks.lost", "3,797", source="General Staff", as_of="2023-05-28")
    ledger.add("ru.tanks.lost", "2,000", source="Oryx", as_of="2023-02-05")
    rows = ledger.timeline("ru.tanks.lost", source="general staff")
    assert [(r.as_of, r.best, r.change) for r in rows] == [
        ("2023-05-27", 3799, None),
        ("2023-05-28", 3797, -2),
    ]
    comparison = ledger.compare("ru.tanks.lost")
    assert {r.source: r.latest_point for r in comparison.rows} == {
        "General Staff": 3797,
        "Oryx": 2000,
    }
    # the median of 2,000 and 3,797 is 2,898.5: at the figures' precision (whole), half up
    assert comparison.consensus == 2899
    assert sorted(comparison.consensus_sources) == ["General Staff", "Oryx"]
    lowest = ledger.compare("ru.tanks.lost", rule="lowest")
    assert (lowest.consensus, lowest.consensus_sources) == (2000, ["Oryx"])
    assert [(m.metric, m.claims, m.sources) for m in ledger.metrics()] == [("ru.tanks.lost", 3, 2)]
    assert {s.source: s.claims for s in ledger.sources()} == {"General Staff": 2, "Oryx": 1}
    with pytest.raises(UnknownMetric, match=r"closest: ru\.tanks\.lost"):
        ledger.compare("ru.tank.lost")


def test_import_reports_what_it_did(ledger, tmp_path):
    file = tmp_path / "rows.csv"
    file.write_text("metric,value,source,colour\nm.a,1,S,red\nm.b,lots,S,blue\n", encoding="utf-8")
    with pytest.raises(OsintlogError, match="nothing imported"):
        ledger.import_file(file)
    heard = []
    report = ledger.import_file(
        file, skip_invalid=True, progress=lambda total, ignored: _noting(heard, total, ignored)
    )
    assert (report.added, report.already, report.ignored) == (1, 0, ["colour"])
    assert report.errors == [f'{file}:3: "lots" is not a figure; accepted forms: ' + _forms()]
    assert heard == [(2, ["colour"])]
    assert ledger.import_file(file, skip_invalid=True, dry_run=True).already == 1


def _noting(heard: list, total: int, ignored: list[str]):
    import contextlib

    heard.append((total, ignored))
    return contextlib.nullcontext(lambda done: None)


def _forms() -> str:
    from osintlog.figures import ACCEPTED_FORMS

    return ACCEPTED_FORMS


def test_amend_and_retract_ask_before_they_write(ledger):
    claim = ledger.add("m.x", "600", source="S", reported=THU).claim

    def refuse(old, new):
        raise NotAllowed("no")

    with pytest.raises(NotAllowed):
        ledger.amend(claim["id"], value="about 600", confirm=refuse)
    assert len(ledger.claims(include_all=True)) == 1
    old, new = ledger.amend(claim["id"], value="about 600")
    assert (old["id"], new["supersedes"], new["best"]) == (claim["id"], claim["id"], 600)
    retracted, entry = ledger.retract(new["id"], "misread")
    assert retracted["id"] == new["id"]
    assert entry["target"] == new["id"]
    assert [c["status"] for c in ledger.claims(include_all=True)] == ["superseded", "retracted"]
    assert [row.event for row in ledger.history(claim["id"])][:2] == ["logged", "amended"]


def test_records_carry_the_export_columns(ledger):
    ledger.add("m.x", "about 40", source="S", as_of="Q2 2025", reported=THU, rating="C3")
    [record] = list(ledger.records())
    assert (record["as_of_start"], record["as_of_end"], record["point"]) == (
        "2025-04-01",
        "2025-06-30",
        40,
    )
    assert record["effective_rating"] == "C3" and record["future"] is False
    # The export's columns in their order, and nothing of how the ledger stores the claim.
    assert list(record) == list(EXPORT_COLUMNS)
    assert list(next(ledger.claim_records(record["id"]))) == list(EXPORT_COLUMNS)


def test_merge_two_notebooks(ledger, tmp_path):
    other = osintlog.Ledger(tmp_path / "other.json")
    other.add("m.x", "7", source="Colleague", reported=THU)
    ledger.add("m.x", "8", source="Me", reported=THU)
    assert ledger.merge(other.path).added == 1
    assert sorted(c["source"] for c in ledger.claims()) == ["Colleague", "Me"]
    assert ledger.info().claims == {"active": 2, "superseded": 0, "retracted": 0}


def test_the_readmes_python_session_runs_as_written(tmp_path, monkeypatch, capsys):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API") :]
    block = section[section.index("```python\n") + 10 : section.index("```\n", 10)]
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    block = block.replace('"notebook.json"', repr(str(tmp_path / "notebook.json")))
    exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    # by hand: the sample's troop claims since April 2025, then the new one of August 2025
    assert printed[0] == "2025-04 dprk.troops.deployed 15 000 South Korean lawmakers"
    assert "2025-08 dprk.troops.deployed about 11,000 NIS" in printed
    assert printed[-1] == "0 11"


def test_an_open_ledger_sees_what_another_process_wrote(ledger, tmp_path):
    import subprocess
    import sys

    ledger.add("m.x", "1", source="A", as_of="2025-01-01")
    returned = ledger.claims(metric="m.x")
    returned[0]["value"] = "changed by the caller"  # the caller's copy: nothing stored changes
    assert [c["value"] for c in ledger.claims(metric="m.x")] == ["1"]
    code = (
        "import osintlog, sys; osintlog.Ledger(sys.argv[1]).add("
        "'m.x', '2', source='B', as_of='2025-01-02')"
    )
    subprocess.run([sys.executable, "-c", code, str(ledger.path)], check=True)
    assert [c["value"] for c in ledger.claims(metric="m.x")] == ["1", "2"]
    ledger.add("m.x", "3", source="C", as_of="2025-01-03")
    assert [c["value"] for c in ledger.claims(metric="m.x")] == ["1", "2", "3"]


def test_a_misspelt_field_or_filter_is_refused_not_left_out(ledger):
    # as_off for as_of: left out, the claim would be stored as of its report's date.
    with pytest.raises(BadClaim, match="no claim field as_off"):
        ledger.add("m.x", "5", source="S", as_off="2025-04", reported=THU)
    with pytest.raises(BadClaim, match="no claim field low"):  # worked out from the figure
        ledger.add("m.x", "5", source="S", low=4, reported=THU)
    assert not ledger.path.exists()
    old = ledger.add("m.x", "5", source="S", as_of="2025-04", reported=THU).claim
    with pytest.raises(BadClaim, match="no claim field notes"):
        ledger.amend(old["id"], notes="typo'd")
    with pytest.raises(BadClaim, match="no claim field colour"):
        ledger.add_claims([{"metric": "m.x", "value": "6", "source": "S", "colour": "red"}])
    # Filters: a misspelt one, or one of the wrong kind, would widen or empty the selection.
    with pytest.raises(BadClaim, match="no filter metrc"):
        ledger.claims(metrc="m.*")
    with pytest.raises(BadClaim, match="tag is text, not list"):
        ledger.claims(tag=["a"])
    with pytest.raises(BadClaim, match="limit 0"):
        ledger.claims(limit=0)
    with pytest.raises(BadClaim, match="not both"):
        ledger.claims(ledger.query(metric="m.*"), source="Other")
    with pytest.raises(BadClaim, match="not str"):
        ledger.claims("m.*")
    assert [c["id"] for c in ledger.claims(metric=" m.* ", limit=1)] == [old["id"]]
    assert len(ledger.claims(include_all=True)) == 1  # nothing else was written


def test_add_claims_checks_its_rows_as_an_import_does(ledger):
    first = ledger.add("m.x", "5", source="S", as_of="2025-04", reported=THU).claim
    ledger.retract(first["id"], "withdrawn by its source")
    row = {"metric": "m.x", "value": "6", "source": "S", "as_of": "2025-04", "reported": THU}
    # A row may not supersede a claim it does not bring, let alone a retracted one.
    with pytest.raises(BadInput, match="does not bring"):
        ledger.add_claims([{**row, "supersedes": first["id"]}])
    with pytest.raises(BadClaim, match="no claim field supersedes"):
        ledger.add(**{**row, "supersedes": first["id"]})  # a correction is amend's
    with pytest.raises(BadClaim, match="a row is a mapping of claim fields, not str"):
        ledger.add_claims(row)  # a dict given for a list: its keys would be the rows
    # Claims and records read back from a ledger are rows it takes as they are: the retracted
    # claim is retracted in the other ledger too, as an import of an `export --all` keeps it.
    other = osintlog.Ledger(ledger.path.with_name("other.json"), today=ledger.today)
    assert other.add_claims(ledger.records(include_all=True)).claims_written == 1
    assert other.claims() == []
    [copied] = other.claims(include_all=True)
    assert (copied["id"], copied["value"], copied["status"]) == (first["id"], "5", "retracted")


def test_arguments_of_the_wrong_kind_are_refused_by_name(ledger):
    ledger.add("m.x", "5", source="S", as_of="2025-04", reported=THU)
    with pytest.raises(BadClaim, match="metric is text, not int"):
        ledger.timeline(5)
    with pytest.raises(BadClaim, match="metric is text, not NoneType"):
        ledger.add(None, "5", source="S")
    with pytest.raises(OsintlogError, match="id is text"):
        ledger.history(None)
    with pytest.raises(BadClaim, match="--reason is required"):
        ledger.retract(ledger.claims()[0]["id"], None)
    with pytest.raises(BadClaim, match='--max-age "30"'):
        ledger.compare("m.x", max_age=30)
    with pytest.raises(BadInput, match='format "xml"'):
        ledger.import_file("rows", b"metric,value,source\nm.x,7,S\n", fmt="xml")
    # Tags in a tuple or a set are tags as in a list; text for a file's bytes, and a format by
    # its name, are read as the CLI reads them.
    assert ledger.add("m.x", "6", source="S", tags=("b", "a;c")).claim["tags"] == ["a", "b", "c"]
    report = ledger.import_file("rows", "metric,value,source\nm.x,7,S\n", fmt="csv")
    assert (report.added, report.already) == (1, 0)


def test_a_max_age_is_text_or_a_timedelta_of_whole_days(ledger):
    # On 12 July, A's figure of 1 July is 11 days old, B's of 10 July 2 days: with a week's max
    # age only B's counts, as with "7d"; an age of hours (or none at all) says nothing of days.
    ledger.add("m.x", "100", source="A", as_of="2025-07-01", reported="2025-07-01")
    ledger.add("m.x", "40", source="B", as_of=THU, reported=THU)
    by_text = ledger.compare("m.x", max_age="7d")
    by_delta = ledger.compare("m.x", max_age=timedelta(weeks=1))
    assert (by_delta.consensus, by_delta.stale) == (by_text.consensus, by_text.stale) == (40, ["A"])
    [every] = ledger.compare_every("m.x", "month", max_age=timedelta(days=7))
    assert every.rows == ledger.compare_every("m.x", "month", max_age="7d")[0].rows
    for age in (timedelta(hours=36), timedelta(0), timedelta(days=-2), ""):
        with pytest.raises(BadClaim, match="give days"):
            ledger.compare("m.x", max_age=age)
