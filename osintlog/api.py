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
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from osintlog import claims as claim_fields
from osintlog import integrity, ledger
from osintlog.claims import Claim, Context, fold_source
from osintlog.dates import Order, day_of
from osintlog.declarations import (
    Declarations,
    MetricDeclaration,
    alias_target,
    known_name,
    metric_declaration,
    metric_units,
    reliability_grade,
    unknown_names,
)
from osintlog.errors import BadClaim, BadInput, LedgerMissing, NotAllowed
from osintlog.fields import GIVEN_FIELDS
from osintlog.formats import InputFormat, input_reader
from osintlog.integrity import check_units, similar_claims
from osintlog.periods import check_every
from osintlog.query import Query
from osintlog.store import Part

if TYPE_CHECKING:
    from osintlog import comparison, over_time, timeline, views
    from osintlog.importing import ImportReport, Progress
    from osintlog.merging import MergeReport

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


class Ledger:
    """One ledger, by its path (default: $OSINTLOG_DB, else ledger.json in the user data folder).

    Claims and rows it returns are the caller's: changing them changes nothing stored.

    Every method reads the ledger once; a method that writes appends in one atomic write under
    the ledger's lock, or raises (an `osintlog.errors.OsintlogError`) and writes nothing.
    `today` is the day relative dates count from ("--since yesterday") and the default report
    date; it is the machine's date unless given (a `datetime.date`, or its ISO text).
    A date given to a method may be text as the commands take it, or a `datetime.date`.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        lock_timeout: float = 10.0,
        today: date | str | None = None,
    ) -> None:
        self.path = Path(path).expanduser() if path else ledger.default_path()
        self._ledger = ledger.Ledger(self.path, lock_timeout)
        self.today = date.today() if today is None else day_of(today)
        self._existed = self.exists()

    def exists(self) -> bool:
        """Whether the ledger is there (the first write creates it)."""
        return self._ledger.store.size() is not None

    @property
    def created(self) -> bool:
        """Whether this Ledger's writes created the ledger."""
        return not self._existed and self.exists()

    def _part(self, metric: str | None) -> ledger.Snapshot:
        """For a view of `metric` (a name or glob): its part where the store reads parts and it
        holds the metric, else all (a metric it lacks is refused naming the closest)."""
        glob = claim_fields.text_argument("metric", metric).strip().lower() if metric else None
        snapshot = self._existing(Part(metrics=(glob,)) if glob else None)
        return snapshot if not metric or snapshot.claims() else self._existing()

    def _read(self, part: Part | None = None) -> ledger.Snapshot:
        """The ledger, or only `part` of it where the store can read just that (SQLite)."""
        snapshot = self._ledger.read_part(part) if part else None
        return snapshot if snapshot is not None else self._ledger.read()

    def _existing(self, part: Part | None = None) -> ledger.Snapshot:
        """The ledger (or `part` of it, see `_read`), to read: one that is not there is an
        error, not an empty ledger (a mistyped path would otherwise answer "nothing")."""
        if not self.exists():
            raise LedgerMissing(
                f"no ledger at {self.path}: check --db (or $OSINTLOG_DB); the first "
                "osintlog add or import creates one"
            )
        return self._read(part)

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
        query = Query.given(query, self.today, **options)
        snapshot = self._part(query.metric)
        declarations = snapshot.declarations()
        if declarations.alias_of:  # a source filter takes every name of the source
            query = dataclasses.replace(query, source_key=declarations.key)
        chosen = query.select(snapshot.claims(), snapshot.status)
        return snapshot.with_status(chosen), snapshot.standing_ratings()

    def records(self, query: Query | None = None, **options: Any) -> Iterator[dict[str, Any]]:
        """The claims selected as `export` writes them (claims.EXPORT_COLUMNS)."""
        from osintlog import views

        chosen, standing = self.selection(query, **options)
        return views.claim_records(chosen, standing)

    def claim(self, claim_id: str) -> Claim:
        """One claim by its id or a unique prefix of it, with its status; a superseded claim
        also with `superseded_by` (the ids of its amendments), a retracted one with
        `retraction_reason`."""
        snapshot = self._of_claim(claim_id)
        return integrity.with_changes(snapshot, snapshot.resolve(claim_id))

    def claim_records(self, claim_id: str) -> Iterator[dict[str, Any]]:
        """One claim as `export` writes it."""
        from osintlog import views

        snapshot = self._of_claim(claim_id)
        claims = snapshot.with_status([snapshot.resolve(claim_id)])
        return views.claim_records(claims, snapshot.standing_ratings())

    def history(self, claim_id: str) -> list[integrity.HistoryRow]:
        """Every version of a claim and its retraction, oldest first."""
        snapshot = self._of_claim(claim_id)
        claim_id, known = snapshot.resolve(claim_id)["id"], set()
        while (versions := integrity.versions(snapshot, claim_id)) != known:
            part = self._ledger.read_part(Part(ids=tuple(sorted(versions))))
            snapshot, known = part or snapshot, versions  # None: the whole ledger is read
        return integrity.history(snapshot, claim_id)

    def _of_claim(self, claim_id: str) -> ledger.Snapshot:
        """The claims an id prefix names and the entries that change them, where the store reads
        parts, else all (too short a prefix reads none, for `resolve` to refuse)."""
        prefix = claim_fields.text_argument("id", claim_id).strip().lower()
        return self._existing(Part(ids=(prefix,) if len(prefix) >= ledger.MIN_PREFIX else ()))

    # --- views -----------------------------------------------------------------------------

    def _active(self, snapshot: ledger.Snapshot | None = None) -> views.Seen:
        """What the views read: the active claims as they see them (a claim from an alias
        under the name of the source it stands for), the standing ratings, the declarations."""
        from osintlog.views import Seen

        snapshot = snapshot or self._existing()
        declared = snapshot.declarations()
        return Seen(declared.canonical(snapshot.active()), snapshot.standing_ratings(), declared)

    def _window(self, claims: list[Claim], declared: Declarations, **options: Any) -> list[Claim]:
        if not any(options.values()):
            return claims
        return dataclasses.replace(self.query(**options), source_key=declared.key).select(claims)

    def _metric_claims(self, metric: str, source: str | Sequence[str] | None = None) -> views.Seen:
        """What the views read, of a metric (or a glob's metrics) and the sources given: only
        that metric's part of the ledger where the store can read it so (SQLite), else all."""
        from osintlog import views

        seen = self._active(self._part(metric))
        chosen = views.select_metrics(seen.claims, metric)
        seen.claims = self._window(chosen, seen.declared, source=source)
        return seen

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
        from osintlog import timeline

        seen = self._metric_claims(metric, source)
        check_every(every)
        shown = self._shown(since, until)
        return timeline.timeline(
            seen.claims, seen.standing, every, shown, seen.kinds(), seen.declared.periods()
        )

    def summaries(
        self,
        *,
        source: str | Sequence[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[timeline.SourceChange]:
        """Per metric and source: first and latest figure and the change (`diff` alone); of a
        per-period metric, among its figures of one period (which a store's count of every
        claim cannot tell apart: the claims of a ledger with such a metric are read)."""
        from osintlog import timeline

        if not (source or since or until):  # every claim: counted by the store where it can
            with self._ledger.counted(reports=False, steps=True) as counted:
                if counted is not None and not (declared := self._declared()).periods():
                    return timeline.source_changes(*counted, declared)
        seen = self._active()
        claims = self._window(seen.claims, seen.declared, source=source)
        return timeline.changes(
            claims, self._shown(since, until), seen.kinds(), seen.declared.periods()
        )

    def compare(
        self,
        metric: str,
        *,
        at: str | None = None,
        rule: str = "median",
        max_age: str | timedelta | None = None,
    ) -> comparison.Comparison:
        """Do the sources agree on `at` (default today)? Each source's latest figure, its age,
        and the consensus of those not older than `max_age` (`30d`, `6m`, a `timedelta`; by
        default a per-period metric's period)."""
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
        max_age: str | timedelta | None = None,
    ) -> list[comparison.Comparison]:
        """`compare` for a metric or every metric a glob matches, one comparison each."""
        from osintlog import comparison

        seen = self._metric_claims(metric)
        day = comparison.comparison_day(at, self.today)
        found = []
        for name, group in comparison.by_metric(seen.claims).items():
            age, period = seen.max_age(name, max_age), seen.declared.period(name)
            found.append(comparison.compare(group, name, day, rule, seen.standing, age, period))
        return found

    def compare_every(
        self,
        metric: str,
        every: str,
        *,
        against: str | None = None,
        max_age: str | timedelta | None = None,
    ) -> list[over_time.PeriodComparison]:
        """The comparison over time: per period, each source's figure, and with `against` each
        one's ratio to that source; one per metric a glob matches."""
        from osintlog import comparison, over_time

        check_every(every)
        seen = self._metric_claims(metric)
        age = comparison.MaxAge.parse(max_age) if max_age is not None else None
        return [
            over_time.compare_every(
                group, name, every, against, age, seen.declared.period(name), self.today.isoformat()
            )
            for name, group in comparison.by_metric(seen.claims).items()
        ]

    def metrics(self) -> list[views.MetricSummary]:
        """Every metric with its unit and kind, claims, sources, first and latest figure, and
        the latest claim's source."""
        from osintlog import views

        with self._ledger.counted(reports=False) as counted:  # see summaries: periods
            if counted is not None and not (declared := self._declared()).periods():
                return views.counted_metric_summaries(*counted, declared)
        seen = self._active()
        units = metric_units(seen.claims, seen.declared)
        return views.metric_summaries(seen.claims, seen.declared, units)

    def sources(self) -> list[views.SourceSummary]:
        """Every source with its aliases, claims, metrics, standing rating and reports."""
        from osintlog import views

        with self._ledger.counted() as counted:
            if counted is not None:
                declared = self._declared()
                return views.counted_source_summaries(counted[0], declared.standing(), declared)
        snapshot = self._existing()
        declared = snapshot.declarations()
        return views.source_summaries(snapshot.active(), declared.standing(), declared)

    def _declared(self) -> Declarations:
        """What the ledger declares, read alone where the store can (a view it counts)."""
        return self._existing(Part()).declarations()

    def chart_series(
        self,
        metric: str,
        *,
        source: str | Sequence[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[views.ChartSeries]:
        """One series per source of a metric, for a chart (of a per-period metric, its figures
        of one period: see `ChartSeries.left_out`)."""
        from osintlog import views

        seen = self._metric_claims(metric, source)
        chosen = self.query(since=since, until=until).select(seen.claims)
        return views.chart_series(chosen, seen.declared.periods())

    def info(self) -> ledger.LedgerInfo:
        """Where the ledger is, its size, schema and counts (counted by the store where it can:
        `ledger.counted_info`)."""
        size = self._ledger.store.size()
        with self._ledger.counted(reports=False) as counted:
            if counted is not None:
                declared = self._read(Part())  # the declarations, and the schema
                return ledger.counted_info(declared, size, *counted)
        return ledger.ledger_info(self._ledger.read(), size)

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
        new claim and them first, and may raise to refuse (the CLI asks on a terminal).
        A name that is no such field is refused (a correction is `amend`, not `supersedes=`)."""
        claim_fields.check_given_fields(fields, GIVEN_FIELDS - {"supersedes"})
        unit = Part(units_of=(claim_fields.metric_key(metric),))
        context = self._context_of(self._read(unit), order, future)
        raw = {**fields, "metric": metric, "value": value, "source": source}
        claim = claim_fields.build_claim(raw, context)
        dated = dataclasses.replace(unit, dated=((claim["metric"], claim["as_of"]),))
        similar = similar_claims(self._read(dated), claim)
        if similar and confirm is not None:
            confirm(claim, similar)
        result = self._ledger.append([ledger.claim_entry(claim)], context.now, check_units, unit)
        return Added(claim, bool(result.added), [dict(other) for other in similar])

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

    def beside(self, metric: str, source: str, as_of: str) -> list[Claim]:
        """The active claims of this metric, source (any of its names) and stored as-of: what a
        new claim of them would stand beside (see `add`)."""
        snapshot = self._ledger.read()
        key = {"metric": metric, "source": source, "as_of": as_of, "id": ""}
        return [dict(other) for other in similar_claims(snapshot, key)]

    def add_claims(self, rows: Iterable[Mapping[str, Any]]) -> ledger.AppendResult:
        """Log several claims (rows of claim fields, or claims and records read from a ledger)
        in one write, checked as an import checks its rows: a row that supersedes a claim
        supersedes one the rows bring. A key that is no claim field is refused."""
        context = self._context_of(self._ledger.read())
        claims = [claim_fields.row_claim(row, context) for row in rows]
        checks = integrity.ImportChecks()
        checks.brought.update(claim["id"] for claim in claims)
        entries = list(integrity.import_entries(claims))
        return self._ledger.append(entries, context.now, checks)

    def amend(
        self,
        claim_id: str,
        *,
        confirm: Confirm | None = None,
        future: bool = False,
        order: Order | None = None,
        untag: Iterable[str] = (),
        **changes: Any,
    ) -> tuple[Claim, Claim]:
        """Correct a claim: append a claim that supersedes it. Returns the old and the new.
        `tags` are added to the claim's, `untag` removed from them; every other field given
        replaces the claim's."""
        claim_fields.check_given_fields(changes, GIVEN_FIELDS - {"id", "supersedes"})
        old = self._changeable(claim_id, "amended")
        metrics = {old["metric"], claim_fields.metric_key(changes.get("metric") or old["metric"])}
        part = Part(metrics=tuple(metrics), ids=(old["id"],))
        snapshot = self._read(part)
        context = self._context_of(snapshot, order, future, leaving=old["id"])
        changes["tags"] = claim_fields.retagged(old["tags"], changes.get("tags") or (), untag)
        new = claim_fields.amended_claim(old, changes, context)
        if confirm is not None:
            confirm(old, new)
        # The unit was held to the metric's, the claim it replaces aside, as it was built.
        self._ledger.append(
            [ledger.claim_entry(new)], context.now, integrity.check_supersedes, part
        )
        return dict(old), new

    def retract(
        self, claim_id: str, reason: str, *, confirm: Confirm | None = None
    ) -> tuple[Claim, dict[str, Any]]:
        """Withdraw a claim with a reason: append a retraction. Returns the claim and it."""
        if type(reason) is not str or not reason.strip():
            raise BadClaim("--reason is required: say why the claim is withdrawn")
        claim = self._changeable(claim_id, "retracted")
        if confirm is not None:
            confirm(claim, None)
        ctx = self.context()
        entry = integrity.retraction_entry(claim["id"], reason.strip(), ctx.analyst, ctx.now)
        integrity.check_new_entry(entry)
        self._ledger.append([entry], ctx.now, integrity.check_supersedes, Part(ids=(claim["id"],)))
        return dict(claim), entry

    def _changeable(self, claim_id: str, action: str) -> Claim:
        """The claim an id prefix names, if it may still be `action` (amended, retracted)."""
        snapshot = self._of_claim(claim_id)
        return integrity.check_changeable(snapshot, snapshot.resolve(claim_id)["id"], action)

    def unknown_sources(self, source: str | Sequence[str] | None) -> list[str]:
        """Of the names a `source=` filter gives, what is said of each that no claim gives (in
        any case or spacing), with the closest: the filter selects nothing by it."""
        given = [source] if isinstance(source, str) else list(source or ())
        if not given or not self.exists():  # no ledger: the view says so
            return []
        return unknown_names(given, self._ledger.source_names())

    def rate_source(self, name: str, grade: str) -> str:
        """Set a source's standing reliability (a letter A-F); returns the letter. A name no
        claim gives is refused, with the closest."""
        reliability = reliability_grade(grade)
        known = known_name(name, self._ledger.source_names())
        self._declare("rating", source=known, reliability=reliability)
        return reliability

    def alias_source(self, name: str, canonical: str | None) -> str:
        """Make `name` an alias of the source `canonical`: every view, filter and consensus
        then takes them as one source, shown as `canonical`. None undoes the alias. Both must
        be names claims give; returns the name as the claims give it."""
        declared = self._read(Part()).declarations()
        names = self._ledger.source_names()
        alias = known_name(name, names)
        if canonical is None:
            if fold_source(alias) not in declared.alias_of:
                raise NotAllowed(f'"{alias}" is no alias (see osintlog sources)')
            self._declare("alias", name=alias, canonical=None)
            return alias
        shown_as = alias_target(declared, alias, known_name(canonical, names))
        self._declare("alias", name=alias, canonical=shown_as)
        return alias

    def describe_metric(
        self,
        metric: str,
        *,
        unit: str | None = None,
        kind: str | None = None,
        period: str | None = None,
        note: str | None = None,
    ) -> MetricDeclaration:
        """Declare a metric's unit, kind (total, cumulative, per-period with its period, plan)
        and a note; what is not given is kept from the declaration before."""
        metric = claim_fields.metric_key(metric)
        snapshot = self._read(Part(metrics=(metric,)))
        before = snapshot.declarations().metrics.get(metric)
        given = MetricDeclaration(metric, unit, kind, period, note)
        declared = metric_declaration(metric, before, given, snapshot.metric_units())
        self._declare("metric", **declared.entry_fields())
        return declared

    def _declare(self, kind: str, **fields: Any) -> None:
        """Append a declaration (a rating, an alias, a metric's); the store reads no claim."""
        context = self.context()
        entry = ledger.new_entry(kind, context.analyst, context.now, **fields)
        integrity.check_new_entry(entry)
        self._ledger.append([entry], context.now, part=Part())

    def import_file(
        self,
        path: str | Path,
        data: bytes | str | None = None,
        *,
        stdin: BinaryIO | None = None,
        fmt: InputFormat | None = None,
        dry_run: bool = False,
        skip_invalid: bool = False,
        future: bool = False,
        order: Order | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Import the claims of a file (any `InputFormat`; its bytes may be given, `path` then
        only names it in messages; `-` reads `stdin`): all of them, or none and an error naming
        every bad row (with `skip_invalid`, the good ones, and the bad ones in the report).
        `dry_run` checks and counts, and writes nothing; `future` accepts rows dated after
        their report."""
        from osintlog.importing import import_claims

        name, read = input_reader(str(path), data, stdin)
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
        return integrity.verify(self._existing())

    def warnings(self) -> list[str]:
        """What is wrong but not refused: metrics whose claims mix units (logged before one
        unit per metric was held), each with the ids of the claims in another unit; analysts
        whose entries were logged at times that go backwards (a clock set back)."""
        snapshot = self._existing()
        return integrity.unit_warnings(snapshot) + integrity.clock_warnings(snapshot)

    def copy_to(self, target: str | Path) -> int:
        """Copy the whole ledger — every entry, its id, hash and place in the chain — into a new
        ledger at `target`, in the store its name chooses (`*.sqlite`, `*.db`: SQLite; else the
        JSON file). The ledger must pass `verify`; `target` must not hold a ledger yet. Returns
        the number of entries copied; the copy verifies as the original does."""
        source = self._existing()
        problem = integrity.verify(source)
        if problem is not None:
            raise BadInput(f"refusing to copy {self.path}: it fails verify: {problem}")
        destination = ledger.Ledger(Path(target).expanduser(), self._ledger.lock_timeout)
        destination.copy_from(source, self._ledger.store.load().header)
        return len(source.entries)

    def merge(self, other: str | Path, *, dry_run: bool = False) -> MergeReport:
        """Append the entries of another ledger that this one lacks (that file is only read).
        The report counts them and names each change they make to claims this ledger held:
        amendments and retractions, by whom. `dry_run` checks and reports, and writes nothing."""
        from osintlog.merging import merge

        return merge(self._ledger, Path(other), lambda: self.context().now, dry_run=dry_run)
