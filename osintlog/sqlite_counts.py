"""What the SQLite store counts in queries for the views: the active claims read by an index,
each claim's place in the timeline, the claims the groups point to (`groups.Claims`), the
series' points and their rises and falls, and the same points read on a second connection
while the groups are counted on the first."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from osintlog import views
from osintlog.fields import ACTIVE, RETRACTED, SUPERSEDED
from osintlog.periods import after_report, alike_steps, rises_and_falls
from osintlog.query import ORDER_RULE


def timeline_at(text: str) -> tuple[str, int]:
    """A claim's `at` column as the pair it stands for: its timeline key, its position."""
    return text[:-13], int(text[-13:]) - 1000000000000


def active_claims(index: str) -> str:
    """The active claims (no amendment or retraction refers to them), read by `index`."""
    return (
        f"FROM entries INDEXED BY {index} WHERE kind = 'claim' "
        "AND id NOT IN (SELECT refers FROM entries WHERE refers IS NOT NULL)"
    )


# A point as text that reads back as the same number: a whole number as it is, any other with the
# 17 digits that give back the same double (SQLite's own text would round it to 15).
_POINT_TEXT = "CASE typeof(point) WHEN 'real' THEN printf('%!.17g', point) ELSE point END"
# Each series' points in timeline order, as one text: the GROUP BY is the order of the index SQLite
# walks, so it sorts nothing and group_concat takes each group's rows in that order (a test holds
# the query plan to that).
# With each series, whether a claim of it may be a plan (its place in the timeline lies after its
# report's first day: `at` holds both), which the index answers too.
SERIES_POINTS = (
    f"SELECT source, metric, group_concat({_POINT_TEXT}), max(substr(at, 1, 10) > "
    f"substr(at, 11, 10)) {active_claims('claims_in_time')} "
    "AND point IS NOT NULL GROUP BY source, metric"
)
# The series with a span among their claims' as-ofs ("since October"), whose rises and falls are
# taken between figures that count alike: read by the index of as-ofs, and rare.
SPANNED_SERIES = (
    "SELECT DISTINCT source, metric FROM entries INDEXED BY entries_as_of "
    "WHERE instr(as_of, '/') > 0 AND kind = 'claim'"
)


class StoredClaims:
    """`groups.Claims` of a SQLite ledger, read on the connection (and in the transaction)
    that counted them."""

    def __init__(
        self, connection: sqlite3.Connection | None, points: PointsRead | None = None
    ) -> None:
        self.connection = connection
        self.points = points

    def at(self, positions: Collection[int]) -> dict[int, dict[str, Any]]:
        wanted, found = sorted(positions), {}
        for start in range(0, len(wanted), 500):  # SQLite takes some hundreds of parameters
            chunk = wanted[start : start + 500]
            found.update(
                (position, orjson.loads(line))
                for position, line in self._rows(
                    "SELECT position, line FROM entries "
                    f"WHERE position IN ({', '.join('?' for _ in chunk)})",
                    chunk,
                )
            )
        return found

    def counts(self) -> tuple[int, dict[str, int]]:
        changed = "SELECT refers FROM entries WHERE refers IS NOT NULL AND kind"
        retracted, superseded = f"{changed} = 'retraction'", f"{changed} = 'claim'"
        counted = self._rows(
            "SELECT (SELECT count(*) FROM entries), "
            "(SELECT count(*) FROM entries WHERE kind = 'claim'), "
            f"(SELECT count(*) FROM entries WHERE kind = 'claim' AND id IN ({retracted})), "
            f"(SELECT count(*) FROM entries WHERE kind = 'claim' AND id IN ({superseded}) "
            f"AND id NOT IN ({retracted}))",
            [],
        )
        entries, claims, gone, replaced = counted[0] if counted else (0, 0, 0, 0)
        return entries, {ACTIVE: claims - gone - replaced, SUPERSEDED: replaced, RETRACTED: gone}

    def series(self, metric: str, sources: Collection[str]) -> list[dict[str, Any]]:
        names = sorted(sources)
        return [
            orjson.loads(line)
            for _, line in self._rows(
                f"SELECT position, line {active_claims('claims_counted')} "
                f"AND source IN ({', '.join('?' for _ in names)}) AND metric = ? "
                "ORDER BY at",
                [*names, metric],
            )
        ]

    def steps(
        self, series: Mapping[tuple[str, str], Collection[str]]
    ) -> dict[tuple[str, str], tuple[int, int]]:
        """Each series' rises and falls. A series of one source name and of dates alone is read
        as one row of points, joined by SQLite as it walks the index that holds them by source,
        metric and place in the timeline (in that order: no sorting, and no row per point); one
        of several names (an alias, a spelling alike), or with a span or a plan among its
        claims, as its rows, put in timeline order together: its counts' steps between those
        that count alike (`periods.alike_steps`), as `timeline.steps` takes them."""
        named = {
            (metric, name): (metric, key)
            for (metric, key), names in series.items()
            for name in names
        }
        merged = {name for name, names in series.items() if len(names) > 1}
        dated = {named.get((metric, source)) for source, metric in self._cursor(SPANNED_SERIES, [])}
        found = {name: (0, 0) for name in series}
        rows = self.points.rows() if self.points else None
        if rows is None:
            rows = self._cursor(SERIES_POINTS, [])
        rows = list(rows)
        dated.update(named[metric, source] for source, metric, _, planned in rows if planned)
        for source, metric, points, _ in rows:
            name = named[metric, source]
            if name not in merged and name not in dated:
                found[name] = rises_and_falls(orjson.loads(f"[{points}]"))
        for name, places in self._apart(merged - dated, series, named, dated=False).items():
            places.sort()  # by place: no two are alike
            found[name] = rises_and_falls([p for _, p in places])
        for name, places in self._apart(dated & found.keys(), series, named, dated=True).items():
            places.sort()
            counts = [(p, as_of) for _, p, as_of, day in places if not after_report(as_of, day)]
            found[name] = alike_steps([p for p, _ in counts], [as_of for _, as_of in counts])
        return found

    def _apart(
        self,
        apart: set[tuple[str, str]],
        series: Mapping[tuple[str, str], Collection[str]],
        named: Mapping[tuple[str, str], tuple[str, str]],
        dated: bool,
    ) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
        """The place and point of each claim of the series read row by row, with its as-of and
        report date if `dated` (which the index does not hold: read from each row)."""
        gathered: dict[tuple[str, str], list[tuple[Any, ...]]] = {name: [] for name in apart}
        sources = sorted({source for name in apart for source in series[name]})
        if not sources:
            return gathered
        columns = "at, point, as_of, reported" if dated else "at, point"
        for source, metric, *place in self._cursor(
            f"SELECT source, metric, {columns} {active_claims('claims_in_time')} "
            f"AND point IS NOT NULL AND source IN ({', '.join('?' for _ in sources)})",
            sources,
        ):
            if (name := named[metric, source]) in apart:
                gathered[name].append(tuple(place))
        return gathered

    def _cursor(self, query: str, parameters: list[Any]) -> Iterable[tuple[Any, ...]]:
        return () if self.connection is None else self.connection.execute(query, parameters)

    def _rows(self, query: str, parameters: list[Any]) -> list[tuple[Any, ...]]:
        if self.connection is None:
            return []
        return self.connection.execute(query, parameters).fetchall()


class PointsRead:
    """SERIES_POINTS read in a thread, on a connection of its own, while the groups are counted
    on the first: SQLite lets go of Python's lock while it walks an index, so the two walks take
    two cores (a fifth of `diff` alone, at a million claims). The rows count only if that
    connection saw the ledger the first one sees (`ledger_state`): else, or if it failed, they are
    read again on the first connection."""

    def __init__(self, path: Path, state: tuple[Any, ...]) -> None:
        self.path, self.state = path, state
        self.read: list[tuple[Any, ...]] | None = None
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            try:
                connection.execute("BEGIN")
                if ledger_state(connection) == self.state:
                    self.read = connection.execute(SERIES_POINTS).fetchall()
            finally:
                connection.close()

    def rows(self) -> list[tuple[Any, ...]] | None:
        self.thread.join()
        return self.read


def ledger_state(connection: sqlite3.Connection) -> tuple[Any, ...]:
    """What tells one state of a ledger from another, read in a transaction: entries are only
    ever appended, so the last one's position, and the rules its derived columns were made by
    (a write may make them anew)."""
    return (
        connection.execute("SELECT max(position) FROM entries").fetchone(),
        connection.execute("SELECT value FROM header WHERE key = 'derived'").fetchone(),
    )


def derived_rule() -> str:
    """The rules the `at` and `point` columns were made by (`query.ORDER_RULE`,
    `views.POINT_RULE`): a ledger whose columns other rules made is not counted by them."""
    return f"order {ORDER_RULE}; {views.POINT_RULE}"
