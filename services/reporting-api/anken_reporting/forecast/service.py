"""Forecasts by category, weekly snapshots and their accuracy once the period is over."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.forecast import repository as repo
from anken_reporting.forecast.models import ForecastSnapshot
from anken_reporting.forecast.periods import default_period, label_of, parse_period, period_of
from anken_reporting.forecast.schemas import ForecastOut, QuotaPartOut, SnapshotOut
from anken_reporting.pipeline import analytics as pa
from anken_reporting.pipeline import repository as pipeline_repo
from anken_reporting.reports.iso_week import IsoWeek


def _since(period: pa.Period) -> datetime:
    return datetime.combine(period.start, time.min, tzinfo=pa.DEFAULT_TZ)


def _part(share: pa.QuotaShare) -> QuotaPartOut:
    quota = share.quota
    return QuotaPartOut(
        quota_id=quota.id, owner_id=quota.owner_id, period_start=quota.period_start, period_end=quota.period_end,
        period=label_of(pa.Period(quota.period_start, quota.period_end)), amount=quota.amount,
        shared_days=share.shared_days, quota_days=share.quota_days, whole=share.whole,
    )


async def forecast(
    session: AsyncSession, owner_id: uuid.UUID | None, period_label: str | None, today: date,
) -> ForecastOut:
    """The forecast of a period; without one, the period the quotas covering today were entered for
    (periods.default_period)."""
    owners = [owner_id] if owner_id else None
    quotas = await pipeline_repo.quotas(session, owners)
    if period_label is None:
        period_label = default_period(today, [pa.Period(q.period_start, q.period_end) for q in quotas])
    period = parse_period(period_label)
    deals = await pipeline_repo.relevant_deals(session, owners, _since(period))
    quota = pa.quota_for_period(quotas, period)
    result = pa.forecast(deals, period)
    return ForecastOut(
        owner_id=owner_id, period=period_label, period_start=period.start, period_end=period.end,
        won=result.won, commit=result.commit, best_case=result.best_case, pipeline=result.pipeline,
        weighted=result.weighted, quota=quota, quota_parts=[_part(share) for share in pa.quota_shares(quotas, period)],
        coverage=pa.coverage(result.pipeline, quota, result.won),
        attainment=pa.ratio(result.won, quota) if quota else None,
    )


async def take_snapshots(
    session: AsyncSession, periods: Sequence[str] | None, owner_id: uuid.UUID | None, as_of: date,
) -> list[SnapshotOut]:
    labels = list(dict.fromkeys(periods or [period_of(as_of), period_of(as_of, "quarter")]))
    owners = [owner_id] if owner_id else await pipeline_repo.owner_ids(session)
    week = IsoWeek.containing(as_of).label
    taken = []
    for label in labels:
        period = parse_period(label)
        deals = await pipeline_repo.relevant_deals(session, owners, _since(period))
        quotas = await pipeline_repo.quotas(session, owners)
        for owner in owners:
            result = pa.forecast([d for d in deals if d.owner_id == owner], period)
            snapshot = await repo.upsert(session, {
                "id": uuid.uuid4(), "owner_id": owner, "period": label, "period_start": period.start,
                "period_end": period.end, "snapshot_week": week, "won": result.won, "commit": result.commit,
                "best_case": result.best_case, "pipeline": result.pipeline, "weighted": result.weighted,
                "quota": pa.quota_for_period([q for q in quotas if q.owner_id == owner], period),
                "taken_at": datetime.now(pa.DEFAULT_TZ),
            })
            taken.append(await _out(session, snapshot, as_of, {}))
    return taken


async def list_snapshots(
    session: AsyncSession, *, owner_id: uuid.UUID | None, period: str | None, cursor: str | None, limit: int,
    today: date,
) -> tuple[list[SnapshotOut], str | None]:
    rows, next_cursor = await repo.page(session, owner_id=owner_id, period=period, cursor=cursor, limit=limit)
    actuals: dict[tuple[uuid.UUID, str], int] = {}
    return [await _out(session, row, today, actuals) for row in rows], next_cursor


async def _out(
    session: AsyncSession, row: ForecastSnapshot, today: date, actuals: dict[tuple[uuid.UUID, str], int],
) -> SnapshotOut:
    closed = row.period_end <= today
    actual: int | None = None
    if closed:
        key = (row.owner_id, row.period)
        if key not in actuals:
            period = pa.Period(row.period_start, row.period_end)
            deals = await pipeline_repo.relevant_deals(session, [row.owner_id], _since(period))
            actuals[key] = pa.forecast(deals, period).won
        actual = actuals[key]
    return SnapshotOut(
        id=row.id, owner_id=row.owner_id, period=row.period, period_start=row.period_start,
        period_end=row.period_end, snapshot_week=row.snapshot_week, won=row.won, commit=row.commit,
        best_case=row.best_case, pipeline=row.pipeline, weighted=row.weighted, quota=row.quota,
        taken_at=row.taken_at, period_closed=closed, actual_won=actual,
        accuracy=pa.forecast_accuracy(row.commit, actual) if actual is not None else None,
    )
