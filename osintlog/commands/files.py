"""Commands that move claims through files: import, export, extract (with its review)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from osintlog.commands.common import (
    claim_columns,
    ledger_of,
    render,
    show_view,
    warn_of_unknown_sources,
)
from osintlog.commands.options import (
    QUERY,
    DayFirst,
    FormatOption,
    MonthFirst,
    date_order,
    with_groups,
)
from osintlog.errors import BadInput, Interrupted, OsintlogError
from osintlog.formats import InputFormat, OutputFormat, decode_text, emit, load_input

if TYPE_CHECKING:
    from osintlog import api


_INPUT_FORMATS = ", ".join(fmt.value for fmt in InputFormat)


def import_claims(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE|-", help=f"{_INPUT_FORMATS}; - is stdin.")],
    fmt: Annotated[
        InputFormat | None, typer.Option("--format", "-f", help="Override the file's extension.")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Check everything, write nothing.")] = False,
    skip_invalid: Annotated[
        bool, typer.Option(help="Import the good rows and list the bad ones.")
    ] = False,
    future: Annotated[
        bool,
        typer.Option(
            "--future", help="Rows whose as-of lies after their report are plans or forecasts."
        ),
    ] = False,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
) -> None:
    """Import claims from a file in any format export writes: all rows land, or none.

    Example: osintlog import data/dprk-kursk-2025-08-22.csv
    """
    order = date_order(dayfirst, monthfirst)
    report = ledger_of(ctx).import_file(
        file,
        stdin=sys.stdin.buffer,
        fmt=fmt,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        future=future,
        order=order,
        progress=_import_progress,
    )
    if report.errors:
        render.print_lines(f"skipped {error}" for error in report.errors)
    if dry_run:
        render.message(
            f"dry run: would import {render.plural(report.added, 'claim')} "
            f"({report.already} already in)"
        )
    else:
        bad = render.plural(len(report.errors), "bad row")
        skipped = f", {bad} skipped" if report.errors else ""
        render.message(
            f"imported {render.plural(report.added, 'claim')} "
            f"({report.already} already in the ledger{skipped})"
        )
    if report.similar:
        render.message(
            f"{report.similar} of them stand beside a claim of the same metric, source and as-of "
            "(a correction is logged with osintlog amend): see osintlog diff METRIC"
        )


def _import_progress(total: int, ignored: list[str]) -> Any:
    """Called by the import once its workers are forked: Rich is loaded only now."""
    if ignored:
        render.message(f"ignored unknown columns: {', '.join(ignored)}")
    return render.import_progress(total)


@with_groups
def export(
    ctx: typer.Context,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE|-", help="Write here (- is stdout)."),
    ] = None,
    query: dict[str, Any] = QUERY,
    fmt: Annotated[
        InputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=f"{_INPUT_FORMATS} (default: from the -o file name, else csv).",
        ),
    ] = None,
) -> None:
    """Export claims for scripts and spreadsheets; import reads it back.

    Example: osintlog export --metric 'dprk.*' -o dprk.xlsx
    """
    from osintlog.formats import export_bytes, output_format

    target = None if output in (None, "-") else Path(output)
    chosen = output_format(str(target or ""), fmt.value if fmt else None)
    if target is None and chosen == "xlsx" and sys.stdout.isatty():
        raise BadInput("an .xlsx workbook is no text for a terminal: give -o FILE.xlsx")
    ledger = ledger_of(ctx)
    records = list(ledger.records(**query))
    warn_of_unknown_sources(ledger, query["source"])
    data = export_bytes(records, claim_columns(), chosen)
    if target is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return
    from osintlog.atomic import atomic_write

    kept = f"{target} is as it was" if target.exists() else "nothing was written"
    atomic_write(target, [data], kept)
    render.message(f"exported {render.plural(len(records), 'claim')} to {target}")


def extract_claims(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE|-", help="The report as plain text.")],
    reported: Annotated[
        str | None,
        typer.Option(help="When the report was published (else its 'date YYYY-MM-DD' line)."),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(
            help="The report's outlet: every candidate's via, and the source of "
            "figures it states without attribution."
        ),
    ] = None,
    review: Annotated[
        bool, typer.Option(help="Walk the candidates on a terminal and add the accepted ones.")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the figures in a report as candidate claims (csv output imports as it is).

    Example: osintlog extract report.txt --via Babel --format csv > claims.csv
    """
    from osintlog import extract as extraction

    name, data = load_input(file, sys.stdin.buffer)
    ledger = ledger_of(ctx)
    text = decode_text(name, data)
    candidates = extraction.extract(text, today=ledger.today, reported=reported, via=via)
    if review:
        return _review(ledger, candidates)
    show_view(
        fmt,
        bool(candidates),
        lambda: render.candidates_table(candidates),
        lambda: emit(candidates, extraction.CANDIDATE_COLUMNS, fmt, sys.stdout),
    )


_CHOICES = {"": "a", "a": "a", "accept": "a", "e": "e", "edit": "e", "s": "s", "skip": "s"}
_CHOICES |= {"q": "q", "quit": "q"}


def _review(ledger: api.Ledger, candidates: list[dict[str, Any]]) -> None:
    """Accept, edit the metric of, or skip each candidate; then one write of the accepted.
    Ctrl-C offers to keep the candidates accepted so far (exit 130 either way)."""
    if not sys.stdin.isatty():
        raise BadInput("--review needs a terminal; without one, use --format csv and import")
    accepted: list[dict[str, Any]] = []
    try:
        _walk(ledger, candidates, accepted)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("", err=True)
        kept = bool(accepted) and _keep(len(accepted))
        if kept:
            _add_accepted(ledger, accepted)
        what = f"kept the {render.plural(len(accepted), 'accepted claim')}" if kept else ""
        raise Interrupted(f"interrupted; {what or 'nothing was added'}") from None
    _add_accepted(ledger, accepted)


def _walk(
    ledger: api.Ledger, candidates: list[dict[str, Any]], accepted: list[dict[str, Any]]
) -> None:
    from osintlog.claims import metric_key

    for number, candidate in enumerate(candidates, 1):
        render.print_table(render.candidate_card(candidate, number, len(candidates)))
        choice = _choice()
        if choice == "q":
            return
        if choice == "s":
            continue
        if choice == "e":
            candidate["metric"] = _ask("Metric", candidate["metric"], metric_key)
        if not candidate["source"]:
            candidate["source"] = _ask("Source (who asserts the figure)", None, str.strip)
        as_of = candidate["as_of"] or candidate["reported"]
        for other in ledger.beside(candidate["metric"], candidate["source"], as_of)[:3]:
            render.message(
                f"warning: the ledger has {render.claim_label(other)} from {other['source']} "
                f"as of {as_of}; a correction is osintlog amend {render.short_id(other['id'])}"
            )
        accepted.append(candidate)


def _choice() -> str:
    """a, e, s or q; any other answer is asked again (it is never taken as accept)."""
    while True:
        answer = typer.prompt("[a]ccept, [e]dit metric, [s]kip, [q]uit", default="a", err=True)
        if (choice := _CHOICES.get(answer.strip().lower())) is not None:
            return choice
        typer.echo("answer a, e, s or q", err=True)


def _keep(count: int) -> bool:
    try:
        return typer.confirm(
            f"Keep the {render.plural(count, 'claim')} accepted so far?", default=False, err=True
        )
    except (KeyboardInterrupt, typer.Abort):
        return False


def _add_accepted(ledger: api.Ledger, accepted: list[dict[str, Any]]) -> None:
    result = ledger.add_claims(accepted)
    added = render.plural(len(result.added), "claim")
    render.message(f"added {added} ({len(result.existing)} already in)")


def _ask(question: str, default: str | None, check: Any) -> str:
    while True:
        answer = typer.prompt(question, default=default, err=True)
        try:
            value = check(answer)
        except OsintlogError as error:
            typer.echo(f"error: {error}", err=True)
            continue
        if value:
            return value
