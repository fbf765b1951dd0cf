"""Logging one call (the member's one-key logging) in two SQL statements.

The general path (ingest.log_calls) takes about ten round trips through the ORM for one call;
this is the calling floor's hot path, so a call without an appointment by a user or service
is checked and written here instead, with exactly the same refusals:

1. one SELECT sees the project (its visibility compiled from access.visibility_clause's rule), both
   assignments, the script version's variant, the pattern Anken assigned for the target, and locks
   the target with its do-not-call flag (dnc.repository's rule, compiled the same way);
2. the rules run in Python (ingest's shape checks, outcome_rules via apply_to_targets);
3. one statement updates the target, inserts the call, its outbox event and the audit entry.

Partner keys, managers and calls carrying an appointment keep the general path.
"""

from __future__ import annotations

import functools
import json
import uuid

from fastapi.responses import JSONResponse
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.events import EventType
from anken_common.problems import Forbidden, NotFound
from anken_common.request_context import current_request_id
from anken_projects.auth.principal import Principal
from anken_projects.calls.ingest import (
    CallErrors,
    LoggedCall,
    TargetState,
    apply_to_targets,
    call_payload,
    call_record,
    check_shape,
    raw_connection,
)
from anken_projects.calls.models import CALL_COLUMNS
from anken_projects.calls.schemas import CallIn, CallOut
from anken_projects.calls.script_refs import (
    ASSIGNED_PATTERN_SQL,
    NOT_IN_PROJECT,
    VARIANT_OF_VERSION_SQL,
    assignment_mismatch,
    variant_mismatch,
)
from anken_projects.dnc.repository import TARGET_IS_DNC_SQL
from anken_projects.idempotency.store import KeyedRequest, replay
from anken_projects.kit.models import utc_now
from anken_projects.projects.access import visibility_sql

# The target is locked in the CTE (FOR UPDATE is not allowed on the nullable side of the join);
# the project row comes back even when the target is missing, so 404 and 422 stay distinct.
# With an Idempotency-Key the claim row is inserted by the same statement (a concurrent retry
# waits on its unique index as in idempotency.store); a refused request rolls it back.
_CHECK_AND_LOCK = """
    WITH {claim_cte} t AS (
        SELECT t.id, t.company_name, t.industry, t.status, t.call_count, t.last_called_at, t.callback_due_at,
               {dnc} AS dnc
        FROM projects.targets t WHERE t.id = :target_id AND t.project_id = :project_id
        FOR UPDATE OF t
    )
    SELECT p.client_id, p.director_id,
           EXISTS (SELECT 1 FROM projects.assignments a
                   WHERE a.project_id = p.id AND a.member_id = :member_id) AS member_assigned,
           {visible} AS visible,
           t.id AS target_id, t.company_name, t.industry, t.status, t.call_count, t.last_called_at,
           t.callback_due_at, t.dnc, {claim_id} AS claim_id, {script_variant} AS script_variant,
           {assigned_pattern} AS assigned_pattern
    FROM projects.projects p LEFT JOIN t ON true
    WHERE p.id = :project_id
"""
_CLAIM_CTE = """claim AS (
        INSERT INTO projects.idempotency_keys (principal, operation, key, request_hash)
        VALUES (:owner, :operation, :key, :digest)
        ON CONFLICT ON CONSTRAINT uq_idempotency_keys DO NOTHING RETURNING id
    ),"""
_REFS = {"dnc": TARGET_IS_DNC_SQL, "script_variant": VARIANT_OF_VERSION_SQL, "assigned_pattern": ASSIGNED_PATTERN_SQL}


@functools.cache
def check_and_lock(visible: str, *, claim: bool) -> TextClause:
    """The checking statement for one kind of principal: `visible` is access.visibility_sql(principal,
    ":principal_id"), the project visibility rule compiled from its Core expression."""
    if claim:
        return text(_CHECK_AND_LOCK.format(claim_cte=_CLAIM_CTE, claim_id="(SELECT id FROM claim)", visible=visible,
                                           **_REFS))
    return text(_CHECK_AND_LOCK.format(claim_cte="", claim_id="NULL::bigint", visible=visible, **_REFS))

_CALL_PLACEHOLDERS = ", ".join(f"${n}" for n in range(8, 8 + len(CALL_COLUMNS)))
_N = 8 + len(CALL_COLUMNS)
WRITE = f"""
    WITH target AS (
        UPDATE projects.targets SET call_count = $2, status = $3, callback_due_at = $4, last_called_at = $5,
            leased_by = NULL, lease_expires_at = NULL, updated_at = $6, version = version + 1
        WHERE id = $1
    ), call AS (
        INSERT INTO projects.calls ({", ".join(CALL_COLUMNS)}) VALUES ({_CALL_PLACEHOLDERS})
    ), event AS (
        INSERT INTO projects.outbox_events (event_id, type, aggregate_type, aggregate_id, tenant, payload, occurred_at)
        VALUES (${_N}, '{EventType.call_logged.value}', 'call', ${_N + 1}, ${_N + 2}, ${_N + 3}, $7)
    ), audit AS (
        INSERT INTO projects.audit_entries (actor_type, actor_id, action, entity_type, entity_id, after, request_id, at)
        VALUES (${_N + 4}, ${_N + 5}, 'call.logged', 'call', ${_N + 1}, ${_N + 6}, ${_N + 7}, $7)
    )
    UPDATE projects.idempotency_keys SET status_code = 201, response = ${_N + 9} WHERE id = ${_N + 8}
"""


def takes_fast_path(principal: Principal, body: CallIn) -> bool:
    """Users who may log calls (admin, director, member) and services, for calls without an appointment."""
    if body.appointment is not None:
        return False
    return principal.kind == "service" or (
        principal.is_user and principal.role in (Role.admin, Role.director, Role.member)
    )


async def log_one_call(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, body: CallIn, keyed: KeyedRequest | None
) -> CallOut | JSONResponse:
    """Check and write one call like the general path does; raises the same problems in the same order.

    Returns the stored response when `keyed` repeats an earlier request (idempotency.store's rules).
    """
    now = utc_now()
    params = {"project_id": project_id, "target_id": body.target_id, "member_id": body.member_id,
              "principal_id": principal.id if isinstance(principal.id, uuid.UUID) else None,
              "script_version_id": body.script_version_id}
    visible = visibility_sql(principal, ":principal_id")
    if keyed is None:
        row = (await session.execute(check_and_lock(visible, claim=False), params)).one_or_none()
    else:
        row = (await session.execute(check_and_lock(visible, claim=True), {
            **params, "owner": keyed.owner, "operation": keyed.operation, "key": keyed.key, "digest": keyed.digest,
        })).one_or_none()
    if row is None or not row.visible:
        raise NotFound("project")
    if keyed is not None and row.claim_id is None:
        return await replay(session, keyed)
    if principal.is_user and principal.role == Role.member and body.member_id != principal.id:
        raise Forbidden("members may log only their own calls", field="member_id")
    errors = CallErrors(bulk=False)
    check_shape([body], errors, now)
    if not row.member_assigned:
        errors.add(0, "member_id", "this member is not assigned to the project")
    if body.script_version_id is not None:
        if row.script_variant is None:
            errors.add(0, "script_version_id", NOT_IN_PROJECT)
        elif problem := variant_mismatch(body.variant, row.script_variant):
            errors.add(0, "variant", problem)
        elif problem := assignment_mismatch(row.script_variant, row.assigned_pattern):
            errors.add(0, "variant", problem)
    elif problem := assignment_mismatch(body.variant, row.assigned_pattern):
        errors.add(0, "variant", problem)
    if row.target_id is None:
        errors.add(0, "target_id", "no such target in this project")
    elif row.dnc:
        errors.add(0, "target_id", "the company is on the client's do-not-call list", dnc=True)
    errors.raise_if_any()

    target = TargetState(row.target_id, row.company_name, row.industry, row.status, row.call_count,
                         row.last_called_at, row.callback_due_at)
    first = apply_to_targets([body], {target.id: target})[0]
    logged = LoggedCall(id=uuid.uuid4(), body=body, project_id=project_id, client_id=row.client_id,
                        first_call_of_target=first, created_at=now)
    out = call_out_of(logged)
    response = out.model_dump_json() if row.claim_id is not None else None
    driver = await raw_connection(session)
    await driver.execute(
        WRITE,
        target.id, target.call_count, str(target.status), target.callback_due_at, target.last_called_at, now, now,
        *call_record(logged),
        uuid.uuid4(), str(logged.id), row.client_id, json.dumps(call_payload(logged, target), ensure_ascii=False),
        principal.kind, str(principal.id),
        json.dumps(body.model_dump(mode="json", exclude={"appointment"}), ensure_ascii=False), current_request_id(),
        row.claim_id, response,
    )
    return out


def call_out_of(logged: LoggedCall) -> CallOut:
    """The response to a newly logged call."""
    body = logged.body
    return CallOut(
        id=logged.id, project_id=logged.project_id, client_id=logged.client_id, target_id=body.target_id,
        member_id=body.member_id, occurred_at=body.occurred_at, outcome=body.outcome, duration_s=body.duration_s,
        script_version_id=body.script_version_id, variant=body.variant, note=body.note,
        first_call_of_target=logged.first_call_of_target, appointment_id=logged.appointment_id,
        created_at=logged.created_at, version=1,
    )
