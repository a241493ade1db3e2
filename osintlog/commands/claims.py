"""Commands on claims one by one: add, list, show, amend, retract, history."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from osintlog.commands.common import (
    AllOption,
    AsOfOption,
    DayFirst,
    FormatOption,
    FutureOption,
    LimitOption,
    MetricGlob,
    MonthFirst,
    NoteOption,
    QuoteOption,
    RatingOption,
    ReportedOption,
    SearchOption,
    SinceOption,
    SourceOption,
    TagOption,
    TagsOption,
    UnitOption,
    UntilOption,
    UrlOption,
    ViaOption,
    YesOption,
    claim_columns,
    claim_options,
    date_order,
    emit_rows,
    ledger_of,
    render,
    show_view,
)
from osintlog.errors import BadClaim, NotAllowed
from osintlog.formats import OutputFormat, emit

if TYPE_CHECKING:
    from osintlog.claims import Claim


def add(
    ctx: typer.Context,
    metric: Annotated[str, typer.Argument(help="What the figure measures: dprk.troops.killed")],
    figure: Annotated[str, typer.Argument(help="The figure as written: 'about 4,700'")],
    source: SourceOption = None,
    as_of: AsOfOption = None,
    reported: ReportedOption = None,
    unit: UnitOption = None,
    via: ViaOption = None,
    url: UrlOption = None,
    quote: QuoteOption = None,
    rating: RatingOption = None,
    tag: TagsOption = None,
    note: NoteOption = None,
    future: FutureOption = False,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
) -> None:
    """Log one claim; prints its id.

    Example: osintlog add dprk.troops.killed "about 4,700" --source "South Korean lawmakers"
    --as-of "April 2025" --reported 2025-08-22 --rating B2
    """
    if source is None:
        if not sys.stdin.isatty():
            raise BadClaim("--source is required: who asserts the figure?")
        source = typer.prompt("Source (who asserts the figure)")
    fields = claim_options(
        as_of=as_of,
        reported=reported,
        unit=unit,
        via=via,
        url=url,
        quote=quote,
        rating=rating,
        tag=tag,
        note=note,
    )
    order = date_order(dayfirst, monthfirst)
    done = ledger_of(ctx).add(metric, figure, source=source, future=future, order=order, **fields)
    claim = done.claim
    summary = f"{render.claim_label(claim)}, {claim['source']}, as of {claim['as_of']}"
    if done.added:
        render.message(f"added {summary}")
    else:
        render.message(f"already in the ledger: {summary}; nothing added")
    typer.echo(claim["id"])


def list_claims(
    ctx: typer.Context,
    metric: MetricGlob = None,
    source: SourceOption = None,
    tag: TagOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    include_all: AllOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List claims in timeline order (where each as-of sits: see the README, Dates).

    Example: osintlog list --metric 'dprk.troops.*' --since 2025-01 --format csv
    """
    ledger = ledger_of(ctx)
    query = ledger.query(
        metric=metric,
        source=source,
        tag=tag,
        since=since,
        until=until,
        search=search,
        include_all=include_all,
        limit=limit,
    )
    if fmt != OutputFormat.table:
        return emit(ledger.records(query), claim_columns(), fmt, sys.stdout)
    claims = ledger.claims(query)
    show_view(fmt, bool(claims), lambda: render.claims_table(claims, include_all), lambda: None)


def show(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="An id or a unique prefix.")],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Show one claim with every field.

    Example: osintlog show 3f2a9c
    """
    ledger = ledger_of(ctx)
    if fmt != OutputFormat.table:
        return emit(ledger.claim_records(claim_id), claim_columns(), fmt, sys.stdout)
    render.print_table(render.claim_card(ledger.claim(claim_id)))


def _confirm(yes: bool) -> Callable[[Claim, Claim | None], None]:
    """The check before a correction is written: a question on a terminal; scripts (no
    terminal) and --yes go ahead."""

    def confirm(old: Claim, new: Claim | None) -> None:
        if yes or not sys.stdin.isatty():
            return
        if new is None:
            question = f"Retract {render.claim_label(old)}?"
        else:
            question = f"Supersede {render.claim_label(old)} with {render.claim_label(new)}?"
        if not typer.confirm(question, default=False, err=True):
            raise NotAllowed("cancelled; nothing was written")

    return confirm


def amend(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="The claim to correct.")],
    value: Annotated[str | None, typer.Option(help="The corrected figure, as written.")] = None,
    metric: Annotated[str | None, typer.Option(help="The corrected metric.")] = None,
    source: SourceOption = None,
    as_of: AsOfOption = None,
    reported: ReportedOption = None,
    unit: UnitOption = None,
    via: ViaOption = None,
    url: UrlOption = None,
    quote: QuoteOption = None,
    rating: RatingOption = None,
    tag: TagsOption = None,
    note: NoteOption = None,
    future: FutureOption = False,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    yes: YesOption = False,
) -> None:
    """Correct a claim: appends a new claim that supersedes it; prints the new id.

    Example: osintlog amend 3f2a9c --value "about 4,800" --note "corrected figure"
    """
    changes = claim_options(
        metric=metric,
        value=value,
        source=source,
        as_of=as_of,
        reported=reported,
        unit=unit,
        via=via,
        url=url,
        quote=quote,
        rating=rating,
        tag=tag,
        note=note,
    )
    old, new = ledger_of(ctx).amend(
        claim_id,
        confirm=_confirm(yes),
        future=future,
        order=date_order(dayfirst, monthfirst),
        **changes,
    )
    render.message(f"amended {render.claim_label(old)}: now {render.claim_label(new)}")
    typer.echo(new["id"])


def retract(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="The claim to withdraw.")],
    reason: Annotated[str, typer.Option(help="Why it is withdrawn.")],
    yes: YesOption = False,
) -> None:
    """Withdraw a claim: appends a retraction; the claim stays, hidden from the views.

    Example: osintlog retract 3f2a9c --reason "misread: the figure was wounded, not killed"
    """
    claim, entry = ledger_of(ctx).retract(claim_id, reason, confirm=_confirm(yes))
    render.message(f"retracted {render.claim_label(claim)}")
    typer.echo(entry["id"])


def history(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="Any version of the claim.")],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Every version of a claim, who logged each and when, and its retraction.

    Example: osintlog history 3f2a9c
    """
    from osintlog.integrity import HISTORY_COLUMNS

    rows = ledger_of(ctx).history(claim_id)
    show_view(
        fmt,
        True,
        lambda: render.history_table(rows),
        lambda: emit_rows(rows, HISTORY_COLUMNS, fmt),
    )
