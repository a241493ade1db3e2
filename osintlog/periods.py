"""A stored date as days: the first and last day it covers, where a claim dated so sits in a
timeline, whether it lies after its report (a plan), and which two count alike — so that a change
is taken only between them. Stored dates are ISO dates at their precision (`2025`, `2025-04`,
`2025-04-26`) or a span `START/END` of two."""

from __future__ import annotations

import calendar
import functools
import itertools
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from osintlog.errors import BadClaim
from osintlog.fields import EVERY, METRIC_PERIODS

_STORED_PART = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", re.ASCII)


def is_partial_date(text: object) -> bool:
    """Whether a stored value is one well-formed ISO date at its precision (no span)."""
    return isinstance(text, str) and _is_partial_iso(text)


def is_stored_date(text: object) -> bool:
    """Whether a stored value is an as-of: an ISO date at its precision, or a span of two."""
    return isinstance(text, str) and _is_stored(text)


# Imports check the same few thousand dates again and again.
@functools.lru_cache(maxsize=16384)
def _is_partial_iso(text: str) -> bool:
    if not _STORED_PART.fullmatch(text):
        return False
    year = int(text[:4])
    if len(text) == 10:
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
        return year >= 1000
    return year >= 1000 and (len(text) == 4 or 1 <= int(text[5:7]) <= 12)


@functools.lru_cache(maxsize=16384)
def _is_stored(text: str) -> bool:
    if "/" not in text:
        return _is_partial_iso(text)
    start, _, end = text.partition("/")
    return (
        _is_partial_iso(start)
        and _is_partial_iso(end)
        and start != end
        and period_start(start) <= period_start(end)
    )


@functools.lru_cache(maxsize=16384)
def period_start(stored: str) -> str:
    """The first day a stored date covers: 2025 -> 2025-01-01; 2024-10/2025-07-10 -> 2024-10-01."""
    first = stored.partition("/")[0]
    if len(first) == 4:
        return first + "-01-01"
    if len(first) == 7:
        return first + "-01"
    return first


@functools.lru_cache(maxsize=16384)
def period_end(stored: str) -> str:
    """The last day a stored date covers: 2025-02 -> 2025-02-28; 2024-10/2025-07 -> 2025-07-31."""
    last = stored.rpartition("/")[2]
    if len(last) == 4:
        return last + "-12-31"
    if len(last) == 7:
        year, month = int(last[:4]), int(last[5:7])
        return f"{last}-{calendar.monthrange(year, month)[1]:02d}"
    return last


def last_part(stored: str) -> str:
    """The date a stored as-of ends with: itself, or a span's end."""
    return stored.rpartition("/")[2]


def timeline_day(as_of: str, reported: str) -> str:
    """Where a claim sits in a timeline (and under `compare --at`): the last day its as-of
    covers, or the report's date if that comes first — a figure "since October" in a report of
    July is July's, and "2025" in that report is as of the report. A plan or forecast, whose
    as-of begins after its report, sits at the end of its as-of."""
    if len(as_of) == 10:  # a day: on or before its report, or a plan; either way the day itself
        return as_of
    end, report_end = period_end(as_of), period_end(reported)
    if end <= report_end or period_start(as_of) > report_end:
        return end
    return report_end


def after_report(as_of: str, reported: str) -> bool:
    """Whether an as-of names a time after its report's date: its last date (a span's end, or
    the date itself) begins after the report's last day. "2025" in a report of July 2025 does
    not; "July 1-7" in a report of July 5 does."""
    if len(as_of) == 10 and len(reported) == 10:  # two days, as nearly every import row has
        return as_of > reported
    return period_start(last_part(as_of)) > period_end(reported)


def period_label(day: str, every: str) -> str:
    """The period a full ISO day falls in, as its label: 2025-04-09 is 2025-04-09 (day),
    2025-W15 (week, Monday to Sunday, ISO numbering), 2025-04, 2025-Q2, 2025."""
    if every == "day":
        return day
    if every == "month":
        return day[:7]
    if every == "year":
        return day[:4]
    if every == "quarter":
        return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def label_end(label: str) -> str:
    """The last day of a period given by its label (see `period_label`)."""
    if "-W" in label:
        year, week = label.split("-W")
        return date.fromisocalendar(int(year), int(week), 7).isoformat()
    if "-Q" in label:
        year, quarter = label.split("-Q")
        return period_end(f"{year}-{int(quarter) * 3:02d}")
    return period_end(label)


def labels_between(first_day: str, last_day: str, every: str) -> list[str]:
    """Every period from the one `first_day` falls in to the one `last_day` falls in."""
    labels = [period_label(first_day, every)]
    while label_end(labels[-1]) < last_day:
        following = date.fromisoformat(label_end(labels[-1])) + timedelta(days=1)
        labels.append(period_label(following.isoformat(), every))
    return labels


def days_between(earlier: str, later: str) -> int:
    """Days from one full ISO day to another."""
    return (date.fromisoformat(later) - date.fromisoformat(earlier)).days


def interval_days(as_of: str) -> int:
    """The days an interval (START/END) covers after its first; 0 for one date at its precision
    (`2025-04`: as of April)."""
    return days_between(period_start(as_of), period_end(as_of)) if "/" in as_of else 0


def span_days(as_of: str) -> int:
    """The days an as-of counts over: an interval's, each day of it; one for a date at any
    precision (`2025-04`: as of April)."""
    return interval_days(as_of) + 1


def _alike_lengths(first: int, second: int) -> bool:
    """Spans of about the same length: within a day, or a tenth of the longer (months of 28 to
    31 days, quarters, years); not a night and a week."""
    return abs(first - second) <= max(1, max(first, second) // 10)


def counts_alike(first: str, second: str) -> bool:
    """Whether the figures of two as-ofs count the same kind of quantity, so that a change may be
    taken from one to the other: spans of about the same length (dates and nights, weeks,
    months: `_alike_lengths`), or spans from the same start (a running count "since October",
    to two dates). A total "since October" and a count to a date do not, nor a week's total and
    a night's: one is not the other later."""
    if _alike_lengths(span_days(first), span_days(second)):
        return True
    return "/" in first and "/" in second and period_start(first) == period_start(second)


def all_alike(as_ofs: Iterable[str]) -> bool:
    """Whether every two of these as-ofs count alike (`counts_alike`)."""
    distinct = sorted(set(as_ofs))
    return all(counts_alike(first, second) for first, second in itertools.combinations(distinct, 2))


def alike_before(as_ofs: Sequence[str]) -> list[int | None]:
    """For each as-of of a series (in timeline order), the place of the latest one before it
    that counts alike (`counts_alike`), else None. The one just before is tried first (in a
    series of one kind it is the one); else each length near enough, and the start, are looked
    up: linear in the series."""
    by_length: dict[int, int] = {}
    by_start: dict[str, int] = {}
    found: list[int | None] = []
    for place, as_of in enumerate(as_ofs):
        days = span_days(as_of)
        if place and counts_alike(as_ofs[place - 1], as_of):
            found.append(place - 1)
        else:
            near = range(days - max(1, days // 10), days + max(1, days // 9) + 2)
            alike = [by_length.get(other, -1) for other in near if _alike_lengths(days, other)]
            if "/" in as_of:
                alike.append(by_start.get(period_start(as_of), -1))
            nearest = max(alike, default=-1)
            found.append(nearest if nearest >= 0 else None)
        by_length[days] = place
        if "/" in as_of:
            by_start[period_start(as_of)] = place
    return found


def is_plan(claim: Mapping[str, Any]) -> bool:
    """Whether a claim is a plan or forecast: its as-of lies after its report (`after_report`;
    such a claim is stored with `future: true`). It is no count of what was."""
    return after_report(claim["as_of"], claim["reported"])


def only_counts_to_a_date(claims: Sequence[Mapping[str, Any]]) -> bool:
    """Whether no claim of a series is a span or a plan, so that each counts alike with the one
    before it. A quick test, true of nearly every series: a plan's as-of sorts after its report's
    date as text, so the test may take a count for a plan (then the slow way is taken), never a
    plan for a count (a property test holds it)."""
    as_ofs = [claim["as_of"] for claim in claims]
    if "/" in "".join(as_ofs):
        return False
    return not any(map(operator.gt, as_ofs, [claim["reported"] for claim in claims]))


def changed_from(claims: Sequence[Mapping[str, Any]], period: str | None) -> list[int | None]:
    """For each claim of a source's series (in timeline order), the place of the claim its
    change is taken from: among the claims of its kind — counts, or plans and forecasts
    (`is_plan`), never one against the other — the one before, of a per-period metric (its
    figures are of one period each); of another, the latest before that counts alike
    (`alike_before`)."""
    if only_counts_to_a_date(claims) or (period and not any(map(is_plan, claims))):
        return [None, *range(len(claims) - 1)][: len(claims)]  # each against the one before
    found: list[int | None] = [None] * len(claims)
    for plans in (False, True):
        places = [place for place, claim in enumerate(claims) if is_plan(claim) is plans]
        if period is not None:
            before: list[int | None] = [None, *range(len(places) - 1)]
        else:
            before = alike_before([claims[place]["as_of"] for place in places])
        for place, earlier in zip(places, before, strict=False):
            found[place] = None if earlier is None else places[earlier]
    return found


def alike_steps(points: Sequence[Any], as_ofs: Sequence[str]) -> tuple[int, int]:
    """How often a series' figure rose and how often it fell, each from the latest figure
    before it that counts alike (`alike_before`): its `points` and `as_ofs`, in timeline order."""
    if not any("/" in as_of for as_of in as_ofs):  # dates alone, as nearly every series
        return rises_and_falls(points)
    rises = falls = 0
    for place, before in enumerate(alike_before(as_ofs)):
        if before is not None:
            rises += points[place] > points[before]
            falls += points[place] < points[before]
    return rises, falls


def rises_and_falls(points: Sequence[Any]) -> tuple[int, int]:
    """How often a series of points rose and how often it fell, from each to the next."""
    after = points[1:]
    return sum(map(operator.lt, points, after)), sum(map(operator.gt, points, after))


def within_period(as_of: str, period: str | None) -> bool:
    """Whether an as-of covers no more than a per-period metric's period (any as-of does, for
    another metric): June's total of a per-day metric is not a day's figure."""
    if period is None:
        return True
    return days_between(period_start(as_of), period_end(as_of)) < METRIC_PERIODS[period]


def period_of(as_of: str, period: str) -> str:
    """The one period of a per-period metric's (`period`) a figure of one period is of: the
    night or day it ends on (`2025-06-12/2025-06-13` and `2025-06-13` are one night), its ISO
    week, its month."""
    return period_label(period_end(as_of), every_of(period))


def every_of(period: str) -> str:
    """The --every whose rows are a per-period metric's periods: a night's is its day's."""
    return "day" if period == "night" else period


def of_one_period(claims: Sequence[Mapping[str, Any]], period: str | None) -> list[Any]:
    """The claims whose as-of covers no more than a per-period metric's period (`within_period`),
    in their order; all of them for another metric."""
    if period is None:
        return list(claims)
    return [claim for claim in claims if within_period(claim["as_of"], period)]


def check_every(every: str | None) -> None:
    """Refuse a period to roll a series up by (`--every`) that is not one of EVERY."""
    if every is not None and every not in EVERY:
        raise BadClaim(f'--every "{every}": use one of {", ".join(EVERY)}')
