"""The Python API: a ledger opened by its path, claims selected by a Query, the views as plain
rows, and claims added, corrected, retracted, imported and merged. The CLI is a thin layer over
this class: every command is one call to it.

    >>> import osintlog
    >>> ledger = osintlog.Ledger("ledger.json")
    >>> ledger.add("dprk.troops.killed", "about 4,700", source="South Korean lawmakers",
    ...            as_of="April 2025", reported="2025-08-22").claim["id"]
    >>> [(row.as_of, row.source, row.figure) for row in ledger.timeline("dprk.troops.killed")]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from osintlog import claims as claim_fields
from osintlog import comparison, integrity, ledger, timeline, views
from osintlog.claims import Claim, Context
from osintlog.dates import Order, parse_date
from osintlog.declarations import Declarations, metric_units
from osintlog.errors import BadClaim, BadInput
from osintlog.formats import InputFormat, load_input
from osintlog.integrity import both, check_units, similar_claims
from osintlog.periods import EVERY, period_end
from osintlog.query import Query

if TYPE_CHECKING:
    from osintlog.importing import ImportReport, Progress

# Called with the claim as it is and as it would be (or None), before a change is written; it
# raises to refuse the change (the CLI asks on a terminal).
Confirm = Callable[[Claim, Claim | None], None]


@dataclass
class Added:
    """What `add` did: the claim (with its id), whether it was new to the ledger, and the
    active claims of the same metric, source and as-of it stands beside."""

    claim: Claim
    added: bool
    similar: list[Claim] = field(default_factory=list)


def _by_metric(claims: Iterable[Claim]) -> dict[str, list[Claim]]:
    grouped: dict[str, list[Claim]] = {}
    for claim in claims:
        grouped.setdefault(claim["metric"], []).append(claim)
    return dict(sorted(grouped.items()))


def _check_every(every: str | None) -> None:
    if every is not None and every not in EVERY:
        raise BadClaim(f'--every "{every}": use one of {", ".join(EVERY)}')


class Ledger:
    """One ledger, by its path (default: $OSINTLOG_DB, else ledger.json in the user data folder).

    Every method reads the ledger once; a method that writes appends in one atomic write under
    the ledger's lock, or raises (an `osintlog.errors.OsintlogError`) and writes nothing.
    `today` is the day relative dates count from ("--since yesterday") and the default report
    date; it is the machine's date unless given.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        lock_timeout: float = 10.0,
        today: date | None = None,
    ) -> None:
        self.path = Path(path).expanduser() if path else ledger.default_path()
        self._ledger = ledger.Ledger(self.path, lock_timeout)
        self.today = today or date.today()

    def context(self, order: Order | None = None, future: bool = False) -> Context:
        """What a new claim takes from here: today, the analyst, the clock, how to read dates."""
        return Context.current(order, future, self.today)

    # --- selecting -------------------------------------------------------------------------

    def query(self, **options: Any) -> Query:
        """A Query from filter text, dates read against today: metric (a glob), source, tag,
        since, until, search, include_all, limit."""
        return Query.parse(self.today, **options)

    def claims(self, query: Query | None = None, **options: Any) -> list[Claim]:
        """The claims a query selects (or the filters given), in timeline order."""
        return self.selection(query, **options)[0]

    def selection(
        self, query: Query | None = None, **options: Any
    ) -> tuple[list[Claim], dict[str, str]]:
        """The claims selected and the sources' standing ratings, from one read."""
        snapshot = self._ledger.read()
        query = query or self.query(**options)
        declarations = snapshot.declarations()
        if declarations.alias_of:  # a source filter takes every name of the source
            query = dataclasses.replace(query, source_key=declarations.key)
        chosen = query.select(snapshot.claims(), snapshot.status)
        return snapshot.with_status(chosen), snapshot.standing_ratings()

    def records(self, query: Query | None = None, **options: Any) -> Iterator[dict[str, Any]]:
        """The claims selected as `export` writes them (claims.EXPORT_COLUMNS)."""
        chosen, standing = self.selection(query, **options)
        return views.claim_records(chosen, standing)

    def claim(self, claim_id: str) -> Claim:
        """One claim by its id or a unique prefix of it, with its status."""
        snapshot = self._ledger.read()
        return snapshot.with_status([snapshot.resolve(claim_id)])[0]

    def claim_records(self, claim_id: str) -> Iterator[dict[str, Any]]:
        """One claim as `export` writes it."""
        snapshot = self._ledger.read()
        claims = snapshot.with_status([snapshot.resolve(claim_id)])
        return views.claim_records(claims, snapshot.standing_ratings())

    def history(self, claim_id: str) -> list[integrity.HistoryRow]:
        """Every version of a claim and its retraction, oldest first."""
        snapshot = self._ledger.read()
        return integrity.history(snapshot, snapshot.resolve(claim_id)["id"])

    # --- views -----------------------------------------------------------------------------

    def _active(self) -> tuple[list[Claim], dict[str, str]]:
        """The active claims as the views see them (a claim from an alias under the name of
        the source it stands for), and the sources' standing ratings."""
        snapshot = self._ledger.read()
        return snapshot.declarations().canonical(snapshot.active()), snapshot.standing_ratings()

    def _declared(self) -> Declarations:
        return self._ledger.read().declarations()

    def _window(self, claims: list[Claim], **options: Any) -> list[Claim]:
        if not any(options.values()):
            return claims
        return self.query(**options).select(claims)

    def _metric_claims(
        self, metric: str, source: str | Sequence[str] | None = None
    ) -> tuple[list[Claim], dict[str, str]]:
        """The active claims of a metric (or a glob's metrics), of the sources given, and the
        sources' standing ratings."""
        active, standing = self._active()
        chosen = views.select_metrics(active, metric)
        return self._window(chosen, source=source), standing

    def _shown(self, since: str | None, until: str | None) -> Callable[[Claim], bool] | None:
        """Which claims a view's window shows (None: all)."""
        return self.query(since=since, until=until).matches if since or until else None

    def timeline(
        self,
        metric: str,
        *,
        source: str | Sequence[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        every: str | None = None,
    ) -> list[timeline.TimelineRow]:
        """A metric's claims (or a glob's metrics') in timeline order, each with its change from
        the same source's previous claim — before the window too; `every` a period: each
        source's latest claim per period (see `diff`)."""
        claims, standing = self._metric_claims(metric, source)
        _check_every(every)
        return timeline.timeline(claims, standing, every, self._shown(since, until))

    def summaries(
        self,
        *,
        source: str | Sequence[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[timeline.SourceChange]:
        """Per metric and source: first and latest figure and the change (`diff` alone)."""
        active, _ = self._active()
        return timeline.changes(self._window(active, source=source), self._shown(since, until))

    def compare(
        self,
        metric: str,
        *,
        at: str | None = None,
        rule: str = "median",
        max_age: str | None = None,
    ) -> comparison.Comparison:
        """Do the sources agree on `at` (default today)? Each source's latest figure, its age,
        and the consensus of those not older than `max_age` (`30d`, `6m`)."""
        found = self.comparisons(metric, at=at, rule=rule, max_age=max_age)
        if len(found) > 1:
            raise BadInput(f'"{metric}" names {len(found)} metrics: use comparisons()')
        return found[0]

    def comparisons(
        self,
        metric: str,
        *,
        at: str | None = None,
        rule: str = "median",
        max_age: str | None = None,
    ) -> list[comparison.Comparison]:
        """`compare` for a metric or every metric a glob matches, one comparison each."""
        claims, standing = self._metric_claims(metric)
        day = period_end(self._day(at)) if at else self.today.isoformat()
        age = comparison.MaxAge.parse(max_age) if max_age else None
        return [
            comparison.compare(group, name, day, rule, standing, age)
            for name, group in _by_metric(claims).items()
        ]

    def compare_every(
        self,
        metric: str,
        every: str,
        *,
        against: str | None = None,
        max_age: str | None = None,
    ) -> list[comparison.PeriodComparison]:
        """The comparison over time: per period, each source's figure, and with `against` each
        one's ratio to that source; one per metric a glob matches."""
        _check_every(every)
        claims, _ = self._metric_claims(metric)
        age = comparison.MaxAge.parse(max_age) if max_age else None
        return [
            comparison.compare_every(group, name, every, against, age)
            for name, group in _by_metric(claims).items()
        ]

    def metrics(self) -> list[views.MetricSummary]:
        """Every metric with its claims, sources, first and latest figure, latest source."""
        return views.metric_summaries(self._active()[0], {})

    def sources(self) -> list[views.SourceSummary]:
        """Every source with its claims, metrics, standing rating and reports."""
        active, standing = self._active()
        return views.source_summaries(active, standing)

    def chart_series(
        self,
        metric: str,
        *,
        source: str | Sequence[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[views.ChartSeries]:
        """One series per source of a metric, for a chart."""
        claims, _ = self._metric_claims(metric, source)
        return views.chart_series(self.query(since=since, until=until).select(claims))

    def _day(self, text: str) -> str:
        return parse_date(text, today=self.today, reported=self.today.isoformat())

    def info(self) -> ledger.LedgerInfo:
        """Where the ledger is, its size, schema and counts."""
        return ledger.ledger_info(self._ledger.read(), self._ledger.store.size())

    # --- writing ---------------------------------------------------------------------------

    def add(
        self,
        metric: str,
        value: str,
        *,
        source: str,
        future: bool = False,
        order: Order | None = None,
        confirm: Callable[[Claim, list[Claim]], None] | None = None,
        **fields: Any,
    ) -> Added:
        """Log one claim; the other fields by name (as_of, reported, unit, via, url, quote,
        rating, tags, note). Logging the same claim again adds nothing (`added` is False).

        A unit other than the metric's is refused; a claim without one takes it. When active
        claims of the same metric, source and as-of exist (`Added.similar`), `confirm` sees the
        new claim and them first, and may raise to refuse (the CLI asks on a terminal)."""
        snapshot = self._ledger.read()
        context = self._context_of(snapshot, order, future)
        raw = {**fields, "metric": metric, "value": value, "source": source}
        claim = claim_fields.build_claim(raw, context)
        similar = similar_claims(snapshot, claim)
        if similar and confirm is not None:
            confirm(claim, similar)
        result = self._ledger.append([ledger.claim_entry(claim)], context.now, check_units)
        return Added(claim, bool(result.added), similar)

    def _context_of(
        self,
        snapshot: ledger.Snapshot,
        order: Order | None = None,
        future: bool = False,
        leaving: str | None = None,
    ) -> Context:
        """The context of new claims, with the units of the ledger's metrics (those of its
        active claims but `leaving`, the claim an amendment replaces)."""
        claims = [c for c in snapshot.active() if c["id"] != leaving]
        units = metric_units(claims, snapshot.declarations())
        return dataclasses.replace(self.context(order, future), units=units)

    def add_claims(self, rows: Iterable[Mapping[str, Any]]) -> ledger.AppendResult:
        """Log several claims (rows of claim fields) in one write."""
        context = self._context_of(self._ledger.read())
        entries = [ledger.claim_entry(claim_fields.build_claim(row, context)) for row in rows]
        return self._ledger.append(entries, context.now, check_units)

    def amend(
        self,
        claim_id: str,
        *,
        confirm: Confirm | None = None,
        future: bool = False,
        order: Order | None = None,
        **changes: Any,
    ) -> tuple[Claim, Claim]:
        """Correct a claim: append a claim that supersedes it. Returns the old and the new."""
        snapshot = self._ledger.read()
        old = integrity.check_changeable(snapshot, snapshot.resolve(claim_id)["id"], "amended")
        context = self._context_of(snapshot, order, future, leaving=old["id"])
        new = claim_fields.amended_claim(old, changes, context)
        if confirm is not None:
            confirm(old, new)
        checks = both(integrity.check_supersedes, check_units)
        self._ledger.append([ledger.claim_entry(new)], context.now, checks)
        return old, new

    def retract(
        self, claim_id: str, reason: str, *, confirm: Confirm | None = None
    ) -> tuple[Claim, dict[str, Any]]:
        """Withdraw a claim with a reason: append a retraction. Returns the claim and it."""
        if not reason.strip():
            raise BadClaim("--reason is required: say why the claim is withdrawn")
        snapshot = self._ledger.read()
        claim = integrity.check_changeable(snapshot, snapshot.resolve(claim_id)["id"], "retracted")
        if confirm is not None:
            confirm(claim, None)
        context = self.context()
        entry = integrity.retraction_entry(
            claim["id"], reason.strip(), context.analyst, context.now
        )
        self._ledger.append([entry], context.now, integrity.check_supersedes)
        return claim, entry

    def rate_source(self, name: str, grade: str) -> str:
        """Set a source's standing reliability (a letter A-F); returns the letter."""
        reliability, credibility = claim_fields.parse_rating(grade)
        if reliability is None or credibility is not None:
            raise BadClaim(
                f'"{grade}" is not a reliability grade: give one letter A-F '
                "(credibility, the digit, belongs to each claim)"
            )
        context = self.context()
        entry = ledger.new_entry(
            "rating", context.analyst, context.now, source=name.strip(), reliability=reliability
        )
        self._ledger.append([entry], context.now)
        return reliability

    def import_file(
        self,
        path: str | Path,
        data: bytes | None = None,
        *,
        stdin: BinaryIO | None = None,
        fmt: InputFormat | None = None,
        dry_run: bool = False,
        skip_invalid: bool = False,
        future: bool = False,
        order: Order | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Import the claims of a file (csv, json or jsonl; its bytes may be given, `path` then
        only names it in messages; `-` reads `stdin`): all of them, or none and an error naming
        every bad row (with `skip_invalid`, the good ones, and the bad ones in the report).
        `dry_run` checks and counts, and writes nothing; `future` accepts rows dated after
        their report."""
        from osintlog.importing import import_claims

        name = "<stdin>" if str(path) == "-" and stdin is not None else str(path)

        def read() -> bytes:
            return data if data is not None else load_input(str(path), stdin)[1]

        return import_claims(
            self._ledger,
            name,
            read,
            self._context_of(self._ledger.read(), order, future),
            fmt=fmt,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            progress=progress,
        )

    # --- the whole ledger ------------------------------------------------------------------

    def verify(self) -> integrity.Problem | None:
        """The first place the chain, an id or the schema is wrong, or None."""
        return integrity.verify(self._ledger.read())

    def merge(self, other: str | Path) -> int:
        """Append the entries of another ledger that this one lacks; returns how many."""
        other = Path(other)
        if not other.is_file():
            raise BadInput(f"{other} is not a file")
        theirs = ledger.Ledger(other, self._ledger.lock_timeout).read()
        problem = integrity.verify(theirs)
        if problem is not None:
            raise BadInput(f"refusing to merge {other}: it fails verify: {problem}")

        def check(ours: ledger.Snapshot) -> Callable[[Mapping[str, Any]], None]:
            fault = integrity.verify(ours)
            if fault is not None:
                raise BadInput(f"refusing to merge into {self.path}: it fails verify: {fault}")
            return lambda entry: None

        entries = integrity.missing_entries(self._ledger.read(), theirs)
        checks = integrity.both(check, check_units)
        return len(self._ledger.append(entries, self.context().now, checks).added)
