"""Request and response models of the forecast API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from anken_reporting.forecast.periods import PERIOD_PATTERN


class QuotaPartOut(BaseModel):
    """One quota as it was entered, and how much of it the forecast's period counts."""

    quota_id: uuid.UUID | None
    owner_id: uuid.UUID
    period_start: date
    period_end: date = Field(description="Exclusive")
    period: str | None = Field(
        description="The quota's own period as a month `2026-11` or quarter `2026-Q4` when it is exactly one "
                    "(a forecast of that period shows the quota as entered); null for any other span")
    amount: int = Field(description="The quota as entered, yen")
    shared_days: int = Field(description="Days the quota's period shares with the forecast's period")
    quota_days: int = Field(description="Days of the quota's period")
    whole: bool = Field(description="True when the quota counts whole (shared_days = quota_days)")


class ForecastOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "owner_id": "0b7f8c1e-3d7a-4a53-9c55-0f6d2b1d9a10", "period": "2026-11",
        "period_start": "2026-11-01", "period_end": "2026-12-01", "won": 3_000_000, "commit": 5_000_000,
        "best_case": 6_500_000, "pipeline": 9_000_000, "weighted": 4_100_000, "quota": 8_000_000,
        "coverage": 1.8, "attainment": 0.375,
    }})

    owner_id: uuid.UUID | None = Field(description="null: every owner together")
    period: str
    period_start: date
    period_end: date = Field(description="Exclusive")
    won: int = Field(description="Amount won in the period, yen")
    commit: int = Field(description="won + open deals in `commit` closing in the period")
    best_case: int = Field(description="commit + open deals in `best_case` closing in the period")
    pipeline: int = Field(description="Open deals closing in the period, `omitted` excluded")
    weighted: int = Field(description="Σ amount × probability of those open deals")
    quota: int | None = Field(description=(
        "The quota that applies to the period: Σ amount × shared_days / quota_days over the owner's quotas "
        "(every owner's when `owner_id` is null) that share a day with the period, summed exactly and rounded "
        "half up once; null when none does. A quota whose period lies inside the asked period counts whole, as "
        "entered (a quarter's forecast of a quarterly quota is that quota); a quarterly quota asked for one month "
        "counts that month's days, and `quota_parts` says so (e.g. 50,000,000 × 31/92 days)."))
    quota_parts: list[QuotaPartOut] = Field(default_factory=list, description=(
        "Each quota behind `quota`, as entered, with the days it shares with the period: how `quota` was derived"))
    coverage: float | None = Field(description="pipeline / (quota − won); null when ≤ 0 or no quota")
    attainment: float | None = Field(description="won / quota; null without a quota")


class SnapshotRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"periods": ["2026-11", "2026-Q4"]}})

    periods: list[Annotated[str, Field(pattern=PERIOD_PATTERN)]] | None = Field(
        default=None, max_length=12,
        description="Months (YYYY-MM) or quarters (YYYY-Qn); default the current month and quarter",
    )
    period: str | None = Field(default=None, pattern=PERIOD_PATTERN,
                               description="One period, a shorthand for `periods: [period]`")
    owner_id: uuid.UUID | None = Field(default=None, description="Only this owner; default every owner with deals or a quota")
    as_of: date | None = Field(default=None, description="The day the snapshot stands for; default today (Asia/Tokyo)")


    def requested_periods(self) -> list[str] | None:
        """`periods` plus `period`, in order and without repeats; None means the defaults."""
        chosen = [*(self.periods or []), *([self.period] if self.period else [])]
        return list(dict.fromkeys(chosen)) or None


class SnapshotOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"example": {
        "id": "5f0c3f1a-8c1b-4b55-9c7e-0a0fd7f1b2c3", "owner_id": "0b7f8c1e-3d7a-4a53-9c55-0f6d2b1d9a10",
        "period": "2026-11", "period_start": "2026-11-01", "period_end": "2026-12-01", "snapshot_week": "2026-W45",
        "won": 1_000_000, "commit": 4_000_000, "best_case": 6_000_000, "pipeline": 8_000_000,
        "weighted": 3_500_000, "quota": 8_000_000, "taken_at": "2026-11-02T09:00:00+09:00",
        "period_closed": True, "actual_won": 5_000_000, "accuracy": 0.8,
    }})

    id: uuid.UUID
    owner_id: uuid.UUID
    period: str = Field(pattern=PERIOD_PATTERN)
    period_start: date
    period_end: date
    snapshot_week: str = Field(description="ISO week the snapshot was taken in; one per owner, period and week")
    won: int
    commit: int
    best_case: int
    pipeline: int
    weighted: int
    quota: int | None
    taken_at: datetime
    period_closed: bool = Field(description="True once the period has ended")
    actual_won: int | None = Field(description="Amount won in the period, once it has ended")
    accuracy: float | None = Field(
        description="1 − |commit − actual won| / actual won, once the period has ended; null when nothing was won"
    )


class SnapshotList(BaseModel):
    items: list[SnapshotOut]
    next_cursor: str | None = None
