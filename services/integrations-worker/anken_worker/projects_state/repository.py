"""Queries on project links, people and project members."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_worker.kit.tables import people, project_links, project_members


async def upsert_project(conn: AsyncConnection, p: Any, snapshot: dict[str, Any]) -> None:
    values = {
        "project_id": p.id, "client_id": p.client_id, "client_name": p.client_name, "name": p.name,
        "director_id": p.director_id, "status": p.status, "timezone": p.timezone,
        "monthly_appointment_target": p.monthly_appointment_target,
    }
    stmt = insert(project_links).values(**values, snapshot=snapshot, confluence_pages={})
    # Keep the scripts the worker gathered from script events when the project snapshot changes.
    merged = sa.func.coalesce(project_links.c.snapshot, sa.text("'{}'::jsonb")).op("||")(
        stmt.excluded.snapshot.op("-")("scripts"))
    await conn.execute(stmt.on_conflict_do_update(
        index_elements=["project_id"],
        set_={**{k: stmt.excluded[k] for k in values if k != "project_id"}, "snapshot": merged,
              "updated_at": sa.func.now()},
    ))


# Built once: every Slack post reads its project (the statement's construction is the costly part).
_BY_ID = sa.select(project_links).where(
    project_links.c.project_id == sa.bindparam("p_project_id", type_=project_links.c.project_id.type))


async def get(conn: AsyncConnection, project_id: uuid.UUID | None) -> dict[str, Any] | None:
    if project_id is None:
        return None
    row = (await conn.execute(_BY_ID, {"p_project_id": project_id})).first()
    return dict(row._mapping) if row else None


_DOCUMENTS = ("snapshot", "confluence_pages")
_MANY = {
    True: sa.select(project_links),
    # Without the JSON documents: a burst's lookups (channel, time zone, name) decode a few fields, not them.
    False: sa.select(*(c for c in project_links.c if c.name not in _DOCUMENTS)),
}


async def get_many(conn: AsyncConnection, project_ids: set[uuid.UUID], *,
                   documents: bool = True) -> list[dict[str, Any]]:
    """Projects by id; `documents=False` leaves out the snapshot and the Confluence page ids."""
    if not project_ids:
        return []
    stmt = _MANY[documents].where(project_links.c.project_id.in_(project_ids))
    return [dict(r._mapping) for r in (await conn.execute(stmt)).all()]


async def by_channel(conn: AsyncConnection, channel_id: str) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(project_links).where(project_links.c.slack_channel_id == channel_id))).first()
    return dict(row._mapping) if row else None


async def active_projects(conn: AsyncConnection) -> list[dict[str, Any]]:
    rows = (await conn.execute(
        sa.select(project_links).where(project_links.c.status.in_(("kickoff", "active"))))).all()
    return [dict(r._mapping) for r in rows]


async def set_fields(conn: AsyncConnection, project_id: uuid.UUID, **values: Any) -> None:
    await conn.execute(sa.update(project_links).where(project_links.c.project_id == project_id)
                       .values(**values, updated_at=sa.func.now()))


async def set_page(conn: AsyncConnection, project_id: uuid.UUID, purpose: str, page_id: str) -> None:
    pages = project_links.c.confluence_pages.op("||")(sa.func.jsonb_build_object(purpose, page_id))
    await set_fields(conn, project_id, confluence_pages=pages)


async def set_script(conn: AsyncConnection, project_id: uuid.UUID, variant: str, script: dict[str, Any]) -> dict[str, Any]:
    """Keep the newest version of each variant; returns every variant's latest script."""
    row = await get(conn, project_id)
    snapshot = dict((row or {}).get("snapshot") or {})
    scripts = dict(snapshot.get("scripts") or {})
    if int((scripts.get(variant) or {}).get("version", 0)) <= int(script.get("version", 0)):
        scripts[variant] = script
    if row is not None:
        await set_fields(conn, project_id, snapshot={**snapshot, "scripts": scripts})
    return scripts


async def upsert_person(conn: AsyncConnection, user: Any) -> None:
    stmt = insert(people).values(user_id=user.id, email=user.email, name=user.name, role=user.role)
    await conn.execute(stmt.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"email": stmt.excluded.email, "name": stmt.excluded.name, "role": stmt.excluded.role,
              "updated_at": sa.func.now()},
    ))


async def get_person(conn: AsyncConnection, user_id: uuid.UUID | None) -> dict[str, Any] | None:
    if user_id is None:
        return None
    row = (await conn.execute(sa.select(people).where(people.c.user_id == user_id))).first()
    return dict(row._mapping) if row else None


async def person_by_slack_id(conn: AsyncConnection, slack_user_id: str) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(people).where(people.c.slack_user_id == slack_user_id))).first()
    return dict(row._mapping) if row else None


async def set_slack_user(conn: AsyncConnection, user_id: uuid.UUID, slack_user_id: str) -> None:
    await conn.execute(sa.update(people).where(people.c.user_id == user_id).values(slack_user_id=slack_user_id))


async def set_member(conn: AsyncConnection, project_id: uuid.UUID, member_id: uuid.UUID, name: str | None,
                     active: bool) -> None:
    stmt = insert(project_members).values(project_id=project_id, member_id=member_id, member_name=name, active=active)
    await conn.execute(stmt.on_conflict_do_update(
        index_elements=["project_id", "member_id"],
        set_={"member_name": sa.func.coalesce(stmt.excluded.member_name, project_members.c.member_name),
              "active": stmt.excluded.active},
    ))


async def team(conn: AsyncConnection, project_id: uuid.UUID) -> list[dict[str, Any]]:
    """The director and the active members of a project, with their emails when known."""
    link = await get(conn, project_id)
    ids = [m for (m,) in (await conn.execute(
        sa.select(project_members.c.member_id).where(project_members.c.project_id == project_id,
                                                     project_members.c.active.is_(True)))).all()]
    if link and link.get("director_id"):
        ids.insert(0, link["director_id"])
    if not ids:
        return []
    rows = (await conn.execute(sa.select(people).where(people.c.user_id.in_(ids)))).all()
    by_id = {r.user_id: dict(r._mapping) for r in rows}
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
