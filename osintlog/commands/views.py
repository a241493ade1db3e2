"""Commands that answer questions: diff, compare, metrics, sources (and rate), chart."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from osintlog.commands.common import OsintlogGroup, emit_rows, ledger_of, render, show_view
from osintlog.commands.options import FormatOption, SinceOption, SourceOption, UntilOption
from osintlog.errors import BadInput
from osintlog.formats import OutputFormat, emit


def diff(
    ctx: typer.Context,
    metric: Annotated[
        str | None, typer.Argument(help="A metric; without one, a summary of every metric.")
    ] = None,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """How a figure changed, report by report (or, without METRIC, every metric's change).

    Example: osintlog diff dprk.troops.deployed --since 2025-01
    """
    from osintlog.views import DIFF_COLUMNS, SUMMARY_COLUMNS

    ledger, window = ledger_of(ctx), {"source": source, "since": since, "until": until}
    if metric is None:
        summary = ledger.summaries(**window)
        return show_view(
            fmt,
            bool(summary),
            lambda: render.summary_table(summary),
            lambda: emit_rows(summary, SUMMARY_COLUMNS, fmt),
        )
    rows = ledger.timeline(metric, **window)
    show_view(
        fmt,
        bool(rows),
        lambda: render.timeline_table(metric.strip().lower(), rows),
        lambda: emit_rows(rows, DIFF_COLUMNS, fmt),
    )


class Rule(str, Enum):
    median = "median"
    lowest = "lowest"
    best_rated = "best-rated"


def compare(
    ctx: typer.Context,
    metric: Annotated[str, typer.Argument(help="The metric to compare sources on.")],
    at: Annotated[
        str | None, typer.Option(help="Replay: only claims whose as-of is on or before this date.")
    ] = None,
    rule: Annotated[Rule, typer.Option(help="How the consensus is taken.")] = Rule.median,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Do the sources agree? Each source's latest figure against the consensus.

    Example: osintlog compare dprk.troops.deployed --at 2025-04
    """
    from osintlog.views import COMPARE_COLUMNS

    comparison = ledger_of(ctx).compare(metric, at=at, rule=rule.value)
    show_view(
        fmt,
        bool(comparison.rows),
        lambda: render.comparison_table(comparison),
        lambda: emit(comparison.records(), COMPARE_COLUMNS, fmt, sys.stdout),
    )


def metrics(ctx: typer.Context, fmt: FormatOption = OutputFormat.table) -> None:
    """Every metric: claims, sources, first and latest figure, and a sparkline of its course.

    Example: osintlog metrics --format csv
    """
    from osintlog.views import METRICS_COLUMNS

    rows = ledger_of(ctx).metrics()
    show_view(
        fmt,
        bool(rows),
        lambda: render.metrics_table(rows),
        lambda: emit_rows(rows, METRICS_COLUMNS, fmt),
    )


sources_app = typer.Typer(
    cls=OsintlogGroup,
    invoke_without_command=True,
)


@sources_app.callback()
def sources(ctx: typer.Context, fmt: FormatOption = OutputFormat.table) -> None:
    """Every source: claims, metrics, standing rating, first and latest report.

    Example: osintlog sources; osintlog sources rate Reuters B
    """
    if ctx.invoked_subcommand is not None:
        return
    from osintlog.views import SOURCES_COLUMNS

    rows = ledger_of(ctx).sources()
    show_view(
        fmt,
        bool(rows),
        lambda: render.sources_table(rows),
        lambda: emit_rows(rows, SOURCES_COLUMNS, fmt),
    )


@sources_app.command("rate")
def rate_source(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source, as its claims name it (any case).")],
    grade: Annotated[str, typer.Argument(help="Its standing reliability, A (best) to F.")],
) -> None:
    """Set a source's standing reliability; its claims without their own rating inherit it.

    Example: osintlog sources rate "South Korean lawmakers" B
    """
    reliability = ledger_of(ctx).rate_source(name, grade)
    render.message(f"{name.strip()} is rated {reliability}")


def chart(
    ctx: typer.Context,
    metric: Annotated[str, typer.Argument(help="The metric to draw.")],
    source: SourceOption = None,
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
    series = ledger_of(ctx).chart_series(metric, source=source, since=since, until=until)
    name = metric.strip().lower()
    if output is not None:
        _save_chart(name, series, output)
        render.message(f"chart of {name} written to {output}")
        return
    if not series:
        render.message("no claims match")
        return
    console = render.stdout_console()
    colour = console.is_terminal and not console.no_color
    typer.echo(render.chart_text(name, series, console.width, colour))
    render.message(render.CHART_KEY)


def _save_chart(metric: str, series: list[Any], output: Path) -> None:
    if output.suffix.lower() not in (".png", ".svg"):
        raise BadInput(f"{output}: the chart is written as .png or .svg")
    try:
        render.save_chart_image(metric, series, str(output))
    except ModuleNotFoundError as error:
        raise BadInput("writing an image needs matplotlib: pip install 'osintlog[plot]'") from error
    except OSError as error:
        raise BadInput(f"cannot write {output}: {error.strerror}") from error
