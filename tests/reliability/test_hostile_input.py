"""Hostile files for import and merge, and fuzzed arguments: exit 0, 1 or 2, never a traceback,
never a stored claim that fails verify."""

from __future__ import annotations

import contextlib
import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.reliability


def hostile(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


HOSTILE_IMPORTS = [
    ("latin1.csv", "metric,value,source\nm.x,5,Société\n".encode("latin-1"), "not UTF-8"),
    ("utf16.csv", "metric,value,source\nm.x,5,S\n".encode("utf-16"), "not UTF-8"),
    ("columns.csv", b"who,what,when\na,b,c\n", "no metric, value, source column"),
    ("dupe.csv", b"metric,value,value,source\nm.x,1,2,S\n", "appears more than once"),
    ("big.csv", b"metric,value,source,quote\nm.x,5,S," + b"q" * 1_000_000 + b"\n", "limit is"),
    ("bomb.json", b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ("deep.json", b'[{"metric": ' + b"[" * 3000 + b"]" * 3000 + b"}]", "not valid JSON"),
    ("nul.csv", b"metric,value,source\nm.x,5,S\x00\n", ""),
    ("escape.csv", b"metric,value,source\nm.x,5,S\x1b[31m\n", "source holds U+001B"),
    ("bell.csv", "metric,value,source,note\nm.x,5,Société,ding\x07\n".encode(), "U+0007"),
    ("cells.csv", b"metric,value,source\nm.x,5,S,extra,cells\n", "cells but the header has"),
    ("types.json", b'[{"metric": {"a": 1}, "value": 5, "source": "S"}]', "must be text"),
    ("tags.json", b'[{"metric": "m.x", "value": 5, "source": "S", "tags": 7}]', "tags must"),
]


@pytest.mark.parametrize(
    ("name", "content", "says"), HOSTILE_IMPORTS, ids=[h[0] for h in HOSTILE_IMPORTS]
)
def test_hostile_imports_are_refused_cleanly(cli, seeded, tmp_path, name, content, says):
    before = seeded.read_bytes()
    result = cli.fails("import", str(hostile(tmp_path, name, content)))
    assert says in result.stderr
    assert seeded.read_bytes() == before


def test_duplicate_ids_with_different_content_are_refused_as_altered(cli, seeded, tmp_path):
    rows = json.loads(cli.ok("export", "--format", "json").stdout)
    twin = dict(rows[0], value="999")
    path = hostile(tmp_path, "twins.json", json.dumps([rows[0], twin]).encode())
    result = cli.fails("--db", str(tmp_path / "o.json"), "import", str(path))
    assert "record 2: id" in result.stderr and "does not match" in result.stderr


def test_formula_cells_are_stored_as_text_and_neutralised_again(cli, tmp_path):
    path = hostile(
        tmp_path,
        "formulas.csv",
        b'metric,value,source,note\nm.x,5,"=cmd|\' /C calc\'!A0","@SUM(1+1)"\n',
    )
    cli.ok("import", str(path))
    [claim] = cli.json("list")
    assert claim["source"] == "=cmd|' /C calc'!A0" and claim["note"] == "@SUM(1+1)"
    exported = cli.ok("export").stdout
    assert ",'=cmd|" in exported and ",'@SUM(1+1)" in exported


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xff\xfe{}", "not an osintlog ledger"),
        (b"[" * 100_000, "not an osintlog ledger"),
        (b'{"_osintlog": {"1": {"schema": 1}}, "entries": {"1": "text"}}', "not records"),
        (b'{"_osintlog": {"1": {"schema": 1}}, "entries": {"1": {"id": "x"}}}', "fails verify"),
    ],
)
def test_hostile_ledgers_are_refused_by_merge(cli, seeded, tmp_path, content, says):
    before = seeded.read_bytes()
    result = cli.fails("merge", str(hostile(tmp_path, "other.json", content)))
    assert says in result.stderr
    assert seeded.read_bytes() == before


nasty_text = st.one_of(
    st.text(),
    st.text(alphabet=string.digits + " ,.-–%+~٣٤۵߀１２\u200f\u202e\x00\x1b\n\t", max_size=30),
    st.sampled_from(["1e309", "9" * 400, "", " ", "30,000-25,000", "-5", "NaN", "∞", "0x10"]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(metric=nasty_text, figure=nasty_text, source=nasty_text, when=nasty_text)
def test_fuzzed_arguments_exit_cleanly_and_store_nothing_bad(
    cli, ledger_path, metric, figure, source, when
):
    for args in (
        ["add", metric, figure, "--source", source, "--as-of", when],
        ["add", "f.x", figure, "--source", "S", "--reported", when],
        ["list", "--metric", metric, "--since", when],
        ["show", figure],
        ["compare", metric, "--at", when],
    ):
        result = cli.runner.invoke(cli_app(), args)
        assert result.exit_code in (0, 1, 2), (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert "Traceback" not in result.output
    if ledger_path.exists():
        assert cli.ok("verify").stdout == ""


def cli_app():
    from osintlog.cli import app

    return app


@settings(max_examples=300, deadline=None)
@given(nasty_text)
def test_the_parsers_only_ever_answer_or_refuse(text):
    from datetime import date

    from osintlog.dates import is_stored_date, parse_date
    from osintlog.errors import BadDate, BadFigure
    from osintlog.figures import parse_figure

    try:
        figure = parse_figure(text)
    except BadFigure:
        pass
    else:
        known = [n for n in (figure.low, figure.best, figure.high) if n is not None]
        assert known == sorted(known) and all(0 <= n <= 10**15 for n in known)
    for reported in (None, "2025-08-22"):
        with contextlib.suppress(BadDate):
            assert is_stored_date(parse_date(text, today=date(2026, 1, 1), reported=reported))
