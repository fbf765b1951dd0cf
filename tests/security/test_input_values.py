"""Bad values are a 422 naming the field, never a 500 or a quiet corruption: time zones are IANA
zones that exist, business dates and moments fall in one sane window (2000-01-01 … ten years
ahead), and every integer query or path parameter of both APIs has bounds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from reporting_reports.conftest import reports_app  # noqa: F401 (fixture)

from anken_common.auth_tokens import issue_user_token
from anken_projects.main import create_app as create_projects_app
from anken_reporting.main import create_app as create_reporting_app

from .files_support import (  # noqa: F401 (fixtures)
    api_fixture,
    files_app_fixture,
    floor_fixture,
    resources_fixture,
)

BAD_ZONES = ["localtime", "UTC+9", "", "Factory", "posixrules", "Asia/Atlantis", "../../etc/passwd", "JST-9"]
FAR_DATES = ["0001-01-01", "9999-12-31", "1999-12-31", f"{datetime.now(UTC).year + 11}-01-01"]


def field_of(response) -> str:
    assert response.status_code == 422, response.text[:400]
    return response.json()["errors"][0]["field"]


@pytest.mark.parametrize("zone", BAD_ZONES)
async def test_a_project_time_zone_must_be_an_iana_zone_that_exists(api, floor, zone) -> None:
    created = await api.post("/v1/projects", headers=floor.admin.headers,
                             json={"client_id": str(floor.client_id), "name": "時差案件", "timezone": zone})
    assert field_of(created) == "timezone"
    patched = await api.patch(f"/v1/projects/{floor.project_id}", headers=floor.director.headers,
                              json={"timezone": zone})
    assert field_of(patched) == "timezone"


async def test_real_zones_are_still_accepted(api, floor) -> None:
    for zone in ("Asia/Tokyo", "America/New_York", "UTC", "Etc/GMT-9"):
        patched = await api.patch(f"/v1/projects/{floor.project_id}", headers=floor.director.headers,
                                  json={"timezone": zone})
        assert patched.status_code == 200 and patched.json()["timezone"] == zone


@pytest.mark.parametrize("day", FAR_DATES)
async def test_contract_dates_fall_in_the_sane_window(api, floor, day) -> None:
    url = f"/v1/projects/{floor.project_id}"
    for field in ("contract_start", "contract_end", "renewal_date"):
        assert field_of(await api.patch(url, headers=floor.director.headers, json={field: day})) == field
    closed = await api.patch(url, headers=floor.director.headers, json={"extra_closed_days": [day]})
    assert field_of(closed).startswith("extra_closed_days")
    change = await api.post(f"{url}/contract-changes", headers=floor.director.headers,
                            json={"kind": "end", "effective_date": day})
    assert field_of(change) == "effective_date"


@pytest.mark.parametrize("moment", [f"{d}T10:00:00+09:00" for d in FAR_DATES])
async def test_callbacks_and_meetings_fall_in_the_sane_window(api, floor, moment) -> None:
    call = {"target_id": str(floor.targets[0]), "member_id": str(floor.members[0].id),
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(), "duration_s": 30}
    callback = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=floor.members[0].headers,
                              json={**call, "outcome": "connected_followup", "callback_at": moment})
    assert field_of(callback) == "callback_at"
    meeting = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=floor.members[0].headers,
                             json={**call, "outcome": "appointment", "appointment": {"meeting_at": moment}})
    assert field_of(meeting) == "appointment.meeting_at"
    target = await api.patch(f"/v1/targets/{floor.targets[0]}", headers=floor.director.headers,
                             json={"callback_due_at": moment})
    assert field_of(target) == "callback_due_at"
    rescheduled = await api.patch(f"/v1/appointments/{uuid.uuid4()}", headers=floor.director.headers,
                                  json={"meeting_at": moment})
    assert field_of(rescheduled) == "meeting_at"


async def test_a_date_inside_the_window_is_accepted(api, floor) -> None:
    next_year = f"{datetime.now(UTC).year + 1}-03-31"
    patched = await api.patch(f"/v1/projects/{floor.project_id}", headers=floor.director.headers,
                              json={"contract_start": "2026-04-01", "contract_end": next_year})
    assert patched.status_code == 200 and patched.json()["contract_end"] == next_year


@pytest.mark.parametrize("version", ["2147483648", "9223372036854775808", "99999999999999999999", "0", "-1"])
async def test_weekly_report_version_is_bounded(reports_app, version) -> None:  # noqa: F811 (the fixture)
    client, _, settings, _ = reports_app
    token = issue_user_token(settings.anken_secret_key, str(uuid.uuid4()), "director")
    response = await client.get(f"/v1/projects/{uuid.uuid4()}/weekly-reports/2026-W47",
                                params={"version": version}, headers={"Authorization": f"Bearer {token}"})
    assert field_of(response) == "version"
    download = await client.get(f"/v1/projects/{uuid.uuid4()}/weekly-reports/2026-W47.xlsx",
                                params={"version": version}, headers={"Authorization": f"Bearer {token}"})
    assert field_of(download) == "version"


def _integers(schema: dict):
    if "anyOf" in schema:
        for option in schema["anyOf"]:
            yield from _integers(option)
    elif schema.get("type") == "integer":
        yield schema


@pytest.mark.parametrize("factory", [create_projects_app, create_reporting_app], ids=["projects", "reporting"])
def test_every_integer_query_and_path_parameter_has_bounds(factory) -> None:
    unbounded = [
        f"{method.upper()} {path} {param['name']}"
        for path, operations in factory().openapi()["paths"].items()
        for method, operation in operations.items()
        for param in operation.get("parameters", [])
        for schema in _integers(param.get("schema", {}))
        if "minimum" not in schema or "maximum" not in schema
    ]
    assert unbounded == []


@pytest.mark.parametrize("day", FAR_DATES)
async def test_deal_close_dates_and_quota_periods_fall_in_the_sane_window(api, floor, day) -> None:
    deal = await api.post("/v1/deals", headers=floor.director.headers, json={
        "name": "更新提案", "account_name": "株式会社サンプル", "amount": 1_000_000, "expected_close_date": day})
    assert field_of(deal) == "expected_close_date"
    quota = await api.post("/v1/quotas", headers=floor.admin.headers, json={
        "owner_id": str(floor.director.id), "period_start": day, "period_end": "2027-01-01", "amount": 10_000_000})
    assert field_of(quota) == "period_start"
