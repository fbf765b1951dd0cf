"""DESIGN §3 formulas on hand-computed numbers."""

from __future__ import annotations

import math
from datetime import date

import pytest

from anken_reporting.calendar.business_days import BusinessCalendar
from anken_reporting.kpis import formulas


def test_rates_are_null_when_the_denominator_is_zero() -> None:
    assert formulas.contact_rate(0, 0) is None
    assert formulas.contact_to_appointment_rate(0, 0) is None
    assert formulas.appointment_rate(0, 0) is None
    assert formulas.appointments_per_hour(3, 0) is None
    assert formulas.appointments_per_hour(3, None) is None


def test_rates_are_exact_fractions() -> None:
    assert formulas.contact_rate(6, 16) == 0.375
    assert formulas.contact_to_appointment_rate(3, 6) == 0.5
    assert formulas.appointment_rate(3, 16) == 0.1875
    assert formulas.appointments_per_hour(3, 4.0) == 0.75


def test_progress_is_null_for_a_zero_target_and_pace_follows() -> None:
    assert formulas.progress_rate(5, 0) is None
    assert formulas.pace(None, 5, 19) is None
    assert formulas.projected_month_end(5, 5, 19) == 19.0


def test_pace_and_projection_before_the_first_business_day_are_null() -> None:
    assert formulas.pace(0.0, 0, 19) is None
    assert formulas.projected_month_end(0, 0, 19) is None


def test_pace_is_progress_over_elapsed_share_of_business_days() -> None:
    progress = formulas.progress_rate(3, 19)
    assert formulas.pace(progress, 6, 19) == pytest.approx(0.5, abs=1e-15)
    assert formulas.projected_month_end(3, 6, 19) == 9.5


def test_business_days_of_january_2027_exclude_new_year_and_coming_of_age_day() -> None:
    calendar = BusinessCalendar()
    assert calendar.count(date(2027, 1, 1), date(2027, 2, 1)) == 19
    assert not calendar.is_business_day(date(2027, 1, 11))
    assert calendar.count(date(2027, 1, 1), date(2027, 1, 13)) == 6


def test_substitute_holiday_and_extra_closed_days_are_not_business_days() -> None:
    # 2026-05-06 is a substitute holiday (Constitution Day fell on a Sunday, 5/3).
    assert not BusinessCalendar().is_business_day(date(2026, 5, 6))
    assert not BusinessCalendar([date(2026, 12, 29)]).is_business_day(date(2026, 12, 29))
    assert BusinessCalendar().is_business_day(date(2026, 12, 29))


def test_list_exhaustion_counts_forward_in_business_days() -> None:
    calendar = BusinessCalendar()
    # 14 left at 1.5 calls a day: 9.33 → 10 business days after 2027-01-12.
    recent = [0, 0, 0, 0, 10, 5, 0, 0, 0, 0]
    assert formulas.list_exhaustion_date(14, recent, date(2027, 1, 12), calendar) == date(2027, 1, 26)
    assert formulas.list_exhaustion_date(0, recent, date(2027, 1, 12), calendar) == date(2027, 1, 12)
    assert formulas.list_exhaustion_date(14, [0] * 10, date(2027, 1, 12), calendar) is None
    assert formulas.list_exhaustion_date(None, recent, date(2027, 1, 12), calendar) is None


def test_continuation_and_upsell() -> None:
    assert formulas.continuation_rate(0, 0) is None
    assert formulas.continuation_rate(2, 3) == 2 / 3
    assert formulas.is_upsell("renewal", 100, 120, False)
    assert formulas.is_upsell("upsell", None, None, False)
    assert not formulas.is_upsell("renewal", 120, 120, False)
    assert not formulas.is_upsell("downsell", 120, 100, False)


def test_pace_status_thresholds() -> None:
    assert formulas.pace_status(1.0, 1.0, 0.8) == "on_track"
    assert formulas.pace_status(0.8, 1.0, 0.8) == "at_risk"
    assert formulas.pace_status(0.79, 1.0, 0.8) == "behind"
    assert formulas.pace_status(None, 1.0, 0.8) is None
    for status in ("draft", "kickoff", "paused", "ended"):
        assert formulas.pace_status(0.0, 1.0, 0.8, project_status=status) == "not_running"
    assert formulas.pace_status(0.0, 1.0, 0.8, project_status="active") == "behind"


def test_wilson_interval_matches_hand_computation() -> None:
    # 10/100, z=1.959963984540054: centre = (0.1 + z²/200)/(1 + z²/100); half = z·√(0.0009 + z²/40000)/(1 + z²/100)
    z = formulas.WILSON_Z
    denominator = 1 + z * z / 100
    centre = (0.1 + z * z / 200) / denominator
    half = z * math.sqrt(0.1 * 0.9 / 100 + z * z / 40000) / denominator
    low, high = formulas.wilson_interval(10, 100)
    assert low == pytest.approx(centre - half, rel=1e-12) and low == pytest.approx(0.0552291, abs=1e-7)
    assert high == pytest.approx(centre + half, rel=1e-12) and high == pytest.approx(0.17436566, abs=1e-8)
    assert formulas.wilson_interval(0, 0) is None


def test_two_proportion_z_test_with_pooled_variance() -> None:
    # A: 30/150, B: 15/150 → pooled 0.15; se = √(0.15·0.85·(2/150)); z = 0.1/se
    z, p = formulas.two_proportion_z_test(30, 150, 15, 150)
    se = math.sqrt(0.15 * 0.85 * (2 / 150))
    assert z == pytest.approx(0.1 / se, rel=1e-12)
    assert p == pytest.approx(math.erfc(abs(0.1 / se) / math.sqrt(2)), rel=1e-12)
    assert p < 0.05
    assert formulas.two_proportion_z_test(0, 0, 3, 10) == (None, None)
    assert formulas.two_proportion_z_test(0, 10, 0, 10) == (None, None)


def test_winner_needs_significance_and_a_hundred_contacts_each() -> None:
    assert formulas.ab_winner(0.2, 0.1, 150, 150, 0.01) == "A"
    assert formulas.ab_winner(0.1, 0.2, 150, 150, 0.01) == "B"
    assert formulas.ab_winner(0.2, 0.1, 99, 150, 0.01) is None
    assert formulas.ab_winner(0.2, 0.1, 150, 150, 0.05) is None
