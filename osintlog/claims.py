"""A claim's fields: validating what a user gives, deriving the figure, the content id."""

from __future__ import annotations

import functools
import getpass
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import orjson

from osintlog.dates import (
    Order,
    after_report,
    is_stored_date,
    parse_date,
    period_start,
)
from osintlog.errors import BadClaim, BadDate, BadSetting
from osintlog.fields import (
    CONTENT_FIELDS,
    FUTURE,
    GIVEN_FIELDS,
    REQUIRED,
    RETRACTED,
    ROW_FIELDS,
    TEXT_FIELDS,
)
from osintlog.figures import CURRENCIES, Figure, parse_figure
from osintlog.plain_text import PROSE_FIELDS, refusal, text_problem
from osintlog.units import same_metric_unit, same_unit

Claim = dict[str, Any]

# Built in this order, the content serialises as with sorted keys, without sorting every time.
_SORTED_CONTENT_FIELDS = tuple(sorted(CONTENT_FIELDS))
ID_LENGTH = 32
SHORT_ID = 10
MAX_TEXT = {"quote": 20_000, "note": 20_000, "url": 2_000}
MAX_SHORT_TEXT = 500
MAX_TAG = 100

_METRIC = re.compile(r"[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)*", re.ASCII)
_RATING = re.compile(r"([A-Fa-f])?([1-6])?")
# A claim's report date, as-of, and whether the as-of lies after the report; a few thousand kept.
Dates = tuple[str, str, bool]
_DATES_KEPT = 65_536
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z", re.ASCII)


@dataclass(frozen=True)
class Context:
    """What a new claim takes from its surroundings: today's date, the analyst and the clock."""

    today: date
    analyst: str
    now: str
    order: Order | None = None
    # Every as-of after its report is meant (`--future`): a plan or a forecast.
    future: bool = False
    # The unit each metric of the ledger is counted in (declarations.metric_units).
    units: Mapping[str, str] = field(default_factory=dict, compare=False)

    @functools.cached_property
    def latest_reported(self) -> str:
        """The latest reported date accepted: tomorrow, for a report from a later time zone."""
        return (self.today + timedelta(days=1)).isoformat()

    @functools.cached_property
    def dates_seen(self) -> dict[tuple[str | None, str | None], Dates]:
        """The dates of the claims built in this context, by the texts given (`_dates`)."""
        return {}

    @classmethod
    def current(
        cls, order: Order | None = None, future: bool = False, today: date | None = None
    ) -> Context:
        """The context now: today (unless given), the analyst, the clock."""
        now = utc_timestamp(datetime.now(timezone.utc))
        return cls(today or date.today(), default_analyst(), now, order, future)


def default_analyst() -> str:
    """$OSINTLOG_ANALYST, else the user name; works without a terminal. Held to the rule for
    text like any field (a name with an escape sequence is refused, not stored)."""
    if name := os.environ.get("OSINTLOG_ANALYST", "").strip():
        if len(name) > MAX_SHORT_TEXT or (problem := text_problem(name)):
            why = problem or f"more than {MAX_SHORT_TEXT} characters"
            raise BadSetting(f"OSINTLOG_ANALYST holds {why}: set it to a plain name")
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def utc_timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build_claim(raw: Mapping[str, Any], context: Context) -> Claim:
    """A complete, validated claim from user fields (as `add` or an import row gives them).

    The figure is parsed from `value` (any low/high/best given are ignored: they are derived);
    `reported` defaults to today and `as_of` to `reported`; an `id` given must match the content.
    """
    texts = _texts(raw)
    for name, meaning in REQUIRED.items():
        if name not in texts:
            raise BadClaim(f"{name} is required: fill in the {name} column, {meaning}")
    figure = parse_figure(texts["value"])
    reported, as_of, future = _dates(texts.get("reported"), texts.get("as_of"), context)
    if future and not (context.future or _flag(raw.get(FUTURE))):
        raise _unmeant_future(texts.get("as_of", ""), as_of, reported)
    reliability, credibility = _rating(texts)
    get = texts.get
    metric, value = metric_key(texts["metric"]), figure.value
    unit = metric_unit(metric, _unit(get("unit"), figure), context.units)
    source, via, url, quote = texts["source"], get("via"), get("url"), get("quote")
    tags, note, supersedes = _tags(raw.get("tags")), get("note"), get("supersedes")
    logged_at = _logged_at(get("logged_at"), context)
    # What the id is a hash of (`content_id`), built at once in its sorted order: imports run this
    # for every row. The claim is that content and what is derived from it or logged with it.
    content = {
        "as_of": as_of,
        "credibility": credibility,
        "metric": metric,
        "note": note,
        "quote": quote,
        "reliability": reliability,
        "reported": reported,
        "source": source,
        "supersedes": supersedes,
        "tags": tags,
        "unit": unit,
        "url": url,
        "value": value,
        "via": via,
    }
    claim_id = _content_hash(content)
    given_id = get("id")
    if given_id and given_id.lower() != claim_id:
        raise BadClaim(f"id {given_id} does not match the claim's content (altered since export?)")
    claim = {
        **content,
        "id": claim_id,
        "low": figure.low,
        "high": figure.high,
        "best": figure.best,
        "qualifier": figure.qualifier,
        "analyst": get("analyst") or context.analyst,
        "logged_at": logged_at,
    }
    if future:
        claim[FUTURE] = True
    return claim


# The text fields every stored claim has; the other text fields may be null.
def _unmeant_future(written: str, as_of: str, reported: str) -> BadDate:
    yearless = written and not re.search(r"\d{4}", written) and not is_stored_date(written)
    return BadDate(
        f"as-of {as_of} lies after the report's date {reported}: a report cannot describe "
        "its future. If the figure is a plan or forecast, say so with --future (in a file, "
        "a future column set to true)"
        + (f'; if "{written}" is of a year before, write its year' if yearless else "")
    )


_ALWAYS = frozenset(
    {"id", "metric", "value", "source", "as_of", "reported", "analyst", "logged_at"}
)


def stored_problem(entry: Mapping[str, Any]) -> str:
    """What is wrong with a stored claim's fields by their kinds, or "" (a teammate's ledger is
    held to what `add` would store): text is text, within its length and keeps the rule for
    text (`plain_text`); the figure's numbers are numbers; tags are a list of text; the rating
    is a letter A-F and a digit 1-6."""
    for name in TEXT_FIELDS - {"rating", "credibility"}:
        value = entry.get(name)
        if value is None:
            if name in _ALWAYS:
                return f"has no {name}"
            continue
        problem = text_field_problem(name, value)
        if problem:
            return problem
    for name in ("low", "high", "best"):
        value = entry.get(name)
        if value is not None and (type(value) is bool or not isinstance(value, int | float)):
            return f"its {name} is not a number"
    tags = entry.get("tags")
    if not isinstance(tags, list) or not all(type(tag) is str for tag in tags):
        return "its tags are not a list of text"
    for tag in tags:
        if len(tag) > MAX_TAG or text_problem(tag) or ";" in tag or tag != tag.strip():
            return f"its tag {tag[:40]!r} is too long, holds ';' or breaks the rule for text"
    if entry.get(FUTURE, False) not in (True, False):
        return "its future flag is not true or false"
    if entry.get("reliability") not in (None, *"ABCDEF"):
        return "its reliability is not a letter A-F"
    credibility = entry.get("credibility")
    if credibility is not None and (type(credibility) is not int or not 1 <= credibility <= 6):
        return "its credibility is not a digit 1-6"
    return ""


def text_field_problem(name: str, value: Any, limit: int | None = None) -> str:
    """What is wrong with a stored text field, or "": not text, too long, or breaking the rule
    for text (a line break allowed in prose alone)."""
    if type(value) is not str:
        return f"its {name} is not text"
    if len(value) > (limit or MAX_TEXT.get(name, MAX_SHORT_TEXT)):
        return f"its {name} is too long"
    problem = text_problem(value, name in PROSE_FIELDS)
    return f"its {name} holds {problem}" if problem else ""


def content_id(claim: Mapping[str, Any]) -> str:
    """The claim's id: a hash of what it asserts, not of who logged it or when."""
    get = claim.get
    return _content_hash({name: get(name) for name in _SORTED_CONTENT_FIELDS})


def _content_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(content)).hexdigest()[:ID_LENGTH]


@functools.lru_cache(maxsize=4096)
def metric_key(text: str) -> str:
    """A metric as stored: a dotted lower-case key such as dprk.troops.deployed."""
    key = text_argument("metric", text).strip().lower()
    if not _METRIC.fullmatch(key):
        suggestion = re.sub(r"[^a-z0-9_.-]+", "_", key).strip("._-")
        suggestion = re.sub(r"\.+", ".", suggestion)
        hint = f' (try "{suggestion}")' if suggestion and _METRIC.fullmatch(suggestion) else ""
        raise BadClaim(
            f'"{text}" is not a metric: use a dotted lower-case key like dprk.troops.deployed{hint}'
        )
    return key


@functools.lru_cache(maxsize=256)
def parse_rating(text: str) -> tuple[str | None, int | None]:
    """Admiralty code: "B2" -> ("B", 2); "B" or "2" alone set one half."""
    cleaned = text.strip()
    match = _RATING.fullmatch(cleaned)
    if not cleaned or match is None:
        raise BadClaim(
            f'"{text}" is not an Admiralty rating: a letter A-F (source reliability) and a '
            "digit 1-6 (information credibility), e.g. B2; F6 means not judged"
        )
    letter, digit = match.groups()
    return (letter.upper() if letter else None), (int(digit) if digit else None)


def rating_text(reliability: str | None, credibility: int | None) -> str:
    """The rating as shown: "B2", "B", or "" when not judged."""
    return f"{reliability or ''}{credibility or ''}"


def short_id(claim_id: str) -> str:
    return claim_id[:SHORT_ID]


@functools.lru_cache(maxsize=8192)
def fold_source(name: str) -> str:
    """Source names that differ only by case or spacing are the same source."""
    return " ".join(name.split()).casefold()


def text_argument(name: str, value: Any) -> str:
    """`value`, which must be text (a Python caller may pass anything): else refused by name."""
    if type(value) is not str:
        raise BadClaim(f"{name} is text, not {type(value).__name__}")
    return value


def row_claim(row: Any, context: Context) -> Claim:
    """The claim of a row a Python caller gives (`add_claims`), holding claim fields alone; a
    retracted one keeps that status, as in an import."""
    if not isinstance(row, Mapping):
        raise BadClaim(f"a row is a mapping of claim fields, not {type(row).__name__}")
    check_given_fields(row, ROW_FIELDS)
    return with_status(build_claim(row, context), row)


def with_status(claim: Claim, row: Mapping[str, Any]) -> Claim:
    """A row whose status is `retracted` (as `export --all` writes it) keeps that status, so
    that the import can retract it too; any other status is derived by the ledger."""
    if (status := row.get("status")) and str(status).strip().lower() == RETRACTED:
        claim["status"] = RETRACTED
    return claim


def check_given_fields(names: Iterable[str], allowed: frozenset[str] = GIVEN_FIELDS) -> None:
    """Refuse a name that is no field a claim is given: a typo (as_off) would otherwise be left
    out without a word, and the claim stored without it."""
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise BadClaim(
            f"no claim field {', '.join(unknown)}: a claim is given {', '.join(sorted(allowed))}"
        )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _texts(raw: Mapping[str, Any]) -> dict[str, str]:
    """Every text field given, stripped, blanks left out; refused when a field is not text, is
    too long or breaks the rule for text (`plain_text`). A quote's or note's Windows line ends
    are read as line breaks. One pass, as imports run it for every row."""
    texts: dict[str, str] = {}
    for name, value in raw.items():
        if type(value) is str:
            if name in TEXT_FIELDS and (text := value.strip()):
                texts[name] = text
        elif value is None or name not in TEXT_FIELDS:
            continue
        elif isinstance(value, int | float) and not isinstance(value, bool):
            texts[name] = str(value)
        elif isinstance(value, date):  # a Python caller's datetime.date: read as its ISO text
            texts[name] = value.isoformat()
        else:
            raise BadClaim(f"{name} must be text, not {type(value).__name__}")
    joined = "".join(texts.values())
    # Only text longer than the shortest limit in all can hold a field over its limit.
    if len(joined) > MAX_SHORT_TEXT:
        for name, text in texts.items():
            limit = MAX_TEXT.get(name, MAX_SHORT_TEXT)
            if len(text) > limit:
                raise BadClaim(f"{name} is {len(text):,} characters long; the limit is {limit:,}")
    # isprintable, a quick scan, is true of nearly every row.
    if not joined.isprintable():
        for name, text in texts.items():
            if name in PROSE_FIELDS and "\r" in text:
                texts[name] = text = text.replace("\r\n", "\n")
            if problem := text_problem(text, name in PROSE_FIELDS):
                raise BadClaim(refusal(name, problem))
    return texts


def _dates(reported_text: str | None, as_of_text: str | None, context: Context) -> Dates:
    """The report's date, the as-of, and whether the as-of lies after the report. The rows of an
    import repeat the same few thousand pairs: each is worked out once in a context."""
    key = (reported_text, as_of_text)
    dates = context.dates_seen.get(key)
    if dates is None:
        reported = _reported_date(reported_text, context)
        # Without a report's date, a date without a year is refused, not read against today.
        given = reported if reported_text not in (None, "") else None
        as_of = _date(as_of_text, context, given) or reported
        dates = (reported, as_of, after_report(as_of, reported))
        if len(context.dates_seen) >= _DATES_KEPT:
            context.dates_seen.clear()
        context.dates_seen[key] = dates
    return dates


def _date(text: str | None, context: Context, reported: str | None) -> str | None:
    if text is None:
        return None
    if is_stored_date(text):
        return text
    return parse_date(text, today=context.today, reported=reported, order=context.order)


def _reported_date(text: str | None, context: Context) -> str:
    """The report's date: one date (a day, a month or a year), today if not given."""
    reported = _date(text, context, None) or context.today.isoformat()
    if "/" in reported:  # a stored date that is not a span is a partial ISO date
        raise BadDate(
            f'reported "{text}" is a span ({reported}); a report is published on one date'
        )
    if period_start(reported) > context.latest_reported:
        raise BadClaim(f"reported date {reported} is in the future")
    return reported


def _flag(value: Any) -> bool:
    """A yes/no field as a file or an option gives it: true, yes, 1 (any case), or a bool."""
    if type(value) is bool:
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in ("", "false", "no", "0"):
        return False
    if text in ("true", "yes", "1"):
        return True
    raise BadClaim(f'future "{value}" is not true or false')


def metric_unit(metric: str, unit: str | None, units: Mapping[str, str]) -> str | None:
    """A claim's unit, which must be its metric's (`units`); a claim without one takes it."""
    known = units.get(metric)
    if unit is None or known is None:
        return unit or known
    if not same_metric_unit(unit, known):
        symbol = next((sign for sign, code in CURRENCIES.items() if code == known), None)
        if symbol and unit.split()[-1].lower() in _MONEY_WORDS:
            raise BadClaim(
                f'metric {metric} is counted in "{known}", not "{unit}": if these are {known}, '
                f"write the figure with its symbol ({symbol}1.5 billion), or without the word "
                f"and with the unit {known}; else log it under a metric of its own"
            )
        slug = "pct" if unit == "%" else "_".join(unit.lower().split())[:20]
        raise BadClaim(
            f'metric {metric} is counted in "{known}", not "{unit}": log it under a metric of '
            f"its own (for example {metric}_{slug})"
        )
    return unit


# Money named in words: which currency is meant is the analyst's to say ("dollars" may be
# Canadian), so it is not read as a code; the message says how to give it.
_MONEY_WORDS = frozenset({"dollars", "euros", "pounds", "dollar", "euro", "pound"})


def _unit(given: str | None, figure: Figure) -> str | None:
    """The unit given, else the one the figure's text names ("400 drones"); the two must agree."""
    if given is None or figure.unit is None:
        return given or figure.unit
    if figure.unit == "%" and given != "%":
        raise BadClaim(
            f'"{figure.value}" is a percentage, but the unit given is "{given}": log a share '
            "under a metric of its own, with unit %"
        )
    if not same_unit(given, figure.unit):
        raise BadClaim(
            f'"{figure.value}" counts {figure.unit}, but the unit given is "{given}": '
            "drop one, or log it under a metric of its own"
        )
    return given


def _rating(texts: Mapping[str, str]) -> tuple[str | None, int | None]:
    if "rating" in texts:
        return parse_rating(texts["rating"])
    reliability = texts.get("reliability")
    credibility = texts.get("credibility")
    letter = parse_rating(reliability)[0] if reliability else None
    digit = parse_rating(credibility)[1] if credibility else None
    if (reliability and letter is None) or (credibility and digit is None):
        raise BadClaim(
            f"reliability {reliability!r} / credibility {credibility!r}: reliability is a "
            "letter A-F, credibility a digit 1-6"
        )
    return letter, digit


def _tags(value: Any) -> list[str]:
    if type(value) is str:  # as every CSV row gives them
        return list(_tags_of_text(value)) if value else []
    if _blank(value):
        return []
    if isinstance(value, str):
        return list(_tags_of_text(value))
    if not isinstance(value, list | tuple | set | frozenset) or not all(
        isinstance(item, str) for item in value
    ):
        raise BadClaim("tags must be text separated by ';' or a list of text")
    # A tag cannot hold ';', which joins tags in a CSV cell: "a;b" given as one is two tags.
    return _tag_list([tag for item in value for tag in item.split(";")])


@functools.lru_cache(maxsize=1024)
def _tags_of_text(text: str) -> tuple[str, ...]:
    return tuple(_tag_list(text.split(";")))


def _tag_list(items: list[str]) -> list[str]:
    tags = set()
    for item in items:
        tag = item.strip()
        if len(tag) > MAX_TAG:
            raise BadClaim(f"tag {tag[:40]!r}... is longer than {MAX_TAG} characters")
        if problem := text_problem(tag):
            raise BadClaim(refusal("a tag", problem))
        if tag:
            tags.add(tag)
    return sorted(tags)


def _logged_at(text: str | None, context: Context) -> str:
    if text is None:
        return context.now
    if not _TIMESTAMP.fullmatch(text):
        raise BadClaim(f'logged_at "{text}" is not a UTC timestamp like 2025-08-22T10:00:00Z')
    return text


def retagged(tags: Iterable[str], added: Iterable[str], removed: Iterable[str]) -> list[str]:
    """A claim's tags with some added and some removed (each as a tag is read: trimmed, and
    "a;b" two tags); removing a tag the claim lacks is refused, as a likely typo."""
    gone = set(_tags(list(removed)))
    missing = sorted(gone - set(tags))
    if missing:
        raise BadClaim(
            f"the claim has no tag {', '.join(missing)} to remove (it has: "
            f"{', '.join(tags) or 'none'})"
        )
    return sorted((set(tags) | set(_tags(list(added)))) - gone)


def changed_fields(old: Claim, new: Claim) -> list[tuple[str, Any, Any]]:
    """What an amendment changed: each content field whose value differs, old and new."""
    return [
        (name, old[name], new[name])
        for name in CONTENT_FIELDS
        if name != "supersedes" and old[name] != new[name]
    ]


def amended_claim(old: Claim, changes: Mapping[str, Any], context: Context) -> Claim:
    """The claim that supersedes `old`: its fields with the given changes, logged anew (tags as
    given: all of them, see `retagged`)."""
    raw: dict[str, Any] = {name: old[name] for name in CONTENT_FIELDS}
    raw[FUTURE] = old.get(FUTURE, False)
    raw.update((name, value) for name, value in changes.items() if value not in (None, []))
    if "tags" in changes:
        raw["tags"] = changes["tags"]
    if "rating" in raw:
        raw.pop("reliability"), raw.pop("credibility")
    raw["supersedes"] = old["id"]
    new = build_claim(raw, context)
    if not changed_fields(old, new):
        raise BadClaim("nothing to amend: give at least one field with a new value")
    return new
