"""A sentence's figures: where it writes them ("about 4,700", "several hundred", "$1.5bn",
"1,043" under "(thousands)"), each confirmed by the parser `add` uses (figures.parse_figure),
and what only looks like one, masked first so that it is never read as a figure: dates and
years, days of the month, times, calibres and model numbers (152mm, KN-23), ordinals,
phone-number-like runs of digits, a number that names a place ("Sector 7")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from osintlog.errors import BadFigure
from osintlog.figure_dates import find_dates
from osintlog.figures import (
    CURRENCIES,
    HEDGES,
    INCREMENT_WORDS,
    MAGNITUDES,
    NUMBER_WORDS,
    PERCENT_WORDS,
    SCALE_WORDS,
    TENS_WORDS,
    TRAILING_HEDGES,
    VAGUE_MULTIPLIERS,
    VAGUE_PLURALS,
    VAGUE_QUANTIFIERS,
    parse_figure,
)
from osintlog.metric_guess import NOUN_CLASS, TIME_NOUNS, Found, is_plural, next_word, unit_after

MASK = "§"


# --- what is not a figure ----------------------------------------------------------------------

_NOT_FIGURES = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?|\b\d{1,2}\s*[ap]\.?m\.?\b"  # times
    r"|\b[A-Za-z]{1,4}-\d+[A-Za-z]*\b"  # model numbers: KN-23, Su-34, S-400
    r"|\b\d+(?:[.,]\d+)?\s?-?(?:mm|cm)\b"  # calibres: 152mm, 155-mm, 122 mm
    r"|\b\d+(?:st|nd|rd|th)\b"  # ordinals
    r"|\+?\(?\d[\d()\- ]{6,}\d"  # phone-number-like runs (kept below when they are figures)
)


# A note that a table or a line gives its figures in thousands or millions, or as percentages:
# "(thousands)", "in millions", "(%)". Its word is no figure; the figures after it are so many.
_SCALE_NOTE = re.compile(
    r"\(\s*(?:in\s+)?(thousands|millions|billions|%|per\s?cent)\s*\)"
    r"|\bin\s+(thousands|millions|billions)\b(?!\s+of\b)",
    re.IGNORECASE,
)
_MAGNITUDE_WRITTEN = re.compile(
    r"\b(?:thousand|million|billion|trillion|bn|mn|mln)\b|\d\s?[kmb]n?\b|%", re.IGNORECASE
)


def scale_note(text: str) -> tuple[int, str] | None:
    """Where a text says its figures are in thousands (millions, billions, per cent), and what
    to write after each: (position, "thousand"), (position, "%"); None without such a note."""
    match = _SCALE_NOTE.search(text)
    word = match and (match.group(1) or match.group(2)).lower()
    if not match or not word:
        return None
    return match.start(), "%" if word in ("%", "percent", "per cent") else word[:-1]


def scaled(figures: list[Found], scale: tuple[int, str] | None) -> list[Found]:
    """The figures after a scale note written out in full: 1,043 under "(thousands)" is
    "1,043 thousand" (1,043,000), where the figure gives no magnitude of its own."""
    if scale is None:
        return figures
    position, word = scale
    return [
        _scaled(found, word)
        if found.start > position and not _MAGNITUDE_WRITTEN.search(found.figure.value)
        else found
        for found in figures
    ]


def _scaled(found: Found, word: str) -> Found:
    try:
        figure = parse_figure(f"{found.figure.value}{'' if word == '%' else ' '}{word}")
    except BadFigure:
        return found
    return Found(found.start, found.end, figure, found.currency)


def masked(sentence: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The sentence with dates, times, model numbers and the like blotted out, and the dates."""
    dates = find_dates(sentence)
    spans = [(start, end) for start, end, _ in dates]
    spans += [(match.start(), match.end()) for match in _SCALE_NOTE.finditer(sentence)]
    for match in _NOT_FIGURES.finditer(sentence):
        if match.group().startswith(("+", "(")) or not _is_grouped_figure(match.group()):
            spans.append((match.start(), match.end()))
    chars = list(sentence)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars), dates


def _is_grouped_figure(text: str) -> bool:
    if re.fullmatch(r"\d{1,2}[:.]\d{2}.*|\d+(?:st|nd|rd|th)|.*(?:mm|cm)|.*[ap]\.?m\.?", text):
        return False
    if re.search(r"[A-Za-z]", text):
        return False
    try:
        parse_figure(text)
    except BadFigure:
        return False
    return True


# --- figures -----------------------------------------------------------------------------------


def _alternation(phrases: Iterable[str]) -> str:
    """A regex that matches any of the phrases, longest first."""
    return "(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + ")"


# Built from the figure parser's own tables (hedges, magnitudes, number words, the vague
# quantities' grammar), so that extract finds every form `add` reads: tests/test_extract.py
# holds the two together.
_INCREMENT = _alternation(INCREMENT_WORDS)
_HEDGE = _alternation(p for phrases in HEDGES.values() for p in phrases if p[-1].isalpha())
_TRAILING = (
    r"(?:\s+"
    + _alternation(p for phrases in TRAILING_HEDGES.values() for p in phrases if p[0] != "-")
    + r"\b|"
    + _alternation(p for phrases in TRAILING_HEDGES.values() for p in phrases if p[0] == "-")
    + r"\b)"
)
_NUMBER = r"(?:\d{1,3}(?:[ ,\u00a0\u2009\u202f]\d{3})+|\d+)(?:\.\d+)?"
_MAGNITUDE = (
    rf"(?:\s?{_alternation(m for m in MAGNITUDES if len(m) > 1)}\b"
    rf"|{_alternation(m for m in MAGNITUDES if len(m) == 1)}\b)"
)
_QUANTITY = rf"{_NUMBER}{_MAGNITUDE}?"
_WORD = _alternation([*NUMBER_WORDS, *TENS_WORDS, *SCALE_WORDS])
_WORDS = rf"(?:(?:a|an|half a)\s+)?{_WORD}(?:(?:\s+and\s+|[\s-]+){_WORD})*"
_SCALE = _alternation(SCALE_WORDS)
_VAGUE = (
    rf"(?:{_alternation(VAGUE_QUANTIFIERS)}\s+{_SCALE}(?:\s+{_SCALE})?"
    rf"|{_alternation(VAGUE_MULTIPLIERS)}\s+of\s+{_alternation(VAGUE_PLURALS)}"
    rf"|scores(?:\s+of)?|{_alternation(VAGUE_PLURALS)})"
)
_CORE = (
    rf"(?:between\s+{_QUANTITY}\s+and\s+{_QUANTITY}"
    rf"|from\s+{_QUANTITY}\s+to\s+{_QUANTITY}"
    rf"|{_QUANTITY}\s*(?:-|–|—|to)\s*{_QUANTITY}"
    rf"|{_QUANTITY}\+?"
    rf"|{_VAGUE}|{_WORDS})"
)
_CURRENCY = _alternation(CURRENCIES)  # "about $66.5bn": the hedge is the figure's
_FIGURE = re.compile(
    rf"(?<![\w.,§/-])(?:{_INCREMENT}\s+)?(?:{_HEDGE}\s+)?(?:{_INCREMENT}\s+)?(?:[~≈]\s?)?"
    rf"(?:{_CURRENCY}\s?)?{_CORE}{_TRAILING}?(?:\s?%|\s{_alternation(PERCENT_WORDS[1:])}\b)?"
    rf"(?![\w§]|[-–][A-Za-z]|[.,]\d)",
    re.IGNORECASE,
)


def find_figures(sentence: str) -> list[Found]:
    """The figures of a sentence, left to right, each confirmed by the figure parser."""
    hidden, _ = masked(sentence)
    found = []
    for match in _FIGURE.finditer(hidden):
        start, end = match.start(), match.end()
        text = sentence[start:end].strip()
        if not re.search(r"\d", text) and not _counts_something(sentence, end, text):
            continue
        if _is_year(text) and not _unit_follows(sentence, end):
            continue
        if next_word(sentence, end) in TIME_NOUNS:
            continue  # a duration ("the first 100 days"), not a count
        if _NUMBERED_PLACE.search(sentence, max(0, start - 16), start) and not _unit_follows(
            sentence, end
        ):
            continue  # a name: "a school in Sector 7", "Highway 12", "Regiment 47"
        length = len(text)
        currency = CURRENCIES.get(sentence[start - 1 : start]) if start else None
        if code := _CURRENCY_CODE.search(sentence, max(0, start - 5), start):
            currency = code.group(1)  # "UAH 5 billion"
        if symbol := re.search(rf"{_CURRENCY}\s?", text):  # "about $66.5bn": the unit, apart
            currency = CURRENCIES[symbol.group().strip()]
            text = text[: symbol.start()] + text[symbol.end() :]
        try:
            figure = parse_figure(text)
        except BadFigure:
            continue
        found.append(Found(start, start + length, figure, currency))
    return found


# An ISO currency code written before its amount, as reports of budgets do.
_CURRENCY_CODE = re.compile(r"\b(USD|EUR|GBP|UAH|RUB|CNY|JPY|CAD|AUD|CHF|PLN|KRW)\s?$")
_NUMBERED_PLACE = re.compile(
    r"\b(?:Sector|Block|Building|Gate|Zone|Unit|Highway|Route|Road|Platform|Station|Camp|Base"
    r"|District|Hospital|School|Flight|Regiment|Battalion|Division|Brigade|Level|Phase|Stage"
    r"|Article|Resolution|Section|Chapter|Page|Line|Terminal|Hall|Room|Ward|Floor|Street"
    r"|Avenue|Area|Point|Hill|Height|Object|Site|Square|Grid|No\.?|Number)\s+$"
)


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d{2}", text))


def _counts_something(sentence: str, end: int, text: str) -> bool:
    """Number words count something only with a magnitude or before a countable noun:
    "three thousand", "two soldiers" — not "two days later" or "one of them"."""
    magnitude = re.search(_alternation([*SCALE_WORDS, "several", "few"]), text.lower())
    return bool(magnitude) or _unit_follows(sentence, end)


def _unit_follows(sentence: str, end: int) -> bool:
    """Whether a countable noun follows the figure, within its next three words: "two
    soldiers", "three cruise missiles", "three North Korean soldiers" (not "two days later")."""
    word = next_word(sentence, end)
    if word in NOUN_CLASS or (bool(word) and word not in TIME_NOUNS and is_plural(word)):
        return True
    return unit_after(sentence, end) is not None
