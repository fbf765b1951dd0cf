"""Target lists and targets: create, list with filters, read, and manual updates."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.event_payloads import TargetPayload
from anken_common.events import EventType
from anken_common.problems import UnprocessableEntity
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.dnc.repository import target_is_dnc_clause
from anken_projects.kit.etag import bump_version
from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.kit.snapshot import snapshot
from anken_projects.outbox.writer import record_event
from anken_projects.projects.models import Project
from anken_projects.targets.models import MANUAL_STATUSES, Target, TargetList, TargetStatus, settable_statuses
from anken_projects.targets.schemas import TargetListCreate, TargetListOut, TargetListUpdate, TargetOut, TargetUpdate


async def create_target_list(
    session: AsyncSession, principal: Principal, project: Project, body: TargetListCreate
) -> TargetList:
    target_list = TargetList(project_id=project.id, client_id=project.client_id, name=body.name, source=body.source)
    session.add(target_list)
    await session.flush()
    record_audit(session, principal, "target_list.created", "target_list", target_list.id, after=snapshot(target_list))
    return target_list


async def update_target_list(
    session: AsyncSession, principal: Principal, target_list: TargetList, body: TargetListUpdate
) -> TargetList:
    before = snapshot(target_list)
    changes = body.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise UnprocessableEntity("name", "must not be null")
    for key, value in changes.items():
        setattr(target_list, key, value)
    bump_version(target_list)
    record_audit(session, principal, "target_list.updated", "target_list", target_list.id,
                 before=before, after=snapshot(target_list))
    return target_list


async def target_counts(session: AsyncSession, list_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not list_ids:
        return {}
    rows = await session.execute(
        sa.select(col(Target.target_list_id), sa.func.count()).where(col(Target.target_list_id).in_(list_ids))
        .group_by(col(Target.target_list_id))
    )
    return {row[0]: row[1] for row in rows}


async def list_outputs(session: AsyncSession, lists: list[TargetList]) -> list[TargetListOut]:
    counts = await target_counts(session, [t.id for t in lists])
    return [TargetListOut.model_validate(t).model_copy(update={"target_count": counts.get(t.id, 0)}) for t in lists]


async def list_target_lists(
    session: AsyncSession, project: Project, *, cursor: str | None, limit: int
) -> PageResult[TargetList]:
    statement = sa.select(TargetList).where(col(TargetList.project_id) == project.id)
    return await paginate(session, statement, (col(TargetList.created_at), col(TargetList.id)), cursor=cursor, limit=limit)


async def list_targets(
    session: AsyncSession,
    target_list: TargetList,
    *,
    status: TargetStatus | None,
    tier: int | None,
    industry: str | None,
    region: str | None,
    q: str | None,
    cursor: str | None,
    limit: int,
) -> PageResult[Target]:
    statement = sa.select(Target).where(col(Target.target_list_id) == target_list.id)
    if status is not None:
        statement = statement.where(col(Target.status) == status)
    if tier is not None:
        statement = statement.where(col(Target.priority_tier) == tier)
    if industry:
        statement = statement.where(col(Target.industry) == industry)
    if region:
        statement = statement.where(col(Target.region) == region)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(sa.or_(
            col(Target.company_name).ilike(pattern, escape="\\"), col(Target.phone).like(pattern, escape="\\"),
            col(Target.corporate_number) == q,
        ))
    return await paginate(session, statement, (col(Target.id),), cursor=cursor, limit=limit)


async def dnc_flags(session: AsyncSession, targets: list[Target]) -> set[uuid.UUID]:
    ids = [t.id for t in targets]
    if not ids:
        return set()
    rows = await session.execute(sa.select(col(Target.id)).where(col(Target.id).in_(ids), target_is_dnc_clause()))
    return set(rows.scalars().all())


async def target_outputs(session: AsyncSession, targets: list[Target]) -> list[TargetOut]:
    flagged = await dnc_flags(session, targets)
    return [
        TargetOut.model_validate(t).model_copy(update={"do_not_call": t.id in flagged or t.status == TargetStatus.dnc})
        for t in targets
    ]


def target_payload(target: Target, previous_status: str | None = None) -> dict[str, Any]:
    return TargetPayload(
        id=target.id, project_id=target.project_id, target_list_id=target.target_list_id, status=target.status,
        do_not_call=target.status == TargetStatus.dnc, previous_status=previous_status,
    ).model_dump(mode="json")


async def update_target(session: AsyncSession, principal: Principal, target: Target, body: TargetUpdate) -> Target:
    before = snapshot(target)
    changes = body.model_dump(exclude_unset=True)
    if "status" in changes:
        if changes["status"] not in MANUAL_STATUSES:
            raise UnprocessableEntity("status", f"can be set by hand only to {', '.join(MANUAL_STATUSES)}")
        if not settable_statuses(target.status):
            raise UnprocessableEntity("status", "the target is do-not-call; delete the do-not-call entry first")
    if "priority_tier" in changes and changes["priority_tier"] is None:
        raise UnprocessableEntity("priority_tier", "must be 1, 2 or 3")
    for key, value in changes.items():
        setattr(target, key, value)
    bump_version(target)
    record_audit(session, principal, "target.updated", "target", target.id, before=before, after=snapshot(target))
    if "status" in changes and before["status"] != target.status:
        record_event(session, EventType.target_updated, aggregate_type="target", aggregate_id=target.id,
                     tenant=target.client_id, payload=target_payload(target, before["status"]))
    return target
