"""Integration settings routes: /v1/integration-settings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from anken_common.problems import problem_responses
from anken_worker.auth import access
from anken_worker.auth.dependencies import Operator
from anken_worker.connectors import stored as repo
from anken_worker.db import ConnDep, ContextDep
from anken_worker.deliveries.drain_memo import forget_after_commit
from anken_worker.integration_settings import service
from anken_worker.integration_settings.schemas import (
    IntegrationSettingsIn,
    IntegrationSettingsOut,
    IntegrationSettingsPage,
)
from anken_worker.kit.cursors import parse_uuid_cursor, uuid_cursor

router = APIRouter(tags=["integration settings"])
WHO = ("Admins manage every client's and project's settings; a director a client's settings when they direct one "
       "of its projects, and a project's settings when they direct that project. Anything else is 404.")


@router.put("/v1/integration-settings", response_model=IntegrationSettingsOut,
            summary="Connect or reconfigure Slack, Confluence or Google Sheets for a client or project",
            description=WHO, responses=problem_responses(401, 403, 404, 422))
async def put_settings(body: IntegrationSettingsIn, principal: Operator, conn: ConnDep,
                       ctx: ContextDep) -> IntegrationSettingsOut:
    await access.require_settings_scope(conn, principal, body.client_id, body.project_id)
    forget_after_commit(conn)  # deliveries use the new settings from the moment this answers
    saved = await service.save(conn, ctx.box, body, ctx.settings.outbound_policy, ctx.settings)
    return IntegrationSettingsOut(**service.to_out(saved))


@router.get("/v1/integration-settings", response_model=IntegrationSettingsPage,
            summary="List integration settings (secrets are never returned)", description=WHO,
            responses=problem_responses(401, 403, 422))
async def list_settings(principal: Operator, conn: ConnDep, client_id: uuid.UUID | None = None,
                        cursor: Annotated[str | None, Query(max_length=512)] = None,
                        limit: Annotated[int, Query(ge=1, le=200)] = 50) -> IntegrationSettingsPage:
    rows = await repo.list_all(conn, client_id, parse_uuid_cursor(cursor), limit + 1,
                               visible=access.settings_where(principal))
    return IntegrationSettingsPage(items=[IntegrationSettingsOut(**service.to_out(r)) for r in rows[:limit]],
                                   next_cursor=uuid_cursor(rows[limit - 1]["id"]) if len(rows) > limit else None)


@router.delete("/v1/integration-settings/{settings_id}", status_code=204, response_class=Response,
               summary="Disconnect (the sandbox or nothing is used again)", responses=problem_responses(401, 403, 404, 422))
async def delete_settings(settings_id: uuid.UUID, principal: Operator, conn: ConnDep) -> Response:
    await access.require_settings_row(conn, principal, await repo.get(conn, settings_id))
    forget_after_commit(conn)
    await repo.delete(conn, settings_id)
    return Response(status_code=204)
