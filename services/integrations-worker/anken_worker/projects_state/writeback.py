"""Telling projects-api where the project's channel, page tree and spreadsheet are, so its screens
link to them (PATCH /v1/projects/{id}). Best effort: the integration itself already succeeded."""

from __future__ import annotations

import uuid

import httpx

from anken_common.logging import get_logger
from anken_worker.context import WorkerContext

log = get_logger("anken.worker.writeback")


async def link_in_projects_api(ctx: WorkerContext, project_id: uuid.UUID | str, **fields: str) -> bool:
    try:
        response = await ctx.projects.patch(f"/v1/projects/{project_id}", json=fields, headers=ctx.service_headers())
    except httpx.HTTPError as exc:
        log.warning("project_link_writeback_failed", project_id=str(project_id), error=type(exc).__name__)
        return False
    if response.status_code >= 300:
        log.warning("project_link_writeback_refused", project_id=str(project_id), status=response.status_code,
                    body=response.text[:200])
        return False
    return True
