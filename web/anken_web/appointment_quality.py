"""Appointment quality for a page: reporting-api's figures (GET /v1/projects/{id}/appointment-quality) shaped
for `templates/partials/appointment_quality.html` — each rate with its 95% Wilson interval and its counts,
and the geometry of the small interval bar. No figure is computed here: rates, intervals and the member
ranking order are reporting-api's (DESIGN §3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from anken_web import periods
from anken_web.api_client import Api, ApiError, ApiUnavailable
from anken_web.i18n.extraction import N_

# (rate, label, successes, trials): the counts a rate is read from, as DESIGN §3 defines it.
RATES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("held_rate", N_("Held rate"), "held", ("held", "no_show")),
    ("no_show_rate", N_("No-show rate"), "no_show", ("held", "no_show")),
    ("qualified_rate", N_("Qualified rate"), "qualified", ("qualified", "unqualified")),
    ("appointment_to_deal_rate", N_("Appointment-to-deal rate"), "deals", ("appointments",)),
    ("appointment_to_won_rate", N_("Appointment-to-won rate"), "won", ("appointments",)),
)
# The director's period choices: the appointments set this month, last month, or in the last 90 days.
PERIODS = {"month": N_("This month"), "last_month": N_("Last month"), "90d": N_("Last 90 days")}
BAR_WIDTH = 120


@dataclass(frozen=True)
class RateView:
    """One rate: `value` and its interval [low, high] (None when nothing was counted), `successes / trials`,
    and where the bar draws the interval (x and width) and the rate (mark) on a BAR_WIDTH-wide track."""

    key: str
    label: str
    value: float | None
    low: float | None
    high: float | None
    successes: int
    trials: int

    @property
    def bar_x(self) -> float:
        return round((self.low or 0.0) * BAR_WIDTH, 1)

    @property
    def bar_width(self) -> float:
        return round(max((self.high or 0.0) - (self.low or 0.0), 0.0) * BAR_WIDTH, 1)

    @property
    def mark_x(self) -> float:
        return round((self.value or 0.0) * BAR_WIDTH, 1)


@dataclass(frozen=True)
class QualityFigures:
    appointments: int
    held: int
    no_show: int
    cancelled: int
    pending: int
    qualified: int
    unqualified: int
    deals: int
    won: int
    deal_amount: int
    won_amount: int
    rates: tuple[RateView, ...]

    def rate(self, key: str) -> RateView:
        return next(r for r in self.rates if r.key == key)


@dataclass(frozen=True)
class MemberQuality:
    key: str
    name: str | None
    figures: QualityFigures


@dataclass(frozen=True)
class QualityView:
    """What the partial renders. `totals` is None while reporting-api does not know the project yet (it
    learns of it from events a moment after it is created) or cannot answer; `members` is None when the page
    does not show the member ranking (always so for the client's people unless the project allows names)."""

    period_from: date
    period_to: date
    totals: QualityFigures | None
    members: tuple[MemberQuality, ...] | None

    @property
    def last_day(self) -> date:
        return self.period_to - timedelta(days=1)


def _int(figures: dict[str, Any], key: str) -> int:
    value = figures.get(key)
    return int(value) if isinstance(value, int | float) else 0


def figures_of(raw: dict[str, Any]) -> QualityFigures:
    """One set of figures of the API's answer (the totals or a member's group)."""
    rates = []
    for key, label, successes, trials in RATES:
        interval = raw.get(f"{key}_ci")
        low, high = (float(interval[0]), float(interval[1])) if isinstance(interval, list) and len(interval) == 2 \
            else (None, None)
        value = raw.get(key)
        rates.append(RateView(key=key, label=label, value=float(value) if isinstance(value, int | float) else None,
                              low=low, high=high, successes=_int(raw, successes),
                              trials=sum(_int(raw, t) for t in trials)))
    return QualityFigures(
        appointments=_int(raw, "appointments"), held=_int(raw, "held"), no_show=_int(raw, "no_show"),
        cancelled=_int(raw, "cancelled"), pending=_int(raw, "pending"), qualified=_int(raw, "qualified"),
        unqualified=_int(raw, "unqualified"), deals=_int(raw, "deals"), won=_int(raw, "won"),
        deal_amount=_int(raw, "deal_amount"), won_amount=_int(raw, "won_amount"), rates=tuple(rates),
    )


def period_range(period: str | None, tz: str) -> tuple[date, date, str]:
    """The director's choice (PERIODS; anything else is this month) as [from, to) in the project's days."""
    chosen = period if period in PERIODS else "month"
    if chosen == "90d":
        tomorrow = periods.today_in(tz) + timedelta(days=1)
        return tomorrow - timedelta(days=90), tomorrow, chosen
    first, after = periods.preset_range(chosen, tz)
    return first, after, chosen


async def load_quality(api: Api, project_id: str, *, period_from: date | str, period_to: date | str,
                       with_members: bool) -> QualityView:
    """The project's appointment quality over the appointments set in [period_from, period_to), with the
    member ranking when `with_members` (reporting-api refuses it to whom may not see member names: then the
    view has none)."""
    first = period_from if isinstance(period_from, date) else date.fromisoformat(period_from)
    after = period_to if isinstance(period_to, date) else date.fromisoformat(period_to)
    params: dict[str, Any] = {"from": first.isoformat(), "to": after.isoformat()}
    if with_members:
        params["group_by"] = "member"
    try:
        raw = await api.get("reporting", f"/v1/projects/{project_id}/appointment-quality", **params)
    except ApiError as exc:
        if with_members and exc.status == 403:
            return await load_quality(api, project_id, period_from=first, period_to=after, with_members=False)
        return QualityView(period_from=first, period_to=after, totals=None, members=None)
    except ApiUnavailable:
        return QualityView(period_from=first, period_to=after, totals=None, members=None)
    members = None
    if with_members:
        members = tuple(MemberQuality(key=str(g.get("key")), name=g.get("label"), figures=figures_of(g))
                        for g in raw.get("groups") or [])
    return QualityView(period_from=first, period_to=after, totals=figures_of(raw), members=members)
