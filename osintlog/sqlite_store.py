"""A ledger in a SQLite file (the standard library's sqlite3), a `store.Store`: the same entries,
in the same order, each kept as the compact JSON line the JSON file holds (so ids and the hash
chain are the same bytes), beside columns indexed for the views (kind, metric, source, as-of).
One transaction per append: all the new entries or none. A write-ahead log, so that readers
never wait (a new ledger's first write aside, made in a rollback journal: it writes an import's
pages once, not twice).

The file opens as it is in Datasette or sqlite-utils: `claims` is a view of every claim with the
columns `export` writes (status aside, which depends on the entries after a claim)."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from osintlog import views
from osintlog.errors import LedgerCorrupt, LedgerWriteFailed
from osintlog.query import order_key
from osintlog.sqlite_counts import (
    PointsRead,
    StoredClaims,
    active_claims,
    derived_rule,
    ledger_state,
    timeline_at,
)
from osintlog.store import SCHEMA_VERSION, NewLine, Part, Stored, file_signature

if TYPE_CHECKING:
    from osintlog.groups import ClaimGroups, Claims

_CLAIM_COLUMNS = (
    "id metric value low high best qualifier unit as_of reported source via url quote "
    "reliability credibility tags note analyst logged_at supersedes"
).split()
_TABLES = f"""
CREATE TABLE IF NOT EXISTS header (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    position INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    metric TEXT,
    source TEXT,
    as_of TEXT,
    refers TEXT,
    line TEXT NOT NULL,
    reported TEXT,
    logged_at TEXT,
    unit TEXT,
    at TEXT,
    point
);
CREATE VIEW IF NOT EXISTS claims AS SELECT
    {", ".join(f"json_extract(line, '$.{name}') AS {name}" for name in _CLAIM_COLUMNS)}
    FROM entries WHERE kind = 'claim' ORDER BY position;
CREATE INDEX IF NOT EXISTS entries_changing ON entries (refers) WHERE refers IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_not_claims ON entries (kind) WHERE kind != 'claim';
"""
# The indexes that hold every claim, or every entry: a new ledger's are built once its rows are
# in (faster than row by row). The two above hold few entries, and are kept as rows come.
_INDEXES = """
CREATE INDEX IF NOT EXISTS entries_metric ON entries (metric);
CREATE INDEX IF NOT EXISTS claims_counted
    ON entries (source, metric, unit, logged_at, at, point, id) WHERE kind = 'claim';
CREATE INDEX IF NOT EXISTS claims_in_time ON entries (source, metric, at, point, id)
    WHERE kind = 'claim';
CREATE INDEX IF NOT EXISTS claims_by_report ON entries (source, reported, id)
    WHERE kind = 'claim';
CREATE INDEX IF NOT EXISTS entries_as_of ON entries (as_of);
CREATE INDEX IF NOT EXISTS entries_id ON entries (id);
"""
# The page cache of a write: an import's index updates spill to disk much less (64 MB).
_WRITE_CACHE_KB = 65536
# The threads SQLite may sort with as it builds an index (a new ledger's, once its rows are in).
_SORT_THREADS = min(os.cpu_count() or 1, 4)


class SqliteStore:
    """A ledger in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # The ledger as last loaded whole, and the signature the files had then: a command that
        # reads the ledger, then takes the lock and reads it again to append (`add`), loads it
        # once.
        self._loaded: tuple[tuple[int, ...], Stored] | None = None
        # The same for the part of the metrics last read (see `load_part`).
        self._part_loaded: tuple[Any, ...] | None = None

    def load(self) -> Stored:
        signature = self._signature()
        if self._loaded is not None and signature is not None and self._loaded[0] == signature:
            return self._loaded[1]
        header, entries = self._read(
            "SELECT line FROM entries ORDER BY position", (), lambda row: orjson.loads(row[0])
        )
        stored = Stored(header, entries)
        self._loaded = (signature, stored) if signature is not None else None
        return stored

    def _signature(self) -> tuple[int, ...] | None:
        # A write changes the database file or its write-ahead log.
        return file_signature(self.path, f"{self.path}-wal")

    def load_part(self, part: Part) -> Stored:
        """What `part` names, read through the indexes (see `store.Part`). All it names but ids
        and the tail is kept while the files stay the same, as `load` keeps the whole: `add`
        reads its metric's unit, then takes the lock and reads it again with the last entry,
        and parses it once."""
        signature = self._signature()
        kept = self._part_loaded
        named = replace(part, ids=(), tail=False)
        if kept is not None and signature is not None and kept[:2] == (signature, named):
            header, rows = kept[2], kept[3]
        else:
            header, rows = self._select(named)
            self._part_loaded = (signature, named, header, rows) if signature else None
        if part.ids or part.tail:
            header, more = self._select(Part(ids=part.ids, tail=part.tail))
            rows = {**rows, **more}
        return Stored(header, [rows[position] for position in sorted(rows)])

    def source_names(self) -> set[str]:
        """Every source name the claims give (`ledger.Snapshot.source_names`), through the
        source index: from each name to the next (a seek per name, where DISTINCT would walk a
        million index rows)."""
        claims = "FROM entries INDEXED BY claims_counted WHERE kind = 'claim'"
        _, names = self._read(
            f"""WITH RECURSIVE names(name) AS (
                SELECT MIN(source) {claims}
                UNION ALL SELECT (SELECT MIN(source) {claims} AND source > name)
                FROM names WHERE name IS NOT NULL)
            SELECT name FROM names WHERE name IS NOT NULL""",
            (),
            lambda row: row[0],
        )
        return set(names)

    @contextlib.contextmanager
    def counted(
        self, reports: bool = True, steps: bool = False
    ) -> Iterator[tuple[ClaimGroups, Claims] | None]:
        """The active claims' groups (`groups.claim_groups`), counted in two queries, each over
        an index that holds what it reads in the order it groups by (a tenth of the table's
        bytes, no sorting), and the claims they point to, read in the same transaction; None
        for a ledger an earlier osintlog wrote without those (until its next write adds them),
        or whose timeline keys or points other rules made (`derived_rule`). Without
        `reports`, `by_report` is left empty (the list of metrics does not read it); with
        `steps`, the series' points that `Claims.steps` counts are read meanwhile on a second
        core (`PointsRead`)."""
        from osintlog.groups import ClaimGroups, Group

        if not self.path.exists():
            yield ClaimGroups({}, {}), StoredClaims(None)
            return
        with self._connection() as connection:
            connection.execute("BEGIN")  # one snapshot of the ledger for all that is read
            if not _has_tables(connection):
                yield ClaimGroups({}, {}), StoredClaims(None)
                return
            rule = connection.execute("SELECT value FROM header WHERE key = 'derived'")
            if _missing_columns(connection) or not _has_indexes(connection):
                yield None
                return
            if rule.fetchone() != (derived_rule(),):
                yield None
                return
            points = PointsRead(self.path, ledger_state(connection)) if steps else None
            by_metric = {}
            for metric, source, unit, count, logged, seen, first, last in connection.execute(
                "SELECT metric, source, coalesce(unit, ''), count(*), min(logged_at), "
                f"min(position), min(at), max(at) {active_claims('claims_counted')} "
                "GROUP BY source, metric, unit"
            ):
                group = Group(count, logged, seen, timeline_at(first), timeline_at(last))
                by_metric[(metric, source, unit)] = group
            by_report = {}
            if reports:
                for source, reported, first, last in connection.execute(
                    "SELECT source, reported, min(position), max(position) "
                    f"{active_claims('claims_by_report')} GROUP BY source, reported"
                ):
                    by_report[(source, reported)] = (first, last)
            yield ClaimGroups(by_metric, by_report), StoredClaims(connection, points)

    def _select(self, part: Part) -> tuple[dict[str, Any] | None, dict[int, dict[str, Any]]]:
        """The header, and the entries `part` names by their position."""
        chosen: list[str] = []
        parameters: list[str] = []
        for metric in part.metrics:
            test = "GLOB" if any(char in metric for char in "*?[") else "="
            chosen.append(f"SELECT position, id FROM entries WHERE metric {test} ?")
            parameters.append(metric)
        for prefix in part.ids:
            chosen.append("SELECT position, id FROM entries WHERE id GLOB ?")
            parameters.append(re.sub(r"([*?\[])", r"[\1]", prefix) + "*")
        for metric in part.units_of:
            # the metric's claims in the ledger's order (its index keeps them so), to the first
            chosen.append(
                "SELECT * FROM (SELECT position, id "
                f"{active_claims('entries_metric')} AND metric = ? AND unit IS NOT NULL "
                "AND unit != '' ORDER BY position LIMIT 1)"
            )
            parameters.append(metric)
        for metric, as_of in part.dated:
            # met in the two indexes alone, which hold each entry's position beside its key
            chosen.append(
                "SELECT position, id FROM entries WHERE position IN ("
                "SELECT position FROM entries WHERE metric = ? "
                "INTERSECT SELECT position FROM entries WHERE as_of = ?)"
            )
            parameters += [metric, as_of]
        last = "UNION SELECT MAX(position) FROM entries" if part.tail else ""
        # Indexed look-ups joined: an OR of them would scan every row (and "AND kind = 'claim'"
        # would take the kind index, a million rows, over the metric's).
        header, rows = self._read(
            f"""WITH chosen(position, id) AS ({" UNION ".join(chosen) or "SELECT 0, '' WHERE 0"})
            SELECT position, line FROM entries WHERE position IN (
                SELECT position FROM chosen
                UNION SELECT position FROM entries
                    WHERE refers IS NOT NULL AND refers IN (SELECT id FROM chosen)
                UNION SELECT position FROM entries WHERE kind != 'claim' {last})""",
            tuple(parameters),
            lambda row: (row[0], orjson.loads(row[1])),
        )
        return header, dict(rows)

    def _read(
        self, query: str, parameters: tuple[str, ...], convert: Callable[[Any], Any]
    ) -> tuple[dict[str, Any] | None, list[Any]]:
        """The header, and each row `query` selects, converted as it is read; none for a
        ledger not yet written."""
        if not self.path.exists():
            return None, []
        with self._connection() as connection:
            if not _has_tables(connection):  # being created by another osintlog this moment
                return None, []
            header = dict(connection.execute("SELECT key, value FROM header"))
            rows = [convert(row) for row in connection.execute(query, parameters)]
        return (orjson.loads(header["meta"]) if "meta" in header else None), rows

    @staticmethod
    def kept(entry: Mapping[str, Any]) -> tuple[Any, ...]:
        """An entry's columns but its position and line, its place in the timeline (`at`)
        without its position: `store.Store`'s `kept`."""
        get = entry.get
        claim = entry["kind"] == "claim"
        return (
            order_key(entry) if claim else None,
            entry["id"],
            entry["kind"],
            get("metric"),
            get("source"),
            get("as_of"),
            get("supersedes") or get("target"),
            get("reported") if claim else None,
            get("logged_at") if claim else None,
            get("unit") if claim else None,
            views.point(entry) if claim else None,
        )

    def append(self, stored: Stored, lines: Iterable[NewLine]) -> None:
        self._loaded = self._part_loaded = None  # written or not, the next load reads again
        self._refuse_read_only()
        existed = self.path.exists()
        try:
            with self._connection(writing=True) as connection:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    # In the transaction: a reader never sees half a schema. An older file
                    # gains the columns and indexes it lacks.
                    fresh = not _has_tables(connection)
                    _run(connection, _TABLES)
                    if not fresh:
                        _add_columns(connection)
                        _run(connection, _INDEXES)
                    if stored.header is not None:
                        connection.execute(
                            "INSERT OR IGNORE INTO header VALUES ('meta', ?)",
                            (orjson.dumps(stored.header).decode(),),
                        )
                    if fresh:
                        _keep_derived_rule(connection)
                    first = connection.execute(
                        "SELECT COALESCE(MAX(position), 0) + 1 FROM entries"
                    ).fetchone()[0]
                    connection.executemany(
                        f"INSERT INTO entries ({', '.join(_INSERTED)}) "
                        f"VALUES ({', '.join('?' for _ in _INSERTED)})",
                        _rows(lines, first),
                    )
                    if fresh:
                        _run(connection, _INDEXES)
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                if fresh:  # written in a rollback journal, which writes new pages once
                    _into_wal(connection)
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
                    connection.execute(f"PRAGMA cache_size=-{_WRITE_CACHE_KB}")
                    connection.execute(f"PRAGMA threads={_SORT_THREADS}")
                    if _has_tables(connection):
                        _into_wal(connection)
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


def _run(connection: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


def _into_wal(connection: sqlite3.Connection) -> None:
    """The write-ahead log, in which readers never wait for a writer. A reader of the new
    ledger at this moment keeps it from switching: the next write switches then."""
    with contextlib.suppress(sqlite3.OperationalError):
        connection.execute("PRAGMA journal_mode=WAL")


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


# The columns of an entry: its place, what the indexes and the counting queries read, its line;
# `at` is a claim's place in the timeline (`query.order_key`) and then in the ledger, as one
# string (the position in thirteen digits), which min() and max() and ORDER BY take as the pair.
# In the order `_rows` gives them.
_INSERTED = (
    "position line at id kind metric source as_of refers reported logged_at unit point".split()
)
# Those an older file may lack (ALTER TABLE adds them, then they are filled from the lines).
_ADDED_COLUMNS = ("reported", "logged_at", "unit", "at", "point")


def _keep_derived_rule(connection: sqlite3.Connection) -> None:
    connection.execute("INSERT OR REPLACE INTO header VALUES ('derived', ?)", (derived_rule(),))


def _rows(lines: Iterable[NewLine], first: int) -> Iterator[tuple[Any, ...]]:
    """Each line's row, in the order of `_INSERTED`."""
    kept = SqliteStore.kept
    for position, (line, made) in enumerate(lines, first):
        key, *columns = made if made is not None else kept(orjson.loads(line))
        at = f"{key}{1000000000000 + position}" if key is not None else None
        yield position, line.decode("utf-8"), at, *columns


def _has_indexes(connection: sqlite3.Connection) -> bool:
    """Whether the ledger has every index (one an earlier osintlog wrote gains them with its
    next write)."""
    have = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    return set(re.findall(r"EXISTS (\w+) ON", _TABLES + _INDEXES)) <= have


def _missing_columns(connection: sqlite3.Connection) -> list[str]:
    have = {row[1] for row in connection.execute("PRAGMA table_info(entries)")}
    return [name for name in _ADDED_COLUMNS if name not in have]


def _add_columns(connection: sqlite3.Connection) -> None:
    """Give a ledger an earlier osintlog wrote the columns it lacks, filled from its lines."""
    missing = _missing_columns(connection)
    for name in missing:
        # point is a number: no type, so that SQLite keeps it one
        connection.execute(
            f"ALTER TABLE entries ADD COLUMN {name}{'' if name == 'point' else ' TEXT'}"
        )
    if missing:
        for name, made in (("order_key", order_key), ("point_of", views.point)):
            connection.create_function(
                name, 1, lambda line, made=made: made(orjson.loads(line)), deterministic=True
            )
        connection.execute(
            "UPDATE entries SET reported = json_extract(line, '$.reported'), "
            "logged_at = json_extract(line, '$.logged_at'), unit = json_extract(line, '$.unit'), "
            "at = order_key(line) || (1000000000000 + position), point = point_of(line) "
            "WHERE kind = 'claim'"
        )
        _keep_derived_rule(connection)
