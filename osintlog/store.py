"""The storage seam: what a store of ledger entries must do, and which store a ledger's path opens.

A store keeps a ledger's header (schema version, app, when it was created) and its entries in the
order they were appended; it loads them whole and appends new ones in one atomic step. Everything
else — ids, the hash chain, checks, the lock, statuses, views — lives above it (`ledger.Ledger`),
so each store is one module implementing `Store`, chosen in `open_store`: the JSON file
(`json_store`) and SQLite (`sqlite_store`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

SCHEMA_VERSION = 1


@dataclass
class Stored:
    """A ledger as loaded: its header (None for a ledger not yet written) and its entries."""

    header: dict[str, Any] | None
    entries: list[dict[str, Any]]
    # Set when the header or entries were brought up to date in memory: `append` then stores
    # them as they are now, with the new entries.
    upgraded: bool = False
    # What the store read, for its own use when it appends (the JSON store's parsed file).
    raw: Any = field(default=None, repr=False)

    @property
    def schema(self) -> int | None:
        return self.header.get("schema") if self.header else None


@dataclass(frozen=True)
class Part:
    """What a command needs of a large ledger, for a store that can read only that (SQLite,
    `SqliteStore.load_part`): the claims of `metrics` (names or globs) and those whose id starts
    with one of `ids`; of each metric of `units_of`, its first active claim that gives a unit
    (all that `declarations.metric_units` reads of it, with the declarations); the claims of
    each (metric, stored as-of) of `dated`; the entries that change all those (amendments,
    retractions); every entry that is no claim (declarations, ratings, aliases: few); and, with
    `tail`, the last entry, which a write chains its entries to. In the ledger's order. Never
    for `verify`: the chain is not whole."""

    metrics: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    tail: bool = False
    units_of: tuple[str, ...] = ()
    dated: tuple[tuple[str, str], ...] = ()


# An entry to append: its compact JSON line, and what the store's `kept` made of the entry (None
# for a store without `kept`).
NewLine = tuple[bytes, Any]
# A store's `kept`: what it keeps of an entry beside its line, made of the entry as a dict.
Keep = Callable[[Mapping[str, Any]], Any]


class Store(Protocol):
    """A ledger's storage. Its methods raise osintlog's own errors (LedgerCorrupt for
    something that is no ledger, LedgerWriteFailed when the disk refuses).

    A store that can read less than the whole ledger may also have `load_part(Part)`,
    `source_names()` and `counted(reports, steps)` (see `SqliteStore`); `ledger.Ledger` uses
    them where they are, and the whole ledger where they are not. A store that keeps more of an
    entry than its line (SQLite's indexed columns) may have `kept(entry)`, which makes that of
    the entry as a dict where the entry is built — in an import, by the processes that check its
    rows — so that `append` need not parse the line again."""

    path: Path

    def load(self) -> Stored:
        """The header and every entry, in the order appended; an empty Stored if none yet."""
        ...

    def append(self, stored: Stored, lines: Iterable[NewLine]) -> None:
        """Store the entries whose `lines` (each with what `kept` made of it) are after those
        of `stored` (what `load` gave under the same lock), writing `stored.header` if the
        store has none yet, in one atomic step: a crash, or `lines` raising, leaves the store
        as it was (the exception goes on to the caller). `lines` may still be in the making
        while it is consumed."""
        ...

    def size(self) -> int | None:
        """Bytes on disk, None if nothing is stored yet."""
        ...


# What the first bytes of a SQLite file are, and the names a new SQLite ledger is given.
SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def is_sqlite(path: Path) -> bool:
    """Whether the ledger at `path` is a SQLite file: an existing one by what it holds, a new
    (or empty) one by its name."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        start = b""
    except OSError:
        return False
    return start == SQLITE_MAGIC if start else path.suffix.lower() in SQLITE_SUFFIXES


def file_signature(*paths: str | Path) -> tuple[int, ...] | None:
    """What changes when a store's files are written or replaced — inode, size and times of
    each — taken before they are read, so that a store may keep what it loaded while they stay
    the same (a change in between only makes the next load read again). None when the first
    file is not there; a later one (a SQLite write-ahead log) may be missing."""
    found: list[int] = []
    for number, path in enumerate(paths):
        try:
            status = os.stat(path)
        except OSError:
            if number == 0:
                return None
            continue
        found += [status.st_ino, status.st_dev, status.st_size]
        found += [status.st_mtime_ns, status.st_ctime_ns]
    return tuple(found)


def open_store(path: Path) -> Store:
    """The store for a ledger at `path`: a SQLite file (`sqlite_store`) or the JSON file
    (`json_store`), by `is_sqlite`."""
    if is_sqlite(path):
        from osintlog.sqlite_store import SqliteStore

        return SqliteStore(path)
    from osintlog.json_store import JsonFileStore

    return JsonFileStore(path)
