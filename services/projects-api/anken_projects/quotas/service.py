"""Quota rules: one quota per owner and period (periods of one owner never overlap), owners
are managers or directors, and every write emits quota.set with an audit entry."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.event_payloads import QuotaPayload
from anken_common.events import EventType
from anken_common.problems import Conflict, UnprocessableEntity
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.kit.etag import bump_version
from anken_projects.outbox.writer import record_event
from anken_projects.quotas import repository as repo
from anken_projects.quotas.models import Quota
from anken_projects.quotas.schemas import QuotaCreate, QuotaUpdate
from anken_projects.users.models import User


def quota_payload(quota: Quota) -> dict[str, Any]:
    return QuotaPayload.model_validate(quota, from_attributes=True).model_dump(mode="json")


def _emit(session: AsyncSession, quota: Quota) -> None:
    record_event(session, EventType.quota_set, aggregate_type="quota", aggregate_id=quota.id, tenant=None,
                 payload=quota_payload(quota))


async def create_quota(session: AsyncSession, body: QuotaCreate, principal: Principal | None) -> Quota:
    if body.period_end <= body.period_start:
        raise UnprocessableEntity("period_end", "must be after period_start (the end is exclusive)")
    owner = await session.get(User, body.owner_id)
    if owner is None or not owner.is_active or owner.role not in (Role.manager, Role.director):
        raise UnprocessableEntity("owner_id", "must be an active manager or director")
    clash = await repo.overlapping(session, body.owner_id, body.period_start, body.period_end)
    if clash is not None:
        raise Conflict("the owner already has a quota for an overlapping period", quota_id=str(clash.id))
    quota = Quota(owner_id=body.owner_id, period_start=body.period_start, period_end=body.period_end, amount=body.amount)
    try:
        async with session.begin_nested():
            session.add(quota)
            await session.flush()
    except IntegrityError:
        # A concurrent request for the same owner and period won the race.
        raise Conflict("the owner already has a quota for this period") from None
    _emit(session, quota)
    record_audit(session, principal, "quota.create", "quota", quota.id, after=quota_payload(quota))
    return quota


async def update_quota(session: AsyncSession, quota: Quota, body: QuotaUpdate, principal: Principal | None) -> Quota:
    if body.amount == quota.amount:
        return quota
    before = quota_payload(quota)
    quota.amount = body.amount
    bump_version(quota)
    await session.flush()
    _emit(session, quota)
    record_audit(session, principal, "quota.update", "quota", quota.id, before=before, after=quota_payload(quota))
    return quota
