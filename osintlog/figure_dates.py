"""When a report's figure is of: the dates a sentence gives, and which of them dates each figure.

A sentence's first date dates its figures, resolved against the report's date ("October" is the
October before the report, "by December" in a plan the one after it, "since October" the span
from then to the report); a date right after a figure is that figure's own ("from 400 in 2022 to
913 in early 2024"); a date written between two figures dates the second and those after it; a
date that dates an event ("during an offensive in August") or an earlier figure set against ("up
from 3,000 in January") does not date the sentence. `dates_of_figures` gives each figure's.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from datetime import date

from dateutil.relativedelta import relativedelta

from osintlog.date_words import COUNT_WORDS, WEEKDAY_PATTERN
from osintlog.dates import parse_date, period_end
from osintlog.errors import BadDate
from osintlog.metric_guess import NOUN_CLASS, is_plural
from osintlog.periods import period_start
from osintlog.sentences import quoted_spans

# A date found in a sentence: where it starts and ends, and its text.
FoundDate = tuple[int, int, str]

# Month names as whole words only: "Separately" and "Decoy" name no month.
_MONTH = (
    r"(?<![A-Za-z])(?:January|February|March|April|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![A-Za-z])\.?"
)
_MAY = (
    r"(?:(?<=\b[iI]n )|(?<=\bof )|(?<=\b[sS]ince )|(?<=\b[bB]y )|(?<=\b[uU]ntil ))"
    r"May(?![A-Za-z])"
)
_ANY_MONTH = rf"(?:{_MONTH}|{_MAY}|(?<![A-Za-z])May(?=\s+\d))"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_WEEKDAY = WEEKDAY_PATTERN
_COUNT = "|".join(sorted(COUNT_WORDS, key=len, reverse=True))
_PERIOD = r"(?:(?:early|mid|late|the end of|the beginning of|the start of|end of)[\s-]+)?"
# Between two days: "June 1-7", "8 and 14 June", "the night of 28 to 29 June".
_DAYS_TO = r"\s*(?:-|–|to|and|until|through)\s*"
_NIGHT_OF = r"(?i:(?:the\s+)?night\s+of\s+)?"
DATE_PATTERNS = [
    rf"{_NIGHT_OF}{_ANY_MONTH}\s+{_DAY}{_DAYS_TO}{_DAY}\b(?:,?\s+\d{{4}})?",
    rf"{_NIGHT_OF}{_DAY}{_DAYS_TO}{_DAY}\s+{_ANY_MONTH}(?:,?\s+\d{{4}})?",
    rf"(?i:(?:the\s+)?(?:(?:first|second|third|fourth|last)\s+)?week\s+of\s+)"
    rf"(?:{_ANY_MONTH}\s+{_DAY}\b|{_DAY}\s+{_ANY_MONTH}|{_ANY_MONTH})(?:,?\s+\d{{4}})?",
    rf"{_PERIOD}{_ANY_MONTH}\s+{_DAY},?\s+\d{{4}}",
    rf"{_DAY}\s+{_ANY_MONTH},?\s+\d{{4}}",
    rf"{_PERIOD}{_ANY_MONTH},?\s+\d{{4}}",
    rf"{_ANY_MONTH}\s+{_DAY}\b",
    rf"{_DAY}\s+{_ANY_MONTH}",
    rf"{_PERIOD}{_ANY_MONTH}",
    r"\d{4}-\d{2}(?:-\d{2})?",
    r"\d{1,2}/\d{1,2}/\d{2,4}",
    r"\b(?i:(?:the )?(?:first|second|third|fourth) (?:half|quarter) of "
    r"(?:\d{4}|(?:this|last|the) year))\b",
    # without a year, the latest such half or quarter begun by the report ("the third quarter");
    # not "the first half of the match"
    r"(?i:the (?:first|second) half|the (?:first|second|third|fourth) quarter)\b(?! of)",
    r"\b(?:Q[1-4]|H[12])\s+\d{4}\b",
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
    rf"(?i:(?:the )?first (?:\d{{1,2}}|{_COUNT}) months of (?:\d{{4}}|(?:this|last|the) year))",
    r"(?i:(?:last|this) (?:week|month))\b",
    rf"\b(?i:(?:an?|\d{{1,3}}|{_COUNT}) (?:days?|weeks?|months?|years?) ago)\b",
]
_DATES = re.compile("|".join(f"(?:{p})" for p in DATE_PATTERNS))


def find_dates(sentence: str) -> list[FoundDate]:
    """Every date the sentence writes, in order; not a number that only looks like a year,
    before what it counts ("said 2000 troops were sent", "lost 2010 tanks")."""
    return [
        (m.start(), m.end(), m.group())
        for m in _DATES.finditer(sentence)
        if not _counts_before_noun(sentence, m.start(), m.end())
    ]


_BARE_YEAR = re.compile(r"(?:19|20)\d{2}")
# A year after these is one ("in 2024 soldiers deserted"), whatever follows it.
_BEFORE_A_YEAR = re.compile(
    r"(?<![A-Za-z])(?:in|since|by|of|until|till|from|to|during|before|after|through|for|early"
    r"|late|mid|the|between)[\s-]*$",
    re.IGNORECASE,
)
_NOUN_RIGHT_AFTER = re.compile(r"\s+([a-z]+)")
_COUNTED_PLURALS = frozenset(
    word for word in NOUN_CLASS if is_plural(word) and word.endswith("s")
) | {"people", "men", "women", "children"}


def _counts_before_noun(sentence: str, start: int, end: int) -> bool:
    if not _BARE_YEAR.fullmatch(sentence, start, end):
        return False
    noun = _NOUN_RIGHT_AFTER.match(sentence, end)
    return (
        noun is not None
        and noun.group(1) in _COUNTED_PLURALS
        and not _BEFORE_A_YEAR.search(sentence[max(0, start - 16) : start])
    )


def dates_of_figures(
    sentence: str,
    dates: list[FoundDate],
    figures: list[tuple[int, int]],
    reported: str,
    today: date,
    before: str | None = None,
) -> list[str | None]:
    """The as-of of each figure of a sentence (found at these (start, end)), in order: its own
    date right after it, else the last date written between an earlier figure and it ("in
    mid-2025 600,000 troops ...; today the figure is closer to 700,000": "today" is the
    report's date), else the sentence's first date (`_first_date`); None where none is given.
    A figure set against the sentence's ("compared with 36,000 the week before") may be dated
    relative to it; one "up from" an earlier time has only a date of its own, or none. "A week
    earlier" opening a clause moves the date back from the sentence's, else from the date the
    report gave `before` this sentence, else from the report's own."""
    # "the previous month" counts back from the time before it, not (as `add` reads it) from
    # the report's day
    steps = [(step.start(), step.end()) for step in _STEP_BACK.finditer(sentence)]
    dates = [found for found in dates if not any(a <= found[0] < b for a, b in steps)]
    whole = _sentence_dates(sentence, dates, figures)
    current = _first_date(sentence, whole, reported, today)
    found: list[str | None] = []
    for number, (start, end) in enumerate(figures):
        after = figures[number - 1][1] if number else 0
        if number:
            current = _date_between(sentence, dates, after, start, reported, today) or current
        if step := _STEP_BACK.search(sentence, after, start):
            since = current or (None if number else before) or reported  # its clause's time
            current = _moved_back_by(since, step) or current
        following = figures[number + 1][0] if number + 1 < len(figures) else len(sentence)
        own = _own_date(sentence, dates, end, following, reported, today)
        if own is None and _EARLIER.search(sentence, max(0, start - 20), start):
            own = _earlier_figure_date(sentence, start, end, current)  # "the week before"
        # "up from 3,000" is of another time than the sentence's: its own, or none
        found.append(own if own or set_against(sentence, start) else current)
    return found


def heading_date(heading: str, reported: str, today: date) -> str | None:
    """The date a list's heading gives its items ("Key figures (as of November 30):"), resolved
    as a sentence's first date is; None without one."""
    return _first_date(heading, find_dates(heading), reported, today)


def same_side_of_quotes(
    text: str,
    figures: list[tuple[int, int]],
    dates: list[FoundDate],
    as_ofs: list[str | None],
) -> list[str | None]:
    """The figures' as-ofs, but none where every date of the sentence lies on the other side
    of a quotation mark: in '"We are short of 20 brigades," he said, adding that 40k shells came
    in the past three months', the three months are the shells', not the brigades'."""
    spans = quoted_spans(text)
    if not spans:
        return as_ofs

    starts = [start for start, _end in spans]

    def side(position: int) -> int:
        number = bisect.bisect_right(starts, position) - 1
        return number if number >= 0 and position < spans[number][1] else -1

    sides = {side(start) for start, _end, _text in dates}
    return [
        as_of if side(start) in sides else None
        for (start, _end), as_of in zip(figures, as_ofs, strict=True)
    ]


def set_against(sentence: str, start: int) -> bool:
    """Whether the figure at `start` is an earlier one the sentence sets against its own
    ("4,700 killed, up from 3,000"): the sentence's date is not its date. A figure "compared
    with" is not so sure: it may be another's of the same time ("300 tanks in May, compared
    with Ukraine's 120")."""
    return bool(_FROM_EARLIER.search(sentence, max(0, start - 20), start))


# Words that date what follows them to the report's day: "today the figure is 700,000".
_NOW = re.compile(r"\b(?:today|now|currently|at present)\b", re.IGNORECASE)


def _date_between(
    sentence: str, dates: list[FoundDate], after: int, before: int, reported: str, today: date
) -> str | None:
    """The last date written between the end of one figure (`after`) and the start of the next,
    but not the first one's own, nor an event's."""
    own = _attached_index(sentence, dates, after, before)
    last: tuple[int, str | None] = (-1, None)
    for index, (start, end, _text) in enumerate(dates):
        if (
            after <= start
            and end <= before
            and index != own
            and not _is_event_date(sentence, start)
        ):
            last = (start, _resolved(sentence, dates, index, reported, today))
    for match in _NOW.finditer(sentence, after, before):
        if match.start() > last[0]:
            last = (match.start(), reported)
    return last[1]


def _is_event_date(sentence: str, start: int) -> bool:
    """Whether the date at `start` dates an event: "seized during an offensive in August"."""
    return bool(_EVENT_DATE.search(sentence, max(0, start - 40), start))


def _first_date(sentence: str, dates: list[FoundDate], reported: str, today: date) -> str | None:
    """The first date the sentence gives, resolved against the report's date: "October" is the
    October before the report, but "by December" or "until March" the one after it; "since
    October" is the span from then to the report; "from March to September 2023" one span."""
    for index, (start, _end, _text) in enumerate(dates):
        if _is_event_date(sentence, start):
            continue
        if (resolved := _resolved(sentence, dates, index, reported, today)) is not None:
            if _AS_AT.search(sentence, max(0, start - 24), start) and len(resolved) == 10:
                return _total_to(sentence, dates, index, resolved, today) or resolved
            return resolved
    return None


# "As at 18:00 on 29 November, 1,200 people had crossed this week": a total to that day.
_AS_AT = re.compile(r"\bas (?:at|of)\s+(?:\d{1,2}[:.]\d{2}\s+(?:on\s+)?)?$", re.IGNORECASE)


def _total_to(
    sentence: str, dates: list[FoundDate], index: int, day: str, today: date
) -> str | None:
    """The span of a total the sentence counts, read from the day it is "as at" ("this week",
    "since October", "last week", counted back from that day), or None."""
    for later in range(index + 1, len(dates)):
        span = _resolved(sentence, dates, later, day, today)
        if span and "/" in span and span.split("/")[1] <= day:
            return span
    return None


# A date that dates an event the sentence mentions, not its figures: it follows "after",
# "before" or "following" and at most four words, or "during" or "when" and one to four
# ("during an offensive in August"; "during June" and "during the week of June 16" date figures).
_EVENT_DATE = re.compile(
    r"\b(?:(?:after|before|following)\s+(?:[\w'-]+\s+){0,4}|(?:during|when)\s+(?:[\w'-]+\s+){1,4})"
    r"(?:in\s+|on\s+)?$",
    re.IGNORECASE,
)


# What may stand between a figure and a date that is its own: its noun, then a preposition
# ("400 shells in 2022", "28,000 troops last October", "60,000 by October").
_ATTACHED = re.compile(
    r"(?:\s+[A-Za-z][\w'-]*){0,3}?"
    r"\s+(?:in|by|since|during|on|until|as of|last|from|at the end of)\s+|\s+"
)


def _own_date(
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
_FROM = r"(?:up|down|rising|falling|rose|fell|grew)\s+from"
_EARLIER = re.compile(rf"\b(?:{_FROM}|compared\s+(?:with|to)|versus)\s+$", re.IGNORECASE)
_FROM_EARLIER = re.compile(rf"\b{_FROM}\s+$", re.IGNORECASE)


# The time of an earlier figure, from the sentence's: "compared with 36,000 the week before".
_BEFORE_THAT = re.compile(
    r"(?:\s+[A-Za-z][\w'-]*){0,3}?\s+(?:(?:the|a|one)\s+(day|week|month|year)\s+"
    r"(?:before|earlier)|the\s+previous\s+(day|week|month|year))\b",
    re.IGNORECASE,
)
_STEPS = {
    "day": relativedelta(days=1),
    "week": relativedelta(weeks=1),
    "month": relativedelta(months=1),
    "year": relativedelta(years=1),
}

# The steps a date at each precision (by its length) can be moved back: not a month's day.
_STEPS_AT_PRECISION = {4: ("year",), 7: ("month", "year"), 10: tuple(_STEPS)}


# "A week earlier, ...", "and the previous month ...": a clause dated back from the time before.
_STEP_BACK = re.compile(
    r"(?:^|[,;:]|\b(?:and|but|while)\b)\s*(?:(?:a|one|the)\s+(day|week|month|year)\s+"
    r"(?:earlier|before)|(?:in\s+|during\s+)?the\s+previous\s+(day|week|month|year))\b",
    re.IGNORECASE,
)


def _earlier_figure_date(sentence: str, start: int, end: int, as_of: str | None) -> str | None:
    """Of a figure set against the sentence's (after "compared with", "up from") and dated
    relative to it ("the week before", "a year earlier"): the sentence's as-of moved back so
    far. None where it is not so dated, or the as-of is too coarse for the step (a month's
    "day before")."""
    if as_of is None:
        return None
    step = _BEFORE_THAT.match(sentence, end)
    return None if step is None else _moved_back_by(as_of, step)


def _moved_back_by(as_of: str, step: re.Match[str]) -> str | None:
    """An as-of moved back by the day, week, month or year a match names (its first group
    that matched); None where the as-of is too coarse for the step."""
    unit = next(group for group in step.groups() if group).lower()
    parts = [_moved_back(part, unit) for part in as_of.split("/")]
    if None in parts:
        return None
    if "previous" in step.group().lower() and len(as_of) == 10:  # the week, month, year before
        return _whole(str(parts[0]), unit)
    return "/".join(parts)  # type: ignore[arg-type]


def _whole(day: str, unit: str) -> str:
    """The day, or the week (Monday to Sunday), month or year that holds it."""
    if unit == "week":
        monday = date.fromisoformat(day) - relativedelta(days=date.fromisoformat(day).weekday())
        return f"{monday.isoformat()}/{(monday + relativedelta(days=6)).isoformat()}"
    return day[: {"day": 10, "month": 7, "year": 4}[unit]]


def _moved_back(part: str, unit: str) -> str | None:
    """One date at its precision moved back a day, week, month or year (None: too coarse)."""
    if unit not in _STEPS_AT_PRECISION[len(part)]:
        return None
    day = date.fromisoformat(period_start(part)) - _STEPS[unit]
    return day.isoformat()[: len(part)]


def _sentence_dates(
    sentence: str, dates: list[FoundDate], figures: list[tuple[int, int]]
) -> list[FoundDate]:
    """The dates that may date the whole sentence (its figures found at these (start, end)):
    not one that belongs to an earlier figure it is set against ("4,700 killed, up from
    roughly 3,000 in January": January is the 3,000's)."""
    earlier = set()
    for number, (start, end) in enumerate(figures):
        if set_against(sentence, start):
            following = figures[number + 1][0] if number + 1 < len(figures) else len(sentence)
            index = _attached_index(sentence, dates, end, following)
            if index is not None:
                earlier.add(index)
    return [date for index, date in enumerate(dates) if index not in earlier]


def _resolved(
    sentence: str, dates: list[FoundDate], index: int, reported: str, today: date
) -> str | None:
    start, _end, text = dates[index]
    # "by the end of the year" in a report of July is December's (a forecast), not the year so far
    end_of = re.fullmatch(r"(?:the )?end of (?:the|this) (year|month)", text, re.IGNORECASE)
    if end_of and end_of.group(1).lower() == "year":
        return f"{reported[:4]}-12"
    if end_of:
        return period_end(reported[:7])
    # "last year", and "the first half of last year", "the first eight months of the year": the
    # year by its number
    if relative_year := _RELATIVE_YEAR.fullmatch(text):
        return _year_of(relative_year.group(1), reported)
    text = _RELATIVE_YEAR.sub(lambda match: _year_of(match.group(1), reported), text)
    ahead = re.search(r"\b(by|until|before|next)\s+$", sentence[max(0, start - 8) : start], re.I)
    deadline = re.fullmatch(r"(?:the )?end of (\d{4})", text, re.IGNORECASE)
    if ahead and deadline:  # "by the end of 2027": December 2027, a forecast in a report of 2027
        return f"{deadline.group(1)}-12"
    for wider in _wider(sentence, dates, index):
        with contextlib.suppress(BadDate):
            found = parse_date(wider, today=today, reported=reported)
            return _fitting_tense(found, wider, sentence, reported)
    try:
        resolved = parse_date(text, today=today, reported=reported)
    except BadDate:
        return None
    # "by December" is the December after the report where the sentence looks ahead ("plans to
    # send 6,000 by December"), else the one before it ("had reached 1,300 by mid-December").
    looks_ahead = ahead and (ahead.group(1).lower() == "next" or _AHEAD.search(sentence))
    if looks_ahead and not re.search(r"\d{4}", text) and resolved < reported[: len(resolved)]:
        resolved = _a_year_later(resolved)
    # "to cover needs until the end of June", in a report of March: not the June of last year,
    # and no date of the figure either (an appeal is made when reported)
    elif ahead and ahead.group(1).lower() == "until" and not re.search(r"\d{4}", text):
        return None if _months_between(resolved, reported) > 6 else resolved
    return resolved if looks_ahead else _fitting_tense(resolved, text, sentence, reported)


def _fitting_tense(resolved: str, text: str, sentence: str, reported: str) -> str:
    """A span written without a year is the one that fits the sentence's tense: one that would
    run past the report ("from November to January", in a report of 20 December) is the one a
    year before (a count cannot cover months still to come), unless the sentence looks ahead;
    one wholly before the report, in a sentence of what will be ("plans to send 5,000 from
    January to March"), is the one a year after."""
    if "/" not in resolved or re.search(r"\d{4}", text):
        return resolved
    start, end = resolved.split("/")
    if _WILL.search(sentence) and period_end(end) < reported:
        return f"{_a_year_later(start)}/{_a_year_later(end)}"
    if period_start(end) <= reported or _AHEAD.search(sentence):
        return resolved
    parts = [_moved_back(part, "year") for part in (start, end)]
    return resolved if None in parts else "/".join(parts)  # type: ignore[arg-type]


def _a_year_later(part: str) -> str:
    """An ISO date (a year, a month or a day) a year later, at its precision."""
    day = date.fromisoformat(period_start(part)) + relativedelta(years=1)
    return day.isoformat()[: len(part)]


# A sentence of what will be, in the present tense ("plans to send", "will deploy"): not "had
# planned".
_WILL = re.compile(
    r"\b(?:will|shall|plans? to|intends? to|expects? to|aims? to"
    r"|(?:is|are) (?:set |due |going )?to)\b",
    re.IGNORECASE,
)


def _months_between(earlier: str, later: str) -> int:
    """How many months the month of the ISO date `earlier` lies before that of `later`."""
    start, end = period_start(earlier), period_start(later)
    return (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7])


_RELATIVE_YEAR = re.compile(r"\b(this|last|next|the) year\b", re.IGNORECASE)
# Words of a sentence about what is to come: a plan, a forecast, a pledge.
_AHEAD = re.compile(
    r"\b(?:will|would|could|should|might|shall|going to|set to|due|to be|is to|are to"
    r"|expect\w*|plan\w*|aim\w*|intend\w*|project\w*|forecast\w*|target\w*|hope\w*"
    r"|pledg\w*|promis\w*|vow\w*|seek\w*|want\w*|goal)\b",
    re.IGNORECASE,
)


def _year_of(word: str, reported: str) -> str:
    """The year "this year" (or "the year"), "last year" or "next year" names in a report of
    `reported`."""
    shift = {"this": 0, "the": 0, "last": -1, "next": 1}[word.lower()]
    return f"{int(reported[:4]) + shift:04d}"


def _wider(sentence: str, dates: list[FoundDate], index: int) -> list[str]:
    """The date with the words that make it a span: "since October" (to the report), "since
    the invasion in February 2022", "from March to September 2023", "between 2022 and 2024"."""
    start, end, text = dates[index]
    before = sentence[max(0, start - 50) : start]
    wider = []
    if before.lower().endswith("since ") or _SINCE_EVENT.search(before):
        wider.append(f"since {text}")
    following = dates[index + 1] if index + 1 < len(dates) else None
    joined = following and sentence[end : following[0]]
    if following and before.lower().endswith("from ") and _TO.fullmatch(joined or ""):
        wider.append(f"from {sentence[start : following[1]]}")
    if following and before.lower().endswith("between ") and _AND.fullmatch(joined or ""):
        wider.append(f"between {sentence[start : following[1]]}")
    return wider


# "since the invasion in", "since the start of the war in": a count from an event's date.
_SINCE_EVENT = re.compile(r"\bsince\s+(?:[\w'-]+\s+){1,5}(?:in|on|of)\s+$", re.IGNORECASE)
_TO = re.compile(r"\s+(?:to|until|through)\s+")
_AND = re.compile(r"\s+and\s+")
