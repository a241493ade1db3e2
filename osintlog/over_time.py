"""compare --every: the comparison over time. Period by period, each source's latest figure at
the period's end (no older than the period, or than the max age), and each one's ratio to a
reference source, where the two count alike."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from osintlog.claims import Claim, fold_source
from osintlog.comparison import MaxAge
from osintlog.errors import BadInput
from osintlog.figures import Number
from osintlog.periods import (
    all_alike,
    counts_alike,
    days_between,
    is_plan,
    label_end,
    labels_between,
    of_one_period,
    period_of,
    timeline_day,
)
from osintlog.query import claim_order
from osintlog.views import SourceNames, point


@dataclass
class PeriodRow:
    """One period of `compare --every`: each source's figure as of the period's end (within the
    max age), and each one's ratio to the reference source."""

    metric: str
    period: str
    at: str
    figures: dict[str, Number | None] = field(default_factory=dict)
    # The as-of each figure is of (in the Python API; the table's note states the age rule).
    as_of: dict[str, str | None] = field(default_factory=dict)
    ratios: dict[str, float | None] = field(default_factory=dict)
    # Two of the figures do not count alike (`periods.counts_alike`): no ratio between them.
    spans_differ: bool = False
    # Of a per-period metric, two of the figures are of different periods (nights): no ratio
    # between them (in the machine formats, `spans_differ`).
    periods_differ: bool = False
    # Days between the earliest and the latest figure's place in the timeline.
    as_of_gap_days: int | None = None

    @property
    def running(self) -> bool:
        """Whether the period was still running on the day it was compared (`at`)."""
        return self.at < label_end(self.period)


@dataclass
class PeriodComparison:
    metric: str
    every: str
    sources: list[str]
    against: str | None
    max_age: str | None
    rows: list[PeriodRow]
    period: str | None = None  # a per-period metric's: figures covering more are left out
    plans_left_out: int = 0  # plans and forecasts (`periods.is_plan`), not compared

    def columns(self) -> list[str]:
        ratios = [f"{s} / {self.against}" for s in self.sources if s != self.against]
        shown = [*self.sources, *(ratios if self.against else [])]
        return ["metric", "period", "at", *shown, "spans_differ", "as_of_gap_days"]

    def records(self) -> list[dict[str, Any]]:
        return [
            {
                "metric": row.metric,
                "period": row.period,
                "at": row.at,
                **row.figures,
                **{f"{s} / {self.against}": r for s, r in row.ratios.items()},
                "spans_differ": row.spans_differ or row.periods_differ,
                "as_of_gap_days": row.as_of_gap_days,
            }
            for row in self.rows
        ]


def compare_every(
    claims: Iterable[Claim],
    metric: str,
    every: str,
    against: str | None = None,
    max_age: MaxAge | None = None,
    period: str | None = None,
    today: str | None = None,
) -> PeriodComparison:
    """The comparison over time: per period, each source's latest figure sitting on or before
    the period's end — and no older than `max_age`, by default no older than the period
    itself (a figure from an earlier period is not this period's) — and, `against` a source,
    each other source's figure divided by that source's. Of a per-period metric (of
    `period`), figures that cover more than one period are left out.

    The period still running on `today` is compared on `today`, not at its end: a figure of
    yesterday is a day old, not as old as it will be when the period ends."""
    claims = sorted(of_one_period(list(claims), period), key=claim_order)
    plans = sum(map(is_plan, claims))
    claims = [claim for claim in claims if not is_plan(claim)]
    names = SourceNames(claims)
    series: dict[str, list[tuple[str, Claim]]] = defaultdict(list)
    for claim in claims:
        day = timeline_day(claim["as_of"], claim["reported"])
        series[fold_source(claim["source"])].append((day, claim))
    reference = _reference(against, names) if against else None
    sources = [names.names[key] for key in series]
    days = [day for pairs in series.values() for day, _ in pairs]
    rows = []
    previous_end: str | None = None
    for label in labels_between(min(days), max(days), every) if days else []:
        end = min(label_end(label), today) if today else label_end(label)
        oldest = max_age.oldest_day(end) if max_age else _day_after(previous_end)
        row = PeriodRow(metric, label, end)
        days_known = []
        for key, pairs in series.items():
            found = _latest_on(pairs, end, oldest)
            claim = found[1] if found else None
            row.figures[names.names[key]] = point(claim) if claim else None
            row.as_of[names.names[key]] = claim["as_of"] if claim else None
            days_known += [found[0]] if found else []
        known = [as_of for as_of in row.as_of.values() if as_of]
        row.spans_differ = not period and not all_alike(known)
        row.periods_differ = bool(period) and len({period_of(a, period) for a in known}) > 1
        row.as_of_gap_days = days_between(min(days_known), max(days_known)) if known else None
        if reference:
            row.ratios = _ratios(row, names.names[reference], period)
        rows.append(row)
        previous_end = end
    shown_against = names.names[reference] if reference else None
    age = max_age and max_age.text
    found = PeriodComparison(metric, every, sources, shown_against, age, rows, period)
    found.plans_left_out = plans
    return found


def _ratios(row: PeriodRow, reference: str, period: str | None) -> dict[str, float | None]:
    """Each other source's figure divided by the reference's, where both are known and count
    alike; of a per-period metric, where both are of the same period (one night's figure
    divided by another night's would be time, not disagreement)."""
    base, base_as_of = row.figures[reference], row.as_of[reference]
    ratios: dict[str, float | None] = {}
    for name, value in row.figures.items():
        as_of = row.as_of[name]
        if name == reference:
            continue
        if value is None or not base or as_of is None or base_as_of is None:
            ratios[name] = None
        elif period:
            same = period_of(as_of, period) == period_of(base_as_of, period)
            ratios[name] = round(value / base, 2) if same else None
        else:
            ratios[name] = round(value / base, 2) if counts_alike(as_of, base_as_of) else None
    return ratios


def _reference(against: str, names: SourceNames) -> str:
    key = fold_source(against)
    if key not in names.names:
        known = ", ".join(sorted(names.names.values()))
        raise BadInput(
            f'--against "{against}": no claim of this metric is from it; its sources: {known}'
        )
    return key


def _day_after(day: str | None) -> str | None:
    if day is None:
        return None
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _latest_on(
    pairs: Sequence[tuple[str, Claim]], end: str, oldest: str | None
) -> tuple[str, Claim] | None:
    """The latest of a source's (day, claim) pairs sitting on or before `end`, if it is not
    older than `oldest`."""
    index = bisect.bisect_right(pairs, end, key=lambda pair: pair[0])
    if not index:
        return None
    day, claim = pairs[index - 1]
    return None if oldest is not None and day < oldest else (day, claim)
