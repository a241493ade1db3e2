"""Which claims a view takes, and in what order: the filters of `list`, built once."""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from osintlog.claims import Claim, fold_source, text_argument
from osintlog.dates import parse_date
from osintlog.errors import BadClaim, BadDate
from osintlog.fields import ACTIVE, CONTENT_FIELDS
from osintlog.periods import period_end, period_start, timeline_day


@dataclass(frozen=True)
class Query:
    """Which claims a view takes (the filters of `list` and `export`): all given conditions
    must hold. Built once from the options' text by `parse`, which reads its dates against
    "today"; `select` gives the claims it takes, in timeline order."""

    metric: str | None = None
    # One source, or several (any of them); names that differ only by case or spacing match.
    source: str | tuple[str, ...] | None = None
    tag: str | None = None
    since: str | None = None
    until: str | None = None
    search: str | None = None
    include_all: bool = False
    limit: int | None = None
    # The source a claim's name stands for: its folded name, or with aliases, the source's.
    source_key: Callable[[str], str] = field(default=fold_source, compare=False, repr=False)

    @classmethod
    def parse(cls, today: date, **options: Any) -> Query:
        """Build a filter from option text; dates are read like any other date, against today
        ("--since April" is the latest April; "--since 'last week'" its Monday). A filter of
        another name or kind is refused, never left out: it would widen the selection."""
        _check_filters(options)
        for name in ("metric", "tag"):
            if options.get(name):
                options[name] = options[name].strip()
        for name in ("since", "until"):
            if options.get(name):
                options[name] = parse_date(options[name], today=today, reported=today.isoformat())
        since, until = options.get("since"), options.get("until")
        if since and until and period_start(since) > period_end(until):
            raise BadDate(
                f"since {since} begins after until {until} ends: no day lies between them "
                "(swapped?)"
            )
        if isinstance(options.get("source"), list | tuple):
            options["source"] = tuple(options["source"]) or None
        return cls(**options)

    @classmethod
    def given(cls, query: Query | None, today: date, **options: Any) -> Query:
        """`query`, or one built of the filters given by name (not both: one would be left
        out), as a Python caller gives them."""
        if query is None:
            return cls.parse(today, **options)
        if not isinstance(query, Query):
            kind = type(query).__name__
            raise BadClaim(f"a query is a Query (ledger.query), not {kind}: or give metric=...")
        if options:
            raise BadClaim("give a Query or filters by name, not both: one would be left out")
        return query

    def select(
        self, claims: Iterable[Claim], status: Callable[[str], str] = lambda claim_id: ACTIVE
    ) -> list[Claim]:
        """The claims taken, in timeline order; `status` tells a claim's status by its id (the
        claims given are all active, unless it says otherwise)."""
        chosen = [
            claim
            for claim in claims
            if self.matches(claim) and (self.include_all or status(claim["id"]) == ACTIVE)
        ]
        chosen.sort(key=claim_order)
        if self.limit is not None:
            chosen = chosen[-self.limit :] if self.limit > 0 else []
        return chosen

    @functools.cached_property
    def _sources(self) -> frozenset[str]:
        source = self.source or ()
        return frozenset(map(self.source_key, (source,) if isinstance(source, str) else source))

    def matches(self, claim: Claim) -> bool:
        """Whether a claim meets every condition but its status."""
        if self.metric and not fnmatch.fnmatchcase(claim["metric"], self.metric.lower()):
            return False
        if self.source and self.source_key(claim["source"]) not in self._sources:
            return False
        if self.tag and self.tag not in claim["tags"]:
            return False
        # A claim is in the window when the days its as-of covers overlap it.
        if self.since and timeline_day(claim["as_of"], claim["reported"]) < period_start(
            self.since
        ):
            return False
        if self.until and period_start(claim["as_of"]) > period_end(self.until):
            return False
        return not self.search or self.search.casefold() in searchable_text(claim)


_FILTERS = tuple(field.name for field in dataclasses.fields(Query) if field.name != "source_key")
_TEXT_FILTERS = ("metric", "tag", "search")


def _check_filters(options: dict[str, Any]) -> None:
    """The filters a Query is built from, as the Python API may give them: each by its name,
    text as text, a source or several, a limit of 1 or more."""
    if unknown := sorted(options.keys() - set(_FILTERS)):
        raise BadClaim(f"no filter {', '.join(unknown)}: the filters are {', '.join(_FILTERS)}")
    for name in _TEXT_FILTERS:
        if options.get(name) is not None:
            text_argument(name, options[name])
    source = options.get("source")
    sources = source if isinstance(source, list | tuple) else [source]
    if source is not None and not all(type(name) is str for name in sources):
        raise BadClaim("source is a name (text), or a list of names")
    limit = options.get("limit")
    if limit is not None and (type(limit) is not int or limit < 1):
        raise BadClaim(f"limit {limit!r}: give a whole number, 1 or more")


def searchable_text(claim: Claim) -> str:
    parts = (claim.get(name) for name in CONTENT_FIELDS if name not in ("tags", "supersedes"))
    return " ".join(str(part) for part in parts if part).casefold() + " " + " ".join(claim["tags"])


def order_key(claim: Claim) -> str:
    """`claim_order` as one string (both parts are days, ten characters each), which a store
    may keep beside a claim to sort by. Change `claim_order` and ORDER_RULE goes up with it."""
    return "".join(claim_order(claim))


# The version of the timeline order (`claim_order`): a store that kept keys of another refuses
# to sort by them.
ORDER_RULE = 1


def claim_order(claim: Claim) -> tuple[str, str]:
    """Timeline order: where the as-of sits (`dates.timeline_day`), then reported date. Claims
    alike in both keep the order they were given in, the ledger's (sorts are stable): the one
    logged later comes later whatever its `logged_at` says, so that a clock set back on one
    machine cannot make an older claim the latest."""
    as_of, reported = claim["as_of"], claim["reported"]
    if len(as_of) == 10 and len(reported) == 10:  # two days, as nearly every claim has
        return as_of, reported
    return timeline_day(as_of, reported), period_start(reported)
