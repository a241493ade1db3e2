"""Commands on the ledger as a whole: info, verify, merge, the git merge driver."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from osintlog.commands.common import (
    core,
    ledger_of,
    render,
    settings_of,
)
from osintlog.errors import BadInput, VerifyFailed


class InfoFormat(str, Enum):
    table = "table"
    json = "json"


def info(
    ctx: typer.Context,
    fmt: Annotated[
        InfoFormat, typer.Option("--format", "-f", help="table or json.")
    ] = InfoFormat.table,
) -> None:
    """Where the ledger is, how big, and what it holds.

    Example: osintlog info
    """
    details = ledger_of(ctx).info()
    if fmt == InfoFormat.table:
        return render.print_table(render.info_table(details))
    from osintlog.formats import emit_object

    emit_object({**vars(details), "path": str(details.path)}, sys.stdout)


def verify(ctx: typer.Context) -> None:
    """Check the hash chain, every id against its content, and the schema; exit 1 on a fault.

    Example: osintlog verify && git commit ledger.json
    """
    ledger = ledger_of(ctx)
    problem = ledger.verify()
    if problem is not None:
        raise VerifyFailed(f"{ledger.path}: {problem}")
    for warning in ledger.warnings():
        render.message(f"warning: {warning}")


def merge(
    ctx: typer.Context,
    other: Annotated[Path, typer.Argument(metavar="OTHER_LEDGER", help="Another ledger file.")],
    dry_run: Annotated[bool, typer.Option(help="Say what would change; write nothing.")] = False,
) -> None:
    """Append the entries of another ledger that this one lacks, keeping their ids and authors;
    names each amendment and retraction of a claim you held.

    Example: osintlog merge --dry-run ../colleague/ledger.json
    """
    report = ledger_of(ctx).merge(other, dry_run=dry_run)
    render.print_lines(report.changes)
    if report.dry_run:
        render.message(
            f"dry run: would merge {render.plural(report.added, 'entry', 'entries')} from {other}"
        )
    else:
        render.message(f"merged {render.plural(report.added, 'entry', 'entries')} from {other}")


def copy(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="[FROM] TO", help="The ledger to copy (else --db), a new file."),
    ],
) -> None:
    """Copy the whole ledger into a new file, in the store its name chooses: *.sqlite or *.db
    for SQLite, else the JSON file. Ids, hashes and the chain are kept; verify passes on both.

    Example: osintlog copy ledger.json ledger.sqlite
    """
    if len(paths) > 2:
        raise BadInput("copy takes FROM and TO, or TO alone (FROM is then --db)")
    settings = settings_of(ctx)
    if len(paths) == 2 and settings.db is not None and settings.db != paths[0]:
        raise BadInput(f"copy {paths[0]} or --db {settings.db}: give the ledger to copy once")
    source = settings.ledger(paths[0] if len(paths) == 2 else None)
    copied = source.copy_to(paths[-1])
    render.message(f"copied {render.plural(copied, 'entry', 'entries')} to {paths[-1]}")


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
