"""Logging calls, one or ten thousand at a time, in the request's transaction.

Every call is checked (member assigned to the project, members log only their own calls,
script version of this project and of the call's variant, target of this project and not
do-not-call, appointment details consistent) before anything
is written; one bad call rejects the request, so a retry never half-applies. Bulk requests
write calls and their outbox events with COPY.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.auth_tokens import Role
from anken_common.events import EventType
from anken_common.problems import Forbidden, ProblemError
from anken_projects.appointments.models import Appointment
from anken_projects.appointments.payloads import appointment_payload
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.calls.models import CALL_COLUMNS, CallOutcome
from anken_projects.calls.outcome_rules import status_after
from anken_projects.calls.schemas import CallIn
from anken_projects.calls.script_refs import (
    NOT_IN_PROJECT,
    assigned_patterns,
    assignment_mismatch,
    variant_mismatch,
    variants_of_versions,
)
from anken_projects.dnc.repository import TARGET_IS_DNC_SQL
from anken_projects.kit.models import utc_now
from anken_projects.outbox.writer import record_event
from anken_projects.projects.models import Assignment, Project
from anken_projects.targets.models import TargetStatus
from anken_projects.users.models import User

# Clocks of members' PCs drift; a call a little "in the future" is still accepted.
FUTURE_TOLERANCE = timedelta(minutes=5)
# Calls older than this are history being imported, whose meetings may already have happened.
HISTORY_AGE = timedelta(days=1)
MAX_REPORTED_ERRORS = 200
OUTBOX_COLUMNS = ("event_id", "type", "aggregate_type", "aggregate_id", "tenant", "payload", "occurred_at")


# JSON for ten thousand items at a time (outbox payloads, the bulk answer): msgspec at a fraction of
# json.dumps's cost. Stored as JSONB, where key order and whitespace are not kept anyway.
encode_json = msgspec.json.Encoder().encode


@dataclass
class LoggedCall:
    id: uuid.UUID
    body: CallIn
    project_id: uuid.UUID
    client_id: uuid.UUID
    first_call_of_target: bool
    created_at: datetime
    appointment_id: uuid.UUID | None = None


class CallErrors:
    """Errors found in a request's calls: 422 unless every one is a do-not-call refusal (409)."""

    def __init__(self, bulk: bool) -> None:
        self.bulk = bulk
        self.items: list[dict[str, Any]] = []
        self.count = 0
        self.only_dnc = True

    def add(self, index: int, field: str, message: str, *, dnc: bool = False) -> None:
        self.count += 1
        self.only_dnc = self.only_dnc and dnc
        if len(self.items) < MAX_REPORTED_ERRORS:
            name = f"calls.{index}.{field}" if self.bulk else field
            self.items.append({"field": name, "message": message, "index": index} if self.bulk
                              else {"field": name, "message": message})

    def raise_if_any(self) -> None:
        if not self.count:
            return
        summary = f"{self.count} call(s) refused; nothing was logged" if self.bulk else self.items[0]["message"]
        if self.only_dnc:
            raise ProblemError(409, "Conflict", summary, type_="https://anken.jp/problems/do-not-call",
                               errors=self.items)
        raise ProblemError(422, "Unprocessable Content", summary, type_="https://anken.jp/problems/validation-error",
                           errors=self.items)


def check_shape(calls: list[CallIn], errors: CallErrors, now: datetime) -> None:
    for i, call in enumerate(calls):
        if call.occurred_at > now + FUTURE_TOLERANCE:
            errors.add(i, "occurred_at", "must not be in the future")
        if call.appointment is not None and call.outcome != CallOutcome.appointment:
            errors.add(i, "appointment", "only a call with outcome `appointment` carries appointment details")
        if call.outcome == CallOutcome.appointment and call.appointment is None:
            errors.add(i, "appointment", "is required when the outcome is `appointment` (meeting_at at least)")
        if call.appointment is not None:
            meeting_at = call.appointment.meeting_at
            if meeting_at < call.occurred_at:
                errors.add(i, "appointment.meeting_at", "must not be before the call")
            elif meeting_at < now and call.occurred_at > now - HISTORY_AGE:
                # A live call books a future meeting; only imported history may carry past meetings.
                errors.add(i, "appointment.meeting_at", "must not be in the past")


async def _check_members(
    session: AsyncSession, principal: Principal, project: Project, calls: list[CallIn], errors: CallErrors
) -> None:
    if principal.is_partner:
        raise Forbidden("partner API keys cannot log calls")
    if principal.is_user and principal.role == Role.manager:
        raise Forbidden("calls are logged by members, their director or an admin")
    if principal.is_user and principal.role == Role.member:
        for i, call in enumerate(calls):
            if call.member_id != principal.id:
                raise Forbidden("members may log only their own calls", field=f"calls.{i}.member_id" if errors.bulk else "member_id")
    members = {c.member_id for c in calls}
    assigned = set((await session.execute(
        sa.select(col(Assignment.member_id)).where(col(Assignment.project_id) == project.id, col(Assignment.member_id).in_(members))
    )).scalars().all())
    for i, call in enumerate(calls):
        if call.member_id not in assigned:
            errors.add(i, "member_id", "this member is not assigned to the project")


async def check_scripts(session: AsyncSession, project: Project, calls: list[CallIn], errors: CallErrors) -> None:
    """Each call's script version belongs to the project, its variant is the version's, and its
    pattern is the one Anken assigned to the member for the target (if it assigned one)."""
    variants = await variants_of_versions(session, project.id, (c.script_version_id for c in calls))
    made_with: dict[int, str] = {}
    for i, call in enumerate(calls):
        if call.script_version_id is None:
            if call.variant is not None:
                made_with[i] = call.variant
            continue
        version_variant = variants.get(call.script_version_id)
        if version_variant is None:
            errors.add(i, "script_version_id", NOT_IN_PROJECT)
        elif problem := variant_mismatch(call.variant, version_variant):
            errors.add(i, "variant", problem)
        else:
            made_with[i] = version_variant
    assigned = await assigned_patterns(session, project.id, ((calls[i].member_id, calls[i].target_id) for i in made_with))
    for i, variant in made_with.items():
        if problem := assignment_mismatch(variant, assigned.get((calls[i].member_id, calls[i].target_id))):
            errors.add(i, "variant", problem)


@dataclass
class TargetState:
    """The columns of a locked target that call logging reads and changes."""

    id: uuid.UUID
    company_name: str
    industry: str | None
    status: str
    call_count: int
    last_called_at: datetime | None
    callback_due_at: datetime | None


# Locked in id order so concurrent requests touching the same targets cannot deadlock; the
# do-not-call flag is read by the same statement. Run on the driver: ten thousand rows through
# SQLAlchemy's result processing cost more than the query.
_LOCK_TARGETS = f"""
    SELECT t.id, t.company_name, t.industry, t.status, t.call_count, t.last_called_at, t.callback_due_at,
           {TARGET_IS_DNC_SQL} AS dnc
    FROM projects.targets t WHERE t.id = ANY($1::uuid[]) AND t.project_id = $2
    ORDER BY t.id
    FOR UPDATE OF t
"""


async def _lock_targets(
    session: AsyncSession, project: Project, calls: list[CallIn], errors: CallErrors
) -> dict[uuid.UUID, TargetState]:
    driver = await raw_connection(session)
    rows = await driver.fetch(_LOCK_TARGETS, list({c.target_id for c in calls}), project.id)
    targets = {row[0]: TargetState(*row[:7]) for row in rows}
    dnc = {row[0] for row in rows if row[7]}
    for i, call in enumerate(calls):
        if call.target_id not in targets:
            errors.add(i, "target_id", "no such target in this project")
        elif call.target_id in dnc:
            errors.add(i, "target_id", "the company is on the client's do-not-call list", dnc=True)
    return targets


def apply_to_targets(calls: list[CallIn], targets: dict[uuid.UUID, TargetState]) -> dict[int, bool]:
    """Advance each target's counters and status from its calls; returns first-call flags by call index."""
    by_target: dict[uuid.UUID, list[int]] = defaultdict(list)
    for i, call in enumerate(calls):
        by_target[call.target_id].append(i)
    first: dict[int, bool] = {}
    for target_id, indexes in by_target.items():
        target = targets[target_id]
        ordered = sorted(indexes, key=lambda i: calls[i].occurred_at)
        never_called = target.call_count == 0
        for i in indexes:
            first[i] = never_called and i == ordered[0]
        latest = calls[ordered[-1]]
        target.call_count += len(indexes)
        # History logged out of order must not override what a newer call decided.
        if target.last_called_at is None or latest.occurred_at >= target.last_called_at:
            target.status, target.callback_due_at = status_after(
                TargetStatus(target.status), latest.outcome, latest.occurred_at, latest.callback_at
            )
            target.last_called_at = latest.occurred_at
    return first


async def _write_targets(session: AsyncSession, states: list[TargetState], now: datetime) -> None:
    """One UPDATE for every touched target; logging a call also ends its next-target lease."""
    driver = await raw_connection(session)
    await driver.execute(
        """
        UPDATE projects.targets AS t SET call_count = u.call_count, status = u.status,
            callback_due_at = u.callback_due_at, last_called_at = u.last_called_at,
            leased_by = NULL, lease_expires_at = NULL, updated_at = $6, version = t.version + 1
        FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::timestamptz[])
            AS u(id, call_count, status, callback_due_at, last_called_at)
        WHERE t.id = u.id
        """,
        [s.id for s in states], [s.call_count for s in states], [str(s.status) for s in states],
        [s.callback_due_at for s in states], [s.last_called_at for s in states], now,
    )


async def _member_names(session: AsyncSession, member_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not member_ids:
        return {}
    rows = await session.execute(sa.select(col(User.id), col(User.name)).where(col(User.id).in_(member_ids)))
    return {row.id: row.name for row in rows}


async def log_calls(
    session: AsyncSession, principal: Principal, project: Project, calls: list[CallIn], *, bulk: bool
) -> list[LoggedCall]:
    """Validate and write `calls` (+ appointments, target updates, outbox events) in the session's transaction."""
    now = utc_now()
    errors = CallErrors(bulk)
    check_shape(calls, errors, now)
    await _check_members(session, principal, project, calls, errors)
    await check_scripts(session, project, calls, errors)
    targets = await _lock_targets(session, project, calls, errors)
    errors.raise_if_any()

    first = apply_to_targets(calls, targets)
    await _write_targets(session, list(targets.values()), now)
    logged = [
        LoggedCall(id=uuid.uuid4(), body=call, project_id=project.id, client_id=project.client_id,
                   first_call_of_target=first[i], created_at=now)
        for i, call in enumerate(calls)
    ]
    await _insert_calls(session, logged)
    event_rows = [
        (EventType.call_logged.value, "call", call.id, call_payload(call, targets[call.body.target_id]))
        for call in logged
    ]
    event_rows += await _create_appointments(session, logged, targets, now)
    if bulk:
        await _copy_outbox(session, project.client_id, event_rows, now)
        record_audit(session, principal, "calls.bulk_logged", "project", project.id,
                     after={"calls": len(logged), "first_call_id": logged[0].id, "last_call_id": logged[-1].id})
    else:
        for type_, aggregate_type, aggregate_id, payload in event_rows:
            record_event(session, type_, aggregate_type=aggregate_type, aggregate_id=aggregate_id,
                         tenant=project.client_id, payload=payload)
        record_audit(session, principal, "call.logged", "call", logged[0].id,
                     after={**logged[0].body.model_dump(mode="json", exclude={"appointment"})})
    return logged


def call_payload(call: LoggedCall, target: TargetState) -> dict[str, Any]:
    """The CallPayload of a new call as plain JSON (built directly: it is made ten thousand times per bulk)."""
    body = call.body
    return {
        "id": str(call.id), "project_id": str(call.project_id), "client_id": str(call.client_id),
        "member_id": str(body.member_id), "target_id": str(body.target_id), "target_industry": target.industry,
        "first_call_of_target": call.first_call_of_target, "occurred_at": body.occurred_at.isoformat(),
        "outcome": str(body.outcome), "duration_s": body.duration_s,
        "script_version_id": str(body.script_version_id) if body.script_version_id else None,
        "variant": body.variant, "previous": None,
    }


def call_record(call: LoggedCall) -> tuple[object, ...]:
    """A new call as a row of CALL_COLUMNS."""
    body = call.body
    return (
        call.id, body.occurred_at, call.project_id, call.client_id, body.member_id, body.target_id, body.outcome.value,
        body.duration_s, body.script_version_id, body.variant, body.note, call.created_at, call.created_at, 1,
    )


async def raw_connection(session: AsyncSession) -> Any:
    """The asyncpg connection inside the session's transaction, for COPY and hand-written statements."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def _insert_calls(session: AsyncSession, logged: list[LoggedCall]) -> None:
    records = [call_record(call) for call in logged]
    driver = await raw_connection(session)
    if len(records) > 20:
        await driver.copy_records_to_table("calls", schema_name="projects", columns=CALL_COLUMNS, records=records)
        return
    placeholders = ", ".join(f"${n}" for n in range(1, len(CALL_COLUMNS) + 1))
    await driver.executemany(
        f"INSERT INTO projects.calls ({', '.join(CALL_COLUMNS)}) VALUES ({placeholders})", records
    )


async def _create_appointments(
    session: AsyncSession, logged: list[LoggedCall], targets: dict[uuid.UUID, TargetState], now: datetime
) -> list[tuple[str, str, uuid.UUID, dict[str, Any]]]:
    with_appointment = [c for c in logged if c.body.appointment is not None]
    if not with_appointment:
        return []
    names = await _member_names(session, {c.body.member_id for c in with_appointment})
    events = []
    for call in with_appointment:
        details = call.body.appointment
        assert details is not None
        target = targets[call.body.target_id]
        appointment = Appointment(
            project_id=call.project_id, client_id=call.client_id, call_id=call.id, member_id=call.body.member_id,
            target_id=target.id, company_name=target.company_name, contact_name=details.contact_name,
            contact_title=details.contact_title, meeting_at=details.meeting_at, qualification=details.qualification,
            note=details.note, set_at=call.body.occurred_at, updated_at=now,
        )
        session.add(appointment)
        call.appointment_id = appointment.id
        events.append((EventType.appointment_set.value, "appointment", appointment.id,
                       appointment_payload(appointment, names.get(call.body.member_id))))
    await session.flush()
    return events




async def _copy_outbox(
    session: AsyncSession, tenant: uuid.UUID, rows: list[tuple[str, str, uuid.UUID, dict[str, Any]]], now: datetime
) -> None:
    records = [
        (uuid.uuid4(), type_, aggregate_type, str(aggregate_id), tenant, encode_json(payload).decode(), now)
        for type_, aggregate_type, aggregate_id, payload in rows
    ]
    driver = await raw_connection(session)
    await driver.copy_records_to_table("outbox_events", schema_name="projects", columns=OUTBOX_COLUMNS, records=records)
