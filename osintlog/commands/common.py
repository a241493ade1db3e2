"""What every command shares: the error boundary, the global options and the ledger they open,
the option types, and how a view is shown (its table for people, its rows for scripts).

The core and Rich are loaded at this one boundary: `core` and `render` are modules imported the
first time a command uses them, so that `--version` and `--help` start as fast as a bare Typer app.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo, TyperInfo

from osintlog.errors import OsintlogError
from osintlog.formats import OutputFormat, emit
from osintlog.lazy import lazy_module

if TYPE_CHECKING:
    from osintlog import api
    from osintlog import charts as charts_module
    from osintlog import render as render_module
    from osintlog import tables as tables_module

core: Any = lazy_module("osintlog.api")
render: render_module = lazy_module("osintlog.render")  # type: ignore[valid-type]
tables: tables_module = lazy_module("osintlog.tables")  # type: ignore[valid-type]
charts: charts_module = lazy_module("osintlog.charts")  # type: ignore[valid-type]

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


class OsintlogGroup(TyperGroup):
    """Turns the core's errors into one line on stderr and the design's exit code, and makes
    each command of `lazy` a Click command only when it is named (Click's lazy group).

    Typer turns every option of every command into Click's before anything runs (a tenth of
    the start-up); a subclass lists its commands in `lazy` instead, so that a run converts only
    the command it runs, and the list in `--help` reads each command's docstring alone.
    """

    lazy: ClassVar[Mapping[str, CommandInfo | TyperInfo]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        if self.lazy:
            self.commands = _MadeWhenNamed(self.lazy)

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:
        if not self.lazy:
            return super().format_commands(ctx, formatter)
        listed = [
            (name, TyperCommand(name, help=_docstring(entry)))
            for name, entry in self.lazy.items()
            if not _hidden(entry)
        ]
        limit = formatter.width - 6 - max(len(name) for name, _ in listed)
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry.get_short_help_str(limit)) for name, entry in listed])

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            args = global_options_first(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            done = super().invoke(ctx)
            if ctx.parent is None and isinstance(ctx.obj, Settings):
                ctx.obj.announce_new_ledger()
            return done
        except OsintlogError as error:
            _fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; the ledger is unchanged", 130)
        except typer.Abort:  # Ctrl-C or the end of input at a prompt
            typer.echo("", err=True)  # the prompt's line is left open
            _fail("interrupted; the ledger is unchanged", 130)
        except UnicodeEncodeError as error:  # an output's encoding, not the ledger
            _fail(_unwritable(error), 2)
        except (TypeError, KeyError, AttributeError, ValueError, IndexError) as error:
            # The last line of defence: what no check foresaw in a ledger edited by hand (merged
            # ledgers and imports are checked whole). One line, as every error; the details
            # with OSINTLOG_DEBUG=1.
            if os.environ.get("OSINTLOG_DEBUG"):
                raise
            _fail(
                f"osintlog met something it cannot read ({type(error).__name__}); if the ledger "
                "was edited by hand, osintlog verify names the entry (set OSINTLOG_DEBUG=1 for "
                "the details, and report it if verify passes)",
                2,
            )
        finally:
            if ctx.parent is None and "osintlog.render" in sys.modules:
                sys.modules["osintlog.render"].QUIET = False  # --quiet was for one command


def _unwritable(error: UnicodeEncodeError) -> str:
    """Why a character of the output cannot be written (stdout set to ASCII or a code page)."""
    return (
        f"the output's encoding ({error.encoding}) cannot write "
        f"U+{ord(error.object[error.start]):04X}: set "
        "PYTHONUTF8=1 (or PYTHONIOENCODING=utf-8) to write UTF-8, or export to a file with -o"
    )


class _MadeWhenNamed(MutableMapping[str, Any]):
    """A group's commands by name, each made a Click command the first time it is looked up."""

    def __init__(self, lazy: Mapping[str, CommandInfo | TyperInfo]) -> None:
        self.lazy = lazy
        self.made: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.made:
            self.made[name] = _click_command(self.lazy[name])
        return self.made[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.made[name] = command

    def __delitem__(self, name: str) -> None:
        del self.made[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(self.lazy), **dict.fromkeys(self.made)})

    def __len__(self) -> int:
        return len(self.lazy.keys() | self.made.keys())


def _click_command(entry: CommandInfo | TyperInfo) -> Any:
    from typer.main import get_command_from_info, get_group_from_info

    if isinstance(entry, TyperInfo):
        return get_group_from_info(
            entry, pretty_exceptions_short=True, suggest_commands=True, rich_markup_mode=None
        )
    return get_command_from_info(entry, pretty_exceptions_short=True, rich_markup_mode=None)


def _docstring(entry: CommandInfo | TyperInfo) -> str | None:
    if isinstance(entry, TyperInfo):
        callback = entry.typer_instance.registered_callback  # type: ignore[union-attr]
        return inspect.getdoc(callback.callback) if callback else None
    return inspect.getdoc(entry.callback)


def _hidden(entry: CommandInfo | TyperInfo) -> bool:
    return entry.hidden is True


def _fail(text: str, code: int) -> None:
    lines = [_UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], line) for line in text.split("\n")]
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(code)


# The options given before the command that take a value, and those that do not: they may also
# come after it (`osintlog list --db x.json -q`).
_GLOBAL_VALUES = ("--db", "--lock-timeout")
_GLOBAL_FLAGS = ("--quiet", "-q")


def global_options_first(args: list[str]) -> list[str]:
    """The arguments with `--db PATH`, `--lock-timeout S` and `--quiet` given after the command
    moved before it, where Click reads them (`osintlog list --db x.json`)."""
    front: list[str] = []
    rest: list[str] = []
    command_seen = False
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        name = arg.split("=", 1)[0]
        if command_seen and arg in _GLOBAL_FLAGS:
            front.append(arg)
            index += 1
            continue
        if name in _GLOBAL_VALUES:
            taken = 1 if "=" in arg else 2
            (front if command_seen else rest).extend(args[index : index + taken])
            index += taken
            continue
        command_seen = command_seen or not arg.startswith("-")
        rest.append(arg)
        index += 1
    return front + rest


class Settings:
    """The global options, handed to every command through the Typer context."""

    def __init__(self, db: Path | None, lock_timeout: float, quiet: bool = False) -> None:
        self.db = db
        self.lock_timeout = lock_timeout
        self.opened: list[api.Ledger] = []
        if quiet:
            from osintlog import render as rendering  # only then: a script's run needs no Rich

            rendering.QUIET = True

    def ledger(self, path: Path | None = None) -> api.Ledger:
        """The ledger at `path`, else --db's (else $OSINTLOG_DB's, else the default)."""
        ledger = core.Ledger(path or self.db, lock_timeout=self.lock_timeout)
        self.opened.append(ledger)
        return ledger

    def announce_new_ledger(self) -> None:
        """Say on stderr that the command created the ledger (a mistyped --db shows here)."""
        for ledger in self.opened:
            if ledger.created:
                render.message(f"created the ledger {ledger.path}")
                return


def settings_of(ctx: typer.Context) -> Settings:
    return ctx.find_object(Settings) or Settings(None, 10.0)


def ledger_of(ctx: typer.Context) -> api.Ledger:
    return settings_of(ctx).ledger()


def warn_of_unknown_sources(ledger: api.Ledger, source: str | list[str] | None) -> None:
    """A warning for each --source no claim gives: most often a typo, which would otherwise
    select nothing by it without a word (the view is shown all the same)."""
    for problem in ledger.unknown_sources(source):
        render.message(f"warning: {problem}")


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
