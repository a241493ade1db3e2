"""compare: on a given date, do the sources agree? Each source's latest claim on or before the
date and its age, stale sources shown but left out of the consensus (the same comparison period
by period is `over_time`'s).

Of a per-period metric only figures of one period are compared: a figure whose as-of covers
more (June's total of a per-day metric) is another quantity. A source's latest figure of one
period is compared; a source with none is shown, its latest figure marked and left out."""

from __future__ import annotations

import functools
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from osintlog.claims import Claim, fold_source
from osintlog.dates import parse_date
from osintlog.echoes import echoes, namesakes
from osintlog.errors import BadClaim, BadDate
from osintlog.figures import Number, display_of
from osintlog.periods import (
    counts_alike,
    days_between,
    is_plan,
    of_one_period,
    period_end,
    period_of,
    period_start,
    span_days,
    timeline_day,
)
from osintlog.query import claim_order
from osintlog.views import SourceNames, course, effective_rating, point, rating_rank, tidy


def by_metric(claims: Iterable[Claim]) -> dict[str, list[Claim]]:
    """Claims by their metric, the metrics in order (a glob's comparisons, one per metric)."""
    grouped: dict[str, list[Claim]] = {}
    for claim in claims:
        grouped.setdefault(claim["metric"], []).append(claim)
    return dict(sorted(grouped.items()))


RULES = ("median", "lowest", "best-rated")
# A source stands out when its latest figure is more than this far from the consensus; only
# said with at least OUTLIER_SOURCES fresh sources (with two, their ratio says more).
OUTLIER_DISTANCE = 0.5
OUTLIER_SOURCES = 3
# The footer warns when the as-of dates of the figures compared lie more days apart than this.
FAR_APART_DAYS = 7

COMPARE_COLUMNS = (
    "source claims first_as_of latest_as_of latest_id latest_value latest_low latest_high "
    "latest_best min max rating outlier latest_point distance_pct consensus rule spread "
    "age_days stale metric at as_of_gap_days longer_than_period plans_left_out other_span "
    "in_consensus totals_left_out later_other_span"
).split()

_AGE = re.compile(r"(\d{1,9})\s*(d|days?|w|weeks?|m|months?|y|years?)", re.IGNORECASE)
_AGE_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}


@dataclass(frozen=True)
class MaxAge:
    """How old a source's latest figure may be and still count: `30d`, `2w`, `6m`, `1y`."""

    text: str
    span: relativedelta

    @classmethod
    def parse(cls, text: str | timedelta) -> MaxAge:
        """`30d`, `2 weeks`, `6m`, `1y`; from Python, a `datetime.timedelta` of whole days too."""
        if isinstance(text, timedelta) and text.days > 0 and text == timedelta(days=text.days):
            return cls(f"{text.days}d", relativedelta(days=text.days))
        match = _AGE.fullmatch(text.strip()) if isinstance(text, str) else None
        if not match or int(match[1]) == 0:
            raise BadClaim(
                f'--max-age "{text}": give days, weeks, months or years: 30d, 2w, 6m, 1y'
            )
        unit = _AGE_UNITS[match[2][0].lower()]
        return cls(f"{int(match[1])}{unit[0]}", relativedelta(**{unit: int(match[1])}))

    @classmethod
    def of_period(cls, period: str) -> MaxAge:
        """A per-period metric's default: only figures of the period the date is in (a night's
        or a day's, that day's; a week's, the 7 days to it; a month's, the month to it)."""
        spans = {
            "night": relativedelta(),
            "day": relativedelta(),
            "week": relativedelta(days=6),
            "month": relativedelta(months=1, days=-1),
        }
        return cls(f"one {period}", spans[period])

    def oldest_day(self, at: str) -> str:
        """The earliest timeline day a figure may sit on and count at `at` (an age longer
        than the calendar goes back lets every figure count)."""
        try:
            return (date.fromisoformat(at) - self.span).isoformat()
        except (ValueError, OverflowError):
            return date.min.isoformat()


@dataclass
class SourceRow:
    source: str
    claims: int
    first_as_of: str
    latest_as_of: str
    latest_id: str
    latest_value: str
    latest_low: Number | None
    latest_high: Number | None
    latest_best: Number | None
    min: Number | None
    max: Number | None
    rating: str
    outlier: bool
    latest_qualifier: str
    latest_point: Number | None
    distance_pct: float | None
    latest_figure: str
    # Days from where the latest claim sits in the timeline to the comparison date.
    age_days: int
    # Older than --max-age: shown, but not in the consensus.
    stale: bool
    latest_day: str
    # Of a per-period metric, every figure of the source's covers more than the period: shown,
    # but not in the consensus.
    longer_than_period: bool = False
    # Counts over another span than the figures compared (a total since October beside totals
    # to a date: `leave_out_other_spans`): shown, but not in the consensus.
    other_span: bool = False
    # Its figure is one the consensus is taken from (under `lowest` and `best-rated`, not every
    # fresh source's is).
    in_consensus: bool = False
    # The source's latest figure counts another span than those compared: the row is its latest
    # of the span compared, and the later one is left out.
    later_other_span: bool = False


@dataclass
class Comparison:
    metric: str
    at: str
    rule: str
    consensus: Number | None
    spread: float | None
    rows: list[SourceRow]
    max_age: str | None = None
    # Days between the earliest and the latest as-of of the fresh figures compared.
    as_of_gap_days: int | None = None
    period: str | None = None  # a per-period metric's
    # Plans and forecasts sitting on or before `at` (`periods.is_plan`), not compared.
    plans_left_out: int = 0
    # Of a per-period metric, figures covering several periods that a source gave after its
    # latest figure of one (a total since the 1st after the nights), not compared.
    totals_left_out: int = 0
    # Pairs of sources whose figures are the same on every date both give (`echoes`): one
    # source under two names, perhaps, counted twice.
    echoes: list[tuple[str, str, int]] = field(default_factory=list)
    # Pairs of names, the shorter first, where one may be a short name for the other
    # (`echoes.namesakes`: "NIS" and "the National Intelligence Service (NIS)").
    namesakes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fresh(self) -> list[SourceRow]:
        return [row for row in self.rows if _compared(row) and row.latest_point is not None]

    @property
    def longer_than_period(self) -> list[str]:
        return [row.source for row in self.rows if row.longer_than_period]

    @property
    def consensus_sources(self) -> list[str]:
        return [row.source for row in self.rows if row.in_consensus]

    @property
    def outliers(self) -> list[str]:
        return [row.source for row in self.rows if row.outlier]

    @property
    def stale(self) -> list[str]:
        return [row.source for row in self.rows if row.stale]

    @property
    def ratio(self) -> tuple[str, str, float] | None:
        """With two fresh sources: (higher, lower, higher / lower)."""
        fresh = self.fresh
        if len(fresh) != 2 or self.spread is None:
            return None
        low, high = sorted(fresh, key=lambda row: row.latest_point)  # type: ignore[arg-type,return-value]
        return high.source, low.source, self.spread

    @property
    def far_apart(self) -> bool:
        return self.as_of_gap_days is not None and self.as_of_gap_days > FAR_APART_DAYS

    @property
    def periods_differ(self) -> bool:
        """Of a per-period metric, whether the fresh figures are of different periods (nights):
        only with a --max-age longer than the period."""
        nights = {period_of(row.latest_as_of, self.period) for row in self.fresh if self.period}
        return len(nights) > 1

    @property
    def later_other_spans(self) -> list[str]:
        """The sources compared by an earlier figure, their latest counting another span."""
        return [row.source for row in self.rows if row.later_other_span]

    @property
    def other_spans(self) -> list[str]:
        """The sources left out because their figures count another span than those compared."""
        return [row.source for row in self.rows if row.other_span]

    @property
    def spans_differ(self) -> bool:
        """Whether the sources' latest figures count different spans (see `other_spans`)."""
        return bool(self.other_spans)

    def records(self) -> list[dict[str, Any]]:
        """Rows for machine formats: each source's row with the comparison's footer values."""
        footer = {
            "consensus": self.consensus,
            "rule": self.rule,
            "spread": self.spread,
            "metric": self.metric,
            "at": self.at,
            "as_of_gap_days": self.as_of_gap_days,
            "plans_left_out": self.plans_left_out,
            "totals_left_out": self.totals_left_out,
        }
        return [{**asdict(row), **footer} for row in self.rows]


def compare(
    claims: Iterable[Claim],
    metric: str,
    at: str,
    rule: str = "median",
    standing: Mapping[str, str] | None = None,
    max_age: MaxAge | None = None,
    period: str | None = None,
) -> Comparison:
    """Do the sources agree on `at` (a full ISO day)? Each source's latest claim sitting on or
    before it, with its age (of a per-period metric, of `period`, its latest of one period);
    the consensus of the fresh sources' figures under `rule`, at the precision of the figures;
    the spread (max / min) and, with three or more fresh sources, those far from the
    consensus."""
    if rule not in RULES:
        raise BadClaim(f'"{rule}" is not a rule; use one of {", ".join(RULES)}')
    claims = list(claims)
    names = SourceNames(claims)
    by_source: dict[str, list[Claim]] = defaultdict(list)
    plans = 0
    for claim in claims:
        if timeline_day(claim["as_of"], claim["reported"]) > at:
            continue
        if is_plan(claim):  # a forecast is no count, even once its day has come
            plans += 1
        else:
            by_source[fold_source(claim["source"])].append(claim)
    oldest = max_age.oldest_day(at) if max_age else None
    rows, totals = [], 0
    row_of = functools.partial(_source_row, names=names, standing=standing or {}, at=at)
    for group in by_source.values():
        of_one = of_one_period(group, period)
        ordered = sorted(of_one or group, key=claim_order)
        row = row_of(ordered, oldest=oldest, period=period)
        row.longer_than_period = not of_one
        rows.append(row)
        if of_one:  # a total of several periods after the source's latest figure of one
            totals += sum(claim_order(c) > claim_order(ordered[-1]) for c in group)
    if not period:  # a per-period metric's figures are of one period each, whatever their form
        reference = leave_out_other_spans(rows)
        if reference is not None:
            groups = list(by_source.values())
            rows = [
                _of_span(row, group, reference, row_of, oldest)
                for row, group in zip(rows, groups, strict=True)
            ]
    rows.sort(
        key=lambda r: (not _compared(r), r.latest_point is None, r.latest_point or 0, r.source)
    )
    age = max_age and max_age.text
    comparison = Comparison(metric, at, rule, None, None, rows, age, period=period)
    comparison.plans_left_out, comparison.totals_left_out = plans, totals
    shown = {names.shown(claims_of[0]["source"]): claims_of for claims_of in by_source.values()}
    comparison.echoes = echoes(shown)
    comparison.namesakes = namesakes(list(shown))
    _judge(comparison)
    return comparison


def _compared(row: SourceRow) -> bool:
    return not (row.stale or row.longer_than_period or row.other_span)


def _of_span(
    row: SourceRow,
    group: list[Claim],
    reference: str,
    row_of: Callable[..., SourceRow],
    oldest: str | None,
) -> SourceRow:
    """A source whose latest figure counts another span than those compared, by its latest
    figure of the span compared where it has one ("40,000 troops" on the 9th, before "2,000
    withdrawn in the past week"): its figure is compared, not left out for the later one."""
    if not row.other_span:
        return row
    alike = sorted((c for c in group if counts_alike(reference, c["as_of"])), key=claim_order)
    if not alike:
        return row
    earlier = row_of(alike, oldest=oldest, period=None)
    earlier.claims, earlier.later_other_span = row.claims, True
    return earlier


def leave_out_other_spans(rows: Sequence[SourceRow]) -> str | None:
    """Where the figures to compare count different spans (`periods.counts_alike`: a total
    since October beside totals to a date), mark as `other_span` all but those of the kind
    most sources give (by their latest figures); on a tie, those of the shortest span (a count
    to a date first), whose as-of is given back. One
    kind's figures cannot agree or disagree with another's: a median of both is no answer.
    A stale figure of another kind is marked too, so that no distance is taken to it."""
    kinds: list[list[SourceRow]] = []
    for row in rows:
        if not _compared(row) or row.latest_point is None:
            continue
        alike = (kind for kind in kinds if counts_alike(kind[0].latest_as_of, row.latest_as_of))
        kind = next(alike, None)
        if kind is None:
            kinds.append([row])
        else:
            kind.append(row)
    if not kinds:
        return None
    compared = max(kinds, key=lambda kind: (len(kind), -span_days(kind[0].latest_as_of)))
    reference = compared[0].latest_as_of
    for row in rows:  # and a stale figure of another span is measured against none
        if row.latest_point is None or row.longer_than_period or any(r is row for r in compared):
            continue
        if _compared(row) or not counts_alike(reference, row.latest_as_of):
            row.other_span = True
    return reference


def _source_row(
    ordered: list[Claim],
    names: SourceNames,
    standing: Mapping[str, str],
    at: str,
    oldest: str | None,
    period: str | None,
) -> SourceRow:
    """A source's row: its latest claim, its age, its range over time (of the figures that
    lead to the latest: `views.course`)."""
    latest = ordered[-1]
    day = timeline_day(latest["as_of"], latest["reported"])
    points = [p for p in map(point, course(ordered, period)) if p is not None]
    return SourceRow(
        source=names.shown(latest["source"]),
        claims=len(ordered),
        first_as_of=ordered[0]["as_of"],
        latest_as_of=latest["as_of"],
        latest_id=latest["id"],
        latest_value=latest["value"],
        latest_low=latest["low"],
        latest_high=latest["high"],
        latest_best=latest["best"],
        min=min(points) if points else None,
        max=max(points) if points else None,
        rating=effective_rating(latest, standing),
        outlier=False,
        latest_qualifier=latest["qualifier"],
        latest_point=point(latest),
        distance_pct=None,
        latest_figure=display_of(latest),
        age_days=days_between(day, at),
        stale=oldest is not None and day < oldest,
        latest_day=day,
    )


def _judge(comparison: Comparison) -> None:
    """The footer's values from the fresh sources: consensus, spread, gap, who stands out."""
    fresh = comparison.fresh
    if not fresh:
        return
    points: list[Number] = [row.latest_point for row in fresh]  # type: ignore[misc]
    taken = _taken(fresh, comparison.rule)
    for row in taken:
        row.in_consensus = True
    taken_points: list[Number] = [row.latest_point for row in taken]  # type: ignore[misc]
    consensus = at_precision(statistics.median(taken_points), taken_points)
    comparison.consensus = consensus
    if len(points) > 1 and min(points) > 0:
        comparison.spread = round(max(points) / min(points), 2)
    days = [row.latest_day for row in fresh]
    comparison.as_of_gap_days = days_between(min(days), max(days))
    for row in comparison.rows:  # a figure of another period or span is not measured against it
        counts_otherwise = row.longer_than_period or row.other_span
        if consensus and row.latest_point is not None and not counts_otherwise:
            row.distance_pct = round((row.latest_point - consensus) * 100 / consensus, 1)
            far = abs(row.latest_point - consensus) > OUTLIER_DISTANCE * abs(consensus)
            row.outlier = far and _compared(row) and len(fresh) >= OUTLIER_SOURCES


def _taken(rows: Sequence[SourceRow], rule: str) -> list[SourceRow]:
    """The rows whose figures the consensus is the median of: all, under `median`; the lowest
    figure's, under `lowest`; the best-rated sources', under `best-rated`."""
    if rule == "lowest":
        lowest = min(row.latest_point for row in rows)  # type: ignore[type-var]
        return [row for row in rows if row.latest_point == lowest]
    if rule == "best-rated":
        best = min(rating_rank(row.rating) for row in rows)
        return [row for row in rows if rating_rank(row.rating) == best]
    return list(rows)


def decimals(n: Number) -> int:
    """How many decimals a figure is given with (0 for a whole number)."""
    if isinstance(n, int) or float(n).is_integer():
        return 0
    return len(repr(float(n)).partition(".")[2])


def at_precision(value: float, figures: Sequence[Number]) -> Number:
    """A number worked out from figures, at their precision: no more decimals than the most
    precise of them (the median of 2,275 and 3,202 tanks is 2,739, not 2,738.5); half up."""
    places = max(map(decimals, figures))
    step = 10**-places
    return tidy(round(math.floor(value / step + 0.5) * step, places))


def comparison_day(given: str | None, today: date) -> str:
    """The day a comparison is on: the last day of the date `given` (read as --at reads it),
    or today while it runs ("this month"); today by default. A day after today is refused:
    ages would run to a day no figure can describe yet."""
    shown = today.isoformat()
    if not given:
        return shown
    day = parse_date(given, today=today, reported=shown)
    if period_start(day) > shown:
        raise BadDate(f'at "{given}" ({day}) lies after today ({shown}): no figure is of it yet')
    return min(period_end(day), shown)
