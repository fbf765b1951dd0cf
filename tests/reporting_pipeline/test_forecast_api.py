"""GET /v1/forecast and weekly snapshots with their accuracy once the period is over."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from .conftest import apply_all, envelope, service_headers, user_headers
from .test_pipeline_api import S1, S3, WON, deal_event, pipeline_event

JST = timezone(timedelta(hours=9))


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, tzinfo=JST)


def quota(owner: uuid.UUID, start: str, end: str, amount: int):
    return envelope("quota.set", "quota", uuid.uuid4(), {
        "id": str(uuid.uuid4()), "owner_id": str(owner), "period_start": start, "period_end": end, "amount": amount,
    })


async def test_forecast_by_category_for_a_month_and_a_quarter(pipeline_app, pipeline_settings):
    client, resources = pipeline_app
    owner = uuid.uuid4()
    won, commit, best, pipe, later = (uuid.uuid4() for _ in range(5))
    common = {"created": at(2026, 9, 1), "entered": at(2026, 9, 1)}
    await apply_all(
        resources, pipeline_event(),
        deal_event("deal.created", won, owner, stage=WON, amount=1_200_000, probability=100, close="2026-11-10",
                   category="commit", status="won", closed=at(2026, 11, 10), **common),
        deal_event("deal.created", commit, owner, stage=S3, amount=800_000, probability=80, close="2026-11-27",
                   category="commit", **common),
        deal_event("deal.created", best, owner, stage=S3, amount=500_000, probability=60, close="2026-11-30",
                   category="best_case", **common),
        deal_event("deal.created", pipe, owner, stage=S1, amount=300_000, probability=20, close="2026-11-05",
                   category="pipeline", **common),
        deal_event("deal.created", later, owner, stage=S1, amount=1_000_000, probability=10, close="2026-12-20",
                   category="commit", **common),
        quota(owner, "2026-10-01", "2027-01-01", 9_200_000),
    )
    headers = user_headers(pipeline_settings, "director", user_id=owner)  # a director reads their own forecast
    month = (await client.get("/v1/forecast", params={"owner_id": str(owner), "period": "2026-11"}, headers=headers))
    assert month.status_code == 200, month.text
    body = month.json()
    assert (body["period_start"], body["period_end"]) == ("2026-11-01", "2026-12-01")
    assert body["won"] == 1_200_000
    assert body["commit"] == 2_000_000  # won + open commit closing in November
    assert body["best_case"] == 2_500_000
    assert body["pipeline"] == 1_600_000
    assert body["weighted"] == 640_000 + 300_000 + 60_000
    # A quarterly quota of 9,200,000 over 92 days counts 30 days for November.
    assert body["quota"] == 3_000_000
    assert body["coverage"] == 1_600_000 / (3_000_000 - 1_200_000)
    assert body["attainment"] == 0.4

    quarter = (await client.get("/v1/forecast", params={"owner_id": str(owner), "period": "2026-Q4"}, headers=headers)).json()
    assert quarter["commit"] == 3_000_000 and quarter["best_case"] == 3_500_000
    assert quarter["quota"] == 9_200_000


async def test_snapshots_are_one_per_owner_period_and_week_and_score_accuracy_after_the_period(
    pipeline_app, pipeline_settings,
):
    client, resources = pipeline_app
    owner, idle = uuid.uuid4(), uuid.uuid4()
    won, slipping = uuid.uuid4(), uuid.uuid4()
    common = {"created": at(2025, 9, 1), "entered": at(2025, 9, 1)}
    await apply_all(
        resources, pipeline_event(),
        deal_event("deal.created", won, owner, stage=WON, amount=1_000_000, probability=100, close="2025-10-20",
                   category="commit", status="won", closed=at(2025, 10, 20), **common),
        deal_event("deal.created", slipping, owner, stage=S3, amount=250_000, probability=80, close="2025-10-30",
                   category="commit", **common),
        quota(idle, "2025-10-01", "2025-11-01", 1_000_000),
    )
    worker = service_headers(pipeline_settings)
    request = {"periods": ["2025-10"], "owner_id": str(owner), "as_of": "2025-10-06"}
    first = await client.post("/v1/forecast/snapshots", json=request, headers=worker)
    assert first.status_code == 200, first.text
    again = await client.post("/v1/forecast/snapshots", json=request, headers=worker)
    [snapshot] = first.json()["items"]
    assert again.json()["items"][0]["id"] == snapshot["id"]  # a retried weekly job replaces, never duplicates
    assert snapshot["snapshot_week"] == "2025-W41" and snapshot["commit"] == 1_250_000
    # The worker's weekly job names one `period`; same owner, period and week → the same snapshot.
    single = await client.post("/v1/forecast/snapshots", json={"period": "2025-10", "owner_id": str(owner),
                                                               "as_of": "2025-10-07"}, headers=worker)
    assert [i["id"] for i in single.json()["items"]] == [snapshot["id"]]

    await client.post("/v1/forecast/snapshots", json={"periods": ["2025-10"], "owner_id": str(idle),
                                                      "as_of": "2025-10-06"}, headers=worker)
    listed = await client.get("/v1/forecast/snapshots", params={"owner_id": str(owner), "period": "2025-10"},
                              headers=user_headers(pipeline_settings))
    [item] = listed.json()["items"]
    assert listed.json()["next_cursor"] is None
    assert item["period_closed"] is True and item["actual_won"] == 1_000_000
    assert item["accuracy"] == 0.75  # 1 − |1,250,000 − 1,000,000| / 1,000,000

    idle_item = (await client.get("/v1/forecast/snapshots", params={"owner_id": str(idle)},
                                  headers=user_headers(pipeline_settings))).json()["items"][0]
    assert idle_item["actual_won"] == 0 and idle_item["accuracy"] is None


async def test_snapshot_list_pages_with_a_cursor(pipeline_app, pipeline_settings):
    client, _ = pipeline_app
    owner = uuid.uuid4()
    worker = service_headers(pipeline_settings)
    for as_of in ("2025-06-02", "2025-06-09", "2025-06-16"):
        response = await client.post("/v1/forecast/snapshots", json={"periods": ["2025-06"], "owner_id": str(owner),
                                                                     "as_of": as_of}, headers=worker)
        assert response.status_code == 200
    headers = user_headers(pipeline_settings)
    page1 = (await client.get("/v1/forecast/snapshots", params={"owner_id": str(owner), "limit": 2}, headers=headers)).json()
    page2 = (await client.get("/v1/forecast/snapshots", params={"owner_id": str(owner), "limit": 2,
                                                                "cursor": page1["next_cursor"]}, headers=headers)).json()
    weeks = [i["snapshot_week"] for i in page1["items"] + page2["items"]]
    assert weeks == ["2025-W23", "2025-W24", "2025-W25"] and page2["next_cursor"] is None
    bad = await client.get("/v1/forecast/snapshots", params={"cursor": "%%%"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


async def test_bad_periods_are_422_and_members_are_403(pipeline_app, pipeline_settings):
    client, _ = pipeline_app
    headers = user_headers(pipeline_settings)
    response = await client.get("/v1/forecast", params={"period": "2026-13"}, headers=headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "period"
    response = await client.post("/v1/forecast/snapshots", json={"periods": ["2026-Q5"]}, headers=headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"].startswith("periods")
    assert (await client.get("/v1/forecast", headers=user_headers(pipeline_settings, "member"))).status_code == 403
    assert (await client.post("/v1/forecast/snapshots", json={},
                              headers=user_headers(pipeline_settings, "director"))).status_code == 403




async def test_periods_outside_the_supported_years_are_422(pipeline_app, pipeline_settings):
    client, _ = pipeline_app
    headers = user_headers(pipeline_settings)
    for params in ({"period": "9999-12"}, {"period": "0000-Q1"}):
        response = await client.get("/v1/forecast", params=params, headers=headers)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "period"
        listed = await client.get("/v1/forecast/snapshots", params=params, headers=headers)
        assert listed.status_code == 422
