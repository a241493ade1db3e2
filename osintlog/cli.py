"""The Typer app: the global options, each command's module put on it, and `run`, the command
line to its exit code (the executable around it is `osintlog.__main__`). The commands themselves
are in `osintlog.commands`; each parses its options, makes one call to the API
(`osintlog.api.Ledger`) and hands the result to render or `formats.emit`."""

from pathlib import Path
from typing import Annotated, ClassVar

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


def run() -> int | str | None:
    """The command line, to the end: its exit code. Ctrl-C is one line on stderr and 130; output
    that cannot be written is left to the executable (`osintlog.__main__`)."""
    try:
        app()
    except SystemExit as finished:
        return finished.code
    except KeyboardInterrupt:
        typer.echo("error: interrupted; the ledger is unchanged", err=True)
        return 130
    return 0
