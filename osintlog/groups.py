"""The active claims counted in groups — by metric, source name (as written) and unit, and by
source and report date — and the few whole claims the lists of every metric and every source
read beside them (`views.metric_summaries`, `views.source_summaries`), rather than every claim.
Worked out here from the claims (`claim_groups`, `ListedClaims`), or by the store in queries
where it can (`SqliteStore.counted`, which a property test holds to these): one answer either
way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from osintlog.claims import Claim
from osintlog.query import order_key


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

    def series(self, metric: str, sources: Collection[str]) -> list[Claim]:
        """The claims of a metric from these source names (as written), in timeline order."""
        ...

    def steps(
        self, series: Mapping[tuple[str, str], Collection[str]]
    ) -> dict[tuple[str, str], tuple[int, int]]:
        """For each series — (metric, a name for it) -> its source names as written — how often
        its figure rose and fell, claim to claim (`timeline.steps`)."""
        ...


def claim_groups(claims: Sequence[Claim]) -> ClaimGroups:
    """The groups of these claims, given in the ledger's order (positions: their indexes)."""
    by_metric: dict[tuple[str, str, str], Group] = {}
    by_report: dict[tuple[str, str], tuple[int, int]] = {}
    for position, claim in enumerate(claims):
        source, logged = claim["source"], claim["logged_at"]
        at = (order_key(claim), position)
        key = (claim["metric"], source, claim["unit"] or "")
        group = by_metric.get(key)
        if group is None:
            by_metric[key] = Group(1, logged, position, at, at)
        else:
            group.claims += 1
            group.logged = min(group.logged, logged)
            group.first, group.last = min(group.first, at), max(group.last, at)
        report = (source, claim["reported"])
        span = by_report.get(report)
        by_report[report] = (position, position) if span is None else (span[0], position)
    return ClaimGroups(by_metric, by_report)


class ListedClaims:
    """`Claims` of a list of active claims in the ledger's order (positions: indexes)."""

    def __init__(self, claims: Sequence[Claim]) -> None:
        self.claims = claims
        self._by_metric: dict[tuple[str, str], list[int]] | None = None

    def at(self, positions: Collection[int]) -> dict[int, Claim]:
        return {position: self.claims[position] for position in positions}

    def series(self, metric: str, sources: Collection[str]) -> list[Claim]:
        if self._by_metric is None:
            self._by_metric = defaultdict(list)
            for position, claim in enumerate(self.claims):
                self._by_metric[(claim["metric"], claim["source"])].append(position)
        chosen = sorted(p for source in sources for p in self._by_metric.get((metric, source), ()))
        return sorted((self.claims[p] for p in chosen), key=order_key)

    def steps(
        self, series: Mapping[tuple[str, str], Collection[str]]
    ) -> dict[tuple[str, str], tuple[int, int]]:
        from osintlog.timeline import steps  # which imports this module

        return {name: steps(self.series(name[0], names)) for name, names in series.items()}
