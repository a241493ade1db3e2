"""CSV, JSON and JSON Lines: records out (plain, stable), claim rows in."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from pathlib import PurePath
from typing import Any, BinaryIO, TextIO

from osintlog.errors import BadInput


class Format(str, Enum):
    """How records are printed: a Rich table for people, the rest for scripts."""

    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


MACHINE_FORMATS = (Format.csv, Format.json, Format.jsonl)
# Columns whose cells are numbers (or empty): never prefixed, whatever their first character.
NUMERIC_COLUMNS = frozenset(
    {"low", "high", "best", "credibility", "claims", "sources", "metrics", "change", "change_pct"}
)
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_FORMULA_FIRST = frozenset("'=+-@\t\r")  # how any text _FORMULA_START matches begins
_NUMBERS = (int, float)
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
# Large enough for any field osintlog accepts and for a hostile one, so that the row is refused
# with a message about the field rather than the whole file with a parser error.
_CSV_FIELD_LIMIT = 64 * 1024 * 1024


def write_records(
    records: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: Format, out: TextIO
) -> None:
    """Write records as csv (with a header), a JSON array, or one JSON object per line."""
    import orjson  # here, not at the top: --help and --version need none of this module's I/O

    if fmt == Format.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([csv_cell(record.get(column), column) for column in columns])
    elif fmt == Format.json:
        rows = [{column: record.get(column) for column in columns} for record in records]
        out.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif fmt == Format.jsonl:
        for record in records:
            row = {column: record.get(column) for column in columns}
            out.write(orjson.dumps(row).decode() + "\n")
    else:
        raise ValueError(f"{fmt} is not a machine format")


def csv_cell(value: Any, column: str) -> str:
    """A CSV cell: lists joined by ';', and text a spreadsheet would run as a formula prefixed
    with an apostrophe (numeric columns are left alone)."""
    if type(value) is str:  # the common case first: an export writes millions of cells
        text = value
    elif value is None:
        return ""
    elif type(value) is bool:  # before numbers: a bool is an int
        return "true" if value else "false"
    elif isinstance(value, _NUMBERS):
        return repr(value)
    elif isinstance(value, list):
        text = ";".join(str(item) for item in value)
    else:
        text = str(value)
    if text[:1] in _FORMULA_FIRST and column not in NUMERIC_COLUMNS and _FORMULA_START.match(text):
        return "'" + text
    return text


def restore_csv_cell(text: str) -> str:
    """Undo exactly the prefix csv_cell adds."""
    return text[1:] if text[:1] == "'" and _NEUTRALISED.match(text) else text


def format_for(name: str, data: bytes, given: Format | None) -> Format:
    """The format of an input: as given, else from the file's extension, else by its content."""
    if given is not None and given != Format.table:
        return given
    suffix = PurePath(name).suffix.lower()
    by_suffix = {".csv": Format.csv, ".json": Format.json, ".jsonl": Format.jsonl}
    if suffix in by_suffix:
        return by_suffix[suffix]
    if suffix == ".ndjson":
        return Format.jsonl
    start = data.lstrip()[:1]
    return {b"[": Format.json, b"{": Format.jsonl}.get(start, Format.csv)


def read_rows(
    name: str, data: bytes, fmt: Format
) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """Rows of claims from a file's bytes, each with its location (`file.csv:14`), and the
    columns that were ignored because osintlog does not know them."""
    text = decode_text(name, data)
    if fmt == Format.csv:
        return _csv_rows(name, text)
    if fmt == Format.json:
        return _json_rows(name, text), []
    return _jsonl_rows(name, text), []


def decode_text(name: str, data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); anything else is refused with the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BadInput(
            f"{name}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "save the file as UTF-8 and import it again"
        ) from error


def _csv_rows(name: str, text: str) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    from osintlog.claims import FIELDS

    csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise BadInput(f"{name}: empty file; a CSV of claims starts with a header row")
        columns = [cell.strip().lower() for cell in header]
        _check_columns(name, columns)
        known = set(FIELDS) | {"rating"}
        ignored = [column for column in columns if column and column not in known]
        wanted = [index for index, column in enumerate(columns) if column in known]
        width = len(columns)
        all_wanted = len(wanted) == width
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            joined = "".join(cells)
            if joined.strip():
                if len(cells) > width:
                    raise BadInput(
                        f"{name}:{line}: {len(cells)} cells but the header has {width} "
                        "columns (a comma inside a cell needs quotes)"
                    )
                if all_wanted and len(cells) == width:
                    row = dict(zip(columns, cells, strict=True))
                else:
                    row = {columns[i]: cells[i] for i in wanted if i < len(cells)}
                if "'" in joined:
                    for column, cell in row.items():
                        row[column] = restore_csv_cell(cell)
                rows.append((f"{name}:{line}", row))
            line = reader.line_num + 1
    except csv.Error as error:
        raise BadInput(f"{name}:{reader.line_num}: not valid CSV ({error})") from error
    return rows, ignored


def _check_columns(name: str, columns: list[str]) -> None:
    from osintlog.claims import REQUIRED

    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        raise BadInput(
            f"{name}: no {', '.join(missing)} column; the header must name at least "
            f"{', '.join(REQUIRED)} (found: {', '.join(c for c in columns if c) or 'nothing'})"
        )
    duplicated = sorted({column for column in columns if column and columns.count(column) > 1})
    if duplicated:
        raise BadInput(f"{name}: column {', '.join(duplicated)} appears more than once")


def _json_rows(name: str, text: str) -> list[tuple[str, dict[str, Any]]]:
    import orjson

    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise BadInput(f"{name}: not valid JSON ({error})") from error
    if not isinstance(data, list):
        raise BadInput(f"{name}: expected a JSON array of claims, as export --format json writes")
    return [(f"{name}: record {number}", item) for number, item in enumerate(data, 1)]


def _jsonl_rows(name: str, text: str) -> list[tuple[str, dict[str, Any]]]:
    import orjson

    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append((f"{name}:{number}", orjson.loads(line)))
        except orjson.JSONDecodeError as error:
            raise BadInput(f"{name}:{number}: not valid JSON ({error})") from error
    return rows


def load_input(name: str, stdin: BinaryIO) -> tuple[str, bytes]:
    """The bytes of a file to import (`-` is standard input), with the name to show in errors."""
    if name == "-":
        return "<stdin>", stdin.read()
    try:
        with open(name, "rb") as handle:
            return name, handle.read()
    except OSError as error:
        raise BadInput(f"cannot read {name}: {error.strerror}") from error
