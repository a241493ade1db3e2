"""The Typer app: parses arguments, calls the core, hands results to render; nothing else."""

import contextlib
import gc
import io
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from osintlog import __version__
from osintlog.errors import (
    BadClaim,
    BadInput,
    MisalignedParts,
    NotAllowed,
    OsintlogError,
    VerifyFailed,
)
from osintlog.formats import (
    Format,
    decode_text,
    format_for,
    load_input,
    read_rows,
    write_records,
)
from osintlog.lazy import lazy_module

if TYPE_CHECKING:
    from osintlog.claims import Context
    from osintlog.formats import Rows

# The core is imported when a command first uses it, so that --version and --help start fast.
claim_fields = lazy_module("osintlog.claims")
dates = lazy_module("osintlog.dates")
integrity = lazy_module("osintlog.integrity")
ledgers = lazy_module("osintlog.ledger")
query = lazy_module("osintlog.query")
views = lazy_module("osintlog.views")
workers = lazy_module("osintlog.workers")

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


class OsintlogGroup(TyperGroup):
    """Turns the core's errors into one line on stderr and the design's exit code."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OsintlogError as error:
            _fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; the ledger is unchanged", 130)


def _fail(text: str, code: int) -> None:
    lines = [_UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], line) for line in text.split("\n")]
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=OsintlogGroup,
    help="A ledger of figures quoted in open-source reporting: who claimed what, when, how sure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Settings:
    """The global options, handed to every command through the Typer context."""

    def __init__(self, db: Path, lock_timeout: float) -> None:
        self.db = db
        self.lock_timeout = lock_timeout

    def ledger(self) -> "ledgers.Ledger":
        return ledgers.Ledger(self.db, self.lock_timeout)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"osintlog {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            help="Ledger file (default: $OSINTLOG_DB, else ledger.json in the user data folder)."
        ),
    ] = None,
    lock_timeout: Annotated[
        float, typer.Option(help="Seconds to wait for another osintlog writing the ledger.")
    ] = 10.0,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    if not 0 <= lock_timeout <= 86_400:
        raise typer.BadParameter("give seconds from 0 to 86400", param_hint="--lock-timeout")
    ctx.obj = Settings(db.expanduser() if db else ledgers.default_path(), lock_timeout)


def _settings(ctx: typer.Context) -> Settings:
    return ctx.find_object(Settings) or Settings(ledgers.default_path(), 10.0)


FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="table for people; csv, json, jsonl for scripts.")
]
DayFirst = Annotated[bool, typer.Option("--dayfirst", help="Read 04/05/2025 as 4 May 2025.")]
MonthFirst = Annotated[bool, typer.Option("--monthfirst", help="Read 04/05/2025 as April 5.")]
FutureOption = Annotated[
    bool,
    typer.Option(
        "--future", help="The as-of lies after the report on purpose: a plan or a forecast."
    ),
]
MetricGlob = Annotated[
    str | None, typer.Option("--metric", "-m", help="Metric, or a glob: 'dprk.troops.*'.")
]
SourceOption = Annotated[str | None, typer.Option("--source", "-s", help="Source (any case).")]
TagOption = Annotated[str | None, typer.Option("--tag", "-t", help="Only claims with this tag.")]
SinceOption = Annotated[str | None, typer.Option(help="As-of on or after this date (inclusive).")]
UntilOption = Annotated[
    str | None, typer.Option(help="As-of on or before this date; 2025-04 takes all of April.")
]
SearchOption = Annotated[
    str | None, typer.Option(help="Text to find in the quote, note, source, url, ...")
]
AsOfOption = Annotated[str | None, typer.Option(help="Date the figure describes.")]
ReportedOption = Annotated[str | None, typer.Option(help="Date the report was published.")]
UnitOption = Annotated[str | None, typer.Option(help="What is counted: soldiers, shells.")]
ViaOption = Annotated[str | None, typer.Option(help="The outlet you read it in.")]
UrlOption = Annotated[str | None, typer.Option(help="Where the report is.")]
QuoteOption = Annotated[str | None, typer.Option(help="The sentence the figure is in.")]
RatingOption = Annotated[str | None, typer.Option(help="Admiralty code: B2; F6 = not judged.")]
TagsOption = Annotated[list[str] | None, typer.Option("--tag", help="A tag; repeat for more.")]
NoteOption = Annotated[str | None, typer.Option(help="Your own remark.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
AllOption = Annotated[bool, typer.Option("--all", help="Include superseded and retracted claims.")]
LimitOption = Annotated[
    int | None, typer.Option(min=1, help="Only the N latest claims (by as-of).")
]


def _order(dayfirst: bool, monthfirst: bool) -> "dates.Order | None":
    if dayfirst and monthfirst:
        raise BadClaim("--dayfirst and --monthfirst contradict each other; give one")
    return "dayfirst" if dayfirst else "monthfirst" if monthfirst else None


def _emit_claims(
    claims: list[dict[str, Any]],
    standing: Mapping[str, str],
    fmt: Format,
    show_status: bool = False,
) -> None:
    if fmt == Format.table:
        from osintlog import render

        if not claims:
            render.message("no claims match")
            return
        render.print_table(render.claims_table(claims, show_status))
    else:
        _write_claims(claims, standing, fmt, sys.stdout)


def _write_claims(
    claims: list[dict[str, Any]], standing: Mapping[str, str], fmt: Format, out: Any
) -> None:
    records = views.claim_records(claims, standing)
    write_records(records, claim_fields.EXPORT_COLUMNS, fmt, out)


def _claim_options(*values: Any) -> dict[str, Any]:
    """The claim fields that `add` and `amend` take as options, by name."""
    names = "metric value source as_of reported unit via url quote rating tags note".split()
    fields = dict(zip(names, values, strict=True))
    fields["tags"] = fields["tags"] or []
    return fields


@app.command()
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
    from osintlog import render

    if source is None:
        if not sys.stdin.isatty():
            raise BadClaim("--source is required: who asserts the figure?")
        source = typer.prompt("Source (who asserts the figure)")
    fields = _claim_options(
        metric, figure, source, as_of, reported, unit, via, url, quote, rating, tag, note
    )
    context = claim_fields.Context.current(_order(dayfirst, monthfirst), future)
    claim = claim_fields.build_claim(fields, context)
    result = _settings(ctx).ledger().append([ledgers.claim_entry(claim)], context.now)
    summary = f"{render.claim_label(claim)}, {claim['source']}, as of {claim['as_of']}"
    if result.added:
        render.message(f"added {summary}")
    else:
        render.message(f"already in the ledger: {summary}; nothing added")
    typer.echo(claim["id"])


@app.command("list")
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
    fmt: FormatOption = Format.table,
) -> None:
    """List claims in as-of order.

    Example: osintlog list --metric 'dprk.troops.*' --since 2025-01 --format csv
    """
    claims, standing = _select(ctx, metric, source, tag, since, until, search, include_all, limit)
    _emit_claims(claims, standing, fmt, show_status=include_all)


def _select(
    ctx: typer.Context,
    metric: str | None,
    source: str | None,
    tag: str | None,
    since: str | None,
    until: str | None,
    search: str | None,
    include_all: bool,
    limit: int | None,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The claims the filters select, and the sources' standing ratings, from one read."""
    context = claim_fields.Context.current()
    claim_filter = query.Query.parse(
        context.today,
        metric=metric,
        source=source,
        tag=tag,
        since=since,
        until=until,
        search=search,
        include_all=include_all,
        limit=limit,
    )
    snapshot = _settings(ctx).ledger().read()
    return claim_filter.select(snapshot.claims()), snapshot.standing_ratings()


@app.command()
def show(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="An id or a unique prefix.")],
    fmt: FormatOption = Format.table,
) -> None:
    """Show one claim with every field.

    Example: osintlog show 3f2a9c
    """
    snapshot = _settings(ctx).ledger().read()
    claim = snapshot.resolve(claim_id)
    if fmt == Format.table:
        from osintlog import render

        render.print_table(render.claim_card(claim))
    else:
        _write_claims([claim], snapshot.standing_ratings(), fmt, sys.stdout)


@app.command()
def info(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """Where the ledger is, how big, and what it holds.

    Example: osintlog info
    """
    details = ledgers.ledger_info(_settings(ctx).ledger().read())
    if fmt == Format.table:
        from osintlog import render

        render.print_table(render.info_table(details))
        return
    record = {
        "path": str(details.path),
        "exists": details.exists,
        "size": details.size,
        "schema": details.schema,
        "entries": details.entries,
        "claims": details.claims,
        "metrics": details.metrics,
        "sources": details.sources,
    }
    import orjson

    typer.echo(orjson.dumps(record, option=orjson.OPT_INDENT_2).decode())


@app.command("import")
def import_claims(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE|-", help="csv, json or jsonl; - is stdin.")],
    fmt: Annotated[
        Format | None, typer.Option("--format", "-f", help="Override the file's extension.")
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
    """Import claims from csv, json or jsonl (what export writes): all rows land, or none.

    Example: osintlog import data/dprk-kursk-2025-08-22.csv
    """
    name, data = load_input(file, sys.stdin.buffer)
    rows = read_rows(name, data, format_for(name, data, fmt))
    del data  # the rows hold the text: the bytes need not be copied into every worker's memory
    context = claim_fields.Context.current(_order(dayfirst, monthfirst), future)
    count = rows.count  # of a CSV file, its lines: counted once
    run = _ImportRun(_settings(ctx).ledger(), rows, context, skip_invalid, dry_run)
    parts = run.check(workers.worker_count(count))
    from osintlog import render  # while the rows are being checked: the workers need none of it

    if rows.ignored:
        render.message(f"ignored unknown columns: {', '.join(rows.ignored)}")
    with render.import_progress(count) as advance:
        run.progress = advance
        try:
            result = run.append(parts)
        except MisalignedParts:  # a quote in an unquoted cell put a cut inside a record
            run = _ImportRun(run.ledger, rows, context, skip_invalid, dry_run, advance)
            result = run.append(run.check(1))
    if run.errors:
        render.print_lines(f"skipped {error}" for error in run.errors)
    added = sum(1 for entry in result.added if entry["kind"] == "claim")
    if dry_run:
        render.message(f"dry run: would import {added} claims ({run.claims - added} already in)")
        return
    render.message(
        f"imported {added} claims"
        f" ({run.claims - added} already in the ledger"
        + (f", {len(run.errors)} bad rows skipped)" if run.errors else ")")
    )


class _ImportRun:
    """An import's rows checked and appended as they are checked, its claims and bad rows
    counted; with bad rows, and without --skip-invalid, it is refused once all are checked."""

    def __init__(
        self,
        ledger: "ledgers.Ledger",
        rows: "Rows",
        context: "Context",
        skip_invalid: bool,
        dry_run: bool,
        progress: Callable[[int], None] = lambda done: None,
    ) -> None:
        self.ledger, self.rows, self.context = ledger, rows, context
        self.skip_invalid, self.dry_run, self.progress = skip_invalid, dry_run, progress
        self.claims = 0
        self.errors: list[str] = []

    def check(self, workers: int) -> Iterator[tuple["ledgers.SerialisedEntries", list[str]]]:
        """The parts as they are checked: with more than one worker, they start now."""
        finish = integrity.serialised_import_entries
        report = lambda done: self.progress(done)  # noqa: E731 (the bar is set up later)
        return claim_fields.build_claims(self.rows, self.context, finish, report, workers)

    def append(
        self, parts: Iterator[tuple["ledgers.SerialisedEntries", list[str]]]
    ) -> "ledgers.AppendResult":
        """Each part as it is checked, while the ledger is read and locked; all or nothing."""
        entries = self._entries(parts)
        if self.dry_run:
            return _dry_run(self.ledger, entries)
        return self.ledger.append(entries, self.context.now, integrity.check_references)

    def _entries(
        self, parts: Iterator[tuple["ledgers.SerialisedEntries", list[str]]]
    ) -> Iterator["ledgers.SerialisedEntries"]:
        for part, errors in parts:
            self.errors.extend(errors)
            self.claims += part.kinds.count("claim")
            yield part
        if self.errors and not self.skip_invalid:
            raise BadInput(_refusal(self.errors, self.claims))


def _dry_run(
    ledger: "ledgers.Ledger", parts: Iterator["ledgers.SerialisedEntries"]
) -> "ledgers.AppendResult":
    """What an import would add: the entries the ledger lacks (nothing is written)."""
    known = ledger.read().ids()
    result = ledgers.AppendResult([], [])
    for part in parts:
        for entry_id, kind in zip(part.ids, part.kinds, strict=True):
            if entry_id in known:
                result.existing.append(entry_id)
            else:
                result.added.append({"id": entry_id, "kind": kind})
                known.add(entry_id)
    return result


def _refusal(errors: list[str], good: int) -> str:
    shown = errors[:10]
    more = f"\n... and {len(errors) - 10} more bad rows" if len(errors) > 10 else ""
    advice = (
        f"nothing imported: fix the row{'s' if len(errors) > 1 else ''}, "
        f"or use --skip-invalid to import the {good} good row{'' if good == 1 else 's'}"
    )
    if len(errors) == 1:
        return f"{errors[0]} — {advice}"
    return "\n".join(shown) + more + f"\n{len(errors)} bad rows; {advice}"


@app.command()
def export(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    metric: MetricGlob = None,
    source: SourceOption = None,
    tag: TagOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    include_all: AllOption = False,
    limit: LimitOption = None,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format", "-f", help="csv, json or jsonl (default: from the -o file name, else csv)."
        ),
    ] = None,
) -> None:
    """Export claims for scripts and spreadsheets; import reads it back.

    Example: osintlog export --metric 'dprk.*' -o dprk.csv
    """
    claims, standing = _select(ctx, metric, source, tag, since, until, search, include_all, limit)
    chosen = format_for(str(output or ""), b"", fmt) if output or fmt else Format.csv
    if chosen == Format.table:
        chosen = Format.csv
    if output is None:
        _write_claims(claims, standing, chosen, sys.stdout)
        return
    buffer = io.StringIO()
    _write_claims(claims, standing, chosen, buffer)
    try:
        output.write_text(buffer.getvalue(), encoding="utf-8")
    except OSError as error:
        raise BadInput(f"cannot write {output}: {error.strerror}") from error
    from osintlog import render

    render.message(f"exported {len(claims)} claims to {output}")


def _confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; scripts (no terminal) and --yes go ahead."""
    if yes or not sys.stdin.isatty():
        return
    if not typer.confirm(question, default=False, err=True):
        raise NotAllowed("cancelled; nothing was written")


@app.command()
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
    from osintlog import render

    ledger = _settings(ctx).ledger()
    snapshot = ledger.read()
    old = integrity.check_changeable(snapshot, snapshot.resolve(claim_id)["id"], "amended")
    changes = _claim_options(
        metric, value, source, as_of, reported, unit, via, url, quote, rating, tag, note
    )
    context = claim_fields.Context.current(_order(dayfirst, monthfirst), future)
    new = claim_fields.amended_claim(old, changes, context)
    _confirm(f"Supersede {render.claim_label(old)} with {render.claim_label(new)}?", yes)
    ledger.append([ledgers.claim_entry(new)], context.now, integrity.check_supersedes)
    render.message(f"amended {render.claim_label(old)}: now {render.claim_label(new)}")
    typer.echo(new["id"])


@app.command()
def retract(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="The claim to withdraw.")],
    reason: Annotated[str, typer.Option(help="Why it is withdrawn.")],
    yes: YesOption = False,
) -> None:
    """Withdraw a claim: appends a retraction; the claim stays, hidden from the views.

    Example: osintlog retract 3f2a9c --reason "misread: the figure was wounded, not killed"
    """
    from osintlog import render

    if not reason.strip():
        raise BadClaim("--reason is required: say why the claim is withdrawn")
    ledger = _settings(ctx).ledger()
    snapshot = ledger.read()
    claim = integrity.check_changeable(snapshot, snapshot.resolve(claim_id)["id"], "retracted")
    _confirm(f"Retract {render.claim_label(claim)}?", yes)
    context = claim_fields.Context.current()
    entry = integrity.retraction_entry(claim["id"], reason.strip(), context.analyst, context.now)
    ledger.append([entry], context.now, integrity.check_supersedes)
    render.message(f"retracted {render.claim_label(claim)}")
    typer.echo(entry["id"])


@app.command()
def history(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="Any version of the claim.")],
    fmt: FormatOption = Format.table,
) -> None:
    """Every version of a claim, who logged each and when, and its retraction.

    Example: osintlog history 3f2a9c
    """
    snapshot = _settings(ctx).ledger().read()
    rows = integrity.history(snapshot, snapshot.resolve(claim_id)["id"])
    if fmt != Format.table:
        return _emit_rows(rows, integrity.HISTORY_COLUMNS, fmt)
    from osintlog import render

    render.print_table(render.history_table(rows))


@app.command()
def verify(ctx: typer.Context) -> None:
    """Check the hash chain, every id against its content, and the schema; exit 1 on a fault.

    Example: osintlog verify && git commit ledger.json
    """
    settings = _settings(ctx)
    problem = integrity.verify(settings.ledger().read())
    if problem is not None:
        raise VerifyFailed(f"{settings.db}: {problem}")


@app.command()
def merge(
    ctx: typer.Context,
    other: Annotated[Path, typer.Argument(metavar="OTHER_LEDGER", help="Another ledger file.")],
) -> None:
    """Append the entries of another ledger that this one lacks, keeping their ids and authors.

    Example: osintlog merge ../colleague/ledger.json
    """
    from osintlog import render

    added = _merge_into(_settings(ctx).ledger(), other)
    render.message(f"merged {added} entries from {other}")


def _merge_into(ledger: "ledgers.Ledger", other: Path) -> int:
    if not other.is_file():
        raise BadInput(f"{other} is not a file")
    theirs = ledgers.Ledger(other, ledger.lock_timeout).read()
    problem = integrity.verify(theirs)
    if problem is not None:
        raise BadInput(f"refusing to merge {other}: it fails verify: {problem}")

    def check(ours: "ledgers.Snapshot") -> Callable[[Mapping[str, Any]], None]:
        fault = integrity.verify(ours)
        if fault is not None:
            raise BadInput(f"refusing to merge into {ledger.path}: it fails verify: {fault}")
        return lambda entry: None

    entries = integrity.missing_entries(ledger.read(), theirs)
    return len(ledger.append(entries, claim_fields.Context.current().now, check).added)


@app.command("git-merge-driver", hidden=True)
def git_merge_driver(
    ancestor: Annotated[Path, typer.Argument(help="%O: the common ancestor (unused).")],
    ours: Annotated[Path, typer.Argument(help="%A: our version; the result is written here.")],
    theirs: Annotated[Path, typer.Argument(help="%B: their version.")],
) -> None:
    """Git merge driver: joins two versions of a ledger by id (see README, "A team ledger").

    Example: git config merge.osintlog.driver "osintlog git-merge-driver %O %A %B"
    """
    del ancestor
    _merge_into(ledgers.Ledger(ours), theirs)


@app.command("extract")
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
    fmt: FormatOption = Format.table,
) -> None:
    """List the figures in a report as candidate claims (csv output imports as it is).

    Example: osintlog extract report.txt --via Babel --format csv > claims.csv
    """
    from osintlog import extract as extraction

    name, data = load_input(file, sys.stdin.buffer)
    context = claim_fields.Context.current()
    candidates = extraction.extract(
        decode_text(name, data), today=context.today, reported=reported, via=via
    )
    if review:
        return _review(ctx, candidates, context)
    if fmt != Format.table:
        return write_records(candidates, extraction.CANDIDATE_COLUMNS, fmt, sys.stdout)
    _print_or_say(lambda r: r.candidates_table(candidates), bool(candidates))


def _review(
    ctx: typer.Context, candidates: list[dict[str, Any]], context: "claim_fields.Context"
) -> None:
    """Accept, edit the metric of, or skip each candidate; then one write of the accepted."""
    from osintlog import render

    if not sys.stdin.isatty():
        raise BadInput("--review needs a terminal; without one, use --format csv and import")
    accepted = []
    for number, candidate in enumerate(candidates, 1):
        render.print_table(render.candidate_card(candidate, number, len(candidates)))
        choice = (
            typer.prompt("[a]ccept, [e]dit metric, [s]kip, [q]uit", default="a", err=True)
            .strip()
            .lower()[:1]
        )
        if choice == "q":
            break
        if choice == "s":
            continue
        if choice == "e":
            candidate["metric"] = _ask(
                "Metric", candidate["metric"], lambda text: claim_fields.metric_key(text)
            )
        if not candidate["source"]:
            candidate["source"] = _ask("Source (who asserts the figure)", None, str.strip)
        accepted.append(ledgers.claim_entry(claim_fields.build_claim(candidate, context)))
    result = _settings(ctx).ledger().append(accepted, context.now)
    render.message(f"added {len(result.added)} claims ({len(result.existing)} already in)")


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


def _active(ctx: typer.Context) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The ledger's active claims and the sources' standing ratings, from one read."""
    snapshot = _settings(ctx).ledger().read()
    claims = [claim for claim in snapshot.claims() if claim["status"] == ledgers.ACTIVE]
    return claims, snapshot.standing_ratings()


def _window(
    claims: list[dict[str, Any]], source: str | None, since: str | None, until: str | None
) -> list[dict[str, Any]]:
    if not (source or since or until):
        return claims
    today = claim_fields.Context.current().today
    return query.Query.parse(today, source=source, since=since, until=until).select(claims)


def _emit_rows(rows: list[Any], columns: list[str], fmt: Format) -> None:
    write_records(views.records(rows), columns, fmt, sys.stdout)


@app.command()
def diff(
    ctx: typer.Context,
    metric: Annotated[
        str | None, typer.Argument(help="A metric; without one, a summary of every metric.")
    ] = None,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """How a figure changed, report by report (or, without METRIC, every metric's change).

    Example: osintlog diff dprk.troops.deployed --since 2025-01
    """
    claims, standing = _active(ctx)
    if metric is not None:
        claims = views.require_metric(claims, metric)
    chosen = _window(claims, source, since, until)
    if metric is None:
        summary = views.summaries(chosen)
        if fmt != Format.table:
            return _emit_rows(summary, views.SUMMARY_COLUMNS, fmt)
        return _print_or_say(lambda r: r.summary_table(summary), bool(summary))
    rows = views.timeline(chosen, standing)
    if fmt != Format.table:
        return _emit_rows(rows, views.DIFF_COLUMNS, fmt)
    return _print_or_say(lambda r: r.timeline_table(chosen[0]["metric"], rows), bool(rows))


def _print_or_say(build: Any, found: bool) -> None:
    from osintlog import render

    if found:
        render.print_table(build(render))
    else:
        render.message("no claims match")


class Rule(str, Enum):
    median = "median"
    lowest = "lowest"
    best_rated = "best-rated"


@app.command()
def compare(
    ctx: typer.Context,
    metric: Annotated[str, typer.Argument(help="The metric to compare sources on.")],
    at: Annotated[
        str | None, typer.Option(help="Replay: only claims whose as-of is on or before this date.")
    ] = None,
    rule: Annotated[Rule, typer.Option(help="How the consensus is taken.")] = Rule.median,
    fmt: FormatOption = Format.table,
) -> None:
    """Do the sources agree? Each source's latest figure against the consensus.

    Example: osintlog compare dprk.troops.deployed --at 2025-04
    """
    claims, standing = _active(ctx)
    chosen = views.require_metric(claims, metric)
    today = claim_fields.Context.current().today
    at_date = dates.parse_date(at, today=today, reported=today.isoformat()) if at else None
    comparison = views.compare(chosen, chosen[0]["metric"], rule.value, at_date, standing)
    if fmt != Format.table:
        return write_records(comparison.records(), views.COMPARE_COLUMNS, fmt, sys.stdout)
    _print_or_say(lambda r: r.comparison_table(comparison), bool(comparison.rows))


@app.command()
def metrics(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Every metric: claims, sources, first and latest figure, and a sparkline of its course.

    Example: osintlog metrics --format csv
    """
    rows = views.summaries(_active(ctx)[0])
    if fmt != Format.table:
        return _emit_rows(rows, views.METRICS_COLUMNS, fmt)
    _print_or_say(lambda r: r.metrics_table(rows), bool(rows))


sources_app = typer.Typer(
    cls=OsintlogGroup,
    invoke_without_command=True,
)
app.add_typer(sources_app, name="sources")


@sources_app.callback()
def sources(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Every source: claims, metrics, standing rating, first and latest report.

    Example: osintlog sources; osintlog sources rate Reuters B
    """
    if ctx.invoked_subcommand is not None:
        return
    claims, standing = _active(ctx)
    rows = views.source_summaries(claims, standing)
    if fmt != Format.table:
        return _emit_rows(rows, views.SOURCES_COLUMNS, fmt)
    _print_or_say(lambda r: r.sources_table(rows), bool(rows))


@sources_app.command("rate")
def rate_source(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source, as its claims name it (any case).")],
    grade: Annotated[str, typer.Argument(help="Its standing reliability, A (best) to F.")],
) -> None:
    """Set a source's standing reliability; its claims without their own rating inherit it.

    Example: osintlog sources rate "South Korean lawmakers" B
    """
    from osintlog import render

    reliability, credibility = claim_fields.parse_rating(grade)
    if reliability is None or credibility is not None:
        raise BadClaim(
            f'"{grade}" is not a reliability grade: give one letter A-F '
            "(credibility, the digit, belongs to each claim)"
        )
    context = claim_fields.Context.current()
    entry = ledgers.new_entry(
        "rating", context.analyst, context.now, source=name.strip(), reliability=reliability
    )
    _settings(ctx).ledger().append([entry], context.now)
    render.message(f"{name.strip()} is rated {reliability}")


@app.command()
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
    from osintlog import render

    claims, _ = _active(ctx)
    chosen = _window(views.require_metric(claims, metric), source, since, until)
    series = views.chart_series(chosen)
    name = chosen[0]["metric"] if chosen else metric
    if output is not None:
        _save_chart(name, series, output)
        render.message(f"chart of {name} written to {output}")
        return
    if not chosen:
        render.message("no claims match")
        return
    console = render.stdout_console()
    colour = console.is_terminal and not console.no_color
    typer.echo(render.chart_text(name, series, console.width, colour))
    render.message(render.CHART_KEY)


def _save_chart(metric: str, series: list[Any], output: Path) -> None:
    from osintlog import render

    if output.suffix.lower() not in (".png", ".svg"):
        raise BadInput(f"{output}: the chart is written as .png or .svg")
    try:
        render.save_chart_image(metric, series, str(output))
    except ModuleNotFoundError as error:
        raise BadInput("writing an image needs matplotlib: pip install 'osintlog[plot]'") from error
    except OSError as error:
        raise BadInput(f"cannot write {output}: {error.strerror}") from error


def _keep_only_command_help() -> None:
    """Before printing the list of commands, Typer converts every option of every command (9 ms
    of a 100 ms start). That list shows each command's name and help only, so for it each command
    is registered with a stand-in that has the same name and docstring and no options."""
    import copy

    def stand_in(command: Any) -> Any:
        def callback() -> None:
            """Never called: the top-level help only reads its docstring."""

        callback.__name__ = command.callback.__name__
        callback.__doc__ = command.callback.__doc__
        light = copy.copy(command)
        light.callback = callback
        return light

    app.registered_commands = [stand_in(command) for command in app.registered_commands]


def main() -> None:
    """The `osintlog` executable.

    A command is a short-lived process that builds large trees of claims and leaves no cycles
    behind, so the cyclic garbage collector (which would rescan those trees again and again
    during a large import) is turned off; reference counting frees memory as usual. Output that
    cannot be written (a full disk) is one line on stderr and exit code 2, as any other error.
    """
    gc.disable()
    if sys.argv[1:] == ["--version"]:
        # The one call that needs none of the commands: answered before Typer builds them.
        print(f"osintlog {__version__}")
        return
    if sys.argv[1:] in (["--help"], ["-h"], []):
        _keep_only_command_help()
    code: int | str | None = 0
    try:
        app()
    except SystemExit as finished:
        code = finished.code
    except KeyboardInterrupt:
        typer.echo("error: interrupted; the ledger is unchanged", err=True)
        code = 130
    except OSError as error:  # the core raises its own errors: this is stdout failing
        code = _output_failed(error)
    _leave(code)


def _output_failed(error: OSError) -> int:
    if isinstance(error, BrokenPipeError):  # the reader left (`| head`): nothing more to say
        return 1
    typer.echo(f"error: cannot write the output: {error.strerror or error}", err=True)
    return 2


def _leave(code: int | str | None) -> NoReturn:
    """End the process without the interpreter's tear-down, which frees every object one at a
    time (a tenth of a second after a command over 100,000 claims) only for the system to take
    the memory back anyway. Everything written is flushed first; the ledger is already on disk."""
    status = code if isinstance(code, int) else int(code is not None)
    try:
        sys.stdout.flush()
    except OSError as error:
        status = status or _output_failed(error)
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)
