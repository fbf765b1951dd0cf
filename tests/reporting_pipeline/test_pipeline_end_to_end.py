"""End to end: deals made through projects-api reach reporting-api's pipeline read model through the
outbox, the Redis stream and the consumer, and come out as the §3 figures (real processes)."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from anken_common.auth_tokens import issue_user_token

JST = ZoneInfo("Asia/Tokyo")


async def _create_manager(dsn: str) -> uuid.UUID:
    user_id = uuid.uuid4()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO projects.users (id, email, name, role) VALUES ($1, $2, '営業マネージャー', 'manager')",
            user_id, f"manager-{user_id.hex[:8]}@pipeline.example.com",
        )
    finally:
        await conn.close()
    return user_id


def _wait_for(fetch, condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    body = None
    while time.monotonic() < deadline:
        body = fetch()
        if condition(body):
            return body
        time.sleep(0.3)
    pytest.fail(f"reporting-api never reached the expected state; last answer: {body}")


def test_deals_made_in_projects_api_show_up_in_the_pipeline_summary_and_forecast(stack, service_env):
    projects = stack.start("projects")
    reporting = stack.start("reporting")
    manager = asyncio.run(_create_manager(service_env["DATABASE_URL"]))
    headers = {"Authorization": f"Bearer {issue_user_token(service_env['ANKEN_SECRET_KEY'], str(manager), 'manager')}"}
    today = datetime.now(JST).date()
    month_start = today.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    last_day = next_month - timedelta(days=1)

    with httpx.Client(base_url=projects.url, headers=headers, timeout=30) as api:
        pipeline = api.post("/v1/pipelines", json={"name": f"E2E {manager.hex[:6]}", "stages": [
            {"name": "リード", "probability": 10, "aging_limit_days": 30},
            {"name": "提案", "probability": 50},
            {"name": "受注", "probability": 100, "is_won": True},
            {"name": "失注", "probability": 0, "is_lost": True},
        ]})
        assert pipeline.status_code == 201, pipeline.text
        stages = {s["name"]: s["id"] for s in pipeline.json()["stages"]}

        def deal(name: str, amount: int, category: str, close: date) -> str:
            response = api.post("/v1/deals", json={
                "name": name, "account_name": "株式会社E2E", "amount": amount, "pipeline_id": pipeline.json()["id"],
                "expected_close_date": close.isoformat(), "forecast_category": category, "lead_source": "referral",
            })
            assert response.status_code == 201, response.text
            return response.json()["id"]

        proposal = deal("提案中の案件", 1_000_000, "commit", last_day)
        won = deal("受注する案件", 2_000_000, "commit", last_day)
        slipping = deal("延期する案件", 500_000, "pipeline", last_day)
        for deal_id, change in (
            (proposal, {"stage_id": stages["提案"], "exit_criteria_confirmed": True}),
            (won, {"stage_id": stages["受注"], "exit_criteria_confirmed": True}),
            (slipping, {"expected_close_date": (next_month + timedelta(days=10)).isoformat()}),
        ):
            response = api.patch(f"/v1/deals/{deal_id}", json=change)
            assert response.status_code == 200, response.text
        quota = api.post("/v1/quotas", json={"owner_id": str(manager), "period_start": month_start.isoformat(),
                                             "period_end": next_month.isoformat(), "amount": 10_000_000})
        assert quota.status_code == 201, quota.text

    params = {"owner_id": str(manager), "from": month_start.isoformat(), "to": next_month.isoformat()}
    with httpx.Client(base_url=reporting.url, headers=headers, timeout=30) as client:
        body = _wait_for(
            lambda: client.get("/v1/pipeline/summary", params=params).json(),
            lambda b: b.get("totals", {}).get("won_count") == 1 and b["totals"]["slipped_count"] == 1
            and b["totals"]["quota"] == 10_000_000,
        )
        totals = body["totals"]
        assert totals["open_deals"] == 2
        assert totals["weighted_pipeline"] == 550_000  # 1,000,000 × 50% + 500,000 × 10%
        assert totals["won_amount"] == 2_000_000 and totals["win_rate_by_count"] == 1.0
        assert totals["pipeline_closing_in_period"] == 1_000_000
        assert totals["coverage"] == pytest.approx(1_000_000 / 8_000_000)
        assert [d["deal_id"] for d in body["slipped"]] == [slipping]
        conversion = {row["stage_name"]: row for row in body["stage_conversion"] if row["stage_id"] == stages["リード"]}
        assert (conversion["リード"]["entered"], conversion["リード"]["advanced"]) == (3, 2)

        forecast = client.get("/v1/forecast", params={"owner_id": str(manager),
                                                      "period": f"{today.year}-{today.month:02d}"}).json()
        assert (forecast["won"], forecast["commit"], forecast["best_case"]) == (2_000_000, 3_000_000, 3_000_000)
