"""Whatever `export` writes — active claims or `--all`, in every format — imports into an empty
ledger as the same claims: random ledgers with amendments, retractions, standing ratings, tags,
every kind of figure and date."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import osintlog
from osintlog.errors import OsintlogError
from osintlog.formats import InputFormat

FIGURES = [
    "600",
    "about 12,000",
    "up to 3,000",
    "at least 400",
    "25,000 to 30,000",
    "between 10 and 12",
    "several dozen",
    "1.5 million",
    "40%",
    "1,000+",
]
DATES = ["2024", "2024-07", "2024-07-09", "Q3 2024", "2024-07-01/2024-07-15", "H1 2024"]
TAGS = st.lists(st.sampled_from(["kursk", "a;b", "drones", " spaced "]), max_size=3)
CLAIM = st.fixed_dictionaries(
    {
        "metric": st.sampled_from(["m.troops", "m.share", "m.drones"]),
        "value": st.sampled_from(FIGURES),
        "source": st.sampled_from(["Alpha", "Bravo", "+Charlie"]),
        "as_of": st.sampled_from(DATES),
        "reported": st.just("2025-01-10"),
        "rating": st.sampled_from([None, "B2", "C", "3"]),
        "tags": TAGS,
        "note": st.sampled_from([None, "a note", "line one\nline two", "@mention"]),
    }
)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), CLAIM),
        st.tuples(st.just("amend"), st.integers(0, 20), st.sampled_from(FIGURES)),
        st.tuples(st.just("retract"), st.integers(0, 20)),
        st.tuples(st.just("rate"), st.sampled_from(["Alpha", "Bravo"]), st.sampled_from("ABF")),
    ),
    min_size=3,
    max_size=12,
)
# Every format `export` writes and `import` reads: a format added to InputFormat is tested here.
FORMATS = [fmt.value for fmt in InputFormat]
# Columns a ledger works out itself: the standing ratings stay with the ledger (merge moves
# them), so an inherited rating is the one column a fresh ledger cannot give back.
NOT_CARRIED = {"effective_rating"}


def _build(ledger: osintlog.Ledger, steps: list) -> None:
    for step in steps:
        try:
            claims = [c for c in ledger.claims() if c["status"] == "active"]
            if step[0] == "add":
                fields = {k: v for k, v in step[1].items() if v is not None}
                if "%" in fields["value"]:
                    fields["metric"] = "m.share"
                ledger.add(fields.pop("metric"), fields.pop("value"), **fields)
            elif step[0] == "amend" and claims:
                ledger.amend(claims[step[1] % len(claims)]["id"], value=step[2])
            elif step[0] == "retract" and claims:
                ledger.retract(claims[step[1] % len(claims)]["id"], "misread")
            elif step[0] == "rate" and ledger.sources():
                ledger.rate_source(step[1], step[2])
        except OsintlogError:
            pass  # a step the ledger refuses (a unit, a rating of an unknown source): skipped


def _exported(cli, db: Path, scope: list[str]) -> list[dict]:
    rows = json.loads(cli.ok("--db", str(db), "export", "--format", "json", *scope).stdout)
    return [{k: v for k, v in row.items() if k not in NOT_CARRIED} for row in rows]


@pytest.mark.parametrize("scope", [[], ["--all"]], ids=["active", "all"])
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_every_export_imports_into_an_empty_ledger_as_the_same_claims(cli, scope, steps):
    with tempfile.TemporaryDirectory() as folder:
        original = Path(folder) / "original.json"
        _build(osintlog.Ledger(original), steps)
        if not original.exists():
            return
        expected = _exported(cli, original, scope)
        for fmt in FORMATS:
            exported = Path(folder) / f"claims.{fmt}"
            cli.ok("--db", str(original), "export", *scope, "-o", str(exported))
            fresh = Path(folder) / f"fresh-{fmt}.json"
            if expected:
                cli.ok("--db", str(fresh), "import", str(exported))
                assert _exported(cli, fresh, scope) == expected, fmt
                cli.ok("--db", str(fresh), "verify")
