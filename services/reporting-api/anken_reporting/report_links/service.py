"""Shared weekly report links: made by the project's director (or an admin, or the worker for Slack and
Confluence), per client, expiring and revocable. A link opens the week's latest *published* version only;
an unknown, revoked or expired link, or one whose project is no longer its client's, is not found."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common import access as rule
from anken_common.clock import utc_now
from anken_common.problems import Conflict, NotFound
from anken_reporting.auth.principal import Principal
from anken_reporting.kpis.repository import ProjectRow, get_project
from anken_reporting.readmodels.models import PROJECT_ACCESS_COLUMNS
from anken_reporting.report_links import repository
from anken_reporting.report_links.models import report_links
from anken_reporting.report_links.schemas import LinkCreated, LinkList, LinkOut, SharedReport
from anken_reporting.report_links.tokens import link_id_of, token_for
from anken_reporting.reports import repository as reports_repo
from anken_reporting.reports.documents import FORMATS
from anken_reporting.reports.iso_week import IsoWeek, parse_iso_week
from anken_reporting.reports.schemas import WeeklyReport
from anken_reporting.reports.service import WeeklyReportService, without_member_names


def link_path(token: str) -> str:
    return f"/r/{token}"


def resolve_path(token: str) -> str:
    return f"/v1/report-links/resolve/{token}"


def status_of(link: Mapping[Any, Any], now: datetime) -> str:
    if link["revoked_at"] is not None:
        return "revoked"
    return "active" if link["expires_at"] > now else "expired"


def _created(link: Mapping[Any, Any], secret: str, web_url: str) -> LinkCreated:
    token = token_for(secret, link["id"])
    return LinkCreated(
        id=link["id"], project_id=link["project_id"], client_id=link["client_id"], iso_week=link["iso_week"],
        token=token, url_path=link_path(token), url=web_url.rstrip("/") + link_path(token), expires_at=link["expires_at"],
    )


async def create(
    session: AsyncSession, principal: Principal, project: Mapping[str, Any], week: IsoWeek, *, days: int,
    secret: str, web_url: str, idempotency_key: str | None = None,
) -> tuple[LinkCreated, bool]:
    """A new link to the week's published report (404 when nothing is published). With an Idempotency-Key the
    same caller's retry answers the link made the first time: (link, created)."""
    if await reports_repo.latest_version_number(session, project["id"], week.label) is None:
        raise NotFound("published weekly report")
    creator = str(principal.id)
    now = utc_now()
    row = await repository.insert_link(session, {
        "id": uuid.uuid4(), "client_id": project["client_id"], "project_id": project["id"], "iso_week": week.label,
        "created_by": creator, "created_at": now, "expires_at": now + timedelta(days=days),
        "idempotency_key": idempotency_key,
    })
    created = row is not None
    if row is None:
        row = await repository.by_key(session, creator, idempotency_key or "")
        if row is None:  # pragma: no cover - the conflicting row cannot vanish inside the transaction
            raise Conflict("the Idempotency-Key's link could not be read back")
        if (row["project_id"], row["iso_week"]) != (project["id"], week.label):
            raise Conflict("this Idempotency-Key was used for another report's link")
    return _created(row, secret, web_url), created


async def links(
    session: AsyncSession, principal: Principal, *, client_id: uuid.UUID | None, project_id: uuid.UUID | None,
    iso_week: str | None, limit: int,
) -> LinkList:
    """The links of the projects the caller manages, filtered. Naming a client none of whose projects the caller
    directs is a 404, as is naming a project it does not see."""
    t = report_links.c
    where: list[sa.ColumnElement[bool]] = [rule.managed_project_ids_clause(principal, t.project_id, PROJECT_ACCESS_COLUMNS)]
    if client_id is not None:
        if not rule.manages_everything(principal) and not await repository.client_has_project_directed_by(
                session, client_id, rule.as_uuid(principal.id)):
            raise NotFound("client")
        where.append(t.client_id == client_id)
    if project_id is not None:
        where.append(t.project_id == project_id)
    if iso_week is not None:
        where.append(t.iso_week == iso_week)
    now = utc_now()
    rows = await repository.list_links(session, where, limit)
    return LinkList(items=[LinkOut(**{**row, "status": status_of(row, now)}) for row in rows])


async def revoke(session: AsyncSession, principal: Principal, link_id: uuid.UUID) -> None:
    """Revoke a link of a project the caller manages (anything else is a 404); revoking twice is fine."""
    link = await repository.get_link(session, link_id)
    project = await get_project(session, link["project_id"]) if link else None
    if link is None or project is None or not rule.may_manage_project(principal, director_id=project["director_id"]):
        raise NotFound("report link")
    await repository.revoke(session, link_id, str(principal.id), utc_now())


async def _usable(session: AsyncSession, secret: str, token: str) -> tuple[RowMapping, ProjectRow]:
    """The link and its project, when the link is known, signed here, active and its project still its client's."""
    link_id = link_id_of(secret, token)
    link = await repository.get_link(session, link_id) if link_id else None
    if link is None or status_of(link, utc_now()) != "active":
        raise NotFound("report link")
    project = await get_project(session, link["project_id"])
    if project is None or project["client_id"] != link["client_id"]:
        raise NotFound("report link")
    return link, project


async def shared_report(session: AsyncSession, secret: str, token: str) -> tuple[RowMapping, WeeklyReport]:
    """The link (checked now: known, signed here, not revoked, not expired) and the latest published version of
    its week; the use is counted."""
    link, project = await _usable(session, secret, token)
    report = await WeeklyReportService(session).published(link["project_id"], parse_iso_week(link["iso_week"]), None)
    await repository.record_open(session, link["id"], utc_now())
    # A link is the client's: member names only where the project shows them to its client.
    if not project["client_sees_member_names"]:
        report = without_member_names(report)
    return link, report


async def resolve(session: AsyncSession, secret: str, token: str) -> SharedReport:
    link, report = await shared_report(session, secret, token)
    base = resolve_path(token)
    return SharedReport(id=link["id"], iso_week=link["iso_week"], expires_at=link["expires_at"], report=report,
                        downloads={kind: f"{base}/download.{kind}" for kind in FORMATS})
