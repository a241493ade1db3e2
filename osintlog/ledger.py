"""The TinyDB store: the ledger file, its lock, claim ids, the hash chain and queries."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import stat
import tempfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

from osintlog.claims import Claim, content_id, fold_source, short_id
from osintlog.errors import (
    AmbiguousId,
    LedgerBusy,
    LedgerCorrupt,
    LedgerWriteFailed,
    UnknownClaim,
)
from osintlog.fields import ACTIVE, FIELDS, FUTURE, RETRACTED, SUPERSEDED

SCHEMA_VERSION = 1
META_TABLE = "_osintlog"
ENTRIES_TABLE = "entries"
HASH_LENGTH = 32
MIN_PREFIX = 4


def default_path() -> Path:
    """--db, else $OSINTLOG_DB, else ledger.json in the user data directory."""
    if env := os.environ.get("OSINTLOG_DB"):
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("osintlog")) / "ledger.json"


class OrjsonStorage(Storage):
    """TinyDB storage: read with orjson, written atomically; refuses a file that is no ledger."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise LedgerCorrupt(f"cannot read ledger {self.path}: {error.strerror}") from error
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise LedgerCorrupt(
                f"{self.path} is not an osintlog ledger (not valid JSON: {error}); "
                "it was left untouched — point --db at another file"
            ) from error
        check_ledger_shape(self.path, data)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self.path, ledger_chunks(data))

    def close(self) -> None:
        pass


# Stands for the entries table while the rest is serialised: orjson writes a NUL in text as \u0000,
# so this byte is nowhere else in its output.
_ENTRIES_HERE = b"\0"
# The file is handed to the disk in pieces of about this many bytes, while the next are made.
_CHUNK = 1 << 20


def ledger_chunks(
    data: Mapping[str, Mapping[str, Any]], added: Iterable[bytes] = (), first: int = 1
) -> Iterator[bytes | bytearray]:
    """The ledger file, in pieces: indented JSON, but each entry on one line, as compact JSON.

    In git a new entry is a new line, and the file is a fifth smaller than indented throughout.
    An entry's keys are those its hash is taken over, sorted, then its hash (see `chain`).
    `added` are the lines of more entries, numbered from `first` on, made while the file is
    written (see `Ledger.append`).
    """
    if ENTRIES_TABLE not in data:
        yield orjson.dumps(data, option=orjson.OPT_INDENT_2)
        return
    rest = {**data, ENTRIES_TABLE: orjson.Fragment(_ENTRIES_HERE)}
    before, _, after = orjson.dumps(rest, option=orjson.OPT_INDENT_2).partition(_ENTRIES_HERE)
    text = bytearray(before)
    separator = b"{\n    "
    lines = itertools.chain(
        (
            (orjson.dumps(number), orjson.dumps(entry))
            for number, entry in data[ENTRIES_TABLE].items()
        ),
        ((b'"%d"' % number, line) for number, line in enumerate(added, first)),
    )
    # Each line is appended at once and let go: orjson's bytes each keep a large buffer while held.
    for key, line in lines:
        text += separator
        text += key
        text += b": "
        text += line
        separator = b",\n    "
        if len(text) > _CHUNK:
            yield text
            text = bytearray()
    text += b"{}" if separator == b"{\n    " else b"\n  }"
    text += after
    yield text


def check_ledger_shape(path: Path, data: Any) -> None:
    """Refuse anything but a ledger of a schema this osintlog knows."""
    refusal = f"{path} is not an osintlog ledger"
    if not isinstance(data, dict) or not isinstance(data.get(META_TABLE), dict):
        raise LedgerCorrupt(f"{refusal} (no osintlog header); it was left untouched")
    meta = next(iter(data[META_TABLE].values()), None)
    schema = meta.get("schema") if isinstance(meta, dict) else None
    if not isinstance(schema, int):
        raise LedgerCorrupt(f"{refusal} (its header has no schema version); left untouched")
    if schema > SCHEMA_VERSION:
        raise LedgerCorrupt(
            f"{path} was written by a newer osintlog (schema {schema}); upgrade osintlog to read it"
        )
    entries = data.get(ENTRIES_TABLE, {})
    if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
        raise LedgerCorrupt(f"{refusal} (its entries are not records); left untouched")


def atomic_write(path: Path, chunks: Iterable[bytes | bytearray]) -> None:
    """Write to a temporary file beside `path`, fsync it, then rename it over `path`; if making
    the chunks raises, the ledger is left as it was.

    Where Linux allows, the temporary file has no name until it is complete (O_TMPFILE), so that
    a process killed while it writes (an import writes as it checks) leaves nothing behind.
    """
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = _temporary_file(path)
    except OSError as error:
        raise LedgerWriteFailed(f"cannot write {path}: {error.strerror}") from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
            if temporary is None:
                temporary = _name_file(handle.fileno(), path)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise LedgerWriteFailed(
            f"cannot write {path}: {error.strerror}; the ledger is unchanged"
        ) from error
    except BaseException:
        _remove(temporary)
        raise
    _fsync_folder(path.parent)


def _temporary_file(path: Path) -> tuple[int, str | None]:
    """A file to write beside `path`: without a name where Linux allows, else a hidden one."""
    if hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # not every file system has them
            return os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o600), None
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")


def _name_file(descriptor: int, path: Path) -> str:
    """Give a file without a name a hidden one beside `path`, to rename it over `path`."""
    name = f".{path.name}.{os.urandom(6).hex()}.tmp"
    folder = os.open(path.parent, os.O_RDONLY)
    try:  # a folder descriptor makes Python call linkat, which follows the /proc link
        os.link(f"/proc/self/fd/{descriptor}", name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)
    return str(path.parent / name)


def _remove(temporary: str | None) -> None:
    if temporary is not None:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def entry_hash(entry: Mapping[str, Any]) -> str:
    """The hash of an entry over its canonical serialisation: everything but its own hash and
    the status a view marks a claim with (derived, never stored)."""
    if "hash" not in entry and "status" not in entry:  # being chained: no copy needed
        return _digest(entry)
    return _digest({k: v for k, v in entry.items() if k not in ("hash", "status")})


def _digest(body: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()[:HASH_LENGTH]


def chain(entry: dict[str, Any], previous: str) -> str:
    """Give an entry its place after the entry whose hash is `previous`, and its keys the order
    it is stored in (see `ledger_chunks`); its own hash."""
    entry["prev"] = previous
    own = entry_hash(entry)
    stored = sorted((k, v) for k, v in entry.items() if k not in ("hash", "status"))
    entry.clear()
    entry.update(stored, hash=own)
    return own


# The hashed form of an entry about to be chained holds its blank `prev` once, as a key: inside a
# JSON string every quote is escaped, so these bytes cannot occur there.
_BLANK_PREV = b'"prev":""'


class SerialisedEntries:
    """Entries serialised in bulk by the process that checked them, before their place in the
    chain is known: a blob of bytes and a few lists, cheap to pickle from one process to another,
    unlike the same entries as dicts. A large import makes one for each part of its file, and
    `Ledger.append` takes it as it takes entries.

    An entry's serialisation is its hashed form (`entry_hash`) with a blank `prev`, cut where the
    value of `prev` goes: `chained_lines` completes it into the line the file holds, byte for
    byte what the entry as a dict would give (tests/test_ledger_file.py holds it to that).
    """

    def __init__(self, entries: Iterable[dict[str, Any]]) -> None:
        """`entries` are not chained yet (no prev, hash or status); each is given a blank prev."""
        self.ids: list[str] = []
        self.kinds: list[str] = []
        self.refers: list[str | None] = []
        self.cuts = [0]
        hashed = bytearray()
        ids, kinds, refers, cuts = self.ids, self.kinds, self.refers, self.cuts
        dumps, sort, value_at = orjson.dumps, orjson.OPT_SORT_KEYS, len(_BLANK_PREV) - 1
        # Each serialisation is appended at once and let go: orjson's bytes each keep a large
        # buffer, and 100,000 of them held would take gigabytes.
        for entry in entries:
            ids.append(entry["id"])
            kinds.append(entry["kind"])
            refers.append(entry.get("supersedes") or entry.get("target"))
            entry["prev"] = ""
            hashed_form = dumps(entry, option=sort)
            cuts.append(len(hashed) + hashed_form.index(_BLANK_PREV) + value_at)
            hashed += hashed_form
            cuts.append(len(hashed))
        self.hashed = bytes(hashed)

    def chained_lines(
        self,
        known: set[str],
        check: Callable[[Mapping[str, Any]], None] | None,
        previous: str,
        result: AppendResult,
    ) -> Generator[bytes, None, str]:
        """As `Ledger.append` takes entries, in one loop (an import has 100,000 of them): the
        line of each entry not `known`, chained after `previous`; returns the last hash. The
        entries added are the dicts the check saw: id, kind, the claim they supersede or
        retract, prev and hash."""
        hashed, cuts, sha256 = self.hashed, self.cuts, hashlib.sha256
        places = zip(cuts[0:-1:2], cuts[1::2], cuts[2::2], strict=True)
        for entry_id, kind, refers, (start, prev_at, end) in zip(
            self.ids, self.kinds, self.refers, places, strict=True
        ):
            if entry_id in known:
                result.existing.append(entry_id)
                continue
            known.add(entry_id)
            entry = {"id": entry_id, "kind": kind}
            if refers:
                entry["target" if kind == "retraction" else "supersedes"] = refers
            if check is not None:
                check(entry)
            entry["prev"], prev = previous, previous.encode()
            before, after = hashed[start:prev_at], hashed[prev_at:end]
            previous = sha256(b"".join((before, prev, after))).hexdigest()[:HASH_LENGTH]
            entry["hash"] = previous
            result.added.append(entry)
            # The hashed form, its hash added last: the line a dict in that order would give.
            yield b"".join((before, prev, after[:-1], b',"hash":"', previous.encode(), b'"}'))
        return previous


@dataclass
class Snapshot:
    """The ledger as read once: its entries in the order they were appended."""

    path: Path
    entries: list[dict[str, Any]]
    schema: int | None = None
    # A snapshot that will be written back must not have its entries marked with a status.
    writing: bool = False
    # Read from a file an older osintlog wrote, and upgraded in memory: to be written back.
    upgraded: bool = False
    _claims: list[Claim] | None = field(default=None, repr=False)

    def claims(self) -> list[Claim]:
        """Every claim, each with its status (active, superseded or retracted).

        On a read-only snapshot the stored entries themselves are returned, marked with their
        status: no copy of a large ledger is made for a view.
        """
        if self._claims is None:
            superseded = {e["supersedes"] for e in self.entries if e.get("supersedes")}
            retracted = {e["target"] for e in self.entries if e.get("kind") == "retraction"}
            claims = []
            for entry in self.entries:
                if entry.get("kind", "claim") != "claim":
                    continue
                claim = dict(entry) if self.writing else entry
                claim_id = claim["id"]
                claim["status"] = (
                    RETRACTED
                    if claim_id in retracted
                    else SUPERSEDED
                    if claim_id in superseded
                    else ACTIVE
                )
                claims.append(claim)
            self._claims = claims
        return self._claims

    def ids(self) -> set[str]:
        return {e["id"] for e in self.entries if "id" in e}

    def standing_ratings(self) -> dict[str, str]:
        """Each source's standing reliability (folded name -> letter), the latest set."""
        return {
            fold_source(e["source"]): e["reliability"]
            for e in self.entries
            if e.get("kind") == "rating"
        }

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


@dataclass
class AppendResult:
    added: list[dict[str, Any]]
    existing: list[str]


# Sees the ledger as it is under the lock and gives the check each new entry must pass.
Check = Callable[[Snapshot], Callable[[Mapping[str, Any]], None]]


class _NothingToWrite(Exception):
    """Every entry given was in the ledger already: the file is left as it is."""


class Ledger:
    """One ledger file: reads without the lock, writes under it in one atomic replace."""

    def __init__(self, path: Path, lock_timeout: float = 10.0) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    def _database(self) -> TinyDB:
        return TinyDB(self.path, storage=CachingMiddleware(OrjsonStorage))

    def read(self) -> Snapshot:
        snapshot = self._snapshot(self._database())
        if snapshot.schema is not None and snapshot.schema < SCHEMA_VERSION:
            with self._locked():
                database = self._database()
                snapshot = self._current(database)
                database.storage.flush()
        return snapshot

    def _current(self, database: TinyDB) -> Snapshot:
        """The ledger under the lock, upgraded in memory if an older osintlog wrote it (the
        caller's flush then saves the upgrade with its own changes, in one write)."""
        snapshot = self._snapshot(database)
        if snapshot.schema is not None and snapshot.schema < SCHEMA_VERSION:
            data = database.storage.read()
            upgrade(data)
            database.storage.write(data)
            snapshot = self._snapshot(database)
            snapshot.upgraded = True
        snapshot.writing = True
        return snapshot

    def _snapshot(self, database: TinyDB) -> Snapshot:
        data = database.storage.read() or {}
        table = data.get(ENTRIES_TABLE, {})
        ordered = [table[key] for key in sorted(table, key=int)]
        meta = next(iter(data.get(META_TABLE, {}).values()), {})
        return Snapshot(self.path, ordered, meta.get("schema"))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        lock = FileLock(f"{self.path}.lock", timeout=self.lock_timeout)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout as error:
            raise LedgerBusy(
                f"ledger {self.path} is busy: another osintlog held its lock for "
                f"{self.lock_timeout:g}s (wait, or raise --lock-timeout)"
            ) from error
        except OSError as error:
            raise LedgerWriteFailed(f"cannot lock {self.path}: {error.strerror}") from error
        try:
            yield
        finally:
            lock.release()

    def append(
        self,
        entries: Iterable[dict[str, Any] | SerialisedEntries],
        created: str,
        check: Check | None = None,
    ) -> AppendResult:
        """Append the entries the ledger lacks (by id), chained, in one atomic write.

        Each entry is taken, checked, chained and written as it comes, under the lock, so that
        `entries` may still be in the making (an import's parts, checked in other processes,
        each given as SerialisedEntries); the new file replaces the ledger once all are in.
        The entries appended are given their place in the chain (`prev` and `hash`) in place.

        `check` sees the ledger as it is under the lock and gives the check each new entry must
        pass; one that raises refuses them all: nothing is written then.
        """
        with self._locked():
            database = self._database()
            snapshot = self._current(database)
            data = dict(database.storage.read() or {})
            if snapshot.schema is None:
                meta = {"schema": SCHEMA_VERSION, "app": "osintlog", "created": created}
                data[META_TABLE] = {"1": meta}
            table = data.setdefault(ENTRIES_TABLE, {})
            result = AppendResult([], [])
            lines = _new_lines(entries, snapshot, check(snapshot) if check else None, result)
            with contextlib.suppress(_NothingToWrite):
                first = max(map(int, table), default=0) + 1
                atomic_write(self.path, ledger_chunks(data, lines, first))
        return result


def _new_lines(
    entries: Iterable[dict[str, Any] | SerialisedEntries],
    snapshot: Snapshot,
    check: Callable[[Mapping[str, Any]], None] | None,
    result: AppendResult,
) -> Iterator[bytes]:
    """The file's line of each entry the ledger lacks, checked and chained, as they come."""
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
        yield orjson.dumps(entry)
    if not result.added and not snapshot.upgraded:
        raise _NothingToWrite


def upgrade(data: dict[str, Any]) -> None:
    """Bring a ledger written before the hash chain (schema 0) up to date, in place: every
    entry gets its kind, id and chain. Saved by the caller in one atomic write."""
    meta = next(iter(data[META_TABLE].values()))
    if meta["schema"] >= SCHEMA_VERSION:
        return
    table = data.get(ENTRIES_TABLE, {})
    previous = ""
    for key in sorted(table, key=int):
        entry = table[key]
        entry.setdefault("kind", "claim")
        entry.pop("status", None)
        if "id" not in entry:
            entry["id"] = content_id(entry) if entry["kind"] == "claim" else entry_id(entry)
        previous = chain(entry, previous)
    meta["upgraded_from"] = meta["schema"]
    meta["schema"] = SCHEMA_VERSION


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


def entry_id(entry: Mapping[str, Any]) -> str:
    """The id of an entry that is not a claim: a hash of its content (chain and id aside)."""
    return _digest({k: v for k, v in entry.items() if k not in ("id", "prev", "hash")})


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


def ledger_info(snapshot: Snapshot) -> LedgerInfo:
    claims = snapshot.claims()
    counts = {ACTIVE: 0, SUPERSEDED: 0, RETRACTED: 0}
    for claim in claims:
        counts[claim["status"]] += 1
    exists = snapshot.path.exists()
    return LedgerInfo(
        path=snapshot.path,
        exists=exists,
        size=snapshot.path.stat().st_size if exists else 0,
        schema=snapshot.schema,
        entries=len(snapshot.entries),
        claims=counts,
        metrics=len({c["metric"] for c in claims if c["status"] == ACTIVE}),
        sources=len({fold_source(c["source"]) for c in claims if c["status"] == ACTIVE}),
    )
