"""diff: how a figure changed. Each claim is set against the **same source's** previous claim —
a difference between two sources is never a change over time; a long series is rolled up to one
claim per source and period; without a metric, the change of each metric per source.

Of a per-period metric, a figure whose as-of covers more than the period (June's total of a
per-day metric) is another quantity: shown, but no change is taken to or from it. Of another
metric, a change is taken only between figures that count alike (`periods.counts_alike`): a
total "since October" among a source's counts to a date is shown with no change, and the next
count to a date is set against the count before it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from osintlog.claims import Claim, fold_source
from osintlog.fields import row_of
from osintlog.figures import Number, display_of
from osintlog.groups import series_by_source
from osintlog.periods import (
    alike_steps,
    changed_from,
    counts_alike,
    days_between,
    is_plan,
    of_one_period,
    only_counts_to_a_date,
    period_label,
    rises_and_falls,
    timeline_day,
    within_period,
)
from osintlog.query import claim_order
from osintlog.views import (
    SourceNames,
    change_between,
    change_point,
    common_unit,
    effective_rating,
    point,
)

if TYPE_CHECKING:
    from osintlog.declarations import Declarations
    from osintlog.groups import ClaimGroups, Claims, SourceSeries

# A metric is read as cumulative (a running count that should never fall) when, over at least
# this many changes within its sources, falls are at most FALLS_TOLERATED of them.
CUMULATIVE_EVIDENCE = 3
FALLS_TOLERATED = 0.1

DIFF_COLUMNS = (
    "id as_of reported source value low high best qualifier change change_pct unit rating "
    "metric period previous_id falls longer_than_period other_span future change_days"
).split()
CHANGES_COLUMNS = (
    "metric unit source claims first_as_of first_value latest_as_of latest_value change "
    "change_pct first_point latest_point falls other_span"
).split()


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
    metric: str
    # The roll-up period this claim stands for (diff --every), else None.
    period: str | None
    # The same source's claim the change is taken from.
    previous_id: str | None
    # The figure fell from the same source's previous one, in a cumulative metric.
    falls: bool
    # Of a per-period metric, the figure covers more than the period: no change to or from it.
    longer_than_period: bool
    # The source's figures before it count another span (`periods.counts_alike`): no change.
    other_span: bool = False
    # A plan or forecast (`periods.is_plan`): its change is from the source's plan before it.
    future: bool = False
    # The days the change spans: from the previous claim's place in the timeline to this one's
    # (a change of +635 after a silence of 196 days is no week's change).
    change_days: int | None = None


def by_metric_and_source(claims: Iterable[Claim]) -> dict[str, dict[str, list[Claim]]]:
    """Claims grouped by metric (in name order), then by source (folded; in the order of each
    source's first claim), each group in timeline order."""
    groups: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    folded: dict[str, str] = {}  # a ledger names a few hundred sources in 100,000 claims
    for claim in claims:
        source = claim["source"]
        key = folded.get(source) or folded.setdefault(source, fold_source(source))
        groups[claim["metric"], key].append(claim)
    for group in groups.values():
        group.sort(key=claim_order)
    by_metric: dict[str, dict[str, list[Claim]]] = defaultdict(dict)
    for (metric, source), group in sorted(groups.items(), key=lambda g: claim_order(g[1][0])):
        by_metric[metric][source] = group
    return {metric: by_metric[metric] for metric in sorted(by_metric)}


def latest_per_period(series: Sequence[Claim], every: str) -> list[tuple[str, Claim]]:
    """One source's series (in timeline order) rolled up: its latest count in each period, and
    its latest plan or forecast in each (a plan for Sunday does not hide the week's count), in
    timeline order."""
    latest: dict[tuple[str, bool], Claim] = {}
    for claim in series:
        latest[_label(claim, every), is_plan(claim)] = claim
    rolled = [(label, claim) for (label, _), claim in latest.items()]
    return sorted(rolled, key=lambda pair: claim_order(pair[1]))


def steps(series: Sequence[Claim]) -> tuple[int, int]:
    """How often one source's counts rose and how often they fell, claim to claim (from the
    latest before that counts alike: `periods.alike_steps`); its plans and forecasts are no
    counts, and a vague figure says neither (`change_point`)."""
    if only_counts_to_a_date(series):  # as nearly every series: claim to claim
        return rises_and_falls([p for p in map(change_point, series) if p is not None])
    known = [
        (p, claim["as_of"])
        for claim in series
        if (p := change_point(claim)) is not None and not is_plan(claim)
    ]
    return alike_steps([p for p, _ in known], [as_of for _, as_of in known])


def reads_as_cumulative(counted: Iterable[tuple[int, int]]) -> bool:
    """Whether a metric's sources count up as a running total does, from their `steps`:
    enough changes within sources, and falls among them rare (see CUMULATIVE_EVIDENCE). Used
    until a metric's kind is declared."""
    rises = falls = 0
    for up, down in counted:
        rises, falls = rises + up, falls + down
    return rises + falls >= CUMULATIVE_EVIDENCE and falls <= FALLS_TOLERATED * (rises + falls)


def is_cumulative(
    metric: str, kinds: Mapping[str, str] | None, counted: Iterable[tuple[int, int]]
) -> bool:
    """Whether a metric is a running count: as declared (`metrics describe --kind`), else as
    its sources' rises and falls read (`reads_as_cumulative`)."""
    declared = (kinds or {}).get(metric)
    return declared == "cumulative" if declared else reads_as_cumulative(counted)


def timeline(
    claims: Iterable[Claim],
    standing: Mapping[str, str],
    every: str | None = None,
    shown: Callable[[Claim], bool] | None = None,
    kinds: Mapping[str, str] | None = None,
    periods: Mapping[str, str] | None = None,
) -> list[TimelineRow]:
    """The metrics' claims in timeline order (metric by metric), each with its change from the
    same source's previous claim — or, with `every`, each source's latest claim per period,
    with the change from its previous period. Only the claims `shown` takes are rows, but a
    change is taken from the claim before, shown or not (the window of `--since`); all are
    rows when `shown` is None. A per-period metric's figures that cover more than its period
    (`periods`: each such metric's) are rows of their own, outside the chain of changes."""
    claims = list(claims)
    names = SourceNames(claims)
    rows = []
    for metric, sources in by_metric_and_source(claims).items():
        cumulative = is_cumulative(metric, kinds, map(steps, sources.values()))
        period = (periods or {}).get(metric)
        metric_rows = []
        for series in sources.values():
            chained = of_one_period(series, period)
            by_period = latest_per_period(chained, every) if every else [(None, c) for c in chained]
            rolled = [claim for _, claim in by_period]
            before = changed_from(rolled, period)
            plans = [False] * len(rolled) if only_counts_to_a_date(rolled) else map(is_plan, rolled)
            kinds_met: set[bool] = set()  # counts, plans: whether one of each came before
            for place, ((label, claim), plan) in enumerate(zip(by_period, plans, strict=True)):
                if shown is None or shown(claim):
                    previous = None if before[place] is None else by_period[before[place]][1]
                    row = _row(claim, previous, standing, cumulative, names, label)
                    row.other_span = previous is None and plan in kinds_met
                    row.future = plan
                    metric_rows.append((claim_order(claim), row))
                kinds_met.add(plan)
            longer = len(chained) < len(series)  # as nearly never: none outside the chain
            outside = [c for c in series if not within_period(c["as_of"], period)] if longer else []
            for label, claim in _longer_per_period(outside, every):
                if shown is None or shown(claim):
                    row = _row(claim, None, standing, False, names, label, longer_than_period=True)
                    row.future = is_plan(claim)
                    metric_rows.append((claim_order(claim), row))
        metric_rows.sort(key=lambda pair: pair[0])
        rows += [row for _, row in metric_rows]
    return rows


def _longer_per_period(
    series: Sequence[Claim], every: str | None
) -> list[tuple[str | None, Claim]]:
    """A per-period metric's figures of one source that cover more than its period, each a row
    of its own; with `every`, the latest of those that count alike (a week's totals, a month's)
    in each period, a plan apart from a count."""
    if not every:
        return [(None, claim) for claim in series]
    kept: dict[tuple[str, bool], list[Claim]] = defaultdict(list)
    for claim in series:
        alike = kept[_label(claim, every), is_plan(claim)]
        same = (i for i, c in enumerate(alike) if counts_alike(c["as_of"], claim["as_of"]))
        place = next(same, None)
        if place is None:
            alike.append(claim)
        else:
            alike[place] = claim
    rolled = [(label, claim) for (label, _), alike in kept.items() for claim in alike]
    return sorted(rolled, key=lambda pair: claim_order(pair[1]))


def _label(claim: Claim, every: str) -> str:
    return period_label(timeline_day(claim["as_of"], claim["reported"]), every)


def _row(
    claim: Claim,
    previous: Claim | None,
    standing: Mapping[str, str],
    cumulative: bool,
    names: SourceNames,
    period: str | None,
    longer_than_period: bool = False,
) -> TimelineRow:
    before = change_point(previous) if previous else None
    change, percent = change_between(before, change_point(claim))
    return row_of(
        TimelineRow,
        claim,
        source=names.shown(claim["source"]),
        change=change,
        change_pct=percent,
        rating=effective_rating(claim, standing),
        figure=display_of(claim),
        period=period,
        previous_id=previous["id"] if previous else None,
        falls=cumulative and change is not None and change < 0,
        longer_than_period=longer_than_period,
        other_span=False,  # set by the caller, which sees the series
        future=False,
        change_days=_days_spanned(previous, claim) if change is not None else None,
    )


def _days_spanned(previous: Claim | None, claim: Claim) -> int | None:
    if previous is None:
        return None
    before = timeline_day(previous["as_of"], previous["reported"])
    return days_between(before, timeline_day(claim["as_of"], claim["reported"]))


@dataclass
class SourceChange:
    metric: str
    unit: str | None
    source: str
    claims: int
    first_as_of: str
    first_value: str
    latest_as_of: str
    latest_value: str
    change: Number | None
    change_pct: float | None
    first_point: Number | None
    latest_point: Number | None
    # A cumulative metric whose figures from this source fell at least once.
    falls: bool
    first_figure: str
    latest_figure: str
    # The first and latest figures count different spans (`periods.counts_alike`): no change.
    other_span: bool = False


def changes(
    claims: Iterable[Claim],
    shown: Callable[[Claim], bool] | None = None,
    kinds: Mapping[str, str] | None = None,
    periods: Mapping[str, str] | None = None,
) -> list[SourceChange]:
    """Per metric and source: its first and latest figure and the change between them. The
    first is the source's claim standing when the window opens (its latest before the claims
    `shown`), else its first in the window; `claims` counts those in the window. Of a
    per-period metric (`periods`), only its figures of one period are taken."""
    claims = list(claims)
    if periods:
        claims = [c for c in claims if within_period(c["as_of"], periods.get(c["metric"]))]
    names = SourceNames(claims)
    rows = []
    for metric, sources in by_metric_and_source(claims).items():
        counted = {source: steps(series) for source, series in sources.items()}
        cumulative = is_cumulative(metric, kinds, counted.values())
        unit = common_unit(claim for series in sources.values() for claim in series)
        for source, series in sources.items():
            if shown is None:
                inside = range(len(series))
            else:
                inside = [index for index, claim in enumerate(series) if shown(claim)]
            if not inside:
                continue
            first, latest = _first_and_latest(series, inside)
            row = _source_change(metric, first, latest, len(inside), names.shown(latest["source"]))
            if not (periods or {}).get(metric):  # a per-period metric's are of one period each
                _apart_if_unlike(row, first, latest)
            row.unit = unit
            row.falls = cumulative and counted[source][1] > 0
            rows.append(row)
    return rows


def source_changes(
    groups: ClaimGroups, claims: Claims, declared: Declarations
) -> list[SourceChange]:
    """`changes` of every active claim (no window), from their groups, each series' rises and
    falls (`Claims.steps`) and the few whole claims they point to (each metric and source's
    first and latest), as a store counts them (`groups`)."""
    kinds = {metric: d.kind for metric, d in declared.metrics.items() if d.kind}
    in_order = sorted(groups.by_metric.items(), key=lambda item: item[1].seen)
    names = SourceNames(
        counted=((declared.canonical_name(s), g.claims, g.logged) for (_, s, _), g in in_order)
    )
    # metric -> (source, unit) -> [claims, the first]
    units: dict[str, dict[tuple[str, str], list[Any]]] = defaultdict(dict)
    for (metric, source, unit), group in groups.by_metric.items():
        if unit:
            key = fold_source(declared.canonical_name(source))
            counted_unit = units[metric].setdefault((key, unit), [0, group.first])
            counted_unit[0] += group.claims
            counted_unit[1] = min(counted_unit[1], group.first)
    series = series_by_source(groups, declared)
    every = [run for by_source in series.values() for run in by_source.values()]
    counted = claims.steps(
        {(metric, key): run.names for metric, by in series.items() for key, run in by.items()}
    )
    shown = claims.at({at[1] for run in every for at in (run.first, run.last)})
    rows = []
    for metric in sorted(series):
        # its series in the order of their first claims (the first logged on a tie)
        runs = sorted(series[metric].values(), key=lambda run: (run.first[0], run.seen))
        cumulative = is_cumulative(metric, kinds, (counted[metric, run.key] for run in runs))
        unit = _common_unit(runs, units[metric])
        for run in runs:
            first, latest = shown[run.first[1]], shown[run.last[1]]
            if is_plan(first) or is_plan(latest):  # rare: read the series to pass them by
                every_claim = claims.series(metric, run.names)
                first, latest = _first_and_latest(every_claim, range(len(every_claim)))
            shown_as = names.shown(declared.canonical_name(latest["source"]))
            row = _source_change(metric, first, latest, run.claims, shown_as)
            _apart_if_unlike(row, first, latest)
            row.unit = unit
            row.falls = cumulative and counted[metric, run.key][1] > 0
            rows.append(row)
    return rows


def _common_unit(
    runs: list[SourceSeries], units: Mapping[tuple[str, str], list[Any]]
) -> str | None:
    """`views.common_unit` of a metric's claims taken series by series: the most given, the
    first met on a tie."""
    rank = {run.key: number for number, run in enumerate(runs)}
    total: Counter[str] = Counter()
    met: dict[str, tuple[int, tuple[str, int]]] = {}  # where each unit is first met
    for (key, unit), (count, first) in units.items():
        total[unit] += count
        met[unit] = min(met.get(unit, (rank[key], first)), (rank[key], first))
    return min(total, key=lambda unit: (-total[unit], met[unit])) if total else None


def _first_and_latest(series: Sequence[Claim], inside: Sequence[int]) -> tuple[Claim, Claim]:
    """A source's first and latest figure: of the claims at the places `inside` (a window),
    the latest, and the one standing when the window opens (the latest before it), else the
    first inside. Counts, where the window holds one: a plan or forecast is no count."""
    first, latest = series[max(inside[0] - 1, 0)], series[inside[-1]]
    if not is_plan(first) and not is_plan(latest):  # as nearly always
        return first, latest
    shown = set(inside)
    counts = [place for place, claim in enumerate(series) if not is_plan(claim)]
    if shown.isdisjoint(counts):
        counts = list(range(len(series)))
    before = [place for place in counts if place < inside[0]]
    within = [place for place in counts if place in shown]
    return series[before[-1] if before else within[0]], series[within[-1]]


def _apart_if_unlike(row: SourceChange, first: Claim, latest: Claim) -> None:
    """Drop the change of a source whose first and latest figures count different spans, and
    say so: "since October" is not the count to a date that came before it."""
    if not counts_alike(first["as_of"], latest["as_of"]):
        row.change = row.change_pct = None
        row.other_span = True


def _source_change(
    metric: str, first: Claim, latest: Claim, count: int, source: str
) -> SourceChange:
    change, percent = change_between(change_point(first), change_point(latest))
    if first is latest:
        change, percent = None, None
    return SourceChange(
        metric=metric,
        unit=None,
        source=source,
        claims=count,
        first_as_of=first["as_of"],
        first_value=first["value"],
        latest_as_of=latest["as_of"],
        latest_value=latest["value"],
        change=change,
        change_pct=percent,
        first_point=point(first),
        latest_point=point(latest),
        falls=False,
        first_figure=display_of(first),
        latest_figure=display_of(latest),
    )
