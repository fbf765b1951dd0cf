"""Webhook endpoint routes: /v1/webhook-endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_common.problems import problem_responses
from anken_common.settings import Environment
from anken_worker.auth import access
from anken_worker.auth.dependencies import Operator, Principal
from anken_worker.context import WorkerContext
from anken_worker.db import ConnDep, ContextDep
from anken_worker.kit.cursors import parse_uuid_cursor, uuid_cursor
from anken_worker.webhook_endpoints import repository as repo
from anken_worker.webhook_endpoints import service
from anken_worker.webhook_endpoints.schemas import (
    TrialSendResult,
    WebhookEndpointCreate,
    WebhookEndpointOut,
    WebhookEndpointPage,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
)
from anken_worker.webhook_endpoints.trial_delivery import send_trial

router = APIRouter(tags=["webhook endpoints"])
EndpointID = Annotated[uuid.UUID, "webhook endpoint id"]
WHO = "Admins manage every client's endpoints; a director those of the clients whose projects they direct."


def _https_only(ctx: WorkerContext) -> bool:
    """Production refuses plain-http endpoint URLs (service.check_url)."""
    return ctx.settings.anken_env == Environment.production


async def _managed(conn: AsyncConnection, principal: Principal, endpoint_id: uuid.UUID) -> dict[str, Any]:
    """The endpoint, if the principal manages its client (else 404, as if it did not exist)."""
    row = await service.require(conn, endpoint_id)
    await access.require_client(conn, principal, row["client_id"], "webhook endpoint")
    return row


@router.post("/v1/webhook-endpoints", status_code=201, response_model=WebhookEndpointWithSecret,
             summary="Register a partner webhook endpoint (the signing secret is shown once)",
             description=f"{WHO} A client the caller does not manage is 404.",
             responses=problem_responses(401, 403, 404, 422))
async def create_endpoint(body: WebhookEndpointCreate, principal: Operator, conn: ConnDep,
                          ctx: ContextDep) -> WebhookEndpointWithSecret:
    await access.require_client(conn, principal, body.client_id)
    row, secret = await service.create(conn, ctx.box, body.client_id, str(body.url), list(body.events), body.description,
                                       ctx.settings.outbound_policy, https_only=_https_only(ctx))
    return WebhookEndpointWithSecret(**service.to_out(row), secret=secret)


@router.get("/v1/webhook-endpoints", response_model=WebhookEndpointPage, summary="List webhook endpoints",
            description=WHO, responses=problem_responses(401, 403, 422))
async def list_endpoints(principal: Operator, conn: ConnDep, client_id: uuid.UUID | None = None,
                         cursor: Annotated[str | None, Query(max_length=512)] = None,
                         limit: Annotated[int, Query(ge=1, le=200)] = 50) -> WebhookEndpointPage:
    rows = await repo.list_page(conn, client_id, parse_uuid_cursor(cursor), limit + 1,
                                visible=access.webhook_endpoints_where(principal))
    items = [WebhookEndpointOut(**service.to_out(r)) for r in rows[:limit]]
    return WebhookEndpointPage(items=items, next_cursor=uuid_cursor(rows[limit - 1]["id"]) if len(rows) > limit else None)


@router.get("/v1/webhook-endpoints/{endpoint_id}", response_model=WebhookEndpointOut, summary="A webhook endpoint",
            responses=problem_responses(401, 403, 404, 422))
async def get_endpoint(endpoint_id: uuid.UUID, principal: Operator, conn: ConnDep) -> WebhookEndpointOut:
    return WebhookEndpointOut(**service.to_out(await _managed(conn, principal, endpoint_id)))


@router.patch("/v1/webhook-endpoints/{endpoint_id}", response_model=WebhookEndpointOut,
              summary="Change a webhook endpoint's URL, events or state", responses=problem_responses(401, 403, 404, 422))
async def update_endpoint(endpoint_id: uuid.UUID, body: WebhookEndpointUpdate, principal: Operator,
                          conn: ConnDep, ctx: ContextDep) -> WebhookEndpointOut:
    await _managed(conn, principal, endpoint_id)
    await service.update(conn, endpoint_id, body.model_dump(exclude_unset=True, exclude_none=True),
                         ctx.settings.outbound_policy, https_only=_https_only(ctx))
    return WebhookEndpointOut(**service.to_out(await service.require(conn, endpoint_id)))


@router.delete("/v1/webhook-endpoints/{endpoint_id}", status_code=204, response_class=Response,
               summary="Remove a webhook endpoint (its deliveries not yet sent are skipped)",
               description=f"{WHO} Another client's endpoint is 404.", responses=problem_responses(401, 403, 404, 422))
async def delete_endpoint(endpoint_id: uuid.UUID, principal: Operator, conn: ConnDep) -> Response:
    await _managed(conn, principal, endpoint_id)
    await service.delete(conn, endpoint_id)
    return Response(status_code=204)


@router.post("/v1/webhook-endpoints/{endpoint_id}/rotate-secret", response_model=WebhookEndpointWithSecret,
             summary="Rotate the signing secret (old and new both sign for 24 hours)",
             responses=problem_responses(401, 403, 404, 422))
async def rotate_secret(endpoint_id: uuid.UUID, principal: Operator, conn: ConnDep,
                        ctx: ContextDep) -> WebhookEndpointWithSecret:
    await _managed(conn, principal, endpoint_id)
    row, secret = await service.rotate(conn, ctx.box, endpoint_id)
    return WebhookEndpointWithSecret(**service.to_out(row), secret=secret)


@router.post("/v1/webhook-endpoints/{endpoint_id}/test", response_model=TrialSendResult,
             summary="Send a signed test event now and report the endpoint's status code and timing",
             responses=problem_responses(401, 403, 404, 422))
async def send_test(endpoint_id: uuid.UUID, principal: Operator, ctx: ContextDep) -> TrialSendResult:
    async with ctx.engine.connect() as conn:
        await _managed(conn, principal, endpoint_id)
    return await send_trial(ctx, endpoint_id)
