"""Member pace alert rules: a member's rate today against the project's trailing average."""

from __future__ import annotations

from dataclasses import dataclass

from anken_reporting.kpis.formulas import rate


@dataclass(frozen=True)
class PaceRule:
    name: str
    label: str  # Japanese label used in the alert text
    numerator: str  # a key of the day/trailing aggregates: calls, contacts, appointments, hours
    denominator: str


RULES: tuple[PaceRule, ...] = (
    PaceRule("contact_to_appointment_rate_low", "コンタクトアポ率", "appointments", "contacts"),
    PaceRule("contact_rate_low", "コンタクト率", "contacts", "calls"),
    PaceRule("appointments_per_hour_low", "時間あたりアポ数", "appointments", "hours"),
)


@dataclass(frozen=True)
class RuleVerdict:
    rule: PaceRule
    value: float
    trailing: float
    threshold: float


def evaluate(rule: PaceRule, today: dict[str, float], trailing: dict[str, float], *, min_calls: int,
             ratio: float, min_trailing_denominator: float) -> RuleVerdict | None:
    """A verdict when the member has made `min_calls` calls today, both rates exist, and today's
    rate is below `ratio` × the trailing rate; None otherwise."""
    if today.get("calls", 0) < min_calls:
        return None
    if trailing.get(rule.denominator, 0) < min_trailing_denominator and rule.denominator != "hours":
        return None
    value = rate(today.get(rule.numerator, 0), today.get(rule.denominator, 0))
    average = rate(trailing.get(rule.numerator, 0), trailing.get(rule.denominator, 0))
    if value is None or not average:
        return None
    threshold = ratio * average
    return RuleVerdict(rule, value, average, threshold) if value < threshold else None
