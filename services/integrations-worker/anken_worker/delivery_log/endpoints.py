"""Delivery log routes: list and filter, redrive dead letters one by one or per integration."""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from anken_common.problems import Conflict, NotFound, problem_responses
from anken_worker.auth import access
from anken_worker.auth.dependencies import Operator
from anken_worker.db import ConnDep, ContextDep
from anken_worker.deliveries import repository as repo
from anken_worker.deliveries.models import Delivery
from anken_worker.delivery_log.schemas import DeliveryOut, DeliveryPage, RedriveResult
from anken_worker.jobs.enqueue import enqueue_deliveries
from anken_worker.kit.cursors import int_cursor, parse_int_cursor
from anken_worker.kit.tables import deliveries as t

router = APIRouter(tags=["deliveries"])
WHO = ("Admins see every delivery; a director those of the projects they direct and, without a project, those "
       "of the clients whose projects they direct. Anything else is 404 (or left out of a list).")
IntegrationName = Literal["slack", "confluence", "sheets", "webhook", "event"]
StatusName = Literal["pending", "retrying", "succeeded", "dead", "skipped"]


def _out(d: Delivery) -> DeliveryOut:
    return DeliveryOut.model_validate(d, from_attributes=True)


@router.get("/v1/deliveries", response_model=DeliveryPage, summary="The delivery log, newest first",
            description=WHO, responses=problem_responses(401, 403, 422))
async def list_deliveries(
    principal: Operator, conn: ConnDep,
    integration: IntegrationName | None = None, status: StatusName | None = None,
    project_id: uuid.UUID | None = None, client_id: uuid.UUID | None = None,
    endpoint_id: Annotated[uuid.UUID | None, Query(
        description="Only the deliveries to this webhook endpoint (another client's endpoint lists nothing)")] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DeliveryPage:
    rows = await repo.list_page(conn, integration=integration, status=status, project_id=project_id,
                                client_id=client_id, endpoint_id=endpoint_id, after_seq=parse_int_cursor(cursor), limit=limit + 1,
                                visible=access.deliveries_where(principal))
    next_cursor = int_cursor(rows[limit - 1].seq) if len(rows) > limit else None
    return DeliveryPage(items=[_out(d) for d in rows[:limit]], next_cursor=next_cursor)


@router.get("/v1/deliveries/{delivery_id}", response_model=DeliveryOut, summary="One delivery",
            responses=problem_responses(401, 403, 404, 422))
async def get_delivery(delivery_id: uuid.UUID, principal: Operator, conn: ConnDep) -> DeliveryOut:
    return _out(await access.require_delivery(conn, principal, await repo.get(conn, delivery_id)))


@router.post("/v1/deliveries/{delivery_id}/retry", response_model=DeliveryOut,
             summary="Retry one dead-lettered (or skipped) delivery", responses=problem_responses(401, 403, 404, 409, 422))
async def retry_delivery(delivery_id: uuid.UUID, principal: Operator, conn: ConnDep, ctx: ContextDep) -> DeliveryOut:
    d = await access.require_delivery(conn, principal, await repo.get(conn, delivery_id))
    if d.action == "event.malformed":
        raise Conflict("a malformed event cannot be retried; fix the producer and resend the event")
    async with ctx.engine.begin() as own:
        keys = await repo.reopen(own, t.c.id == delivery_id)
    if not keys:
        raise Conflict(f"only dead or skipped deliveries can be retried; this one is {d.status}",
                       current_status=d.status)
    await enqueue_deliveries(ctx, keys, redrive=int(time.time() * 1000))
    async with ctx.engine.connect() as own:
        reopened = await repo.get(own, delivery_id)
    if reopened is None:  # deliveries are never deleted
        raise NotFound("delivery")
    return _out(reopened)


@router.post("/v1/deliveries/retry-dead", response_model=RedriveResult,
             summary="Retry every dead-lettered (and skipped) delivery of an integration",
             description="Only deliveries the caller may see (see the delivery log); a project the caller does not "
                         "manage is 404.",
             responses=problem_responses(401, 403, 404, 422))
async def retry_all_dead(principal: Operator, ctx: ContextDep,
                         integration: Annotated[Literal["slack", "confluence", "sheets", "webhook"], Query()],
                         project_id: uuid.UUID | None = None) -> RedriveResult:
    # A notice that the integration was broken is stale once it is fixed: not redriven in bulk.
    where = (t.c.integration == integration) & (t.c.action != "event.malformed") & \
        ~t.c.idempotency_key.startswith("health:") & access.deliveries_where(principal)
    async with ctx.engine.begin() as own:
        if project_id:
            if not await access.may_manage_project(own, principal, project_id):
                raise NotFound("project")
            where = where & (t.c.project_id == project_id)
        keys = await repo.reopen(own, where)
    await enqueue_deliveries(ctx, keys, redrive=int(time.time() * 1000))
    return RedriveResult(requeued=len(keys))
