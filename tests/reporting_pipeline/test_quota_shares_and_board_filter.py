"""Quotas as entered (how a forecast's quota is derived, and which period a forecast shows by default),
and the pipeline summary counting exactly the deals of one board (pipeline and owner)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

from anken_reporting.forecast.periods import default_period, label_of
from anken_reporting.pipeline.analytics import Period

from .conftest import apply_all, envelope, user_headers
from .test_pipeline_api import deal_event

JST = timezone(timedelta(hours=9))


def quota(owner: uuid.UUID, start: str, end: str, amount: int, quota_id: uuid.UUID | None = None):
    quota_id = quota_id or uuid.uuid4()
    return envelope("quota.set", "quota", quota_id, {
        "id": str(quota_id), "owner_id": str(owner), "period_start": start, "period_end": end, "amount": amount,
    })


def fresh_pipeline() -> tuple[uuid.UUID, list[tuple[uuid.UUID, int, str]], object]:
    """A pipeline of its own (so other tests' deals stay out): its id, (stage, probability, status) per stage
    and its pipeline.changed event."""
    pipeline = uuid.uuid4()
    stages = [(uuid.uuid4(), 20, "open"), (uuid.uuid4(), 50, "open"), (uuid.uuid4(), 80, "open"),
              (uuid.uuid4(), 100, "won"), (uuid.uuid4(), 0, "lost")]
    payload = {"id": str(pipeline), "name": f"board {str(pipeline)[:4]}", "stages": [
        {"id": str(stage), "name": f"stage {n}", "position": n + 1, "probability": probability,
         "aging_limit_days": 14, "is_won": status == "won", "is_lost": status == "lost"}
        for n, (stage, probability, status) in enumerate(stages)]}
    return pipeline, stages, envelope("pipeline.changed", "pipeline", pipeline, payload)


def test_label_of_names_exact_months_and_quarters_only() -> None:
    assert label_of(Period(date(2026, 10, 1), date(2027, 1, 1))) == "2026-Q4"
    assert label_of(Period(date(2026, 11, 1), date(2026, 12, 1))) == "2026-11"
    assert label_of(Period(date(2026, 11, 1), date(2026, 11, 30))) is None
    assert label_of(Period(date(2026, 10, 15), date(2027, 1, 15))) is None


def test_the_default_period_is_the_one_todays_quotas_were_entered_for() -> None:
    q4 = Period(date(2026, 10, 1), date(2027, 1, 1))
    december = Period(date(2026, 12, 1), date(2027, 1, 1))
    today = date(2026, 12, 5)
    assert default_period(today, [q4]) == "2026-Q4"
    assert default_period(today, [q4, q4]) == "2026-Q4"  # two owners, both quarterly
    assert default_period(today, [december]) == "2026-12"
    assert default_period(today, [q4, december]) == "2026-12"  # mixed: the month
    assert default_period(today, []) == "2026-12"
    # A quota of another quarter does not cover today.
    assert default_period(today, [Period(date(2026, 7, 1), date(2026, 10, 1))]) == "2026-12"


async def test_a_quarterly_quota_shows_as_entered_for_its_quarter_and_explains_a_month(pipeline_app, pipeline_settings):
    client, resources = pipeline_app
    owner, other = uuid.uuid4(), uuid.uuid4()
    q4 = uuid.uuid4()
    await apply_all(resources, quota(owner, "2026-10-01", "2027-01-01", 50_000_000, q4))
    headers = user_headers(pipeline_settings)

    quarter = (await client.get("/v1/forecast", params={"owner_id": str(owner), "period": "2026-Q4"},
                                headers=headers)).json()
    assert quarter["quota"] == 50_000_000
    assert quarter["quota_parts"] == [{
        "quota_id": str(q4), "owner_id": str(owner), "period_start": "2026-10-01", "period_end": "2027-01-01",
        "period": "2026-Q4", "amount": 50_000_000, "shared_days": 92, "quota_days": 92, "whole": True,
    }]

    december = (await client.get("/v1/forecast", params={"owner_id": str(owner), "period": "2026-12"},
                                 headers=headers)).json()
    # 50,000,000 × 31 / 92 = 16,847,826.08… → 16,847,826; the part says so instead of an unexplained figure.
    assert december["quota"] == 16_847_826
    [part] = december["quota_parts"]
    assert (part["amount"], part["shared_days"], part["quota_days"], part["whole"], part["period"]) == (
        50_000_000, 31, 92, False, "2026-Q4")

    # Two owners: a monthly quota inside the month counts whole, next to the quarterly one's 31/92.
    await apply_all(resources, quota(other, "2026-12-01", "2027-01-01", 3_000_000))
    for_both = (await client.get("/v1/forecast", params={"owner_id": str(other), "period": "2026-Q4"},
                                 headers=headers)).json()
    assert for_both["quota"] == 3_000_000 and for_both["quota_parts"][0]["whole"] is True
    assert for_both["quota_parts"][0]["period"] == "2026-12"


async def test_without_a_period_a_quarterly_quota_picks_the_quarter(pipeline_app, pipeline_settings):
    client, resources = pipeline_app
    owner = uuid.uuid4()
    today = datetime.now(JST).date()
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first_month, 1)
    end = date(today.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    await apply_all(resources, quota(owner, start.isoformat(), end.isoformat(), 30_000_000))
    body = (await client.get("/v1/forecast", params={"owner_id": str(owner)}, headers=user_headers(pipeline_settings))).json()
    assert body["period"] == f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    assert body["quota"] == 30_000_000

    monthly_owner = uuid.uuid4()
    month_end = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    await apply_all(resources, quota(monthly_owner, today.replace(day=1).isoformat(), month_end.isoformat(), 4_000_000))
    monthly = (await client.get("/v1/forecast", params={"owner_id": str(monthly_owner)},
                                headers=user_headers(pipeline_settings))).json()
    assert monthly["period"] == f"{today.year}-{today.month:02d}" and monthly["quota"] == 4_000_000


async def test_the_summary_of_one_pipeline_and_owner_counts_exactly_that_boards_deals(pipeline_app, pipeline_settings):
    """Demo-like: many deals, three owners, two pipelines, some closed. A board shows one pipeline's open
    deals (of one owner, or everyone's); the tiles above it must count the same deals."""
    client, resources = pipeline_app
    owners = [uuid.uuid4() for _ in range(3)]
    board_pipeline, board_stages, board_event = fresh_pipeline()
    other_pipeline, other_stages, other_event = fresh_pipeline()
    events = [board_event, other_event]
    created = datetime(2026, 9, 1, 10, tzinfo=JST)
    expected: dict[uuid.UUID | None, list[tuple[int, int]]] = {None: [], **{o: [] for o in owners}}
    for n in range(33):
        owner = owners[n % 3]
        pipeline, stages = (board_pipeline, board_stages) if n % 4 else (other_pipeline, other_stages)
        stage, probability, status = stages[n % 5]
        amount = 1_000_000 + 100_000 * n
        event = deal_event("deal.created", uuid.uuid4(), owner, stage=stage, amount=amount, probability=probability,
                           close="2026-11-20", category="pipeline", created=created, entered=created, status=status,
                           closed=datetime(2026, 11, 10, 10, tzinfo=JST) if status != "open" else None)
        event.payload["pipeline_id"] = str(pipeline)
        events.append(event)
        if pipeline == board_pipeline and status == "open":
            expected[None].append((amount, probability))
            expected[owner].append((amount, probability))
    assert all(await apply_all(resources, *events))
    headers = user_headers(pipeline_settings)
    for owner, deals in expected.items():
        params = {"pipeline_id": str(board_pipeline), "from": "2026-11-01", "to": "2026-12-01", "as_of": "2026-11-20"}
        if owner is not None:
            params["owner_id"] = str(owner)
        response = await client.get("/v1/pipeline/summary", params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["pipeline_id"] == str(board_pipeline)
        assert body["totals"]["open_deals"] == len(deals) > 0
        assert body["totals"]["open_amount"] == sum(amount for amount, _ in deals)
        assert body["totals"]["weighted_pipeline"] == sum(amount * p for amount, p in deals) // 100
    # 33 deals: 24 on the board's pipeline (n % 4 ≠ 0), of which 16 open (n % 5 in 0, 1, 2).
    assert len(expected[None]) == 16
