"""The active claims counted in groups, by their source's name as written: what the list of
every source needs (`views.source_summaries`), rather than every claim. Worked out here from the
claims, or by the store in a query where it can (`SqliteStore.claim_groups`, which a property
test holds to `claim_groups`): one answer either way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from osintlog.claims import Claim


@dataclass
class ClaimGroups:
    """(source, metric) -> (claims, the earliest logged_at); (source, reported) -> the
    positions of the first and the last of those claims in the ledger's order (any numbers
    that keep that order)."""

    by_metric: dict[tuple[str, str], tuple[int, str]]
    by_report: dict[tuple[str, str], tuple[int, int]]


def claim_groups(claims: Iterable[Claim]) -> ClaimGroups:
    """The groups of these claims, given in the ledger's order."""
    by_metric: dict[tuple[str, str], tuple[int, str]] = {}
    by_report: dict[tuple[str, str], tuple[int, int]] = {}
    for position, claim in enumerate(claims):
        source, logged = claim["source"], claim["logged_at"]
        key = (source, claim["metric"])
        before = by_metric.get(key)
        by_metric[key] = (1, logged) if before is None else (before[0] + 1, min(before[1], logged))
        report = (source, claim["reported"])
        span = by_report.get(report)
        by_report[report] = (position, position) if span is None else (span[0], position)
    return ClaimGroups(by_metric, by_report)
