"""The formats: rows out for scripts (csv, tsv, json, jsonl; `emit`), claim rows in from a file
(the same, and .xlsx through `xlsx.py`; `read_rows`), and which format a file is."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import Enum
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from osintlog.errors import BadInput, BadSetting, MisalignedParts
from osintlog.fields import INPUT_COLUMNS, REQUIRED, SILENTLY_IGNORED, column_meant, column_name


class OutputFormat(str, Enum):
    """How records are printed: a Rich table for people, the rest for scripts. Each command
    offers the ones it can write (cli's `FormatChoice`); `emit` writes the machine formats."""

    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    jsonl = "jsonl"


# What `emit` writes: every output format but the table (drawn by render.py for people).
MACHINE_FORMATS = tuple(fmt.value for fmt in OutputFormat if fmt is not OutputFormat.table)


class InputFormat(str, Enum):
    """What `import` reads, and `export` writes."""

    csv = "csv"
    tsv = "tsv"
    json = "json"
    jsonl = "jsonl"
    xlsx = "xlsx"


# The formats a file's extension names (`export -o claims.jsonl`, `import claims.xlsx`).
BY_SUFFIX = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
}
# The cell separators a CSV file may use: a comma, or a semicolon as spreadsheets save CSV
# where the comma is the decimal mark; a tab for TSV.
_DELIMITERS = {"csv": (",", ";"), "tsv": ("\t",)}
# Text a spreadsheet would run as a formula: a tab or CR first, or one of = + - @ (or their
# full-width forms) after any spaces (of any width) and apostrophes. Apostrophes are part of it
# so that the prefix `csv_cell` adds is undone exactly (`restore_csv_cell`).
_FORMULA_START = re.compile(r"'*[\t\r]|[\s']*[=+\-@\uff1d\uff0b\uff0d\uff20]")
_FORMULA_FIRST = frozenset("'=+-@\uff1d\uff0b\uff0d\uff20")
_NUMBERS = (int, float)
# Large enough for any field osintlog accepts and for a hostile one, so that the row is refused
# with a message about the field rather than the whole file with a parser error.
_CSV_FIELD_LIMIT = 64 * 1024 * 1024


def emit(
    records: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str, out: TextIO
) -> None:
    """Write records as csv (with a header), a JSON array, or one JSON object per line: the one
    way every command writes rows for scripts. Only `columns` are written, in that order."""
    import orjson  # here, not at the top: --help and --version need none of this module's I/O

    if fmt in ("csv", "tsv"):
        delimiter = "," if fmt == "csv" else "\t"
        writer = csv.writer(out, lineterminator="\n", delimiter=delimiter)
        # csv quotes a cell with a newline, but not one with a bare CR (not in "\n"), which
        # a spreadsheet would read as the end of the record: such a row is quoted throughout.
        quoted = csv.writer(out, lineterminator="\n", delimiter=delimiter, quoting=csv.QUOTE_ALL)
        writer.writerow(columns)
        for record in records:
            cells = [csv_cell(record.get(column)) for column in columns]
            (quoted if "\r" in "".join(cells) else writer).writerow(cells)
    elif fmt == "json":
        rows = [{column: record.get(column) for column in columns} for record in records]
        out.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif fmt == "jsonl":
        for record in records:
            row = {column: record.get(column) for column in columns}
            out.write(orjson.dumps(row).decode() + "\n")
    else:
        raise BadInput(
            f'"{fmt}" is not a format osintlog writes rows in ({", ".join(MACHINE_FORMATS)})'
        )


def export_bytes(records: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: str) -> bytes:
    """What `export` writes: the records in a machine format, or an .xlsx workbook."""
    if fmt == "xlsx":
        from osintlog.xlsx import workbook_bytes

        return workbook_bytes(records, columns)
    buffer = io.StringIO()
    emit(records, columns, fmt, buffer)
    return buffer.getvalue().encode("utf-8")


def emit_object(record: Mapping[str, Any], out: TextIO) -> None:
    """One record as an indented JSON object (`info --format json`)."""
    import orjson

    out.write(orjson.dumps(record, option=orjson.OPT_INDENT_2).decode() + "\n")


def output_format(path: str, given: str | None) -> str:
    """The machine format of an output file: as given, else by its extension, else csv; an
    extension osintlog cannot write, or one that names another format than the one given, is
    refused rather than written as something else."""
    suffix = PurePath(path).suffix.lower()
    if given is not None:
        if suffix in BY_SUFFIX and BY_SUFFIX[suffix] != given:
            raise BadInput(f"{path} names a {suffix} file, but --format says {given}")
        return given
    if suffix and suffix not in BY_SUFFIX:
        raise BadInput(
            f"{path}: osintlog does not write {suffix} files; give a name ending in "
            f"{', '.join(BY_SUFFIX)}, or --format"
        )
    return BY_SUFFIX.get(suffix, "csv")


def csv_cell(value: Any) -> str:
    """A CSV cell: lists joined by ';', and text a spreadsheet would run as a formula prefixed
    with an apostrophe. A number is written as one, never prefixed; text is text in any column
    (a numeric column holds numbers only, but an old ledger's text there is still prefixed)."""
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
    first = text[:1]
    if (first in _FORMULA_FIRST or first.isspace()) and _FORMULA_START.match(text):
        return "'" + text
    return text


def restore_csv_cell(text: str) -> str:
    """Undo exactly the prefix csv_cell adds."""
    return text[1:] if text[:1] == "'" and _FORMULA_START.match(text, 1) else text


def format_for(name: str, data: bytes, given: InputFormat | None) -> InputFormat:
    """The format of an input: as given, else from the file's extension, else by its content."""
    if given is not None:
        if given not in set(InputFormat):
            choices = ", ".join(InputFormat)
            raise BadInput(f'format "{given}": a file to import is one of {choices}')
        return InputFormat(given)
    if data.startswith(b"PK\x03\x04"):  # a zip file: what an .xlsx is, whatever its name
        return InputFormat.xlsx
    suffix = PurePath(name).suffix.lower()
    if suffix in BY_SUFFIX:
        return InputFormat(BY_SUFFIX[suffix])
    start = data.lstrip()[:1]
    return {b"[": InputFormat.json, b"{": InputFormat.jsonl}.get(start, InputFormat.csv)


Row = tuple[object, Any]  # where it was read (shown as `file.csv:14`), and its fields

if TYPE_CHECKING:  # a class only for the type checker: --help and --version import this module
    from typing import Protocol

    class Rows(Protocol):
        """The rows of a file to import, handed out in consecutive parts, a few per process."""

        ignored: list[str]  # the columns osintlog does not know, left out of every row

        @property
        def count(self) -> int:
            """How many rows there are (of a CSV file, its lines: for a progress bar)."""
            ...

        def parts(self, count: int) -> list[Iterable[Row]]:
            """The rows in at most `count` consecutive parts (fewer if the file is small), of
            the sizes `part_ends` gives."""
            ...


def read_rows(name: str, data: bytes, fmt: InputFormat) -> Rows:
    """The rows of claims in a file's bytes. A CSV file is checked as far as its header here;
    its records are read when a part of them is iterated, so that each process reads its own."""
    if fmt == InputFormat.xlsx:
        from osintlog.xlsx import workbook_rows

        header, rows = workbook_rows(name, data)
        _check_columns(name, header)
        return ListedRows(rows, header)
    text = decode_text(name, data)
    if fmt in (InputFormat.csv, InputFormat.tsv):
        return CsvRows(name, text, _DELIMITERS[fmt.value])
    rows = _json_rows(name, text) if fmt == InputFormat.json else _jsonl_rows(name, text)
    keys = _keys_of(rows)
    _refuse_near_misses(name, keys)
    return ListedRows(rows, keys)


def _keys_of(rows: list[tuple[str, Any]]) -> list[str]:
    """Every key the records use, sorted (a JSON file's columns)."""
    return sorted(set().union(*[record for _location, record in rows if type(record) is dict]))


def decode_text(name: str, data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); anything else is refused with the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BadInput(
            f"{name}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "save the file as UTF-8 and try again"
        ) from error


class ListedRows:
    """Rows read whole (JSON, JSON Lines, an .xlsx workbook), cut into slices."""

    def __init__(self, rows: list[Row], columns: Sequence[str] = ()) -> None:
        self.rows = rows
        self.ignored = _ignored(columns)

    @property
    def count(self) -> int:
        return len(self.rows)

    def parts(self, count: int) -> list[Iterable[Row]]:
        rows, ends = self.rows, [0, *part_ends(len(self.rows), count), len(self.rows)]
        return [rows[start:end] for start, end in itertools.pairwise(ends) if end > start] or [[]]


def part_ends(size: int, count: int) -> list[int]:
    """Where each of `count` consecutive parts of `size` items (rows, or characters) ends, but
    the last. The last quarter of the parts are a quarter the size of the others: the parts are
    worked in order on every core and each is chained as it comes, so the work left once the
    last part is checked is small."""
    small = count // 4
    weights = [4] * (count - small) + [1] * small
    ends, done, total = [], 0, sum(weights)
    for weight in weights[:-1]:
        done += weight
        ends.append(size * done // total)
    return ends


# Closes every part of a CSV file but the last: read as a record of its own on the line after the
# part, it proves that the part ended between records (see CsvRows.parts).
_END_OF_PART = "osintlog: end of part"


class CsvRows:
    """A CSV file's records after its header, parsed only when a part of them is iterated."""

    def __init__(self, name: str, text: str, delimiters: Sequence[str] = (",",)) -> None:
        """Reads the header, and refuses a file without one fit for claims. The first of the
        `delimiters` that makes the header name the required columns is the file's."""
        self.name, self.text = name, text
        self.delimiter, header = _csv_header(name, text, delimiters)
        self.columns, self.body, self.body_line = header
        self._lines_before: dict[int, int] = {self.body: 0}
        self.wanted = [i for i, column in enumerate(self.columns) if column in INPUT_COLUMNS]
        self.ignored = _ignored(self.columns)

    @property
    def count(self) -> int:
        """Its lines after the header, ended by \\n, else by \\r: one pass over the text, exact
        unless a file mixes both (the count is for a progress bar and the number of processes)."""
        text, body = self.text, self.body
        lines = text.count("\n", body) or text.count("\r", body)
        return lines + (len(text) > body and text[-1] not in "\r\n")

    def parts(self, count: int) -> list[Iterable[Row]]:
        """The records in up to `count` parts, cut at line ends after an even number of quotes.

        Such a line end is between records unless a quote stands inside an unquoted cell
        (`5" guns`), which the csv module reads as a plain character. So every part but the
        last is read with a record of its own appended; a part that does not read it as such
        raises MisalignedParts, and the file must be read in one part.
        """
        cuts = [self.body, *self._cuts(count), len(self.text)]
        return [_CsvPart(self, start, end) for start, end in itertools.pairwise(cuts)]

    def line_at(self, start: int) -> int:
        """The number of the line that starts at `start` (counted only when a message needs
        it, in the process that needs it: most parts have no bad row)."""
        if start not in self._lines_before:
            self._lines_before[start] = _lines_in(self.text, self.body, start)
        return self.body_line + self._lines_before[start]

    def _cuts(self, count: int) -> list[int]:
        text, cuts, start = self.text, [], self.body
        for end in part_ends(len(text) - self.body, count):
            cut = _line_end_between_quotes(text, start, max(start, self.body + end))
            if cut is None or cut >= len(text):
                break
            cuts.append(cut)
            start = cut
        return cuts

    def records(self, start: int, end: int) -> Iterator[Row]:
        """The rows of text[start:end]; a part that is not the last must end between records."""
        name, columns, wanted = self.name, self.columns, self.wanted
        width = len(columns)
        all_wanted = len(wanted) == width
        piece = self.text[start:end]
        lines = None if end == len(self.text) else _lines_in(self.text, start, end)
        if lines is not None:
            piece += f"{_END_OF_PART}\n"
        reader = csv.reader(io.StringIO(piece, newline=""), delimiter=self.delimiter)
        aligned, offset = lines is None, 0  # offset: of the record's first line in the part
        end_of_part, end_line = [_END_OF_PART], -1 if lines is None else lines + 1
        # A row with too many cells in a part that is not the last may be of a cut's making: it
        # is told once the part proves to end between records.
        too_wide: BadInput | None = None
        try:
            for cells in reader:
                if cells == end_of_part and reader.line_num == end_line:
                    aligned = True
                    break
                joined = "".join(cells)
                if too_wide is None and joined.strip():
                    if len(cells) > width:
                        too_wide = BadInput(
                            f"{name}:{self.line_at(start) + offset}: {len(cells)} cells but the "
                            f"header has {width} columns (a comma inside a cell needs quotes)"
                        )
                        if lines is None:
                            raise too_wide
                        continue
                    if all_wanted and len(cells) == width:
                        row = dict(zip(columns, cells, strict=False))  # equal: just checked
                    else:
                        row = {columns[i]: cells[i] for i in wanted if i < len(cells)}
                    if "'" in joined:
                        for column, cell in row.items():
                            row[column] = restore_csv_cell(cell)
                    yield _Line(self, start, offset), row
                offset = reader.line_num
        except csv.Error as error:
            if lines is not None:  # perhaps an error of the cut's making: let one part tell
                raise MisalignedParts(name) from error
            line = self.line_at(start) + reader.line_num - 1
            raise BadInput(f"{name}:{line}: not valid CSV ({error})") from error
        if not aligned:
            raise MisalignedParts(name)
        if too_wide is not None:
            raise too_wide


class _CsvPart:
    """Part of a CSV file's records, parsed when iterated (by the process that works it)."""

    def __init__(self, rows: CsvRows, start: int, end: int) -> None:
        self.rows, self.start, self.end = rows, start, end

    def __iter__(self) -> Iterator[Row]:
        return self.rows.records(self.start, self.end)


class _Line:
    """Where a CSV record is, as `file.csv:LINE`, worked out only if a message shows it."""

    __slots__ = ("offset", "rows", "start")

    def __init__(self, rows: CsvRows, start: int, offset: int) -> None:
        self.rows, self.start, self.offset = rows, start, offset

    def __str__(self) -> str:
        return f"{self.rows.name}:{self.rows.line_at(self.start) + self.offset}"


def _line_end_between_quotes(text: str, start: int, at: int) -> int | None:
    """Just after the first line end from `at` on with an even number of quotes since `start`."""
    quotes = text.count('"', start, at)
    while (newline := text.find("\n", at)) != -1:
        quotes += text.count('"', at, newline)
        at = newline + 1
        if quotes % 2 == 0:
            return at
    return None


def _lines_in(text: str, start: int, end: int) -> int:
    """Lines as the csv module counts them: ended by \\n, \\r\\n or a lone \\r."""
    lines = text.count("\n", start, end)
    if text.find("\r", start, end) == -1:  # most files: one pass over the text, not three
        return lines
    return lines + text.count("\r", start, end) - text.count("\r\n", start, end)


def _csv_header(
    name: str, text: str, delimiters: Sequence[str]
) -> tuple[str, tuple[list[str], int, int]]:
    """The file's delimiter (the first that makes the header name the required columns), and
    the columns named by the header, where the records start, and the line they start on."""
    found = [(delimiter, _header(name, text, delimiter)) for delimiter in delimiters]
    delimiter, header = next(
        (each for each in found if all(column in each[1][0] for column in REQUIRED)), found[0]
    )
    _check_columns(name, header[0])
    return delimiter, header


def _header(name: str, text: str, delimiter: str) -> tuple[list[str], int, int]:
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    size = 4096  # the header is read from the start of the text, not a copy of all of it
    while True:
        stream = io.StringIO(text[:size], newline="")
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise BadInput(f"{name}:{reader.line_num}: not valid CSV ({error})") from error
        if stream.tell() < size or size >= len(text):
            break
        size *= 16
    if not header or not any(cell.strip() for cell in header):
        raise BadInput(f"{name}: empty file; a CSV of claims starts with a header row")
    return [column_name(cell) for cell in header], stream.tell(), reader.line_num + 1


def _ignored(columns: Sequence[str]) -> list[str]:
    """The columns osintlog does not know (derived columns are known, and ignored silently)."""
    return [c for c in columns if c and c not in INPUT_COLUMNS and c not in SILENTLY_IGNORED]


def _check_columns(name: str, columns: list[str]) -> None:
    _refuse_near_misses(name, columns)
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        raise BadInput(
            f"{name}: no {', '.join(missing)} column; the header must name at least "
            f"{', '.join(REQUIRED)} (found: {', '.join(c for c in columns if c) or 'nothing'})"
        )
    duplicated = sorted({column for column in columns if column and columns.count(column) > 1})
    if duplicated:
        raise BadInput(f"{name}: column {', '.join(duplicated)} appears more than once")


def _refuse_near_misses(name: str, columns: list[str]) -> None:
    """A column (a JSON file's key) close to one osintlog knows is refused: left out, as an
    unknown one is, its values would be lost unseen."""
    for column in columns:
        if meant := column_meant(column):
            raise BadInput(
                f'{name}: osintlog knows no column "{column}": did you mean "{meant}"? '
                "Rename it; left out, its values would be lost"
            )


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


# What `import`, `extract` and `merge` read at most unless $OSINTLOG_MAX_INPUT says otherwise.
DEFAULT_MAX_INPUT = 1 << 30
_SIZE = re.compile(r"(\d+)\s*([kmg]?)i?b?", re.IGNORECASE)


def max_input() -> int:
    """The largest input file, in bytes: $OSINTLOG_MAX_INPUT (bytes, or with K, M or G), else
    1 GiB."""
    text = os.environ.get("OSINTLOG_MAX_INPUT", "").strip()
    if not text:
        return DEFAULT_MAX_INPUT
    match = _SIZE.fullmatch(text)
    if match is None:
        raise BadSetting(f"OSINTLOG_MAX_INPUT={text!r}: give a size such as 2G, 500M or 100000")
    number, scale = match.groups()
    return int(number) << {"": 0, "k": 10, "m": 20, "g": 30}[scale.lower()]


def input_reader(
    name: str, data: bytes | str | None, stdin: BinaryIO | None
) -> tuple[str, Callable[[], bytes]]:
    """The name an import's messages give its input, and what reads the input's bytes when
    asked: `data` if given (`name` then only names it), else the file's (`-`: stdin's)."""
    shown = "<stdin>" if name == "-" and stdin is not None else name

    def read() -> bytes:
        if data is not None:
            return data.encode() if isinstance(data, str) else data
        return load_input(name, stdin)[1]

    return shown, read


def load_input(name: str, stdin: BinaryIO | None) -> tuple[str, bytes]:
    """The bytes of a file to import (`-` is `stdin`), with the name to show in errors. Only a
    regular file is read (a device such as /dev/zero, a pipe or a folder is refused: pipe it
    in as `-`), and no more than `max_input()` bytes of it or of stdin."""
    limit = max_input()
    if name == "-" and stdin is not None:
        data = stdin.read(limit + 1)
        if len(data) > limit:
            raise BadInput(_too_large("<stdin>", limit))
        return "<stdin>", data
    try:
        # Not blocking: a pipe with no writer would hang here, before it could be refused.
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise BadInput(f"cannot read {name}: {error.strerror}") from error
    try:
        check_input_file(name, os.fstat(descriptor), limit)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return name, handle.read()
    except OSError as error:
        raise BadInput(f"cannot read {name}: {error.strerror}") from error
    finally:
        os.close(descriptor)


def check_input_file(name: object, status: os.stat_result, limit: int | None = None) -> None:
    """Refuse what is no regular file, or a file larger than the limit (`max_input()`)."""
    if not stat.S_ISREG(status.st_mode):
        raise BadInput(
            f"{name} is not a regular file (a folder, a device or a pipe): save it to a file, "
            "or pipe it in as -"
        )
    limit = max_input() if limit is None else limit
    if status.st_size > limit:
        raise BadInput(_too_large(name, limit))


def _too_large(name: object, limit: int) -> str:
    return (
        f"{name} is larger than {limit:,} bytes, the most osintlog reads: if it is what you "
        "meant, raise OSINTLOG_MAX_INPUT (for example OSINTLOG_MAX_INPUT=4G)"
    )
