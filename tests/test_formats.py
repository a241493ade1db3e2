"""A CSV file read in parts (a few per process) gives exactly the rows it gives read whole."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from osintlog.errors import BadInput, MisalignedParts
from osintlog.formats import CsvRows

HEADER = "metric,value,source,note"
# Cells with everything that moves a record's end: commas, quotes, line ends, apostrophes.
CELLS = st.text(alphabet="ab ,\"\n\r'", max_size=8)


def record(cells: list[str], quoted: bool, ending: str) -> str:
    """A record as csv.writer writes it, or its cells joined as they are (stray quotes)."""
    if not quoted:
        return ",".join(cells) + ending
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerow(cells)
    return out.getvalue()


def read(rows: CsvRows, parts: int) -> list | str:
    """Every row of every part in order, or the message of the error met first."""
    try:
        return [(str(place), row) for part in rows.parts(parts) for place, row in part]
    except BadInput as error:
        return f"error: {error}"


@given(
    records=st.lists(
        st.tuples(st.lists(CELLS, min_size=1, max_size=5), st.booleans()), max_size=25
    ),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    parts=st.integers(min_value=2, max_value=7),
    last_ending=st.booleans(),
)
def test_a_csv_file_read_in_parts_gives_the_rows_it_gives_read_whole(
    records, ending, parts, last_ending
):
    text = HEADER + ending + "".join(record(cells, quoted, ending) for cells, quoted in records)
    if not last_ending:
        text = text.removesuffix(ending)
    rows = CsvRows("f.csv", text)
    whole = read(rows, 1)
    try:
        assert read(rows, parts) == whole
    except MisalignedParts:
        # only a quote inside an unquoted cell can hide where a record ends
        assert not all(quoted for _, quoted in records)


def test_line_numbers_count_every_line_of_a_part_before():
    text = 'metric,value,source\r\nm.1,1,"a\r\nb"\r\nm.2,2,S\r\nm.3,3,S\r\nm.4,lots,S\r\n'
    rows = CsvRows("f.csv", text)
    # 44 characters after the header, so the cuts are sought from the 14th and the 28th on:
    # after m.2 (m.1's first line end is inside its quotes) and after m.3
    locations = [[str(location) for location, _ in part] for part in rows.parts(3)]
    assert locations == [["f.csv:2", "f.csv:4"], ["f.csv:5"], ["f.csv:6"]]


_RUNNABLE_FIRST = "=+-@\uff1d\uff0b\uff0d\uff20"


@given(st.text())
def test_a_csv_cell_is_never_runnable_and_restores_exactly(text):
    from osintlog.formats import csv_cell, restore_csv_cell

    cell = csv_cell(text)
    assert restore_csv_cell(cell) == text
    unprefixed = cell.lstrip().lstrip("'").lstrip()
    runnable = cell[:1] in ("\t", "\r") or unprefixed[:1] in tuple(_RUNNABLE_FIRST)
    assert not runnable or cell.startswith("'")
