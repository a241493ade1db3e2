"""The ledger file: each entry on one line, written the same whichever command wrote it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from osintlog.chain import AppendResult, SerialisedEntries, chain
from osintlog.json_store import ledger_chunks

ROWS = (
    "metric,value,source,quote,status\n"
    'm.a,about 100,S,"He said ""prev"":"""" twice, with a comma",\n'
    "m.b,up to 5,T,,retracted\n"
    'm.c,"25,000-30,000",S,"Ünïcode — ""quoted"" \\ backslash",\n'
)


def entry_lines(path: Path) -> list[str]:
    """The lines of the entries table, between its opening and closing braces."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index('  "entries": {') + 1
    return lines[start : lines.index("  }", start)]


@pytest.mark.json_file
def test_each_entry_is_one_line_its_hash_last(cli, ledger_path, tmp_path):
    source = tmp_path / "rows.csv"
    source.write_text(ROWS, encoding="utf-8")
    cli.ok("import", str(source))
    lines = entry_lines(ledger_path)
    # three claims, and the retraction of m.b right after it
    assert [line.split(":")[0] for line in lines] == ['    "1"', '    "2"', '    "3"', '    "4"']
    entries = [json.loads(line.split(": ", 1)[1].rstrip(",")) for line in lines]
    assert [(e["kind"], e.get("metric")) for e in entries] == [
        ("claim", "m.a"),
        ("claim", "m.b"),
        ("retraction", None),
        ("claim", "m.c"),
    ]
    for entry, line in zip(entries, lines, strict=True):
        keys = list(entry)
        assert keys[-1] == "hash" and keys[:-1] == sorted(keys[:-1])
        # the line without its hash is what the hash is taken over
        body = line.split(": ", 1)[1].rstrip(",").removesuffix(f',"hash":"{entry["hash"]}"}}')
        assert hashlib.sha256((body + "}").encode()).hexdigest()[:32] == entry["hash"]
    assert entries[0]["quote"] == 'He said "prev":"" twice, with a comma'
    assert cli.ok("verify").stdout == ""


@pytest.mark.json_file
def test_an_import_writes_each_entry_as_any_other_write_would(cli, ledger_path, tmp_path):
    source = tmp_path / "rows.csv"
    source.write_text(ROWS, encoding="utf-8")
    cli.ok("import", str(source))
    imported = entry_lines(ledger_path)
    # `add` rewrites the whole file from the entries as read: not one imported line changes
    cli.ok("add", "m.d", "7", "--source", "S")
    assert entry_lines(ledger_path)[:4] == [*imported[:3], imported[3] + ","]
    # merged into an empty ledger, the same entries are chained again one by one, as dicts
    merged = tmp_path / "merged.json"
    cli.ok("--db", str(merged), "merge", str(ledger_path))
    assert entry_lines(merged) == entry_lines(ledger_path)


@pytest.mark.json_file
def test_the_file_is_what_its_entries_make(cli, ledger_path):
    cli.ok("add", "m.a", "1", "--source", "S")
    written = ledger_path.read_bytes()
    assert b"".join(ledger_chunks(json.loads(written))) == written


entry_text = st.text(st.characters(codec="utf-8"), max_size=40)
entries = st.lists(
    st.fixed_dictionaries(
        {
            "id": entry_text,
            "kind": st.sampled_from(["claim", "retraction"]),
            "quote": entry_text,
            "prev_like": st.just('"prev":""'),
            "low": st.none()
            | st.integers(-(2**63), 2**63 - 1)
            | st.floats(allow_nan=False, allow_infinity=False),
            "tags": st.lists(entry_text, max_size=3),
        }
    ),
    max_size=6,
)


@given(entries, st.sampled_from(["", "0123456789abcdef0123456789abcdef"]))
def test_entries_serialised_in_bulk_chain_as_dicts_do(given_entries, first):
    bulk = SerialisedEntries(dict(entry) for entry in given_entries)
    result = AppendResult([], [])
    lines = [line for line, _ in bulk.chained_lines(set(), None, first, result)]
    # the same entries chained one by one as dicts, a repeated id skipped
    expected, known, previous = [], set(), first
    for entry in map(dict, given_entries):
        if entry["id"] not in known:
            known.add(entry["id"])
            previous = chain(entry, previous)
            expected.append(orjson.dumps(entry))  # the line the dict path writes
    assert lines == expected
    assert result.written == len(expected) and result.added == []  # counted, not kept


@pytest.mark.json_file
def test_a_script_reads_the_ledger_with_tinydb_as_the_readme_shows(cli, ledger_path, tmp_path):
    from tinydb import TinyDB

    from osintlog.json_store import JsonFileStore

    source = tmp_path / "rows.csv"
    source.write_text(ROWS, encoding="utf-8")
    cli.ok("import", str(source))
    entries = TinyDB(ledger_path, storage=JsonFileStore).table("entries").all()
    # three claims and one retraction, in the order appended
    assert [e["kind"] for e in entries] == ["claim", "claim", "retraction", "claim"]
    assert [e["metric"] for e in entries if e["kind"] == "claim"] == ["m.a", "m.b", "m.c"]


def test_a_new_ledger_follows_the_umask_and_an_old_one_keeps_its_mode(cli, ledger_path):
    import os
    import stat

    old = os.umask(0o077)
    try:
        cli.ok("add", "m.x", "1", "-s", "S")
    finally:
        os.umask(old)
    assert stat.S_IMODE(ledger_path.stat().st_mode) == 0o600  # rw-rw-rw- less 077
    ledger_path.chmod(0o640)
    cli.ok("add", "m.x", "2", "-s", "S", "--as-of", "2025-01-01")
    assert stat.S_IMODE(ledger_path.stat().st_mode) == 0o640


def test_a_symlinked_ledger_is_written_through_to_its_target(cli, tmp_path, monkeypatch):
    target = tmp_path / "shared" / "real.json"
    target.parent.mkdir()
    link = tmp_path / "ledger-link.json"
    link.symlink_to(target)  # dangling until the first write
    monkeypatch.setenv("OSINTLOG_DB", str(link))
    cli.ok("add", "m.x", "5", "--source", "S")
    cli.ok("add", "m.x", "6", "--source", "S", "--as-of", "2025-01-02")
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert len(json.loads(target.read_text(encoding="utf-8"))["entries"]) == 2
    # One lock, beside the file written, whichever name reaches it.
    assert (target.parent / "real.json.lock").exists()
    assert not (tmp_path / "ledger-link.json.lock").exists()
    cli.ok("--db", str(target), "verify")


@pytest.mark.json_file
def test_a_rewrite_keeps_the_ledgers_owner_group_and_mode(cli, ledger_path):
    import os

    import pytest

    cli.ok("add", "m.x", "5", "--source", "S")
    ledger_path.chmod(0o640)
    if os.geteuid() == 0:  # as `sudo osintlog add` runs: the owner's file stays theirs
        os.chown(ledger_path, 1234, 2345)
    before = ledger_path.stat()
    cli.ok("add", "m.x", "6", "--source", "S", "--as-of", "2025-01-02")
    after = ledger_path.stat()
    assert after.st_ino != before.st_ino  # replaced, not written in place
    assert (after.st_mode & 0o777, after.st_uid, after.st_gid) == (
        0o640,
        before.st_uid,
        before.st_gid,
    )
    if os.geteuid() != 0:
        pytest.skip("the owner of another user's file is kept only when run as root")


def test_inputs_must_be_regular_files_under_a_limit_the_user_can_raise(
    cli, ledger_path, tmp_path, monkeypatch
):
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # nobody writes to it: reading it would hang
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    for command in ("import", "extract", "merge"):
        for path in ("/dev/zero", str(fifo), str(folder)):
            result = cli.fails(command, path)
            assert "is not a regular file" in result.stderr, (command, path)
    assert "is no ledger: it is not a regular file" in cli.fails("--db", "/dev/zero", "list").stderr
    big = tmp_path / "big.csv"
    big.write_text("metric,value,source\n" + "m.x,5,S\n" * 200, encoding="utf-8")
    monkeypatch.setenv("OSINTLOG_MAX_INPUT", "1K")
    says = cli.fails("import", str(big)).stderr
    assert "is larger than 1,024 bytes" in says and "OSINTLOG_MAX_INPUT" in says
    assert (
        "<stdin> is larger than 1,024 bytes"
        in cli.fails("import", "-", input=big.read_bytes()).stderr
    )
    monkeypatch.setenv("OSINTLOG_MAX_INPUT", "1M")
    cli.ok("import", str(big))
    monkeypatch.setenv("OSINTLOG_MAX_INPUT", "lots")
    assert "give a size such as 2G" in cli.fails("import", str(big)).stderr


def test_a_read_only_ledger_is_not_written(cli, ledger_path, tmp_path):
    cli.ok("add", "m.x", "5", "--source", "S")
    ledger_path.chmod(0o444)
    before = ledger_path.read_bytes()
    result = cli.fails("add", "m.x", "6", "--source", "S", "--as-of", "2025-01-02")
    assert "is read-only (mode -r--r--r--): it was not written" in result.stderr
    assert ledger_path.read_bytes() == before and ledger_path.stat().st_mode & 0o777 == 0o444
    out = tmp_path / "kept.csv"
    out.write_text("mine\n", encoding="utf-8")
    out.chmod(0o444)
    assert "is read-only" in cli.fails("export", "-o", str(out)).stderr
    assert out.read_text(encoding="utf-8") == "mine\n"
    cli.ok("list")  # reading it is fine
