"""How results look to a person: tables and charts on stdout, messages and progress on stderr."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from osintlog.claims import Claim, changed_fields, rating_text, short_id
from osintlog.fields import ACTIVE
from osintlog.figures import Number, display_of, format_number
from osintlog.integrity import HistoryRow
from osintlog.ledger import LedgerInfo
from osintlog.shown import printable, printable_lines

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

PROGRESS_THRESHOLD = 2000
PIPED_WIDTH = 240
STATUS_STYLES = {ACTIVE: "green", "superseded": "yellow", "retracted": "red"}


def stdout_console() -> Console:
    """The console for data; built per call so that tests' captured streams are honoured.

    Piped into a file or a pager, a table is not squeezed into 80 columns: it keeps its
    natural width (up to 240) unless $COLUMNS says otherwise.
    """
    from rich.console import Console

    console = Console(file=sys.stdout, highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console.width = piped_width()
    return console


def piped_width() -> int:
    """The width of a table written into a pipe or a file: $COLUMNS, else PIPED_WIDTH (80 when
    $COLUMNS is not a number, as Rich takes it)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    return 80 if columns else PIPED_WIDTH


def stderr_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def plural(count: int, noun: str, many: str | None = None) -> str:
    """ "1 claim", "2 claims", "1 entry", "3 entries"."""
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {many or noun + 's'}"


def amendment_text(old: Claim, new: Claim) -> str:
    """ "amended 6f79611b98 -> b0d70e339a: value 600 -> 650; tags kursk -> kursk, revised"."""
    changes = "; ".join(
        f"{name} {_field_text(before)} → {_field_text(after)}"
        for name, before, after in changed_fields(old, new)
    )
    return f"amended {short_id(old['id'])} → {short_id(new['id'])}: {changes}"


def _field_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "(none)"
    return "(none)" if value is None else str(value)


# Set for one command by --quiet: messages but warnings are left out.
QUIET = False


def message(text: str) -> None:
    """A note for the user on stderr (never data); with --quiet, only a warning is."""
    if QUIET and not text.startswith("warning:"):
        return
    # Written as it is (Rich would print it the same, unwrapped): a write's note needs no Rich.
    sys.stderr.write(printable_lines(text) + "\n")


figure_text = display_of


def claim_label(claim: Claim) -> str:
    """A claim in a message: "6f79611b98 dprk.troops.killed 600"."""
    return f"{short_id(claim['id'])} {claim['metric']} {figure_text(claim)}"


def unit_text(unit: str | None) -> str:
    """The unit column: empty for none, and for % (the figure shows it)."""
    return "" if unit in (None, "%") else unit


@dataclass
class Column:
    """A column of a grid: right-aligned or not; on a narrow terminal, columns with a `drop`
    rank go first (highest first), then `shrink` columns are cut with an ellipsis."""

    name: str
    right: bool = False
    shrink: bool = False
    drop: int = 0


@dataclass
class Grid:
    """Rows of plain text under a header, with optional styles per cell and notes under it.

    Drawn as one Text rather than a Rich Table: a table of hundreds of rows renders in
    milliseconds instead of a second, which matters for a ledger of 100,000 claims."""

    columns: list[Column]
    rows: list[list[str]]
    styles: list[list[str]] | None = None
    notes: tuple[str, ...] = ()
    hide_empty: bool = False

    def __post_init__(self) -> None:
        # Cells and notes hold text from reports and ledgers: shown, never acted on.
        if not "".join(map("".join, self.rows)).isprintable():
            self.rows = [[printable(cell) for cell in row] for row in self.rows]
        self.notes = tuple(map(printable, self.notes))

    def _layout(self, width: int) -> tuple[dict[int, int], dict[int, list[int]]]:
        """The width of each column shown (by index), and the width on the terminal of each
        of its cells, measured once, column by column (a table may have 100,000 cells)."""
        sizes = dict(enumerate(map(_widths, self._cells_by_column())))
        widths = {
            i: max([_width(column.name), *sizes[i]])
            for i, column in enumerate(self.columns)
            if not self.hide_empty or any(sizes[i])
        }
        for index in sorted(widths, key=lambda i: -self.columns[i].drop):
            if _total(widths) <= width or not self.columns[index].drop:
                break
            del widths[index]
        _shrink(widths, self.columns, width)
        return widths, sizes

    def _lines(self, widths: dict[int, int], sizes: dict[int, list[int]]) -> list[str]:
        """The header, then each row, as plain text."""
        header = " ".join(
            _fit(self.columns[i].name, _width(self.columns[i].name), width, self.columns[i].right)
            for i, width in widths.items()
        )
        cells = self._cells_by_column()
        fitted = [self._fitted(i, cells[i], width, sizes[i]) for i, width in widths.items()]
        rows = zip(*fitted, strict=True) if fitted else ([] for _ in self.rows)
        return [header.rstrip(), *(" ".join(cells).rstrip() for cells in rows)]

    def _cells_by_column(self) -> list[Sequence[str]]:
        return list(zip(*self.rows, strict=True)) if self.rows else [()] * len(self.columns)

    def _fitted(self, index: int, cells: Sequence[str], width: int, sizes: list[int]) -> list[str]:
        """Every cell of a column made exactly `width` wide (see `_fit`)."""
        right = self.columns[index].right
        if max(sizes, default=0) <= width and sizes == list(map(len, cells)):
            pad = str.rjust if right else str.ljust  # each cell's length is its width
            return [pad(cell, width) for cell in cells]
        return [_fit(cell, size, width, right) for cell, size in zip(cells, sizes, strict=True)]

    def plain(self, width: int) -> str:
        """The grid as plain text, for a pipe or a file."""
        return "\n".join([*self._lines(*self._layout(width)), *self.notes])

    def render(self, width: int) -> Text:
        """The grid for a terminal: the header bold, cells in their styles, the notes dim."""
        from rich.text import Text

        widths, sizes = self._layout(width)
        lines = self._lines(widths, sizes)
        text = Text(no_wrap=True, overflow="ignore")
        text.append(lines[0] + "\n", style="bold")
        for number, (row, line) in enumerate(zip(self.rows, lines[1:], strict=True)):
            styles = self.styles[number] if self.styles else None
            if not styles or not any(styles[i] for i in widths):
                text.append(line + "\n")  # one append per row: thousands of rows
                continue
            for place, i in enumerate(widths):
                cell = _fit(row[i], sizes[i][number], widths[i], self.columns[i].right)
                cell = cell.rstrip() if place == len(widths) - 1 else cell + " "
                text.append(cell, style=styles[i] or None)
            text.append("\n")
        for note in self.notes:
            text.append(note + "\n", style="dim")
        text.rstrip()
        return text


# The marks osintlog writes in its tables — of figures (≈4,700, 25,000–30,000), changes
# (−12, ±3, ×2, ↓), a cut cell (…), a sparkline (▁▂▃▄▅▆▇█): one column wide each.
_MARKS = "≈≤≥–−±×÷→↑↓…▁▂▃▄▅▆▇█"


def _widths(cells: Sequence[str]) -> list[int]:
    """Each cell's width on a terminal (see `_width`): their lengths, when all are ASCII but
    for osintlog's marks (no need of Rich's table of widths, for a piped table)."""
    if _ascii_but_marks("".join(cells)):
        return list(map(len, cells))
    from rich.cells import cell_len

    return [len(cell) if cell.isascii() else cell_len(cell) for cell in cells]


def _ascii_but_marks(text: str) -> bool:
    for mark in _MARKS:
        text = text.replace(mark, "")
    return text.isascii()


def _width(cell: str) -> int:
    """A cell's width on a terminal: its length, when it is ASCII (nearly every cell is)."""
    if cell.isascii():
        return len(cell)
    from rich.cells import cell_len

    return cell_len(cell)


def _total(widths: dict[int, int]) -> int:
    return sum(widths.values()) + len(widths) - 1


def _shrink(widths: dict[int, int], columns: list[Column], width: int) -> None:
    """Cut the shrinkable columns, widest first, until the grid fits (down to 8 each)."""
    while _total(widths) > width:
        candidates = [i for i in widths if columns[i].shrink and widths[i] > 8]
        if not candidates:
            return
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= min(widths[widest] - 8, _total(widths) - width)


def _fit(cell: str, size: int, width: int, right: bool) -> str:
    """A cell of `size` terminal columns made exactly `width` wide: padded, or cut with …."""
    if size > width:
        from rich.cells import set_cell_size

        return set_cell_size(cell, width - 1) + "…"
    if right:
        return " " * (width - size) + cell
    return cell + " " * (width - size)


def claims_table(claims: Sequence[Claim], show_status: bool = False) -> Grid:
    """Claims one per row; columns no claim fills are left out, and on a narrow terminal the
    least needed (via, then unit, then reported) go before the source is cut."""
    columns = [
        Column("id"),
        Column("as of"),
        Column("metric"),
        Column("figure", right=True),
        Column("unit", drop=2),
        Column("source", shrink=True),
        Column("via", drop=3),
        Column("rating"),
        Column("reported", drop=1),
    ]
    rows = [
        [
            short_id(c["id"]),
            c["as_of"],
            c["metric"],
            figure_text(c),
            unit_text(c["unit"]),
            c["source"],
            c["via"] or "",
            rating_text(c["reliability"], c["credibility"]),
            c["reported"],
        ]
        for c in claims
    ]
    styles = None
    if show_status:
        columns.append(Column("status"))
        for row, claim in zip(rows, claims, strict=True):
            row.append(claim["status"])
        styles = [[""] * (len(columns) - 1) + [STATUS_STYLES[c["status"]]] for c in claims]
    return Grid(columns, rows, styles, hide_empty=True)


def claim_card(claim: Claim) -> Table:
    """One claim, field by field."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value")
    shown = {
        **claim,
        "figure": figure_text(claim),
        "rating": rating_text(claim["reliability"], claim["credibility"]) or "not judged",
        "tags": ", ".join(claim["tags"]),
        "future": "yes: a plan or forecast, after its report" if claim.get("future") else None,
        "superseded_by": ", ".join(claim.get("superseded_by", ())),
    }
    order = (
        "id metric figure value qualifier low high best unit as_of reported future source via "
        "url quote rating tags note analyst logged_at supersedes status superseded_by "
        "retraction_reason"
    ).split()
    for name in order:
        value = shown.get(name)
        if value is None or value == "":
            continue
        table.add_row(Text(name.replace("_", " ")), Text(printable(str(value))))
    return table


def info_table(info: LedgerInfo) -> Table:
    from rich.table import Table
    from rich.text import Text

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
        table.add_row(Text(name), Text(printable(value)))
    return table


def print_table(table: RenderableType | Grid | list[Grid]) -> None:
    """A table on stdout; several (one per metric) with a blank line between them."""
    grids = table if isinstance(table, list) else [table]
    plain = [grid for grid in grids if isinstance(grid, Grid)]
    if plain and len(plain) == len(grids) and not sys.stdout.isatty():
        # Into a pipe or a file the grids are plain text: Rich (40 ms of modules) is not needed.
        width = piped_width()
        sys.stdout.write("\n\n".join(grid.plain(width) for grid in plain) + "\n")
        return
    console = stdout_console()
    for number, grid in enumerate(grids):
        if number:
            console.print()
        if isinstance(grid, Grid) and not console.is_terminal:
            # Into a pipe or a file Rich would write the text unstyled anyway, only slower (a
            # table of 10,000 rows).
            console.file.write(grid.plain(console.width) + "\n")
        elif isinstance(grid, Grid):
            console.print(grid.render(console.width), crop=False, soft_wrap=True)
        else:
            console.print(grid)


def print_lines(lines: Iterable[str]) -> None:
    from rich.text import Text

    console = stderr_console()
    for line in lines:
        console.print(Text(printable_lines(line)))


@contextlib.contextmanager
def import_progress(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr while a large import is checked (only on a terminal: Rich,
    50 ms of modules, is not imported for an import whose stderr goes to a file or a pipe)."""
    if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        yield lambda done: None
        return
    from rich.progress import Progress

    console = stderr_console()

    # The bar (and the thread that redraws it) starts at the first report, not here: the
    # import forks its workers first, and a process should not fork while it runs threads.
    progress = Progress(console=console, transient=True)
    task = progress.add_task("checking rows", total=total)

    def advance(done: int) -> None:
        if not progress.live.is_started:
            progress.start()
        progress.update(task, completed=min(done, total))

    try:
        yield advance
    finally:
        if progress.live.is_started:
            progress.stop()


def signed(n: Number | None) -> str:
    if n is None:
        return ""
    text = format_number(abs(n))
    return ("+" if n > 0 else "−" if n < 0 else "±") + text


def percent(p: float | None) -> str:
    return "" if p is None else f"{'+' if p > 0 else '−' if p < 0 else '±'}{abs(p):.1f}%"


def history_table(rows: Sequence[HistoryRow]) -> Grid:
    columns = [
        Column("id"),
        Column("event"),
        Column("figure", right=True),
        Column("metric"),
        Column("as of"),
        Column("source", shrink=True),
        Column("analyst"),
        Column("logged at"),
        Column("reason", shrink=True),
    ]
    cells = [
        [
            short_id(row.id),
            row.event,
            "" if row.value is None else display_of(vars(row)),
            row.metric or "",
            row.as_of or "",
            row.source or "",
            row.analyst,
            row.logged_at[:19] + "Z",
            row.reason or "",
        ]
        for row in rows
    ]
    return Grid(columns, cells)


def candidates_table(candidates: Sequence[dict[str, Any]]) -> Grid:
    """One line per candidate; the quote is cut to what the terminal leaves for it (csv and
    --review show it whole)."""
    columns = [
        Column("line", right=True),
        Column("figure", right=True),
        Column("unit", shrink=True),
        Column("metric"),
        Column("source", shrink=True),
        Column("as of"),
        Column("quote", shrink=True),
    ]
    cells = [
        [
            str(c["line"]),
            figure_text(c),
            unit_text(c["unit"]),
            c["metric"],
            c["source"] or "?",
            c["as_of"] or "",
            c["quote"],
        ]
        for c in candidates
    ]
    return Grid(columns, cells)


def candidate_card(candidate: dict[str, Any], number: int, total: int) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=None, show_header=False, pad_edge=False, title=f"candidate {number} of {total}"
    )
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value")
    rows = [
        ("figure", f"{figure_text(candidate)} ({candidate['value']})"),
        ("unit", candidate["unit"] or ""),
        ("metric", candidate["metric"]),
        ("source", candidate["source"] or "? (you will be asked)"),
        ("as of", candidate["as_of"] or f"{candidate['reported']} (reported)"),
        ("quote", candidate["quote"]),
    ]
    for name, value in rows:
        table.add_row(Text(name), Text(printable(value)))
    return table
