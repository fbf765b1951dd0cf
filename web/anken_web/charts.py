"""Server-rendered SVG charts: geometry only (bar heights, line points) from figures the APIs
computed. Templates draw the shapes; no figure is derived here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    max_value: float
    line_points: str  # "x,y x,y …" of a second series drawn as a line, or ""


def bar_chart(
    labels: list[str], values: list[float | None], line: list[float | None] | None = None,
    width: int = 640, height: int = 180, padding: int = 24,
) -> BarChart:
    """Bars for `values` (None drawn as 0 height) and an optional line series on the same scale."""
    numbers = [v or 0 for v in values] + [v or 0 for v in (line or [])]
    top = max(numbers, default=0) or 1
    count = max(len(values), 1)
    slot = (width - 2 * padding) / count
    plot_height = height - 2 * padding
    bars = []
    for index, (label, value) in enumerate(zip(labels, values, strict=False)):
        bar_height = (value or 0) / top * plot_height
        bars.append(Bar(
            x=padding + index * slot + slot * 0.15, y=height - padding - bar_height,
            width=slot * 0.7, height=bar_height, label=label, value=value or 0,
        ))
    points = ""
    if line:
        points = " ".join(
            f"{padding + i * slot + slot / 2:.1f},{height - padding - (v or 0) / top * plot_height:.1f}"
            for i, v in enumerate(line)
        )
    return BarChart(width, height, bars, top, points)


@dataclass(frozen=True)
class FunnelStep:
    label: str
    value: float
    width: float  # fraction of the widest step, 0..1


def funnel(steps: list[tuple[str, float | None]]) -> list[FunnelStep]:
    widest = max((v or 0 for _, v in steps), default=0) or 1
    return [FunnelStep(label, value or 0, (value or 0) / widest) for label, value in steps]
