"""diff / compare / metrics / sources as plain data: rows computed from stored figures, no I/O."""

from __future__ import annotations

import difflib
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from osintlog.claims import Claim, fold_source, rating_text
from osintlog.errors import BadClaim, UnknownMetric
from osintlog.fields import FUTURE, row_of
from osintlog.figures import AT_LEAST, AT_MOST, VAGUE, Number, display_of
from osintlog.periods import period_end, period_start, timeline_day
from osintlog.query import claim_order

RULES = ("median", "lowest", "best-rated")
# A source stands out when its latest figure is more than this far from the consensus.
OUTLIER_DISTANCE = 0.5
POINT_RULE = (
    "compared: ≈ by its value, a range by its midpoint, ≤ ≥ by the bound, vague by its floor"
)


def point(claim: Mapping[str, Any]) -> Number | None:
    """The one number a view compares a claim by (see POINT_RULE)."""
    qualifier = claim["qualifier"]
    if qualifier == AT_MOST:
        return claim["high"]
    if qualifier in (AT_LEAST, VAGUE):
        return claim["low"]
    return claim["best"]


def claim_records(claims: Iterable[Claim], standing: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """Claims as `export` and the machine formats write them (claims.EXPORT_COLUMNS): their
    fields, then the rating the views use, the one number they compare, the first and last
    day of the as-of (the last as `dates.timeline_day` places it), and whether it is a plan."""
    for claim in claims:
        as_of = claim["as_of"]
        yield {
            **claim,
            "effective_rating": effective_rating(claim, standing),
            "point": point(claim),
            "as_of_start": period_start(as_of),
            "as_of_end": timeline_day(as_of, claim["reported"]),
            FUTURE: bool(claim.get(FUTURE)),
        }


def change_between(previous: Number | None, current: Number | None) -> tuple[Any, Any]:
    """(absolute change, change in % of the previous figure); None where it is not defined."""
    if previous is None or current is None:
        return None, None
    change = _tidy(current - previous)
    percent = round((current - previous) * 100 / previous, 1) if previous else None
    return change, percent


def _tidy(n: Number) -> Number:
    if isinstance(n, float):
        n = round(n, 6)
        return int(n) if n.is_integer() else n
    return n


def require_metric(claims: Sequence[Claim], metric: str) -> list[Claim]:
    """The claims of one metric; an unknown metric names the closest ones the ledger holds."""
    wanted = metric.strip().lower()
    chosen = [claim for claim in claims if claim["metric"] == wanted]
    if chosen:
        return chosen
    known = sorted({claim["metric"] for claim in claims})
    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
    close += [m for m in known if wanted and wanted in m and m not in close][: 3 - len(close)]
    hint = f"; closest: {', '.join(close)}" if close else ""
    if not known:
        hint = "; the ledger holds no claims yet"
    raise UnknownMetric(f'no claims for metric "{metric}"{hint} (see osintlog metrics)')


@dataclass
class TimelineRow:
    id: str
    as_of: str
    reported: str
    source: str
    value: str
    low: Number | None
    high: Number | None
    best: Number | None
    qualifier: str
    change: Number | None
    change_pct: float | None
    unit: str | None
    rating: str
    figure: str


def timeline(
    claims: Iterable[Claim], standing: Mapping[str, str] | None = None
) -> list[TimelineRow]:
    """One metric's claims in timeline order, each with its change from the claim before it."""
    rows = []
    previous: Number | None = None
    for index, claim in enumerate(sorted(claims, key=claim_order)):
        current = point(claim)
        change, percent = change_between(previous, current) if index else (None, None)
        rating = effective_rating(claim, standing or {})
        row = row_of(
            TimelineRow,
            claim,
            change=change,
            change_pct=percent,
            rating=rating,
            figure=display_of(claim),
        )
        rows.append(row)
        previous = current
    return rows


@dataclass
class MetricSummary:
    metric: str
    unit: str | None
    claims: int
    sources: int
    first_as_of: str
    first_value: str
    latest_as_of: str
    latest_value: str
    change: Number | None
    change_pct: float | None
    first_point: Number | None
    latest_point: Number | None
    first_figure: str
    latest_figure: str
    points: list[Number | None]


def summaries(claims: Iterable[Claim]) -> list[MetricSummary]:
    """Per metric: first and latest figure (in timeline order), the change, how many claims
    and sources."""
    by_metric: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_metric[claim["metric"]].append(claim)
    rows = []
    for metric in sorted(by_metric):
        ordered = sorted(by_metric[metric], key=claim_order)
        first, latest = ordered[0], ordered[-1]
        change, percent = change_between(point(first), point(latest))
        if first is latest:
            change, percent = None, None
        units = [claim["unit"] for claim in ordered if claim["unit"]]
        rows.append(
            MetricSummary(
                metric=metric,
                unit=max(set(units), key=units.count) if units else None,
                claims=len(ordered),
                sources=len({fold_source(claim["source"]) for claim in ordered}),
                first_as_of=first["as_of"],
                first_value=first["value"],
                latest_as_of=latest["as_of"],
                latest_value=latest["value"],
                change=change,
                change_pct=percent,
                first_point=point(first),
                latest_point=point(latest),
                first_figure=display_of(first),
                latest_figure=display_of(latest),
                points=[point(claim) for claim in ordered],
            )
        )
    return rows


@dataclass
class SourceRow:
    source: str
    claims: int
    first_as_of: str
    latest_as_of: str
    latest_id: str
    latest_value: str
    latest_low: Number | None
    latest_high: Number | None
    latest_best: Number | None
    min: Number | None
    max: Number | None
    rating: str
    outlier: bool
    latest_qualifier: str
    latest_point: Number | None
    distance_pct: float | None
    latest_figure: str


@dataclass
class Comparison:
    metric: str
    at: str | None
    rule: str
    consensus: Number | None
    spread: float | None
    rows: list[SourceRow]

    @property
    def outliers(self) -> list[str]:
        return [row.source for row in self.rows if row.outlier]

    def records(self) -> list[dict[str, Any]]:
        """Rows for machine formats: each source's row with the comparison's footer values."""
        footer = {"consensus": self.consensus, "rule": self.rule, "spread": self.spread}
        return [{**asdict(row), **footer} for row in self.rows]


def compare(
    claims: Iterable[Claim],
    metric: str,
    rule: str = "median",
    at: str | None = None,
    standing: Mapping[str, str] | None = None,
) -> Comparison:
    """Do the sources agree? Each source's latest claim (in timeline order, up to `at`), the
    consensus of their latest figures under `rule`, the spread (max / min) and the sources far
    from it."""
    if rule not in RULES:
        raise BadClaim(f'"{rule}" is not a rule; use one of {", ".join(RULES)}')
    standing = standing or {}
    by_source: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if at is None or timeline_day(claim["as_of"], claim["reported"]) <= period_end(at):
            by_source[fold_source(claim["source"])].append(claim)
    rows = [_source_row(sorted(group, key=claim_order), standing) for group in by_source.values()]
    rows.sort(key=lambda row: (row.latest_point is None, row.latest_point or 0, row.source))
    consensus = _consensus(rows, rule)
    latest_points = [row.latest_point for row in rows if row.latest_point is not None]
    spread = None
    if latest_points and min(latest_points) > 0:
        spread = round(max(latest_points) / min(latest_points), 2)
    for row in rows:
        if consensus and row.latest_point is not None:
            row.distance_pct = round((row.latest_point - consensus) * 100 / consensus, 1)
            row.outlier = abs(row.latest_point - consensus) > OUTLIER_DISTANCE * consensus
    return Comparison(metric, at, rule, consensus, spread, rows)


def source_name(ordered: Sequence[Claim]) -> str:
    """How a source is shown: the spelling its claims use most, the earliest on a tie."""
    spellings = [claim["source"] for claim in ordered]
    return max(spellings, key=lambda name: (spellings.count(name), -spellings.index(name)))


def _source_row(ordered: list[Claim], standing: Mapping[str, str]) -> SourceRow:
    latest = ordered[-1]
    points = [p for p in (point(claim) for claim in ordered) if p is not None]
    return SourceRow(
        source=source_name(ordered),
        claims=len(ordered),
        first_as_of=ordered[0]["as_of"],
        latest_as_of=latest["as_of"],
        latest_id=latest["id"],
        latest_value=latest["value"],
        latest_low=latest["low"],
        latest_high=latest["high"],
        latest_best=latest["best"],
        min=min(points) if points else None,
        max=max(points) if points else None,
        rating=effective_rating(latest, standing),
        outlier=False,
        latest_qualifier=latest["qualifier"],
        latest_point=point(latest),
        distance_pct=None,
        latest_figure=display_of(latest),
    )


def _consensus(rows: list[SourceRow], rule: str) -> Number | None:
    candidates = [row for row in rows if row.latest_point is not None]
    if not candidates:
        return None
    if rule == "lowest":
        return min(row.latest_point for row in candidates)  # type: ignore[type-var]
    if rule == "best-rated":
        best = min(rating_rank(row.rating) for row in candidates)
        candidates = [row for row in candidates if rating_rank(row.rating) == best]
    return _tidy(statistics.median(row.latest_point for row in candidates))  # type: ignore[misc]


def rating_rank(rating: str) -> tuple[str, str]:
    """Sort key of an Admiralty rating: A1 first; a missing half counts as not judged (F, 6)."""
    letter = rating[:1] if rating[:1].isalpha() else "F"
    digit = rating[-1:] if rating[-1:].isdigit() else "6"
    return letter, digit


def effective_rating(claim: Mapping[str, Any], standing: Mapping[str, str]) -> str:
    """The claim's own rating; a missing reliability is inherited from its source's standing."""
    reliability = claim["reliability"] or standing.get(fold_source(claim["source"]))
    return rating_text(reliability, claim["credibility"])


@dataclass
class SourceSummary:
    source: str
    claims: int
    metrics: int
    rating: str | None
    first_reported: str
    latest_reported: str


def source_summaries(
    claims: Iterable[Claim], standing: Mapping[str, str] | None = None
) -> list[SourceSummary]:
    """Per source (names folded by case and spacing): its claims, metrics, standing rating and
    the span of the reports it was read in."""
    standing = standing or {}
    by_source: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_source[fold_source(claim["source"])].append(claim)
    rows = []
    for key, group in by_source.items():
        by_reported = sorted(group, key=lambda claim: period_start(claim["reported"]))
        rows.append(
            SourceSummary(
                source=source_name(sorted(group, key=claim_order)),
                claims=len(group),
                metrics=len({claim["metric"] for claim in group}),
                rating=standing.get(key),
                first_reported=by_reported[0]["reported"],
                latest_reported=by_reported[-1]["reported"],
            )
        )
    rows.sort(key=lambda row: (-row.claims, row.source.casefold()))
    return rows


@dataclass
class ChartSeries:
    source: str
    points: list[tuple[str, Number | None, Number | None, Number | None, str]]


def chart_series(claims: Iterable[Claim]) -> list[ChartSeries]:
    """One series per source: (timeline day, low, point, high, qualifier) in timeline order."""
    by_source: dict[str, list[Claim]] = defaultdict(list)
    for claim in sorted(claims, key=claim_order):
        by_source[fold_source(claim["source"])].append(claim)
    return [
        ChartSeries(
            source_name(group),
            [
                (
                    timeline_day(c["as_of"], c["reported"]),
                    c["low"],
                    point(c),
                    c["high"],
                    c["qualifier"],
                )
                for c in group
            ],
        )
        for group in by_source.values()
    ]


# The columns of each view in the machine formats, in order; they only ever gain columns.
DIFF_COLUMNS = (
    "id as_of reported source value low high best qualifier change change_pct unit rating"
).split()
SUMMARY_COLUMNS = (
    "metric unit claims sources first_as_of first_value latest_as_of latest_value change "
    "change_pct first_point latest_point"
).split()
COMPARE_COLUMNS = (
    "source claims first_as_of latest_as_of latest_id latest_value latest_low latest_high "
    "latest_best min max rating outlier latest_point distance_pct consensus rule spread"
).split()
METRICS_COLUMNS = "metric unit claims sources first_as_of latest_as_of latest_value".split()
SOURCES_COLUMNS = "source claims metrics rating first_reported latest_reported".split()


def records(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Dataclass rows as plain dicts, for the machine formats."""
    return [asdict(row) for row in rows]
