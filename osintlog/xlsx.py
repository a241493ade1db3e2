"""Claims as an Excel workbook (openpyxl), out and in: one sheet, the header row frozen, cells
typed — numbers as numbers, full ISO days as dates, the rest as text (never a formula: a cell
that starts with `=` is stored as the text it is, so no prefix is needed, unlike CSV)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from osintlog.errors import BadInput
from osintlog.fields import column_name

SHEET = "claims"
# Columns that hold one full day, written as date cells (a partial as-of such as 2025-07 stays
# text: a spreadsheet date is always a day).
DAY_COLUMNS = frozenset({"as_of_start", "as_of_end"})


def workbook_bytes(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """The records as an .xlsx file: a header row (frozen), then one row per record."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    sheet.append(list(columns))
    for record in records:
        sheet.append([_cell(sheet, record.get(column), column) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet: Any, value: Any, column: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None or type(value) in (int, float, bool):
        return value
    if isinstance(value, list):
        value = ";".join(map(str, value))
    text = str(value)
    if column in DAY_COLUMNS and len(text) == 10:
        return date.fromisoformat(text)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text as text, even "=HYPERLINK(...)"
    return cell


def workbook_rows(name: str, data: bytes) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    """The header of the first sheet, and its rows as text fields by the header's column
    names, each with where it was read (`file.xlsx:ROW`)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a file that is no workbook
        raise BadInput(f"{name}: not an Excel workbook (.xlsx) osintlog can read") from error
    sheet = book.worksheets[0]
    lines = sheet.iter_rows()
    header = [column_name(_text(cell.value)) for cell in next(lines, ())]
    rows = []
    for number, cells in enumerate(lines, 2):
        texts = [_text(cell.value, getattr(cell, "number_format", None)) for cell in cells]
        if any(text.strip() for text in texts):
            rows.append((f"{name}:{number}", dict(zip(header, texts, strict=False))))
    book.close()
    return header, rows


def _text(value: Any, number_format: str | None = None) -> str:
    """A cell as the text an import reads: a whole number without `.0`, a date as its day, a
    number shown as a percentage as that percentage (a cell showing 35% holds 0.35)."""
    if value is None:
        return ""
    if number_format and "%" in number_format and type(value) in (int, float):
        return f"{(Decimal(repr(value)) * 100).normalize():f}%"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
