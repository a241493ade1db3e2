"""Date text -> an ISO date at its precision (`2025`, `2025-04`, `2025-04-26`) or a span
`START/END` of two such dates (an ISO 8601 interval, EDTF level 0); where a date sits in time.

A date is read whole, by the forms of `FORMS` and `RELATIVE`, or refused: nothing is guessed
(dateutil's parser, which fills in what a text leaves out, is not used: "July 1-7" was 2007).
Words relative to a day ("yesterday", "last week", "on Sunday") and dates without a year
("April 26") are read against the report's date, never against the clock.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple

from osintlog.errors import BadDate

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


_MONTH = rf"(?P<month>{_names(MONTHS)})(?![a-z])"
_WEEKDAY = rf"(?:{_names(WEEKDAYS)})(?![a-z])"
_COUNT = rf"(?:\d{{1,3}}|{_names(COUNT_WORDS)})"


class _Pattern:
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


# --- the forms --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """A way a date is written: its pattern over the normalised text, how it is read, and an
    example for the list of accepted forms (each example is held to parse by a test)."""

    examples: tuple[str, ...]
    pattern: _Pattern
    read: Callable[[re.Match[str], Anchor], Span]


def _day(d: date) -> Part:
    return Part(d.year, d.month, d.day)


def _one(part: Part) -> Span:
    return Span(part, part)


def _days(start: date, end: date) -> Span:
    return Span(_day(start), _day(end))


def _month_of(match: re.Match[str], group: str = "month") -> int:
    return MONTHS[match.group(group)]


def _int(match: re.Match[str], group: str) -> int | None:
    text = match.groupdict().get(group)
    return int(text) if text else None


def _count(text: str) -> int:
    return COUNT_WORDS[text] if text in COUNT_WORDS else int(text)


def _iso(match: re.Match[str], anchor: Anchor) -> Span:
    return _one(Part(int(match["year"]), _int(match, "month"), _int(match, "day")))


def _stored_span(match: re.Match[str], anchor: Anchor) -> Span:
    return Span(_stored_part(match["start"]), _stored_part(match["end"]))


def _stored_part(text: str) -> Part:
    numbers = [int(n) for n in text.split("-")]
    return Part(*numbers)


def _written(match: re.Match[str], anchor: Anchor) -> Span:
    return _one(Part(_int(match, "year"), _month_of(match), _int(match, "day")))


def _numeric(match: re.Match[str], anchor: Anchor) -> Span:
    a, b, year_text = int(match["a"]), int(match["b"]), match["year"]
    year = int(year_text) if len(year_text) == 4 else _two_digit_year(int(year_text))
    order = anchor.order
    if order is None:
        if a > 12 >= b:
            order = "dayfirst"
        elif b > 12 >= a or a == b:
            order = "monthfirst"
        else:
            raise BadDate(
                f'"{match.group()}" is ambiguous: is it day/month or month/day? '
                "Give --dayfirst or --monthfirst, or write it as YYYY-MM-DD"
            )
    day, month = (a, b) if order == "dayfirst" else (b, a)
    return _one(Part(year, month, day))


def _two_digit_year(yy: int) -> int:
    return 2000 + yy if yy < 70 else 1900 + yy


def _numeric_month(match: re.Match[str], anchor: Anchor) -> Span:
    return _one(Part(int(match["year"]), int(match["month"])))


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _months_of_year(size: int) -> Callable[[re.Match[str], Anchor], Span]:
    """A reader of the quarters (size 3) or halves (6) of a year: from the first month of the
    one named to its last."""

    def read(match: re.Match[str], anchor: Anchor) -> Span:
        number = match["number"]
        n = _ORDINALS.get(number) or int(number)
        year = _int(match, "year")
        return Span(Part(year, size * (n - 1) + 1), Part(year, size * n))

    return read


_quarter, _half = _months_of_year(3), _months_of_year(6)


def _decade(match: re.Match[str], anchor: Anchor) -> Span:
    start = int(match["decade"]) * 10
    return Span(Part(start), Part(start + 9))


_ISO = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_YEAR = r"(?P<year>\d{4})"
_OPTIONAL_YEAR = r"(?: (?P<year>\d{4}))?"

FORMS: tuple[Form, ...] = (
    Form(
        ("2025", "2025-04", "2025-04-26"),
        _Pattern(r"(?P<year>\d{4})(?:[-/.](?P<month>\d{1,2})(?:[-/.](?P<day>\d{1,2}))?)?"),
        _iso,
    ),
    Form(("2025-07-01/2025-07-07",), _Pattern(rf"(?P<start>{_ISO})/(?P<end>{_ISO})"), _stored_span),
    Form(("April 2025",), _Pattern(rf"{_MONTH}{_OPTIONAL_YEAR}"), _written),
    Form(("Apr 26, 2025",), _Pattern(rf"{_MONTH} (?P<day>\d{{1,2}}){_OPTIONAL_YEAR}"), _written),
    Form(
        ("26 April 2025",),
        _Pattern(rf"(?P<day>\d{{1,2}}) (?:of )?{_MONTH}{_OPTIONAL_YEAR}"),
        _written,
    ),
    Form(
        ("26/04/2025",),
        _Pattern(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"),
        _numeric,
    ),
    Form(("04/2025",), _Pattern(r"(?P<month>\d{1,2})/(?P<year>\d{4})"), _numeric_month),
    Form(("Q2 2025",), _Pattern(rf"q(?P<number>[1-4]){_OPTIONAL_YEAR}"), _quarter),
    Form(("2025 Q2",), _Pattern(r"(?P<year>\d{4})[ -]q(?P<number>[1-4])"), _quarter),
    Form(
        ("second quarter of 2025",),
        _Pattern(rf"(?P<number>first|second|third|fourth) quarter(?: of)?{_OPTIONAL_YEAR}"),
        _quarter,
    ),
    Form(("H1 2025",), _Pattern(rf"h(?P<number>[12]){_OPTIONAL_YEAR}"), _half),
    Form(("2025 H1",), _Pattern(r"(?P<year>\d{4})[ -]h(?P<number>[12])"), _half),
    Form(
        ("first half of 2025",),
        _Pattern(rf"(?P<number>first|second) half(?: of)?{_OPTIONAL_YEAR}"),
        _half,
    ),
    Form(("the 1990s",), _Pattern(r"(?P<decade>\d{3})0'?s"), _decade),
)


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
    "today": lambda d: _days(d, d),
    "yesterday": lambda d: _days(d - timedelta(1), d - timedelta(1)),
    "day before yesterday": lambda d: _days(d - timedelta(2), d - timedelta(2)),
    "last night": lambda d: _days(d - timedelta(1), d),
    "overnight": lambda d: _days(d - timedelta(1), d),
    "this week": lambda d: _days(_monday(d), d),
    "last week": lambda d: _days(_monday(d) - timedelta(7), _monday(d) - timedelta(1)),
    "this month": lambda d: _one(Part(d.year, d.month)),
    "last month": lambda d: _one(_previous_month(d)),
    "this year": lambda d: _one(Part(d.year)),
    "last year": lambda d: _one(Part(d.year - 1)),
    "last weekend": lambda d: _days(_sunday_before(d) - timedelta(1), _sunday_before(d)),
    "weekend": lambda d: _days(_sunday_until(d) - timedelta(1), _sunday_until(d)),
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
_AGO = _Pattern(rf"(?P<count>{_COUNT}) (?P<unit>day|week|month|year)s? ago")
_PAST = _Pattern(
    rf"(?:past|last|previous) (?:(?P<count>{_COUNT}) )?(?P<unit>hour|day|week|month|year)s?"
)
_WEEKDAY_ALONE = _Pattern(rf"(?P<last>last )?(?P<weekday>{_WEEKDAY})")
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
OTHER_EXAMPLES = (
    "April 26",
    "early March 2025",
    "mid-2022",
    "July 1-7",
    "28-29 June",
    "night of June 28-29",
    "from March to September 2023",
    "2022-2024",
    "since October",
    "Sunday, June 29, 2025",
    "Saturday night",
    "overnight into Sunday",
    "the early hours of Sunday",
    "first week of July",
    "week to 6 July",
    "first six months of 2025",
    "as of 08:00 on July 10",
)


def accepted_forms() -> str:
    """Every form the parser reads, one example each: from its own tables."""
    examples = [example for form in FORMS for example in form.examples]
    return "; ".join([*examples, *OTHER_EXAMPLES, *RELATIVE_EXAMPLES])


ACCEPTED_DATES = accepted_forms()

# --- reading ----------------------------------------------------------------------------------

_PREFIXES = _Pattern(
    r"(?:as of|as at|in|on|by|at|during|for|over|through|until|till|up until|ending|dated) "
)
_AHEAD_PREFIXES = frozenset({"by ", "until ", "till ", "through ", "up until "})
_PRECISION = _Pattern(
    r"(?:early|mid|late|end of|end|beginning of|start of|middle of|turn of|around|month of"
    r"|year of)(?:-| )"
)
# Parts of a day name the day: "the early hours of Sunday", "late on Saturday", "Sunday morning".
_DAYTIME = _Pattern(
    r"(?:(?:early hours|morning|afternoon|evening) of|(?:early|late) on) (?P<rest>.+)"
    r"|(?P<day>.+) (?:morning|afternoon|evening)"
)
_WEEK_OF = _Pattern(r"(?P<nth>first|second|third|fourth|last) week of (?P<rest>.+)")
WEEK_STARTS = {"first": 1, "second": 8, "third": 15, "fourth": 22}
# A time of day names no more than its day: "as of 08:00 on July 10", "from 18:00 on July 8".
_CLOCK = _Pattern(
    r"\b\d{1,2}:\d{2}(?: ?[ap] ?m\b)?(?: (?:kyiv|local|moscow) time\b| utc\b| gmt\b)?(?: on\b)?"
)
_WEEK_TO = _Pattern(r"(?:in )?week (?:to|ending|up to) (?P<rest>.+)")
_FIRST_MONTHS = _Pattern(rf"first (?P<count>{_COUNT}) months of (?P<rest>.+)")
_SINCE = _Pattern(r"(?:ever )?since (?P<rest>.+)")
_NIGHT = _Pattern(r"(?:overnight|night) (?:of|on|from) (?P<rest>.+)")
_NIGHT_INTO = _Pattern(r"(?:overnight|night) (?:into|to) (?P<rest>.+)")
_WEEKDAY_NIGHT = _Pattern(rf"(?P<rest>(?:last )?{_WEEKDAY}) night")
_LEADING_WEEKDAY = _Pattern(rf"(?P<weekday>{_WEEKDAY}) (?P<rest>.+)")
_TRAILING_WEEKDAY = _Pattern(rf"(?P<rest>.+) (?P<weekday>{_WEEKDAY})")
_RANGE_CONNECTOR = _Pattern(r"-| to | and | through | thru | until | till ")
_SIDE_FORMS = (
    _Pattern(rf"{_MONTH} (?P<day>\d{{1,2}}){_OPTIONAL_YEAR}"),
    _Pattern(rf"(?P<day>\d{{1,2}}) (?:of )?{_MONTH}{_OPTIONAL_YEAR}"),
    _Pattern(rf"{_MONTH}{_OPTIONAL_YEAR}"),
    _Pattern(_YEAR),
    _Pattern(r"(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?"),
    _Pattern(r"(?P<day>\d{1,2})"),
)


def parse_date(
    text: str,
    *,
    today: date,
    reported: str | None = None,
    order: Order | None = None,
) -> str:
    """Read a date as written; keep the precision it was given at; a span as `START/END`.

    `reported` is the report's date as stored: words like "yesterday" or "last week" count back
    from it (from `today` without it), and a date without a year ("April 26", "October") takes
    the latest such date on or before it (without it, refused). An all-numeric date that is not
    ISO (`04/05/2025`) is refused as ambiguous unless `order` says which comes first or one of
    its numbers cannot be a month. Anything not read whole is refused with the accepted forms.
    """
    if not isinstance(text, str) or not text.strip():
        raise BadDate(f"an empty date is not a date (accepted forms: {ACCEPTED_DATES})")
    original = " ".join(text.split())
    if is_stored_date(original):
        return original
    anchor = Anchor(reported or today.isoformat(), order, reported is not None)
    span = _read(_normalised(original), anchor, original)
    return _stored(original, span)


def _normalised(text: str) -> str:
    body = text.lower().replace("’", "'")
    body = re.sub(r"[–—‒−]", "-", body)
    body = re.sub(r"[,()]", " ", body)
    body = re.sub(r"(?<=[a-z])\.", " ", body)
    body = _CLOCK.sub(" ", " ".join(body.split()))
    body = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", body)
    body = re.sub(r"\bthe\b", " ", body)
    body = re.sub(r"\s*-\s*", "-", " ".join(body.split()))
    return body.strip()


def _read(body: str, anchor: Anchor, original: str) -> Span:
    while match := _PREFIXES.match(body):
        if match.group() in _AHEAD_PREFIXES:
            anchor = replace(anchor, ahead=True)
        body = body[match.end() :]
    if match := _SINCE.fullmatch(body):
        return _since(match["rest"], anchor, original)
    relative = _relative(body, anchor, original)
    if relative is not None:
        return relative
    if match := _DAYTIME.fullmatch(body):
        return _one_day(match["rest"] or match["day"], anchor, original)
    if match := _WEEK_OF.fullmatch(body):
        return _week_of(match, anchor, original)
    if match := _WEEK_TO.fullmatch(body):
        start, _ = _one_day(match["rest"], anchor, original)
        last = date(start.year, start.month, start.day)  # type: ignore[arg-type]
        return _days(last - timedelta(6), last)
    if match := _FIRST_MONTHS.fullmatch(body):
        return _first_months(match, anchor, original)
    if match := _PRECISION.match(body):
        return _rough(body[match.end() :], anchor, original)
    if match := _NIGHT.fullmatch(body):
        return _night(match["rest"], anchor, original)
    if match := _WEEKDAY_NIGHT.fullmatch(body):
        start, _ = _one_day(match["rest"], anchor, original)
        first = date(start.year, start.month, start.day)  # type: ignore[arg-type]
        return _days(first, first + timedelta(1))
    if match := _NIGHT_INTO.fullmatch(body):
        return _night_into(match["rest"], anchor, original)
    if (match := _LEADING_WEEKDAY.fullmatch(body)) or (match := _TRAILING_WEEKDAY.fullmatch(body)):
        return _on_weekday(match, anchor, original)
    for form in FORMS:
        if match := form.pattern.fullmatch(body):
            return _resolved(form.read(match, anchor), anchor, original)
    if (span := _range(body, anchor, original)) is not None:
        return span
    raise BadDate(f'"{original}" is not a date osintlog can read; accepted forms: {ACCEPTED_DATES}')


def _relative(body: str, anchor: Anchor, original: str) -> Span | None:
    body = _RELATIVE_ALIASES.get(body, body)
    if body in RELATIVE:
        return RELATIVE[body](anchor.day(original))
    if match := _AGO.fullmatch(body):
        return _ago(_count(match["count"]), match["unit"], anchor.day(original))
    if match := _PAST.fullmatch(body):
        return _past(match, anchor.day(original))
    if match := _WEEKDAY_ALONE.fullmatch(body):
        day = anchor.day(original)
        back = (day.weekday() - WEEKDAYS[match["weekday"]]) % 7
        if match["last"] and back == 0:
            back = 7
        return _days(day - timedelta(back), day - timedelta(back))
    return None


def _ago(count: int, unit: str, day: date) -> Span:
    """ "3 days ago" is a day; "2 months ago", "a year ago" only the month they fall in."""
    if unit in ("day", "week"):
        then = day - timedelta(days=count * (7 if unit == "week" else 1))
        return _days(then, then)
    then = _months_back(day, count * (12 if unit == "year" else 1))
    return _one(Part(then.year, then.month))


def _past(match: re.Match[str], day: date) -> Span:
    count = _count(match["count"]) if match["count"] else 1
    unit = match["unit"]
    if unit == "hour":
        start = day - timedelta(days=-(-count // 24))
    elif unit in ("day", "week"):
        start = day - timedelta(days=count * (7 if unit == "week" else 1))
    else:
        start = _months_back(day, count * (12 if unit == "year" else 1))
    return _days(start, day)


def _since(rest: str, anchor: Anchor, original: str) -> Span:
    """ "since October": counted from then until the report's date."""
    start = _read(rest, anchor, original).start
    return Span(start, _stored_part(anchor.reported))


def _rough(rest: str, anchor: Anchor, original: str) -> Span:
    """ "early March 2025", "mid-2022": the month or year they lie in, never a guessed day."""
    span = _read(rest, anchor, original)
    if span.start.day is not None or span.end.day is not None:
        raise BadDate(f'"{original}": early, mid and late go with a month or a year, not a day')
    return span


def _night(rest: str, anchor: Anchor, original: str) -> Span:
    """ "night of June 28-29" is those two days. "night of June 28" is refused: reports use it
    for the night into June 28 as often as for the night after it."""
    span = _read(rest, anchor, original)
    start, end = span
    if start.day is None or end.day is None or start == end:
        raise BadDate(
            f'"{original}": name both days of the night, such as "night of June 28-29" '
            '(or "overnight into Sunday")'
        )
    return span


def _one_day(rest: str, anchor: Anchor, original: str) -> Span:
    span = _read(rest, anchor, original)
    if span.start != span.end or span.start.day is None:
        raise BadDate(f'"{original}": morning, evening and night go with one day')
    return span


def _first_months(match: re.Match[str], anchor: Anchor, original: str) -> Span:
    """ "the first six months of 2025": January to June."""
    start, end = _read(match["rest"], anchor, original)
    count = _count(match["count"])
    if start != end or start.month is not None or not 1 <= count <= 12:
        raise BadDate(f'"{original}": the first months go with a year, such as "2025"')
    return Span(Part(start.year, 1), Part(start.year, count))


def _week_of(match: re.Match[str], anchor: Anchor, original: str) -> Span:
    """ "the first week of July": its days 1-7; "the last week of July", its last seven."""
    start, end = _read(match["rest"], anchor, original)
    if start != end or start.month is None or start.day is not None:
        raise BadDate(f'"{original}": a week of a month goes with a month, such as "July 2025"')
    year, month = start.year, start.month
    last = calendar.monthrange(year, month)[1]  # type: ignore[arg-type]
    first = WEEK_STARTS.get(match["nth"], last - 6)
    return Span(Part(year, month, first), Part(year, month, first + 6))


def _night_into(rest: str, anchor: Anchor, original: str) -> Span:
    """ "overnight into Sunday": Saturday and Sunday."""
    start, end = _read(rest, anchor, original)
    if start != end or start.day is None:
        raise BadDate(f'"{original}": a night ends on a day, such as "overnight into Sunday"')
    last = date(start.year, start.month, start.day)  # type: ignore[arg-type]
    return _days(last - timedelta(1), last)


def _on_weekday(match: re.Match[str], anchor: Anchor, original: str) -> Span:
    """ "Monday, June 29": the date, checked against its weekday."""
    span = _read(match["rest"], anchor, original)
    start, end = span
    if start != end or start.day is None:
        raise BadDate(f'"{original}": a weekday goes with one day, such as "Sunday, June 29"')
    day = date(start.year, start.month, start.day)  # type: ignore[arg-type]
    named = WEEKDAYS[match["weekday"]]
    if day.weekday() != named:
        raise BadDate(
            f'"{original}": {day.isoformat()} was a {calendar.day_name[day.weekday()]}, '
            f"not a {calendar.day_name[named]}; check the date"
        )
    return span


def _range(body: str, anchor: Anchor, original: str) -> Span | None:
    """Two dates joined by "-", "to", "and": "July 1-7", "28 June-2 July", "March to
    September 2023"; a part the first date leaves out (month, year) is the second's. A year
    after a range of days ("July 1-7, 2025") is the range's."""
    plain = re.sub(r"^(?:from|between) ", "", body)
    readings = [(plain, None)]
    if match := re.fullmatch(r"(.+) (\d{4})", plain):
        readings.append((match[1], int(match[2])))
    refusal = None
    for text, year in readings:
        for connector in _RANGE_CONNECTOR.finditer(text):
            left, right = _side(text[: connector.start()]), _side(text[connector.end() :])
            if left is None or right is None or (year and right.year):
                continue
            try:
                return _resolved(_joined(left, right, year, original), anchor, original)
            except BadDate as error:
                refusal = refusal or error
    if refusal is not None:
        raise refusal
    return None


def _side(text: str) -> Part | None:
    for pattern in _SIDE_FORMS:
        if match := pattern.fullmatch(text):
            groups = match.groupdict()
            month = groups.get("month")
            return Part(
                int(groups["year"]) if groups.get("year") else None,
                (int(month) if month.isdigit() else MONTHS[month]) if month else None,
                int(groups["day"]) if groups.get("day") else None,
            )
    return None


def _joined(left: Part, right: Part, year: int | None, original: str) -> Span:
    if left.month is None and left.year is None:  # "1-7 July": the day takes July
        if right.day is None or right.month is None:
            raise BadDate(f'"{original}": a range of days needs its month, as in "1-7 July"')
        left = Part(right.year, right.month, left.day)
    if right.month is None and right.year is None:  # "July 1-7"
        if left.day is None or left.month is None or left.year is not None:
            raise BadDate(f'"{original}": a range of days needs its month, as in "July 1-7"')
        right = Part(None, left.month, right.day)
    if year is not None:
        right = Part(year, right.month, right.day)
    if left.year is None and right.year is not None:
        start_year = right.year
        if _crosses_a_year(left, right):
            start_year -= 1  # "December 28 - January 3, 2025"
        left = Part(start_year, left.month, left.day)
    return Span(left, right)


def _resolved(span: Span, anchor: Anchor, original: str) -> Span:
    """A span whose year is missing takes the latest year that puts its start on or before the
    report's date; an end without a year follows its start (a year later if it comes first)."""
    start, end = span
    if start.year is None:
        if anchor.ahead:
            raise BadDate(
                f'"{original}" has no year, and "by" or "until" may point past the report: '
                "give the year"
            )
        if not anchor.given:
            raise BadDate(f'"{original}" has no year; give one, or give --reported to take it from')
        start = _latest_before(start, anchor, original)
    if end.year is None:
        year = start.year + _crosses_a_year(start, end)  # type: ignore[operator]
        end = Part(year, end.month, end.day)
    return Span(start, end)


def _crosses_a_year(start: Part, end: Part) -> bool:
    """Whether a span written without the end's year runs into the next: "December - January"."""
    return start.month is not None and end.month is not None and end.month < start.month


def _latest_before(part: Part, anchor: Anchor, original: str) -> Part:
    last = anchor.last_day.isoformat()
    for year in range(anchor.last_day.year, anchor.last_day.year - 9, -1):
        candidate = Part(year, part.month, part.day)
        if _valid(candidate) and period_start(_text(candidate)) <= last:
            return candidate
    raise BadDate(f'"{original}" names no date on or before the report\'s date {anchor.reported}')


def _valid(part: Part) -> bool:
    year, month, day = part
    if year is None or not 1000 <= year <= 9999:
        return False
    if month is not None and not 1 <= month <= 12:
        return False
    return day is None or (month is not None and 1 <= day <= calendar.monthrange(year, month)[1])


def _checked(original: str, part: Part) -> str:
    year, month, day = part
    if year is None or not 1000 <= year <= 9999:
        raise BadDate(f'"{original}" is not a date between the years 1000 and 9999')
    if month is not None and not 1 <= month <= 12:
        raise BadDate(f'"{original}" has no month {month}')
    if day is not None and not _valid(part):
        raise BadDate(
            f'"{original}" has no day {day} in {calendar.month_name[month]} {year}'  # type: ignore[index]
        )
    return _text(part)


def _text(part: Part) -> str:
    year, month, day = part
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _stored(original: str, span: Span) -> str:
    start, end = _checked(original, span.start), _checked(original, span.end)
    if start == end:
        return start
    if period_start(start) > period_start(end):
        raise BadDate(f'"{original}" ends before it starts ({start} to {end})')
    return f"{start}/{end}"


# --- stored dates -----------------------------------------------------------------------------

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
