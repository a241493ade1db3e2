"""How results look to a person: Rich tables on stdout, messages and progress on stderr."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from osintlog.claims import Claim, rating_text, short_id
from osintlog.figures import display
from osintlog.ledger import ACTIVE, LedgerInfo

PROGRESS_THRESHOLD = 2000
PIPED_WIDTH = 240
STATUS_STYLES = {ACTIVE: "green", "superseded": "yellow", "retracted": "red"}


def stdout_console() -> Console:
    """The console for data; built per call so that tests' captured streams are honoured.

    Piped into a file or a pager, a table is not squeezed into 80 columns: it keeps its
    natural width (up to 240) unless $COLUMNS says otherwise.
    """
    console = Console(file=sys.stdout, highlight=False, soft_wrap=False)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = PIPED_WIDTH
    return console


def stderr_console() -> Console:
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def message(text: str) -> None:
    """A note for the user on stderr (never data)."""
    stderr_console().print(Text(text))


def figure_text(record: dict[str, Any]) -> str:
    return display(
        record["low"],
        record["high"],
        record["best"],
        record["qualifier"],
        record.get("unit"),
        record.get("value") or "",
    )


def claims_table(claims: Sequence[Claim], width: int, show_status: bool = False) -> Table:
    """Claims one per row; columns no claim fills are left out, and on a narrow terminal the
    least needed (via, then unit, then reported) go before anything is squeezed."""
    columns = {
        "id": [short_id(c["id"]) for c in claims],
        "as of": [c["as_of"] for c in claims],
        "metric": [c["metric"] for c in claims],
        "figure": [figure_text(c) for c in claims],
        "unit": [c["unit"] if c["unit"] != "%" else "" for c in claims],
        "source": [c["source"] for c in claims],
        "via": [c["via"] or "" for c in claims],
        "rating": [rating_text(c["reliability"], c["credibility"]) for c in claims],
        "reported": [c["reported"] for c in claims],
    }
    if show_status:
        columns["status"] = [c["status"] for c in claims]
    shown = {name: cells for name, cells in columns.items() if any(cells)}
    natural = {
        name: max(len(name), *(len(cell) for cell in cells)) for name, cells in shown.items()
    }
    for expendable in ("via", "unit", "reported"):
        if sum(natural.values()) + len(natural) - 1 <= width:
            break
        shown.pop(expendable, None)
        natural.pop(expendable, None)
    table = Table(box=None, header_style="bold", pad_edge=False, collapse_padding=True)
    for name in shown:
        wraps = name in ("source", "via")
        table.add_column(
            name,
            justify="right" if name == "figure" else "left",
            no_wrap=not wraps,
            min_width=None if wraps else natural[name],
            overflow="fold" if wraps else "ellipsis",
            style="dim" if name == "id" else None,
        )
    for row in zip(*shown.values(), strict=True):
        cells = [Text(cell or "") for cell in row]
        if show_status:
            cells[-1].stylize(STATUS_STYLES.get(row[-1], ""))
        table.add_row(*cells)
    return table


def claim_card(claim: Claim) -> Table:
    """One claim, field by field."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value")
    shown = {
        **claim,
        "figure": figure_text(claim),
        "rating": rating_text(claim["reliability"], claim["credibility"]) or "not judged",
        "tags": ", ".join(claim["tags"]),
    }
    order = (
        "id metric figure value qualifier low high best unit as_of reported source via url "
        "quote rating tags note analyst logged_at supersedes status"
    ).split()
    for name in order:
        value = shown.get(name)
        if value is None or value == "":
            continue
        table.add_row(Text(name.replace("_", " ")), Text(str(value)))
    return table


def info_table(info: LedgerInfo) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value")
    rows = [
        ("ledger", str(info.path)),
        ("exists", "yes" if info.exists else "no (created by the first add or import)"),
        ("size", f"{info.size:,} bytes"),
        ("schema", str(info.schema or "-")),
        ("entries", f"{info.entries:,}"),
        ("claims", ", ".join(f"{count:,} {status}" for status, count in info.claims.items())),
        ("metrics", f"{info.metrics:,}"),
        ("sources", f"{info.sources:,}"),
    ]
    for name, value in rows:
        table.add_row(Text(name), Text(value))
    return table


def print_table(table: Table) -> None:
    stdout_console().print(table)


def print_claims(claims: Sequence[Claim], show_status: bool = False) -> None:
    console = stdout_console()
    console.print(claims_table(claims, console.width, show_status))


def print_lines(lines: Iterable[str]) -> None:
    console = stderr_console()
    for line in lines:
        console.print(Text(line))


@contextlib.contextmanager
def import_progress(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr while a large import is checked (only on a terminal)."""
    console = stderr_console()
    if total < PROGRESS_THRESHOLD or not console.is_terminal:
        yield lambda done: None
        return
    from rich.progress import Progress

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("checking rows", total=total)
        yield lambda done: progress.update(task, completed=done)
