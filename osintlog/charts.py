"""Charts of a metric over time, one series per source: in the terminal through plotext, as a
PNG or SVG through matplotlib (the optional `plot` extra). The same marker for each kind of
figure in both, with a key; axis labels are plain numbers with the metric's unit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from osintlog.figures import Number, format_number
from osintlog.shown import printable
from osintlog.views import ChartSeries

SERIES_COLOURS = ("blue", "red", "green", "magenta", "cyan", "yellow")
SERIES_TRACES = ("·", "-", "+", "x", "*", "~")
# Each kind of figure: its terminal marker, its matplotlib marker, and what it stands for.
KINDS = {
    "exact": ("●", "o", "exact"),
    "approx": ("○", "o", "about"),
    "range": ("◆", "D", "range midpoint"),
    "at-most": ("▼", "v", "at most"),
    "at-least": ("▲", "^", "at least"),
    "vague": ("?", "$?$", "vague floor"),
}
CHART_KEY = (
    "  ".join(f"{terminal} {meaning}" for terminal, _, meaning in KINDS.values())
    + "  │ a range's or vague figure's span"
)
Y_TICKS = 5


def value_ticks(series: Sequence[ChartSeries]) -> list[Number]:
    """Round values for the value axis, from the lowest figure (or bound) to the highest."""
    values = [v for one in series for p in one.points for v in (p[1], p[2], p[3]) if v is not None]
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:  # one value: a span around it, so that it sits mid-axis
        margin = max(1, abs(low) / 10)
        low, high = low - margin, high + margin
    raw = (high - low) / (Y_TICKS - 1)
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = (low // step) * step
    ticks = []
    tick = first
    while tick <= high + step / 2:
        ticks.append(int(tick) if float(tick).is_integer() else round(tick, 6))
        tick += step
    return ticks


def axis_label(series: Sequence[ChartSeries]) -> str:
    units = {one.unit for one in series if one.unit}
    return ", ".join(sorted(units))


def chart_text(metric: str, series: Sequence[ChartSeries], width: int, colour: bool) -> str:
    """A terminal chart through plotext: one series per source, ranges drawn as spans. Days are
    drawn as numbers, with a label on distinct days only, and the axis reaches past both ends."""
    import plotext

    series = [one for one in series if one.points]
    figure = plotext.figure
    figure.clear()
    plotext.terminal.limit(False, False)
    size = max(40, min(width, 160))
    figure.plot_size(size, 20)
    figure.theme("simple" if colour else "colorless")
    unit = axis_label(series)
    figure.title(printable(f"{metric} ({unit})" if unit else metric))
    ticks = value_ticks(series)
    if ticks:
        figure.ruler("y").ticks(ticks, [format_number(tick) for tick in ticks])
        figure.ruler("y").lim(ticks[0], ticks[-1])
    days = day_ticks([p[0] for one in series for p in one.points], size // 14)
    figure.ruler("x").ticks([_ordinal(day) for day in days], days)
    first, last = _ordinal(days[0]), _ordinal(days[-1])
    margin = max(0.5, (last - first) / 30)  # the first and last labels inside the frame
    figure.ruler("x").lim(first - margin, last + margin)
    for index, one in enumerate(series):
        pixel = plotext.pixel(SERIES_COLOURS[index % len(SERIES_COLOURS)])
        for point in one.points:
            if _has_span(point):
                day = _ordinal(point[0])
                span = figure.segment(
                    [day, day], [point[1], point[3]], marker=plotext.marker("│", pixel=pixel)
                )
                figure.draw(span)
        # Each source's connecting lines have a character of their own, so that the chart reads
        # without colour too; the legend goes under the chart, where it hides no point.
        trace = plotext.marker(SERIES_TRACES[index % len(SERIES_TRACES)], pixel=pixel)
        for places in one.lines:
            if len(places) > 1:
                joined = [one.points[place] for place in places]
                xs, ys = [_ordinal(p[0]) for p in joined], [p[2] for p in joined]
                line = figure.signal(xs, ys, marker=trace)
                line.lines()
                figure.draw(line)
        known = [p for p in one.points if p[2] is not None]
        markers = [plotext.marker(KINDS.get(p[4], KINDS["exact"])[0], pixel=pixel) for p in known]
        figure.draw(
            figure.signal([_ordinal(p[0]) for p in known], [p[2] for p in known], marker=markers)
        )
    legend = "   ".join(
        f"{SERIES_TRACES[index % len(SERIES_TRACES)]} {printable(one.source)}"
        for index, one in enumerate(series)
    )
    return figure.build().string(colorless=not colour).rstrip("\n") + "\n" + legend


def day_ticks(days: Sequence[str], most: int) -> list[str]:
    """Up to `most` distinct days (at least two) for the time axis, evenly spread from the
    first day drawn to the last."""
    first, last = _ordinal(min(days)), _ordinal(max(days))
    count = max(2, most)
    spread = sorted({round(first + (last - first) * step / (count - 1)) for step in range(count)})
    return [date.fromordinal(ordinal).isoformat() for ordinal in spread]


def _ordinal(day: str) -> int:
    return date.fromisoformat(day).toordinal()


def save_chart_image(metric: str, series: Sequence[ChartSeries], path: str) -> None:
    """The same chart as a PNG or SVG, through matplotlib (the optional `plot` extra)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.dates import DateFormatter
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    figure, axes = pyplot.subplots(figsize=(10, 5))
    for one in (one for one in series if one.points):
        known = [p for p in one.points if p[2] is not None]
        days = [date.fromisoformat(p[0]) for p in known]
        (line,) = axes.plot([], [], label=_image_label(one.source))
        colour = line.get_color()
        for places in one.lines:
            joined = [one.points[place] for place in places]
            xs = [date.fromisoformat(p[0]) for p in joined]
            axes.plot(xs, [p[2] for p in joined], color=colour)
        for kind, (_, marker, _) in KINDS.items():
            chosen = [(d, p[2]) for d, p in zip(days, known, strict=True) if p[4] == kind]
            if chosen:
                face = "none" if kind == "approx" else colour
                xs, ys = zip(*chosen, strict=True)
                axes.plot(
                    xs, ys, marker=marker, color=colour, markerfacecolor=face, linestyle="none"
                )
        spans = [(d, p[1], p[3]) for d, p in zip(days, known, strict=True) if _has_span(p)]
        if spans:
            xs, lows, highs = zip(*spans, strict=True)
            axes.vlines(xs, lows, highs, color=colour, alpha=0.6)
    axes.set_title(_image_label(metric))
    axes.set_ylabel(axis_label(series))
    if drawn := [p[0] for one in series for p in one.points]:
        axes.set_xticks([date.fromisoformat(day) for day in day_ticks(drawn, 8)])
        axes.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(_tidy(value))))
    kinds = [
        Line2D(
            [],
            [],
            color="grey",
            marker=marker,
            linestyle="none",
            label=meaning,
            markerfacecolor="none" if kind == "approx" else "grey",
        )
        for kind, (_, marker, meaning) in KINDS.items()
    ]
    first = axes.legend(loc="upper left")
    axes.add_artist(first)
    axes.legend(handles=kinds, loc="lower right", fontsize="small")
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.savefig(path)
    pyplot.close(figure)


def _image_label(text: str) -> str:
    """Text as matplotlib shows it as it is: `$` is not the start of a formula, and a label
    starting with `_` is not left out of the legend."""
    label = printable(text).replace("$", r"\$")
    return " " + label if label.startswith("_") else label


def _has_span(point: tuple[str, Number | None, Number | None, Number | None, str]) -> bool:
    return point[1] is not None and point[3] is not None and point[1] != point[3]


def _tidy(value: float) -> Number:
    return int(value) if float(value).is_integer() else round(value, 2)
