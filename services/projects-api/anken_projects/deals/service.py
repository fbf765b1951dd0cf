"""Deal rules: creation with defaults from the stage, stage moves gated by exit criteria,
closing on terminal stages, and a history row plus an event for every tracked change.

The unit of work is the caller's transaction: nothing here commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.events import EventType, to_payload
from anken_common.problems import Forbidden, UnprocessableEntity
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.deals import repository as repo
from anken_projects.deals.models import TRACKED_FIELDS, Deal, DealChange, DealStatus, Stage
from anken_projects.deals.payloads import deal_payload, deal_snapshot
from anken_projects.deals.schemas import DealCreate, DealUpdate
from anken_projects.kit.etag import bump_version
from anken_projects.kit.models import utc_now
from anken_projects.outbox.writer import record_event

OWNER_ROLES = (Role.manager, Role.director)
# PATCH may set these to a value but never to null.
NOT_NULLABLE = ("name", "account_name", "owner_id", "pipeline_id", "stage_id", "amount", "probability",
                "forecast_category")
PLAIN_FIELDS = ("name", "account_name", "amount", "expected_close_date", "lead_source", "forecast_category",
                "client_id", "metrics", "economic_buyer", "decision_criteria", "decision_process", "identify_pain",
                "champion", "competition", "next_step")


async def _check_owner(session: AsyncSession, owner_id: uuid.UUID, principal: Principal) -> None:
    user = await repo.get_user(session, owner_id)
    if user is None or not user.is_active or user.role not in OWNER_ROLES:
        raise UnprocessableEntity("owner_id", "must be an active manager or director")
    if principal.is_user and principal.role == Role.director and owner_id != principal.id:
        raise Forbidden("directors own their deals: owner_id must be yourself")


async def _check_client(session: AsyncSession, client_id: uuid.UUID | None) -> None:
    if client_id is not None and not await repo.client_exists(session, client_id):
        raise UnprocessableEntity("client_id", "no such client")


async def _resolve_stage(session: AsyncSession, pipeline_id: uuid.UUID | None, stage_id: uuid.UUID | None) -> Stage:
    """The stage a deal goes to: the given one (of the given pipeline), else the pipeline's first stage."""
    if stage_id is not None:
        stage = await repo.get_stage(session, stage_id)
        if stage is None:
            raise UnprocessableEntity("stage_id", "no such stage")
        if pipeline_id is not None and stage.pipeline_id != pipeline_id:
            raise UnprocessableEntity("stage_id", "is not a stage of pipeline_id")
        return stage
    pipeline = await repo.get_pipeline(session, pipeline_id) if pipeline_id else await repo.get_default_pipeline(session)
    if pipeline is None:
        raise UnprocessableEntity("pipeline_id", "no such pipeline")
    stages = (await repo.stages_of(session, [pipeline.id]))[pipeline.id]
    return stages[0]


def _enter_stage(deal: Deal, stage: Stage, now: datetime) -> None:
    """Put the deal in `stage`; terminal stages close it, open stages (re)open it."""
    deal.pipeline_id = stage.pipeline_id
    deal.stage_id = stage.id
    deal.stage_entered_at = now
    if stage.is_won:
        deal.status, deal.closed_at = DealStatus.won, now
    elif stage.is_lost:
        deal.status, deal.closed_at = DealStatus.lost, now
    else:
        deal.status, deal.closed_at = DealStatus.open, None


async def exit_criteria_to_confirm(session: AsyncSession, current: Stage, target: Stage) -> list[Stage]:
    """The stages whose exit criteria a move from `current` to `target` passes.

    Only forward moves inside one pipeline towards an open or won stage pass criteria; a
    move back, to a lost stage, or out of a closed deal does not.
    """
    if target.is_lost or current.is_terminal or target.pipeline_id != current.pipeline_id:
        return []
    if target.position <= current.position:
        return []
    stages = (await repo.stages_of(session, [current.pipeline_id]))[current.pipeline_id]
    return [s for s in stages if current.position <= s.position < target.position and s.exit_criteria and not s.is_terminal]


def _json(value: Any) -> Any:
    return to_payload({"v": value})["v"]


def _history(session: AsyncSession, deal: Deal, principal: Principal | None, changes: dict[str, list[Any]],
             labels: dict[str, tuple[str | None, str | None]], now: datetime) -> None:
    for field in TRACKED_FIELDS:
        if field not in changes:
            continue
        old, new = changes[field]
        old_label, new_label = labels.get(field, (None, None))
        session.add(DealChange(
            deal_id=deal.id, field=field, old_value=old, new_value=new, old_label=old_label, new_label=new_label,
            actor_type=principal.kind if principal else "system", actor_id=str(principal.id) if principal else None,
            changed_at=now,
        ))


async def create_deal(
    session: AsyncSession, body: DealCreate, principal: Principal | None, *, check_owner: bool = True,
    at: datetime | None = None,
) -> tuple[Deal, Stage]:
    """Create a deal; probability defaults to the stage's, a terminal stage closes it at once.

    `at` backdates the deal (history loads and the demo data set); the API always uses now.
    """
    owner_id = body.owner_id or (principal.id if principal and principal.is_user else None)
    if not isinstance(owner_id, uuid.UUID):
        raise UnprocessableEntity("owner_id", "is required when the caller is not a user")
    if check_owner and principal is not None:
        await _check_owner(session, owner_id, principal)
    await _check_client(session, body.client_id)
    stage = await _resolve_stage(session, body.pipeline_id, body.stage_id)
    if body.appointment_id is not None:
        # One home for the rule: a client's deal is outcome data of the appointment, never an agency deal.
        raise UnprocessableEntity("appointment_id", "a client's deal is reported on its appointment "
                                  "(PATCH /v1/appointments/{id}, deal); it never enters the agency's pipeline")
    now = at or utc_now()
    deal = Deal(
        name=body.name, account_name=body.account_name, client_id=body.client_id, appointment_id=None,
        owner_id=owner_id, pipeline_id=stage.pipeline_id, stage_id=stage.id, amount=body.amount,
        probability=body.probability if body.probability is not None else stage.probability,
        expected_close_date=body.expected_close_date, lead_source=body.lead_source,
        forecast_category=body.forecast_category, created_at=now, updated_at=now,
        **{f: getattr(body, f) for f in ("metrics", "economic_buyer", "decision_criteria", "decision_process",
                                          "identify_pain", "champion", "competition", "next_step")},
    )
    _enter_stage(deal, stage, now)
    session.add(deal)
    # Creation is the first entry of every tracked field, so stage conversion can count entries.
    initial = {f: [None, _json(getattr(deal, f))] for f in TRACKED_FIELDS if getattr(deal, f) is not None}
    _history(session, deal, principal, initial, {"stage_id": (None, stage.name)}, now)
    record_event(session, EventType.deal_created, aggregate_type="deal", aggregate_id=deal.id, tenant=deal.client_id,
                 payload=deal_payload(deal, stage))
    record_audit(session, principal, "deal.create", "deal", deal.id, after=deal_snapshot(deal))
    await session.flush()
    return deal, stage


async def update_deal(
    session: AsyncSession, deal: Deal, body: DealUpdate, principal: Principal | None, *, at: datetime | None = None
) -> tuple[Deal, Stage]:
    """Apply the fields sent; record history for tracked fields and one deal.changed event (`at`: as in create_deal)."""
    sent = body.model_fields_set - {"exit_criteria_confirmed"}
    for field in NOT_NULLABLE:
        if field in sent and getattr(body, field) is None:
            raise UnprocessableEntity(field, "may not be null")
    before = deal_snapshot(deal)
    old_values = {f: _json(getattr(deal, f)) for f in (*TRACKED_FIELDS, *PLAIN_FIELDS)}
    current = await repo.get_stage(session, deal.stage_id)
    assert current is not None  # a deal's stage is a foreign key
    stage = current
    now = at or utc_now()

    if "owner_id" in sent and body.owner_id != deal.owner_id and principal is not None:
        await _check_owner(session, body.owner_id, principal)  # type: ignore[arg-type]
    if "client_id" in sent:
        await _check_client(session, body.client_id)
    if ("stage_id" in sent and body.stage_id != deal.stage_id) or ("pipeline_id" in sent and body.pipeline_id != deal.pipeline_id):
        if "pipeline_id" in sent and body.pipeline_id != deal.pipeline_id and "stage_id" not in sent:
            raise UnprocessableEntity("stage_id", "is required when changing pipeline_id")
        target = await _resolve_stage(session, body.pipeline_id if "pipeline_id" in sent else None, body.stage_id)
        if target.id != current.id:
            to_confirm = await exit_criteria_to_confirm(session, current, target)
            if to_confirm and not body.exit_criteria_confirmed:
                raise UnprocessableEntity(
                    "exit_criteria_confirmed",
                    "moving forward requires confirming the exit criteria of: " + ", ".join(s.name for s in to_confirm),
                    exit_criteria=[{"stage_id": str(s.id), "stage_name": s.name, "exit_criteria": s.exit_criteria}
                                   for s in to_confirm],
                )
            _enter_stage(deal, target, now)
            stage = target
            if "probability" not in sent:
                deal.probability = target.probability
    if "owner_id" in sent:
        deal.owner_id = body.owner_id  # type: ignore[assignment]
    if "probability" in sent:
        deal.probability = body.probability  # type: ignore[assignment]
    for field in PLAIN_FIELDS:
        if field in sent:
            setattr(deal, field, getattr(body, field))

    changes = {f: [old, new] for f, old in old_values.items() if (new := _json(getattr(deal, f))) != old}
    if not changes:
        return deal, stage
    bump_version(deal)
    deal.updated_at = now
    labels: dict[str, tuple[str | None, str | None]] = (
        {"stage_id": (current.name, stage.name)} if "stage_id" in changes else {})
    _history(session, deal, principal, changes, labels, now)
    record_event(session, EventType.deal_changed, aggregate_type="deal", aggregate_id=deal.id, tenant=deal.client_id,
                 payload=deal_payload(deal, stage, changes))
    record_audit(session, principal, "deal.update", "deal", deal.id, before=before, after=deal_snapshot(deal))
    await session.flush()
    return deal, stage
