"""The lists of every metric and every source as they were first written: from every active
claim, in plain Python. The views now work them out from groups a store may count in queries
(`osintlog.groups`); a property test (test_sqlite_store.py) holds both stores to these."""

from __future__ import annotations

from collections import defaultdict

from osintlog.claims import fold_source
from osintlog.declarations import metric_units
from osintlog.ledger import Snapshot
from osintlog.periods import period_start
from osintlog.query import claim_order
from osintlog.views import (
    SPARKLINE_WIDTH,
    MetricSummary,
    SourceNames,
    SourceSummary,
    display_of,
    point,
    resampled,
)


def metric_summaries(snapshot: Snapshot) -> list[MetricSummary]:
    declared = snapshot.declarations()
    claims = declared.canonical(snapshot.active())
    units = metric_units(claims, declared)
    by_metric = defaultdict(list)
    for claim in claims:
        by_metric[claim["metric"]].append(claim)
    names = SourceNames(claim for group in by_metric.values() for claim in group)
    rows = []
    for metric in sorted(by_metric):
        ordered = sorted(by_metric[metric], key=claim_order)
        by_source = defaultdict(list)
        for claim in ordered:
            by_source[fold_source(claim["source"])].append(claim)
        main = max(by_source.values(), key=lambda series: (len(series), claim_order(series[-1])))
        latest = ordered[-1]
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
                period=declared.period(metric),
                note=declared.metrics[metric].note if metric in declared.metrics else None,
            )
        )
    return rows


def source_summaries(snapshot: Snapshot) -> list[SourceSummary]:
    declared, claims = snapshot.declarations(), snapshot.active()
    standing = declared.standing()
    names = SourceNames(declared.canonical(claims))
    by_source = defaultdict(list)
    spellings = defaultdict(set)
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
                aliases=sorted(
                    {n for n in spellings[key] if fold_source(n) != fold_source(shown)},
                    key=lambda name: (name.casefold(), name),
                ),
                claims=len(group),
                metrics=len({claim["metric"] for claim in group}),
                rating=standing.get(key),
                first_reported=first["reported"],
                latest_reported=latest["reported"],
            )
        )
    rows.sort(key=lambda row: (-row.claims, row.source.casefold()))
    return rows
