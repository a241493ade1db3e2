"""One rule for text: no control, bidi or invisible characters on input, from any door — an
option, an environment variable, an import, a teammate's ledger — and report text neutralised
by extract. (Output escapes them anyway: tests/test_views.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osintlog.chain import chain, entry_id
from osintlog.claims import content_id
from osintlog.plain_text import neutralised, text_problem

ESC_CLEAR = "\x1b[2J"
OSC_52 = "\x1b]52;c;ZWNobyBoaQ==\x07"


def test_text_problem_names_the_character_and_where_it_is():
    assert text_problem("Oryx") == ""
    assert text_problem("Kyiv\u00a0Independent") == ""  # a no-break space is a space
    assert text_problem("ab\u202ecd") == "U+202E (RIGHT-TO-LEFT OVERRIDE) at character 3"
    assert text_problem("a\nb") == "U+000A (a line break) at character 2"
    assert text_problem("a\nb", prose=True) == ""
    assert text_problem("a\rb", prose=True) == "U+000D (a carriage return) at character 2"
    assert text_problem("x\x9b") == "U+009B (a control character) at character 2"
    assert text_problem("a\u00adb") == "U+00AD (SOFT HYPHEN) at character 2"
    # Persian needs the zero-width non-joiner: in prose it is text, in a name it is not.
    assert text_problem("می\u200cخواهم", prose=True) == ""
    assert text_problem("می\u200cخواهم") == "U+200C (ZERO WIDTH NON-JOINER) at character 3"


@given(st.text())
def test_neutralised_text_always_keeps_the_rule(text):
    assert text_problem(neutralised(text), prose=True) == ""


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"])))
def test_neutralised_leaves_plain_text_alone(text):
    assert neutralised(text) == text


def test_neutralised_drops_a_whole_escape_sequence_and_keeps_words_apart():
    assert neutralised(f"troops{ESC_CLEAR}died") == "troops died"
    assert neutralised("a \x1b[52m soldiers") == "a   soldiers"  # no "52" left to read
    assert neutralised(f"x{OSC_52}y") == "x y"
    assert neutralised("x\u202ey\u200bz\r\n") == "xyz\n"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("add", "m.x", "5", "--source", f"S{ESC_CLEAR}"), "source holds U+001B"),
        (("add", "m.x", "5", "--source", "Kyiv\nPost"), "line breaks and tabs belong in a quote"),
        (("add", "m.x", "5", "--source", "S", "--via", "T\u200bASS"), "via holds U+200B"),
        (("add", "m.x", "5", "--source", "S", "--unit", "tro\u202eops"), "unit holds U+202E"),
        (("add", "m.x", "5", "--source", "S", "--tag", f"a{OSC_52}"), "a tag holds U+001B"),
        (("add", "m.x", "5", "--source", "S", "--note", f"n{OSC_52}"), "note holds U+001B"),
        (("add", "m.x", "5", "--source", "S", "--url", "https://x\u2028y"), "url holds U+2028"),
    ],
)
def test_add_refuses_text_a_terminal_would_act_on(cli, ledger_path, args, says):
    result = cli.fails(*args)
    assert says in result.stderr
    assert not ledger_path.exists()


def test_a_quote_and_a_note_may_hold_line_breaks_and_persian(cli):
    quote = "The ministry said:\r\nabout 400 drones\tin one night."
    note = "از گزارش می\u200cخواهم"
    cli.ok("add", "m.x", "about 400", "--source", "S", "--quote", quote, "--note", note)
    [claim] = cli.json("list")
    assert claim["quote"] == "The ministry said:\nabout 400 drones\tin one night."
    assert claim["note"] == note
    cli.ok("verify")


def test_retract_amend_and_declarations_refuse_it_too(cli, ledger_path):
    cli.ok("add", "m.x", "5", "--source", "S")
    before = ledger_path.read_bytes()
    claim = cli.json("list")[0]["id"]
    assert "reason holds U+001B" in cli.fails("retract", claim, "--reason", ESC_CLEAR).stderr
    assert "source holds U+202E" in cli.fails("amend", claim, "--source", "S\u202e").stderr
    describe = cli.fails("metrics", "describe", "m.x", "--note", f"ok{OSC_52}").stderr
    assert "note holds U+001B" in describe
    assert "unit holds U+000A" in cli.fails("metrics", "describe", "m.x", "--unit", "a\nb").stderr
    assert ledger_path.read_bytes() == before


def test_an_analyst_name_with_an_escape_is_refused_not_stored(cli, ledger_path, monkeypatch):
    monkeypatch.setenv("OSINTLOG_ANALYST", f"eve{OSC_52}")
    result = cli.fails("add", "m.x", "5", "--source", "S")
    assert "OSINTLOG_ANALYST holds U+001B (a control character) at character 4" in result.stderr
    assert not ledger_path.exists()


@pytest.mark.parametrize(
    "cell",
    ["S\u202eevil", "S\x85T", "S\u200b", "S\u2028T", "S\x7f", "S\ufeffT", "S\nT"],
    ids=["rlo", "nel", "zwsp", "line-sep", "del", "bom-inside", "newline"],
)
def test_import_refuses_a_cell_that_breaks_the_rule(cli, ledger_path, tmp_path, cell):
    path = tmp_path / "in.csv"
    path.write_text(f'metric,value,source\nm.x,5,Good\nm.x,6,"{cell}"\n', encoding="utf-8")
    result = cli.fails("import", str(path))
    assert "in.csv:3: source holds U+" in result.stderr
    assert not ledger_path.exists()


def _rehashed(path: Path, position: int, **changes) -> None:
    """A teammate's ledger whose entry at `position` was changed and carefully rehashed: its id
    and the chain hold, so only the schema can give it away."""
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = data["entries"]
    previous = ""
    for number in sorted(entries, key=int):
        entry = entries[number]
        if int(number) == position:
            entry.update(changes)
            entry["id"] = content_id(entry) if entry["kind"] == "claim" else entry_id(entry)
        entry.pop("prev"), entry.pop("hash")
        previous = chain(entry, previous)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("position", "changes", "says"),
    [
        (2, {"reason": f"wrong{ESC_CLEAR}"}, "its reason holds U+001B"),
        (2, {"reason": "x" * 2001}, "its reason is too long"),
        (2, {"target": ["a"]}, "retracts ['a'], which is no earlier claim"),
        (4, {"source": "S\u202e"}, "its source holds U+202E"),
        (4, {"source": None}, "its source is not text"),
        (5, {"unit": {"a": 1}}, "its unit is not text"),
        (5, {"metric_kind": "per-period", "period": None}, "declares the period None"),
        (5, {"period": "fortnight"}, "declares the period 'fortnight'"),
        (5, {"metric": "M X"}, "declares no metric"),
        (5, {"note": "n" * 20_001}, "its note is too long"),
        (7, {"canonical": 7}, "its canonical is not text"),
        (7, {"name": "Oryx\u2066"}, "its name holds U+2066"),
        (7, {"analyst": f"eve{OSC_52}"}, "its analyst holds U+001B"),
        (7, {"logged_at": "yesterday"}, "logged_at 'yesterday' is not a UTC timestamp"),
        (7, {"extra": 1}, "holds fields osintlog does not know: extra"),
    ],
)
def test_a_rehashed_declaration_that_breaks_the_schema_fails_verify_and_merge(
    cli, ledger_path, tmp_path, position, changes, says
):
    theirs = tmp_path / "theirs.json"
    db = ("--db", str(theirs))
    cli.ok(*db, "add", "m.x", "5", "--source", "S", "--as-of", "2025-01-01")
    cli.ok(*db, "retract", cli.json(*db, "list")[0]["id"], "--reason", "wrong")
    cli.ok(*db, "add", "m.x", "6", "--source", "S", "--as-of", "2025-01-02")
    cli.ok(*db, "sources", "rate", "S", "B")
    cli.ok(*db, "metrics", "describe", "m.x", "--kind", "total", "--unit", "troops")
    cli.ok(*db, "add", "m.x", "7", "--source", "T", "--as-of", "2025-01-02")
    cli.ok(*db, "sources", "alias", "T", "S")
    # Entries: 1 claim, 2 retraction, 3 claim, 4 rating, 5 declaration, 6 claim, 7 alias.
    _rehashed(theirs, position, **changes)
    assert f"entry {position} " in cli.fails(*db, "verify", code=1).stderr
    assert says in cli.fails(*db, "verify", code=1).stderr
    cli.ok("add", "m.y", "1", "--source", "U")
    before = ledger_path.read_bytes()
    assert "it fails verify" in cli.fails("merge", str(theirs)).stderr
    assert ledger_path.read_bytes() == before


def test_a_name_with_an_escape_is_refused_and_shown_escaped(cli, ledger_path):
    cli.ok("add", "m.x", "5", "--source", "S")
    before = ledger_path.read_bytes()
    result = cli.fails("sources", "rate", f"S{OSC_52}", "B")
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "S\\x1b]52;c;ZWNobyBoaQ==\\x07" in result.stderr
    assert ledger_path.read_bytes() == before


def test_the_git_merge_driver_refuses_a_hostile_ledger_and_leaves_ours(cli, ledger_path, tmp_path):
    theirs = tmp_path / "theirs.json"
    cli.ok("--db", str(theirs), "add", "m.x", "5", "--source", "S", "--as-of", "2025-01-01")
    _rehashed(theirs, 1, source=None)
    cli.ok("add", "m.y", "1", "--source", "T")
    before = ledger_path.read_bytes()
    result = cli.fails(
        "git-merge-driver", str(tmp_path / "base.json"), str(ledger_path), str(theirs)
    )
    assert "it fails verify: entry 1 (claim " in result.stderr and "has no source" in result.stderr
    assert ledger_path.read_bytes() == before
