"""The active claims counted in groups — by metric, source name (as written) and unit, and by
source and report date — and the few whole claims the lists of every metric and source and
`diff` alone read beside them, where a store counts them in queries (`SqliteStore.counted`)
rather than handing over every claim. The views that take them (`views.counted_*`,
`timeline.source_changes`) answer as those that take every claim do: a property test holds
them to it (tests/test_sqlite_store.py)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from osintlog.claims import Claim, fold_source

if TYPE_CHECKING:
    from osintlog.declarations import Declarations


@dataclass
class Group:
    """The active claims of one metric, source name and unit."""

    claims: int
    logged: str  # the earliest logged_at
    seen: int  # the position of the first in the ledger's order
    first: tuple[str, int]  # (order key, position) of the first in timeline order
    last: tuple[str, int]  # of the last


@dataclass
class ClaimGroups:
    """(metric, source, unit or "") -> Group; (source, reported) -> the positions of the first
    and the last of those claims. A position is any number that keeps the ledger's order."""

    by_metric: dict[tuple[str, str, str], Group]
    by_report: dict[tuple[str, str], tuple[int, int]]


class Claims(Protocol):
    """Whole active claims, by the positions their groups give."""

    def at(self, positions: Collection[int]) -> dict[int, Claim]:
        """The claims at these positions."""
        ...

    def counts(self) -> tuple[int, dict[str, int]]:
        """The ledger's entries, and its claims by status (`ledger.Snapshot.status`)."""
        ...

    def series(self, metric: str, sources: Collection[str]) -> list[Claim]:
        """The claims of a metric from these source names (as written), in timeline order."""
        ...

    def steps(
        self, series: Mapping[tuple[str, str], Collection[str]]
    ) -> dict[tuple[str, str], tuple[int, int]]:
        """For each series — (metric, a name for it) -> its source names as written — how often
        its figure rose and fell, claim to claim (`timeline.steps`)."""
        ...


@dataclass
class SourceSeries:
    """One source's active claims of a metric, as the views take sources (an alias under the
    source it stands for, spellings alike as one), counted from its groups."""

    key: str  # the source, folded
    names: set[str] = field(default_factory=set)  # its names as the claims write them
    claims: int = 0
    seen: int = -1  # the position of its first claim in the ledger's order
    first: tuple[str, int] = ("\uffff", 0)  # (order key, position) of its first in the timeline
    last: tuple[str, int] = ("", 0)  # of its last

    def add(self, source: str, group: Group) -> None:
        self.names.add(source)
        self.claims += group.claims
        self.seen = group.seen if self.seen < 0 else min(self.seen, group.seen)
        self.first, self.last = min(self.first, group.first), max(self.last, group.last)


def series_by_source(
    groups: ClaimGroups, declared: Declarations
) -> dict[str, dict[str, SourceSeries]]:
    """metric -> source (folded) -> its series."""
    found: dict[str, dict[str, SourceSeries]] = {}
    for (metric, source, _), group in groups.by_metric.items():
        key = fold_source(declared.canonical_name(source))
        found.setdefault(metric, {}).setdefault(key, SourceSeries(key)).add(source, group)
    return found
