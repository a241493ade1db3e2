"""What every command shares: the error boundary, the global options and the ledger they open,
the option types, and how a view is shown (its table for people, its rows for scripts).

The core and Rich are loaded at this one boundary: `core` and `render` are modules imported the
first time a command uses them, so that `--version` and `--help` start as fast as a bare Typer app.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from osintlog.errors import BadClaim, OsintlogError
from osintlog.formats import OutputFormat, emit
from osintlog.lazy import lazy_module

if TYPE_CHECKING:
    from osintlog import api
    from osintlog import render as render_module

core: Any = lazy_module("osintlog.api")
render: render_module = lazy_module("osintlog.render")  # type: ignore[valid-type]

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


class Settings:
    """The global options, handed to every command through the Typer context."""

    def __init__(self, db: Path | None, lock_timeout: float) -> None:
        self.db = db
        self.lock_timeout = lock_timeout

    def ledger(self) -> api.Ledger:
        return core.Ledger(self.db, lock_timeout=self.lock_timeout)


def ledger_of(ctx: typer.Context) -> api.Ledger:
    return (ctx.find_object(Settings) or Settings(None, 10.0)).ledger()


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
    int | None, typer.Option(min=1, help="Only the N latest claims (in timeline order).")
]


def date_order(dayfirst: bool, monthfirst: bool) -> str | None:
    if dayfirst and monthfirst:
        raise BadClaim("--dayfirst and --monthfirst contradict each other; give one")
    return "dayfirst" if dayfirst else "monthfirst" if monthfirst else None


def claim_options(**fields: Any) -> dict[str, Any]:
    """The claim fields that `add` and `amend` take as options; `tags` from --tag."""
    fields["tags"] = fields.pop("tag") or []
    return fields


def show_view(fmt: str, found: bool, table: Callable[[], Any], write: Callable[[], None]) -> None:
    """A view in the format asked for: its rows for scripts, else its table (or a word that
    nothing matched)."""
    if fmt != OutputFormat.table:
        write()
    elif found:
        render.print_table(table())
    else:
        render.message("no claims match")


def emit_rows(rows: list[Any], columns: list[str], fmt: str) -> None:
    from osintlog.views import records

    emit(records(rows), columns, fmt, sys.stdout)


def claim_columns() -> tuple[str, ...]:
    from osintlog.fields import EXPORT_COLUMNS

    return EXPORT_COLUMNS
