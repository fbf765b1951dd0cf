"""reporting-api's pipeline, forecast and snapshots under the one access rule: admins and managers read
every owner's figures, a director only their own (another owner's id is 404; no owner_id means theirs).

Before the fix any director read any owner's deals, forecast and snapshots, or everyone's together.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from reporting_kpis.builders import ProjectWorld
from reporting_pipeline.conftest import apply_all, envelope, service_headers
from reporting_pipeline.test_pipeline_api import S1, deal_event, pipeline_event

from .access_support import reporting_api_fixture, user_headers  # noqa: F401 (fixtures)

JST = timezone(timedelta(hours=9))


async def test_a_director_reads_only_their_own_pipeline_forecast_and_snapshots(reporting_api, service_env):
    client, resources = reporting_api
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    my_deal, their_deal = uuid.uuid4(), uuid.uuid4()
    today = datetime.now(JST)
    close = today.date().isoformat()  # inside the current month, whatever the day
    common = {"stage": S1, "probability": 20, "close": close, "category": "commit", "created": today - timedelta(days=3),
              "entered": today - timedelta(days=3)}
    await apply_all(resources, pipeline_event(),
                    deal_event("deal.created", my_deal, mine, amount=100_000, **common),
                    deal_event("deal.created", their_deal, theirs, amount=7_000_000, **common),
                    envelope("quota.set", "quota", uuid.uuid4(), {
                        "id": str(uuid.uuid4()), "owner_id": str(theirs), "period_start": "2020-01-01",
                        "period_end": "2100-01-01", "amount": 1_000_000}))
    taken = await client.post("/v1/forecast/snapshots", json={"owner_id": str(theirs)}, headers=service_headers(
        resources.settings))
    assert taken.status_code in (200, 201), taken.text

    director = user_headers(service_env, "director", mine)
    for path in ("/v1/pipeline/summary", "/v1/forecast", "/v1/forecast/snapshots"):
        attack = await client.get(path, params={"owner_id": str(theirs)}, headers=director)
        assert attack.status_code == 404, (path, attack.status_code, attack.text)

    # Without owner_id a director gets their own figures, never everyone's together.
    summary = (await client.get("/v1/pipeline/summary", headers=director)).json()
    assert summary["owner_id"] == str(mine)
    assert summary["totals"]["open_amount"] == 100_000
    forecast = (await client.get("/v1/forecast", headers=director)).json()
    assert forecast["owner_id"] == str(mine) and forecast["pipeline"] == 100_000
    snapshots = (await client.get("/v1/forecast/snapshots", headers=director)).json()
    assert all(s["owner_id"] == str(mine) for s in snapshots["items"])

    manager = user_headers(service_env, "manager")
    their_summary = await client.get("/v1/pipeline/summary", params={"owner_id": str(theirs)}, headers=manager)
    assert their_summary.status_code == 200 and their_summary.json()["totals"]["open_amount"] == 7_000_000
    their_snapshots = await client.get("/v1/forecast/snapshots", params={"owner_id": str(theirs)}, headers=manager)
    assert [s["owner_id"] for s in their_snapshots.json()["items"]] == [str(theirs)] * len(
        their_snapshots.json()["items"]) and their_snapshots.json()["items"]
    assert (await client.get("/v1/forecast", headers=user_headers(service_env, "member"))).status_code == 403


async def test_kpis_and_portfolio_of_another_client_or_director_are_404_for_a_director(reporting_api, service_env):
    client, resources = reporting_api
    a, b = ProjectWorld(name="A社 案件"), ProjectWorld(name="B社 案件")
    await apply_all(resources, *a.setup(), *b.setup())
    period = {"from": "2026-11-01", "to": "2026-12-01"}
    attacker = user_headers(service_env, "director", b.director_id)
    for named in ({"client_id": str(a.client_id)}, {"director_id": str(a.director_id)}):
        answer = await client.get("/v1/kpis", params={**period, **named}, headers=attacker)
        assert answer.status_code == 404, (named, answer.status_code, answer.text)
    portfolio = await client.get("/v1/portfolio", params={"director_id": str(a.director_id)}, headers=attacker)
    assert portfolio.status_code == 404, portfolio.text
    own = await client.get("/v1/kpis", params=period, headers=user_headers(service_env, "director", a.director_id))
    assert own.status_code == 200, own.text
    by_manager = await client.get("/v1/kpis", params={**period, "client_id": str(a.client_id)},
                                  headers=user_headers(service_env, "manager"))
    assert by_manager.status_code == 200


async def test_only_the_director_or_an_admin_writes_and_publishes_a_weekly_report(reporting_api, service_env):
    """Managers read every project and manage none: publishing posts to the client's Slack and Confluence."""
    client, resources = reporting_api
    a = ProjectWorld(name="A社 週報案件")
    await apply_all(resources, *a.setup())
    base = f"/v1/projects/{a.project_id}/weekly-reports/2026-W47"
    draft = {"notes": {"good_reactions": ["好反応"], "objections": [], "learnings": []}, "next_actions": []}
    for role, status in (("manager", 403), ("member", 403)):
        headers = user_headers(service_env, role)
        assert (await client.put(f"{base}/draft", json=draft, headers=headers)).status_code in (status, 404)
        assert (await client.post(f"{base}/publish", headers=headers)).status_code in (status, 404)
    other = user_headers(service_env, "director")
    assert (await client.post(f"{base}/publish", headers=other)).status_code == 404
    assert (await client.get(base, headers=user_headers(service_env, "manager"))).status_code == 200
    director = user_headers(service_env, "director", a.director_id)
    saved = await client.put(f"{base}/draft", json=draft, headers=director)
    assert saved.status_code == 200, saved.text
