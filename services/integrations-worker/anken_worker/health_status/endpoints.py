"""Integration health routes."""

from __future__ import annotations

from fastapi import APIRouter

from anken_common.problems import problem_responses
from anken_worker.auth import access
from anken_worker.auth.dependencies import Operator
from anken_worker.db import ConnDep
from anken_worker.deliveries import health_log as repo
from anken_worker.health_status.schemas import IntegrationHealthOut, IntegrationHealthPage

router = APIRouter(tags=["integration health"])


@router.get("/v1/integration-health", response_model=IntegrationHealthPage,
            summary="Integrations that failed permanently (revoked token, archived channel, …) and when",
            description="Admins see every scope; a director those of the projects they direct and of the webhook "
                        "endpoints of their clients.",
            responses=problem_responses(401, 403, 422))
async def list_health(principal: Operator, conn: ConnDep, only_unhealthy: bool = False) -> IntegrationHealthPage:
    rows = await access.visible_health(conn, principal, await repo.list_all(conn, only_unhealthy))
    return IntegrationHealthPage(items=[IntegrationHealthOut(**r) for r in rows], next_cursor=None)
