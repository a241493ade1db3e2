"""The Typer app: parses arguments, makes one call to the API (`osintlog.api.Ledger`), hands the
result to render or to `formats.emit`; nothing else.

The core is loaded at one boundary: `core` and `render` below are modules imported the first time
a command uses them, so that `--version` and `--help` start as fast as a bare Typer app.
"""

import contextlib
import gc
import os
import re
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from osintlog import __version__
from osintlog.errors import BadClaim, BadInput, NotAllowed, OsintlogError, VerifyFailed
from osintlog.formats import InputFormat, OutputFormat, decode_text, emit, load_input
from osintlog.lazy import lazy_module

if TYPE_CHECKING:
    from osintlog import api, render
    from osintlog.claims import Claim

core: "api" = lazy_module("osintlog.api")  # type: ignore[valid-type]
render: "render" = lazy_module("osintlog.render")  # type: ignore[valid-type,no-redef]

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

    def __init__(self, db: Path | None, lock_timeout: float) -> None:
        self.db = db
        self.lock_timeout = lock_timeout

    def ledger(self) -> "api.Ledger":
        return core.Ledger(self.db, lock_timeout=self.lock_timeout)


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
    ctx.obj = Settings(db.expanduser() if db else None, lock_timeout)


def _ledger(ctx: typer.Context) -> "api.Ledger":
    return (ctx.find_object(Settings) or Settings(None, 10.0)).ledger()


class InfoFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people; csv, json, jsonl for scripts."),
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


def _order(dayfirst: bool, monthfirst: bool) -> str | None:
    if dayfirst and monthfirst:
        raise BadClaim("--dayfirst and --monthfirst contradict each other; give one")
    return "dayfirst" if dayfirst else "monthfirst" if monthfirst else None


def _claim_options(**fields: Any) -> dict[str, Any]:
    """The claim fields that `add` and `amend` take as options; `tags` from --tag."""
    fields["tags"] = fields.pop("tag") or []
    return fields


def _show(fmt: str, found: bool, table: Callable[[], Any], write: Callable[[], None]) -> None:
    """A view in the format asked for: its rows for scripts, else its table (or a word that
    nothing matched)."""
    if fmt != OutputFormat.table:
        write()
    elif found:
        render.print_table(table())
    else:
        render.message("no claims match")


def _emit_rows(rows: list[Any], columns: list[str], fmt: str) -> None:
    from osintlog.views import records

    emit(records(rows), columns, fmt, sys.stdout)


def _claim_columns() -> tuple[str, ...]:
    from osintlog.claims import EXPORT_COLUMNS

    return EXPORT_COLUMNS


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
    if source is None:
        if not sys.stdin.isatty():
            raise BadClaim("--source is required: who asserts the figure?")
        source = typer.prompt("Source (who asserts the figure)")
    fields = _claim_options(
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
    order = _order(dayfirst, monthfirst)
    done = _ledger(ctx).add(metric, figure, source=source, future=future, order=order, **fields)
    claim = done.claim
    summary = f"{render.claim_label(claim)}, {claim['source']}, as of {claim['as_of']}"
    if done.added:
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
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List claims in as-of order.

    Example: osintlog list --metric 'dprk.troops.*' --since 2025-01 --format csv
    """
    ledger = _ledger(ctx)
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
        return emit(ledger.records(query), _claim_columns(), fmt, sys.stdout)
    claims = ledger.claims(query)
    _show(fmt, bool(claims), lambda: render.claims_table(claims, include_all), lambda: None)


@app.command()
def show(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="An id or a unique prefix.")],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Show one claim with every field.

    Example: osintlog show 3f2a9c
    """
    ledger = _ledger(ctx)
    if fmt != OutputFormat.table:
        return emit(ledger.claim_records(claim_id), _claim_columns(), fmt, sys.stdout)
    render.print_table(render.claim_card(ledger.claim(claim_id)))


@app.command()
def info(
    ctx: typer.Context,
    fmt: Annotated[
        InfoFormat, typer.Option("--format", "-f", help="table or json.")
    ] = InfoFormat.table,
) -> None:
    """Where the ledger is, how big, and what it holds.

    Example: osintlog info
    """
    details = _ledger(ctx).info()
    if fmt == InfoFormat.table:
        return render.print_table(render.info_table(details))
    from osintlog.formats import emit_object

    emit_object({**vars(details), "path": str(details.path)}, sys.stdout)


@app.command("import")
def import_claims(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE|-", help="csv, json or jsonl; - is stdin.")],
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
    """Import claims from csv, json or jsonl (what export writes): all rows land, or none.

    Example: osintlog import data/dprk-kursk-2025-08-22.csv
    """
    name, data = load_input(file, sys.stdin.buffer)
    order = _order(dayfirst, monthfirst)
    report = _ledger(ctx).import_file(
        name,
        data,
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
        render.message(f"dry run: would import {report.added} claims ({report.already} already in)")
        return
    skipped = f", {len(report.errors)} bad rows skipped" if report.errors else ""
    render.message(
        f"imported {report.added} claims ({report.already} already in the ledger{skipped})"
    )


def _import_progress(total: int, ignored: list[str]) -> Any:
    """Called by the import once its workers are forked: Rich is loaded only now."""
    if ignored:
        render.message(f"ignored unknown columns: {', '.join(ignored)}")
    return render.import_progress(total)


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
        ExportFormat | None,
        typer.Option(
            "--format", "-f", help="csv, json or jsonl (default: from the -o file name, else csv)."
        ),
    ] = None,
) -> None:
    """Export claims for scripts and spreadsheets; import reads it back.

    Example: osintlog export --metric 'dprk.*' -o dprk.csv
    """
    from osintlog.formats import output_format

    chosen = output_format(str(output or ""), fmt.value if fmt else None)
    records = list(
        _ledger(ctx).records(
            metric=metric,
            source=source,
            tag=tag,
            since=since,
            until=until,
            search=search,
            include_all=include_all,
            limit=limit,
        )
    )
    if output is None:
        return emit(records, _claim_columns(), chosen, sys.stdout)
    import io

    buffer = io.StringIO()
    emit(records, _claim_columns(), chosen, buffer)
    try:
        output.write_text(buffer.getvalue(), encoding="utf-8")
    except OSError as error:
        raise BadInput(f"cannot write {output}: {error.strerror}") from error
    render.message(f"exported {len(records)} claims to {output}")


def _confirm(yes: bool) -> "Callable[[Claim, Claim | None], None]":
    """The check before a correction is written: a question on a terminal; scripts (no
    terminal) and --yes go ahead."""

    def confirm(old: "Claim", new: "Claim | None") -> None:
        if yes or not sys.stdin.isatty():
            return
        if new is None:
            question = f"Retract {render.claim_label(old)}?"
        else:
            question = f"Supersede {render.claim_label(old)} with {render.claim_label(new)}?"
        if not typer.confirm(question, default=False, err=True):
            raise NotAllowed("cancelled; nothing was written")

    return confirm


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
    changes = _claim_options(
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
    old, new = _ledger(ctx).amend(
        claim_id,
        confirm=_confirm(yes),
        future=future,
        order=_order(dayfirst, monthfirst),
        **changes,
    )
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
    claim, entry = _ledger(ctx).retract(claim_id, reason, confirm=_confirm(yes))
    render.message(f"retracted {render.claim_label(claim)}")
    typer.echo(entry["id"])


@app.command()
def history(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="Any version of the claim.")],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Every version of a claim, who logged each and when, and its retraction.

    Example: osintlog history 3f2a9c
    """
    from osintlog.integrity import HISTORY_COLUMNS

    rows = _ledger(ctx).history(claim_id)
    _show(
        fmt,
        True,
        lambda: render.history_table(rows),
        lambda: _emit_rows(rows, HISTORY_COLUMNS, fmt),
    )


@app.command()
def verify(ctx: typer.Context) -> None:
    """Check the hash chain, every id against its content, and the schema; exit 1 on a fault.

    Example: osintlog verify && git commit ledger.json
    """
    ledger = _ledger(ctx)
    problem = ledger.verify()
    if problem is not None:
        raise VerifyFailed(f"{ledger.path}: {problem}")


@app.command()
def merge(
    ctx: typer.Context,
    other: Annotated[Path, typer.Argument(metavar="OTHER_LEDGER", help="Another ledger file.")],
) -> None:
    """Append the entries of another ledger that this one lacks, keeping their ids and authors.

    Example: osintlog merge ../colleague/ledger.json
    """
    added = _ledger(ctx).merge(other)
    render.message(f"merged {added} entries from {other}")


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
    core.Ledger(ours).merge(theirs)


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
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the figures in a report as candidate claims (csv output imports as it is).

    Example: osintlog extract report.txt --via Babel --format csv > claims.csv
    """
    from osintlog import extract as extraction

    name, data = load_input(file, sys.stdin.buffer)
    ledger = _ledger(ctx)
    text = decode_text(name, data)
    candidates = extraction.extract(text, today=ledger.today, reported=reported, via=via)
    if review:
        return _review(ledger, candidates)
    _show(
        fmt,
        bool(candidates),
        lambda: render.candidates_table(candidates),
        lambda: emit(candidates, extraction.CANDIDATE_COLUMNS, fmt, sys.stdout),
    )


def _review(ledger: "api.Ledger", candidates: list[dict[str, Any]]) -> None:
    """Accept, edit the metric of, or skip each candidate; then one write of the accepted."""
    from osintlog.claims import metric_key

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
            candidate["metric"] = _ask("Metric", candidate["metric"], metric_key)
        if not candidate["source"]:
            candidate["source"] = _ask("Source (who asserts the figure)", None, str.strip)
        accepted.append(candidate)
    result = ledger.add_claims(accepted)
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


@app.command()
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

    ledger, window = _ledger(ctx), {"source": source, "since": since, "until": until}
    if metric is None:
        summary = ledger.summaries(**window)
        return _show(
            fmt,
            bool(summary),
            lambda: render.summary_table(summary),
            lambda: _emit_rows(summary, SUMMARY_COLUMNS, fmt),
        )
    rows = ledger.timeline(metric, **window)
    _show(
        fmt,
        bool(rows),
        lambda: render.timeline_table(metric.strip().lower(), rows),
        lambda: _emit_rows(rows, DIFF_COLUMNS, fmt),
    )


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
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Do the sources agree? Each source's latest figure against the consensus.

    Example: osintlog compare dprk.troops.deployed --at 2025-04
    """
    from osintlog.views import COMPARE_COLUMNS

    comparison = _ledger(ctx).compare(metric, at=at, rule=rule.value)
    _show(
        fmt,
        bool(comparison.rows),
        lambda: render.comparison_table(comparison),
        lambda: emit(comparison.records(), COMPARE_COLUMNS, fmt, sys.stdout),
    )


@app.command()
def metrics(ctx: typer.Context, fmt: FormatOption = OutputFormat.table) -> None:
    """Every metric: claims, sources, first and latest figure, and a sparkline of its course.

    Example: osintlog metrics --format csv
    """
    from osintlog.views import METRICS_COLUMNS

    rows = _ledger(ctx).metrics()
    _show(
        fmt,
        bool(rows),
        lambda: render.metrics_table(rows),
        lambda: _emit_rows(rows, METRICS_COLUMNS, fmt),
    )


sources_app = typer.Typer(
    cls=OsintlogGroup,
    invoke_without_command=True,
)
app.add_typer(sources_app, name="sources")


@sources_app.callback()
def sources(ctx: typer.Context, fmt: FormatOption = OutputFormat.table) -> None:
    """Every source: claims, metrics, standing rating, first and latest report.

    Example: osintlog sources; osintlog sources rate Reuters B
    """
    if ctx.invoked_subcommand is not None:
        return
    from osintlog.views import SOURCES_COLUMNS

    rows = _ledger(ctx).sources()
    _show(
        fmt,
        bool(rows),
        lambda: render.sources_table(rows),
        lambda: _emit_rows(rows, SOURCES_COLUMNS, fmt),
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
    reliability = _ledger(ctx).rate_source(name, grade)
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
    series = _ledger(ctx).chart_series(metric, source=source, since=since, until=until)
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
