"""Small inline SVG charts (no JavaScript, no CDN); every label is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bar_chart", "line_chart"]

_W = 640


def line_chart(points: Sequence[tuple[str, float]], *, title: str, y_max: float = 1.0) -> str:
    """A line over ``points`` (label, value 0..y_max), first and last label on the axis."""
    h, pad = 220, 40
    if not points:
        return f'<p class="empty">{escape(title)}: no dated conversations.</p>'
    n = len(points)
    step = (_W - 2 * pad) / max(n - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad + i * step, h - pad - (min(max(v, 0.0), y_max) / y_max) * (h - 2 * pad)

    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(lbl)}: {v:.2f}</title></circle>'
        for (x, y), (lbl, v) in zip(coords, points, strict=True)
    )
    grid = "".join(
        f'<line x1="{pad}" x2="{_W - pad}" y1="{xy(0, g)[1]:.1f}" y2="{xy(0, g)[1]:.1f}" class="grid"/>'
        f'<text x="{pad - 6}" y="{xy(0, g)[1] + 4:.1f}" text-anchor="end">{g:.1f}</text>'
        for g in (0.0, y_max / 2, y_max)
    )
    first, last = escape(points[0][0]), escape(points[-1][0])
    return (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {_W} {h}" class="chart">'
        f"<title>{escape(title)}</title>{grid}"
        f'<polyline points="{path}" class="line"/>{dots}'
        f'<text x="{pad}" y="{h - 12}">{first}</text>'
        f'<text x="{_W - pad}" y="{h - 12}" text-anchor="end">{last}</text></svg>'
    )


def bar_chart(bars: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> str:
    """Horizontal bars, largest first as given; the value is written at the end of each bar."""
    if not bars:
        return f'<p class="empty">{escape(title)}: nothing to show.</p>'
    row, label_w = 26, 230
    h = row * len(bars) + 10
    top = max(v for _, v in bars) or 1.0
    body = []
    for i, (label, v) in enumerate(bars):
        y = 5 + i * row
        w = (v / top) * (_W - label_w - 70)
        short = label if len(label) <= 34 else label[:33] + "…"
        body.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" class="bar">'
            f"<title>{escape(label)}: {v:g}{escape(unit)}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}">{v:g}{escape(unit)}</text>'
        )
    return (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {_W} {h}" class="chart">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )
