"""What a client user reads of their client's projects: the client's view (ClientProjectOut) only, never
the agency's own fields; staff and partner keys keep the whole project."""

from __future__ import annotations

import httpx

from projects_registry.helpers import Actor, create_client, create_project, make_user
from projects_registry.test_client_invitations import _accept, _invite, _login, _token

CLIENT_VIEW = {
    "id", "client_id", "name", "product", "status", "timezone", "monthly_appointment_target",
    "appointment_definition", "qualification_fields", "unqualified_reasons", "handoff_contact", "calendar_link",
    "weekly_meeting_weekday", "weekly_meeting_time", "client_sees_member_names", "created_at", "updated_at",
    "reportable_handoff_statuses",
}
# The agency's own: who runs it, hours and contract terms, targeting, internal links, closed days, A/B, lifecycle.
INTERNAL = {
    "director_id", "contracted_monthly_hours", "contract_start", "contract_end", "renewal_date",
    "target_definition", "slack_channel", "confluence_page_url", "spreadsheet_url", "extra_closed_days",
    "ab_manual_choice", "allowed_transitions", "version",
}


async def _client_user_headers(app_client: httpx.AsyncClient, admin: Actor, client_id: str) -> dict[str, str]:
    invited = await _invite(app_client, admin, client_id)
    assert (await _accept(app_client, _token(invited))).status_code == 200
    login = await _login(app_client, invited.json()["email"])
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def test_a_client_user_reads_the_clients_view_of_a_project(app_client: httpx.AsyncClient, admin: Actor) -> None:
    director = await make_user(app_client, "director")
    client = await create_client(app_client, admin)
    project = await create_project(
        app_client, director, client["id"], product="勤怠クラウド", contracted_monthly_hours=160,
        monthly_appointment_target=12, contract_start="2026-10-01", contract_end="2027-03-31",
        target_definition="首都圏の製造業", slack_channel="#pj-internal", calendar_link="https://calendar.example.jp/sato",
        qualification_fields=["budget", "authority"], appointment_definition="部長以上との30分商談",
        confluence_page_url="https://wiki.example.jp/pj", spreadsheet_url="https://sheets.example.jp/pj")
    headers = await _client_user_headers(app_client, admin, client["id"])
    one = await app_client.get(f"/v1/projects/{project['id']}", headers=headers)
    assert one.status_code == 200, one.text
    body = one.json()
    assert set(body) == CLIENT_VIEW
    assert not INTERNAL & set(body)
    assert "#pj-internal" not in one.text and "首都圏の製造業" not in one.text
    assert body["monthly_appointment_target"] == 12 and body["qualification_fields"] == ["budget", "authority"]
    assert body["calendar_link"] == "https://calendar.example.jp/sato" and body["client_sees_member_names"] is False
    assert body["unqualified_reasons"][0] == "予算なし"
    assert body["reportable_handoff_statuses"] == ["held", "no_show", "rescheduled", "cancelled"]
    listed = await app_client.get("/v1/projects", headers=headers)
    assert listed.status_code == 200
    assert [set(p) for p in listed.json()["items"]] == [CLIENT_VIEW]
    assert "#pj-internal" not in listed.text
    # Staff read the whole project (the agency's fields are theirs).
    staff = (await app_client.get(f"/v1/projects/{project['id']}", headers=director.headers)).json()
    assert INTERNAL <= set(staff) and staff["slack_channel"] == "#pj-internal"


async def test_the_openapi_document_names_the_clients_view(app_client: httpx.AsyncClient) -> None:
    spec = (await app_client.get("/openapi.json")).json()
    operation = spec["paths"]["/v1/projects/{project_id}"]["get"]
    assert "client user" in operation["description"] and "contracted" not in \
        str(spec["components"]["schemas"]["ClientProjectOut"]["properties"])
    assert "director_id" not in spec["components"]["schemas"]["ClientProjectOut"]["properties"]
