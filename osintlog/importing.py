"""An import end to end: a file's rows read and checked (on every core when it is large), chained
and written once — all of them or none — or, on a dry run, only counted.

The order of its steps is part of its speed and its safety, and lives here alone:
1. The file's bytes are read, its header checked, and the rows cut into parts; the bytes are let
   go before any process is forked, so that no child copies them.
2. The workers are forked (`build_claims`) before anything starts a thread: a child forked
   while another thread holds a lock could wait on it forever.
3. Only then does `progress` start (a Rich progress bar imports 50 ms of modules and starts a
   thread to redraw itself, which the workers need none of).
4. The ledger is read and locked, and each part is chained and written as it comes back, in file
   order (`ledger.Ledger.append`), each entry passing `integrity.ImportChecks` (references, one
   unit per metric, claims beside others counted) there, in that order; the new file replaces
   the ledger once every row has passed.
   With bad rows and no `skip_invalid`, the import is refused after every row was checked, so
   that the message names them all, and nothing is written.
5. A CSV file whose cuts fell inside a record (a quote in an unquoted cell) is found out by the
   part that read it, and the whole import runs again in one process.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from osintlog import integrity, workers
from osintlog.chain import AppendResult, SerialisedEntries
from osintlog.claims import Claim, Context, build_claim, with_status
from osintlog.errors import BadClaim, BadInput, MisalignedParts, OsintlogError
from osintlog.formats import InputFormat, format_for, read_rows
from osintlog.ledger import Ledger

if TYPE_CHECKING:
    from osintlog.formats import Row, Rows

# In one process, the rows are checked about this many at a time (`formats.part_ends`): its
# memory is one part's claims.
ROWS_IN_TURN = 5_000
Part = TypeVar("Part")
Parts = Iterator[tuple[SerialisedEntries, list[str]]]
# Called once the workers are forked, with the number of rows and the columns left out; gives
# the callback that hears how many rows have been checked, for as long as the import runs.
Progress = Callable[[int, list[str]], AbstractContextManager[Callable[[int], None]]]


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    added: int = 0  # claims new to the ledger
    already: int = 0  # claims it held already
    errors: list[str] = field(default_factory=list)  # bad rows, each with its file:line
    ignored: list[str] = field(default_factory=list)  # columns osintlog does not know
    dry_run: bool = False
    # New claims beside an active claim (or an earlier row) of the same metric, source, as-of.
    similar: int = 0


def import_claims(
    ledger: Ledger,
    name: str,
    read: Callable[[], bytes],
    context: Context,
    *,
    fmt: InputFormat | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the claims in the bytes `read` gives (any `InputFormat`, by `fmt`, else the
    name's extension, else the content); `name` is how messages name the file. The bytes are
    asked for here, so that no caller holds them while the workers are forked (step 1)."""
    data = read()
    rows = read_rows(name, data, format_for(name, data, fmt))
    del data  # the rows hold the text: see step 1
    count = rows.count  # of a CSV file, its lines: counted once
    run = _Run(ledger, rows, context, skip_invalid, dry_run)
    processes = workers.worker_count(count)
    parts = run.check(processes, 1 if processes > 1 else -(-count // ROWS_IN_TURN))
    starting = progress(count, rows.ignored) if progress else contextlib.nullcontext(None)
    with starting as advance:
        run.progress = advance or (lambda done: None)
        try:
            result = run.append(parts)
        except MisalignedParts:  # see step 5
            run = _Run(ledger, rows, context, skip_invalid, dry_run, run.progress)
            result = run.append(run.check(1, 1))
    added = result.claims_written
    report = ImportReport(added, run.claims - added, run.errors, rows.ignored, dry_run)
    report.similar = run.checks.similar
    return report


class _Run:
    """An import's rows checked and appended as they are checked, its claims and bad rows
    counted; with bad rows, and without skip_invalid, refused once all are checked."""

    def __init__(
        self,
        ledger: Ledger,
        rows: Rows,
        context: Context,
        skip_invalid: bool,
        dry_run: bool,
        progress: Callable[[int], None] = lambda done: None,
    ) -> None:
        self.ledger, self.rows, self.context = ledger, rows, context
        self.skip_invalid, self.dry_run, self.progress = skip_invalid, dry_run, progress
        self.claims = 0
        self.errors: list[str] = []
        self.checks = integrity.ImportChecks()

    def check(self, processes: int, parts: int) -> Parts:
        """The parts as they are checked: with more than one process, they start now; in one,
        the rows are read in `parts` parts in turn."""
        finish = functools.partial(integrity.serialised_import_entries, kept=self.ledger.kept)
        report = lambda done: self.progress(done)  # noqa: E731 (the callback is set later)
        return build_claims(self.rows, self.context, finish, report, processes, max(parts, 1))

    def append(self, parts: Parts) -> AppendResult:
        """Each part as it is checked, while the ledger is read and locked; all or nothing."""
        entries = self._entries(parts)
        if self.dry_run:
            return _counted(self.ledger, entries, self.checks)
        return self.ledger.append(entries, self.context.now, self.checks)

    def _entries(self, parts: Parts) -> Iterator[SerialisedEntries]:
        for part, errors in parts:
            self.errors.extend(errors)
            self.claims += part.kinds.count("claim")
            self.checks.brought.update(part.ids)
            yield part
        if self.errors and not self.skip_invalid:
            raise BadInput(_refusal(self.errors, self.claims))


def _counted(
    ledger: Ledger, parts: Iterator[SerialisedEntries], checks: integrity.ImportChecks
) -> AppendResult:
    """What an import would add: the entries the ledger lacks, checked as the import checks
    them (nothing is written)."""
    snapshot = ledger.read()
    known, check = snapshot.ids(), checks(snapshot)
    result = AppendResult([], [])
    for part in parts:
        part.checked_new(known, check, result)
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


def build_claims(
    rows: Rows,
    context: Context,
    finish: Callable[[Iterable[Claim]], Part],
    progress: Callable[[int], None] | None = None,
    processes: int = 1,
    parts: int = 1,
) -> Iterator[tuple[Part, list[str]]]:
    """Validate every row, a part of the file at a time: for each part, in order, what `finish`
    makes of its claims, and one message per bad row naming its location.

    `finish` is given each claim as it is built, and should let it go (an import serialises
    it): a claim is a dict of two dozen fields, and building, serialising and dropping each in
    turn keeps the memory it takes the same few pages. A retracted row keeps its status
    (`with_status`). With `processes` above 1 the parts are read and checked in that many
    processes, started at once (see `workers.stream_parts`), `finish` too, with the same
    outcome; a CSV file whose cuts fall inside a record then raises MisalignedParts, and must be
    read with one. `progress` hears of the rows checked. In one process the rows are read in
    `parts` parts, one after the other.
    """
    if processes < 2:
        return _in_turn(rows.parts(parts), context, finish, progress)

    def check(part: Iterable[Row], index: int) -> tuple[Part, list[str], int]:
        return _finished(part, context, finish)

    results = workers.stream_parts(check, rows.parts(processes * workers.PARTS_EACH), processes)
    return _reported(results, progress)


def _in_turn(
    parts: list[Iterable[Row]],
    context: Context,
    finish: Callable[[Iterable[Claim]], Part],
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[Part, list[str]]]:
    return _reported((_finished(part, context, finish) for part in parts), progress)


def _finished(
    part: Iterable[Row], context: Context, finish: Callable[[Iterable[Claim]], Part]
) -> tuple[Part, list[str], int]:
    """What `finish` makes of a part's claims, its bad rows' messages, and how many rows it has.
    The part is read whole, then checked: reading row by row between the checks was slower."""
    rows = list(part)
    errors: list[str] = []
    return finish(_checked_rows(rows, context, errors)), errors, len(rows)


def _reported(
    results: Iterable[tuple[Part, list[str], int]], progress: Callable[[int], None] | None
) -> Iterator[tuple[Part, list[str]]]:
    checked = 0
    for result, errors, count in results:
        checked += count
        if progress is not None:
            progress(checked)
        yield result, errors


def _checked_rows(rows: Iterable[Row], context: Context, errors: list[str]) -> Iterator[Claim]:
    """The claim of each good row, as it is built; a message naming a bad row's location goes
    to `errors`."""
    for location, row in rows:
        try:
            if type(row) is not dict and not isinstance(row, Mapping):  # the quick test first
                raise BadClaim(f"expected an object with claim fields, not {type(row).__name__}")
            claim = build_claim(row, context)
            if row.get("status"):  # the call only where there is one: imports run this per row
                with_status(claim, row)
        except OsintlogError as error:
            errors.append(f"{location}: {error}")
            continue
        yield claim
