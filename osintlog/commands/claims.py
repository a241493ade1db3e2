"""Commands on claims one by one: add, list, show, amend, retract, history."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from osintlog.commands.common import (
    claim_columns,
    emit_rows,
    ledger_of,
    render,
    show_view,
    warn_of_unknown_sources,
)
from osintlog.commands.options import (
    CLAIM_FIELDS,
    QUERY,
    READING,
    FormatOption,
    YesOption,
    with_groups,
)
from osintlog.errors import BadClaim, Declined
from osintlog.formats import OutputFormat, emit

if TYPE_CHECKING:
    from osintlog.claims import Claim


@with_groups
def add(
    ctx: typer.Context,
    metric: Annotated[str, typer.Argument(help="What the figure measures: dprk.troops.killed")],
    figure: Annotated[str, typer.Argument(help="The figure as written: 'about 4,700'")],
    fields: dict[str, Any] = CLAIM_FIELDS,
    reading: dict[str, Any] = READING,
) -> None:
    """Log one claim; prints its id.

    Example: osintlog add dprk.troops.casualties "about 4,700" --source "South Korean lawmakers"
    --as-of "April 2025" --reported 2025-08-22 --rating B2
    """
    if fields["source"] is None:
        if not sys.stdin.isatty():
            raise BadClaim("--source is required: who asserts the figure?")
        fields["source"] = typer.prompt("Source (who asserts the figure)")
    done = ledger_of(ctx).add(metric, figure, confirm=_beside, **fields, **reading)
    claim = done.claim
    summary = f"{render.claim_label(claim)}, {claim['source']}, as of {claim['as_of']}"
    if done.added:
        render.message(f"added {summary}")
    else:
        render.message(f"already in the ledger: {summary}; nothing added")
    typer.echo(claim["id"])


def _beside(claim: Claim, similar: list[Claim]) -> None:
    """A new claim beside active claims of the same metric, source and as-of: said on stderr,
    and on a terminal asked about (a second figure for one night is often a correction)."""
    others = ", ".join(render.claim_label(other) for other in similar[:3])
    render.message(
        f"warning: {claim['source']} already gave {claim['metric']} as of {claim['as_of']}: "
        f"{others}; if this corrects it, use osintlog amend {render.short_id(similar[0]['id'])}"
    )
    if sys.stdin.isatty() and not typer.confirm("Add it beside them?", default=False, err=True):
        raise Declined("cancelled; nothing was written")


@with_groups
def list_claims(
    ctx: typer.Context,
    query: dict[str, Any] = QUERY,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List claims in timeline order (where each as-of sits: see the README, Dates).

    Example: osintlog list --metric 'dprk.troops.*' --since 2025-01 --format csv
    """
    ledger = ledger_of(ctx)
    selected = ledger.query(**query)
    warn_of_unknown_sources(ledger, query["source"])
    if fmt != OutputFormat.table:
        return emit(ledger.records(selected), claim_columns(), fmt, sys.stdout)
    claims = ledger.claims(selected)
    show_view(
        fmt, bool(claims), lambda: render.claims_table(claims, query["include_all"]), lambda: None
    )


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
            raise Declined("cancelled; nothing was written")

    return confirm


@with_groups
def amend(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="The claim to correct.")],
    value: Annotated[str | None, typer.Option(help="The corrected figure, as written.")] = None,
    metric: Annotated[str | None, typer.Option(help="The corrected metric.")] = None,
    fields: dict[str, Any] = CLAIM_FIELDS,
    untag: Annotated[
        list[str] | None, typer.Option("--untag", help="Remove a tag; repeat for more.")
    ] = None,
    reading: dict[str, Any] = READING,
    yes: YesOption = False,
) -> None:
    """Correct a claim: appends a new claim that supersedes it; prints the new id.

    --tag adds a tag to the claim's, --untag removes one; every other option replaces the
    field. Example: osintlog amend 3f2a9c --value "about 4,800" --note "corrected figure"
    """
    old, new = ledger_of(ctx).amend(
        claim_id,
        confirm=_confirm(yes),
        metric=metric,
        value=value,
        untag=untag or (),
        **fields,
        **reading,
    )
    render.message(render.amendment_text(old, new))
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
