"""The pipeline formulas of DESIGN §3, pinned on hand-computed data."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from anken_reporting.forecast.periods import InvalidPeriod, parse_period, period_of
from anken_reporting.pipeline.analytics import (
    CloseDateChange,
    DealView,
    Period,
    StageDef,
    average_deal_size,
    coverage,
    forecast,
    forecast_accuracy,
    open_pipeline_closing_in,
    sales_cycle_days,
    slipped_deals,
    stage_aging,
    stage_conversion,
    stage_visits_from_history,
    weighted_pipeline,
    win_rate,
)

JST = timezone(timedelta(hours=9))
OWNER = uuid.uuid4()
NOV = Period(date(2026, 11, 1), date(2026, 12, 1))
S1, S2, S3, WON, LOST = (uuid.uuid4() for _ in range(5))
STAGES = [
    StageDef(S1, "ヒアリング", 1, 20, aging_limit_days=14),
    StageDef(S2, "提案", 2, 50, aging_limit_days=7),
    StageDef(S3, "交渉", 3, 80),
    StageDef(WON, "受注", 4, 100, is_won=True),
    StageDef(LOST, "失注", 5, 0, is_lost=True),
]


def deal(amount: int, probability: int = 50, status: str = "open", category: str = "pipeline",
         close: date | None = None, created: datetime | None = None, closed: datetime | None = None,
         stage: uuid.UUID = S1, entered: datetime | None = None) -> DealView:
    created = created or datetime(2026, 10, 1, 10, tzinfo=JST)
    return DealView(
        id=uuid.uuid4(), owner_id=OWNER, amount=amount, probability=probability, status=status,
        forecast_category=category, stage_id=stage, created_at=created, stage_entered_at=entered or created,
        expected_close_date=close, closed_at=closed,
    )


def test_weighted_pipeline_counts_open_deals_only():
    deals = [deal(1_000_000, 30), deal(500_000, 50), deal(2_000_000, 100, status="won"), deal(9_999, 0)]
    # 1,000,000×0.3 + 500,000×0.5 = 550,000; the won deal and the 0% deal add nothing.
    assert weighted_pipeline(deals) == 550_000
    assert weighted_pipeline([]) == 0


def test_weighted_pipeline_rounds_half_up_once():
    # 333×33% = 109.89 and 1×50% = 0.5 → 110.39 → 110
    assert weighted_pipeline([deal(333, 33), deal(1, 50)]) == 110


def test_win_rate_by_count_and_amount_over_deals_closed_in_period():
    deals = [
        deal(100, status="won", closed=datetime(2026, 11, 3, tzinfo=JST)),
        deal(300, status="won", closed=datetime(2026, 11, 30, 23, 59, tzinfo=JST)),
        deal(600, status="lost", closed=datetime(2026, 11, 10, tzinfo=JST)),
        # 2026-12-01 00:30 JST is outside November even though it is still Nov 30 in UTC.
        deal(5_000, status="lost", closed=datetime(2026, 11, 30, 15, 30, tzinfo=UTC)),
        deal(7_000, status="won", closed=datetime(2026, 10, 31, tzinfo=JST)),
        deal(8_000),
    ]
    rate = win_rate(deals, NOV)
    assert (rate.won, rate.lost) == (2, 1)
    assert rate.by_count == pytest.approx(2 / 3)
    assert rate.by_amount == pytest.approx(400 / 1000)


def test_win_rate_is_null_when_nothing_closed():
    rate = win_rate([deal(100)], NOV)
    assert rate.by_count is None and rate.by_amount is None


def test_win_rate_by_amount_null_when_closed_amounts_are_zero():
    rate = win_rate([deal(0, status="lost", closed=datetime(2026, 11, 2, tzinfo=JST))], NOV)
    assert rate.by_count == 0.0
    assert rate.by_amount is None


def test_average_deal_size_is_mean_of_won_in_period():
    deals = [
        deal(100_000, status="won", closed=datetime(2026, 11, 3, tzinfo=JST)),
        deal(250_001, status="won", closed=datetime(2026, 11, 4, tzinfo=JST)),
        deal(900_000, status="lost", closed=datetime(2026, 11, 4, tzinfo=JST)),
    ]
    assert average_deal_size(deals, NOV) == 175_001  # 350,001 / 2 = 175,000.5 → half up
    assert average_deal_size([], NOV) is None


def test_sales_cycle_is_median_days_from_creation_to_won():
    created = datetime(2026, 10, 1, 9, tzinfo=JST)
    deals = [
        deal(1, status="won", created=created, closed=datetime(2026, 11, 1, tzinfo=JST)),  # 31 days
        deal(1, status="won", created=created, closed=datetime(2026, 11, 11, tzinfo=JST)),  # 41 days
        deal(1, status="won", created=created, closed=datetime(2026, 11, 5, tzinfo=JST)),  # 35 days
        deal(1, status="won", created=created, closed=datetime(2026, 11, 21, tzinfo=JST)),  # 51 days
        deal(1, status="lost", created=created, closed=datetime(2026, 11, 2, tzinfo=JST)),
    ]
    assert sales_cycle_days(deals, NOV) == 38.0  # median of 31, 35, 41, 51
    assert sales_cycle_days(deals[:3], NOV) == 35.0
    assert sales_cycle_days([], NOV) is None


def _t(day: int) -> datetime:
    return datetime(2026, 11, day, 10, tzinfo=JST)


def test_stage_conversion_counts_forward_exits_over_entries():
    a, b, c, d = (uuid.uuid4() for _ in range(4))
    visits = [
        *stage_visits_from_history(a, [(_t(1), S1), (_t(2), S2), (_t(3), S3), (_t(4), WON)]),
        *stage_visits_from_history(b, [(_t(1), S1), (_t(5), S2), (_t(6), S1)]),  # back to S1: S2 did not advance
        *stage_visits_from_history(c, [(_t(1), S1), (_t(7), LOST)]),  # lost is not forward
        *stage_visits_from_history(d, [(_t(2), S1)]),
    ]
    rows = {row.stage_name: row for row in stage_conversion(STAGES, visits)}
    assert list(rows) == ["ヒアリング", "提案", "交渉"]
    assert (rows["ヒアリング"].entered, rows["ヒアリング"].advanced) == (4, 2)
    assert rows["ヒアリング"].rate == 0.5
    assert (rows["提案"].entered, rows["提案"].advanced, rows["提案"].rate) == (2, 1, 0.5)
    assert (rows["交渉"].entered, rows["交渉"].advanced, rows["交渉"].rate) == (1, 1, 1.0)


def test_stage_conversion_is_null_for_a_stage_nobody_entered():
    rows = stage_conversion(STAGES, [])
    assert all(row.entered == 0 and row.rate is None for row in rows)


def test_stage_aging_flags_deals_above_the_stage_limit():
    fresh = deal(1, stage=S2, entered=datetime(2026, 11, 13, 23, tzinfo=JST))
    limit = deal(1, stage=S2, entered=datetime(2026, 11, 13, 0, 30, tzinfo=JST))
    old = deal(1, stage=S2, entered=datetime(2026, 11, 12, tzinfo=JST))
    unlimited = deal(1, stage=S3, entered=datetime(2026, 1, 1, tzinfo=JST))
    closed = deal(1, status="won", stage=WON, entered=datetime(2026, 1, 1, tzinfo=JST))
    rows = {r.deal_id: r for r in stage_aging([fresh, limit, old, unlimited, closed], STAGES, date(2026, 11, 20))}
    assert closed.id not in rows
    assert (rows[fresh.id].days_in_stage, rows[fresh.id].overdue) == (7, False)
    assert (rows[limit.id].days_in_stage, rows[limit.id].overdue) == (7, False)
    assert (rows[old.id].days_in_stage, rows[old.id].overdue) == (8, True)
    assert rows[unlimited.id].overdue is False and rows[unlimited.id].days_in_stage == 323


def test_slippage_is_a_close_date_moved_out_of_the_period():
    moved_out = deal(100, close=date(2026, 12, 15))
    moved_back = deal(200, close=date(2026, 11, 20))
    moved_within = deal(300, close=date(2026, 11, 28))
    moved_in = deal(400, close=date(2026, 11, 5))
    changes = [
        CloseDateChange(moved_out.id, _t(10), date(2026, 11, 25), date(2026, 12, 15)),
        CloseDateChange(moved_back.id, _t(10), date(2026, 11, 20), date(2027, 1, 10)),
        CloseDateChange(moved_back.id, _t(12), date(2027, 1, 10), date(2026, 11, 20)),
        CloseDateChange(moved_within.id, _t(10), date(2026, 11, 10), date(2026, 11, 28)),
        CloseDateChange(moved_in.id, _t(10), date(2026, 10, 30), date(2026, 11, 5)),
    ]
    slipped = slipped_deals([moved_out, moved_back, moved_within, moved_in], changes, NOV)
    assert [d.id for d in slipped] == [moved_out.id]
    assert slipped_deals([], [], NOV) == []


def test_coverage_is_open_pipeline_over_remaining_quota():
    deals = [
        deal(3_000_000, close=date(2026, 11, 20)),
        deal(1_000_000, close=date(2026, 11, 30), category="commit"),
        deal(9_000_000, close=date(2026, 12, 1)),  # closes after the period
        deal(5_000_000, close=date(2026, 11, 10), category="omitted"),
        deal(2_000_000, status="won", close=date(2026, 11, 5), closed=_t(5)),
    ]
    pipeline = open_pipeline_closing_in(deals, NOV)
    assert pipeline == 4_000_000
    # quota 10,000,000 − won 2,000,000 = 8,000,000 → 0.5
    assert coverage(pipeline, 10_000_000, 2_000_000) == 0.5


@pytest.mark.parametrize(("quota", "won"), [(1_000_000, 1_000_000), (1_000_000, 1_500_000), (0, 0), (None, 0)])
def test_coverage_is_null_when_quota_is_met_or_missing(quota, won):
    assert coverage(4_000_000, quota, won) is None


def test_forecast_commit_and_best_case():
    deals = [
        deal(1_000_000, status="won", closed=_t(3)),
        deal(500_000, category="commit", close=date(2026, 11, 25), probability=90),
        deal(300_000, category="best_case", close=date(2026, 11, 26), probability=60),
        deal(200_000, category="pipeline", close=date(2026, 11, 27), probability=20),
        deal(700_000, category="commit", close=date(2026, 12, 2)),  # next month
        deal(900_000, category="omitted", close=date(2026, 11, 27)),
    ]
    result = forecast(deals, NOV)
    assert result.won == 1_000_000
    assert result.commit == 1_500_000
    assert result.best_case == 1_800_000
    assert result.pipeline == 1_000_000
    assert result.weighted == 450_000 + 180_000 + 40_000


def test_forecast_of_an_empty_period_is_zero():
    result = forecast([], NOV)
    assert (result.won, result.commit, result.best_case, result.pipeline) == (0, 0, 0, 0)


def test_forecast_accuracy():
    assert forecast_accuracy(900_000, 1_000_000) == pytest.approx(0.9)
    assert forecast_accuracy(1_200_000, 1_000_000) == pytest.approx(0.8)
    assert forecast_accuracy(3_000_000, 1_000_000) == pytest.approx(-1.0)
    assert forecast_accuracy(500_000, 0) is None


def test_periods_parse_months_and_quarters():
    assert parse_period("2026-11") == Period(date(2026, 11, 1), date(2026, 12, 1))
    assert parse_period("2026-12") == Period(date(2026, 12, 1), date(2027, 1, 1))
    assert parse_period("2026-Q4") == Period(date(2026, 10, 1), date(2027, 1, 1))
    assert parse_period("2027-Q1") == Period(date(2027, 1, 1), date(2027, 4, 1))
    assert period_of(date(2026, 11, 30)) == "2026-11"
    assert period_of(date(2026, 11, 30), "quarter") == "2026-Q4"
    for bad in ("2026-13", "2026-Q5", "26-11", "2026/11", ""):
        with pytest.raises(InvalidPeriod):
            parse_period(bad)
