"""A teammate's ledger with one entry changed to anything at all, and correctly rehashed (its id
and the chain hold, so only the schema can tell): merge takes it or refuses it, and every read
command then answers on our ledger. On the hostile file itself, a read may refuse, in one line,
but never shows a traceback."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osintlog.chain import chain, entry_id
from osintlog.claims import content_id

HOSTILE_TEXT = [
    "",
    " ",
    "\x1b]52;c;ZWNobyBoaQ==\x07",
    "S\u202e",
    "a\nb",
    "9" * 5000,
    "x" * 30_000,
    "2025-13-45",
    "2025-03",
    "2025-01-01/2024-01-01",
    "about 400",
    "-5",
    "A",
    "F6",
    "per-period",
    "night",
    "cumulative",
    "m.x",
    "$\\foo$",
    "_hidden",
]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=12),
    st.lists(st.one_of(st.integers(-5, 5), st.text(max_size=4)), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(-5, 5), max_size=2),
)
READS = [
    ("list",),
    ("list", "--all", "--format", "json"),
    ("info",),
    ("metrics",),
    ("sources",),
    ("diff",),
    ("diff", "m.x"),
    ("compare", "m.x"),
    ("chart", "m.x"),
    ("export", "--all"),
    ("history", "{claim}"),
    ("show", "{claim}"),
    ("verify",),
]


def _build(cli, folder: Path) -> tuple[Path, Path, str]:
    """Their ledger (every kind of entry) and ours (one claim), and an id ours will hold."""
    theirs, ours = folder / "theirs.json", folder / "ours.json"
    db = ("--db", str(theirs))
    cli.ok(*db, "add", "m.x", "about 500", "--source", "S", "--as-of", "2025-01-01")
    cli.ok(*db, "retract", cli.json(*db, "list")[0]["id"], "--reason", "misread")
    cli.ok(*db, "add", "m.x", "600-700", "--source", "S", "--as-of", "2025-02-01", "--tag", "t")
    cli.ok(*db, "add", "m.x", "650", "--source", "T", "--as-of", "2025-02-02", "--rating", "B2")
    cli.ok(*db, "sources", "rate", "S", "B")
    cli.ok(*db, "metrics", "describe", "m.x", "--kind", "cumulative", "--note", "n")
    cli.ok(*db, "sources", "alias", "T", "S")
    cli.ok("--db", str(ours), "add", "m.x", "550", "--source", "U", "--as-of", "2025-01-15")
    return theirs, ours, cli.json("--db", str(ours), "list")[0]["id"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    from conftest import Cli

    folder = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OSINTLOG_ANALYST", "tester")
        patch.setenv("NO_COLOR", "1")
        return _build(Cli(), folder)


def _rehashed(path: Path, position: int, field: str, value) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    previous = ""
    for number in sorted(data["entries"], key=int):
        entry = data["entries"][number]
        entry.pop("prev"), entry.pop("hash")
        if int(number) == position:
            entry[field] = value
            if entry.get("kind") == "claim":
                entry["id"] = content_id(entry)
            else:
                entry["id"] = entry_id(entry)
        previous = chain(entry, previous)
    path.write_text(json.dumps(data), encoding="utf-8")


def _no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


FIELDS = st.sampled_from(
    [
        "source", "value", "unit", "as_of", "reported", "tags", "low", "high", "best",
        "qualifier", "reliability", "credibility", "quote", "note", "analyst", "logged_at",
        "supersedes", "future", "metric", "target", "reason", "metric_kind", "period",
        "name", "canonical", "kind", "extra",
    ]
)  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(position=st.integers(1, 8), field=FIELDS, value=VALUES)
def test_no_hostile_entry_makes_a_command_crash(cli, base, position, field, value):
    theirs_base, ours_base, claim = base
    with tempfile.TemporaryDirectory() as folder:
        theirs, ours = Path(folder) / "theirs.json", Path(folder) / "ours.json"
        shutil.copy(theirs_base, theirs)
        shutil.copy(ours_base, ours)
        _rehashed(theirs, position, field, value)
        before = ours.read_bytes()
        merged = cli("--db", str(ours), "merge", str(theirs))
        _no_traceback(merged)
        if merged.exit_code != 0:
            assert merged.exit_code == 2 and ours.read_bytes() == before
        for read in READS:
            args = [part.format(claim=claim) for part in read]
            result = cli("--db", str(ours), *args)
            _no_traceback(result)
            assert result.exit_code == 0, (args, result.output)
            _no_traceback(cli("--db", str(theirs), *args))
