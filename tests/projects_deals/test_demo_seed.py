"""The demo, loaded through projects-api's own HTTP API (in process here; tests/demo runs the whole
`make run`): realistic volumes and names, callable targets for every member, a list that runs out
soon, deals with backdated history whose close dates fit their stages, round quotas; loads once;
never in production."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from anken_common.auth_tokens import issue_service_token
from anken_projects.demo.api import ServiceApi
from anken_projects.demo.seed import DemoRefused, is_loaded, load_demo, mark_loaded, seed_demo
from anken_projects.targets.corporate_number import is_valid_corporate_number

TABLES = ("users", "clients", "projects", "assignments", "script_versions", "targets", "calls", "appointments",
          "worked_hours", "deals", "quotas", "outbox_events")


async def table_counts(resources) -> dict[str, int]:
    async with resources.engine.connect() as conn:
        return {t: (await conn.execute(sa.text(f"SELECT count(*) FROM projects.{t}"))).scalar_one() for t in TABLES}


async def rows(resources, sql: str) -> list:
    async with resources.engine.connect() as conn:
        return list((await conn.execute(sa.text(sql))).all())


@pytest.fixture(scope="module")
async def loaded(api, resources, deals_settings) -> dict:
    before = await table_counts(resources)
    token = issue_service_token(deals_settings.anken_secret_key, "demo-loader", ttl_s=1800)
    counts = await load_demo(ServiceApi(api, token), None, deals_settings.anken_demo_password, resources.sessionmaker,
                             now=datetime.now(UTC))
    return {"before": before, "after": await table_counts(resources), "counts": counts}


async def test_the_demo_has_realistic_volumes_and_announces_what_it_writes(loaded, resources) -> None:
    before, after = loaded["before"], loaded["after"]
    assert after["users"] - before["users"] == 13  # 12 agency staff and the first client's client user
    assert after["targets"] - before["targets"] >= 10_000
    assert after["calls"] - before["calls"] > 10_000
    assert after["appointments"] - before["appointments"] >= 50
    assert 30 <= after["deals"] - before["deals"] <= 60
    assert after["quotas"] - before["quotas"] == 6
    rates = (await rows(resources,
        "SELECT count(*) FILTER (WHERE outcome IN ('connected_rejected','connected_followup','appointment'))::float"
        " / count(*) FROM projects.calls"))[0]
    assert 0.09 <= rates[0] <= 0.16, rates
    call_events = (await rows(resources, "SELECT count(*) FROM projects.outbox_events WHERE type = 'call.logged'"))[0][0]
    assert call_events == after["calls"], "every call was announced like the API does"


async def test_names_are_generated_from_japanese_name_parts_not_numbered(loaded, resources) -> None:
    companies = [r[0] for r in await rows(resources, "SELECT company_name FROM projects.targets LIMIT 500")]
    assert not [c for c in companies if re.search(r"\d|テスト", c)], companies[:10]
    assert all("会社" in c for c in companies)
    numbers = [r[0] for r in await rows(resources, "SELECT corporate_number FROM projects.targets LIMIT 500")]
    assert all(is_valid_corporate_number(n) for n in numbers)
    people = [r[0] for r in await rows(resources, "SELECT name FROM projects.users WHERE email LIKE '%@demo.anken.jp'")]
    assert all(re.fullmatch(r"\S+ \S+", p) for p in people), people


async def test_every_member_has_callable_targets_on_each_assigned_project(loaded, resources, api, deals_settings) -> None:
    found = await rows(resources,
        "SELECT u.email, p.name, count(t.id) FILTER (WHERE t.status = 'new') FROM projects.assignments a"
        " JOIN projects.users u ON u.id = a.member_id JOIN projects.projects p ON p.id = a.project_id"
        " LEFT JOIN projects.targets t ON t.project_id = p.id WHERE u.email LIKE 'member%@demo.anken.jp'"
        " GROUP BY 1, 2")
    assert len(found) >= 15
    assert all(n > 0 for _, _, n in found), [f for f in found if f[2] == 0]
    token = (await api.post("/v1/auth/token", json={"email": "member1@demo.anken.jp",
                                                     "password": deals_settings.anken_demo_password})).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    mine = (await api.get("/v1/projects", headers=headers)).json()["items"]
    assert len(mine) == 3
    for project in mine:
        answer = await api.post(f"/v1/projects/{project['id']}/next-target", headers=headers, json={})
        assert answer.status_code == 200 and answer.json()["target"] is not None, (project["name"], answer.text)


async def test_deals_have_a_backdated_quarter_with_fitting_close_dates_and_one_slip(loaded, resources) -> None:
    deals = await rows(resources,
        "SELECT s.name, s.is_won OR s.is_lost, d.expected_close_date, d.created_at, d.stage_entered_at"
        " FROM projects.deals d JOIN projects.pipeline_stages s ON s.id = d.stage_id WHERE d.name LIKE '%期）'")
    today = datetime.now(UTC).date()
    assert len({d[0] for d in deals}) == 7, "demo deals sit in every stage of the default pipeline"
    assert all(d[3].date() <= today and d[4] >= d[3] for d in deals)
    for stage, closed, close_date, _, _ in deals:
        if closed:
            assert close_date <= today, (stage, close_date)
        else:
            assert close_date >= today, (stage, close_date)
    early = [d[2] for d in deals if d[0] == "リード"]
    late = [d[2] for d in deals if d[0] == "見積・交渉"]
    assert min(early) > max(late), "later stages close sooner"
    slipped = await rows(resources,
        "SELECT count(DISTINCT deal_id) FROM projects.deal_changes WHERE field = 'expected_close_date'"
        " AND changed_at > now() - interval '7 days' AND changed_at < now() - interval '1 day'")
    assert slipped[0][0] >= 1
    quotas = [r[0] for r in await rows(resources, "SELECT q.amount FROM projects.quotas q JOIN projects.users u ON u.id = q.owner_id"
                                              " WHERE u.email LIKE '%@demo.anken.jp'")]
    assert quotas and all(q % 1_000_000 == 0 for q in quotas), quotas


async def test_demo_logins_work_with_the_demo_password(loaded, api, deals_settings) -> None:
    for email in ("admin@demo.anken.jp", "director@demo.anken.jp", "manager@demo.anken.jp", "member1@demo.anken.jp"):
        response = await api.post("/v1/auth/token", json={"email": email, "password": deals_settings.anken_demo_password})
        assert response.status_code == 200, (email, response.text)


async def test_the_marker_makes_seeding_once_and_production_is_refused(resources, deals_settings) -> None:
    async with resources.sessionmaker() as session, session.begin():
        assert not await is_loaded(session)
        await mark_loaded(session, {"users": 12})
    async with resources.sessionmaker() as session:
        assert await is_loaded(session)
    # Loaded: the seed answers at once, without looking for the services.
    assert await seed_demo(deals_settings.model_copy(update={"projects_api_url": "http://127.0.0.1:9"})) == {}
    with pytest.raises(DemoRefused):
        await seed_demo(deals_settings.model_copy(update={"anken_env": "production"}))
    async with resources.sessionmaker() as session, session.begin():
        await session.execute(sa.text("DELETE FROM projects.demo_markers"))
