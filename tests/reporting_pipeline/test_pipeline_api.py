"""Pipeline read model from deal events, and GET /v1/pipeline/summary on hand-computed data."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from anken_reporting.pipeline.models import PipelineDealHistory

from .conftest import apply_all, envelope, user_headers

JST = timezone(timedelta(hours=9))
PIPELINE = uuid.uuid4()
S1, S2, S3, WON, LOST = (uuid.uuid4() for _ in range(5))
A, B = uuid.uuid4(), uuid.uuid4()
D1, D2, D3, D4, D5 = (uuid.uuid4() for _ in range(5))
NOV = {"from": "2026-11-01", "to": "2026-12-01", "as_of": "2026-11-20"}


def pipeline_event():
    stages = [
        {"id": str(S1), "name": "ヒアリング", "position": 1, "probability": 20, "aging_limit_days": 14},
        {"id": str(S2), "name": "提案", "position": 2, "probability": 50, "aging_limit_days": 7},
        {"id": str(S3), "name": "交渉", "position": 3, "probability": 80},
        {"id": str(WON), "name": "受注", "position": 4, "probability": 100, "is_won": True},
        {"id": str(LOST), "name": "失注", "position": 5, "probability": 0, "is_lost": True},
    ]
    return envelope("pipeline.changed", "pipeline", PIPELINE, {"id": str(PIPELINE), "name": "新規", "stages": stages})


def deal_event(type_: str, deal_id: uuid.UUID, owner: uuid.UUID, *, stage: uuid.UUID, amount: int, probability: int,
               close: str | None, category: str, created: datetime, entered: datetime, status: str = "open",
               closed: datetime | None = None, lead: str | None = None, sequence: int | None = None):
    payload = {
        "id": str(deal_id), "name": f"商談 {str(deal_id)[:4]}", "account_name": "株式会社テスト", "owner_id": str(owner),
        "pipeline_id": str(PIPELINE), "stage_id": str(stage), "amount": amount, "probability": probability,
        "expected_close_date": close, "forecast_category": category, "status": status, "lead_source": lead,
        "created_at": created.isoformat(), "closed_at": closed.isoformat() if closed else None,
        "stage_entered_at": entered.isoformat(),
    }
    return envelope(type_, "deal", deal_id, payload, occurred_at=entered if type_ == "deal.created" else None,
                    sequence=sequence)


def jst(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=JST)


@pytest.fixture(scope="module")
async def scenario(pipeline_app):
    client, resources = pipeline_app
    first = [
        pipeline_event(),
        deal_event("deal.created", D1, A, stage=S1, amount=1_000_000, probability=20, close="2026-11-25",
                   category="pipeline", created=jst(10, 1), entered=jst(10, 1), lead="紹介"),
    ]
    d1_changed = deal_event("deal.changed", D1, A, stage=S2, amount=1_000_000, probability=50, close="2026-11-25",
                            category="best_case", created=jst(10, 1), entered=jst(11, 5), lead="紹介")
    events = [
        *first,
        d1_changed,
        deal_event("deal.created", D2, A, stage=S1, amount=2_000_000, probability=20, close="2026-11-15",
                   category="commit", created=jst(10, 10), entered=jst(10, 10), lead="Web"),
        deal_event("deal.changed", D2, A, stage=S3, amount=2_000_000, probability=80, close="2026-11-15",
                   category="commit", created=jst(10, 10), entered=jst(11, 2), lead="Web"),
        deal_event("deal.changed", D2, A, stage=WON, amount=2_000_000, probability=100, close="2026-11-15",
                   category="commit", created=jst(10, 10), entered=jst(11, 12), status="won", closed=jst(11, 12),
                   lead="Web"),
        deal_event("deal.created", D3, A, stage=S1, amount=500_000, probability=20, close="2026-11-28",
                   category="commit", created=jst(11, 1), entered=jst(11, 1), lead="Web"),
        deal_event("deal.changed", D3, A, stage=S1, amount=500_000, probability=20, close="2026-12-10",
                   category="commit", created=jst(11, 1), entered=jst(11, 1), lead="Web"),
        deal_event("deal.created", D4, A, stage=S2, amount=800_000, probability=50, close="2026-11-20",
                   category="pipeline", created=jst(10, 20), entered=jst(10, 20), lead="Web"),
        deal_event("deal.changed", D4, A, stage=LOST, amount=800_000, probability=0, close="2026-11-20",
                   category="omitted", created=jst(10, 20), entered=jst(11, 18), status="lost", closed=jst(11, 18),
                   lead="Web"),
        deal_event("deal.created", D5, B, stage=S1, amount=3_000_000, probability=20, close="2026-11-30",
                   category="commit", created=jst(11, 3), entered=jst(11, 3), lead="Web"),
        envelope("quota.set", "quota", uuid.uuid4(), {
            "id": str(uuid.uuid4()), "owner_id": str(A), "period_start": "2026-11-01", "period_end": "2026-12-01",
            "amount": 5_000_000,
        }),
    ]
    assert all(await apply_all(resources, *events))
    return client, resources, d1_changed


async def test_summary_of_one_owner_matches_hand_computed_figures(scenario, pipeline_settings):
    client, _, _ = scenario
    response = await client.get("/v1/pipeline/summary", params={**NOV, "owner_id": str(A)},
                                headers=user_headers(pipeline_settings))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["from"] == "2026-11-01" and body["to"] == "2026-12-01"
    totals = body["totals"]
    assert totals["open_deals"] == 2
    assert totals["open_amount"] == 1_500_000
    assert totals["weighted_pipeline"] == 600_000  # 1,000,000×50% + 500,000×20%
    assert totals["pipeline_closing_in_period"] == 1_000_000  # D3 slipped to December
    assert (totals["won_count"], totals["lost_count"]) == (1, 1)
    assert totals["win_rate_by_count"] == 0.5
    assert totals["win_rate_by_amount"] == pytest.approx(2_000_000 / 2_800_000)
    assert totals["average_deal_size"] == 2_000_000
    assert totals["sales_cycle_days"] == 33.0  # 10-10 → 11-12
    assert (totals["slipped_count"], totals["slipped_amount"]) == (1, 500_000)
    assert totals["overdue_count"] == 2  # D1 15 days in 提案 (limit 7), D3 19 days in ヒアリング (limit 14)
    assert totals["quota"] == 5_000_000
    assert totals["coverage"] == pytest.approx(1_000_000 / 3_000_000)
    assert [d["deal_id"] for d in body["slipped"]] == [str(D3)]
    conversion = {row["stage_id"]: row for row in body["stage_conversion"]}
    assert (conversion[str(S1)]["entered"], conversion[str(S1)]["advanced"], conversion[str(S1)]["rate"]) == (1, 0, 0.0)
    assert (conversion[str(S2)]["entered"], conversion[str(S2)]["rate"]) == (1, 0.0)
    assert (conversion[str(S3)]["entered"], conversion[str(S3)]["advanced"], conversion[str(S3)]["rate"]) == (1, 1, 1.0)
    assert str(WON) not in conversion and str(LOST) not in conversion
    assert conversion[str(S1)]["pipeline_name"] == "新規" and conversion[str(S1)]["pipeline_id"] == str(PIPELINE)
    aging = {row["deal_id"]: row for row in body["stage_aging"]}
    assert (aging[str(D1)]["days_in_stage"], aging[str(D1)]["overdue"]) == (15, True)
    assert (aging[str(D3)]["days_in_stage"], aging[str(D3)]["overdue"]) == (19, True)
    assert str(D2) not in aging


async def test_an_empty_period_has_null_rates(scenario, pipeline_settings):
    client, _, _ = scenario
    response = await client.get(
        "/v1/pipeline/summary", params={"owner_id": str(A), "from": "2025-01-01", "to": "2025-02-01", "as_of": "2025-01-15"},
        headers=user_headers(pipeline_settings),
    )
    totals = response.json()["totals"]
    assert totals["win_rate_by_count"] is None and totals["win_rate_by_amount"] is None
    assert totals["average_deal_size"] is None and totals["sales_cycle_days"] is None
    assert totals["quota"] is None and totals["coverage"] is None
    assert totals["won_count"] == 0 and totals["slipped_count"] == 0


async def test_summary_groups_by_owner_lead_source_and_team(scenario, pipeline_settings):
    client, _, _ = scenario
    headers = user_headers(pipeline_settings)
    by_owner = (await client.get("/v1/pipeline/summary", params={**NOV, "group_by": "owner"}, headers=headers)).json()
    groups = {g["key"]: g for g in by_owner["groups"]}
    assert groups[str(A)]["won_amount"] == 2_000_000 and groups[str(A)]["quota"] == 5_000_000
    assert groups[str(B)]["pipeline_closing_in_period"] == 3_000_000
    assert groups[str(B)]["quota"] is None and groups[str(B)]["coverage"] is None

    by_source = (await client.get("/v1/pipeline/summary", params={**NOV, "group_by": "lead_source", "owner_id": str(A)},
                                  headers=headers)).json()
    sources = {g["key"]: g for g in by_source["groups"]}
    assert set(sources) == {"Web", "紹介"}
    assert sources["Web"]["win_rate_by_count"] == 0.5
    assert sources["紹介"]["win_rate_by_count"] is None and sources["紹介"]["coverage"] is None

    put = await client.put(f"/v1/pipeline/owners/{A}/team", json={"team": "東日本"}, headers=headers)
    assert put.status_code == 200, put.text
    by_team = (await client.get("/v1/pipeline/summary", params={**NOV, "group_by": "team"}, headers=headers)).json()
    teams = {g["key"]: g for g in by_team["groups"]}
    assert teams["東日本"]["won_amount"] == 2_000_000
    assert teams["unassigned"]["open_amount"] >= 3_000_000


async def test_redelivered_and_stale_deal_events_change_nothing(scenario, pipeline_settings):
    client, resources, d1_changed = scenario
    async with resources.sessionmaker() as session:
        before = (await session.execute(
            select(func.count()).select_from(PipelineDealHistory).where(PipelineDealHistory.deal_id == D1)
        )).scalar_one()
    stale = deal_event("deal.changed", D1, A, stage=S1, amount=9_000_000, probability=90, close="2026-11-02",
                       category="commit", created=jst(10, 1), entered=jst(10, 1), sequence=d1_changed.sequence - 1)
    assert await apply_all(resources, d1_changed, stale) == [False, False]
    async with resources.sessionmaker() as session:
        after = (await session.execute(
            select(func.count()).select_from(PipelineDealHistory).where(PipelineDealHistory.deal_id == D1)
        )).scalar_one()
    assert after == before
    totals = (await client.get("/v1/pipeline/summary", params={**NOV, "owner_id": str(A)},
                               headers=user_headers(pipeline_settings))).json()["totals"]
    assert totals["weighted_pipeline"] == 600_000


async def test_members_and_partners_cannot_read_the_pipeline(scenario, pipeline_settings):
    client, _, _ = scenario
    response = await client.get("/v1/pipeline/summary", headers=user_headers(pipeline_settings, "member"))
    assert response.status_code == 403
    assert (await client.get("/v1/pipeline/summary")).status_code == 401


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2026-11-10", "to": "2026-11-01"}, "to"),
    ({"group_by": "region"}, "group_by"),
    ({"owner_id": "not-a-uuid"}, "owner_id"),
])
async def test_bad_summary_parameters_are_422_naming_the_field(scenario, pipeline_settings, params, field):
    client, _, _ = scenario
    response = await client.get("/v1/pipeline/summary", params=params, headers=user_headers(pipeline_settings))
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize("params", [
    {"from": "0001-01-01", "to": "9999-12-31"},
    {"as_of": "9999-12-15"},
    {"as_of": "0001-01-01"},
])
async def test_extreme_dates_never_fail(scenario, pipeline_settings, params):
    client, _, _ = scenario
    response = await client.get("/v1/pipeline/summary", params=params, headers=user_headers(pipeline_settings))
    assert response.status_code in (200, 422), response.text
