"""How results look to a person: tables and charts on stdout, messages and progress on stderr."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from osintlog.claims import Claim, rating_text, short_id
from osintlog.fields import ACTIVE
from osintlog.figures import Number, display_of, format_number
from osintlog.integrity import HistoryRow
from osintlog.ledger import LedgerInfo
from osintlog.views import (
    POINT_RULE,
    ChartSeries,
    Comparison,
    MetricSummary,
    SourceSummary,
    TimelineRow,
)

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

    def render(self, width: int) -> Text:
        keep = [
            index
            for index, _ in enumerate(self.columns)
            if not self.hide_empty or any(row[index] for row in self.rows)
        ]
        widths = {i: _natural_width(self.columns[i].name, self.rows, i) for i in keep}
        for index in sorted(keep, key=lambda i: -self.columns[i].drop):
            if _total(widths) <= width or not self.columns[index].drop:
                break
            del widths[index]
        _shrink(widths, self.columns, width)
        text = Text(no_wrap=True, overflow="ignore")
        header = [_fit(self.columns[i].name, widths[i], self.columns[i].right) for i in widths]
        text.append(" ".join(header).rstrip() + "\n", style="bold")
        for number, row in enumerate(self.rows):
            last = list(widths)[-1]
            for i in widths:
                cell = _fit(row[i], widths[i], self.columns[i].right)
                cell = cell.rstrip() if i == last else cell + " "
                style = self.styles[number][i] if self.styles else ""
                text.append(cell, style=style or None)
            text.append("\n")
        for note in self.notes:
            text.append(note + "\n", style="dim")
        text.rstrip()
        return text


def _natural_width(name: str, rows: list[list[str]], index: int) -> int:
    return max([cell_len(name), *(cell_len(row[index]) for row in rows)])


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


def _fit(cell: str, width: int, right: bool) -> str:
    if cell_len(cell) > width:
        cell = set_cell_size(cell, width - 1) + "…"
    padding = " " * (width - cell_len(cell))
    return padding + cell if right else cell + padding


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
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value")
    shown = {
        **claim,
        "figure": figure_text(claim),
        "rating": rating_text(claim["reliability"], claim["credibility"]) or "not judged",
        "tags": ", ".join(claim["tags"]),
        "future": "yes: a plan or forecast, after its report" if claim.get("future") else None,
    }
    order = (
        "id metric figure value qualifier low high best unit as_of reported future source via "
        "url quote rating tags note analyst logged_at supersedes status"
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


def print_table(table: RenderableType | Grid) -> None:
    console = stdout_console()
    if isinstance(table, Grid):
        console.print(table.render(console.width), crop=False, soft_wrap=True)
    else:
        console.print(table)


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


SPARKS = "▁▂▃▄▅▆▇█"


def signed(n: Number | None) -> str:
    if n is None:
        return ""
    text = format_number(abs(n))
    return ("+" if n > 0 else "−" if n < 0 else "±") + text


def percent(p: float | None) -> str:
    return "" if p is None else f"{'+' if p > 0 else '−' if p < 0 else '±'}{abs(p):.1f}%"


def sparkline(points: Sequence[Number | None]) -> str:
    """Eight levels between the smallest and the largest figure; a gap where there is none."""
    known = [p for p in points if p is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    return "".join(
        " " if p is None else SPARKS[int((p - low) / span * 7) if span else 3] for p in points
    )


def timeline_table(metric: str, rows: Sequence[TimelineRow]) -> Grid:
    columns = [
        Column("id"),
        Column("as of"),
        Column("reported", drop=1),
        Column("source", shrink=True),
        Column("figure", right=True),
        Column("change", right=True),
        Column("change %", right=True),
        Column("rating"),
    ]
    cells = [
        [
            short_id(row.id),
            row.as_of,
            row.reported,
            row.source,
            row.figure,
            signed(row.change),
            percent(row.change_pct),
            row.rating,
        ]
        for row in rows
    ]
    return Grid(columns, cells, notes=(f"{metric}: change from the claim above; {POINT_RULE}",))


def summary_table(rows: Sequence[MetricSummary]) -> Grid:
    columns = [
        Column("metric"),
        Column("claims", right=True),
        Column("sources", right=True),
        Column("first", shrink=True),
        Column("latest", shrink=True),
        Column("change", right=True),
        Column("change %", right=True),
    ]
    cells = [
        [
            row.metric,
            str(row.claims),
            str(row.sources),
            f"{row.first_figure} ({row.first_as_of})",
            f"{row.latest_figure} ({row.latest_as_of})",
            signed(row.change),
            percent(row.change_pct),
        ]
        for row in rows
    ]
    note = f"change from the first figure to the latest; {POINT_RULE}"
    return Grid(columns, cells, notes=(note,))


def distance_style(distance: float | None) -> str:
    """Green near the consensus, yellow further, red where the source stands out."""
    if distance is None:
        return ""
    return "green" if abs(distance) <= 10 else "yellow" if abs(distance) <= 50 else "red"


def comparison_table(comparison: Comparison) -> Grid:
    consensus = "none" if comparison.consensus is None else format_number(comparison.consensus)
    notes = (
        f"consensus ({comparison.rule} of the sources' latest figures"
        + (f", as of {comparison.at}" if comparison.at else "")
        + f"): {consensus}",
        "spread (highest / lowest latest figure): "
        + ("-" if comparison.spread is None else f"{comparison.spread:g}×"),
        "stand out (more than 50% from the consensus): "
        + (", ".join(comparison.outliers) or "none"),
        POINT_RULE,
    )
    columns = [
        Column("source", shrink=True),
        Column("claims", right=True),
        Column("latest as of"),
        Column("figure", right=True),
        Column("vs consensus", right=True),
        Column("range over time"),
        Column("rating"),
    ]
    cells, styles = [], []
    for row in comparison.rows:
        span = (
            ""
            if row.min is None
            else format_number(row.min)
            if row.min == row.max
            else f"{format_number(row.min)}–{format_number(row.max)}"
        )
        style = distance_style(row.distance_pct)
        cells.append(
            [
                row.source,
                str(row.claims),
                row.latest_as_of,
                row.latest_figure,
                percent(row.distance_pct),
                span,
                row.rating,
            ]
        )
        styles.append(["", "", "", style, style, "", ""])
    return Grid(columns, cells, styles, notes=notes)


def metrics_table(rows: Sequence[MetricSummary]) -> Grid:
    columns = [
        Column("metric"),
        Column("unit", drop=1),
        Column("claims", right=True),
        Column("sources", right=True),
        Column("first"),
        Column("latest"),
        Column("figure", right=True, shrink=True),
        Column("trend", drop=2),
    ]
    cells = [
        [
            row.metric,
            row.unit or "",
            str(row.claims),
            str(row.sources),
            row.first_as_of,
            row.latest_as_of,
            row.latest_figure,
            sparkline(row.points),
        ]
        for row in rows
    ]
    return Grid(columns, cells)


def sources_table(rows: Sequence[SourceSummary]) -> Grid:
    columns = [
        Column("source", shrink=True),
        Column("claims", right=True),
        Column("metrics", right=True),
        Column("rating"),
        Column("first reported"),
        Column("latest reported"),
    ]
    cells = [
        [
            row.source,
            str(row.claims),
            str(row.metrics),
            row.rating or "",
            row.first_reported,
            row.latest_reported,
        ]
        for row in rows
    ]
    return Grid(columns, cells)


SERIES_COLOURS = ("blue", "red", "green", "magenta", "cyan", "yellow")
SERIES_TRACES = ("·", "-", "+", "x", "*", "~")
CHART_MARKERS = {
    "exact": "●",
    "approx": "○",
    "range": "◆",
    "vague": "?",
    "at-most": "▼",
    "at-least": "▲",
}
CHART_KEY = (
    "● exact  ○ about  ◆ range midpoint  ▼ at most  ▲ at least  ? vague floor  "
    "│ a range's or vague figure's span"
)


def chart_text(metric: str, series: Sequence[ChartSeries], width: int, colour: bool) -> str:
    """A terminal chart through plotext: one series per source, ranges drawn as spans."""
    from datetime import datetime

    import plotext

    figure = plotext.figure
    figure.clear()
    plotext.terminal.limit(False, False)
    figure.plot_size(max(40, min(width, 160)), 20)
    figure.theme("simple" if colour else "colorless")
    figure.date("x").activate(form="%Y-%m-%d")
    figure.title(metric)
    for index, one in enumerate(series):
        pixel = plotext.pixel(SERIES_COLOURS[index % len(SERIES_COLOURS)])
        for start, low, _point, high, _qualifier in one.points:
            if low is not None and high is not None and low != high:
                day = datetime.fromisoformat(start)
                span = figure.segment(
                    [day, day], [low, high], marker=plotext.marker("│", pixel=pixel)
                )
                figure.draw(span)
        known = [p for p in one.points if p[2] is not None]
        days = [datetime.fromisoformat(p[0]) for p in known]
        values = [p[2] for p in known]
        # Each source's connecting line has a character of its own, so that the chart reads
        # without colour too; the legend goes under the chart, where it hides no point.
        trace = SERIES_TRACES[index % len(SERIES_TRACES)]
        line = figure.signal(days, values, marker=plotext.marker(trace, pixel=pixel))
        line.lines()
        figure.draw(line)
        markers = [plotext.marker(CHART_MARKERS.get(p[4], "●"), pixel=pixel) for p in known]
        figure.draw(figure.signal(days, values, marker=markers))
    legend = "   ".join(
        f"{SERIES_TRACES[index % len(SERIES_TRACES)]} {one.source}"
        for index, one in enumerate(series)
    )
    return figure.build().string(colorless=not colour).rstrip("\n") + "\n" + legend


def save_chart_image(metric: str, series: Sequence[ChartSeries], path: str) -> None:
    """The same chart as a PNG or SVG, through matplotlib (the optional `plot` extra)."""
    from datetime import date

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(10, 5))
    markers = {"exact": "o", "approx": "o", "range": "D", "vague": "o", "at-most": "v"}
    markers["at-least"] = "^"
    for one in series:
        known = [p for p in one.points if p[2] is not None]
        days = [date.fromisoformat(p[0]) for p in known]
        (line,) = axes.plot(days, [p[2] for p in known], label=one.source)
        for (_start, low, value, high, qualifier), day in zip(known, days, strict=True):
            axes.plot(day, value, markers.get(qualifier, "o"), color=line.get_color())
            if low is not None and high is not None and low != high:
                axes.vlines(day, low, high, color=line.get_color(), alpha=0.6)
    axes.set_title(metric)
    axes.legend()
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.savefig(path)
    pyplot.close(figure)


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
    ]
    cells = [
        [
            short_id(row.id),
            row.event,
            "" if row.value is None else display_of(vars(row)),
            row.metric or "",
            row.as_of or "",
            (row.reason if row.event == "retracted" else row.source) or "",
            row.analyst,
            row.logged_at[:19] + "Z",
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
        table.add_row(Text(name), Text(value))
    return table
