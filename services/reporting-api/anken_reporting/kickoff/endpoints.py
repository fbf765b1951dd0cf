"""`GET /v1/projects/{id}/kickoff-agenda?format=html|md`: the kickoff agenda the worker publishes to Confluence."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Response

from anken_common.problems import problem_responses
from anken_reporting.auth.access import visible_project
from anken_reporting.auth.dependencies import KpiReader
from anken_reporting.db import SessionDep
from anken_reporting.kickoff.agenda import build_agenda, render_markdown
from anken_reporting.kickoff.render_html import render_html
from anken_reporting.kickoff.repository import project_items
from anken_reporting.readmodels.timezones import zone

router = APIRouter(tags=["kickoff"])


class AgendaFormat(StrEnum):
    html = "html"
    md = "md"


MEDIA_TYPES = {AgendaFormat.html: "text/html; charset=utf-8", AgendaFormat.md: "text/markdown; charset=utf-8"}


@router.get(
    "/v1/projects/{project_id}/kickoff-agenda",
    summary="The kickoff meeting agenda from the project's checklist",
    description=(
        "What is agreed and what is still open (required items first), as HTML or Markdown. "
        "integrations-worker publishes it to the project's Confluence page."
    ),
    response_class=Response,
    responses={
        200: {"description": "The agenda document", "content": {
            "text/html": {"schema": {"type": "string"}, "example": "<!doctype html><html lang=\"ja\">…"},
            "text/markdown": {"schema": {"type": "string"}, "example": "# キックオフMTG アジェンダ：…"},
        }},
        **problem_responses(401, 403, 404, 422),
    },
)
async def kickoff_agenda(
    project_id: uuid.UUID, session: SessionDep, principal: KpiReader,
    format: Annotated[AgendaFormat, Query(description="html or md")] = AgendaFormat.html,
) -> Response:
    project = await visible_project(session, principal, project_id)
    agenda = build_agenda(project, await project_items(session, project_id), datetime.now(zone(project["timezone"])))
    body = render_html(agenda) if format == AgendaFormat.html else render_markdown(agenda)
    return Response(content=body, media_type=MEDIA_TYPES[format])
