"""import and export: formats, validation all-or-nothing, round trips, CSV injection."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA

from osintlog.cli import app
from osintlog.formats import MACHINE_FORMATS, OutputFormat

REPORT = Path(__file__).resolve().parents[2] / "shared" / "reports"


def test_sample_data_imports_and_every_quote_is_a_sentence_of_the_report(cli, ledger_path):
    result = cli.ok("import", str(DATA))
    assert "imported 11 claims" in result.stderr
    report = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in REPORT.glob("*.txt"))
    for claim in cli.json("list"):
        assert claim["value"] in claim["quote"]
        if report:
            assert claim["quote"] in report
        assert claim["reliability"] and claim["credibility"] and claim["via"]


def test_importing_the_same_file_twice_adds_nothing(cli, seeded):
    before = seeded.read_bytes()
    result = cli.ok("import", str(DATA))
    assert "imported 0 claims (11 already in the ledger)" in result.stderr
    assert seeded.read_bytes() == before


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_round_trip_through_every_format(cli, seeded, tmp_path, fmt):
    cli.ok("add", "m.x", "100+", "-s", "@attacker", "--note", "-look\nhere", "--quote", "=1+2")
    first = cli.ok("export", "--format", fmt).stdout
    copy = tmp_path / f"claims.{fmt}"
    copy.write_text(first, encoding="utf-8")
    other = tmp_path / "other.json"
    assert "imported 12 claims" in cli.ok("--db", str(other), "import", str(copy)).stderr
    assert cli.ok("--db", str(other), "export", "--format", fmt).stdout == first


def test_csv_export_neutralises_formula_cells_and_import_restores_them(cli, tmp_path):
    cli.ok("add", "m.x", "12000", "-s", "=HYPERLINK(1)", "--note", "'=already", "--via", "+x")
    text = cli.ok("export").stdout
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["source"] == "'=HYPERLINK(1)"
    assert row["note"] == "''=already"
    assert row["via"] == "'+x"
    assert row["low"] == "12000" and row["best"] == "12000"
    copy = tmp_path / "c.csv"
    copy.write_text(text, encoding="utf-8")
    cli.ok("--db", str(tmp_path / "o.json"), "import", str(copy))
    [claim] = cli.json("--db", str(tmp_path / "o.json"), "list")
    assert (claim["source"], claim["note"], claim["via"]) == ("=HYPERLINK(1)", "'=already", "+x")


def test_machine_formats_carry_raw_numbers_and_iso_dates(cli):
    cli.ok("add", "m.x", "up to 6 million", "-s", "Reuters", "--as-of", "April 2025")
    [line] = cli.ok("list", "--format", "jsonl").stdout.splitlines()
    record = json.loads(line)
    assert (record["high"], record["as_of"]) == (6000000, "2025-04")
    row = next(csv.DictReader(io.StringIO(cli.ok("list", "--format", "csv").stdout)))
    assert (row["high"], row["low"], row["qualifier"]) == ("6000000", "", "at-most")
    assert "\x1b" not in cli.ok("list", "--format", "csv").stdout


# Every command that prints rows, with arguments that give it some ({id}: a claim of the sample
# data). A format added to OutputFormat is tried here on each of them.
SHORT_REPORT = "date 2025-08-22\nThe ministry said about 400 drones were launched overnight.\n"
VIEWS = {
    "list": ["list"],
    "show": ["show", "{id}"],
    "history": ["history", "{id}"],
    "diff": ["diff", "dprk.troops.deployed"],
    "compare": ["compare", "dprk.troops.deployed"],
    "metrics": ["metrics"],
    "sources": ["sources"],
    "extract": ["extract", "-"],
}


def commands_printing_every_output_format() -> set[str]:
    import typer.main

    offered = {fmt.value for fmt in OutputFormat}
    group = typer.main.get_command(app)
    return {
        name
        for name in group.list_commands(None)
        for param in group.get_command(None, name).params
        if param.name == "fmt" and offered <= set(getattr(param.type, "choices", ()))
    }


def test_every_view_is_tried_in_every_machine_format():
    assert set(VIEWS) == commands_printing_every_output_format()


@pytest.mark.parametrize("fmt", MACHINE_FORMATS)
@pytest.mark.parametrize("view", VIEWS)
def test_every_view_writes_its_rows_in_every_machine_format(cli, seeded, view, fmt):
    claim_id = cli.json("list", "--metric", "dprk.troops.deployed")[0]["id"]
    args = [arg.format(id=claim_id) for arg in VIEWS[view]]
    stdin = SHORT_REPORT if view == "extract" else None
    records = json.loads(cli.ok(*args, "--format", "json", input=stdin).stdout)
    result = cli.ok(*args, "--format", fmt, input=stdin)
    assert records and "\x1b" not in result.stdout
    for record in records:  # each row's first plain text, as any format must carry it
        text = next(v for v in record.values() if isinstance(v, str) and v and '"' not in v)
        assert text in result.stdout


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


GOOD = "metric,value,source\nm.a,100,S\n"


def test_one_bad_row_refuses_the_whole_file(cli, seeded, tmp_path):
    before = seeded.read_bytes()
    bad = write(tmp_path / "claims.csv", GOOD + 'm.b,"3.5 zillion",S\nm.c,7,S\n')
    result = cli.fails("import", str(bad))
    assert f'{bad}:3: "3.5 zillion" is not a figure' in result.stderr
    assert "--skip-invalid" in result.stderr and "2 good rows" in result.stderr
    assert result.stderr.count("\n") == 1
    assert seeded.read_bytes() == before


def test_skip_invalid_takes_the_good_rows_and_lists_the_bad(cli, tmp_path):
    bad = write(tmp_path / "claims.csv", GOOD + "m.b,lots,S\nm.c,7,\nm.d,8,S\n")
    result = cli.ok("import", str(bad), "--skip-invalid")
    assert f"{bad}:3: " in result.stderr and f"{bad}:4: source is required" in result.stderr
    assert "imported 2 claims" in result.stderr
    assert [c["metric"] for c in cli.json("list")] == ["m.a", "m.d"]


def test_line_numbers_count_multiline_cells(cli, tmp_path):
    bad = write(tmp_path / "c.csv", 'metric,value,source,quote\nm.a,1,S,"two\nlines"\nm.b,x,S,q\n')
    assert f"{bad}:4: " in cli.fails("import", str(bad)).stderr


def test_dry_run_writes_nothing(cli, ledger_path, tmp_path):
    result = cli.ok("import", str(write(tmp_path / "c.csv", GOOD)), "--dry-run")
    assert "would import 1 claim " in result.stderr
    assert not ledger_path.exists()


def test_import_from_stdin_detects_the_format(cli):
    cli.ok("import", "-", input='[{"metric": "m.a", "value": "about 5", "source": "S"}]')
    cli.ok("import", "-", input='{"metric": "m.b", "value": 7, "source": "S"}\n')
    cli.ok("import", "-", input=GOOD)
    assert sorted(c["metric"] for c in cli.json("list")) == ["m.a", "m.a", "m.b"]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("c.csv", b"metric,value,source\nm.a,1,S\nm.b,2,\xff\xfe\n", "c.csv:3: not UTF-8"),
        ("c.csv", b"metric,figure,who\nm.a,1,S\n", "no value, source column"),
        ("c.csv", b"", "empty file"),
        ("c.json", b'{"metric": "m.a"}', "expected a JSON array"),
        ("c.json", b"[1, 2", "not valid JSON"),
        ("c.json", b"[" * 5000 + b"]" * 5000, "not valid JSON"),
        ("c.jsonl", b'{"metric": "m.a", "value": 1, "source": "S"}\n{oops\n', "c.jsonl:2"),
        ("c.json", b'["just text"]', "record 1: expected an object"),
    ],
)
def test_unreadable_files_are_refused(cli, seeded, tmp_path, name, content, says):
    before = seeded.read_bytes()
    path = tmp_path / name
    path.write_bytes(content)
    result = cli.fails("import", str(path))
    assert says in result.stderr
    assert seeded.read_bytes() == before


def test_a_missing_file_is_one_line(cli, tmp_path):
    result = cli.fails("import", str(tmp_path / "nope.csv"))
    assert (
        result.stderr.strip()
        == f"error: cannot read {tmp_path / 'nope.csv'}: No such file or directory"
    )


def test_an_id_that_does_not_match_its_content_is_refused_as_altered(cli, seeded, tmp_path):
    rows = json.loads(cli.ok("export", "--format", "json").stdout)
    rows[0]["value"] = "999"
    path = tmp_path / "c.json"
    path.write_text(json.dumps(rows))
    other = tmp_path / "o.json"
    result = cli.fails("--db", str(other), "import", str(path))
    assert "record 1: id" in result.stderr and "does not match" in result.stderr
    assert not other.exists()


def test_unknown_columns_are_ignored_with_a_warning(cli, tmp_path):
    result = cli.ok(
        "import", str(write(tmp_path / "c.csv", "metric,value,source,colour\nm.a,1,S,red\n"))
    )
    assert "ignored unknown columns: colour" in result.stderr
    assert len(cli.json("list")) == 1


def test_a_header_names_its_columns_in_any_case_and_a_near_miss_is_refused(cli, tmp_path):
    # A spreadsheet's "As of" is as_of: ignored, the row's as-of would have become its report's
    # day. "notes" is no column, but a slip for note: ignored, the notes would be lost unseen.
    spreadsheet = "Metric,Value,Source,As of,Reported\nm.a,1,S,2025-03-31,2025-04-02\n"
    result = cli.ok("import", str(write(tmp_path / "c.csv", spreadsheet)))
    assert "ignored" not in result.stderr
    [claim] = cli.json("list")
    assert (claim["as_of"], claim["reported"]) == ("2025-03-31", "2025-04-02")
    other = tmp_path / "other.json"
    slip = write(tmp_path / "d.csv", "metric,value,source,notes\nm.a,1,S,seen twice\n")
    result = cli.fails("--db", str(other), "import", str(slip))
    assert 'no column "notes": did you mean "note"?' in result.stderr
    assert not other.exists()


def test_a_json_files_unknown_keys_are_named_and_a_near_miss_refused(cli, tmp_path):
    # A key the import does not read was dropped without a word: "asof" lost every as-of.
    slip = tmp_path / "slip.json"
    slip.write_text('[{"metric": "m.a", "value": "1", "source": "S", "asof": "2025-03-31"}]')
    result = cli.fails("import", str(slip))
    assert 'no column "asof": did you mean "as_of"?' in result.stderr
    lines = tmp_path / "extra.jsonl"
    lines.write_text('{"metric": "m.a", "value": "1", "source": "S"}\n{"metric": "m.a", '
                     '"value": "2", "source": "S", "colour": "red"}\n')  # fmt: skip
    result = cli.ok("import", str(lines))
    assert "ignored unknown columns: colour" in result.stderr
    assert [claim["value"] for claim in cli.json("list")] == ["1", "2"]


def test_export_to_a_file_takes_the_format_from_its_name(cli, seeded, tmp_path):
    target = tmp_path / "out.jsonl"
    result = cli.ok("export", "--metric", "dprk.troops.*", "-o", str(target))
    assert result.stdout == ""
    lines = target.read_text().splitlines()
    assert len(lines) == 7 and all(
        json.loads(line)["metric"].startswith("dprk.troops.") for line in lines
    )


def executable() -> str:
    found = shutil.which("osintlog", path=str(Path(sys.executable).parent))
    assert found, "osintlog is installed as a console script"
    return found


def test_the_installed_executable_imports_and_exports(tmp_path):
    env = {
        "OSINTLOG_DB": str(tmp_path / "l.json"),
        "PATH": "/usr/bin:/bin",
        "OSINTLOG_ANALYST": "a",
    }
    run = lambda *args, **kw: subprocess.run(  # noqa: E731
        [executable(), *args], capture_output=True, text=True, env=env, timeout=60, **kw
    )
    assert run("import", str(DATA)).returncode == 0
    exported = run("export", "--format", "csv", "--metric", "dprk.shells.*")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["value"], r["high"]) for r in rows] == [
        ("100%", "100"),
        ("up to 6 million", "6000000"),
    ]
    bad = run("add", "m.x", "lots", "--source", "S")
    assert bad.returncode == 2 and bad.stderr.startswith('error: "lots" is not a figure')
    assert "Traceback" not in bad.stderr
    piped = run("import", "-", input="metric,value,source\nm.y,5,S\n")
    assert piped.returncode == 0 and "imported 1 claim " in piped.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_one_line_and_exit_code_2(tmp_path):
    env = {"OSINTLOG_DB": str(tmp_path / "l.json"), "PATH": "/usr/bin:/bin"}
    assert subprocess.run([executable(), "import", str(DATA)], env=env).returncode == 0
    with open("/dev/full", "w") as full:
        listed = subprocess.run(
            [executable(), "list", "--format", "csv"], stdout=full, stderr=subprocess.PIPE, env=env
        )
    assert listed.returncode == 2
    assert listed.stderr.decode() == "error: cannot write the output: No space left on device\n"
    head = subprocess.run(
        f"{executable()} list --format csv | head -1", shell=True, capture_output=True, env=env
    )
    assert head.stdout.decode().startswith("id,metric,value,") and head.stderr == b""
    # --version, answered before the command line is loaded, ends the same way
    with open("/dev/full", "w") as full:
        version = subprocess.run([executable(), "--version"], stdout=full, stderr=subprocess.PIPE)
    assert version.returncode == 2
    assert version.stderr.decode() == "error: cannot write the output: No space left on device\n"
    reader, writer = os.pipe()
    os.close(reader)  # a reader that left before anything was written
    gone = subprocess.run([executable(), "-V"], stdout=writer, stderr=subprocess.PIPE)
    os.close(writer)
    assert (gone.returncode, gone.stderr) == (1, b"")


def test_a_closed_standard_stream_is_the_null_device_not_a_failure(tmp_path):
    env = {"OSINTLOG_DB": str(tmp_path / "l.json"), "PATH": "/usr/bin:/bin"}

    def shell(line: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(line, shell=True, capture_output=True, text=True, env=env)

    osintlog = executable()
    assert shell(f"{osintlog} add m.x 5 -s S >&-").returncode == 0
    # a second figure beside the first has a warning to give, to a closed stderr
    beside = shell(f"{osintlog} add m.x 6 -s S 2>&-")
    assert beside.returncode == 0 and len(beside.stdout.strip()) == 32  # its id
    assert shell(f"{osintlog} --version >&-").returncode == 0
    refused = shell(f"{osintlog} add m.x lots -s S 2>&-")
    assert (refused.returncode, refused.stdout) == (2, "")
    listed = shell(f"{osintlog} list --format csv")
    assert [line.split(",")[2] for line in listed.stdout.splitlines()[1:]] == ["5", "6"]
    nothing = shell(f"{osintlog} import - <&-")  # a closed stdin: nothing to read
    assert (nothing.returncode, nothing.stderr) == (
        2,
        "error: <stdin>: empty file; a CSV of claims starts with a header row\n",
    )


def test_an_output_encoding_without_a_character_is_said_not_blamed_on_the_ledger(tmp_path):
    env = {"OSINTLOG_DB": str(tmp_path / "l.json"), "PATH": "/usr/bin:/bin"}
    run = [executable(), "add", "m.x", "5", "-s", "Général Staff"]
    assert subprocess.run(run, env=env, capture_output=True).returncode == 0
    ascii_out = {**env, "PYTHONIOENCODING": "ascii"}  # as a pipe on a system set to ASCII
    listed = subprocess.run(
        [executable(), "list", "--format", "csv"], env=ascii_out, capture_output=True, text=True
    )
    assert listed.returncode == 2
    assert listed.stderr == (
        "error: the output's encoding (ascii) cannot write U+00E9: set PYTHONUTF8=1 (or "
        "PYTHONIOENCODING=utf-8) to write UTF-8, or export to a file with -o\n"
    )
    utf8 = subprocess.run(
        [executable(), "list", "--format", "csv"],
        env={**ascii_out, "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
    )
    assert "Général Staff".encode() in utf8.stdout


def test_tabs_and_line_ends_in_a_cell_are_text_not_control_characters(cli, tmp_path):
    source = tmp_path / "tabs.csv"
    source.write_text('metric,value,source,quote\nm.x,5,S,"one\ttwo\nthree — ok"\n')
    cli.ok("import", str(source))
    assert cli.json("list")[0]["quote"] == "one\ttwo\nthree — ok"


def test_a_cell_with_a_bare_carriage_return_is_quoted_so_the_row_stays_one(cli, ledger_path):
    # A bare CR is no longer taken in (a quote's line ends are LF); a ledger from before may
    # hold one, and a spreadsheet would end the record there: the row is quoted throughout.
    from osintlog.formats import emit

    assert "quote holds U+000D" in cli.fails("add", "m.x", "5", "-s", "S", "--quote", "a\rb").stderr
    out = io.StringIO()
    emit([{"id": "1", "quote": "said\r=HYPERLINK(1) the rest"}], ("id", "quote"), "csv", out)
    row_line = out.getvalue().split("\n", 1)[1]
    assert row_line == '"1","said\r=HYPERLINK(1) the rest"\n'


@pytest.mark.parametrize(
    "text",
    [" =HYPERLINK(1)", "\u00a0=cmd|' /C calc'!A0", "\uff1dcmd", "\u3000+1", "' -2", "@SUM(A1)"],
    ids=["space", "nbsp", "full-width-equals", "ideographic-space", "apostrophe-space", "at"],
)
def test_export_prefixes_a_formula_after_spaces_and_in_full_width_and_import_restores_it(
    cli, tmp_path, text
):
    cli.ok("add", "m.x", "5", "-s", "S", "--note", text)
    exported = cli.ok("export").stdout
    [row] = list(csv.DictReader(io.StringIO(exported, newline="")))
    stored = cli.json("list")[0]["note"]
    assert row["note"] == "'" + stored
    copy = tmp_path / "c.csv"
    copy.write_text(exported, encoding="utf-8")
    cli.ok("--db", str(tmp_path / "o.json"), "import", str(copy))
    [claim] = cli.json("--db", str(tmp_path / "o.json"), "list")
    assert (claim["note"], claim["id"]) == (stored, row["id"])


def test_export_to_a_file_is_atomic_and_a_new_file_follows_the_umask(cli, seeded, tmp_path):
    import os
    import stat

    target = tmp_path / "out.csv"
    old = os.umask(0o027)
    try:
        cli.ok("export", "-o", str(target))
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # rw-rw-rw- less the umask 027
    first = target.read_bytes()
    target.chmod(0o604)
    cli.ok("add", "m.new", "1", "-s", "S")
    cli.ok("export", "-o", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o604 and target.read_bytes() != first
    # A folder in the way: the write fails, and the export before it is left as it was.
    before = target.read_bytes()
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "out.csv").mkdir()
    assert "cannot write" in cli.fails("export", "-o", str(blocked / "out.csv")).stderr
    assert target.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["-o", "out.docx"], "osintlog does not write .docx files"),
        (["-o", "out.xlsx", "-f", "csv"], "out.xlsx names a .xlsx file, but --format says csv"),
        (["--format", "table"], "'table' is not one of"),
    ],
)
def test_export_refuses_a_format_it_cannot_write_before_writing(
    cli, seeded, tmp_path, monkeypatch, args, says
):
    monkeypatch.chdir(tmp_path)
    result = cli.fails("export", *args)
    assert says in result.stderr
    assert not list(tmp_path.glob("out.*"))


def test_export_to_dash_is_stdout_and_tsv_and_semicolon_csv_import(
    cli, seeded, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    tsv = cli.ok("export", "-o", "-", "--format", "tsv").stdout
    assert not (tmp_path / "-").exists()
    assert tsv.splitlines()[0].startswith("id\tmetric\tvalue\t")
    (tmp_path / "c.tsv").write_text(tsv, encoding="utf-8")
    cli.ok("--db", str(tmp_path / "t.json"), "import", "c.tsv")
    assert len(cli.json("--db", str(tmp_path / "t.json"), "list")) == 11
    (tmp_path / "eu.csv").write_text(
        'metric;value;source;as_of\nm.x;"12 000";Babel;2025-04\nm.x;about 4 700;GUR;2025-05\n',
        encoding="utf-8",
    )
    cli.ok("--db", str(tmp_path / "eu.json"), "import", "eu.csv")
    values = [row["value"] for row in cli.json("--db", str(tmp_path / "eu.json"), "list")]
    assert values == ["12 000", "about 4 700"]


def test_a_workbook_from_a_spreadsheet_app_imports_its_cells_as_they_are_shown(cli, tmp_path):
    # A cell that shows 35% holds 0.35: it was stored as 0.35%. A whole number typed as 12000.0
    # and a day typed as a date read as written.
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["metric", "value", "unit", "as_of", "reported", "source"])
    sheet.append(["x.share", 0.35, "%", "2025-04-01", "2025-04-03", "Alpha"])
    sheet.append(["x.share", 0.1234, None, "2025-04-02", "2025-04-03", "Alpha"])
    sheet.append(["x.troops", 12000.0, None, date(2025, 4, 3), date(2025, 4, 3), "Alpha"])
    sheet["B2"].number_format = "0%"
    sheet["B3"].number_format = "0.00%"
    path = tmp_path / "team.xlsx"
    book.save(path)
    cli.ok("import", str(path))
    assert [(c["value"], c["best"], c["unit"], c["as_of"]) for c in cli.json("list")] == [
        ("35%", 35, "%", "2025-04-01"),
        ("12.34%", 12.34, "%", "2025-04-02"),
        ("12000", 12000, None, "2025-04-03"),
    ]


def test_a_workbooks_header_names_its_columns_in_any_case(cli, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Metric", "Value", "Source", "As-of", " Reported "])
    book.active.append(["x.troops", "about 400", "Alpha", "2025-03-31", "2025-04-03"])
    book.save(tmp_path / "team.xlsx")
    cli.ok("import", str(tmp_path / "team.xlsx"))
    [claim] = cli.json("list")
    assert (claim["as_of"], claim["reported"], claim["best"]) == ("2025-03-31", "2025-04-03", 400)
