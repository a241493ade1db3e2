"""Figure text -> low/high/best/qualifier: the one parser behind add, import and extract."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from osintlog.errors import BadFigure

Number = int | float
# A number being parsed: an int while it is whole, a Decimal once it has a fraction.
Quantity = int | Decimal

EXACT, APPROX, AT_MOST, AT_LEAST, RANGE, VAGUE = (
    "exact",
    "approx",
    "at-most",
    "at-least",
    "range",
    "vague",
)
QUALIFIERS = (EXACT, APPROX, AT_MOST, AT_LEAST, RANGE, VAGUE)

# Figures above this are refused: no count an analyst logs comes near it, and it keeps every
# stored number exact in JSON (and in a float, for views).
MAX_FIGURE = 10**15


class Figure(NamedTuple):
    """A parsed figure: its text as written and what it says about the true number."""

    value: str
    low: Number | None
    high: Number | None
    best: Number | None
    qualifier: str
    unit: str | None = None


# A Figure made without the Python-level __new__ of a NamedTuple (0.8 µs): an import makes one
# for nearly every row. Tests hold the figures made so to those made by name.
_make_figure = functools.partial(tuple.__new__, Figure)

INCREMENT_WORDS = ("another", "a further", "an additional", "additional")


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


# Each kind's hedge words, "|" between phrases.
HEDGES = {
    APPROX: _phrases(
        "about|approximately|approx.|approx|around|roughly|some|an estimated|estimated|"
        "est.|nearly|almost|close to|circa|ca.|c.|~|≈"
    ),
    AT_MOST: _phrases(
        "up to|as many as|no more than|not more than|at most|fewer than|less than|"
        "just under|under|below|a maximum of|maximum of|<=|≤|<"
    ),
    AT_LEAST: _phrases(
        "at least|more than|well over|just over|over|in excess of|upwards of|"
        "no fewer than|no less than|not less than|a minimum of|minimum of|above|>=|≥|>"
    ),
}
_HEDGE_KIND = {phrase: kind for kind, phrases in HEDGES.items() for phrase in phrases}
# One pattern for every leading word, longest first; a phrase that ends in a letter must end a
# word ("over" is not the start of "overall").
_LEADING_PHRASES = sorted([*_HEDGE_KIND, *INCREMENT_WORDS], key=len, reverse=True)
_LEADING_WORDS = re.compile(
    "("
    + "|".join(
        re.escape(phrase) + (r"(?![a-z])" if phrase[-1].isalpha() else "")
        for phrase in _LEADING_PHRASES
    )
    + r")\s*"
)

MAGNITUDES = {
    "hundred": 100,
    "k": 1000,
    "thousand": 1000,
    "m": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "bln": 10**9,
    "billion": 10**9,
    "tn": 10**12,
    "trn": 10**12,
    "trillion": 10**12,
}
_MAGNITUDE_RE = "|".join(sorted(MAGNITUDES, key=len, reverse=True))

NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
TENS_WORDS = {
    word: 10 * n
    for n, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
SCALE_WORDS = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 1000,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}
# The magnitudes written as words, largest first: "hundred" ... "trillion" (not "dozen").
SCALE_NAMES = tuple(sorted(SCALE_WORDS.keys() - {"dozen"}, key=SCALE_WORDS.__getitem__))[::-1]

_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_DIGITS = r"(?:\d{1,3}(?:[ ,]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_NUMERAL = re.compile(rf"({_DIGITS})\s*(?:({_MAGNITUDE_RE})\b\.?)?", re.ASCII)
_EUROPEAN_GROUPING = re.compile(r"\d{1,3}(?:\.\d{3})+", re.ASCII)
PERCENT_WORDS = ("%", "percent", "per cent", "pct")
_PERCENT = re.compile(rf"\s*(?:{'|'.join(PERCENT_WORDS)})$")
_PLUS_SUFFIX = re.compile(r"\s*\+$")
_RANGE_SEPARATORS = re.compile(r"\s*(?:-|–|—|‒|to)\s*")
# The vague quantities' grammar, which extract's figure finder is built from too:
# "dozens", "several hundred", "tens of thousands", "scores of", "a handful".
VAGUE_PLURALS = tuple(f"{word}s" for word in SCALE_WORDS)  # dozens ... billions
VAGUE_QUANTIFIERS = ("several", "a few", "a couple of", "many", "multiple")  # + a scale word
VAGUE_MULTIPLIERS = {"tens": 10, "dozens": 12, "hundreds": 100}  # + "of" + a plural
VAGUE_SCORES = 20
_VAGUE_SMALL = {"several": 3, "a few": 2, "a handful": 2, "a handful of": 2}
_SCALE_RE = "|".join(SCALE_WORDS)
_VAGUE_PLURAL = re.compile(rf"^({'|'.join(VAGUE_PLURALS)})(?: of)?$")
_VAGUE_SEVERAL = re.compile(rf"^(?:{'|'.join(VAGUE_QUANTIFIERS)})((?: (?:{_SCALE_RE}))+)$")
_VAGUE_ORDER = re.compile(
    rf"^({'|'.join(VAGUE_MULTIPLIERS)}) of ({'|'.join(VAGUE_PLURALS[2:])})$|^(scores)(?: of)?$"
)
# Words after a number that hedge it: "80 or more", "some 40-odd".
TRAILING_HEDGES = {
    AT_LEAST: ("or more", "and more", "or above", "and above", "plus", "-plus"),
    AT_MOST: ("or fewer", "or less", "or below"),
    APPROX: ("or so", "odd", "-odd", "-ish"),
}
_TRAILING_HEDGE = re.compile(
    r"(?:\s+("
    + "|".join(p for ps in TRAILING_HEDGES.values() for p in ps if p[0] != "-")
    + ")|("
    + "|".join(p for ps in TRAILING_HEDGES.values() for p in ps if p[0] == "-")
    + "))$"
)
_TRAILING_KIND = {phrase: kind for kind, phrases in TRAILING_HEDGES.items() for phrase in phrases}
# A noun after the figure ("400 drones", "nearly 500 Shahed drones") is its unit: up to four
# words of letters, the first of them not a word that joins it to something else ("in Kyiv").
_NOUN_WORD = re.compile(r"[^\W\d_][\w'’-]*")
NOT_NOUNS = frozenset(
    "a an the and or in at on per from since by of for to than as with over under about around "
    "each every this that these those last next day week month year".split()
)
# A word after the figure that says what befell what it counts, not what it counts: "at least 12
# killed" is 12 of something, its unit left to --unit.
STATES = frozenset(
    "dead killed wounded injured hurt missing captured detained destroyed damaged downed "
    "intercepted launched displaced evacuated".split()
)
CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP"}
NOUN_JOINERS = frozenset({"and", "of"})  # within a noun: "drones and missiles"
MAX_NOUN_WORDS = 4
# Shown when a figure is refused, and each held to parse by a test.
EXAMPLES = (
    "12000",
    "12,000",
    "12 000",
    "6 million",
    "1.5k",
    "three thousand",
    "about 4,700",
    "up to 6 million",
    "at least 100",
    "100+",
    "80 or more",
    "25,000-30,000",
    "25-30 thousand",
    "between 10,000 and 12,000",
    "several dozen",
    "tens of thousands",
    "40%",
    "at least 400 drones",
)


def parse_figure(text: str) -> Figure:
    """Read a figure as written in a report; raise BadFigure, quoting it, if it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise BadFigure(f"an empty figure is not a figure (accepted forms: {ACCEPTED_FORMS})")
    return _parse(text.strip())


# Imports repeat the same figure texts; a parsed Figure is immutable, so it is kept.
@functools.lru_cache(maxsize=65_536)
def _parse(value: str) -> Figure:
    return _plain_figure(value) or _any_figure(value)


# Most figures in reports are whole numbers in digits (grouped with commas or spaces, or not), or a
# range of two, after at most one lower-case leading word: "about 4,700", "up to 6000", "between
# 10,000 and 12,000", "25 000 to 30 000". They are read by one regex; everything else takes the
# full path, and tests hold the two to the same result.
_WHOLE = r"\d{1,3}(?:[ ,]\d{3})+|\d+"
_PLAIN = re.compile(
    "(?:("
    + "|".join(map(re.escape, _LEADING_PHRASES))
    + ") )?"
    + f"(?:({_WHOLE})"
    + f"|between ({_WHOLE}) and ({_WHOLE})"
    + f"|(?:from )?({_WHOLE}) ?(?:-|–|—|‒|to) ?({_WHOLE}))",
    re.ASCII,
)


def _plain_figure(value: str) -> Figure | None:
    match = _PLAIN.fullmatch(value)
    if match is None:
        return None
    phrase, single, between_low, between_high, low, high = match.groups()
    if single is not None:
        return _hedged(value, _whole(single), _HEDGE_KIND.get(phrase), None)
    return _ranged(value, _whole(between_low or low), _whole(between_high or high), None)


def _ungrouped(digits: str) -> str:
    return digits.replace(",", "").replace(" ", "")


# More digits than any figure osintlog accepts (10^15) may have, leading zeros and all: refused
# before Python turns them into a number (which it refuses itself beyond 4,300 digits).
_MAX_DIGITS = 40


def _whole(digits: str) -> int:
    plain = _ungrouped(digits)
    if len(plain) > _MAX_DIGITS:
        raise BadFigure(f'"{digits[:20]}..." has more digits than any figure osintlog accepts')
    return int(plain)


def _any_figure(value: str) -> Figure:
    try:
        return _bare_figure(value, _normalise(value))
    except BadFigure as refusal:
        if re.search(r"\d\s*/\s*\d", value):
            raise BadFigure(
                f'"{value}" is ambiguous: for a range write 70-80; two figures are two claims'
            ) from None
        if (figure := _figure_with_noun(value)) is not None:
            return figure
        raise refusal from None


def _figure_with_noun(value: str) -> Figure | None:
    """ "at least 400 drones": the figure, with the noun after it as its unit."""
    words = _SPACES.sub(" ", value).strip().split(" ")
    for count in range(1, min(MAX_NOUN_WORDS, len(words) - 1) + 1):
        noun = words[-count:]
        if noun[0].lower() in NOT_NOUNS:  # "in Kyiv": perhaps "drones and missiles" is
            continue
        if not all(map(_is_noun_word, noun)) or any(
            word.lower() in NOT_NOUNS and word.lower() not in NOUN_JOINERS for word in noun
        ):
            return None
        if _like_a_magnitude(noun[0]):  # "3.5 mil", "2 zillion": a misspelt magnitude
            return None
        head = _normalise(" ".join(words[:-count]))
        head = head[:-3] if head.endswith(" of") else head
        try:
            figure = _bare_figure(value, head)
        except BadFigure:
            continue
        if figure.unit or (count == 1 and noun[0].lower() in STATES):
            return figure
        return figure._replace(unit=" ".join(noun))
    return None


def _is_noun_word(word: str) -> bool:
    lower = word.lower()
    return bool(_NOUN_WORD.fullmatch(word)) and not (
        lower in SCALE_WORDS
        or lower.rstrip("s") in SCALE_WORDS
        or lower in MAGNITUDES
        or lower in NUMBER_WORDS
        or lower in TENS_WORDS
    )


def _like_a_magnitude(word: str) -> bool:
    lower = word.lower()
    return any(name.startswith(lower) for name in SCALE_NAMES) or bool(
        difflib.get_close_matches(lower, SCALE_NAMES, n=1, cutoff=0.75)
    )


def _bare_figure(value: str, body: str) -> Figure:
    """A figure whose text, normalised as `body`, is the figure alone (no noun after it)."""
    body, unit = _strip_unit(body)
    body, hedge = _strip_hedges(body)
    if body[:1] in CURRENCIES:  # "$1.5 billion", "about €2m"
        body, unit = body[1:].lstrip(), unit or CURRENCIES[body[0]]
    if body.endswith("+"):
        body, hedge = _PLUS_SUFFIX.sub("", body), AT_LEAST
    elif match := _TRAILING_HEDGE.search(body):
        phrase = match.group(1) or match.group(2)
        body, hedge = body[: match.start()], hedge or _TRAILING_KIND[phrase]
    if body.startswith("-") or body.startswith("−"):
        raise BadFigure(f'"{value}" is negative; a figure counts something, so it is 0 or more')

    single = _quantity(body)
    if single is not None:
        return _hedged(value, single, hedge, unit)
    vague = _vague_floor(body)
    if vague is not None:
        if hedge == AT_LEAST:
            return Figure(value, _number(vague), None, None, AT_LEAST, unit)
        return Figure(value, _number(vague), _number(_next_power_of_ten(vague)), None, VAGUE, unit)
    bounds = _range(body)
    if bounds is not None:
        return _ranged(value, *bounds, unit)
    raise BadFigure(_refusal(value, body))


def _ranged(value: str, low: Quantity, high: Quantity, unit: str | None) -> Figure:
    if low > high:
        raise BadFigure(f'"{value}" is a range whose low end is above its high end')
    ends = _number(low), _number(high)
    if type(low) is int and type(high) is int:  # as nearly always: no Decimal needed
        both = low + high  # below 2**53: its half is exact as a float
        middle: Number = both // 2 if both % 2 == 0 else both / 2
    else:
        middle = _number((Decimal(low) + high) / 2)
    return _make_figure((value, *ends, middle, RANGE, unit))


def _normalise(text: str) -> str:
    text = _SPACES.sub(" ", text).strip().lower()
    return text.replace("−", "-").replace("’", "'")


def _strip_unit(body: str) -> tuple[str, str | None]:
    if body.endswith(PERCENT_WORDS):
        return _PERCENT.sub("", body), "%"
    return body, None


def _strip_hedges(body: str) -> tuple[str, str | None]:
    """Remove leading hedge and increment words ("up to", "another"); return the hedge's kind."""
    hedge = None
    if body[:1].isdigit():  # no leading word starts with a digit
        return body, hedge
    while match := _LEADING_WORDS.match(body):
        phrase = match.group(1)
        hedge = hedge or _HEDGE_KIND.get(phrase)
        body = body[match.end() :]
    return body, hedge


def _vague_floor(body: str) -> int | None:
    """The conservative floor of a vague quantity (ACLED style), or None if it is not one."""
    if body in _VAGUE_SMALL:
        return _VAGUE_SMALL[body]
    if match := _VAGUE_PLURAL.match(body):
        return SCALE_WORDS[match.group(1)[:-1]]
    if match := _VAGUE_SEVERAL.match(body):
        floor = 1
        for word in match.group(1).split():
            floor *= SCALE_WORDS[word]
        return floor
    if match := _VAGUE_ORDER.match(body):
        if match.group(3):
            return VAGUE_SCORES
        return VAGUE_MULTIPLIERS[match.group(1)] * SCALE_WORDS[match.group(2)[:-1]]
    return None


def _next_power_of_ten(n: int) -> int:
    power = 10
    while power <= n:
        power *= 10
    return power


def _quantity(body: str) -> Quantity | None:
    """One number, in digits (with grouping and magnitude) or in words; None if it is not one."""
    parsed = _numeral(body)
    if parsed is not None:
        return parsed[0]
    return _number_words(body)


def _numeral(body: str) -> tuple[Quantity, bool] | None:
    """Digits with an optional magnitude: (value, whether a magnitude was written)."""
    match = _NUMERAL.fullmatch(body)
    if match is None:
        return None
    digits, magnitude = match.groups()
    if magnitude is None and _EUROPEAN_GROUPING.fullmatch(digits):
        raise BadFigure(
            f'"{digits}" is ambiguous: write {digits.replace(".", "")} for the whole number '
            "or use a decimal point only for fractions"
        )
    try:
        number: Quantity = Decimal(_ungrouped(digits)) if "." in digits else _whole(digits)
    except InvalidOperation:
        return None
    if magnitude:
        number *= MAGNITUDES[magnitude]
    return number, magnitude is not None


def _number_words(body: str) -> Quantity | None:
    """English number words: "three thousand", "twenty-five", "a dozen", "half a million"."""
    words = body.replace("-", " ").replace(",", " ").split()
    if len(words) == 3 and words[:2] == ["half", "a"] and words[2] in SCALE_WORDS:
        return Decimal(SCALE_WORDS[words[2]]) / 2
    if len(words) > 1 and words[0] in ("a", "an"):
        words[0] = "one"
    total, current, last = 0, 0, "start"
    for word in words:
        if word == "and" and last in ("hundred", "scale"):
            last = "and"
            continue
        if word in NUMBER_WORDS and last in ("start", "hundred", "scale", "and"):
            current, last = current + NUMBER_WORDS[word], "unit"
        elif word in NUMBER_WORDS and last == "tens" and 0 < NUMBER_WORDS[word] < 10:
            current, last = current + NUMBER_WORDS[word], "unit"
        elif word in TENS_WORDS and last in ("start", "hundred", "scale", "and"):
            current, last = current + TENS_WORDS[word], "tens"
        elif word in ("hundred", "dozen") and last in ("unit", "tens") and current < 100:
            current, last = current * SCALE_WORDS[word], "hundred"
        elif word in SCALE_WORDS and last in ("unit", "tens", "hundred") and current:
            total, current, last = total + current * SCALE_WORDS[word], 0, "scale"
        else:
            return None
    if last in ("start", "and"):
        return None
    return total + current


def _range(body: str) -> tuple[Quantity, Quantity] | None:
    """Two quantities: "25-30 thousand", "from 10,000 to 12,000", "between 10 and 12 thousand"."""
    separators = _RANGE_SEPARATORS
    for prefix in ("between ", "from "):
        if body.startswith(prefix):
            body = body[len(prefix) :]
            if prefix == "between ":
                separators = re.compile(r"\s+and\s+")
            break
    for match in separators.finditer(body):
        left, right = body[: match.start()], body[match.end() :]
        high = _numeral(right) or _words_as_numeral(right)
        if high is None:
            continue
        low = _numeral(left) or _words_as_numeral(left)
        if low is None:
            continue
        (low_value, low_has_magnitude), (high_value, high_has_magnitude) = low, high
        if high_has_magnitude and not low_has_magnitude:
            low_value = _shared_magnitude(left, right, low_value, high_value)
        return low_value, high_value
    return None


def _words_as_numeral(text: str) -> tuple[Quantity, bool] | None:
    number = _number_words(text)
    if number is None:
        return None
    return number, any(word in text for word in SCALE_NAMES if word != "hundred")


def _shared_magnitude(left: str, right: str, low: Quantity, high: Quantity) -> Quantity:
    """In "25-30 thousand" the magnitude written after the high end belongs to both ends."""
    match = _NUMERAL.fullmatch(right)
    magnitude = MAGNITUDES[match.group(2)] if match and match.group(2) else None
    if magnitude is None:
        for word in SCALE_NAMES:
            if word != "hundred" and word in right:
                magnitude = SCALE_WORDS[word]
                break
    if magnitude is None:
        return low
    scaled = low * magnitude
    return scaled if scaled <= high else low


def _hedged(value: str, number: Quantity, hedge: str | None, unit: str | None) -> Figure:
    n = _number(number)
    if hedge == APPROX:
        return _make_figure((value, None, None, n, APPROX, unit))
    if hedge == AT_MOST:
        return _make_figure((value, None, n, None, AT_MOST, unit))
    if hedge == AT_LEAST:
        return _make_figure((value, n, None, None, AT_LEAST, unit))
    return _make_figure((value, n, n, n, EXACT, unit))


def _number(number: Quantity) -> Number:
    """A plain int where the figure is whole, else a float; refuses absurd magnitudes."""
    if number > MAX_FIGURE:
        raise BadFigure(f"{Decimal(number):.3g} is larger than any figure osintlog accepts (10^15)")
    if type(number) is int:
        return number
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _refusal(value: str, body: str) -> str:
    hint = ""
    match = re.fullmatch(rf"({_DIGITS})\s*([a-z]+)\.?", body, re.ASCII)
    if match:
        close = difflib.get_close_matches(match.group(2), SCALE_NAMES[:-1], 1)
        if close:
            hint = f' (try "{match.group(1)} {close[0]}")'
    return f'"{value}" is not a figure{hint}; accepted forms: {ACCEPTED_FORMS}'


def accepted_forms() -> str:
    """The forms the parser reads, from its own tables: examples, then every hedge word."""
    hedges = [*_HEDGE_KIND, *_TRAILING_KIND]
    return "; ".join(EXAMPLES) + "; hedged with: " + ", ".join(hedges)


ACCEPTED_FORMS = accepted_forms()


def format_number(n: Number) -> str:
    """12000 -> "12,000"; 2.5 -> "2.5"."""
    if isinstance(n, float) and not n.is_integer():
        return f"{n:,.6g}" if abs(n) < 1e6 else f"{n:,.2f}"
    return f"{int(n):,}"


def display(
    low: Number | None,
    high: Number | None,
    best: Number | None,
    qualifier: str,
    unit: str | None = None,
    value: str = "",
) -> str:
    """How a figure is shown to a person: hedges kept (≈4,700, ≤6,000,000, 25,000–30,000)."""
    suffix = unit if unit == "%" else ""
    if qualifier == EXACT and best is not None:
        return format_number(best) + suffix
    if qualifier == APPROX and best is not None:
        return "≈" + format_number(best) + suffix
    if qualifier == AT_MOST and high is not None:
        return "≤" + format_number(high) + suffix
    if qualifier == AT_LEAST and low is not None:
        return "≥" + format_number(low) + suffix
    if qualifier == RANGE and low is not None and high is not None:
        return f"{format_number(low)}–{format_number(high)}{suffix}"
    if qualifier == VAGUE and low is not None:
        return f"{value} (≥{format_number(low)})" if value else f"≥{format_number(low)}?"
    return value


def display_of(record: Mapping[str, Any]) -> str:
    """`display` of a stored claim (or any record with its figure fields)."""
    return display(
        record["low"],
        record["high"],
        record["best"],
        record["qualifier"],
        record.get("unit"),
        record.get("value") or "",
    )
