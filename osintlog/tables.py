"""How the views look to a person: the tables of diff, compare, metrics and sources, each with
the notes a reader needs under it (how a change is taken, what is compared, what is stale)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from osintlog.claims import short_id
from osintlog.comparison import FAR_APART_DAYS, OUTLIER_DISTANCE, Comparison, SourceRow
from osintlog.figures import Number, format_number
from osintlog.periods import every_of
from osintlog.render import Column, Grid, percent, signed
from osintlog.timeline import SourceChange, TimelineRow
from osintlog.views import POINT_RULE, MetricSummary, SourceSummary

if TYPE_CHECKING:
    from osintlog.over_time import PeriodComparison

SPARKS = "▁▂▃▄▅▆▇█"
CHANGE_RULE = "change from the same source's previous claim, never from another source's"
FALLS_NOTE = "↓ a cumulative count fell (it should never fall: a correction, or an error)"
LONGER_NOTE = (
    "n/a: the figure covers more than the metric's period (a total of several): no change is "
    "taken to or from it"
)
OTHER_SPAN_NOTE = (
    "n/a: the figure counts another span than its source's figures before it (a total \"since "
    'October" among counts to a date): no change is taken between them'
)
PLAN_NOTE = (
    "plan: a plan or forecast (its as-of lies after its report): set only against the source's "
    "plans before it, never against what it counted"
)
VAGUE_NOTE = (
    'n/a: a vague figure ("several hundred", "thousands") has no value a change can be taken to or '
    "from"
)
OTHER_SPANS_NOTE = (
    'n/a: the first and latest figures count different spans (a total "since October" and a '
    "count to a date): no change is taken between them"
)


def timeline_tables(rows: Sequence[TimelineRow]) -> list[Grid]:
    """One table per metric: its claims in timeline order, each with its change."""
    return [_timeline_table(metric, list(group)) for metric, group in groupby(rows, _metric)]


def _metric(row: TimelineRow | SourceChange) -> str:
    return row.metric


def _timeline_table(metric: str, rows: list[TimelineRow]) -> Grid:
    every = rows[0].period is not None
    columns = [
        Column("id"),
        Column("period" if every else "as of"),
        Column("as of" if every else "reported", drop=1),
        Column("source", shrink=True),
        Column("figure", right=True),
        Column("change", right=True),
        Column("change %", right=True),
        Column("over", right=True, drop=3),
        Column("rating", drop=2),
    ]
    cells = [
        [
            short_id(row.id),
            row.period if every else row.as_of,
            row.as_of if every else row.reported,
            row.source,
            row.figure,
            _change_cell(row),
            percent(row.change_pct),
            "" if row.change_days is None else age_text(row.change_days),
            row.rating,
        ]
        for row in rows
    ]
    styles = [["", "", "", "", "", "red" if row.falls else "", "", "", ""] for row in rows]
    rule = "each source's latest claim per period; " + CHANGE_RULE if every else CHANGE_RULE
    notes = [f"{metric}: {rule}", POINT_RULE]
    if any(row.falls for row in rows):
        notes.append(FALLS_NOTE)
    if any(row.longer_than_period for row in rows):
        notes.append(LONGER_NOTE)
    if any(row.other_span for row in rows):
        notes.append(OTHER_SPAN_NOTE)
    if any(row.future for row in rows):
        notes.append(PLAN_NOTE)
    if any(_vague_change(row) for row in rows):
        notes.append(VAGUE_NOTE)
    return Grid(columns, cells, styles, notes=tuple(notes))


def _change_cell(row: TimelineRow) -> str:
    if row.longer_than_period or row.other_span or _vague_change(row):
        return "n/a"
    if row.future and row.change is None:
        return "plan"
    return signed(row.change) + (" ↓" if row.falls else "") + (" plan" if row.future else "")


def _vague_change(row: TimelineRow) -> bool:
    """Whether no change was taken from the claim before because one of the two is vague."""
    return row.previous_id is not None and row.change is None and not row.future


def changes_table(rows: Sequence[SourceChange]) -> Grid:
    """Every metric's change, per source."""
    columns = [
        Column("metric"),
        Column("source", shrink=True),
        Column("claims", right=True),
        Column("first", shrink=True),
        Column("latest", shrink=True),
        Column("change", right=True),
        Column("change %", right=True),
        Column(""),
    ]
    cells = [
        [
            row.metric,
            row.source,
            str(row.claims),
            f"{row.first_figure} ({row.first_as_of})",
            f"{row.latest_figure} ({row.latest_as_of})",
            "n/a" if row.other_span or _vague_ends(row) else signed(row.change),
            percent(row.change_pct),
            "↓ fell" if row.falls else "",
        ]
        for row in rows
    ]
    notes = [
        "change from each source's first figure (the one standing when --since opens) to its "
        "latest; sources are never set against each other here",
        POINT_RULE,
    ]
    if any(row.falls for row in rows):
        notes.append(FALLS_NOTE)
    if any(row.other_span for row in rows):
        notes.append(OTHER_SPANS_NOTE)
    if any(_vague_ends(row) for row in rows):
        notes.append(VAGUE_NOTE)
    return Grid(columns, cells, notes=tuple(notes))


def _vague_ends(row: SourceChange) -> bool:
    """Whether no change was taken from the first figure to the latest, one of them vague."""
    return row.claims > 1 and row.change is None and not row.other_span


def distance_style(distance: float | None, stale: bool) -> str:
    """Green near the consensus, yellow further, red where the source stands out; dim stale."""
    if stale:
        return "dim"
    if distance is None:
        return ""
    return "green" if abs(distance) <= 10 else "yellow" if abs(distance) <= 50 else "red"


def comparison_tables(comparisons: Sequence[Comparison]) -> list[Grid]:
    return [comparison_table(one) for one in comparisons if one.rows]


def comparison_table(comparison: Comparison) -> Grid:
    columns = [
        Column("source", shrink=True),
        Column("claims", right=True),
        Column("latest as of"),
        Column("age", right=True),
        Column("figure", right=True),
        Column("vs consensus", right=True),
        Column("range over time", drop=1),
        Column("rating", drop=2),
    ]
    cells, styles = [], []
    for row in comparison.rows:
        left_out = row.stale or row.longer_than_period or row.other_span
        style = distance_style(row.distance_pct, left_out)
        cells.append(
            [
                row.source,
                str(row.claims),
                row.latest_as_of,
                age_text(row.age_days) + _why_left_out(row, comparison.period),
                row.latest_figure,
                percent(row.distance_pct),
                _span(row.min, row.max),
                row.rating,
            ]
        )
        styles.append(["", "", "", "dim" if left_out else "", style, style, "", ""])
    return Grid(columns, cells, styles, notes=comparison_notes(comparison))


def _why_left_out(row: SourceRow, period: str | None) -> str:
    if row.longer_than_period:
        return f" not a {period}'s"
    if row.other_span:
        return " other span"
    return " stale" if row.stale else ""


def _taken_from(comparison: Comparison) -> str:
    """Whose figures a consensus under `lowest` or `best-rated` is taken from (the median's is
    every fresh source's)."""
    if comparison.rule == "median" or comparison.consensus is None:
        return ""
    rows = [row for row in comparison.rows if row.in_consensus]
    best = rows[0].rating
    rating = f" (rated {best})" if best else " (none rated)"
    rating = rating if comparison.rule == "best-rated" else ""
    return f", from {', '.join(row.source for row in rows)}{rating}"


def comparison_notes(comparison: Comparison) -> tuple[str, ...]:
    """The footer: the date, the consensus and how it is taken, the spread or the ratio, who
    stands out, what is stale or left out, and a warning when the figures may differ for
    another reason than disagreement (their dates lie far apart, say)."""
    return (
        *_consensus_notes(comparison),
        *_left_out_notes(comparison),
        *_warnings(comparison),
        POINT_RULE,
    )


def _consensus_notes(comparison: Comparison) -> list[str]:
    consensus = "none" if comparison.consensus is None else format_number(comparison.consensus)
    fresh = "fresh " if comparison.max_age else ""
    notes = [
        f"{comparison.metric} on {comparison.at}: each source's latest claim by then, and its age",
        f"consensus ({comparison.rule} of the {fresh}sources' latest figures): {consensus}"
        + _taken_from(comparison),
    ]
    ratio = comparison.ratio
    if ratio:
        notes.append(f"ratio: {ratio[0]} is {ratio[2]:g}× {ratio[1]}")
    elif comparison.spread is not None:
        notes.append(f"spread (highest / lowest {fresh}figure): {comparison.spread:g}×")
    if len(comparison.fresh) >= 3:
        standing_out = ", ".join(comparison.outliers) or "none"
        notes.append(
            f"stand out (more than {OUTLIER_DISTANCE:.0%} from the consensus): {standing_out}"
        )
    if comparison.max_age:
        stale = ", ".join(comparison.stale) or "none"
        notes.append(f"stale (latest figure older than {comparison.max_age}, left out): {stale}")
    else:
        notes.append("stale: none left out (no --max-age); the ages are above")
    return notes


def _left_out_notes(comparison: Comparison) -> list[str]:
    notes = []
    if comparison.longer_than_period:
        notes.append(
            f"not a {comparison.period}'s (each of its figures covers more than one "
            f"{comparison.period}, left out): {', '.join(comparison.longer_than_period)}"
        )
    if comparison.plans_left_out:
        notes.append(_plans_note(comparison.plans_left_out))
    if later := comparison.later_other_spans:
        notes.append(
            f"not compared: the later figures of another span of {', '.join(later)} (shown: "
            "each one's latest figure of the span compared; see diff)"
        )
    if totals := comparison.totals_left_out:
        notes.append(
            f"not compared: {totals} later figure{'s' if totals > 1 else ''} covering more than "
            f"one {comparison.period} (a total of several; see diff)"
        )
    return notes


def _warnings(comparison: Comparison) -> list[str]:
    notes = [
        f"warning: {one} and {other} give the same figure on all {dates} dates both report: "
        "one source under two names, or one relaying the other? (osintlog sources alias "
        f'"{other}" "{one}" makes them one)'
        for one, other, dates in comparison.echoes
    ]
    notes += [
        f'warning: "{short}" may be a short name for "{name}": one source under two names? '
        f'(osintlog sources alias "{short}" "{name}" makes them one)'
        for short, name in comparison.namesakes
    ]
    if comparison.other_spans:
        notes.append(
            "warning: the sources' figures cover spans of different lengths (see their as-of): "
            "a count over a span (since October) is not a count to a date; compared: those "
            "of the span most sources give (on a tie, the shortest); left out: "
            + ", ".join(comparison.other_spans)
        )
    if comparison.periods_differ:
        notes.append(
            f"warning: the figures compared are of different {comparison.period}s (see their "
            f"as-of): one {comparison.period}'s figure against another's is time, not "
            f"disagreement; without --max-age only one {comparison.period}'s are compared"
        )
    if comparison.far_apart:
        notes.append(
            f"warning: the figures compared are {comparison.as_of_gap_days} days apart in as-of "
            f"(more than {FAR_APART_DAYS}): a difference may be time, not disagreement; "
            "see their ages, or set --max-age"
        )
    return notes


def _plans_note(count: int) -> str:
    plans = "plan or forecast" if count == 1 else "plans and forecasts"
    return f"not compared: {count} {plans} (no count of what was; see diff)"


def age_text(days: int) -> str:
    """An age for a person: in days up to a year (0d, 116d), then in years (2.1y)."""
    return f"{days}d" if days < 365 else f"{days / 365:.1f}y"


def _span(low: Number | None, high: Number | None) -> str:
    if low is None or high is None:
        return ""
    if low == high:
        return format_number(low)
    return f"{format_number(low)}–{format_number(high)}"


def period_tables(periods: Sequence[PeriodComparison]) -> list[Grid]:
    return [period_table(one) for one in periods if one.rows]


def period_table(comparison: PeriodComparison) -> Grid:
    """One row per period, one column per source, and the ratios to the reference source."""
    others = [s for s in comparison.sources if s != comparison.against]
    columns = [Column("period")]
    columns += [Column(source, right=True) for source in comparison.sources]
    if comparison.against:
        columns += [Column(f"{s} ÷ {comparison.against}", right=True) for s in others]
    cells = []
    for row in comparison.rows:
        figures = [_number(row.figures[source]) for source in comparison.sources]
        ratios = [_ratio(row.ratios.get(s)) for s in others] if comparison.against else []
        cells.append([row.period, *figures, *ratios])
    age = comparison.max_age or f"the {comparison.every} itself"
    last = comparison.rows[-1] if comparison.rows else None
    running = f" ({last.period}, still running: on {last.at})" if last and last.running else ""
    notes = [
        f"{comparison.metric}: each source's latest figure at the end of each "
        f"{comparison.every}{running}, if no older than {age}; – none",
        POINT_RULE,
    ]
    if comparison.period:
        notes.insert(1, f"a figure covering more than one {comparison.period} is not compared")
    if comparison.plans_left_out:
        notes.append(_plans_note(comparison.plans_left_out))
    notes += _period_warnings(comparison)
    return Grid(columns, cells, notes=tuple(notes))


def _period_warnings(comparison: PeriodComparison) -> list[str]:
    """The periods whose figures are not set side by side, or only with a warning."""
    warnings = []
    if differ := [row.period for row in comparison.rows if row.spans_differ]:
        warnings.append(
            f"warning: in {_some(differ)} the figures count different spans (a count since a "
            "date against a count to a date: see their as-of); no ratio is taken between them"
        )
    differ = [row.period for row in comparison.rows if row.periods_differ]
    if differ and (period := comparison.period):
        warnings.append(
            f"warning: in {_some(differ)} the sources' latest figures are of different "
            f"{period}s: no ratio is taken between them (one {period}'s figure against "
            f"another's is time, not disagreement); --every {every_of(period)} sets each "
            f"{period}'s figures side by side"
        )
    far = [
        row.period
        for row in comparison.rows
        if not comparison.period and (row.as_of_gap_days or 0) > FAR_APART_DAYS
    ]
    if far:
        warnings.append(
            f"warning: in {_some(far)} the figures lie more than {FAR_APART_DAYS} days apart in "
            "as-of (as_of_gap_days): a difference may be time, not disagreement; set --max-age"
        )
    return warnings


def _some(periods: Sequence[str]) -> str:
    """Up to five periods by name, and how many more."""
    more = f" and {len(periods) - 5} more" if len(periods) > 5 else ""
    return ", ".join(periods[:5]) + more


def _number(value: Number | None) -> str:
    return "–" if value is None else format_number(value)


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def sparkline(points: Sequence[Number | None]) -> str:
    """Eight levels between the smallest and the largest figure; a gap where there is none."""
    known = [p for p in points if p is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    return "".join(
        " " if p is None else SPARKS[int((p - low) / span * 7) if span else 3] for p in points
    )


def metrics_table(rows: Sequence[MetricSummary]) -> Grid:
    columns = [
        Column("metric"),
        Column("unit", drop=2),
        Column("kind", drop=3),
        Column("claims", right=True),
        Column("sources", right=True),
        Column("first"),
        Column("latest"),
        Column("figure", right=True, shrink=True),
        Column("latest source", shrink=True, drop=1),
        Column("trend"),
    ]
    cells = [
        [
            row.metric,
            row.unit or "",
            row.kind or "",
            str(row.claims),
            str(row.sources),
            row.first_as_of,
            row.latest_as_of,
            row.latest_figure,
            row.latest_source,
            sparkline(row.sparkline),
        ]
        for row in rows
    ]
    note = "trend: the figures of the source with the most claims, oldest to latest"
    return Grid(columns, cells, notes=(note,), hide_empty=True)


def sources_table(rows: Sequence[SourceSummary]) -> Grid:
    columns = [
        Column("source", shrink=True),
        Column("also named", shrink=True),
        Column("claims", right=True),
        Column("metrics", right=True),
        Column("rating"),
        Column("first reported"),
        Column("latest reported"),
    ]
    cells = [
        [
            row.source,
            ", ".join(row.aliases),
            str(row.claims),
            str(row.metrics),
            row.rating or "",
            row.first_reported,
            row.latest_reported,
        ]
        for row in rows
    ]
    return Grid(columns, cells, hide_empty=True)
