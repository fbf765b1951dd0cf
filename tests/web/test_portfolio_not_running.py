"""The portfolio shows a project that is not running without a pace badge, and sorts it after the running ones."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from anken_web.formatting import Formatter
from anken_web.i18n.catalogs import translations
from anken_web.portfolio_view import sorted_rows
from anken_web.rendering import templates


def row(name: str, status: str, pace: float | None, pace_status: str | None) -> dict:
    return {"project_id": str(uuid.uuid4()), "name": name, "client_name": "株式会社サンプル", "status": status,
            "pace": pace, "pace_status": pace_status, "progress_rate": 0.0, "appointments_so_far": 0,
            "monthly_appointment_target": 20, "projected_month_end": 0.0, "list_exhaustion_date": None,
            "open_alerts": 0, "next_weekly_meeting": None}


def render(locale: str, rows: list[dict], counts: dict) -> str:
    catalog = translations(locale)
    return templates.get_template("partials/portfolio.html").render(
        _=catalog.gettext, fmt=Formatter(locale), rows=rows, counts=counts, alerts=[], sort="pace", dir="asc",
        director_id="d", settings=SimpleNamespace(portfolio_poll_s=60), csrf_field="csrf", csrf_token="t")


def test_projects_that_are_not_running_show_why_instead_of_a_red_badge() -> None:
    rows = [row("待機", "kickoff", 0.0, "not_running"), row("休止", "paused", 0.0, "not_running"),
            row("完了", "ended", 0.0, "not_running"), row("稼働", "active", 0.5, "behind")]
    counts = {"on_track": 0, "at_risk": 0, "behind": 1, "not_running": 3}
    ja = render("ja", rows, counts)
    assert ja.count('data-pace-status="behind"') == 1
    assert ja.count('class="badge pace-none" data-pace-status="not_running"') == 3
    for label in ("稼働前", "停止中", "終了"):
        assert f"— {label}</span>" in ja
    assert 'data-pace-count="not_running">稼働外 3' in ja
    en = render("en", rows, counts)
    for label in ("not started", "paused", "ended"):
        assert f"— {label}</span>" in en


def test_projects_that_are_not_running_sort_after_every_pace() -> None:
    rows = [row("休止", "paused", 0.0, "not_running"), row("遅れ", "active", 0.3, "behind"),
            row("順調", "active", 1.2, "on_track")]
    assert [r["name"] for r in sorted_rows(rows, "pace", "asc")] == ["遅れ", "順調", "休止"]
    assert [r["name"] for r in sorted_rows(rows, "pace", "desc")] == ["順調", "遅れ", "休止"]
