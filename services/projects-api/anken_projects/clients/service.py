"""Clients: create, list, read, update; each write audited and published."""

from __future__ import annotations

import uuid

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import ClientPayload
from anken_common.events import EventType
from anken_common.problems import NotFound
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.clients import repository
from anken_projects.clients.models import Client
from anken_projects.clients.schemas import ClientCreate, ClientUpdate
from anken_projects.kit.etag import bump_version, check_if_match
from anken_projects.kit.pagination import PageResult
from anken_projects.kit.snapshot import snapshot
from anken_projects.outbox.writer import record_event


def _publish(session: AsyncSession, client: Client, type_: EventType) -> None:
    payload = ClientPayload(id=client.id, name=client.name, industry=client.industry).model_dump(mode="json")
    record_event(session, type_, aggregate_type="client", aggregate_id=client.id, tenant=client.id, payload=payload)


async def create_client(session: AsyncSession, principal: Principal, body: ClientCreate) -> Client:
    client = Client(name=body.name, industry=body.industry)
    session.add(client)
    await session.flush()
    record_audit(session, principal, "client.create", "client", client.id, after=snapshot(client))
    _publish(session, client, EventType.client_created)
    return client


async def get_client(session: AsyncSession, principal: Principal, client_id: uuid.UUID, *, for_update: bool = False) -> Client:
    client = await repository.find(session, principal, client_id, for_update=for_update)
    if client is None:
        raise NotFound("client")
    return client


async def list_clients(
    session: AsyncSession, principal: Principal, *, q: str | None, industry: str | None, cursor: str | None, limit: int
) -> PageResult[Client]:
    return await repository.page(session, principal, q=q, industry=industry, cursor=cursor, limit=limit)


async def update_client(
    session: AsyncSession, principal: Principal, request: Request, client_id: uuid.UUID, body: ClientUpdate
) -> Client:
    client = await get_client(session, principal, client_id, for_update=True)
    check_if_match(request, client.version)
    before = snapshot(client)
    changes = body.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        changes.pop("name")
    for field, value in changes.items():
        setattr(client, field, value)
    bump_version(client)
    await session.flush()
    record_audit(session, principal, "client.update", "client", client.id, before=before, after=snapshot(client))
    _publish(session, client, EventType.client_updated)
    return client

