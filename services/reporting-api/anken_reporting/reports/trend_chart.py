"""The daily trend as an inline SVG (calls as bars, appointments as a line on their own scale),
so the printed report needs no script and no external image."""

from __future__ import annotations

from html import escape

from anken_reporting.reports import formatting as fmt
from anken_reporting.reports.schemas import DailyPoint

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 16, 36
CALLS_COLOUR, APPOINTMENTS_COLOUR = "#9fb8d9", "#d9480f"


def _nice_max(value: int) -> int:
    """A round axis maximum at or above `value` (1, 2, 5 × 10ⁿ)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def trend_svg(points: list[DailyPoint], title: str = "日別推移") -> str:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    calls_max = _nice_max(max((p.calls for p in points), default=0))
    appointments_max = _nice_max(max((p.appointments for p in points), default=0))
    slot = plot_w / max(len(points), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="trend-chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#888"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="10">{calls_max:,}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="10">0</text>',
        f'<text x="{LEFT + plot_w + 6}" y="{TOP + 4}" font-size="10" fill="{APPOINTMENTS_COLOUR}">{appointments_max}</text>',
    ]
    line_points = []
    for index, point in enumerate(points):
        x = LEFT + slot * index
        bar_h = plot_h * point.calls / calls_max
        parts.append(
            f'<rect x="{x + slot * 0.2:.1f}" y="{TOP + plot_h - bar_h:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{bar_h:.1f}" fill="{CALLS_COLOUR}"><title>{fmt.day_label(point.day)} 架電 {point.calls:,}</title></rect>'
        )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="10">'
            f"{escape(fmt.day_label(point.day))}</text>"
        )
        line_points.append((x + slot / 2, TOP + plot_h - plot_h * point.appointments / appointments_max, point))
    if line_points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in line_points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{APPOINTMENTS_COLOUR}" stroke-width="2"/>')
        for x, y, point in line_points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{APPOINTMENTS_COLOUR}">'
                f"<title>{fmt.day_label(point.day)} アポ {point.appointments}</title></circle>"
            )
    parts.append(
        f'<g font-size="10"><rect x="{LEFT}" y="{HEIGHT - 12}" width="10" height="8" fill="{CALLS_COLOUR}"/>'
        f'<text x="{LEFT + 14}" y="{HEIGHT - 4}">架電数</text>'
        f'<rect x="{LEFT + 70}" y="{HEIGHT - 12}" width="10" height="8" fill="{APPOINTMENTS_COLOUR}"/>'
        f'<text x="{LEFT + 84}" y="{HEIGHT - 4}">アポ数（右軸）</text></g>'
    )
    parts.append("</svg>")
    return "".join(parts)
