"""The append-only rules: what may be amended or retracted, a claim's history, verify, merge."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from osintlog.chain import SerialisedEntries, entry_hash, entry_id
from osintlog.claims import (
    Claim,
    content_id,
    metric_key,
    short_id,
    stored_problem,
    text_field_problem,
)
from osintlog.errors import BadClaim, BadInput, NotAllowed, OsintlogError
from osintlog.fields import (
    FIELDS,
    FUTURE,
    METRIC_KINDS,
    METRIC_PERIODS,
    RETRACTED,
    SUPERSEDED,
    row_of,
)
from osintlog.figures import parse_figure
from osintlog.ledger import Snapshot, new_entry
from osintlog.periods import is_partial_date, is_stored_date
from osintlog.shown import printable
from osintlog.store import Keep
from osintlog.units import same_metric_unit

KINDS = ("claim", "retraction", "rating", "metric", "alias")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z", re.ASCII)


def retraction_entry(target: str, reason: str, analyst: str, logged_at: str) -> dict[str, Any]:
    """A retraction: the claim stays in the ledger, marked retracted, with the reason."""
    return new_entry("retraction", analyst, logged_at, target=target, reason=reason)


def check_changeable(snapshot: Snapshot, claim_id: str, action: str) -> Claim:
    """The claim, if it may still be amended or retracted: only an active claim may."""
    claim = next((c for c in snapshot.claims() if c["id"] == claim_id), None)
    if claim is None:
        raise NotAllowed(f"claim {short_id(claim_id)} is not in the ledger")
    status = snapshot.status(claim_id)
    if status == RETRACTED:
        raise NotAllowed(f"claim {short_id(claim_id)} is retracted; it cannot be {action}")
    if status == SUPERSEDED:
        newer = [c["id"] for c in snapshot.claims() if c["supersedes"] == claim_id]
        raise NotAllowed(
            f"claim {short_id(claim_id)} was superseded by "
            f"{', '.join(short_id(n) for n in newer)}; that is the claim to {action[:-2]}"
        )
    return claim


def check_supersedes(snapshot: Snapshot) -> Callable[[Mapping[str, Any]], None]:
    """Every amendment supersedes an active claim, and every retraction retracts one."""

    def check(entry: Mapping[str, Any]) -> None:
        if entry.get("kind") == "retraction":
            check_changeable(snapshot, entry["target"], "retracted")
        elif entry.get("supersedes"):
            check_changeable(snapshot, entry["supersedes"], "amended")

    return check


def check_units(snapshot: Snapshot) -> Callable[[Mapping[str, Any]], None]:
    """Every new claim is in its metric's unit: the ledger's, or the first new claim's for a
    metric new to it (so that one import or merge cannot mix units either)."""
    units = snapshot.metric_units()

    def check(entry: Mapping[str, Any]) -> None:
        kind, unit = entry.get("kind", "claim"), entry.get("unit")
        if kind == "claim" and unit:
            known = units.setdefault(entry["metric"], unit)
            if not same_metric_unit(unit, known):
                raise _unit_refusal(entry, known)
        elif kind == "metric" and unit:
            units[entry["metric"]] = unit

    return check


def _unit_refusal(entry: Mapping[str, Any], known: str) -> BadClaim:
    return BadClaim(
        f'claim {short_id(entry["id"])} of {entry["metric"]} is in "{entry["unit"]}", but the '
        f'metric is counted in "{known}": log it under a metric of its own'
    )


def similar_claims(snapshot: Snapshot, claim: Claim) -> list[Claim]:
    """The active claims of the same metric, source (any of its names) and as-of as `claim`,
    but not it: a second figure for one night is more often a correction than news."""
    key = snapshot.declarations().key
    source = key(claim["source"])
    return [
        other
        for other in snapshot.active()
        if other["metric"] == claim["metric"]
        and other["as_of"] == claim["as_of"]
        and other["id"] != claim["id"]
        and key(other["source"]) == source
    ]


IMPORTED_RETRACTION = "retracted in the file it was imported from"


def import_entries(claims: Iterable[Claim]) -> Iterator[dict[str, Any]]:
    """The entries an import appends: each claim, and a retraction for each claim the file
    marks retracted (dated as the claim, so importing the file again adds nothing)."""
    for claim in claims:
        retracted = claim.pop("status", None) == RETRACTED
        claim["kind"] = "claim"  # the claims are the import's own: stored as they are
        yield claim
        if retracted:
            reason = IMPORTED_RETRACTION
            yield retraction_entry(claim["id"], reason, claim["analyst"], claim["logged_at"])


def serialised_import_entries(
    claims: Iterable[Claim], kept: Keep | None = None
) -> SerialisedEntries:
    """The entries an import appends (`import_entries`), serialised where they were checked,
    each as it comes, with what the ledger's store keeps of it (`kept`, see `store.Store`)."""
    return SerialisedEntries(import_entries(claims), kept)


class ImportChecks:
    """The check an import's entries pass under the lock, in file order, as one function (an
    import has 100,000 entries):
    - an entry that supersedes or retracts a claim follows `amend`'s and `retract`'s rules —
      the claim is the latest version, not retracted — and the claim is one the file brings
      (`brought`, filled as its parts come): an import changes no claim it does not bring;
    - a claim is in its metric's unit (`check_units`);
    - the claims that stand beside an active claim, or an earlier new one, of the same metric,
      source and as-of are counted (`similar`), and let pass."""

    def __init__(self) -> None:
        self.similar = 0
        self.brought: set[str] = set()

    def __call__(self, snapshot: Snapshot) -> _ImportCheck:
        return _ImportCheck(self, snapshot)


class _ImportCheck:
    """ImportChecks' check of each entry against one ledger, in file order; `claim` is the
    same check, quicker, of a claim that changes none (`SerialisedEntries.checked_new`)."""

    def __init__(self, checks: ImportChecks, snapshot: Snapshot) -> None:
        self.checks = checks
        self.known = {claim["id"] for claim in snapshot.claims()}
        self.superseded, self.retracted = (set(ids) for ids in snapshot.changed_ids())
        self.units = snapshot.metric_units()
        self.key = snapshot.declarations().key
        self.sources: dict[str, str] = {}  # a few hundred names in 100,000 rows
        self.seen = {(c["metric"], self.key(c["source"]), c["as_of"]) for c in snapshot.active()}

    def __call__(self, entry: Mapping[str, Any]) -> None:
        target = entry.get("target") or entry.get("supersedes")
        if target:
            self._check_change(entry, target)
        if entry.get("kind") != "claim":
            return
        if entry.get("metric") is None:
            self.known.add(entry["id"])
            return
        self.claim(entry["id"], entry["metric"], entry.get("unit"), entry["source"], entry["as_of"])

    def _check_change(self, entry: Mapping[str, Any], target: str) -> None:
        retracts = entry.get("kind") == "retraction"
        if retracts:
            action, who, what = "retract", "a retraction", "retracted"
        else:
            action, who, what = "supersede", f"claim {short_id(entry['id'])}", "amended"
        known, superseded, retracted = self.known, self.superseded, self.retracted
        if target not in known and not retracts:
            # An amendment whose first version the file does not hold (`export` writes active
            # claims only): it stands on its own until that version comes, and changes nothing.
            (retracted if retracts else superseded).add(target)
            return
        if target not in known:
            raise BadInput(
                f"{who} refers to {short_id(target)}, which is neither in the ledger nor "
                "earlier in the file; import that claim first"
            )
        if target not in self.checks.brought:
            raise BadInput(
                f"{who} would {action} {short_id(target)}, a claim the file does not bring: an "
                "import changes only its own claims (correct a claim with osintlog amend or "
                "retract; take a colleague's corrections with osintlog merge)"
            )
        if target in superseded or target in retracted:
            state = "retracted" if target in retracted else "superseded"
            raise BadInput(
                f"{who} would {action} {short_id(target)}, which is {state} already: only the "
                f"latest version of a claim may be {what}"
            )
        (retracted if retracts else superseded).add(target)

    def claim(self, claim_id: str, metric: str, unit: str | None, source: str, as_of: str) -> None:
        self.known.add(claim_id)
        if unit:
            first = self.units.setdefault(metric, unit)
            if unit != first and not same_metric_unit(unit, first):
                raise _unit_refusal({"id": claim_id, "metric": metric, "unit": unit}, first)
        sources = self.sources
        place = (metric, sources.get(source) or sources.setdefault(source, self.key(source)), as_of)
        if place in self.seen:
            self.checks.similar += 1
        else:
            self.seen.add(place)


@dataclass
class HistoryRow:
    id: str
    event: str
    metric: str | None
    value: str | None
    low: Any
    high: Any
    best: Any
    qualifier: str | None
    unit: str | None
    as_of: str | None
    reported: str | None
    source: str | None
    analyst: str
    logged_at: str
    supersedes: str | None
    status: str | None
    reason: str | None


# The machine columns of `history`: a row's fields (the unit shows only in the table's figure).
HISTORY_COLUMNS = [field.name for field in fields(HistoryRow) if field.name != "unit"]


def with_changes(snapshot: Snapshot, claim: Claim) -> Claim:
    """A claim with its status; superseded, with `superseded_by` (its amendments' ids);
    retracted, with `retraction_reason`."""
    shown = snapshot.with_status([claim])[0]
    successors = [c["id"] for c in snapshot.claims() if c["supersedes"] == claim["id"]]
    if successors:
        shown["superseded_by"] = successors
    for entry in snapshot.entries:
        if entry["kind"] == "retraction" and entry["target"] == claim["id"]:
            shown["retraction_reason"] = entry["reason"]
    return shown


def versions(snapshot: Snapshot, claim_id: str) -> set[str]:
    """The ids of every version of a claim: the one given, what it superseded, what superseded
    it, and so on, as far as the snapshot shows. A part of the ledger (`store.Part`) holds the
    claims it names and the entries that change them: read again for these ids until no other
    is named, it shows them all, as the whole ledger does."""
    linked: dict[str, set[str]] = {}
    for claim in snapshot.claims():
        if old := claim["supersedes"]:
            linked.setdefault(old, set()).add(claim["id"])
            linked.setdefault(claim["id"], set()).add(old)
    family, todo = set(), [claim_id]
    while todo:
        current = todo.pop()
        if current not in family:
            family.add(current)
            todo.extend(linked.get(current, ()))
    return family


def history(snapshot: Snapshot, claim_id: str) -> list[HistoryRow]:
    """Every version of a claim (the one given, what it superseded, what superseded it) and its
    retraction, in the order they were logged."""
    family = versions(snapshot, claim_id)
    rows = []
    for entry in snapshot.entries:
        if entry.get("kind", "claim") == "claim" and entry["id"] in family:
            event = "amended" if entry["supersedes"] else "logged"
            rows.append(_history_row(entry, event, snapshot.status(entry["id"])))
        elif entry.get("kind") == "retraction" and entry["target"] in family:
            rows.append(
                HistoryRow(
                    **dict.fromkeys(("metric", "value", "low", "high", "best"), None),
                    **dict.fromkeys(("qualifier", "unit", "as_of", "reported", "source"), None),
                    id=entry["id"],
                    event="retracted",
                    analyst=entry["analyst"],
                    logged_at=entry["logged_at"],
                    supersedes=entry["target"],
                    status=None,
                    reason=entry["reason"],
                )
            )
    return rows


def _history_row(claim: Claim, event: str, status: str) -> HistoryRow:
    return row_of(HistoryRow, claim, event=event, status=status, reason=None)


@dataclass
class Problem:
    """The first entry that fails verification, and what is wrong with it."""

    position: int
    entry: Mapping[str, Any]
    message: str

    def __str__(self) -> str:
        kind = self.entry.get("kind", "entry")
        ident = self.entry.get("id")
        named = f"{kind} {short_id(ident)}" if isinstance(ident, str) else kind
        extra = f", {self.entry['metric']}" if isinstance(self.entry.get("metric"), str) else ""
        return f"entry {self.position} ({named}{extra}): {self.message}"


def verify(snapshot: Snapshot) -> Problem | None:
    """Walk the chain and the schema; the first entry that does not hold, or None."""
    previous = ""
    seen: dict[str, str] = {}
    for position, entry in enumerate(snapshot.entries, 1):
        message = _entry_problem(entry, previous, seen)
        if message:
            return Problem(position, entry, message)
        previous = entry["hash"]
        seen[entry["id"]] = entry["kind"]
    return None


def _entry_problem(entry: Mapping[str, Any], previous: str, seen: Mapping[str, str]) -> str:
    if entry.get("kind") not in KINDS:
        return f"unknown kind {entry.get('kind')!r} (edited by hand?)"
    if not isinstance(entry.get("hash"), str) or not isinstance(entry.get("id"), str):
        return "has no id or hash (edited by hand?)"
    if entry.get("prev") != previous:
        return "does not follow the entry before it: an entry was removed, inserted or moved"
    if entry["id"] in seen:
        return f"its id {short_id(entry['id'])} appears twice"
    unknown = entry.keys() - _KEYS[entry["kind"]]
    if unknown:
        return f"holds fields osintlog does not know: {printable(', '.join(sorted(unknown)))[:80]}"
    check = _claim_problem if entry["kind"] == "claim" else _NON_CLAIM_CHECKS[entry["kind"]]
    problem = check(entry, seen)
    if problem:
        return problem
    if entry_hash(entry) != entry["hash"]:
        return "was edited by hand: its hash does not match its content"
    return ""


# The keys each kind of entry holds besides its fields: a stored entry with any other is refused.
_CHAINED = frozenset({"kind", "id", "prev", "hash", "analyst", "logged_at"})
_KEYS = {
    "claim": _CHAINED | {name for name in FIELDS if name != "status"} | {FUTURE},
    "retraction": _CHAINED | {"target", "reason"},
    "rating": _CHAINED | {"source", "reliability"},
    "metric": _CHAINED | {"metric", "unit", "metric_kind", "period", "note"},
    "alias": _CHAINED | {"name", "canonical"},
}
MAX_REASON = 2_000


def _claim_problem(entry: Mapping[str, Any], seen: Mapping[str, str]) -> str:
    missing = [name for name in FIELDS if name != "status" and name not in entry]
    if missing:
        return f"lacks {', '.join(missing)}"
    problem = stored_problem(entry)
    if problem:
        return problem
    if content_id(entry) != entry["id"]:
        return (
            "its content no longer matches its id: the metric, figure, source, a date or "
            "another field was edited by hand"
        )
    try:
        if metric_key(entry["metric"]) != entry["metric"]:
            return "its metric is not a lower-case key"
        figure = parse_figure(entry["value"])
    except (OsintlogError, AttributeError, TypeError, ValueError) as error:
        return f"does not hold a valid claim ({error})"
    derived = (figure.low, figure.high, figure.best, figure.qualifier)
    if derived != tuple(entry[name] for name in ("low", "high", "best", "qualifier")):
        return "its low/high/best/qualifier do not match its figure (edited by hand)"
    if not (is_stored_date(entry["as_of"]) and is_partial_date(entry["reported"])):
        return "its as_of or reported is not a date"
    # An amendment may come without the version it supersedes (imported from an export of
    # active claims); what it names must not be another kind of entry.
    if seen.get(entry["supersedes"], "claim") != "claim":
        return f"supersedes {entry['supersedes']!r}, which is no claim"
    return _logged_problem(entry)


def _retraction_problem(entry: Mapping[str, Any], seen: Mapping[str, str]) -> str:
    target = entry.get("target")
    if not isinstance(target, str) or seen.get(target) != "claim":
        return f"retracts {printable(repr(target))[:80]}, which is no earlier claim"
    if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
        return "has no reason"
    return text_field_problem("reason", entry["reason"], MAX_REASON) or _declared(entry)


def _rating_problem(entry: Mapping[str, Any], seen: Mapping[str, str]) -> str:
    if entry.get("reliability") not in tuple("ABCDEF"):
        return "is not a source rating (a source and a letter A-F)"
    return text_field_problem("source", entry.get("source")) or _declared(entry)


def _metric_problem(entry: Mapping[str, Any], seen: Mapping[str, str]) -> str:
    metric = entry.get("metric")
    try:
        if not isinstance(metric, str) or metric_key(metric) != metric:
            return "declares no metric (a lower-case dotted key)"
    except BadClaim:
        return "declares no metric (a lower-case dotted key)"
    for name in ("unit", "note"):
        if entry.get(name) is not None and (problem := text_field_problem(name, entry[name])):
            return problem
    kind, period = entry.get("metric_kind"), entry.get("period")
    if kind not in (None, *METRIC_KINDS):
        return f"declares an unknown kind {printable(repr(kind))[:80]}"
    if period not in (None, *METRIC_PERIODS) or (period is not None) != (kind == "per-period"):
        return f"declares the period {printable(repr(period))[:80]} for a {kind} metric"
    return _declared(entry)


def _alias_problem(entry: Mapping[str, Any], seen: Mapping[str, str]) -> str:
    canonical = entry.get("canonical")
    problem = text_field_problem("name", entry.get("name"))
    if not problem and canonical is not None:
        problem = text_field_problem("canonical", canonical)
    return problem or _declared(entry)


def _declared(entry: Mapping[str, Any]) -> str:
    return _id_problem(entry) or _logged_problem(entry)


def check_new_entry(entry: Mapping[str, Any]) -> None:
    """Refuse a retraction or declaration about to be appended that `verify` would fail: its
    text breaks the rule for text, or is too long (the claims are held to it as they are
    built)."""
    problem = _NON_CLAIM_CHECKS[entry["kind"]](entry, {entry.get("target"): "claim"})
    if problem:
        raise BadClaim(f"the {entry['kind']} {problem.removeprefix('its ')}")


_NON_CLAIM_CHECKS = {
    "retraction": _retraction_problem,
    "rating": _rating_problem,
    "metric": _metric_problem,
    "alias": _alias_problem,
}


def unit_warnings(snapshot: Snapshot) -> list[str]:
    """Metrics whose active claims are counted in more than one unit: each, with the ids of the
    claims that differ from its unit (a ledger written before one unit per metric was held)."""
    units = snapshot.metric_units()
    odd: dict[str, list[str]] = {}
    for claim in snapshot.active():
        unit, known = claim["unit"], units.get(claim["metric"])
        if unit and known and not same_metric_unit(unit, known):
            odd.setdefault(claim["metric"], []).append(short_id(claim["id"]))
    return [
        f'{metric} is counted in "{units[metric]}", but {len(ids)} claim(s) in other units: '
        f"{', '.join(ids[:10])}{' ...' if len(ids) > 10 else ''} (amend them to a metric of "
        "their own)"
        for metric, ids in sorted(odd.items())
    ]


# How far back an analyst's `logged_at` may step before it is a clock set back: a command takes
# the time before it waits for the lock, so writers at once step back by up to their wait.
CLOCK_SLACK = timedelta(minutes=10)


def clock_warnings(snapshot: Snapshot) -> list[str]:
    """Each analyst whose entries' `logged_at` go back by more than CLOCK_SLACK in the ledger's
    order: their clock was set back (a merge keeps each analyst's entries in their order, so it
    causes none). Nothing is ordered by `logged_at` (see `query.claim_order`); the times are
    only wrong."""
    latest: dict[str, datetime] = {}
    found: dict[str, list[int]] = {}
    for position, entry in enumerate(snapshot.entries, 1):
        analyst = entry["analyst"]
        logged = datetime.fromisoformat(entry["logged_at"][:19])  # to the second is enough
        if analyst in latest and logged < latest[analyst] - CLOCK_SLACK:
            found.setdefault(analyst, []).append(position)
        else:
            latest[analyst] = max(logged, latest.get(analyst, logged))
    return [
        f"{len(positions)} entr{'y' if len(positions) == 1 else 'ies'} by {printable(analyst)} "
        f"logged at a time well before an earlier entry of theirs (entry "
        f"{', '.join(map(str, positions[:10]))}{' ...' if len(positions) > 10 else ''}): was "
        "a clock set back? osintlog orders by the ledger, not by these times"
        for analyst, positions in sorted(found.items())
    ]


def _id_problem(entry: Mapping[str, Any]) -> str:
    if entry_id(entry) != entry["id"]:
        return "its content no longer matches its id (edited by hand)"
    return ""


def _logged_problem(entry: Mapping[str, Any]) -> str:
    if not isinstance(entry.get("analyst"), str) or not isinstance(entry.get("logged_at"), str):
        return "has no analyst or time"
    if not _TIMESTAMP.fullmatch(entry["logged_at"]):
        return f"logged_at {printable(repr(entry['logged_at']))[:80]} is not a UTC timestamp"
    return text_field_problem("analyst", entry["analyst"])


def changes_to(ours: Snapshot, entries: list[dict[str, Any]]) -> list[str]:
    """Each change the entries make to a claim `ours` holds, in words: who amended or
    retracted which claim, and how."""
    held = {claim["id"]: claim for claim in ours.claims()}
    said = []
    for entry in entries:
        target = entry.get("supersedes") or entry.get("target")
        if target not in held:
            continue
        old, who = held[target], entry.get("analyst", "?")
        if entry.get("kind") == "retraction":
            said.append(
                f"{who} retracts {short_id(target)} {old['metric']} {old['value']}: "
                f"{entry.get('reason')}"
            )
        else:
            said.append(
                f"{who} amends {short_id(target)} {old['metric']} {old['value']} -> "
                f"{entry.get('metric')} {entry.get('value')} ({short_id(entry['id'])})"
            )
    return said


def missing_entries(ours: Snapshot, theirs: Snapshot) -> list[dict[str, Any]]:
    """The entries of `theirs` that `ours` lacks (by id), in their order, without their chain
    (appending chains them anew); ids, analysts and times are kept."""
    known = ours.ids()
    return [
        {key: value for key, value in entry.items() if key not in ("prev", "hash")}
        for entry in theirs.entries
        if entry["id"] not in known
    ]
