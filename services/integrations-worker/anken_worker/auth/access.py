"""Which clients, projects and deliveries an operator of the worker API may see and change: the worker's
adapter over the one rule in anken_common.access.

Admins and services: everything. A director: what belongs to the clients whose projects they direct
(webhook endpoints, client-wide integration settings) and to the projects they direct (project settings,
deliveries carrying a project). The facts come from the worker's copy of the projects (project_links,
kept from project events). Whatever an operator may not see answers 404, as if it did not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_common import access as rule
from anken_common.problems import NotFound, UnprocessableEntity
from anken_worker.auth.dependencies import Principal
from anken_worker.deliveries.models import Delivery
from anken_worker.kit.tables import deliveries, integration_settings, project_links, webhook_endpoints

PROJECTS = rule.ProjectColumns(
    id=project_links.c.project_id, client_id=project_links.c.client_id, director_id=project_links.c.director_id,
)


async def directs_a_project_of(conn: AsyncConnection, principal: Principal, client_id: uuid.UUID | None) -> bool:
    me = rule.as_uuid(principal.id)
    if client_id is None or me is None or principal.kind != "user":
        return False
    found = await conn.scalar(sa.select(project_links.c.project_id).where(
        project_links.c.client_id == client_id, project_links.c.director_id == me).limit(1))
    return found is not None


async def may_manage_client(conn: AsyncConnection, principal: Principal, client_id: uuid.UUID | None) -> bool:
    if rule.manages_everything(principal):
        return True
    directs = await directs_a_project_of(conn, principal, client_id)
    return rule.may_manage_client(principal, directs_a_project_of_client=directs)


async def may_manage_project(conn: AsyncConnection, principal: Principal, project_id: uuid.UUID | None) -> bool:
    if rule.manages_everything(principal):
        return True
    if project_id is None:
        return False
    director = await conn.scalar(
        sa.select(project_links.c.director_id).where(project_links.c.project_id == project_id))
    return rule.may_manage_project(principal, director_id=director)


async def require_client(conn: AsyncConnection, principal: Principal, client_id: uuid.UUID | None,
                         what: str = "client") -> None:
    """404 `what` unless the principal may manage the client."""
    if not await may_manage_client(conn, principal, client_id):
        raise NotFound(what)


async def require_settings_scope(conn: AsyncConnection, principal: Principal, client_id: uuid.UUID,
                                 project_id: uuid.UUID | None, what: str = "client") -> None:
    """Integration settings of a client need the client rule, of a project the project rule; a project that
    the worker knows under another client is refused (its settings would travel with the wrong client)."""
    if project_id is None:
        await require_client(conn, principal, client_id, what)
        return
    if not await may_manage_project(conn, principal, project_id):
        raise NotFound("project" if what == "client" else what)
    known_client = await conn.scalar(
        sa.select(project_links.c.client_id).where(project_links.c.project_id == project_id))
    if known_client is not None and known_client != client_id:
        raise UnprocessableEntity("project_id", "this project belongs to another client")


def managed_clients_where(principal: Principal, client_id: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    return rule.managed_clients_clause(principal, client_id, PROJECTS)


def _client_or_project_where(principal: Principal, client_id: sa.ColumnElement[Any],
                             project_id: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """Rows without a project follow the client rule, rows with one the project rule."""
    if rule.manages_everything(principal):
        return sa.true()
    return sa.or_(
        sa.and_(project_id.is_(None), rule.managed_clients_clause(principal, client_id, PROJECTS)),
        sa.and_(project_id.is_not(None), rule.managed_project_ids_clause(principal, project_id, PROJECTS)),
    )


def webhook_endpoints_where(principal: Principal) -> sa.ColumnElement[bool]:
    return managed_clients_where(principal, webhook_endpoints.c.client_id)


def settings_where(principal: Principal) -> sa.ColumnElement[bool]:
    return _client_or_project_where(principal, integration_settings.c.client_id, integration_settings.c.project_id)


def deliveries_where(principal: Principal) -> sa.ColumnElement[bool]:
    return _client_or_project_where(principal, deliveries.c.client_id, deliveries.c.project_id)


async def require_settings_row(conn: AsyncConnection, principal: Principal, row: dict[str, Any] | None) -> None:
    if row is None or not await _visible(conn, principal, row["client_id"], row["project_id"]):
        raise NotFound("integration settings")


async def require_delivery(conn: AsyncConnection, principal: Principal, delivery: Delivery | None) -> Delivery:
    """`delivery` when the principal may see it; 404 when it does not exist or is not theirs."""
    if delivery is None or not await _visible(conn, principal, delivery.client_id, delivery.project_id):
        raise NotFound("delivery")
    return delivery


async def _visible(conn: AsyncConnection, principal: Principal, client_id: uuid.UUID | None,
                   project_id: uuid.UUID | None) -> bool:
    if project_id is not None:
        return await may_manage_project(conn, principal, project_id)
    return client_id is not None and await may_manage_client(conn, principal, client_id)


async def visible_health(conn: AsyncConnection, principal: Principal, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Health rows of projects the principal manages and of endpoints of clients it manages; a global
    scope only for admins."""
    rows = list(rows)
    if rule.manages_everything(principal):
        return rows
    me = rule.as_uuid(principal.id)
    directed = {r.project_id: r.client_id for r in (await conn.execute(
        sa.select(project_links.c.project_id, project_links.c.client_id).where(project_links.c.director_id == me)
    )).all()} if me is not None and principal.kind == "user" else {}
    clients = set(directed.values())
    endpoints = {r.id for r in (await conn.execute(
        sa.select(webhook_endpoints.c.id).where(webhook_endpoints.c.client_id.in_(clients)))).all()} if clients else set()
    visible = {f"project:{p}" for p in directed} | {f"endpoint:{e}" for e in endpoints}
    return [r for r in rows if r["scope"] in visible]
