"""A ledger in a SQLite file (the standard library's sqlite3), a `store.Store`: the same entries,
in the same order, each kept as the compact JSON line the JSON file holds (so ids and the hash
chain are the same bytes), beside columns indexed for the views (kind, metric, source, as-of).
One transaction per append: all the new entries or none. WAL journal, so readers never wait.

The file opens as it is in Datasette or sqlite-utils: `claims` is a view of every claim with the
columns `export` writes (status aside, which depends on the entries after a claim)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from osintlog.errors import LedgerCorrupt, LedgerWriteFailed
from osintlog.store import SCHEMA_VERSION, Stored, file_signature

_CLAIM_COLUMNS = (
    "id metric value low high best qualifier unit as_of reported source via url quote "
    "reliability credibility tags note analyst logged_at supersedes"
).split()
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS header (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    position INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    metric TEXT,
    source TEXT,
    as_of TEXT,
    refers TEXT,
    line TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_metric ON entries (metric);
CREATE INDEX IF NOT EXISTS entries_source ON entries (source);
CREATE INDEX IF NOT EXISTS entries_as_of ON entries (as_of);
CREATE INDEX IF NOT EXISTS entries_refers ON entries (refers);
CREATE INDEX IF NOT EXISTS entries_kind ON entries (kind);
CREATE VIEW IF NOT EXISTS claims AS SELECT
    {", ".join(f"json_extract(line, '$.{name}') AS {name}" for name in _CLAIM_COLUMNS)}
    FROM entries WHERE kind = 'claim' ORDER BY position;
"""


class SqliteStore:
    """A ledger in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # The ledger as last loaded whole, and the signature the files had then: a command that
        # reads the ledger, then takes the lock and reads it again to append (`add`), loads it
        # once.
        self._loaded: tuple[tuple[int, ...], Stored] | None = None

    def load(self) -> Stored:
        signature = self._signature()
        if self._loaded is not None and signature is not None and self._loaded[0] == signature:
            return self._loaded[1]
        stored = self._read()
        self._loaded = (signature, stored) if signature is not None else None
        return stored

    def _signature(self) -> tuple[int, ...] | None:
        # A write changes the database file or its write-ahead log.
        return file_signature(self.path, f"{self.path}-wal")

    def load_metric(self, metric: str) -> Stored:
        """What a view of one metric (or a glob's metrics) needs, read through the indexes:
        that metric's claims, the claims that supersede them (an amendment may move a claim
        to another metric), and every entry that is no claim (retractions, ratings,
        declarations, aliases: few). In the ledger's order."""
        from osintlog.integrity import KINDS  # the one list of entry kinds

        test = "metric GLOB ?" if any(char in metric for char in "*?[") else "metric = ?"
        others = ", ".join(f"'{kind}'" for kind in KINDS if kind != "claim")
        # Three indexed look-ups joined (an OR of them would scan every row; and "AND kind =
        # 'claim'" in the last would take the kind index, a million rows, over the metric's).
        return self._read(
            f"""WHERE position IN (
                SELECT position FROM entries WHERE {test}
                UNION SELECT position FROM entries WHERE kind IN ({others})
                UNION SELECT position FROM entries WHERE refers IN (
                    SELECT id FROM entries WHERE {test}))""",
            (metric, metric),
        )

    def _read(self, where: str = "", parameters: tuple[str, ...] = ()) -> Stored:
        """The header, and the entries `where` selects (all by default), in the ledger's order."""
        if not self.path.exists():
            return Stored(None, [])
        with self._connection() as connection:
            if not _has_tables(connection):  # being created by another osintlog this moment
                return Stored(None, [])
            header = dict(connection.execute("SELECT key, value FROM header"))
            rows = connection.execute(
                f"SELECT line FROM entries {where} ORDER BY position", parameters
            )
            entries = [orjson.loads(line) for (line,) in rows]
        meta = orjson.loads(header["meta"]) if "meta" in header else None
        return Stored(meta, entries)

    def append(self, stored: Stored, lines: Iterable[bytes]) -> None:
        self._loaded = None  # written or not, the next load reads the file again
        self._refuse_read_only()
        existed = self.path.exists()
        try:
            with self._connection(writing=True) as connection:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    # In the transaction: a reader never sees half a schema.
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            connection.execute(statement)
                    if stored.header is not None:
                        connection.execute(
                            "INSERT OR IGNORE INTO header VALUES ('meta', ?)",
                            (orjson.dumps(stored.header).decode(),),
                        )
                    first = connection.execute(
                        "SELECT COALESCE(MAX(position), 0) + 1 FROM entries"
                    ).fetchone()[0]
                    connection.executemany(
                        "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _rows(lines, first)
                    )
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
        except BaseException as failure:
            if not existed:  # a ledger that was not there is not left behind, empty
                for leftover in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{self.path}{leftover}")
            if isinstance(failure, sqlite3.Error):
                raise LedgerWriteFailed(
                    f"cannot write {self.path}: {failure}; the ledger is unchanged"
                ) from failure
            raise

    def size(self) -> int | None:
        try:
            return self.path.stat().st_size
        except OSError:
            return None

    @contextlib.contextmanager
    def _connection(self, writing: bool = False) -> Iterator[sqlite3.Connection]:
        if not writing and not stat.S_ISREG(os.stat(self.path).st_mode):
            raise LedgerCorrupt(f"{self.path} is no ledger: it is not a regular file")
        try:
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except sqlite3.Error as error:
            raise LedgerCorrupt(f"cannot open {self.path}: {error}") from error
        try:
            try:
                _check(connection, self.path)  # before anything could change a foreign file
                if writing:
                    connection.execute("PRAGMA journal_mode=WAL")
            except sqlite3.DatabaseError as error:
                raise LedgerCorrupt(
                    f"{self.path} is not an osintlog ledger ({error}); it was left untouched"
                ) from error
            yield connection
        finally:
            connection.close()

    def _refuse_read_only(self) -> None:
        from osintlog.atomic import may_write  # only a write needs it

        with contextlib.suppress(FileNotFoundError):
            existing = self.path.stat()
            if not may_write(self.path, existing):
                raise LedgerWriteFailed(
                    f"{self.path} is read-only (mode {stat.filemode(existing.st_mode)}): it was "
                    "not written; the ledger is unchanged (chmod u+w it to let osintlog write)"
                )


def _has_tables(connection: sqlite3.Connection) -> bool:
    return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


def _check(connection: sqlite3.Connection, path: Path) -> None:
    """Refuse a SQLite file that is no osintlog ledger, or one a newer osintlog wrote; an empty
    one (no tables yet) is a ledger not yet written."""
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    if not tables:
        return
    if not {"header", "entries"} <= tables:
        raise LedgerCorrupt(f"{path} is not an osintlog ledger (no entries table); left untouched")
    row = connection.execute("SELECT value FROM header WHERE key = 'meta'").fetchone()
    schema = orjson.loads(row[0]).get("schema") if row else None
    if isinstance(schema, int) and schema > SCHEMA_VERSION:
        raise LedgerCorrupt(
            f"{path} was written by a newer osintlog (schema {schema}); upgrade osintlog to read it"
        )


def _rows(lines: Iterable[bytes], first: int) -> Iterator[tuple[Any, ...]]:
    for position, line in enumerate(lines, first):
        entry = orjson.loads(line)
        yield (
            position,
            entry["id"],
            entry["kind"],
            entry.get("metric"),
            entry.get("source"),
            entry.get("as_of"),
            entry.get("supersedes") or entry.get("target"),
            line.decode("utf-8"),
        )
