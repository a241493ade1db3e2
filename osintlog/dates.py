"""Date text -> an ISO date at its precision (`2025`, `2025-04`, `2025-04-26`) or a span
`START/END` of two such dates (an ISO 8601 interval, EDTF level 0). Where a stored date sits
in time is `periods`' (re-exported here); the words dates are written with, `date_words`'.

A date is read whole, by the forms of `FORMS` and `date_words.RELATIVE`, or refused: nothing
is guessed (dateutil's parser, which fills in what a text leaves out, is not used here: it
read "July 1-7" as the year 2007). Words relative to a day ("yesterday", "last week", "on
Sunday") and dates without a year ("April 26") are read against the report's date, never
against the clock.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from osintlog.date_words import (
    COUNT_PATTERN,
    MONTH_PATTERN,
    MONTHS,
    RELATIVE_EXAMPLES,
    WEEKDAY_PATTERN,
    WEEKDAYS,
    Anchor,
    Order,
    Part,
    Pattern,
    Span,
    count_of,
    day_span,
    one_part,
    relative_span,
)
from osintlog.errors import BadDate
from osintlog.periods import (
    after_report,
    is_partial_date,
    is_stored_date,
    last_part,
    period_end,
    period_start,
    timeline_day,
)

__all__ = [
    "ACCEPTED_DATES",
    "FORMS",
    "Order",
    "after_report",
    "is_partial_date",
    "is_stored_date",
    "last_part",
    "parse_date",
    "period_end",
    "period_start",
    "timeline_day",
]


# --- the forms --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """A way a date is written: its pattern over the normalised text, how it is read, and an
    example for the list of accepted forms (each example is held to parse by a test)."""

    examples: tuple[str, ...]
    pattern: Pattern
    read: Callable[[re.Match[str], Anchor], Span]


def _month_of(match: re.Match[str], group: str = "month") -> int:
    return MONTHS[match.group(group)]


def _int(match: re.Match[str], group: str) -> int | None:
    text = match.groupdict().get(group)
    return int(text) if text else None


def _iso(match: re.Match[str], anchor: Anchor) -> Span:
    return one_part(Part(int(match["year"]), _int(match, "month"), _int(match, "day")))


def _stored_span(match: re.Match[str], anchor: Anchor) -> Span:
    return Span(_stored_part(match["start"]), _stored_part(match["end"]))


def _stored_part(text: str) -> Part:
    numbers = [int(n) for n in text.split("-")]
    return Part(*numbers)


def _written(match: re.Match[str], anchor: Anchor) -> Span:
    return one_part(Part(_int(match, "year"), _month_of(match), _int(match, "day")))


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
    return one_part(Part(year, month, day))


def _two_digit_year(yy: int) -> int:
    return 2000 + yy if yy < 70 else 1900 + yy


def _numeric_month(match: re.Match[str], anchor: Anchor) -> Span:
    return one_part(Part(int(match["year"]), int(match["month"])))


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
        Pattern(r"(?P<year>\d{4})(?:[-/.](?P<month>\d{1,2})(?:[-/.](?P<day>\d{1,2}))?)?"),
        _iso,
    ),
    Form(("2025-07-01/2025-07-07",), Pattern(rf"(?P<start>{_ISO})/(?P<end>{_ISO})"), _stored_span),
    Form(("April 2025",), Pattern(rf"{MONTH_PATTERN}{_OPTIONAL_YEAR}"), _written),
    Form(
        ("Apr 26, 2025",), Pattern(rf"{MONTH_PATTERN} (?P<day>\d{{1,2}}){_OPTIONAL_YEAR}"), _written
    ),
    Form(
        ("26 April 2025",),
        Pattern(rf"(?P<day>\d{{1,2}}) (?:of )?{MONTH_PATTERN}{_OPTIONAL_YEAR}"),
        _written,
    ),
    Form(
        ("26/04/2025",),
        Pattern(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"),
        _numeric,
    ),
    Form(("04/2025",), Pattern(r"(?P<month>\d{1,2})/(?P<year>\d{4})"), _numeric_month),
    Form(("Q2 2025",), Pattern(rf"q(?P<number>[1-4]){_OPTIONAL_YEAR}"), _quarter),
    Form(("2025 Q2",), Pattern(r"(?P<year>\d{4})[ -]q(?P<number>[1-4])"), _quarter),
    Form(
        ("second quarter of 2025",),
        Pattern(rf"(?P<number>first|second|third|fourth) quarter(?: of)?{_OPTIONAL_YEAR}"),
        _quarter,
    ),
    Form(("H1 2025",), Pattern(rf"h(?P<number>[12]){_OPTIONAL_YEAR}"), _half),
    Form(("2025 H1",), Pattern(r"(?P<year>\d{4})[ -]h(?P<number>[12])"), _half),
    Form(
        ("first half of 2025",),
        Pattern(rf"(?P<number>first|second) half(?: of)?{_OPTIONAL_YEAR}"),
        _half,
    ),
    Form(("the 1990s",), Pattern(r"(?P<decade>\d{3})0'?s"), _decade),
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

_PREFIXES = Pattern(
    r"(?:as of|as at|in|on|by|at|during|for|over|through|until|till|up until|ending|dated) "
)
_AHEAD_PREFIXES = frozenset({"by ", "until ", "till ", "through ", "up until "})
_PRECISION = Pattern(
    r"(?:early|mid|late|end of|end|beginning of|start of|middle of|turn of|around|month of"
    r"|year of)(?:-| )"
)
# Parts of a day name the day: "the early hours of Sunday", "late on Saturday", "Sunday morning".
_DAYTIME = Pattern(
    r"(?:(?:early hours|morning|afternoon|evening) of|(?:early|late) on) (?P<rest>.+)"
    r"|(?P<day>.+) (?:morning|afternoon|evening)"
)
_WEEK_OF = Pattern(r"(?P<nth>first|second|third|fourth|last) week of (?P<rest>.+)")
WEEK_STARTS = {"first": 1, "second": 8, "third": 15, "fourth": 22}
# A time of day names no more than its day: "as of 08:00 on July 10", "from 18:00 on July 8".
_CLOCK = Pattern(
    r"\b\d{1,2}:\d{2}(?: ?[ap] ?m\b)?(?: (?:kyiv|local|moscow) time\b| utc\b| gmt\b)?(?: on\b)?"
)
_WEEK_TO = Pattern(r"(?:in )?week (?:to|ending|up to) (?P<rest>.+)")
_FIRST_MONTHS = Pattern(rf"first (?P<count>{COUNT_PATTERN}) months of (?P<rest>.+)")
_SINCE = Pattern(
    r"(?:ever )?since (?P<rest>.+)|(?:from )?(?P<start>.+) (?:to date|until now|to now|so far)"
)
_WEEK_OF_DAY = Pattern(r"week (?:of|beginning|starting) (?P<rest>.+)")
# An ISO timestamp names its day: 2025-06-30T08:00, 2025-06-30 08:00:00Z.
_TIMESTAMP = Pattern(
    r"(\d{4}-\d{2}-\d{2})[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?"
)
_NIGHT = Pattern(r"(?:overnight|night) (?:of|on|from) (?P<rest>.+)")
_NIGHT_INTO = Pattern(r"(?:overnight|night) (?:into|to) (?P<rest>.+)")
_WEEKDAY_NIGHT = Pattern(rf"(?P<rest>(?:last )?{WEEKDAY_PATTERN}) night")
_LEADING_WEEKDAY = Pattern(rf"(?P<weekday>{WEEKDAY_PATTERN}) (?P<rest>.+)")
_TRAILING_WEEKDAY = Pattern(rf"(?P<rest>.+) (?P<weekday>{WEEKDAY_PATTERN})")
_RANGE_CONNECTOR = Pattern(r"-| to | and | through | thru | until | till ")
_SIDE_FORMS = (
    Pattern(rf"{MONTH_PATTERN} (?P<day>\d{{1,2}}){_OPTIONAL_YEAR}"),
    Pattern(rf"(?P<day>\d{{1,2}}) (?:of )?{MONTH_PATTERN}{_OPTIONAL_YEAR}"),
    Pattern(rf"{MONTH_PATTERN}{_OPTIONAL_YEAR}"),
    Pattern(_YEAR),
    Pattern(r"(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?"),
    Pattern(r"(?P<day>\d{1,2})"),
)


def parse_date(
    text: str | date,
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
    A `datetime.date` (a Python caller's) is its day.
    """
    if isinstance(text, date):  # from Python: a datetime.date, or a datetime's day
        return date(text.year, text.month, text.day).isoformat()
    if not isinstance(text, str):
        raise BadDate(
            f"a date is text or a datetime.date, not {type(text).__name__} ({text!r:.40})"
        )
    if not text.strip():
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
    body = _TIMESTAMP.sub(r"\1", " ".join(body.split()))
    body = _CLOCK.sub(" ", body)
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
        return _since(match["rest"] or match["start"], anchor, original)
    relative = relative_span(body, anchor, original)
    if relative is not None:
        return relative
    if match := _DAYTIME.fullmatch(body):
        return _one_day(match["rest"] or match["day"], anchor, original)
    if match := _WEEK_OF.fullmatch(body):
        return _week_of(match, anchor, original)
    if match := _WEEK_OF_DAY.fullmatch(body):
        start, _ = _one_day(match["rest"], anchor, original)
        first = date(start.year, start.month, start.day)  # type: ignore[arg-type]
        monday = first - timedelta(days=first.weekday())
        return day_span(monday, monday + timedelta(6))
    if match := _WEEK_TO.fullmatch(body):
        start, _ = _one_day(match["rest"], anchor, original)
        last = date(start.year, start.month, start.day)  # type: ignore[arg-type]
        return day_span(last - timedelta(6), last)
    if match := _FIRST_MONTHS.fullmatch(body):
        return _first_months(match, anchor, original)
    if match := _PRECISION.match(body):
        return _rough(body[match.end() :], anchor, original)
    if match := _NIGHT.fullmatch(body):
        return _night(match["rest"], anchor, original)
    if match := _WEEKDAY_NIGHT.fullmatch(body):
        start, _ = _one_day(match["rest"], anchor, original)
        first = date(start.year, start.month, start.day)  # type: ignore[arg-type]
        return day_span(first, first + timedelta(1))
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
    count = count_of(match["count"])
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
    return day_span(last - timedelta(1), last)


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
            raise BadDate(
                f'"{original}" has no year; give one, or the report\'s date (--reported) to '
                "take it from"
            )
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


def day_of(today: date | str) -> date:
    """The day a caller gives as `today`: a date (a datetime's day), or one ISO day as text."""
    if isinstance(today, date):
        return date(today.year, today.month, today.day)
    try:
        return date.fromisoformat(today.strip())
    except (AttributeError, ValueError):
        raise BadDate(
            f"today={today!r}: give a datetime.date or an ISO day such as 2025-09-03"
        ) from None
