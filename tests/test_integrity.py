"""Append-only integrity: amend, retract, history, verify (with tampering), merge, upgrade."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from osintlog.chain import entry_hash


def only(cli, *args: str) -> dict:
    [claim] = cli.json("list", *args)
    return claim


def test_amend_of_an_amend_keeps_the_whole_chain(cli, seeded):
    original = only(cli, "--metric", "dprk.troops.killed")
    first = cli.ok("amend", original["id"][:8], "--value", "about 600").stdout.strip()
    second = cli.ok("amend", first[:8], "--value", "650", "--rating", "C3").stdout.strip()
    latest = only(cli, "--metric", "dprk.troops.killed")
    assert latest["id"] == second
    assert (latest["value"], latest["best"], latest["supersedes"]) == ("650", 650, first)
    assert (latest["reliability"], latest["credibility"]) == ("C", 3)
    # what was not amended is carried over
    assert (latest["source"], latest["as_of"], latest["quote"]) == (
        original["source"],
        original["as_of"],
        original["quote"],
    )
    everything = cli.json("list", "--all", "--metric", "dprk.troops.killed")
    assert [(c["value"], c["status"]) for c in everything] == [
        ("600", "superseded"),
        ("about 600", "superseded"),
        ("650", "active"),
    ]
    history = cli.json("history", original["id"][:8])
    assert [(h["event"], h["value"], h["analyst"]) for h in history] == [
        ("logged", "600", "tester"),
        ("amended", "about 600", "tester"),
        ("amended", "650", "tester"),
    ]
    assert cli.json("history", second[:8]) == history
    assert cli.ok("verify").stdout == ""


def test_amending_a_superseded_claim_names_the_newer_one(cli, seeded):
    original = only(cli, "--metric", "dprk.troops.killed")["id"]
    newer = cli.ok("amend", original, "--value", "601").stdout.strip()
    before = seeded.read_bytes()
    result = cli.fails("amend", original, "--value", "602")
    assert f"was superseded by {newer[:10]}" in result.stderr
    assert seeded.read_bytes() == before


def test_amend_with_nothing_new_is_refused(cli, seeded):
    original = only(cli, "--metric", "dprk.troops.killed")["id"]
    assert "nothing to amend" in cli.fails("amend", original).stderr
    assert "nothing to amend" in cli.fails("amend", original, "--value", "600").stderr


def test_retract_hides_the_claim_and_history_shows_why(cli, seeded):
    claim = only(cli, "--metric", "dprk.shells.delivered")["id"]
    retraction = cli.ok("retract", claim[:6], "--reason", "misread").stdout.strip()
    assert cli.json("list", "--metric", "dprk.shells.delivered") == []
    assert "dprk.shells.delivered" not in [m["metric"] for m in cli.json("metrics")]
    [row] = cli.json("list", "--all", "--metric", "dprk.shells.delivered")
    assert row["status"] == "retracted"
    history = cli.json("history", claim[:6])
    assert [(h["event"], h["id"], h["reason"]) for h in history] == [
        ("logged", claim, None),
        ("retracted", retraction, "misread"),
    ]
    assert "is retracted" in cli.fails("retract", claim, "--reason", "again").stderr
    assert "is retracted" in cli.fails("amend", claim, "--value", "5").stderr


def test_retracting_a_superseded_claim_is_refused_with_a_clear_message(cli, seeded):
    original = only(cli, "--metric", "dprk.troops.killed")["id"]
    newer = cli.ok("amend", original, "--value", "601").stdout.strip()
    before = seeded.read_bytes()
    result = cli.fails("retract", original, "--reason", "wrong")
    assert result.stderr == (
        f"error: claim {original[:10]} was superseded by {newer[:10]}; "
        "that is the claim to retract\n"
    )
    assert seeded.read_bytes() == before


def test_retract_needs_a_reason(cli, seeded):
    claim = only(cli, "--metric", "dprk.troops.killed")["id"]
    assert "--reason" in cli.fails("retract", claim).stderr
    assert "--reason is required" in cli.fails("retract", claim, "--reason", " ").stderr


@pytest.mark.json_file
def test_nothing_is_ever_edited_in_place(cli, seeded):
    """Every command leaves the entries already stored exactly as they were."""
    before = json.loads(seeded.read_text())["entries"]
    claim = only(cli, "--metric", "dprk.troops.killed")["id"]
    newer = cli.ok("amend", claim, "--value", "601").stdout.strip()
    cli.ok("retract", newer, "--reason", "r")
    cli.ok("sources", "rate", "KCNA", "E")
    after = json.loads(seeded.read_text())["entries"]
    assert {key: after[key] for key in before} == before
    assert len(after) == len(before) + 3


def tamper(path: Path, position: int, **changes) -> None:
    data = json.loads(path.read_text())
    key = sorted(data["entries"], key=int)[position - 1]
    data["entries"][key].update(changes)
    path.write_text(json.dumps(data, indent=2))


@pytest.mark.json_file
@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"value": "16 000"}, "its content no longer matches its id"),
        ({"source": "NIS"}, "its content no longer matches its id"),
        ({"as_of": "2025-05"}, "its content no longer matches its id"),
        ({"reported": "2025-08-21"}, "its content no longer matches its id"),
        ({"metric": "dprk.troops.sent"}, "its content no longer matches its id"),
        ({"best": 16000}, "low/high/best/qualifier do not match its figure"),
        ({"qualifier": "approx"}, "low/high/best/qualifier do not match its figure"),
        ({"analyst": "mallory"}, "was edited by hand: its hash does not match"),
        ({"logged_at": "2020-01-01T00:00:00Z"}, "was edited by hand: its hash does not match"),
        ({"hash": "0" * 32}, "was edited by hand"),
        ({"kind": "note"}, "unknown kind"),
    ],
)
def test_any_hand_edit_fails_verify_and_names_the_entry(cli, seeded, changes, says):
    assert cli.ok("verify").stdout == ""
    tamper(seeded, 6, **changes)
    result = cli.fails("verify", code=1)
    assert f"{seeded}: entry 6 (" in result.stderr
    assert says in result.stderr


@pytest.mark.json_file
def test_a_removed_or_moved_entry_fails_verify(cli, seeded):
    data = json.loads(seeded.read_text())
    del data["entries"]["3"]
    seeded.write_text(json.dumps(data))
    assert "does not follow the entry before it" in cli.fails("verify", code=1).stderr


@pytest.mark.json_file
def test_a_consistent_forgery_of_the_chain_is_caught_by_the_content_id(cli, seeded):
    """Recomputing the hashes after an edit still leaves the id not matching the content."""
    data = json.loads(seeded.read_text())
    previous = ""
    for key in sorted(data["entries"], key=int):
        entry = data["entries"][key]
        if key == "2":
            entry["value"] = "about 99 000"
            entry["best"] = 99000
        entry["prev"] = previous
        entry["hash"] = previous = entry_hash(entry)
    seeded.write_text(json.dumps(data))
    assert "entry 2 (" in cli.fails("verify", code=1).stderr


def make_ledger(cli, path: Path, *claims: tuple[str, str, str]) -> None:
    for metric, value, source in claims:
        cli.ok("--db", str(path), "add", metric, value, "-s", source, "--reported", "2025-05-01")


def test_merge_of_diverged_ledgers(cli, tmp_path, monkeypatch):
    shared = tmp_path / "shared.json"
    make_ledger(cli, shared, ("m.a", "100", "S"))
    anna, ben = tmp_path / "anna.json", tmp_path / "ben.json"
    shutil.copy(shared, anna)
    shutil.copy(shared, ben)
    monkeypatch.setenv("OSINTLOG_ANALYST", "anna")
    make_ledger(cli, anna, ("m.b", "about 5", "A"))
    first = cli.json("--db", str(anna), "list", "--metric", "m.a")[0]["id"]
    cli.ok("--db", str(anna), "amend", first, "--value", "110")
    monkeypatch.setenv("OSINTLOG_ANALYST", "ben")
    make_ledger(cli, ben, ("m.c", "up to 7", "B"))
    cli.ok("--db", str(ben), "sources", "rate", "B", "C")

    result = cli.ok("--db", str(anna), "merge", str(ben))
    assert "merged 2 entries" in result.stderr
    merged = cli.json("--db", str(anna), "list", "--all")
    assert sorted((c["metric"], c["value"], c["analyst"], c["status"]) for c in merged) == [
        ("m.a", "100", "tester", "superseded"),
        ("m.a", "110", "anna", "active"),
        ("m.b", "about 5", "anna", "active"),
        ("m.c", "up to 7", "ben", "active"),
    ]
    ben_claim = cli.json("--db", str(ben), "list", "--metric", "m.c")[0]
    assert cli.json("--db", str(anna), "list", "--metric", "m.c")[0] == ben_claim
    assert cli.json("--db", str(anna), "sources")[1]["rating"] == "C"
    assert cli.ok("--db", str(anna), "verify").stdout == ""
    before = anna.read_bytes()
    assert "merged 0 entries" in cli.ok("--db", str(anna), "merge", str(ben)).stderr
    assert anna.read_bytes() == before
    # and the other way round: both end with the same claims
    cli.ok("--db", str(ben), "merge", str(anna))
    assert sorted(c["id"] for c in cli.json("--db", str(ben), "list", "--all")) == sorted(
        c["id"] for c in merged
    )


def test_merge_refuses_a_ledger_that_fails_verify(cli, tmp_path, seeded):
    other = tmp_path / "other.json"
    make_ledger(cli, other, ("m.a", "100", "S"))
    tamper(other, 1, source="T")
    before = seeded.read_bytes()
    result = cli.fails("merge", str(other))
    assert "refusing to merge" in result.stderr and "fails verify" in result.stderr
    assert seeded.read_bytes() == before
    (tmp_path / "x.json").write_text("[]")
    assert "not an osintlog ledger" in cli.fails("merge", str(tmp_path / "x.json")).stderr
    missing = cli.fails("merge", str(tmp_path / "missing.json")).stderr
    assert "missing.json: No such file or directory" in missing


@pytest.mark.json_file
def test_a_ledger_written_before_the_chain_is_upgraded_once(cli, ledger_path):
    claim = {
        "metric": "m.a",
        "value": "about 5",
        "low": None,
        "high": None,
        "best": 5,
        "qualifier": "approx",
        "unit": None,
        "as_of": "2025",
        "reported": "2025-03-01",
        "source": "S",
        "via": None,
        "url": None,
        "quote": None,
        "reliability": None,
        "credibility": None,
        "tags": [],
        "note": None,
        "analyst": "old",
        "logged_at": "2025-03-01T00:00:00Z",
        "supersedes": None,
    }
    legacy = {"_osintlog": {"1": {"schema": 0}}, "entries": {"1": claim}}
    ledger_path.write_text(json.dumps(legacy))
    assert cli.ok("verify").stdout == ""
    upgraded = json.loads(ledger_path.read_text())
    assert upgraded["_osintlog"]["1"] == {"schema": 1, "upgraded_from": 0}
    assert upgraded["entries"]["1"]["prev"] == "" and upgraded["entries"]["1"]["id"]
    assert [c["value"] for c in cli.json("list")] == ["about 5"]
    before = ledger_path.read_bytes()
    cli.ok("list")
    assert ledger_path.read_bytes() == before


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return out.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_merge_driver_joins_two_analysts_ledgers(tmp_path):
    osintlog = shutil.which("osintlog", path=str(Path(sys.executable).parent))
    repo = tmp_path / "team"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "a@example.org")
    git(repo, "config", "user.name", "A")
    git(repo, "config", "merge.osintlog.driver", f"{osintlog} git-merge-driver %O %A %B")
    (repo / ".gitattributes").write_text("ledger.json merge=osintlog\n")
    (repo / ".gitignore").write_text("*.lock\n")
    env = {"OSINTLOG_DB": str(repo / "ledger.json"), "PATH": "/usr/bin:/bin"}

    def log(metric: str, value: str) -> None:
        subprocess.run([osintlog, "add", metric, value, "-s", "S"], env=env, check=True)

    log("m.a", "1")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    git(repo, "checkout", "-qb", "ben")
    log("m.b", "2")
    git(repo, "commit", "-qam", "ben")
    git(repo, "checkout", "-q", "main")
    log("m.c", "3")
    git(repo, "commit", "-qam", "anna")
    git(repo, "merge", "-q", "--no-edit", "ben")
    listed = subprocess.run(
        [osintlog, "list", "--format", "jsonl"], env=env, capture_output=True, text=True
    )
    assert sorted(json.loads(line)["metric"] for line in listed.stdout.splitlines()) == [
        "m.a",
        "m.b",
        "m.c",
    ]
    assert subprocess.run([osintlog, "verify"], env=env).returncode == 0


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_all_round_trips_superseded_and_retracted_claims(cli, seeded, tmp_path, fmt):
    killed = only(cli, "--metric", "dprk.troops.killed")["id"]
    cli.ok("amend", killed, "--value", "about 600")
    cli.ok("retract", only(cli, "--metric", "dprk.shells.delivered")["id"], "--reason", "x")
    first = cli.ok("export", "--all", "--format", fmt).stdout
    copy = tmp_path / f"all.{fmt}"
    copy.write_text(first, encoding="utf-8")
    other = tmp_path / "other.json"
    cli.ok("--db", str(other), "import", str(copy))
    assert cli.ok("--db", str(other), "export", "--all", "--format", fmt).stdout == first
    before = other.read_bytes()
    assert "imported 0 claims" in cli.ok("--db", str(other), "import", str(copy)).stderr
    assert other.read_bytes() == before
    assert cli.ok("--db", str(other), "verify").stdout == ""


def test_an_export_of_amended_claims_imports_into_an_empty_ledger(cli, tmp_path):
    # export writes active claims only: an amendment comes without the version it supersedes.
    cli.ok("add", "m.x", "500", "--source", "S", "--as-of", "2025-03-01")
    first = cli.json("list")[0]["id"]
    cli.ok("amend", first, "--value", "600")
    exported = tmp_path / "active.csv"
    cli.ok("export", "-o", str(exported))
    fresh = ("--db", str(tmp_path / "fresh.json"))
    cli.ok(*fresh, "import", str(exported))
    [claim] = cli.json(*fresh, "list")
    assert (claim["value"], claim["supersedes"], claim["status"]) == ("600", first, "active")
    assert claim["id"] == cli.json("list")[0]["id"]  # the same claim, not a copy
    cli.ok(*fresh, "verify")
    # The first version, brought later, is superseded by it, as in the ledger it came from.
    everything = tmp_path / "all.csv"
    cli.ok("export", "--all", "-o", str(everything))
    cli.ok(*fresh, "import", str(everything))
    statuses = {c["value"]: c["status"] for c in cli.json(*fresh, "list", "--all")}
    assert statuses == {"500": "superseded", "600": "active"}
    cli.ok(*fresh, "verify")


def test_a_retracted_row_imports_with_its_retraction(cli, ledger_path, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("metric,value,source,status\nm.a,5,S,retracted\n", encoding="utf-8")
    cli.ok("import", str(path))  # the claim and its retraction, in that order
    assert cli.json("list", "--all")[0]["status"] == "retracted"


def test_a_snapshot_never_marks_its_stored_entries(cli, seeded, tmp_path):
    """A claim's status is derived (`Snapshot.status`), never written into the stored entries:
    views, verify and merge all see the entries as the file holds them."""
    from osintlog import integrity
    from osintlog.ledger import Ledger

    cli.ok("retract", cli.json("list")[0]["id"], "--reason", "test", "--yes")
    snapshot = Ledger(seeded).read()
    claims = snapshot.claims()
    assert all("status" not in claim for claim in claims)
    assert sorted(snapshot.status(c["id"]) for c in claims).count("retracted") == 1
    shown = snapshot.with_status(claims)
    assert {c["status"] for c in shown} == {"active", "retracted"}
    assert all("status" not in claim for claim in snapshot.claims())
    assert integrity.verify(snapshot) is None
    assert all(
        "status" not in e
        for e in integrity.missing_entries(Ledger(tmp_path / "n").read(), snapshot)
    )


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("source", None, "has no source"),
        ("source", 5, "its source is not text"),
        ("unit", ["drones"], "its unit is not text"),
        ("tags", [1], "its tags are not a list of text"),
        ("note", "a\x1b]52;c;x\x07b", "its note holds U+001B (a control character) at character 2"),
        ("source", "Kyiv\nIndependent", "its source holds U+000A (a line break)"),
        ("source", "Oryx\u202e", "its source holds U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("via", "T\u200bASS", "its via holds U+200B (ZERO WIDTH SPACE)"),
        ("analyst", "ann\x9b2J", "its analyst holds U+009B"),
        ("tags", ["ok", "a\u2028b"], r"its tag 'a\u2028b' is too long, holds ';'"),
        ("tags", ["a;b"], "its tag 'a;b' is too long, holds ';'"),
        ("future", "yes", "its future flag is not true or false"),
        ("colour", "red", "holds fields osintlog does not know: colour"),
        ("value", "9" * 450, "does not hold a valid claim"),
        ("credibility", "=cmd", "its credibility is not a digit 1-6"),
        ("best", "5", "its best is not a number"),
    ],
)
def test_a_rehashed_entry_of_the_wrong_kind_fails_verify_and_is_not_merged(
    cli, ledger_path, tmp_path, field, value, says
):
    # A teammate's file, rehashed after the edit, so that only the types give it away.
    from osintlog.chain import chain
    from osintlog.claims import content_id

    hostile = tmp_path / "hostile.json"
    cli.ok("--db", str(hostile), "add", "m.x", "5", "--source", "S", "--as-of", "2025-01-01")
    data = json.loads(hostile.read_text(encoding="utf-8"))
    entry = data["entries"]["1"]
    entry[field] = value
    entry.pop("prev"), entry.pop("hash")
    entry["id"] = content_id(entry)
    chain(entry, "")
    hostile.write_text(json.dumps(data), encoding="utf-8")
    assert says in cli.fails("--db", str(hostile), "verify", code=1).stderr
    cli.ok("add", "m.y", "1", "--source", "T")
    before = ledger_path.read_bytes()
    assert "it fails verify" in cli.fails("merge", str(hostile)).stderr
    assert ledger_path.read_bytes() == before


def test_an_import_changes_none_of_the_ledgers_claims_it_does_not_bring(cli, ledger_path, tmp_path):
    ours = cli.ok("add", "m.x", "600", "--source", "S", "--as-of", "2025-04-01").stdout.strip()
    before = ledger_path.read_bytes()
    file = tmp_path / "rewrite.csv"
    file.write_text(f"metric,value,source,as_of,supersedes\nm.x,6000,S,2025-04-01,{ours}\n")
    refused = cli.fails("import", str(file)).stderr
    assert f"would supersede {ours[:10]}, a claim the file does not bring" in refused
    assert "osintlog merge" in refused
    assert ledger_path.read_bytes() == before
    # A file that brings a claim may amend it once: the second amendment of it is refused, as
    # amend refuses to amend a superseded claim.
    scratch = tmp_path / "scratch.json"
    first = cli.ok("--db", str(scratch), "add", "m.y", "5", "-s", "T", "--as-of", "2025-01-01")
    x = first.stdout.strip()
    rows = (
        "metric,value,source,as_of,supersedes\n"
        "m.y,5,T,2025-01-01,\n"
        f"m.y,6,T,2025-01-01,{x}\n"
        f"m.y,7,T,2025-01-01,{x}\n"
    )
    twice = tmp_path / "twice.csv"
    twice.write_text(rows)
    refused = cli.fails("import", str(twice)).stderr
    assert f"would supersede {x[:10]}, which is superseded already" in refused
    assert "only the latest version of a claim may be amended" in refused
    assert ledger_path.read_bytes() == before
    twice.write_text(rows.rsplit("m.y,7", 1)[0])
    cli.ok("import", str(twice))
    assert [c["value"] for c in cli.json("list", "--metric", "m.y")] == ["6"]


def test_merge_names_what_it_changes_and_dry_run_writes_nothing(cli, ledger_path, tmp_path):
    ours = cli.ok("add", "m.x", "600", "-s", "S", "--as-of", "2025-04-01").stdout.strip()
    other = tmp_path / f"other{ledger_path.suffix}"  # a copy, in the same store
    shutil.copy(ledger_path, other)
    env_db = ("--db", str(other))
    cli.ok(*env_db, "amend", ours, "--value", "6000", "--yes")
    cli.ok(*env_db, "add", "m.z", "1", "-s", "T")
    before = ledger_path.read_bytes()
    dry = cli.ok("merge", "--dry-run", str(other)).stderr
    assert f"tester amends {ours[:10]} m.x 600 -> m.x 6000" in dry
    assert "dry run: would merge 2 entries" in dry
    assert ledger_path.read_bytes() == before
    done = cli.ok("merge", str(other)).stderr
    assert f"tester amends {ours[:10]} m.x 600 -> m.x 6000" in done and "merged 2 entries" in done
    assert [c["value"] for c in cli.json("list", "--metric", "m.x")] == ["6000"]


def test_merging_from_a_ledger_an_older_osintlog_wrote_leaves_that_file_as_it_was(
    cli, ledger_path, tmp_path
):
    claim = {
        "metric": "m.old", "value": "about 5", "low": None, "high": None, "best": 5,
        "qualifier": "approx", "unit": None, "as_of": "2025", "reported": "2025-03-01",
        "source": "S", "via": None, "url": None, "quote": None, "reliability": None,
        "credibility": None, "tags": [], "note": None, "analyst": "old",
        "logged_at": "2025-03-01T00:00:00Z", "supersedes": None,
    }  # fmt: skip
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"_osintlog": {"1": {"schema": 0}}, "entries": {"1": claim}}))
    before = old.read_bytes()
    cli.ok("add", "m.x", "1", "-s", "S")
    assert "merged 1 entry " in cli.ok("merge", str(old)).stderr
    assert old.read_bytes() == before
    assert [c["value"] for c in cli.json("list", "--metric", "m.old")] == ["about 5"]


def test_a_clock_set_back_changes_no_order_and_verify_warns_of_it(cli, tmp_path):
    day = ("--as-of", "2025-03-01", "--reported", "2025-03-02")
    cli.ok("add", "m.x", "500", "--source", "S", *day)
    # The same source, as-of and report, logged next on a machine whose clock is a year behind.
    late = tmp_path / "late.csv"
    late.write_text(
        "metric,value,source,as_of,reported,logged_at\n"
        "m.x,650,S,2025-03-01,2025-03-02,2024-01-01T00:00:00Z\n",
        encoding="utf-8",
    )
    cli.ok("import", str(late))
    [latest] = cli.json("compare", "m.x", "--at", "2025-03-05")
    assert latest["latest_value"] == "650"  # logged last: the latest, whatever its clock said
    assert [(r["value"], r["change"]) for r in cli.json("diff", "m.x")] == [
        ("500", None),
        ("650", 150),
    ]
    result = cli.ok("verify")
    assert (
        "1 entry by tester logged at a time well before an earlier entry of theirs (entry 2): "
        "was a clock set back?"
    ) in result.stderr
