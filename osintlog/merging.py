"""A merge: the entries of another ledger that this one lacks, checked as this ledger's own
(both must pass `verify`; one unit per metric), appended in one atomic write, and each change
they make to claims this ledger held, in words. The other ledger is only read."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from osintlog import integrity, ledger
from osintlog.errors import BadInput
from osintlog.formats import check_input_file


@dataclass
class MergeReport:
    """What `merge` did (or, on a dry run, would do): how many entries it appended, and each
    change they make to claims the ledger held, in words."""

    added: int
    changes: list[str]
    dry_run: bool = False


def merge(
    ours: ledger.Ledger, other: Path, now: Callable[[], str], *, dry_run: bool = False
) -> MergeReport:
    """Append to `ours` the entries of the ledger at `other` that it lacks; `now` gives the
    time a new ledger's header records (asked only when the merge writes)."""
    try:
        check_input_file(other, other.stat())
    except OSError as error:
        raise BadInput(f"cannot read {other}: {error.strerror}") from error
    theirs = ledger.Ledger(other, ours.lock_timeout).read_only()
    problem = integrity.verify(theirs)
    if problem is not None:
        raise BadInput(f"refusing to merge {other}: it fails verify: {problem}")

    def check(snapshot: ledger.Snapshot) -> Callable[[Mapping[str, Any]], None]:
        fault = integrity.verify(snapshot)
        if fault is not None:
            raise BadInput(f"refusing to merge into {ours.path}: it fails verify: {fault}")
        return integrity.check_units(snapshot)

    current = ours.read()
    entries = integrity.missing_entries(current, theirs)
    changes = integrity.changes_to(current, entries)
    if dry_run:
        each = check(current)
        for entry in entries:
            each(entry)
        return MergeReport(len(entries), changes, dry_run=True)
    added = ours.append(entries, now(), check).added
    return MergeReport(len(added), changes)
