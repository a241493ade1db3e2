"""The words dates are written with: month and weekday names, counts, and the words relative to
the report's day ("yesterday", "last week", "3 days ago"); the parts a date is read into."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple

from osintlog.errors import BadDate
from osintlog.periods import period_end

Order = Literal["dayfirst", "monthfirst"]

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sept sep",
            "october oct",
            "november nov",
            "december dec",
        ),
        1,
    )
    for name in names.split()
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            "monday mon",
            "tuesday tues tue",
            "wednesday wed",
            "thursday thurs thur thu",
            "friday fri",
            "saturday sat",
            "sunday sun",
        )
    )
    for name in names.split()
}
COUNT_WORDS = {
    word: n for n, word in enumerate("a two three four five six seven eight nine ten".split(), 1)
} | {"one": 1, "an": 1}


def _names(names: object) -> str:
    return "|".join(sorted(names, key=len, reverse=True))  # type: ignore[call-overload]


MONTH_PATTERN = rf"(?P<month>{_names(MONTHS)})(?![a-z])"
WEEKDAY_PATTERN = rf"(?:{_names(WEEKDAYS)})(?![a-z])"
COUNT_PATTERN = rf"(?:\d{{1,3}}|{_names(COUNT_WORDS)})"


class Pattern:
    """A regex compiled when first used. A date in its stored form, as nearly every date of an
    import or a filter is, needs none of the parser's patterns: compiled at import, they would
    add 25 ms to the start of every command."""

    __slots__ = ("_compiled", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return getattr(self._compiled, name)


class Part(NamedTuple):
    """One date at its precision; a missing year is filled in from the report."""

    year: int | None
    month: int | None = None
    day: int | None = None


class Span(NamedTuple):
    start: Part
    end: Part


@dataclass(frozen=True)
class Anchor:
    """What a date is read against: the report's stored date (else today's), and how."""

    reported: str
    order: Order | None = None
    # Whether the report's date was given: a date without a year needs it.
    given: bool = True
    # Whether the text began with "by" or "until", which may point past the report.
    ahead: bool = False

    @property
    def last_day(self) -> date:
        return date.fromisoformat(period_end(self.reported))

    def day(self, text: str) -> date:
        """The report's day, for words relative to it; refused if it is known only roughly."""
        if len(self.reported) != 10:
            raise BadDate(
                f'"{text}" is relative to the report\'s day, but the report is dated only '
                f"{self.reported}: give the date itself"
            )
        return date.fromisoformat(self.reported)


def day_part(d: date) -> Part:
    return Part(d.year, d.month, d.day)


def one_part(part: Part) -> Span:
    return Span(part, part)


def day_span(start: date, end: date) -> Span:
    return Span(day_part(start), day_part(end))


def count_of(text: str) -> int:
    return COUNT_WORDS[text] if text in COUNT_WORDS else int(text)


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _sunday_before(d: date) -> date:
    return d - timedelta(days=(d.weekday() + 1) % 7 or 7)


def _sunday_until(d: date) -> date:
    return d - timedelta(days=(d.weekday() + 1) % 7)


def _previous_month(d: date) -> Part:
    return Part(d.year - 1, 12) if d.month == 1 else Part(d.year, d.month - 1)


def _months_back(d: date, months: int) -> date:
    """The same day `months` earlier, or the month's last day if it has no such day."""
    from dateutil.relativedelta import relativedelta

    return d - relativedelta(months=months)


# Words relative to the report's day (`anchor`): text -> its span.
RELATIVE: dict[str, Callable[[date], Span]] = {
    "today": lambda d: day_span(d, d),
    "yesterday": lambda d: day_span(d - timedelta(1), d - timedelta(1)),
    "day before yesterday": lambda d: day_span(d - timedelta(2), d - timedelta(2)),
    "last night": lambda d: day_span(d - timedelta(1), d),
    "overnight": lambda d: day_span(d - timedelta(1), d),
    "this week": lambda d: day_span(_monday(d), d),
    "last week": lambda d: day_span(_monday(d) - timedelta(7), _monday(d) - timedelta(1)),
    "this month": lambda d: one_part(Part(d.year, d.month)),
    "last month": lambda d: one_part(_previous_month(d)),
    "this year": lambda d: one_part(Part(d.year)),
    "last year": lambda d: one_part(Part(d.year - 1)),
    "last weekend": lambda d: day_span(_sunday_before(d) - timedelta(1), _sunday_before(d)),
    "weekend": lambda d: day_span(_sunday_until(d) - timedelta(1), _sunday_until(d)),
}
_RELATIVE_ALIASES = {
    "earlier today": "today",
    "this morning": "today",
    "this afternoon": "today",
    "this evening": "today",
    "earlier this week": "this week",
    "earlier this month": "this month",
    "earlier this year": "this year",
    "this weekend": "weekend",
    "earlier in week": "this week",
    "previous day": "yesterday",
    "so far this year": "this year",
    "this year so far": "this year",
    "year to date": "this year",
    "so far this month": "this month",
    "to date": "today",
    "so far": "today",
    # after "start of", "end of": "since the start of the year"
    "week": "this week",
    "month": "this month",
    "year": "this year",
}
_AGO = Pattern(rf"(?P<count>{COUNT_PATTERN}) (?P<unit>day|week|month|year)s? ago")
_PAST = Pattern(
    rf"(?:past|last|previous) (?:(?P<count>{COUNT_PATTERN}) )?(?P<unit>hour|day|week|month|year)s?"
)
_WEEKDAY_ALONE = Pattern(rf"(?P<last>last )?(?P<weekday>{WEEKDAY_PATTERN})")
RELATIVE_EXAMPLES = (
    "today",
    "yesterday",
    "last night",
    "overnight",
    "on Sunday",
    "last week",
    "last month",
    "last year",
    "3 days ago",
    "past 24 hours",
)


def relative_span(body: str, anchor: Anchor, original: str) -> Span | None:
    body = _RELATIVE_ALIASES.get(body, body)
    if body in RELATIVE:
        return RELATIVE[body](anchor.day(original))
    if match := _AGO.fullmatch(body):
        return _ago(count_of(match["count"]), match["unit"], anchor.day(original))
    if match := _PAST.fullmatch(body):
        return _past(match, anchor.day(original))
    if match := _WEEKDAY_ALONE.fullmatch(body):
        day = anchor.day(original)
        back = (day.weekday() - WEEKDAYS[match["weekday"]]) % 7
        if match["last"] and back == 0:
            back = 7
        return day_span(day - timedelta(back), day - timedelta(back))
    return None


def _ago(count: int, unit: str, day: date) -> Span:
    """ "3 days ago" is a day; "2 months ago", "a year ago" only the month they fall in."""
    if unit in ("day", "week"):
        then = day - timedelta(days=count * (7 if unit == "week" else 1))
        return day_span(then, then)
    then = _months_back(day, count * (12 if unit == "year" else 1))
    return one_part(Part(then.year, then.month))


def _past(match: re.Match[str], day: date) -> Span:
    count = count_of(match["count"]) if match["count"] else 1
    unit = match["unit"]
    if unit == "hour":
        start = day - timedelta(days=-(-count // 24))
    elif unit in ("day", "week"):
        start = day - timedelta(days=count * (7 if unit == "week" else 1))
    else:
        start = _months_back(day, count * (12 if unit == "year" else 1))
    return day_span(start, day)
