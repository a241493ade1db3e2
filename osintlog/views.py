"""What every view shares — the one number a claim is compared by, changes, ratings, a source's
shown name, the metrics a name or glob selects — and the lists: metrics, sources, chart series.
Plain rows computed from stored figures, no I/O (diff is `timeline`, compare `comparison`)."""

from __future__ import annotations

import difflib
import fnmatch
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from osintlog.claims import Claim, fold_source, rating_text
from osintlog.declarations import Declarations
from osintlog.errors import UnknownMetric
from osintlog.fields import FIELDS, FUTURE
from osintlog.figures import AT_LEAST, AT_MOST, VAGUE, Number, display_of
from osintlog.groups import ClaimGroups, Claims, Group, series_by_source
from osintlog.periods import (
    changed_from,
    is_plan,
    of_one_period,
    period_start,
    timeline_day,
)
from osintlog.query import claim_order

if TYPE_CHECKING:
    from datetime import timedelta

    from osintlog import comparison

# Points of a metric's sparkline (`metrics`): a longer series is resampled to this many.
SPARKLINE_WIDTH = 16
POINT_RULE = (
    "compared: ≈ by its value, a range by its midpoint, ≤ ≥ by the bound, vague by its floor"
)


@dataclass
class Seen:
    """What the views read from one snapshot: the active claims as they see them, the sources'
    standing ratings, the declarations."""

    claims: list[Claim]
    standing: dict[str, str]
    declared: Declarations

    def kinds(self) -> dict[str, str]:
        return {m: d.kind for m, d in self.declared.metrics.items() if d.kind}

    def max_age(self, metric: str, given: str | timedelta | None) -> comparison.MaxAge | None:
        """The max age given, else a per-period metric's period, else none."""
        from osintlog import comparison

        if given is not None:
            return comparison.MaxAge.parse(given)
        period = self.declared.period(metric)
        return comparison.MaxAge.of_period(period) if period else None


def point(claim: Mapping[str, Any]) -> Number | None:
    """The one number a view compares a claim by (see POINT_RULE)."""
    qualifier = claim["qualifier"]
    if qualifier == AT_MOST:
        return claim["high"]
    if qualifier in (AT_LEAST, VAGUE):
        return claim["low"]
    return claim["best"]


def change_point(claim: Mapping[str, Any]) -> Number | None:
    """The number a change is taken to or from: the point, but none for a vague figure ("several
    hundred" to "about 1,200" is no rise of 1,100%, nor "about 1,200" to "thousands" a fall)."""
    return None if claim["qualifier"] == VAGUE else point(claim)


def claim_records(claims: Iterable[Claim], standing: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """Claims as `export` and the machine formats write them (fields.EXPORT_COLUMNS, in that
    order, and no other key): their fields, then the rating the views use, the one number they
    compare, the first and last day of the as-of (the last as `dates.timeline_day` places it),
    and whether it is a plan."""
    for claim in claims:
        as_of = claim["as_of"]
        yield {
            **{name: claim.get(name) for name in FIELDS},
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
    change = tidy(current - previous)
    percent = round((current - previous) * 100 / previous, 1) if previous else None
    return change, percent


def tidy(n: Number) -> Number:
    """A computed number as a figure: rounding noise gone, whole floats as ints."""
    if isinstance(n, float):
        n = round(n, 6)
        return int(n) if n.is_integer() else n
    return n


def select_metrics(claims: Sequence[Claim], metric: str) -> list[Claim]:
    """The claims of a metric, or of every metric a glob matches (`russia.*`); a name or glob
    that matches none is refused, naming the closest metrics the ledger holds."""
    wanted = metric.strip().lower()
    if any(char in wanted for char in "*?["):
        chosen = [claim for claim in claims if fnmatch.fnmatchcase(claim["metric"], wanted)]
    else:
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


class SourceNames:
    """How each source is shown: of the spellings its claims use (names that differ only by
    case or spacing are one source), the most used, the first logged on a tie. Linear in
    claims, and the same whatever order they come in."""

    def __init__(
        self, claims: Iterable[Claim] = (), counted: Iterable[tuple[str, int, str]] = ()
    ) -> None:
        """From the claims, or from `counted`: spellings, each with a count of claims and the
        earliest logged_at of them (a spelling may come more than once)."""
        seen: dict[str, dict[str, list[Any]]] = defaultdict(dict)
        for claim in claims:
            spelling = seen[fold_source(claim["source"])].setdefault(
                claim["source"], [0, claim["logged_at"]]
            )
            spelling[0] += 1
            spelling[1] = min(spelling[1], claim["logged_at"])
        for name, count, logged in counted:
            spelling = seen[fold_source(name)].setdefault(name, [0, logged])
            spelling[0] += count
            spelling[1] = min(spelling[1], logged)
        self.names = {
            key: min(spellings, key=lambda name: (-spellings[name][0], spellings[name][1]))
            for key, spellings in seen.items()
        }

    def shown(self, source: str) -> str:
        return self.names[fold_source(source)]


def common_unit(claims: Iterable[Claim]) -> str | None:
    """The unit most of the claims give (the first seen on a tie), None if none gives one."""
    units = Counter(claim["unit"] for claim in claims if claim["unit"])
    return units.most_common(1)[0][0] if units else None


def resampled(points: Sequence[Number | None], width: int) -> list[Number | None]:
    """At most `width` points: a longer series cut into `width` equal stretches, each
    stretch's last point."""
    if len(points) <= width:
        return list(points)
    return [points[(index + 1) * len(points) // width - 1] for index in range(width)]


@dataclass
class MetricSummary:
    metric: str
    unit: str | None
    kind: str | None
    claims: int
    sources: int
    first_as_of: str
    latest_as_of: str
    latest_value: str
    latest_source: str
    latest_point: Number | None
    latest_figure: str
    # The main series (the source with the most claims), resampled to SPARKLINE_WIDTH points.
    sparkline: list[Number | None]
    sparkline_source: str
    # As declared (`metrics describe`).
    period: str | None = None
    note: str | None = None


def metric_summaries(
    claims: Iterable[Claim], declared: Declarations, units: Mapping[str, str]
) -> list[MetricSummary]:
    """Per metric: its claims and sources, first and latest as-of, the latest claim and who
    made it, and the course of its main source (one source: never a zigzag between two). Of a
    per-period metric, the latest claim and the course are of its figures of one period."""
    by_metric: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_metric[claim["metric"]].append(claim)
    names = SourceNames(claim for group in by_metric.values() for claim in group)
    rows = []
    for metric in sorted(by_metric):
        ordered = sorted(by_metric[metric], key=claim_order)
        by_source: dict[str, list[Claim]] = defaultdict(list)
        for claim in ordered:
            by_source[fold_source(claim["source"])].append(claim)
        main = max(by_source.values(), key=lambda series: (len(series), claim_order(series[-1])))
        period = declared.period(metric)
        main = course(of_one_period(main, period) or main, period)
        latest = _counts(of_one_period(ordered, period) or ordered)[-1]
        rows.append(
            MetricSummary(
                metric=metric,
                unit=units.get(metric),
                kind=declared.kind(metric),
                claims=len(ordered),
                sources=len(by_source),
                first_as_of=ordered[0]["as_of"],
                latest_as_of=latest["as_of"],
                latest_value=latest["value"],
                latest_source=names.shown(latest["source"]),
                latest_point=point(latest),
                latest_figure=display_of(latest),
                sparkline=resampled([point(claim) for claim in main], SPARKLINE_WIDTH),
                sparkline_source=names.shown(main[0]["source"]),
                period=period,
                note=declared.metrics[metric].note if metric in declared.metrics else None,
            )
        )
    return rows


def _counted_names(
    by_metric: Mapping[str, list[tuple[str, str, Group]]], declared: Declarations
) -> SourceNames:
    """The sources' names as shown, from their groups. SourceNames breaks a tie of count and
    time by the order it is given the spellings in: metric by metric (each where its first
    claim is), claim by claim."""
    in_order = sorted(by_metric.values(), key=lambda items: items[0][2].seen)
    return SourceNames(
        counted=(
            (declared.canonical_name(source), group.claims, group.logged)
            for items in in_order
            for source, _, group in items
        )
    )


def counted_metric_summaries(
    groups: ClaimGroups, claims: Claims, declared: Declarations
) -> list[MetricSummary]:
    """`metric_summaries` of the active claims, from their groups and the few whole claims
    they point to, as a store counts them (`groups`), the unit worked out as `metric_units`
    does."""
    by_metric: dict[str, list[tuple[str, str, Group]]] = defaultdict(list)
    for (metric, source, unit), group in groups.by_metric.items():
        by_metric[metric].append((source, unit, group))
    for metric_groups in by_metric.values():
        metric_groups.sort(key=lambda item: item[2].seen)
    names = _counted_names(by_metric, declared)
    ends = {
        metric: (
            min(group.first for _, _, group in items),
            max(group.last for _, _, group in items),
        )
        for metric, items in by_metric.items()
    }
    shown = claims.at({at[1] for first, last in ends.values() for at in (first, last)})
    rows = []
    every_series = series_by_source(groups, declared)
    for metric in sorted(by_metric):
        items = by_metric[metric]
        # the first of two main sources alike: the one whose first claim comes first
        by_source = sorted(every_series[metric].values(), key=lambda series: series.first)
        main = max(by_source, key=lambda series: (series.claims, series.last[0]))
        first, latest = (shown[at[1]] for at in ends[metric])
        if is_plan(latest):  # rare: read the metric's claims to find its latest count
            spellings = {name for series in by_source for name in series.names}
            latest = _counts(claims.series(metric, spellings))[-1]
        main_course = course(claims.series(metric, main.names), declared.period(metric))
        points = [point(claim) for claim in main_course]
        rows.append(
            MetricSummary(
                metric=metric,
                unit=_unit(metric, items, declared),
                kind=declared.kind(metric),
                claims=sum(group.claims for _, _, group in items),
                sources=len(by_source),
                first_as_of=first["as_of"],
                latest_as_of=latest["as_of"],
                latest_value=latest["value"],
                latest_source=names.shown(declared.canonical_name(latest["source"])),
                latest_point=point(latest),
                latest_figure=display_of(latest),
                sparkline=resampled(points, SPARKLINE_WIDTH),
                sparkline_source=names.names[main.key],
                period=declared.period(metric),
                note=declared.metrics[metric].note if metric in declared.metrics else None,
            )
        )
    return rows


def _counts(claims: list[Claim]) -> list[Claim]:
    """The claims that are counts (a plan or forecast is none: `periods.is_plan`), in their
    order; all of them if none is."""
    return [claim for claim in claims if not is_plan(claim)] or claims


def course(series: list[Claim], period: str | None) -> list[Claim]:
    """The figures of one source's series that lead to its latest count: from it back, each
    figure its change is taken from in `diff` (`periods.changed_from`). A metric's trend and a
    source's range over time are of these, so that a total "since October" or a forecast amid
    running counts makes no dip, spike or low end."""
    counts = _counts(series)
    before = changed_from(counts, period)
    place: int | None = len(counts) - 1
    found = []
    while place is not None:
        found.append(counts[place])
        place = before[place]
    return found[::-1]


def _unit(metric: str, items: list[tuple[str, str, Group]], declared: Declarations) -> str | None:
    """The metric's unit: declared, else that of its first claim that gives one."""
    if metric in declared.metrics and declared.metrics[metric].unit:
        return declared.metrics[metric].unit
    given = [(group.seen, unit) for _, unit, group in items if unit]
    return min(given)[1] if given else None


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
    aliases: list[str]
    claims: int
    metrics: int
    rating: str | None
    first_reported: str
    latest_reported: str


def source_summaries(
    claims: Iterable[Claim], standing: Mapping[str, str], declared: Declarations
) -> list[SourceSummary]:
    """Per source (names folded by case and spacing, aliases with the source they stand for):
    its other names, claims, metrics, standing rating and the span of its reports."""
    claims = list(claims)
    names = SourceNames(declared.canonical(claims))
    by_source: dict[str, list[Claim]] = defaultdict(list)
    spellings: dict[str, set[str]] = defaultdict(set)
    for claim in claims:
        key = declared.key(claim["source"])
        by_source[key].append(claim)
        spellings[key].add(claim["source"])
    rows = []
    for key, group in by_source.items():
        reported = [period_start(claim["reported"]) for claim in group]
        first = group[reported.index(min(reported))]
        latest = group[len(reported) - 1 - reported[::-1].index(max(reported))]
        shown = names.names[key]
        rows.append(
            SourceSummary(
                source=shown,
                aliases=_aliases(spellings[key], shown),
                claims=len(group),
                metrics=len({claim["metric"] for claim in group}),
                rating=standing.get(key),
                first_reported=first["reported"],
                latest_reported=latest["reported"],
            )
        )
    rows.sort(key=lambda row: (-row.claims, row.source.casefold()))
    return rows


def counted_source_summaries(
    groups: ClaimGroups, standing: Mapping[str, str], declared: Declarations
) -> list[SourceSummary]:
    """`source_summaries` of the active claims, from their groups as a store counts them
    (`groups`): the first report is the earliest by when it starts (the first logged of those
    alike), the latest the last (the last logged)."""
    # A spelling's first claim in the ledger decides a tie its count and time leave (claims an
    # import logged at one moment).
    first_of: dict[str, int] = {}
    for (_, source, _), group in groups.by_metric.items():
        first_of[source] = min(first_of.get(source, group.seen), group.seen)
    in_order = sorted(groups.by_metric.items(), key=lambda item: first_of[item[0][1]])
    names = SourceNames(
        counted=(
            (declared.canonical_name(source), group.claims, group.logged)
            for (_, source, _), group in in_order
        )
    )
    claims: Counter[str] = Counter()
    metrics: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, set[str]] = defaultdict(set)
    for (metric, source, _), group in groups.by_metric.items():
        key = declared.key(source)
        claims[key] += group.claims
        metrics[key].add(metric)
        spellings[key].add(source)
    first: dict[str, tuple[str, int, str]] = {}  # key -> (day it starts, position, reported)
    latest: dict[str, tuple[str, int, str]] = {}
    seen_at: dict[str, int] = {}  # key -> the position of its first claim
    for (source, reported), (first_at, last_at) in groups.by_report.items():
        key, start = declared.key(source), period_start(reported)
        seen_at[key] = min(seen_at.get(key, first_at), first_at)
        if key not in first or (start, first_at) < first[key][:2]:
            first[key] = (start, first_at, reported)
        if key not in latest or (start, last_at) > latest[key][:2]:
            latest[key] = (start, last_at, reported)
    rows = []
    for key in sorted(seen_at, key=seen_at.__getitem__):
        shown = names.names[key]
        rows.append(
            SourceSummary(
                source=shown,
                aliases=_aliases(spellings[key], shown),
                claims=claims[key],
                metrics=len(metrics[key]),
                rating=standing.get(key),
                first_reported=first[key][2],
                latest_reported=latest[key][2],
            )
        )
    rows.sort(key=lambda row: (-row.claims, row.source.casefold()))
    return rows


def _aliases(spellings: set[str], shown: str) -> list[str]:
    """A source's other names, by case-folded name, then as written: the same in every run."""
    others = {name for name in spellings if fold_source(name) != fold_source(shown)}
    return sorted(others, key=lambda name: (name.casefold(), name))


@dataclass
class ChartSeries:
    source: str
    points: list[tuple[str, Number | None, Number | None, Number | None, str]]
    unit: str | None = None
    # The places in `points` that each connecting line joins, in order: a line joins a figure
    # to the one its change is taken from in `diff` (`periods.changed_from`), so that a total
    # "since October" or a forecast does not pull a running count to it and back.
    lines: list[list[int]] = field(default_factory=list)
    # Of a per-period metric, the source's figures that cover more than the period (totals of
    # several): not drawn.
    left_out: int = 0


def chart_series(
    claims: Iterable[Claim], periods: Mapping[str, str] | None = None
) -> list[ChartSeries]:
    """One series per source: (timeline day, low, point, high, qualifier) in timeline order,
    and its lines. Of a per-period metric (`periods`), the figures of one period only."""
    ordered = sorted(claims, key=claim_order)
    names = SourceNames(ordered)
    unit = common_unit(ordered)
    by_source: dict[str, list[Claim]] = defaultdict(list)
    for claim in ordered:
        by_source[fold_source(claim["source"])].append(claim)
    series = []
    for key, group in by_source.items():
        period = (periods or {}).get(group[0]["metric"])
        drawn = of_one_period(group, period)
        points = [
            (timeline_day(c["as_of"], c["reported"]), c["low"], point(c), c["high"], c["qualifier"])
            for c in drawn
        ]
        lines = _chart_lines(drawn, period)
        series.append(ChartSeries(names.names[key], points, unit, lines, len(group) - len(drawn)))
    return series


def _chart_lines(claims: Sequence[Claim], period: str | None) -> list[list[int]]:
    """The places each line joins, each figure to the one its change is taken from in `diff`
    (`periods.changed_from`: plans among plans). A figure with no point (vague, no floor) is
    not joined."""
    known = [place for place, claim in enumerate(claims) if point(claim) is not None]
    before = changed_from([claims[place] for place in known], period)
    lines: list[list[int]] = []
    ends: dict[int, list[int]] = {}  # the line that ends at a place
    for index, earlier in enumerate(before):
        line = ends.pop(earlier, None) if earlier is not None else None
        if line is None:
            line = [] if earlier is None else [known[earlier]]
            lines.append(line)
        line.append(known[index])
        ends[index] = line
    return lines


# The columns of each view in the machine formats, in order; they only ever gain columns.
METRICS_COLUMNS = (
    "metric unit kind claims sources first_as_of latest_as_of latest_value latest_source "
    "latest_point period note"
).split()
SOURCES_COLUMNS = "source aliases claims metrics rating first_reported latest_reported".split()


def records(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Dataclass rows (of plain values, lists of them at most) as plain dicts, for the machine
    formats: field by field, where `asdict` would deep-copy every value (a second of `diff`'s
    ten thousand rows at a million claims)."""
    return [{field.name: getattr(row, field.name) for field in fields(row)} for row in rows]
