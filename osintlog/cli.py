"""The Typer app: the global options, each command's module put on it, and the executable's way
in and out. The commands themselves are in `osintlog.commands`; each parses its options, makes
one call to the API (`osintlog.api.Ledger`) and hands the result to render or `formats.emit`."""

import contextlib
import gc
import os
import sys
from pathlib import Path
from typing import Annotated, ClassVar, NoReturn

import typer
from typer.models import CommandInfo, TyperInfo

from osintlog import __version__
from osintlog.commands import catalogue, claims, files, upkeep, views
from osintlog.commands.common import OsintlogGroup, Settings


class Commands(OsintlogGroup):
    """osintlog's commands, in the order `--help` lists them, each made when it is named."""

    lazy: ClassVar[dict[str, CommandInfo | TyperInfo]] = {
        info.name: info
        for info in (
            CommandInfo("add", callback=claims.add),
            CommandInfo("list", callback=claims.list_claims),
            CommandInfo("show", callback=claims.show),
            CommandInfo("info", callback=upkeep.info),
            CommandInfo("import", callback=files.import_claims),
            CommandInfo("export", callback=files.export),
            CommandInfo("amend", callback=claims.amend),
            CommandInfo("retract", callback=claims.retract),
            CommandInfo("history", callback=claims.history),
            CommandInfo("verify", callback=upkeep.verify),
            CommandInfo("merge", callback=upkeep.merge),
            CommandInfo("copy", callback=upkeep.copy),
            CommandInfo("extract", callback=files.extract_claims),
            CommandInfo("diff", callback=views.diff),
            CommandInfo("compare", callback=views.compare),
            CommandInfo("git-merge-driver", callback=upkeep.git_merge_driver, hidden=True),
            TyperInfo(catalogue.metrics_app, name="metrics"),
            CommandInfo("chart", callback=views.chart),
            TyperInfo(catalogue.sources_app, name="sources"),
        )
    }


app = typer.Typer(
    cls=Commands,
    help="A ledger of figures quoted in open-source reporting: who claimed what, when, how sure.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No messages on stderr but warnings and errors."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_show_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    if not 0 <= lock_timeout <= 86_400:
        raise typer.BadParameter("give seconds from 0 to 86400", param_hint="--lock-timeout")
    ctx.obj = Settings(db.expanduser() if db else None, lock_timeout, quiet)


def main() -> None:
    """The `osintlog` executable.

    A command is a short-lived process that builds large trees of claims and leaves no cycles
    behind, so the cyclic garbage collector (which would rescan those trees again and again
    during a large import) is turned off; reference counting frees memory as usual. Output that
    cannot be written (a full disk) is one line on stderr and exit code 2, as any other error.
    """
    gc.disable()
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
