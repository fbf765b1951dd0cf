"""The demo's month is planned, not left to chance: deterministic, paced as chosen, one list
running out next week, and a member under pace this morning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

import pytest

from anken_projects.demo import catalogue as cat
from anken_projects.demo.month import TZ, MonthPlanner, business_days_between, business_days_until_next_week

SEED = 20260401
# A Wednesday afternoon in the middle of a month, and a Saturday morning early in one.
MOMENTS = [datetime(2026, 11, 18, 15, 0, tzinfo=TZ), datetime(2026, 12, 5, 10, 30, tzinfo=TZ)]
ACTIVE = [s for s in cat.PROJECTS if s.status == "active"]


@lru_cache
def plans(now: datetime) -> dict[str, object]:
    planner = MonthPlanner(now, SEED)
    return {s.suffix: planner.plan(s) for s in cat.PROJECTS if s.status in ("active", "paused")}


@pytest.mark.parametrize("now", MOMENTS)
def test_the_plan_is_deterministic(now: datetime) -> None:
    first, second = plans(now), plans.__wrapped__(now)
    assert [(len(m.targets), len(m.calls)) for m in first.values()] == [(len(m.targets), len(m.calls)) for m in second.values()]
    assert all(a.calls == b.calls and a.targets == b.targets for a, b in zip(first.values(), second.values(), strict=True))


@pytest.mark.parametrize("now", MOMENTS)
def test_calls_are_in_the_past_and_every_list_keeps_uncalled_targets(now: datetime) -> None:
    for suffix, month in plans(now).items():
        assert all(c.occurred_at <= now.astimezone(UTC) + timedelta(minutes=5) for c in month.calls), suffix
        called = {c.target for c in month.calls}
        assert len(month.targets) - len(called) >= 40, suffix
        assert len({t.company_name for t in month.targets}) == len(month.targets)


@pytest.mark.parametrize("now", MOMENTS)
def test_appointments_this_month_follow_each_projects_pace(now: datetime) -> None:
    today = now.date()
    month_start = today.replace(day=1)
    for spec in ACTIVE:
        month = plans(now)[spec.suffix]
        so_far = sum(1 for c in month.calls if c.appointment and c.occurred_at.date() >= month_start)
        last_day = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        in_month = business_days_between(month_start, last_day)
        elapsed = [d for d in in_month if d <= today]
        assert so_far == round(spec.target * len(elapsed) / len(in_month) * spec.pace_factor), spec.suffix


@pytest.mark.parametrize("now", MOMENTS)
def test_one_member_calls_badly_this_morning_and_sets_nothing(now: datetime) -> None:
    spec = next(s for s in ACTIVE if s.under_pace_member)
    today = [c for c in plans(now)[spec.suffix].calls
             if c.member == spec.under_pace_member and c.occurred_at.astimezone(TZ).date() == now.date()]
    assert len(today) >= 30, "over reporting's alert minimum"
    contacts = [c for c in today if c.outcome in ("connected_rejected", "connected_followup", "appointment")]
    assert len(contacts) <= 1


def test_next_week_means_wednesday_of_next_week() -> None:
    friday = datetime(2026, 12, 4).date()
    assert business_days_until_next_week(friday) == 3  # Mon, Tue, Wed
    monday = datetime(2026, 11, 30).date()
    assert business_days_until_next_week(monday) == 7
