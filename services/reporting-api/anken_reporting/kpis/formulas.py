"""DESIGN §3 formulas as pure functions. Rates are fractions; a zero denominator gives None.

Nothing here rounds: callers present the exact value (JSON floats), so that a figure is the
same whichever screen or export shows it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from anken_reporting.calendar.business_days import BusinessCalendar

WILSON_Z = 1.959963984540054
LIST_EXHAUSTION_WINDOW = 10  # business days of call history behind the average


def rate(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is zero."""
    if not denominator:
        return None
    return numerator / denominator


def contact_rate(contacts: int, calls: int) -> float | None:
    return rate(contacts, calls)


def contact_to_appointment_rate(appointments: int, contacts: int) -> float | None:
    return rate(appointments, contacts)


def appointment_rate(appointments: int, calls: int) -> float | None:
    return rate(appointments, calls)


def appointments_per_hour(appointments: int, worked_hours: float | None) -> float | None:
    """Appointments per logged hour; None when no hours were logged."""
    return rate(appointments, worked_hours or 0)


def progress_rate(appointments_so_far: int, monthly_target: int) -> float | None:
    """Appointments so far / monthly target (None when the target is 0)."""
    return rate(appointments_so_far, monthly_target)


def pace(progress: float | None, elapsed_business_days: int, business_days_in_month: int) -> float | None:
    """progress rate / (elapsed business days / business days in month); None before the first business day."""
    if progress is None or not elapsed_business_days or not business_days_in_month:
        return None
    return progress / (elapsed_business_days / business_days_in_month)


def projected_month_end(appointments_so_far: int, elapsed_business_days: int, business_days_in_month: int) -> float | None:
    """appointments so far / elapsed business days × business days in the month (a real number)."""
    if not elapsed_business_days:
        return None
    return appointments_so_far / elapsed_business_days * business_days_in_month


def list_exhaustion_date(
    remaining_targets: int | None, recent_daily_calls: Sequence[int], as_of: date, calendar: BusinessCalendar
) -> date | None:
    """The business day the list runs out: remaining targets / average calls per business day
    over the last business days (`recent_daily_calls`, one figure per business day), counted
    forward in business days after `as_of` and rounded up to a whole day.

    `as_of` itself when nothing is left; None when the stock is unknown or nobody called.
    """
    if remaining_targets is None or not recent_daily_calls:
        return None
    if remaining_targets <= 0:
        return as_of
    average = sum(recent_daily_calls) / len(recent_daily_calls)
    if average <= 0:
        return None
    return calendar.add_business_days(as_of, math.ceil(remaining_targets / average))


def continuation_rate(renewed: int, terms_ended: int) -> float | None:
    """Contracts renewed / contracts whose term ended in the period."""
    return rate(renewed, terms_ended)


def is_upsell(kind: str, hours_before: int | None, hours_after: int | None, scope_increased: bool) -> bool:
    """A contract change that raised monthly hours or scope."""
    if hours_before is not None and hours_after is not None and hours_after > hours_before:
        return True
    return scope_increased or kind == "upsell"


# Only an active project is being called; any other one's pace (0 while it waits for kickoff, pauses or has
# ended) is no verdict on its team, so it gets no badge.
RUNNING_PROJECT_STATUSES = frozenset({"active"})


def pace_status(pace_value: float | None, on_track: float, at_risk: float, *, project_status: str = "active") -> str | None:
    """not_running for a project that is not active; else on_track when pace ≥ on_track, at_risk when ≥ at_risk,
    else behind; None without a pace."""
    if project_status not in RUNNING_PROJECT_STATUSES:
        return "not_running"
    if pace_value is None:
        return None
    if pace_value >= on_track:
        return "on_track"
    if pace_value >= at_risk:
        return "at_risk"
    return "behind"


def wilson_interval(successes: int, trials: int, z: float = WILSON_Z) -> tuple[float, float] | None:
    """The Wilson score interval of successes/trials; None when there are no trials."""
    if trials <= 0:
        return None
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def two_proportion_z_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float | None, float | None]:
    """Two-sided z-test with pooled variance of x1/n1 against x2/n2: (z, p = erfc(|z|/√2)).

    (None, None) when either sample is empty or the pooled variance is zero.
    """
    if n1 <= 0 or n2 <= 0:
        return None, None
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return None, None
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return z, math.erfc(abs(z) / math.sqrt(2))


def ab_winner(
    rate_a: float | None, rate_b: float | None, contacts_a: int, contacts_b: int, p_value: float | None,
    *, min_contacts: int = 100, alpha: float = 0.05,
) -> str | None:
    """'A' or 'B' — the higher contact-to-appointment rate — only when p < alpha and both have
    at least `min_contacts` contacts; otherwise None."""
    if p_value is None or rate_a is None or rate_b is None:
        return None
    if p_value >= alpha or contacts_a < min_contacts or contacts_b < min_contacts or rate_a == rate_b:
        return None
    return "A" if rate_a > rate_b else "B"
