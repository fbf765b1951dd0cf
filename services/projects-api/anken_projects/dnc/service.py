"""Do-not-call: an entry per client, honoured by every project of that client.

Adding an entry marks the matching targets of all the client's projects `dnc` (and emits
target.updated, so reporting stops counting them as callable); removing it puts them back.
Calls and next-target also check the entries themselves, so a target imported later, or
matched only by phone, is refused all the same.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.event_payloads import TargetPayload
from anken_common.events import EventType
from anken_common.problems import Conflict, UnprocessableEntity
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.dnc.models import DoNotCallEntry
from anken_projects.dnc.repository import target_is_dnc_clause
from anken_projects.dnc.schemas import DoNotCallCreate
from anken_projects.kit.models import table_of, utc_now
from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.kit.snapshot import snapshot
from anken_projects.outbox.writer import record_event
from anken_projects.targets.corporate_number import corporate_number_problem, normalise_corporate_number
from anken_projects.targets.models import Target, TargetStatus
from anken_projects.targets.phone_numbers import normalise_phone, phone_problem

T = table_of(Target)


def _normalised(body: DoNotCallCreate) -> tuple[str | None, str | None]:
    number = normalise_corporate_number(body.corporate_number)
    if number is not None and (problem := corporate_number_problem(number)):
        raise UnprocessableEntity("corporate_number", problem)
    phone = normalise_phone(body.phone)
    if phone is not None and (problem := phone_problem(phone)):
        raise UnprocessableEntity("phone", problem)
    if number is None and phone is None:
        raise UnprocessableEntity("corporate_number", "give a corporate number or a phone number (or both)")
    return number, phone


async def add_entry(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID, body: DoNotCallCreate
) -> tuple[DoNotCallEntry, int]:
    number, phone = _normalised(body)
    duplicate = (await session.execute(sa.select(col(DoNotCallEntry.id)).where(
        col(DoNotCallEntry.client_id) == client_id,
        col(DoNotCallEntry.corporate_number) == number if number else sa.and_(
            col(DoNotCallEntry.corporate_number).is_(None), col(DoNotCallEntry.phone) == phone),
    ))).scalar_one_or_none()
    if duplicate is not None:
        raise Conflict("this company is already on the client's do-not-call list", existing_id=str(duplicate))
    entry = DoNotCallEntry(client_id=client_id, corporate_number=number, phone=phone, company_name=body.company_name,
                           reason=body.reason, created_by=str(principal.id)[:64])
    session.add(entry)
    await session.flush()
    flagged = await _flag_targets(session, client_id, number, phone)
    record_audit(session, principal, "dnc.added", "dnc_entry", entry.id, after=snapshot(entry))
    return entry, flagged


def _matching(client_id: uuid.UUID, number: str | None, phone: str | None) -> sa.ColumnElement[bool]:
    """The client's targets with this corporate number or phone (each side uses its index)."""
    keys = []
    if number:
        keys.append(col(Target.corporate_number) == number)
    if phone:
        keys.append(col(Target.phone) == phone)
    return sa.and_(col(Target.client_id) == client_id, sa.or_(*keys))


async def _flag_targets(session: AsyncSession, client_id: uuid.UUID, number: str | None, phone: str | None) -> int:
    """Mark `dnc` the client's targets the new entry matches, in every project."""
    # The previous status travels with the event: reporting takes a callable target out of the list stock.
    old = sa.select(T.c.id, T.c.status).where(_matching(client_id, number, phone), T.c.status != TargetStatus.dnc.value) \
        .with_for_update().cte("old")
    rows = (await session.execute(
        sa.update(T).where(T.c.id == old.c.id).values(
            status=TargetStatus.dnc.value, leased_by=None, lease_expires_at=None, updated_at=utc_now(),
            version=T.c.version + 1,
        ).returning(T.c.id, T.c.project_id, T.c.target_list_id, T.c.client_id, old.c.status.label("previous_status"))
    )).all()
    for row in rows:
        _emit_target(session, row.id, row.project_id, row.target_list_id, row.client_id, TargetStatus.dnc,
                     row.previous_status)
    return len(rows)


def _emit_target(session: AsyncSession, target_id: uuid.UUID, project_id: uuid.UUID, list_id: uuid.UUID,
                 client_id: uuid.UUID, status: TargetStatus, previous_status: str) -> None:
    payload = TargetPayload(id=target_id, project_id=project_id, target_list_id=list_id, status=status,
                            do_not_call=status == TargetStatus.dnc, previous_status=previous_status)
    record_event(session, EventType.target_updated, aggregate_type="target", aggregate_id=target_id,
                 tenant=client_id, payload=payload.model_dump(mode="json"))


async def remove_entry(session: AsyncSession, principal: Principal, entry: DoNotCallEntry) -> int:
    """Delete an entry; targets no other entry matches become callable again. Returns how many."""
    before = snapshot(entry)
    await session.delete(entry)
    await session.flush()
    rows = (await session.execute(
        sa.update(Target).where(
            _matching(entry.client_id, entry.corporate_number, entry.phone), col(Target.status) == TargetStatus.dnc,
            sa.not_(target_is_dnc_clause()),
        ).values(
            status=sa.case((col(Target.call_count) > 0, TargetStatus.called.value), else_=TargetStatus.new.value),
            updated_at=utc_now(), version=col(Target.version) + 1,
        ).returning(col(Target.id), col(Target.project_id), col(Target.target_list_id), col(Target.client_id), col(Target.status))
    )).all()
    for row in rows:
        _emit_target(session, row.id, row.project_id, row.target_list_id, row.client_id, TargetStatus(row.status),
                     TargetStatus.dnc)
    record_audit(session, principal, "dnc.removed", "dnc_entry", entry.id, before=before)
    return len(rows)


async def list_entries(
    session: AsyncSession, client_id: uuid.UUID, *, q: str | None, cursor: str | None, limit: int
) -> PageResult[DoNotCallEntry]:
    statement = sa.select(DoNotCallEntry).where(col(DoNotCallEntry.client_id) == client_id)
    if q:
        number, phone = normalise_corporate_number(q), normalise_phone(q)
        statement = statement.where(sa.or_(
            col(DoNotCallEntry.corporate_number) == number, col(DoNotCallEntry.phone) == phone,
            col(DoNotCallEntry.company_name).ilike(f"%{q.replace('%', '').replace('_', '')}%"),
        ))
    return await paginate(session, statement, (col(DoNotCallEntry.created_at), col(DoNotCallEntry.id)), cursor=cursor, limit=limit)
