"""The ledger's metrics and sources: listed, and declared — a metric's unit and kind
(`metrics describe`), a source's standing rating (`sources rate`) and other names (`sources
alias`). Each declaration is an entry appended to the ledger; the latest wins."""

from __future__ import annotations

from typing import Annotated

import typer

from osintlog.commands.common import OsintlogGroup, emit_rows, ledger_of, render, show_view, tables
from osintlog.commands.options import FormatOption, choices
from osintlog.fields import METRIC_KINDS, METRIC_PERIODS
from osintlog.formats import OutputFormat

metrics_app = typer.Typer(cls=OsintlogGroup, invoke_without_command=True)
sources_app = typer.Typer(cls=OsintlogGroup, invoke_without_command=True)


@metrics_app.callback()
def metrics(ctx: typer.Context, fmt: FormatOption = OutputFormat.table) -> None:
    """Every metric: unit, kind, claims, sources, latest figure and source, a sparkline.

    Example: osintlog metrics --format csv; osintlog metrics describe ru.drones.downed --unit
    drones --kind per-period --period night
    """
    if ctx.invoked_subcommand is not None:
        return
    from osintlog.views import METRICS_COLUMNS

    rows = ledger_of(ctx).metrics()
    show_view(
        fmt,
        bool(rows),
        lambda: tables.metrics_table(rows),
        lambda: emit_rows(rows, METRICS_COLUMNS, fmt),
    )


Kind = choices("Kind", METRIC_KINDS)
Period = choices("Period", METRIC_PERIODS)


@metrics_app.command("describe")
def describe_metric(
    ctx: typer.Context,
    metric: Annotated[str, typer.Argument(help="The metric: ru.drones.downed")],
    unit: Annotated[str | None, typer.Option(help="What it counts: drones, tanks, %.")] = None,
    kind: Annotated[
        Kind | None,
        typer.Option(help="total (how many now), cumulative (never falls), per-period, plan."),
    ] = None,
    period: Annotated[Period | None, typer.Option(help="A per-period metric's period.")] = None,
    note: Annotated[str | None, typer.Option(help="What the metric means, for the team.")] = None,
) -> None:
    """Declare a metric's unit and kind; the views use them (what is not given is kept).

    Example: osintlog metrics describe russia.tanks.lost --unit tanks --kind cumulative
    """
    declared = ledger_of(ctx).describe_metric(
        metric,
        unit=unit,
        kind=kind and kind.value,
        period=period and period.value,
        note=note,
    )
    said = [f"unit {declared.unit}" if declared.unit else "", declared.kind or ""]
    if declared.period:
        said.append(f"per {declared.period}")
    render.message(f"{declared.metric}: {', '.join(part for part in said if part) or 'noted'}")


@sources_app.callback()
def sources(ctx: typer.Context, fmt: FormatOption = OutputFormat.table) -> None:
    """Every source: its aliases, claims, metrics, standing rating, first and latest report.

    Example: osintlog sources; osintlog sources rate Reuters B
    """
    if ctx.invoked_subcommand is not None:
        return
    from osintlog.views import SOURCES_COLUMNS

    rows = ledger_of(ctx).sources()
    show_view(
        fmt,
        bool(rows),
        lambda: tables.sources_table(rows),
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


@sources_app.command("alias")
def alias_source(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Another name of the source, as claims give it.")],
    canonical: Annotated[
        str | None, typer.Argument(help="The source it is: its claims are shown under this.")
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="NAME is its own source again.")] = False,
) -> None:
    """Make two names one source in every view, filter and consensus (--remove undoes it).

    Example: osintlog sources alias "Russia's Defence Ministry" "Russian MoD"
    """
    from osintlog.errors import BadInput

    if remove == (canonical is not None):
        raise BadInput("give NAME and the CANONICAL source it is, or NAME --remove")
    ledger = ledger_of(ctx)
    alias = ledger.alias_source(name, None if remove else canonical)
    if remove:
        render.message(f"{alias} is its own source again")
    else:
        render.message(f"{alias} is now shown as {(canonical or '').strip()}")
