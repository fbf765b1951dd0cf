"""The HTTP surface: auth and RBAC, KPIs by name, portfolio, A/B, appointment quality."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, date, datetime

import pytest

from anken_common.auth_tokens import Role, issue_service_token, issue_user_token
from anken_reporting.kpis import formulas

from .builders import ProjectWorld
from .feeding import feed
from .test_project_kpis import tokyo


@pytest.fixture(scope="module")
def tokens(settings):
    def user(role: Role, user_id: uuid.UUID | None = None) -> dict[str, str]:
        token = issue_user_token(settings.anken_secret_key, str(user_id or uuid.uuid4()), role)
        return {"Authorization": f"Bearer {token}"}

    return user


async def test_kpis_answer_every_design_figure_by_name(app_client, resources, tokens) -> None:
    world = ProjectWorld(target=10)
    await feed(resources, *world.setup(), world.call(tokyo(2026, 11, 24), "appointment", variant="A"),
               world.call(tokyo(2026, 11, 24), "no_answer", variant="B"))
    response = await app_client.get(
        f"/v1/projects/{world.project_id}/kpis",
        params={"from": "2026-11-01", "to": "2026-12-01", "as_of": "2026-11-24", "group_by": "variant"},
        headers=tokens(Role.director, world.director_id),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    for name in ("calls", "contacts", "appointments", "contact_rate", "contact_to_appointment_rate", "appointment_rate",
                 "appointments_per_hour", "progress_rate", "pace", "projected_month_end", "list_exhaustion_date",
                 "continuation_rate", "upsell_count", "groups", "previous", "target"):
        assert name in body, name
    assert body["from"] == "2026-11-01" and body["to"] == "2026-12-01"
    assert (body["calls"], body["contacts"], body["appointments"]) == (2, 1, 1)
    assert body["appointments_per_hour"] is None
    assert body["progress_rate"] == 0.1
    # Nov 2026: 30 days − 9 weekend days − 11/3 and 11/23 holidays = 19; through 11/24: 15.
    assert body["month"]["business_days_in_month"] == 19 and body["month"]["elapsed_business_days"] == 15
    assert body["pace"] == pytest.approx(0.1 / (15 / 19), rel=1e-12)
    assert [g["key"] for g in body["groups"]] == ["A", "B"]


async def test_rbac_other_director_member_and_partner_get_404(app_client, resources, tokens) -> None:
    world = ProjectWorld()
    await feed(resources, *world.setup())
    url = f"/v1/projects/{world.project_id}/kpis"
    params = {"from": "2026-11-01", "to": "2026-12-01"}
    assert (await app_client.get(url, params=params)).status_code == 401
    assert (await app_client.get(url, params=params, headers={"Authorization": "Bearer nope"})).status_code == 401
    assert (await app_client.get(url, params=params, headers=tokens(Role.director))).status_code == 404
    assert (await app_client.get(url, params=params, headers=tokens(Role.member))).status_code == 404
    assert (await app_client.get(url, params=params, headers=tokens(Role.member, world.members[0]))).status_code == 200
    assert (await app_client.get(url, params=params, headers=tokens(Role.manager))).status_code == 200
    assert (await app_client.get(url, params=params, headers=tokens(Role.admin))).status_code == 200
    missing = await app_client.get(f"/v1/projects/{uuid.uuid4()}/kpis", params=params, headers=tokens(Role.admin))
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")


async def test_invalid_queries_are_422_naming_the_field(app_client, resources, tokens) -> None:
    world = ProjectWorld()
    await feed(resources, *world.setup())
    url = f"/v1/projects/{world.project_id}/kpis"
    admin = tokens(Role.admin)
    backwards = await app_client.get(url, params={"from": "2026-11-02", "to": "2026-11-01"}, headers=admin)
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "to"
    bad_group = await app_client.get(url, params={"from": "2026-11-01", "to": "2026-11-02", "group_by": "x"}, headers=admin)
    assert bad_group.status_code == 422 and "group_by" in bad_group.text
    bad_date = await app_client.get(url, params={"from": "2026-13-01", "to": "2026-11-02"}, headers=admin)
    assert bad_date.status_code == 422 and "from" in bad_date.text
    for params, field in (({"from": "0001-01-01", "to": "9999-12-31"}, "from"),
                          ({"from": "2026-11-01", "to": "9999-12-31"}, "to"),
                          ({"from": "2026-11-01", "to": "2026-11-02", "as_of": "9999-12-31"}, "as_of")):
        extreme = await app_client.get(url, params=params, headers=admin)
        assert extreme.status_code == 422 and extreme.json()["errors"][0]["field"] == field
    for path in (f"/v1/projects/{world.project_id}/ab-test", f"/v1/projects/{world.project_id}/appointment-quality"):
        extreme = await app_client.get(path, params={"from": "2026-11-01", "to": "9999-12-31"}, headers=admin)
        assert extreme.status_code == 422
    portfolio = await app_client.get("/v1/portfolio", params={"as_of": "9999-12-31", "director_id": str(uuid.uuid4())},
                                     headers=admin)
    assert portfolio.status_code == 422
    not_a_uuid = await app_client.get("/v1/projects/nope/kpis", params={"from": "2026-11-01", "to": "2026-11-02"},
                                      headers=admin)
    assert not_a_uuid.status_code == 422


async def test_kpis_by_director_and_client_sum_before_dividing(app_client, resources, tokens) -> None:
    first = ProjectWorld(name="案件A")
    second = ProjectWorld(name="案件B")
    second.director_id = first.director_id
    await feed(resources, *first.setup(), *second.setup(),
               first.call(tokyo(2026, 11, 24), "appointment"), first.call(tokyo(2026, 11, 24), "no_answer"),
               second.call(tokyo(2026, 11, 25), "connected_rejected"), second.call(tokyo(2026, 11, 25), "connected_rejected"),
               second.call(tokyo(2026, 11, 25), "absent"), second.call(tokyo(2026, 11, 25), "absent"))
    response = await app_client.get("/v1/kpis", params={"director_id": str(first.director_id), "from": "2026-11-01",
                                                        "to": "2026-12-01"}, headers=tokens(Role.director, first.director_id))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["calls"], body["contacts"], body["appointments"]) == (6, 3, 1)
    assert body["contact_rate"] == 0.5 and body["contact_to_appointment_rate"] == 1 / 3
    assert sorted(p["name"] for p in body["projects"]) == ["案件A", "案件B"]
    by_client = await app_client.get("/v1/kpis", params={"client_id": str(second.client_id), "from": "2026-11-01",
                                                         "to": "2026-12-01"}, headers=tokens(Role.manager))
    assert by_client.json()["calls"] == 4
    neither = await app_client.get("/v1/kpis", params={"from": "2026-11-01", "to": "2026-12-01"}, headers=tokens(Role.admin))
    assert neither.status_code == 422 and neither.json()["errors"][0]["field"] == "director_id"
    own = await app_client.get("/v1/kpis", params={"from": "2026-11-01", "to": "2026-12-01"},
                               headers=tokens(Role.director, first.director_id))
    assert own.json()["calls"] == 6 and own.json()["director_id"] == str(first.director_id)


async def test_portfolio_lists_every_open_project_with_pace_status(app_client, resources, tokens) -> None:
    director = uuid.uuid4()
    ahead, behind, idle = ProjectWorld(target=19, name="順調"), ProjectWorld(target=19, name="遅れ"), ProjectWorld(name="休止")
    for world in (ahead, behind, idle):
        world.director_id = director
    events = [*ahead.setup(), *behind.setup(), *idle.setup(), idle.project(status="ended"), ahead.list_imported(100)]
    # As of 2027-01-12 (6 of 19 business days): 6 appointments → pace 1.0; 1 appointment → pace 1/6.
    events += [ahead.call(tokyo(2027, 1, 4 + i), "appointment") for i in range(5)]
    events += [ahead.call(tokyo(2027, 1, 12), "appointment"), behind.call(tokyo(2027, 1, 12), "appointment")]
    await feed(resources, *events)
    response = await app_client.get("/v1/portfolio", params={"as_of": "2027-01-12"}, headers=tokens(Role.director, director))
    assert response.status_code == 200, response.text
    body = response.json()
    items = {item["name"]: item for item in body["items"]}
    assert set(items) == {"順調", "遅れ"}
    assert items["順調"]["pace"] == pytest.approx(1.0) and items["順調"]["pace_status"] == "on_track"
    assert items["遅れ"]["pace_status"] == "behind"
    assert items["順調"]["projected_month_end"] == pytest.approx(19.0)
    assert items["順調"]["remaining_targets"] == 94 and items["遅れ"]["list_exhaustion_date"] is None
    assert items["順調"]["next_weekly_meeting"].endswith("+09:00")
    assert body["counts"] == {"on_track": 1, "at_risk": 0, "behind": 1, "not_running": 0}
    stricter = await app_client.get("/v1/portfolio", params={"as_of": "2027-01-12", "on_track": 1.2, "at_risk": 0.9},
                                    headers=tokens(Role.director, director))
    assert {i["name"]: i["pace_status"] for i in stricter.json()["items"]}["順調"] == "at_risk"
    member = await app_client.get("/v1/portfolio", headers=tokens(Role.member))
    assert member.status_code == 403
    manager = await app_client.get("/v1/portfolio", headers=tokens(Role.manager))
    assert manager.status_code == 422


async def test_portfolio_gives_projects_that_are_not_running_no_pace_badge(app_client, resources, tokens) -> None:
    # A project waiting for kickoff, paused or ended makes no calls: its pace of 0 used to read "behind".
    director = uuid.uuid4()
    running = ProjectWorld(target=19, name="稼働中")
    idle = {status: ProjectWorld(target=19, name=status) for status in ("draft", "kickoff", "paused", "ended")}
    for world in (running, *idle.values()):
        world.director_id = director
    events = [*running.setup(), *(event for world in idle.values() for event in world.setup())]
    events += [world.project(status=status) for status, world in idle.items()]
    events += [running.call(tokyo(2027, 1, 12), "appointment")]
    await feed(resources, *events)
    response = await app_client.get("/v1/portfolio", params={"as_of": "2027-01-12", "include_closed": True},
                                    headers=tokens(Role.director, director))
    assert response.status_code == 200, response.text
    body = response.json()
    statuses = {item["name"]: item["pace_status"] for item in body["items"]}
    assert statuses == {"稼働中": "behind", "draft": "not_running", "kickoff": "not_running", "paused": "not_running",
                        "ended": "not_running"}
    assert body["counts"] == {"on_track": 0, "at_risk": 0, "behind": 1, "not_running": 4}


async def test_ab_test_matches_design_formulas(app_client, resources, tokens) -> None:
    world = ProjectWorld()
    events = world.setup()
    day = tokyo(2026, 11, 24)
    # Pattern A: 150 contacts (30 appointments) spread over A and A:IT; B: 150 contacts, 15 appointments.
    events += [world.call(day, "appointment", variant="A") for _ in range(20)]
    events += [world.call(day, "connected_rejected", variant="A") for _ in range(80)]
    events += [world.call(day, "appointment", variant="A:IT") for _ in range(10)]
    events += [world.call(day, "connected_followup", variant="A:IT") for _ in range(40)]
    events += [world.call(day, "no_answer", variant="A") for _ in range(50)]
    events += [world.call(day, "appointment", variant="B") for _ in range(15)]
    events += [world.call(day, "connected_rejected", variant="B") for _ in range(135)]
    events += [world.call(day, "appointment") for _ in range(5)]  # no variant: left out
    await feed(resources, *events)
    response = await app_client.get(f"/v1/projects/{world.project_id}/ab-test",
                                    params={"from": "2026-11-24", "to": "2026-11-25"}, headers=tokens(Role.manager))
    assert response.status_code == 200, response.text
    body = response.json()
    variants = {v["variant"]: v for v in body["variants"]}
    assert set(variants) == {"A", "A:IT", "B"}
    assert (variants["A"]["calls"], variants["A"]["contacts"], variants["A"]["appointments"]) == (150, 100, 20)
    assert variants["A"]["contact_to_appointment_ci"] == list(formulas.wilson_interval(20, 100))
    se = math.sqrt(0.15 * 0.85 * (2 / 150))
    assert body["z"] == pytest.approx(0.1 / se, rel=1e-12)
    assert body["p_value"] == pytest.approx(math.erfc((0.1 / se) / math.sqrt(2)), rel=1e-12)
    assert body["winner"] == "A"
    empty = await app_client.get(f"/v1/projects/{world.project_id}/ab-test",
                                 params={"from": "2026-11-01", "to": "2026-11-02"}, headers=tokens(Role.manager))
    assert empty.json()["z"] is None and empty.json()["winner"] is None and empty.json()["variants"] == []


async def test_appointment_quality_closed_loop(app_client, resources, tokens) -> None:
    world = ProjectWorld()
    at = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    first = world.appointment(at, member=0)
    events = [*world.setup(), first,
              world.appointment(at, member=0, appointment_id=uuid.UUID(first.aggregate_id), type_="appointment.updated",
                                handoff_status="held", partner_outcome="qualified", deal_amount=1_200_000, deal_won=True),
              world.appointment(at, member=0, handoff_status="no_show"),
              world.appointment(at, member=1, handoff_status="held", partner_outcome="unqualified"),
              world.appointment(at, member=1, handoff_status="cancelled")]
    await feed(resources, *events)
    response = await app_client.get(f"/v1/projects/{world.project_id}/appointment-quality",
                                    params={"from": "2026-11-01", "to": "2026-12-01", "group_by": "member"},
                                    headers=tokens(Role.admin))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["appointments"], body["held"], body["no_show"], body["cancelled"]) == (4, 2, 1, 1)
    assert body["held_rate"] == 2 / 3 and body["no_show_rate"] == 1 / 3 and body["qualified_rate"] == 0.5
    assert body["appointment_to_deal_rate"] == 0.25 and body["appointment_to_won_rate"] == 0.25
    assert body["won_amount"] == 1_200_000
    groups = {g["key"]: g for g in body["groups"]}
    assert groups[str(world.members[0])]["held_rate"] == 0.5
    assert groups[str(world.members[1])]["no_show_rate"] == 0.0


async def test_partner_key_is_introspected_and_limited_to_its_client(app_client, resources, settings) -> None:
    from anken_reporting.auth.introspection import principal_from_introspection

    world = ProjectWorld()
    await feed(resources, *world.setup())
    principal = principal_from_introspection(
        {"active": True, "kind": "api_key", "id": str(uuid.uuid4()), "client_id": str(world.client_id), "scopes": ["read:kpis"]})
    assert principal.is_partner and principal.client_id == world.client_id
    assert principal_from_introspection({"active": False}) is None
    # A service token is treated as an admin.
    service = {"Authorization": f"Bearer {issue_service_token(settings.anken_secret_key, 'web')}"}
    ok = await app_client.get(f"/v1/projects/{world.project_id}/kpis", params={"from": "2026-11-01", "to": "2026-11-02"},
                              headers=service)
    assert ok.status_code == 200


def test_period_dates_are_local_days() -> None:
    assert tokyo(2026, 11, 24).astimezone(UTC).date() == date(2026, 11, 24)
