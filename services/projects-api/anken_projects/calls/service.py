"""Editing and deleting a logged call; both emit the change with `previous` for read models."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.event_payloads import CallPayload
from anken_common.events import EventType
from anken_common.problems import Conflict, Forbidden, NotFound, UnprocessableEntity
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.calls import repository
from anken_projects.calls.ingest import raw_connection
from anken_projects.calls.models import Call, CallOutcome
from anken_projects.calls.outcome_rules import status_after
from anken_projects.calls.schemas import CallOut, CallUpdate
from anken_projects.calls.script_refs import (
    NOT_IN_PROJECT,
    assigned_patterns,
    assignment_mismatch,
    variant_mismatch,
    variants_of_versions,
)
from anken_projects.kit.etag import check_if_match
from anken_projects.kit.models import table_of, utc_now
from anken_projects.next_target import service as next_target
from anken_projects.outbox.writer import record_event
from anken_projects.projects.access import can_manage, get_accessible_project
from anken_projects.targets.models import Target, TargetStatus

C = table_of(Call).c


def call_out(row: Any, appointment_id: uuid.UUID | None = None, first: bool | None = None) -> CallOut:
    return CallOut.model_validate({**row._mapping, "appointment_id": appointment_id, "first_call_of_target": first})


def _payload(row: Any, industry: str | None, previous: CallPayload | None = None, first: bool = False) -> CallPayload:
    return CallPayload(first_call_of_target=first,
        id=row.id, project_id=row.project_id, client_id=row.client_id, member_id=row.member_id,
        target_id=row.target_id, target_industry=industry, occurred_at=row.occurred_at, outcome=row.outcome,
        duration_s=row.duration_s, script_version_id=row.script_version_id, variant=row.variant, previous=previous,
    )


async def load_call_for(session: AsyncSession, principal: Principal, call_id: uuid.UUID, *, write: bool) -> Any:
    """The call if the principal may see it (and change it when `write`): members their own, directors their projects'."""
    row = await repository.get_call_row(session, call_id, for_update=write)
    if row is None or principal.is_partner:
        raise NotFound("call")
    try:
        project = await get_accessible_project(session, principal, row.project_id)
    except NotFound:
        raise NotFound("call") from None
    if principal.is_user and principal.role == Role.member and row.member_id != principal.id:
        # What the list endpoint shows a member (their own calls) is all they may read, one by one too.
        raise NotFound("call")
    if write and not (principal.is_user and principal.role == Role.member) and not can_manage(principal, project):
        raise Forbidden("only the member who logged the call, the project's director or an admin may change it")
    return row


async def _refresh_target(session: AsyncSession, target_id: uuid.UUID) -> Target | None:
    """Recompute a target's counters and status from its remaining calls after an edit or delete."""
    target = await session.get(Target, target_id, with_for_update=True)
    if target is None:
        return None
    target.call_count = await repository.count_calls_of_target(session, target_id)
    latest = await repository.latest_call_of_target(session, target_id)
    if target.status not in (TargetStatus.dnc, TargetStatus.appointment):
        if latest is None:
            target.status, target.callback_due_at, target.last_called_at = TargetStatus.new, None, None
        else:
            target.status, target.callback_due_at = status_after(
                TargetStatus(target.status), CallOutcome(latest.outcome), latest.occurred_at, None
            )
    if latest is not None:
        target.last_called_at = latest.occurred_at
    target.updated_at = utc_now()
    target.version += 1
    return target


async def _check_script_of(session: AsyncSession, row: Any, changes: dict[str, Any]) -> None:
    """The call's script version (new or kept) belongs to its project, its variant (new or kept) to that
    version, and its pattern is the one Anken assigned to the member for the target (if any)."""
    version_id = changes.get("script_version_id", row.script_version_id)
    if version_id is None:
        return
    variant = (await variants_of_versions(session, row.project_id, [version_id])).get(version_id)
    if variant is None:
        raise UnprocessableEntity("script_version_id", NOT_IN_PROJECT)
    if problem := variant_mismatch(changes.get("variant", row.variant), variant):
        raise UnprocessableEntity("variant", problem)
    assigned = await assigned_patterns(session, row.project_id, [(row.member_id, row.target_id)])
    if problem := assignment_mismatch(variant, assigned.get((row.member_id, row.target_id))):
        raise UnprocessableEntity("variant", problem)


async def update_call(
    session: AsyncSession, principal: Principal, row: Any, body: CallUpdate, request: Request
) -> CallOut:
    check_if_match(request, row.version)
    changes = body.model_dump(exclude_unset=True)
    for key in ("occurred_at", "outcome", "duration_s"):
        if key in changes and changes[key] is None:
            raise UnprocessableEntity(key, "must not be null")
    new_outcome = changes.get("outcome")
    if new_outcome is not None and (CallOutcome.appointment in (CallOutcome(new_outcome), CallOutcome(row.outcome))
                                    and new_outcome != row.outcome):
        raise UnprocessableEntity("outcome", "a call's appointment outcome cannot be changed; update the appointment")
    if "occurred_at" in changes and changes["occurred_at"] > utc_now():
        raise UnprocessableEntity("occurred_at", "must not be in the future")
    if "script_version_id" in changes or "variant" in changes:
        await _check_script_of(session, row, changes)
    if not changes:
        return call_out(row, await repository.appointment_id_of_call(session, row.id))
    values = {**changes, "updated_at": utc_now(), "version": row.version + 1}
    if "outcome" in values:
        values["outcome"] = CallOutcome(values["outcome"]).value
    updated = (await session.execute(
        sa.update(table_of(Call)).where(C.id == row.id, C.occurred_at == row.occurred_at).values(**values)
        .returning(*table_of(Call).c)
    )).one()
    target = await _refresh_target(session, row.target_id)
    industry = target.industry if target else None
    first = await repository.is_first_call_of_target(session, row.id, row.target_id, updated.occurred_at)
    payload = _payload(updated, industry, previous=_payload(row, industry), first=first)
    record_event(session, EventType.call_updated, aggregate_type="call", aggregate_id=row.id, tenant=row.client_id,
                 payload=payload.model_dump(mode="json"))
    record_audit(session, principal, "call.updated", "call", row.id,
                 before=dict(row._mapping), after=dict(updated._mapping))
    return call_out(updated, await repository.appointment_id_of_call(session, row.id), first)


async def delete_call(session: AsyncSession, principal: Principal, row: Any, request: Request) -> None:
    check_if_match(request, row.version)
    if await repository.appointment_id_of_call(session, row.id) is not None:
        raise Conflict("the call set an appointment; cancel the appointment instead of deleting the call")
    await session.execute(sa.delete(table_of(Call)).where(C.id == row.id, C.occurred_at == row.occurred_at))
    target = await _refresh_target(session, row.target_id)
    if target is not None and principal.is_user and principal.id == row.member_id:
        # The member took back their own call (a wrong key): the company is theirs to call again.
        await session.flush()
        await next_target.lease_back(await raw_connection(session), row.project_id, row.member_id, row.target_id)
    previous = _payload(row, target.industry if target else None)
    payload = previous.model_copy(update={"previous": previous})
    record_event(session, EventType.call_deleted, aggregate_type="call", aggregate_id=row.id, tenant=row.client_id,
                 payload=payload.model_dump(mode="json"))
    record_audit(session, principal, "call.deleted", "call", row.id, before=dict(row._mapping))
