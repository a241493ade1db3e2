"""The store: a ledger read whole (a Snapshot, its claims with their status) and appended to
under its lock in one atomic write; the stored form of claims and other entries."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from osintlog.atomic import written_path
from osintlog.chain import AppendResult, SerialisedEntries, chain, entry_id
from osintlog.claims import Claim, content_id, short_id
from osintlog.declarations import Declarations, metric_units
from osintlog.errors import (
    AmbiguousId,
    LedgerBusy,
    LedgerWriteFailed,
    NotAllowed,
    UnknownClaim,
)
from osintlog.fields import ACTIVE, FIELDS, FUTURE, RETRACTED, SUPERSEDED
from osintlog.groups import ClaimGroups, Claims
from osintlog.store import SCHEMA_VERSION, Keep, NewLine, Part, Store, Stored, open_store

MIN_PREFIX = 4


def default_path() -> Path:
    """--db, else $OSINTLOG_DB, else ledger.json in the user data directory."""
    if env := os.environ.get("OSINTLOG_DB"):
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("osintlog")) / "ledger.json"


@dataclass
class Snapshot:
    """The ledger as read once: its entries in the order they were appended."""

    path: Path
    entries: list[dict[str, Any]]
    schema: int | None = None
    # Read from a file an older osintlog wrote, and upgraded in memory: to be written back.
    upgraded: bool = False
    _claims: list[Claim] | None = field(default=None, repr=False)
    _changed: tuple[set[str], set[str]] | None = field(default=None, repr=False)
    _declarations: Declarations | None = field(default=None, repr=False)

    def claims(self) -> list[Claim]:
        """Every claim as stored, in the order appended. A claim's status is derived from the
        entries after it (`status`), and never written into the stored entry."""
        if self._claims is None:
            self._claims = [e for e in self.entries if e.get("kind", "claim") == "claim"]
        return self._claims

    def status(self, claim_id: str) -> str:
        """active, superseded (an amendment replaced it) or retracted."""
        superseded, retracted = self.changed_ids()
        if claim_id in retracted:
            return RETRACTED
        return SUPERSEDED if claim_id in superseded else ACTIVE

    def changed_ids(self) -> tuple[set[str], set[str]]:
        """The ids of the claims superseded, and of those retracted (worked out once)."""
        if self._changed is None:
            superseded = {e["supersedes"] for e in self.entries if e.get("supersedes")}
            retracted = {e["target"] for e in self.entries if e.get("kind") == "retraction"}
            self._changed = superseded, retracted
        return self._changed

    def with_status(self, claims: Iterable[Claim]) -> list[Claim]:
        """Copies of these claims, each with its status: the claims a view shows."""
        status = self.status
        return [{**claim, "status": status(claim["id"])} for claim in claims]

    def active(self) -> list[Claim]:
        """The claims neither superseded nor retracted, as stored."""
        superseded, retracted = self.changed_ids()
        if not superseded and not retracted:
            return list(self.claims())
        changed = superseded | retracted
        return [claim for claim in self.claims() if claim["id"] not in changed]

    def ids(self) -> set[str]:
        return {e["id"] for e in self.entries if "id" in e}

    def declarations(self) -> Declarations:
        """What the ledger declares of its metrics and sources (worked out once)."""
        if self._declarations is None:
            kinds = ("metric", "alias", "rating")
            self._declarations = Declarations.of(e for e in self.entries if e.get("kind") in kinds)
        return self._declarations

    def standing_ratings(self) -> dict[str, str]:
        """Each source's standing reliability (its canonical folded name -> letter)."""
        return self.declarations().standing()

    def metric_units(self) -> dict[str, str]:
        """The unit each metric is counted in: declared, else its first claim's."""
        return metric_units(self.active(), self.declarations())

    def source_names(self) -> set[str]:
        """Every source name the claims give, as written."""
        return {claim["source"] for claim in self.claims()}

    def resolve(self, prefix: str) -> Claim:
        """The claim whose id starts with `prefix` (a unique prefix of at least 4 characters)."""
        wanted = prefix.strip().lower()
        if len(wanted) < MIN_PREFIX:
            raise UnknownClaim(f'"{prefix}" is too short: give at least {MIN_PREFIX} characters')
        matches = [c for c in self.claims() if c["id"].startswith(wanted)]
        if not matches:
            raise UnknownClaim(f'no claim has an id starting with "{prefix}" (see osintlog list)')
        if len(matches) > 1:
            shown = ", ".join(
                f"{short_id(c['id'])} {c['metric']} {c['value']}" for c in matches[:5]
            )
            raise AmbiguousId(f'"{prefix}" matches {len(matches)} claims: {shown}; give more')
        return matches[0]


# Sees the ledger as it is under the lock and gives the check each new entry must pass.
Check = Callable[[Snapshot], Callable[[Mapping[str, Any]], None]]


class _NothingToWrite(Exception):
    """Every entry given was in the ledger already: the file is left as it is."""


class Ledger:
    """One ledger: reads without the lock, writes under it, each write one atomic append to its
    store (`store.Store`, chosen by the path)."""

    def __init__(self, path: Path, lock_timeout: float = 10.0, store: Store | None = None) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.store = store or open_store(path)

    def read(self) -> Snapshot:
        """The ledger as it is now; one an older osintlog wrote is brought up to date first."""
        stored = self.store.load()
        if _outdated(stored):
            with self._locked():
                stored = self._current()
                if stored.upgraded:
                    self.store.append(stored, ())
        return Snapshot(self.path, stored.entries, stored.schema)

    @property
    def kept(self) -> Keep | None:
        """What the store keeps of an entry beside its line, made of the entry as a dict
        (`store.Store`); None for a store that keeps only the line."""
        return getattr(self.store, "kept", None)

    def _lines(self, entries: Iterable[dict[str, Any]]) -> Iterator[NewLine]:
        kept = self.kept
        for entry in entries:
            yield orjson.dumps(entry), kept(entry) if kept else None

    def read_part(self, part: Part) -> Snapshot | None:
        """What `part` names (see `store.Part`), where the store can read only that (SQLite);
        None where it cannot (the JSON file, which is read whole anyway)."""
        load = getattr(self.store, "load_part", None)
        if load is None:
            return None
        stored = load(part)
        return Snapshot(self.path, stored.entries, stored.schema)

    def source_names(self) -> set[str]:
        """Every source name the claims give, as written: through the store's index where it
        has one (SQLite), else from the ledger read whole."""
        names = getattr(self.store, "source_names", None)
        return names() if names is not None else self.read().source_names()

    def counted(
        self, reports: bool = True, steps: bool = False
    ) -> contextlib.AbstractContextManager[tuple[ClaimGroups, Claims] | None]:
        """The active claims' groups and the claims they point to (`groups`), where the store
        counts them in queries (SQLite), to be read within the `with`; None where it cannot.
        Without `reports` a store may leave the groups by report date out; `steps` says that
        `Claims.steps` will be asked (a store may start on it at once)."""
        count = getattr(self.store, "counted", None)
        return count(reports, steps) if count is not None else contextlib.nullcontext(None)

    def read_only(self) -> Snapshot:
        """The ledger as it is, brought up to date in memory if an older osintlog wrote it, and
        never written (a ledger merged from, or another analyst's file)."""
        stored = self.store.load()
        if _outdated(stored):
            upgrade(stored)
        return Snapshot(self.path, stored.entries, stored.schema)

    def _current(self, part: Part | None = None) -> Stored:
        """The ledger under the lock (or `part` of it, where the store can read only that),
        upgraded in memory if an older osintlog wrote it (the caller's append then saves the
        upgrade with its own entries, in one write)."""
        load_part = getattr(self.store, "load_part", None)
        stored = load_part(part) if part and load_part else self.store.load()
        if _outdated(stored):
            upgrade(stored)
        return stored

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        from osintlog.lock import LockTimeout, held

        # Beside the file written, so that a ledger reached through a link and by its own name
        # has one lock.
        lock_path = f"{written_path(self.path)}.lock"
        with contextlib.ExitStack() as lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                lock.enter_context(held(lock_path, self.lock_timeout))
            except LockTimeout as error:
                raise LedgerBusy(
                    f"ledger {self.path} is busy: another osintlog held its lock for "
                    f"{self.lock_timeout:g}s (wait, or raise --lock-timeout)"
                ) from error
            except OSError as error:
                raise LedgerWriteFailed(f"cannot lock {self.path}: {error.strerror}") from error
            yield

    def copy_from(self, source: Snapshot, header: dict[str, Any] | None) -> None:
        """Store another ledger's entries as they are (ids, hashes, chain) in this one, which
        must hold none yet: all of them in one atomic write, under the lock."""
        with self._locked():
            stored = self._current()
            if stored.header is not None or stored.entries:
                raise NotAllowed(
                    f"{self.path} holds a ledger already: copy into a new file (or merge)"
                )
            stored.header = dict(header or {"schema": SCHEMA_VERSION, "app": "osintlog"})
            self.store.append(stored, self._lines(source.entries))

    def append(
        self,
        entries: Iterable[dict[str, Any] | SerialisedEntries],
        created: str,
        check: Check | None = None,
        part: Part | None = None,
    ) -> AppendResult:
        """Append the entries the ledger lacks (by id), chained, in one atomic write.

        Each entry is taken, checked, chained and written as it comes, under the lock, so that
        `entries` may still be in the making (an import's parts, checked in other processes,
        each given as SerialisedEntries); the store takes them all or none.
        The entries appended are given their place in the chain (`prev` and `hash`) in place.

        `check` sees the ledger as it is under the lock and gives the check each new entry must
        pass; one that raises refuses them all: nothing is written then.

        `part` is what `check` needs of the ledger, where the store can read only that (a write
        of a few entries, given whole, to a large ledger): the ledger's last entry and the
        entries with the new ids are read with it.
        """
        if part is not None:
            entries = list(entries)
            new_ids = tuple(e["id"] for e in entries if isinstance(e, dict))
            part = replace(part, ids=part.ids + new_ids, tail=True)
        with self._locked():
            stored = self._current(part)
            if stored.header is None:
                stored.header = {"schema": SCHEMA_VERSION, "app": "osintlog", "created": created}
            snapshot = Snapshot(self.path, stored.entries, stored.schema, stored.upgraded)
            result = AppendResult([], [])
            check_entry = check(snapshot) if check else None
            lines = _new_lines(entries, snapshot, check_entry, result, self.kept)
            with contextlib.suppress(_NothingToWrite):
                self.store.append(stored, lines)
        return result


def _outdated(stored: Stored) -> bool:
    return stored.schema is not None and stored.schema < SCHEMA_VERSION


def _new_lines(
    entries: Iterable[dict[str, Any] | SerialisedEntries],
    snapshot: Snapshot,
    check: Callable[[Mapping[str, Any]], None] | None,
    result: AppendResult,
    kept: Keep | None,
) -> Iterator[NewLine]:
    """The file's line of each entry the ledger lacks, checked and chained, as they come, with
    what the store keeps of it (`kept`; an import's parts made that where they were checked)."""
    known = snapshot.ids()
    previous = snapshot.entries[-1]["hash"] if snapshot.entries else ""
    for entry in entries:
        if isinstance(entry, SerialisedEntries):
            previous = yield from entry.chained_lines(known, check, previous, result)
            continue
        if entry["id"] in known:
            result.existing.append(entry["id"])
            continue
        known.add(entry["id"])
        if check is not None:
            check(entry)
        previous = chain(entry, previous)
        result.added.append(entry)
        result.count(entry["kind"])
        yield orjson.dumps(entry), kept(entry) if kept else None
    if not result.written and not snapshot.upgraded:
        raise _NothingToWrite


def upgrade(stored: Stored) -> None:
    """Bring a ledger written before the hash chain (schema 0) up to date, in place: every
    entry gets its kind, id and chain. Saved by the caller in one atomic write."""
    meta = stored.header
    if meta is None or meta["schema"] >= SCHEMA_VERSION:
        return
    previous = ""
    for entry in stored.entries:
        entry.setdefault("kind", "claim")
        entry.pop("status", None)
        if "id" not in entry:
            entry["id"] = content_id(entry) if entry["kind"] == "claim" else entry_id(entry)
        previous = chain(entry, previous)
    meta["upgraded_from"] = meta["schema"]
    meta["schema"] = SCHEMA_VERSION
    stored.upgraded = True


def claim_entry(claim: Claim) -> dict[str, Any]:
    """The stored form of a claim: its fields (status is derived, not stored), and `future`
    only where it is set, so that entries logged before it existed are stored alike."""
    entry: dict[str, Any] = {"kind": "claim"}
    entry.update((name, claim[name]) for name in FIELDS if name != "status")
    if claim.get(FUTURE):
        entry[FUTURE] = True
    return entry


def new_entry(kind: str, analyst: str, logged_at: str, **fields: Any) -> dict[str, Any]:
    """An entry that is not a claim (a retraction, a source's rating), with its id."""
    entry = {"kind": kind, **fields, "analyst": analyst, "logged_at": logged_at}
    entry["id"] = entry_id(entry)
    return entry


@dataclass
class LedgerInfo:
    path: Path
    exists: bool
    size: int
    schema: int | None
    entries: int
    claims: dict[str, int]
    metrics: int
    sources: int


def ledger_info(snapshot: Snapshot, size: int | None) -> LedgerInfo:
    """What `info` shows: the counts, and the store's `size` (None if nothing is stored yet)."""
    claims = snapshot.claims()
    counts = {ACTIVE: 0, SUPERSEDED: 0, RETRACTED: 0}
    for claim in claims:
        counts[snapshot.status(claim["id"])] += 1
    active = snapshot.active()
    return LedgerInfo(
        path=snapshot.path,
        exists=size is not None,
        size=size or 0,
        schema=snapshot.schema,
        entries=len(snapshot.entries),
        claims=counts,
        metrics=len({c["metric"] for c in active}),
        sources=len({snapshot.declarations().key(c["source"]) for c in active}),
    )


def counted_info(
    declaring: Snapshot, size: int | None, groups: ClaimGroups, claims: Claims
) -> LedgerInfo:
    """`ledger_info` of a ledger its store counts (`Ledger.counted`): the metrics and sources
    of its active claims from their groups, the entries and claims by status from the store;
    `declaring` holds its declarations (the aliases sources are counted under)."""
    entries, statuses = claims.counts()
    key = declaring.declarations().key
    return LedgerInfo(
        path=declaring.path,
        exists=size is not None,
        size=size or 0,
        schema=declaring.schema,
        entries=entries,
        claims=statuses,
        metrics=len({metric for metric, _, _ in groups.by_metric}),
        sources=len({key(source) for _, source, _ in groups.by_metric}),
    )
