"""The print-ready HTML weekly report (Jinja2, A4 landscape @media print, inline SVG chart)."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from anken_reporting.reports import formatting as fmt
from anken_reporting.reports.schemas import WeeklyReport
from anken_reporting.reports.trend_chart import trend_svg


@lru_cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("anken_reporting.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(
        pct=fmt.pct, count=fmt.count, yen=fmt.yen, hours=fmt.hours, decimal=fmt.decimal, figure=fmt.figure,
        signed=fmt.signed, status_label=fmt.status_label, day_label=fmt.day_label, long_date=fmt.long_date,
    )
    return env


def render_html(report: WeeklyReport) -> str:
    template = _environment().get_template("weekly_report.html.j2")
    # The SVG is built from numbers and escaped labels only, so it is safe to embed as markup.
    return template.render(
        report=report, week_last_day=report.week_end - timedelta(days=1), trend_chart=Markup(trend_svg(report.daily)),
    )
