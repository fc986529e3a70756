"""Charts drawn on the server as SVG: no script, no CDN, and they print.

Series are told apart by pattern (solid, hatched) and by direct labels, never by colour alone;
every bar carries its number. The page shows the same numbers as a table next to each chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

_FONT = 'font-family="inherit" font-size="14"'
_DEFS = (
    "<defs>"
    '<pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#1d4f91" stroke-width="3"/></pattern>'
    "</defs>"
)
_FILLS = ("#1d4f91", "url(#{id}-hatch)")


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


def _svg(chart_id: str, width: int, height: int, title: str, body: list[str]) -> Markup:
    # Safe: every text that came from data went through escape() where the body was built.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-svg-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-svg-title">{escape(title)}</title>'
        + _DEFS.format(id=chart_id)
        + "".join(body)
        + "</svg>"
    )


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
) -> Markup:
    """Vertical bars per label, one bar per series side by side (at most two series)."""
    width, height = 620, 300
    left, right, top, bottom = 52, 8, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    top_value = 1.0 if percent else _nice_max(max(values, default=0))
    body = [_legend(chart_id, series, left, 18)] if len(series) > 1 else []
    for i in range(5):  # gridlines with their values
        y = top + plot_h - plot_h * i / 4
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                    'stroke="#d5dbe3"/>')  # fmt: skip
        tick = _number(top_value * i / 4, percent, fmt)
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT} '
                    f'fill="#4a5565">{tick}</text>')  # fmt: skip
    slot = plot_w / max(len(labels), 1)
    bar_w = min(34.0, slot * 0.8 / max(len(series), 1))
    for index, label in enumerate(labels):
        x0 = left + slot * index + (slot - bar_w * len(series)) / 2
        for k, s in enumerate(series):
            value = s.values[index]
            if value is None:
                continue
            h = plot_h * value / top_value if top_value else 0
            x, y = x0 + k * bar_w, top + plot_h - h
            fill = _FILLS[k % 2].format(id=chart_id)
            shown = _number(value, percent, fmt)
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                        f'fill="{fill}" stroke="#1d4f91"><title>{escape(s.name)} · '
                        f'{escape(label)}: {shown}</title></rect>')  # fmt: skip
            if len(labels) * len(series) <= 26:
                body.append(f'<text x="{x + bar_w / 2 - 1:.1f}" y="{y - 4:.1f}" '
                            f'text-anchor="middle" font-size="12" fill="#1f2937">'
                            f"{shown}</text>")  # fmt: skip
        centre = left + slot * index + slot / 2
        body.append(f'<text x="{centre:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                    f'{_FONT} fill="#1f2937">{escape(label)}</text>')  # fmt: skip
    body.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
                'stroke="#4a5565"/>')  # fmt: skip
    return _svg(chart_id, width, height, title, body)


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, float]], *, fmt=None) -> Markup:
    """Horizontal bars, one per row, the label on the left and the number at the bar's end."""
    row_h, label_w, width = 28, 330, 700
    height = max(row_h * len(rows) + 12, 40)
    top_value = _nice_max(max((v for _, v in rows), default=0))
    plot_w = width - label_w - 70
    body = []
    for index, (label, value) in enumerate(rows):
        y = 6 + index * row_h
        w = plot_w * value / top_value if top_value else 0
        short = label if len(label) <= 44 else label[:42] + "…"
        body.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" {_FONT} '
                    f'fill="#1f2937"><title>{escape(label)}</title>'
                    f"{escape(short)}</text>")  # fmt: skip
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                    'fill="#1d4f91"/>')  # fmt: skip
        body.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" {_FONT} fill="#1f2937">'
                    f"{_number(value, False, fmt)}</text>")  # fmt: skip
    return _svg(chart_id, width, height, title, body)


def _legend(chart_id: str, series: list[Series], x: int, y: int) -> str:
    parts = []
    for k, s in enumerate(series):
        fill = _FILLS[k % 2].format(id=chart_id)
        parts.append(f'<rect x="{x}" y="{y - 11}" width="14" height="14" fill="{fill}" '
                     f'stroke="#1d4f91"/><text x="{x + 20}" y="{y}" {_FONT} fill="#1f2937">'
                     f"{escape(s.name)}</text>")  # fmt: skip
        x += 30 + 8 * len(s.name)
    return "".join(parts)
