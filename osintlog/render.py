"""How results look to a person: Rich tables on stdout, messages and progress on stderr."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from osintlog.claims import Claim, rating_text, short_id
from osintlog.figures import Number, display_of, format_number
from osintlog.integrity import HistoryRow
from osintlog.ledger import ACTIVE, LedgerInfo
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


def print_table(table: RenderableType) -> None:
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


NO_WRAP = frozenset(
    {"metric", "id", "as of", "reported", "latest as of", "rating", "event", "analyst", "logged at"}
    | {"line", "figure"}
)
RIGHT = frozenset({"figure", "change", "change %", "claims", "sources", "metrics", "vs consensus"})


def _table(*columns: str) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False, collapse_padding=True)
    for name in columns:
        table.add_column(
            name, justify="right" if name in RIGHT else "left", no_wrap=name in NO_WRAP
        )
    return table


def with_notes(table: Table, *notes: str) -> Group:
    """A table with lines of explanation under it."""
    return Group(table, *(Text(note, style="dim") for note in notes))


def timeline_table(metric: str, rows: Sequence[TimelineRow]) -> Group:
    table = _table("id", "as of", "reported", "source", "figure", "change", "change %", "rating")
    for row in rows:
        cells = (
            short_id(row.id),
            row.as_of,
            row.reported,
            row.source,
            row.figure,
            signed(row.change),
            percent(row.change_pct),
            row.rating,
        )
        table.add_row(*(Text(cell) for cell in cells))
    return with_notes(table, f"{metric}: change from the claim above; {POINT_RULE}")


def summary_table(rows: Sequence[MetricSummary]) -> Group:
    table = _table("metric", "claims", "sources", "first", "latest", "change", "change %")
    for row in rows:
        cells = (
            row.metric,
            str(row.claims),
            str(row.sources),
            f"{row.first_figure} ({row.first_as_of})",
            f"{row.latest_figure} ({row.latest_as_of})",
            signed(row.change),
            percent(row.change_pct),
        )
        table.add_row(*(Text(cell) for cell in cells))
    return with_notes(table, f"change from the first figure to the latest; {POINT_RULE}")


def distance_style(distance: float | None) -> str:
    """Green near the consensus, yellow further, red where the source stands out."""
    if distance is None:
        return ""
    return "green" if abs(distance) <= 10 else "yellow" if abs(distance) <= 50 else "red"


def comparison_table(comparison: Comparison) -> Group:
    consensus = "none" if comparison.consensus is None else format_number(comparison.consensus)
    lines = [
        f"consensus ({comparison.rule} of the sources' latest figures"
        + (f", as of {comparison.at}" if comparison.at else "")
        + f"): {consensus}",
        "spread (highest / lowest latest figure): "
        + ("-" if comparison.spread is None else f"{comparison.spread:g}×"),
        "stand out (more than 50% from the consensus): "
        + (", ".join(comparison.outliers) or "none"),
        POINT_RULE,
    ]
    table = _table(
        "source",
        "claims",
        "latest as of",
        "figure",
        "vs consensus",
        "range over time",
        "rating",
    )
    for row in comparison.rows:
        span = (
            ""
            if row.min is None
            else format_number(row.min)
            if row.min == row.max
            else f"{format_number(row.min)}–{format_number(row.max)}"
        )
        style = distance_style(row.distance_pct)
        table.add_row(
            Text(row.source),
            Text(str(row.claims)),
            Text(row.latest_as_of),
            Text(row.latest_figure, style=style),
            Text(percent(row.distance_pct), style=style),
            Text(span),
            Text(row.rating),
        )
    return with_notes(table, *lines)


def metrics_table(rows: Sequence[MetricSummary]) -> Table:
    table = _table("metric", "unit", "claims", "sources", "first", "latest", "figure", "trend")
    for row in rows:
        cells = (
            row.metric,
            row.unit or "",
            str(row.claims),
            str(row.sources),
            row.first_as_of,
            row.latest_as_of,
            row.latest_figure,
            sparkline(row.points),
        )
        table.add_row(*(Text(cell) for cell in cells))
    return table


def sources_table(rows: Sequence[SourceSummary]) -> Table:
    table = _table("source", "claims", "metrics", "rating", "first reported", "latest reported")
    for row in rows:
        cells = (
            row.source,
            str(row.claims),
            str(row.metrics),
            row.rating or "",
            row.first_reported,
            row.latest_reported,
        )
        table.add_row(*(Text(cell) for cell in cells))
    return table


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


def history_table(rows: Sequence[HistoryRow]) -> Table:
    table = _table("id", "event", "figure", "metric", "as of", "source", "analyst", "logged at")
    for row in rows:
        figure = "" if row.value is None else display_of(vars(row))
        detail = row.reason if row.event == "retracted" else row.source or ""
        cells = (
            short_id(row.id),
            row.event,
            figure,
            row.metric or "",
            row.as_of or "",
            detail,
            row.analyst,
            row.logged_at[:19] + "Z",
        )
        table.add_row(*(Text(cell) for cell in cells))
    return table


def print_candidates(candidates: Sequence[dict[str, Any]]) -> None:
    """One line per candidate; the quote is cut to what the terminal leaves for it (csv and
    --review show it whole)."""
    console = stdout_console()
    rows = [
        (
            str(c["line"]),
            figure_text(c),
            c["unit"] if c["unit"] != "%" else "",
            c["metric"],
            c["source"] or "?",
            c["as_of"] or "",
        )
        for c in candidates
    ]
    headers = ("line", "figure", "unit", "metric", "source", "as of")
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    room = max(20, console.width - sum(widths) - len(widths))
    table = _table(*headers, "quote")
    for row, candidate in zip(rows, candidates, strict=True):
        quote = candidate["quote"]
        cut = quote if len(quote) <= room else quote[: room - 1] + "…"
        table.add_row(*(Text(cell) for cell in (*row, cut)))
    console.print(table)


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
