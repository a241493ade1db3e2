"""Date text -> partial ISO date (`2025`, `2025-04`, `2025-04-26`) that keeps its precision."""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, datetime, timedelta
from typing import Literal

from osintlog.errors import BadDate

Order = Literal["dayfirst", "monthfirst"]

ACCEPTED_DATES = "2025, 2025-04, 2025-04-26, April 2025, 26 April 2025, Apr 26, 2025, today"

_PARTIAL_ISO = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?", re.ASCII)
_ALL_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})", re.ASCII)
_PERIOD_WORDS = re.compile(
    r"^(?:(?:as of|in|on|since|by)\s+)?"
    r"(?:(?:the\s+)?(?:early|mid|late|end of|beginning of|start of|middle of)(?:\s+|-))?"
)
_STORED = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", re.ASCII)
_ORDINAL_SUFFIX = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
# Two defaults that differ in year, month and day tell which parts the text itself gave; both
# are leap years and both months have 31 days, so no given day or "Feb 29" is ever clamped.
_DEFAULT_A = datetime(2000, 1, 1)
_DEFAULT_B = datetime(2004, 3, 2)


def parse_date(
    text: str,
    *,
    today: date,
    reported: str | None = None,
    order: Order | None = None,
) -> str:
    """Read a date as written; keep the precision it was given at.

    A date without a year takes the latest such date on or before `reported` ("October" in a
    report of 2025-01-15 is 2024-10); without `reported` it is refused. An all-numeric date
    that is not ISO (`04/05/2025`) is refused as ambiguous unless `order` says which comes first
    or one of its numbers cannot be a month.
    """
    if not isinstance(text, str) or not text.strip():
        raise BadDate(f"an empty date is not a date (accepted forms: {ACCEPTED_DATES})")
    original = text.strip()
    body = " ".join(original.lower().split())
    if body == "today":
        return today.isoformat()
    if body == "yesterday":
        return (today - timedelta(days=1)).isoformat()
    body = _PERIOD_WORDS.sub("", body, count=1).strip()
    body = _ORDINAL_SUFFIX.sub(r"\1", body)
    if match := _PARTIAL_ISO.fullmatch(body):
        return _checked(original, *(int(part) if part else None for part in match.groups()))
    if match := _ALL_NUMERIC.fullmatch(body):
        return _all_numeric(original, match, order)
    year, month, day = _dateutil_parts(original, body)
    if year is None:
        if reported is None:
            raise BadDate(f'"{original}" has no year; give one, or give --reported to take it from')
        year = _year_before(reported, month, day)
    return _checked(original, year, month, day)


def _all_numeric(original: str, match: re.Match[str], order: Order | None) -> str:
    first, second, year_text = match.groups()
    a, b = int(first), int(second)
    year = int(year_text) if len(year_text) == 4 else _two_digit_year(int(year_text))
    if order is None:
        if a > 12 >= b:
            order = "dayfirst"
        elif b > 12 >= a or a == b:
            order = "monthfirst"
        else:
            raise BadDate(
                f'"{original}" is ambiguous: is it day/month or month/day? '
                "Use --dayfirst or --monthfirst, or write it as YYYY-MM-DD"
            )
    day, month = (a, b) if order == "dayfirst" else (b, a)
    return _checked(original, year, month, day)


def _two_digit_year(yy: int) -> int:
    return 2000 + yy if yy < 70 else 1900 + yy


def _dateutil_parts(original: str, body: str) -> tuple[int | None, int | None, int | None]:
    from dateutil import parser

    try:
        a = parser.parse(body, default=_DEFAULT_A)
        b = parser.parse(body, default=_DEFAULT_B)
    except (ValueError, OverflowError, TypeError, IndexError) as error:
        raise BadDate(f'"{original}" is not a date; accepted forms: {ACCEPTED_DATES}') from error
    year = a.year if a.year == b.year else None
    month = a.month if a.month == b.month else None
    day = a.day if a.day == b.day else None
    if month is None and day is not None:
        raise BadDate(f'"{original}" gives a day without a month; accepted: {ACCEPTED_DATES}')
    if year is None and month is None:
        raise BadDate(f'"{original}" is not a date; accepted forms: {ACCEPTED_DATES}')
    return year, month, day


def _year_before(reported: str, month: int | None, day: int | None) -> int:
    """The year of the latest (month, day) that falls on or before the reported date."""
    reported_start = period_start(reported)
    year = int(reported_start[:4])
    candidate = f"{year:04d}-{month or 1:02d}-{day or 1:02d}"
    return year if candidate <= period_end(reported) else year - 1


def _checked(original: str, year: int | None, month: int | None, day: int | None) -> str:
    if year is None or not 1000 <= year <= 9999:
        raise BadDate(f'"{original}" is not a date between the years 1000 and 9999')
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        raise BadDate(f'"{original}" has no month {month}')
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise BadDate(f'"{original}" has no day {day} in {calendar.month_name[month]} {year}')
    return f"{year:04d}-{month:02d}-{day:02d}"


@functools.lru_cache(maxsize=16384)
def period_start(partial: str) -> str:
    """The first day of a partial date's period: 2025 -> 2025-01-01."""
    if len(partial) == 4:
        return partial + "-01-01"
    if len(partial) == 7:
        return partial + "-01"
    return partial


def period_end(partial: str) -> str:
    """The last day of a partial date's period: 2025-02 -> 2025-02-28."""
    if len(partial) == 4:
        return partial + "-12-31"
    if len(partial) == 7:
        year, month = int(partial[:4]), int(partial[5:7])
        return f"{partial}-{calendar.monthrange(year, month)[1]:02d}"
    return partial


def is_partial_date(text: object) -> bool:
    """Whether a stored value is a well-formed partial ISO date."""
    return isinstance(text, str) and _is_partial_iso(text)


# Imports check the same few thousand dates again and again.
@functools.lru_cache(maxsize=16384)
def _is_partial_iso(text: str) -> bool:
    if not _STORED.fullmatch(text):
        return False
    year = int(text[:4])
    if len(text) == 10:
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
        return year >= 1000
    return year >= 1000 and (len(text) == 4 or 1 <= int(text[5:7]) <= 12)
