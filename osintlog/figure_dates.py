"""When a report's figure is of: the dates a sentence gives, and which of them dates each figure.

A sentence's first date dates its figures, resolved against the report's date ("October" is the
October before the report, "by December" in a plan the one after it, "since October" the span
from then to the report); a date right after a figure is that figure's own ("from 400 in 2022 to
913 in early 2024"); a date that dates an event ("during an offensive in August") or an earlier
figure set against ("up from 3,000 in January") does not date the sentence.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date

from osintlog.date_words import COUNT_WORDS, WEEKDAY_PATTERN
from osintlog.dates import parse_date, period_end
from osintlog.errors import BadDate

# A date found in a sentence: where it starts and ends, and its text.
FoundDate = tuple[int, int, str]

# Month names as whole words only: "Separately" and "Decoy" name no month.
_MONTH = (
    r"(?<![A-Za-z])(?:January|February|March|April|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![A-Za-z])\.?"
)
_MAY = r"(?:(?<=\bin )|(?<=\bof )|(?<=\bsince )|(?<=\bby )|(?<=\buntil ))May(?![A-Za-z])"
_ANY_MONTH = rf"(?:{_MONTH}|{_MAY}|(?<![A-Za-z])May(?=\s+\d))"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_WEEKDAY = WEEKDAY_PATTERN
_COUNT = "|".join(sorted(COUNT_WORDS, key=len, reverse=True))
_PERIOD = r"(?:(?:early|mid|late|the end of|the beginning of|the start of|end of)[\s-]+)?"
DATE_PATTERNS = [
    rf"{_PERIOD}{_ANY_MONTH}\s+{_DAY},?\s+\d{{4}}",
    rf"{_DAY}\s+{_ANY_MONTH},?\s+\d{{4}}",
    rf"{_PERIOD}{_ANY_MONTH},?\s+\d{{4}}",
    rf"{_ANY_MONTH}\s+{_DAY}\b",
    rf"{_DAY}\s+{_ANY_MONTH}",
    rf"{_PERIOD}{_ANY_MONTH}",
    r"\d{4}-\d{2}(?:-\d{2})?",
    r"\d{1,2}/\d{1,2}/\d{2,4}",
    rf"{_PERIOD}\b(?:19|20)\d{{2}}s?\b",
    r"(?:this|last|next) year",
    r"(?:the )?end of (?:the|this) (?:year|month)(?!\s+(?:of\s+)?\d)",
    # Words that make a figure a count over a span, relative to the report ("since the start
    # of the month", "in the week to Friday", "last month"): missed, such a total would be taken
    # for a count to the report's date. Days and nights ("overnight", "on Saturday") are left
    # to the report's date: a sentence gives the day of its statement as often as its figure's.
    r"(?i:(?:the )?(?:start|beginning) of (?:the|this) (?:year|month))(?=\W|$)",
    r"(?i:(?:so far |earlier )this (?:year|month)|this (?:year|month) so far|year to date)\b",
    rf"(?i:(?:in )?the week (?:to|ending|up to) "
    rf"(?:{_WEEKDAY}|{_ANY_MONTH}\s+{_DAY}\b|{_DAY}\s+{_ANY_MONTH}))",
    rf"(?i:(?:(?:in|over) )?the (?:past|last|previous) (?:(?:\d{{1,3}}|{_COUNT}) )?"
    r"(?:hours|days|weeks|months|years|week|month|year)\b)",
    rf"(?i:(?:the )?first (?:\d{{1,2}}|{_COUNT}) months of (?:\d{{4}}|this year|last year))",
    r"(?i:(?:last|this) (?:week|month))\b",
]
_DATES = re.compile("|".join(f"(?:{p})" for p in DATE_PATTERNS))


def find_dates(sentence: str) -> list[FoundDate]:
    """Every date the sentence writes, in order."""
    return [(m.start(), m.end(), m.group()) for m in _DATES.finditer(sentence)]


def as_of_date(sentence: str, dates: list[FoundDate], reported: str, today: date) -> str | None:
    """The first date the sentence gives, resolved against the report's date: "October" is the
    October before the report, but "by December" or "until March" the one after it; "since
    October" is the span from then to the report; "from March to September 2023" one span."""
    for index, (start, _end, _text) in enumerate(dates):
        if _EVENT_DATE.search(sentence, max(0, start - 40), start):
            continue  # "seized during an offensive in August" dates the offensive
        if (resolved := _resolved(sentence, dates, index, reported, today)) is not None:
            return resolved
    return None


# A date that dates an event the sentence mentions, not its figures: it follows "during",
# "after", "before", "when" or "following" and at most four words ("during an offensive in").
_EVENT_DATE = re.compile(
    r"\b(?:during|after|before|when|following)\s+(?:[\w'-]+\s+){0,4}(?:in\s+|on\s+)?$",
    re.IGNORECASE,
)


# What may stand between a figure and a date that is its own: its noun, then a preposition
# ("400 shells in 2022", "28,000 troops last October", "60,000 by October").
_ATTACHED = re.compile(
    r"(?:\s+[A-Za-z][\w'-]*){0,3}?"
    r"\s+(?:in|by|since|during|on|until|as of|last|from|at the end of)\s+|\s+"
)


def attached_date(
    sentence: str,
    dates: list[FoundDate],
    end: int,
    before: int,
    reported: str,
    today: date,
) -> str | None:
    """The date that directly follows a figure ending at `end` (before the next figure, at
    `before`), as a list sentence gives each figure its own: "from 400 in 2022 to 913 in early
    2024". It belongs to the figure before any date of the sentence."""
    index = _attached_index(sentence, dates, end, before)
    return None if index is None else _resolved(sentence, dates, index, reported, today)


def _attached_index(sentence: str, dates: list[FoundDate], end: int, before: int) -> int | None:
    for index, (start, _end, _text) in enumerate(dates):
        if end <= start < before and _ATTACHED.fullmatch(sentence, end, start):
            return index
    return None


# A figure set against an earlier one: "up from roughly 3,000 in January", "compared with".
_EARLIER = re.compile(
    r"\b(?:(?:up|down|rising|falling|rose|fell|grew)\s+from|compared\s+(?:with|to)|versus)\s+$",
    re.IGNORECASE,
)


def sentence_dates(
    sentence: str, dates: list[FoundDate], figures: list[tuple[int, int]]
) -> list[FoundDate]:
    """The dates that may date the whole sentence (its figures found at these (start, end)):
    not one that belongs to an earlier figure it is set against ("4,700 killed, up from
    roughly 3,000 in January": January is the 3,000's)."""
    earlier = set()
    for number, (start, end) in enumerate(figures):
        if _EARLIER.search(sentence, max(0, start - 20), start):
            following = figures[number + 1][0] if number + 1 < len(figures) else len(sentence)
            index = _attached_index(sentence, dates, end, following)
            if index is not None:
                earlier.add(index)
    return [date for index, date in enumerate(dates) if index not in earlier]


def _resolved(
    sentence: str, dates: list[FoundDate], index: int, reported: str, today: date
) -> str | None:
    start, _end, text = dates[index]
    relative = re.fullmatch(r"(this|last|next) year", text, re.IGNORECASE)
    if relative:
        shift = {"this": 0, "last": -1, "next": 1}[relative.group(1).lower()]
        return f"{int(reported[:4]) + shift:04d}"
    # "by the end of the year" in a report of July is December's (a forecast), not the year so far
    end_of = re.fullmatch(r"(?:the )?end of (?:the|this) (year|month)", text, re.IGNORECASE)
    if end_of and end_of.group(1).lower() == "year":
        return f"{reported[:4]}-12"
    if end_of:
        return period_end(reported[:7])
    for wider in _wider(sentence, dates, index):
        with contextlib.suppress(BadDate):
            return parse_date(wider, today=today, reported=reported)
    try:
        resolved = parse_date(text, today=today, reported=reported)
    except BadDate:
        return None
    ahead = re.search(
        r"\b(?:by|until|before|next)\s+$", sentence[max(0, start - 8) : start], re.IGNORECASE
    )
    if ahead and not re.search(r"\d{4}", text) and resolved < reported[: len(resolved)]:
        resolved = f"{int(resolved[:4]) + 1:04d}{resolved[4:]}"
    return resolved


def _wider(sentence: str, dates: list[FoundDate], index: int) -> list[str]:
    """The date with the words that make it a span: "since October" (to the report), "from
    March to September 2023"."""
    start, end, text = dates[index]
    before = sentence[max(0, start - 6) : start].lower()
    wider = []
    if before.endswith("since "):
        wider.append(f"since {text}")
    if before.endswith("from ") and index + 1 < len(dates):
        following = dates[index + 1]
        if re.fullmatch(r"\s+(?:to|until|through)\s+", sentence[end : following[0]]):
            wider.append(f"from {sentence[start : following[1]]}")
    return wider
