"""Charts of a metric over time, one series per source: in the terminal through plotext, as a
PNG or SVG through matplotlib (the optional `plot` extra). The same marker for each kind of
figure in both, with a key; axis labels are plain numbers with the metric's unit."""

from __future__ import annotations

from collections.abc import Sequence

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
    """A terminal chart through plotext: one series per source, ranges drawn as spans."""
    from datetime import datetime

    import plotext

    figure = plotext.figure
    figure.clear()
    plotext.terminal.limit(False, False)
    figure.plot_size(max(40, min(width, 160)), 20)
    figure.theme("simple" if colour else "colorless")
    figure.date("x").activate(form="%Y-%m-%d")
    unit = axis_label(series)
    figure.title(printable(f"{metric} ({unit})" if unit else metric))
    ticks = value_ticks(series)
    if ticks:
        figure.ruler("y").ticks(ticks, [format_number(tick) for tick in ticks])
        figure.ruler("y").lim(ticks[0], ticks[-1])
    for index, one in enumerate(series):
        pixel = plotext.pixel(SERIES_COLOURS[index % len(SERIES_COLOURS)])
        for start, low, _point, high, _qualifier in one.points:
            if _has_span((start, low, _point, high, _qualifier)):
                day = datetime.fromisoformat(start)
                span = figure.segment(
                    [day, day], [low, high], marker=plotext.marker("│", pixel=pixel)
                )
                figure.draw(span)
        known = [p for p in one.points if p[2] is not None]
        days = [datetime.fromisoformat(p[0]) for p in known]
        values = [p[2] for p in known]
        # Each source's connecting line has a character of its own, so that the chart reads
        # without colour too; the legend goes under the chart, where it hides no point.
        trace = SERIES_TRACES[index % len(SERIES_TRACES)]
        line = figure.signal(days, values, marker=plotext.marker(trace, pixel=pixel))
        line.lines()
        figure.draw(line)
        markers = [plotext.marker(KINDS.get(p[4], KINDS["exact"])[0], pixel=pixel) for p in known]
        figure.draw(figure.signal(days, values, marker=markers))
    legend = "   ".join(
        f"{SERIES_TRACES[index % len(SERIES_TRACES)]} {printable(one.source)}"
        for index, one in enumerate(series)
    )
    return figure.build().string(colorless=not colour).rstrip("\n") + "\n" + legend


def save_chart_image(metric: str, series: Sequence[ChartSeries], path: str) -> None:
    """The same chart as a PNG or SVG, through matplotlib (the optional `plot` extra)."""
    from datetime import date

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    figure, axes = pyplot.subplots(figsize=(10, 5))
    for one in series:
        known = [p for p in one.points if p[2] is not None]
        days = [date.fromisoformat(p[0]) for p in known]
        (line,) = axes.plot(days, [p[2] for p in known], label=_image_label(one.source))
        colour = line.get_color()
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
