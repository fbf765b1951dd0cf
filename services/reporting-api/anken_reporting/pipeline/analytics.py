"""Pipeline formulas of DESIGN §3, as pure functions over plain deal snapshots.

Nothing here touches the database: the repository loads `DealView`s, stage definitions and
history rows, and these functions compute. Money is integer yen; rates are fractions and
`None` when their denominator is zero. Periods are half-open `[start, end)` in dates of the
reporting time zone (Asia/Tokyo unless told otherwise).
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

DEFAULT_TZ = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Period:
    """A half-open range of local dates: `start` inclusive, `end` exclusive."""

    start: date
    end: date

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day < self.end


@dataclass(frozen=True)
class StageDef:
    id: uuid.UUID
    name: str
    position: int
    probability: int
    aging_limit_days: int | None = None
    is_won: bool = False
    is_lost: bool = False
    pipeline_id: uuid.UUID | None = None
    pipeline_name: str = ""


@dataclass(frozen=True)
class DealView:
    """A deal's current state as the read model holds it."""

    id: uuid.UUID
    owner_id: uuid.UUID
    amount: int
    probability: int  # percent, 0–100
    status: str  # open | won | lost
    forecast_category: str  # pipeline | best_case | commit | omitted
    stage_id: uuid.UUID
    created_at: datetime
    stage_entered_at: datetime
    expected_close_date: date | None = None
    closed_at: datetime | None = None
    lead_source: str | None = None
    name: str = ""
    account_name: str = ""


@dataclass(frozen=True)
class StageVisit:
    """One stay of a deal in a stage; `left_at` is None while it is still there."""

    deal_id: uuid.UUID
    stage_id: uuid.UUID
    entered_at: datetime
    left_at: datetime | None = None


@dataclass(frozen=True)
class CloseDateChange:
    deal_id: uuid.UUID
    changed_at: datetime
    old: date | None
    new: date | None


@dataclass(frozen=True)
class WinRate:
    won: int
    lost: int
    won_amount: int
    lost_amount: int
    by_count: float | None
    by_amount: float | None


@dataclass(frozen=True)
class StageConversion:
    stage_id: uuid.UUID
    stage_name: str
    position: int
    entered: int
    advanced: int
    rate: float | None
    pipeline_id: uuid.UUID | None = None
    pipeline_name: str = ""


@dataclass(frozen=True)
class StageAging:
    deal_id: uuid.UUID
    stage_id: uuid.UUID
    stage_name: str
    days_in_stage: int
    aging_limit_days: int | None
    overdue: bool


@dataclass(frozen=True)
class Forecast:
    won: int
    commit: int
    best_case: int
    pipeline: int
    weighted: int


def local_date(moment: datetime, tz: ZoneInfo = DEFAULT_TZ) -> date:
    """The calendar date of an aware datetime in `tz`."""
    return moment.astimezone(tz).date()


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is zero (DESIGN §3)."""
    return None if denominator == 0 else numerator / denominator


def _round_yen(value_times_100: int) -> int:
    # amount × percent is exact in integers; round half up once, at the end.
    return (value_times_100 + 50) // 100


def open_deals(deals: Iterable[DealView]) -> list[DealView]:
    return [d for d in deals if d.status == "open"]


def closed_in(deals: Iterable[DealView], period: Period, tz: ZoneInfo = DEFAULT_TZ) -> list[DealView]:
    """Won or lost deals whose close moment falls in the period (local dates)."""
    return [
        d for d in deals
        if d.status in ("won", "lost") and d.closed_at is not None and period.contains(local_date(d.closed_at, tz))
    ]


def won_in(deals: Iterable[DealView], period: Period, tz: ZoneInfo = DEFAULT_TZ) -> list[DealView]:
    return [d for d in closed_in(deals, period, tz) if d.status == "won"]


def weighted_pipeline(deals: Iterable[DealView]) -> int:
    """Σ amount × probability over open deals, in yen (rounded half up once)."""
    return _round_yen(sum(d.amount * d.probability for d in open_deals(deals)))


def win_rate(deals: Iterable[DealView], period: Period, tz: ZoneInfo = DEFAULT_TZ) -> WinRate:
    """won / (won + lost) by count and by amount, over deals closed in the period."""
    closed = closed_in(deals, period, tz)
    won = [d for d in closed if d.status == "won"]
    lost = [d for d in closed if d.status == "lost"]
    won_amount = sum(d.amount for d in won)
    lost_amount = sum(d.amount for d in lost)
    return WinRate(
        won=len(won), lost=len(lost), won_amount=won_amount, lost_amount=lost_amount,
        by_count=ratio(len(won), len(won) + len(lost)),
        by_amount=ratio(won_amount, won_amount + lost_amount),
    )


def average_deal_size(deals: Iterable[DealView], period: Period, tz: ZoneInfo = DEFAULT_TZ) -> int | None:
    """Mean amount of deals won in the period, in whole yen (half up); None when none was won."""
    won = won_in(deals, period, tz)
    if not won:
        return None
    total = sum(d.amount for d in won)
    return (2 * total + len(won)) // (2 * len(won))


def sales_cycle_days(deals: Iterable[DealView], period: Period, tz: ZoneInfo = DEFAULT_TZ) -> float | None:
    """Median calendar days from creation to won, over deals won in the period; None when none."""
    won = won_in(deals, period, tz)
    if not won:
        return None
    days = [(local_date(d.closed_at, tz) - local_date(d.created_at, tz)).days for d in won if d.closed_at]
    return float(statistics.median(days))


def stage_conversion(
    stages: Sequence[StageDef], visits: Iterable[StageVisit], period: Period | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> list[StageConversion]:
    """Per stage i (per pipeline, in stage order, terminal stages excluded): deals that entered i, deals that
    left i forward (to a stage of higher position), and their ratio.

    With a period, only stays that began in the period count as entries. A deal counts once
    per stage however often it re-entered.
    """
    by_id = {s.id: s for s in stages}
    per_deal: dict[uuid.UUID, list[StageVisit]] = {}
    for visit in visits:
        per_deal.setdefault(visit.deal_id, []).append(visit)
    entered: dict[uuid.UUID, set[uuid.UUID]] = {}
    advanced: dict[uuid.UUID, set[uuid.UUID]] = {}
    for deal_id, deal_visits in per_deal.items():
        ordered = sorted(deal_visits, key=lambda v: v.entered_at)
        for index, visit in enumerate(ordered):
            stage = by_id.get(visit.stage_id)
            if stage is None:
                continue
            if period is not None and not period.contains(local_date(visit.entered_at, tz)):
                continue
            entered.setdefault(stage.id, set()).add(deal_id)
            following = ordered[index + 1] if index + 1 < len(ordered) else None
            next_stage = by_id.get(following.stage_id) if following else None
            if next_stage is not None and not next_stage.is_lost and next_stage.position > stage.position:
                advanced.setdefault(stage.id, set()).add(deal_id)
    result = []
    for stage in sorted(stages, key=lambda s: (s.pipeline_name, str(s.pipeline_id), s.position)):
        if stage.is_won or stage.is_lost:
            continue
        n_in = len(entered.get(stage.id, ()))
        n_fwd = len(advanced.get(stage.id, ()))
        result.append(StageConversion(stage.id, stage.name, stage.position, n_in, n_fwd, ratio(n_fwd, n_in),
                                      stage.pipeline_id, stage.pipeline_name))
    return result


def stage_aging(
    deals: Iterable[DealView], stages: Sequence[StageDef], as_of: date, tz: ZoneInfo = DEFAULT_TZ
) -> list[StageAging]:
    """Days each open deal has spent in its current stage as of a date; overdue when above the limit."""
    by_id = {s.id: s for s in stages}
    rows = []
    for deal in open_deals(deals):
        stage = by_id.get(deal.stage_id)
        days = max(0, (as_of - local_date(deal.stage_entered_at, tz)).days)
        limit = stage.aging_limit_days if stage else None
        rows.append(StageAging(
            deal_id=deal.id, stage_id=deal.stage_id, stage_name=stage.name if stage else "",
            days_in_stage=days, aging_limit_days=limit, overdue=limit is not None and days > limit,
        ))
    return sorted(rows, key=lambda r: (-r.days_in_stage, str(r.deal_id)))


def slipped_deals(
    deals: Iterable[DealView], changes: Iterable[CloseDateChange], period: Period
) -> list[DealView]:
    """Deals whose expected close date was moved from inside the period to outside it, and that
    are still expected outside it (a date moved out and back in again has not slipped)."""
    moved_out = {c.deal_id for c in changes if period.contains(c.old) and not period.contains(c.new)}
    return [
        d for d in deals
        if d.id in moved_out and d.status != "won" and not period.contains(d.expected_close_date)
    ]


def open_pipeline_closing_in(deals: Iterable[DealView], period: Period) -> int:
    """Σ amount of open deals expected to close in the period, `omitted` left out."""
    return sum(
        d.amount for d in open_deals(deals)
        if d.forecast_category != "omitted" and period.contains(d.expected_close_date)
    )


def coverage(open_pipeline: int, quota: int | None, won: int) -> float | None:
    """open pipeline closing in period / (quota − won in period); None when that gap is ≤ 0 or no quota."""
    if quota is None:
        return None
    gap = quota - won
    return None if gap <= 0 else open_pipeline / gap


def forecast(deals: Sequence[DealView], period: Period, tz: ZoneInfo = DEFAULT_TZ) -> Forecast:
    """commit = won + open commit; best case = commit + open best_case (both closing in the period)."""
    won_amount = sum(d.amount for d in won_in(deals, period, tz))
    closing = [d for d in open_deals(deals) if period.contains(d.expected_close_date)]
    open_commit = sum(d.amount for d in closing if d.forecast_category == "commit")
    open_best = sum(d.amount for d in closing if d.forecast_category == "best_case")
    commit = won_amount + open_commit
    return Forecast(
        won=won_amount,
        commit=commit,
        best_case=commit + open_best,
        pipeline=open_pipeline_closing_in(deals, period),
        weighted=weighted_pipeline(d for d in closing if d.forecast_category != "omitted"),
    )


def forecast_accuracy(snapshot_forecast: int, actual_won: int) -> float | None:
    """1 − |snapshot forecast − actual won| / actual won; None when nothing was won."""
    if actual_won == 0:
        return None
    return 1 - abs(snapshot_forecast - actual_won) / actual_won


def stage_visits_from_history(
    deal_id: uuid.UUID, stage_changes: Sequence[tuple[datetime, uuid.UUID]]
) -> list[StageVisit]:
    """Stays in stages from the ordered (entered_at, stage_id) entries of a deal's history."""
    ordered = sorted(stage_changes, key=lambda c: c[0])
    visits = []
    for index, (entered_at, stage_id) in enumerate(ordered):
        left_at = ordered[index + 1][0] if index + 1 < len(ordered) else None
        visits.append(StageVisit(deal_id, stage_id, entered_at, left_at))
    return visits


@dataclass(frozen=True)
class QuotaView:
    owner_id: uuid.UUID
    period_start: date
    period_end: date  # exclusive
    amount: int
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class QuotaShare:
    """How much of one quota, as entered, counts for a period: `shared_days` of its `quota_days`."""

    quota: QuotaView
    shared_days: int
    quota_days: int

    @property
    def whole(self) -> bool:
        """The quota's whole period lies inside the asked period: it counts as entered."""
        return self.shared_days == self.quota_days

    @property
    def exact(self) -> Fraction:
        return Fraction(self.quota.amount * self.shared_days, self.quota_days)


def quota_shares(quotas: Iterable[QuotaView], period: Period) -> list[QuotaShare]:
    """Every quota that shares at least one day with the period, with the days it shares, in
    owner and date order."""
    shares = []
    for quota in quotas:
        start, end = max(quota.period_start, period.start), min(quota.period_end, period.end)
        quota_days = (quota.period_end - quota.period_start).days
        if end <= start or quota_days <= 0:
            continue
        shares.append(QuotaShare(quota, (end - start).days, quota_days))
    return sorted(shares, key=lambda s: (str(s.quota.owner_id), s.quota.period_start))


def quota_for_period(quotas: Iterable[QuotaView], period: Period) -> int | None:
    """The quota that applies to a period: each quota counts in proportion to the days it shares
    with the period (a monthly quota inside a quarter counts whole, as entered; a quarterly quota
    asked for one month counts for that month's days). The exact fractions are summed and rounded
    half up once. None when no quota touches the period."""
    shares = quota_shares(quotas, period)
    if not shares:
        return None
    total = sum((share.exact for share in shares), Fraction(0))
    return int(total * 2 + 1) // 2
