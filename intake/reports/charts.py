"""Charts drawn on the server as SVG: no script, no CDN, and they print.

This module does the arithmetic only: where each bar, gridline and label goes and which number it
prints, as plain values. ``templates/supervision/_charts.html`` draws them, so markup and
escaping stay in Jinja. Series are told apart by pattern (solid, hatched) and by direct labels,
never by colour alone; every bar carries its number. The page shows the same numbers as a table
next to each chart.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How a series is filled; the second series is hatched so that it reads in black and white.
SOLID, HATCHED = "solid", "hatched"
_PATTERNS = (SOLID, HATCHED)

#: Above this many columns their numbers would overlap; the tooltips and the table keep them.
_MAX_PRINTED_COLUMNS = 26


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class Tick:
    """A gridline across the plot at height ``y``, its value printed at the left edge."""

    y: float
    label: str


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    pattern: str
    tooltip: str  # "Tiếp nhận · 03/26: 12", also what a screen reader announces
    value: str | None  # printed above the column; None when there are too many to print


@dataclass(frozen=True)
class Slot:
    """One label's place on the axis: its columns side by side, the label centred below."""

    centre: float
    label: str
    columns: list[Column]


@dataclass(frozen=True)
class LegendEntry:
    x: int
    y: int  # the text's baseline; the swatch sits beside it
    pattern: str
    name: str


@dataclass(frozen=True)
class ColumnChart:
    id: str
    title: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: int  # y of the axis line, the bottom of every column
    label_y: int  # baseline of the labels under the axis
    ticks: list[Tick]
    slots: list[Slot]
    legend: list[LegendEntry]


@dataclass(frozen=True)
class Bar:
    y: int  # top of the bar's row
    label: str
    short_label: str  # what fits on the left; the whole label is the tooltip
    width: float
    value: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    width: int
    height: int
    label_width: int  # bars start here, labels end just before
    bar_height: int
    bars: list[Bar]


def _nice_max(value: float) -> float:
    """A round top for the axis at or above ``value``: 4, 8, 12, 16, 20, 40, 60, 80 or 100
    times a power of ten, so that the four intervals fall on whole numbers."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    # Multiples of 4 (the axis has four intervals) so that every tick is a whole number.
    for step in (4, 8, 12, 16, 20, 40, 60, 80, 100):
        top = step * max(magnitude // 10, 1)
        if value <= top:
            return top
    return 100 * max(magnitude // 10, 1)


def plain_number(value: float) -> str:
    """The default formatter (tests, no request): 1234.5 → "1234.5". Pages pass the reader's
    locale formatter instead (1.234,5 in Vietnamese)."""
    return f"{value:g}"


_format = plain_number


def _number(value: float, percent: bool, fmt=None) -> str:
    fmt = fmt or _format
    if percent:
        return f"{fmt(round(value * 100))}%"
    return fmt(value)


def column_chart(
    chart_id: str,
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    percent: bool = False,
    fmt=None,
) -> ColumnChart:
    """Vertical bars per label, one bar per series side by side (at most two series)."""
    width, height = 620, 300
    left, right, top, bottom = 52, 8, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    top_value = 1.0 if percent else _nice_max(max(values, default=0))
    ticks = [
        Tick(top + plot_h - plot_h * i / 4, _number(top_value * i / 4, percent, fmt))
        for i in range(5)
    ]
    slot_w = plot_w / max(len(labels), 1)
    bar_w = min(34.0, slot_w * 0.8 / max(len(series), 1))
    printed = len(labels) * len(series) <= _MAX_PRINTED_COLUMNS
    slots = []
    for index, label in enumerate(labels):
        x0 = left + slot_w * index + (slot_w - bar_w * len(series)) / 2
        columns = []
        for k, s in enumerate(series):
            value = s.values[index]
            if value is None:
                continue
            h = plot_h * value / top_value if top_value else 0
            shown = _number(value, percent, fmt)
            columns.append(
                Column(
                    x=x0 + k * bar_w,
                    y=top + plot_h - h,
                    width=bar_w - 2,
                    height=h,
                    pattern=_PATTERNS[k % 2],
                    tooltip=f"{s.name} · {label}: {shown}",
                    value=shown if printed else None,
                )
            )
        slots.append(Slot(left + slot_w * index + slot_w / 2, label, columns))
    return ColumnChart(
        id=chart_id,
        title=title,
        width=width,
        height=height,
        plot_left=left,
        plot_right=width - right,
        baseline=top + plot_h,
        label_y=height - bottom + 18,
        ticks=ticks,
        slots=slots,
        legend=_legend(series, left, 18) if len(series) > 1 else [],
    )


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, float]], *, fmt=None) -> BarChart:
    """Horizontal bars, one per row, the label on the left and the number at the bar's end."""
    row_h, label_w, width = 28, 330, 700
    top_value = _nice_max(max((v for _, v in rows), default=0))
    plot_w = width - label_w - 70
    bars = [
        Bar(
            y=6 + index * row_h,
            label=label,
            short_label=label if len(label) <= 44 else label[:42] + "…",
            width=plot_w * value / top_value if top_value else 0,
            value=_number(value, False, fmt),
        )
        for index, (label, value) in enumerate(rows)
    ]
    return BarChart(
        id=chart_id,
        title=title,
        width=width,
        height=max(row_h * len(rows) + 12, 40),
        label_width=label_w,
        bar_height=row_h - 8,
        bars=bars,
    )


def _legend(series: list[Series], x: int, y: int) -> list[LegendEntry]:
    entries = []
    for k, s in enumerate(series):
        entries.append(LegendEntry(x, y, _PATTERNS[k % 2], s.name))
        x += 30 + 8 * len(s.name)
    return entries
