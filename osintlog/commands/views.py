"""Commands that answer questions: diff, compare, chart."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from osintlog.commands.common import (
    charts,
    emit_rows,
    ledger_of,
    render,
    show_view,
    tables,
    warn_of_unknown_sources,
)
from osintlog.commands.options import FormatOption, SinceOption, UntilOption, choices
from osintlog.errors import BadInput
from osintlog.fields import EVERY
from osintlog.formats import OutputFormat, emit

SourcesOption = Annotated[
    list[str] | None,
    typer.Option("--source", "-s", help="Only this source (any case); repeat for more."),
]


Every = choices("Every", EVERY)


def diff(
    ctx: typer.Context,
    metric: Annotated[
        str | None,
        typer.Argument(help="A metric or a glob ('russia.*'); without one, every metric's change."),
    ] = None,
    source: SourcesOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    every: Annotated[
        Every | None,
        typer.Option(help="One row per source and period: its latest claim in the period."),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """How a figure changed: each claim against the same source's previous one.

    Example: osintlog diff russia.tanks.lost --every month --since 2022-09
    """
    from osintlog.timeline import CHANGES_COLUMNS, DIFF_COLUMNS

    ledger, window = ledger_of(ctx), {"source": source, "since": since, "until": until}
    if metric is None:
        if every is not None:
            raise BadInput("--every needs a metric: osintlog diff METRIC --every month")
        summary = ledger.summaries(**window)
        warn_of_unknown_sources(ledger, source)
        return show_view(
            fmt,
            bool(summary),
            lambda: tables.changes_table(summary),
            lambda: emit_rows(summary, CHANGES_COLUMNS, fmt),
        )
    rows = ledger.timeline(metric, every=every and every.value, **window)
    warn_of_unknown_sources(ledger, source)
    show_view(
        fmt,
        bool(rows),
        lambda: tables.timeline_tables(rows),
        lambda: emit_rows(rows, DIFF_COLUMNS, fmt),
    )


class Rule(str, Enum):
    median = "median"
    lowest = "lowest"
    best_rated = "best-rated"


def compare(
    ctx: typer.Context,
    metric: Annotated[str, typer.Argument(help="The metric to compare sources on, or a glob.")],
    at: Annotated[
        str | None,
        typer.Option(help="The date to compare on (default today): each source's latest by then."),
    ] = None,
    max_age: Annotated[
        str | None,
        typer.Option(help="Older figures are stale, left out of the consensus: 30d, 2w, 6m, 1y."),
    ] = None,
    rule: Annotated[Rule, typer.Option(help="How the consensus is taken.")] = Rule.median,
    every: Annotated[
        Every | None,
        typer.Option(help="The comparison over time: one row per period, a column per source."),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(help="With --every: each other source's ratio to this one."),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Do the sources agree? Each source's latest figure on a date, its age, the consensus.

    Example: osintlog compare russia.tanks.lost --at 2023-02-05; osintlog compare
    russia.tanks.lost --every quarter --against Oryx
    """
    ledger = ledger_of(ctx)
    if every is not None:
        if at is not None:
            raise BadInput("--at and --every do not go together: --every compares every period")
        periods = ledger.compare_every(metric, every.value, against=against, max_age=max_age)
        return show_view(
            fmt,
            any(one.rows for one in periods),
            lambda: tables.period_tables(periods),
            lambda: _emit_periods(periods, fmt),
        )
    if against is not None:
        raise BadInput(
            "--against goes with --every: osintlog compare METRIC --every month --against S"
        )
    from osintlog.comparison import COMPARE_COLUMNS

    found = ledger.comparisons(metric, at=at, rule=rule.value, max_age=max_age)
    show_view(
        fmt,
        any(one.rows for one in found),
        lambda: tables.comparison_tables(found),
        lambda: emit([r for one in found for r in one.records()], COMPARE_COLUMNS, fmt, sys.stdout),
    )


def _emit_periods(periods: list[Any], fmt: str) -> None:
    columns = list(dict.fromkeys(c for one in periods for c in one.columns()))
    emit([r for one in periods for r in one.records()], columns, fmt, sys.stdout)


def chart(
    ctx: typer.Context,
    metric: Annotated[str, typer.Argument(help="The metric to draw.")],
    source: SourcesOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write a PNG or SVG (needs osintlog[plot])."),
    ] = None,
) -> None:
    """Draw a metric over time, one series per source, ranges and bounds visible.

    Example: osintlog chart dprk.troops.deployed
    """
    ledger = ledger_of(ctx)
    series = ledger.chart_series(metric, source=source, since=since, until=until)
    warn_of_unknown_sources(ledger, source)
    name = metric.strip().lower()
    if not any(one.points for one in series) and output is None:
        render.message("no claims match")
    elif output is not None:
        _save_chart(name, series, output)
        render.message(f"chart of {name} written to {output}")
    else:
        console = render.stdout_console()
        colour = console.is_terminal and not console.no_color
        typer.echo(charts.chart_text(name, series, console.width, colour))
        render.message(charts.CHART_KEY)
    if left_out := sum(one.left_out for one in series):
        render.message(
            f"not drawn: {left_out} figure{'s' if left_out > 1 else ''} covering more than the "
            f"metric's period (totals of several; see osintlog diff {name})"
        )


def _save_chart(metric: str, series: list[Any], output: Path) -> None:
    if output.suffix.lower() not in (".png", ".svg"):
        raise BadInput(f"{output}: the chart is written as .png or .svg")
    try:
        charts.save_chart_image(metric, series, str(output))
    except ModuleNotFoundError as error:
        raise BadInput("writing an image needs matplotlib: pip install 'osintlog[plot]'") from error
    except OSError as error:
        raise BadInput(f"cannot write {output}: {error.strerror}") from error
