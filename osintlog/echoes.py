"""Two names for one source, or one source relayed as another: sources whose figures are the
same on every date both give, on enough dates that chance is unlikely. Compared as two, they
would count one voice twice (a consensus of three that is one source's figure); `compare`
warns of them, and `sources alias` makes them one."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import combinations

from osintlog.claims import Claim
from osintlog.figures import Number
from osintlog.views import point

# Dates both sources give a figure for, every one the same, before they are said to echo.
SHARED_DATES = 3


def echoes(by_source: Mapping[str, Sequence[Claim]]) -> list[tuple[str, str, int]]:
    """Each pair of sources (as the mapping names them, in order of name) whose figures agree
    on every as-of both give, on at least SHARED_DATES of them: (one, the other, how many
    dates). Taken date by date: sources that never give the same date cost nothing."""
    by_day: dict[str, dict[str, Number | None]] = defaultdict(dict)
    for name, claims in by_source.items():
        for claim in claims:
            by_day[claim["as_of"]][name] = point(claim)
    shared: Counter[tuple[str, str]] = Counter()
    same: Counter[tuple[str, str]] = Counter()
    for figures in by_day.values():
        if len(figures) > 1:
            for (one, first), (other, second) in combinations(sorted(figures.items()), 2):
                shared[one, other] += 1
                same[one, other] += first == second
    return [
        (one, other, dates)
        for (one, other), dates in sorted(shared.items())
        if dates >= SHARED_DATES and same[one, other] == dates
    ]
