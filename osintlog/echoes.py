"""Two names for one source, or one source relayed as another: sources whose figures are the
same on every date both give, on enough dates that chance is unlikely, and names that may be one
source's ("NIS" and "the National Intelligence Service (NIS)", "General Staff" and "Ukraine's
General Staff"). Compared as two, they would count one voice twice (a consensus of three that is
one source's figure); `compare` warns of them, and `sources alias` makes them one."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import combinations

from osintlog.attribution import abbreviations, is_short_for
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


def namesakes(names: Sequence[str]) -> list[tuple[str, str]]:
    """Each pair of names (the shorter first) where one may be a short name for the other: an
    abbreviation, or the other's head (`attribution.is_short_for`)."""
    ordered = sorted(names, key=lambda name: (len(name), name))
    by_word: dict[str, set[int]] = defaultdict(set)  # a head's last word is one of the name's
    by_abbreviation: dict[str, set[int]] = defaultdict(set)
    for index, name in enumerate(ordered):
        for word in name.lower().split():
            by_word[word].add(index)
        for abbreviation in abbreviations(name):
            by_abbreviation[abbreviation].add(index)
    found = []
    for index, short in enumerate(ordered):
        candidates = by_word[short.lower().split()[-1]] | by_abbreviation.get(short, set())
        found += [
            (short, ordered[later])
            for later in sorted(candidates)
            if later > index and is_short_for(short, ordered[later])
        ]
    return found
