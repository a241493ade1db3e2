"""A claim's fields: the one list of their names, in the order of `export`'s columns, and what
each is. Every other list of fields (the content an id is a hash of, what an import reads as
text, the export's columns) is derived from this table."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any, TypeVar

# name, then what the field is:
#   content  part of what the claim asserts: its id is a hash of these
#   text     read as text from an option or a file's cell
#   derived  worked out by osintlog (from the figure, or the ledger); an import ignores it
_TABLE = """
id           text
metric       content text
value        content text
low          derived
high         derived
best         derived
qualifier    derived
unit         content text
as_of        content text
reported     content text
source       content text
via          content text
url          content text
quote        content text
reliability  content text
credibility  content text
tags         content
note         content text
analyst      text
logged_at    text
supersedes   content text
status       derived
"""
_KINDS = {line.split()[0]: frozenset(line.split()[1:]) for line in _TABLE.strip().splitlines()}

FIELDS = tuple(_KINDS)
CONTENT_FIELDS = tuple(name for name, kinds in _KINDS.items() if "content" in kinds)
# `rating` is no field: an option and a column that fills in reliability and credibility at once.
TEXT_FIELDS = frozenset(name for name, kinds in _KINDS.items() if "text" in kinds) | {"rating"}
REQUIRED = {
    "metric": "what the figure measures, e.g. dprk.troops.killed",
    "value": "the figure as written",
    "source": "who asserts the figure",
}
# A claim's status, derived from the entries after it: superseded by an amendment, retracted.
ACTIVE, SUPERSEDED, RETRACTED = "active", "superseded", "retracted"
# Worked out on export from the fields and the sources' standing ratings; an import ignores them.
DERIVED_COLUMNS = ("effective_rating", "point", "as_of_start", "as_of_end")
# What a metric may be declared to be (`metrics describe --kind`), a per-period metric's periods
# (each with the most days a figure of it may cover: a night spans two dates), and the periods a
# series is rolled up by (`diff --every`, `compare --every`).
METRIC_KINDS = ("total", "cumulative", "per-period", "plan")
METRIC_PERIODS = {"night": 2, "day": 1, "week": 7, "month": 31}
EVERY = ("day", "week", "month", "quarter", "year")
# Set on a claim whose as-of lies after its report, logged on purpose (a plan or a forecast).
FUTURE = "future"
# The columns of `export` and of `list` in the machine formats, in order: they only ever grow.
EXPORT_COLUMNS = (*FIELDS, *DERIVED_COLUMNS, FUTURE)
# The columns an import reads; the derived ones (and the line an `extract` candidate was found
# on) it ignores without a word, any other with one.
INPUT_COLUMNS = frozenset({*FIELDS, "rating", FUTURE})
SILENTLY_IGNORED = frozenset({*DERIVED_COLUMNS, "line"})


def column_name(cell: str) -> str:
    """The column a file's header cell names: in any case, with spaces or hyphens for the
    underscores ("As of", "as-of" and "AS_OF" are as_of)."""
    return "_".join(cell.replace("-", " ").split()).lower()


def column_meant(column: str) -> str | None:
    """The input column an unknown one is close enough to be a slip for ("notes" for note,
    "asof" for as_of, "tag" for tags), or None: ignored, its cells would be lost unseen."""
    if column in INPUT_COLUMNS or column in SILENTLY_IGNORED:
        return None
    import difflib  # only a header with an unknown column needs it

    close = difflib.get_close_matches(column, sorted(INPUT_COLUMNS), n=1, cutoff=0.8)
    return close[0] if close else None


# The fields a caller gives a claim by name (the Python API's `add`, `amend`, `add_claims`): not
# the derived ones, worked out from the figure and the ledger.
GIVEN_FIELDS = frozenset(
    {*(name for name, kinds in _KINDS.items() if "derived" not in kinds), "rating", FUTURE}
)
# What a row given to `add_claims` may hold: what an import reads, and what a claim or record
# read back from a ledger holds besides (its kind and place in the chain).
ROW_FIELDS = INPUT_COLUMNS | SILENTLY_IGNORED | {"kind", "prev", "hash"}


Row = TypeVar("Row")


def row_of(row_type: type[Row], claim: Mapping[str, Any], **computed: Any) -> Row:
    """A view's row (a dataclass) of one claim: the claim's fields the row has by name, and
    the `computed` rest."""
    taken = _row_fields(row_type) - computed.keys()
    return row_type(**{name: claim[name] for name in taken}, **computed)


@functools.cache
def _row_fields(row_type: type) -> frozenset[str]:
    return frozenset(field.name for field in dataclasses.fields(row_type))
