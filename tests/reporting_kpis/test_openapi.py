"""The OpenAPI document is the partner manual: every route documented, fixed paths present."""

from __future__ import annotations

from datetime import UTC, datetime

from anken_reporting.main import create_app
from anken_reporting.portfolio.meetings import next_weekly_meeting


def test_every_route_has_summary_tags_and_problem_responses(settings) -> None:
    spec = create_app(settings).openapi()
    for path in ("/v1/projects/{project_id}/kpis", "/v1/projects/{project_id}/ab-test", "/v1/portfolio", "/v1/kpis",
                 "/v1/alerts", "/v1/alerts/{alert_id}/acknowledge", "/v1/projects/{project_id}/appointment-quality",
                 "/v1/admin/rebuild", "/v1/admin/rebuild/{job_id}"):
        assert path in spec["paths"], path
        for method, operation in spec["paths"][path].items():
            assert operation.get("summary") and operation.get("tags"), (method, path)
            assert "401" in operation["responses"], (method, path)
            problem = operation["responses"]["401"]["content"]["application/problem+json"]["schema"]["$ref"]
            assert problem.endswith("/Problem")
    kpi = spec["components"]["schemas"]["KpiResult"]["properties"]
    for name in ("calls", "contacts", "appointments", "contact_rate", "contact_to_appointment_rate", "appointment_rate",
                 "appointments_per_hour", "progress_rate", "pace", "projected_month_end", "list_exhaustion_date", "groups"):
        assert name in kpi, name
    ab = spec["components"]["schemas"]["VariantStats"]["properties"]
    assert {"contact_rate_ci", "contact_to_appointment_ci"} <= set(ab)


def test_next_weekly_meeting_is_the_next_occurrence_in_the_project_zone() -> None:
    # Monday 2026-11-23 01:00 UTC is 10:00 in Tokyo.
    monday = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    thursday = next_weekly_meeting(3, "10:00", "Asia/Tokyo", monday)
    assert thursday.isoformat() == "2026-11-26T10:00:00+09:00"
    assert next_weekly_meeting(0, "10:00", "Asia/Tokyo", monday).isoformat() == "2026-11-23T10:00:00+09:00"
    assert next_weekly_meeting(0, "09:59", "Asia/Tokyo", monday).isoformat() == "2026-11-30T09:59:00+09:00"
    assert next_weekly_meeting(None, "10:00", "Asia/Tokyo", monday) is None
    assert next_weekly_meeting(1, "25:99", "Asia/Tokyo", monday) is None
