"""Confluence deliveries: one page per purpose (overview, kickoff agenda, talk scripts, FAQ) in a
tree under the project's root page. A page is found by its stored id, else by its title under its
parent, before anything is created, so no purpose ever gets a second page."""

from __future__ import annotations

from typing import Any

import httpx

from anken_common.logging import get_logger
from anken_worker.actions import weekly_report
from anken_worker.adapters.confluence.client import ConfluenceClient
from anken_worker.adapters.errors import PermanentError, SkipDelivery, TransientError
from anken_worker.context import WorkerContext
from anken_worker.deliveries.executor import action
from anken_worker.deliveries.models import Delivery, Outcome
from anken_worker.messaging import agenda_fallback_page
from anken_worker.projects_state import repository as projects
from anken_worker.projects_state.writeback import link_in_projects_api

log = get_logger("anken.worker.confluence")
ROOT = "overview"
# Attempts to reach reporting-api for the agenda before settling for the generic one.
AGENDA_PATIENCE = 3


async def kickoff_agenda_html(ctx: WorkerContext, project: dict[str, Any], attempts: int) -> str:
    """The agenda reporting-api renders; a generic one when reporting-api has none for the project."""
    try:
        response = await ctx.reporting.get(
            f"/v1/projects/{project['project_id']}/kickoff-agenda", params={"format": "html"},
            headers=ctx.service_headers(),
        )
    except httpx.HTTPError as exc:
        if attempts >= AGENDA_PATIENCE:
            # The page tree matters more than the agenda's details; the director can edit the page.
            log.warning("kickoff_agenda_unreachable_fallback", project_id=str(project["project_id"]))
            return agenda_fallback_page(project)
        raise TransientError(f"reporting-api unreachable for the kickoff agenda: {type(exc).__name__}") from exc
    if response.status_code in (404, 405):
        log.info("kickoff_agenda_fallback", project_id=str(project["project_id"]), status=response.status_code)
        return agenda_fallback_page(project)
    if response.status_code >= 500:
        raise TransientError(f"reporting-api answered {response.status_code} for the kickoff agenda")
    if response.status_code >= 400:
        raise PermanentError(f"reporting-api refused the kickoff agenda: {response.status_code}")
    ctype = response.headers.get("content-type", "")
    if "json" in ctype:
        data = response.json()
        return str(data.get("html") or data.get("body") or agenda_fallback_page(project))
    return response.text


def page_url(client: ConfluenceClient, page: dict[str, Any]) -> str:
    """Where a person reads the page: its `_links.webui` joined to the site's `_links.base` (the wiki root,
    e.g. https://example.atlassian.net/wiki); without a base in the answer, the root the API lives under."""
    links = page.get("_links") or {}
    base = str(links.get("base") or client.base_url.removesuffix("/").removesuffix("/api/v2"))
    if links.get("webui"):
        return base + str(links["webui"])
    return f"{base}/pages/viewpage.action?pageId={page['id']}"


@action("confluence.page")
async def upsert_page(ctx: WorkerContext, d: Delivery) -> Outcome:
    """payload: purpose, title, parent_purpose (None for the root), body or body_source, mode (create|update)."""
    async with ctx.engine.connect() as conn:
        project = await projects.get(conn, d.project_id)
        connection = await ctx.connectors.confluence(conn, d.client_id, d.project_id)
    if project is None:
        raise SkipDelivery("the worker has not seen this project yet")
    client: ConfluenceClient = connection.client
    purpose, title = d.payload["purpose"], d.payload["title"]
    pages: dict[str, Any] = project.get("confluence_pages") or {}
    parent_purpose = d.payload.get("parent_purpose")
    if parent_purpose:
        parent_id = pages.get(parent_purpose)
        if not parent_id:
            if d.payload.get("mode") == "update":
                raise SkipDelivery("this project has no Confluence page tree yet")
            raise PermanentError(f"parent page {parent_purpose!r} was not created")
    else:
        parent_id = connection.config.get("parent_page_id")

    body = d.payload.get("body")
    if d.payload.get("body_source") == "kickoff_agenda":
        body = await kickoff_agenda_html(ctx, project, d.attempts)
    elif weekly_report.is_weekly_report(d):
        # Its link is made now (signed, expiring): actions.weekly_report.
        body = await weekly_report.confluence_body(ctx, d, project["name"], project.get("timezone") or "Asia/Tokyo")

    page = None
    if pages.get(purpose):
        page = await client.get_page(pages[purpose])
    if page is None:
        page = await client.find_page(title, parent_id)
    if page is None:
        if d.payload.get("mode") == "update" and not pages:
            raise SkipDelivery("this project has no Confluence page tree yet")
        page = await client.create_page(title, body or "", parent_id)
        note = "created"
    elif d.payload.get("mode") == "update":
        page = await client.update_page(str(page["id"]), title, body or "")
        note = "updated"
    else:
        note = "already existed"
    async with ctx.engine.begin() as conn:
        await projects.set_page(conn, project["project_id"], purpose, str(page["id"]))
    if purpose == ROOT and note == "created":
        await link_in_projects_api(ctx, project["project_id"], confluence_page_url=page_url(client, page))
    return Outcome(external_ref=str(page["id"]), excerpt=f"{note}: {title}", target=f"page:{page['id']}")
