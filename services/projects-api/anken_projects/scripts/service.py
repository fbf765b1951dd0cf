"""Scripts: every edit is a new immutable version; one active version per variant."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import ScriptVersionPayload
from anken_common.events import EventType
from anken_common.problems import Conflict, NotFound
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.kit.pagination import PageResult
from anken_projects.kit.snapshot import snapshot
from anken_projects.outbox.writer import record_event
from anken_projects.projects.models import Project
from anken_projects.scripts import repository
from anken_projects.scripts.models import Script, ScriptPattern, ScriptVersion
from anken_projects.scripts.schemas import ScriptCreate, ScriptVersionCreate


def variant_label(pattern: ScriptPattern, industry: str | None) -> str:
    return f"{pattern.value}:{industry}" if industry else pattern.value


def _actor(principal: Principal) -> uuid.UUID | None:
    return principal.id if isinstance(principal.id, uuid.UUID) else None


def _publish(session: AsyncSession, project: Project, script: Script, version: ScriptVersion) -> None:
    payload = ScriptVersionPayload(
        id=version.id, project_id=project.id, script_id=script.id, pattern=script.pattern, industry=script.industry,
        variant=script.variant, version=version.version, title=version.title, body=version.body,
    ).model_dump(mode="json")
    record_event(session, EventType.script_version_created, aggregate_type="project", aggregate_id=project.id,
                 tenant=project.client_id, payload=payload)


async def create_script(session: AsyncSession, principal: Principal, project: Project, body: ScriptCreate) -> tuple[Script, ScriptVersion]:
    script = Script(project_id=project.id, pattern=body.pattern, industry=body.industry,
                    variant=variant_label(body.pattern, body.industry))
    try:
        async with session.begin_nested():
            session.add(script)
    except IntegrityError:
        raise Conflict(f"the project already has the variant {script.variant}; add a version to it instead",
                       variant=script.variant) from None
    version = ScriptVersion(script_id=script.id, project_id=project.id, version=1, title=body.title, body=body.body,
                            is_active=True, created_by=_actor(principal))
    session.add(version)
    await session.flush()
    record_audit(session, principal, "script.create", "script", script.id, after={**snapshot(script), "version": 1})
    _publish(session, project, script, version)
    return script, version


async def get_script(session: AsyncSession, project: Project, script_id: uuid.UUID, *, for_update: bool = False) -> Script:
    script = await repository.find_script(session, project.id, script_id, for_update=for_update)
    if script is None:
        raise NotFound("script")
    return script


async def add_version(
    session: AsyncSession, principal: Principal, project: Project, script_id: uuid.UUID, body: ScriptVersionCreate
) -> ScriptVersion:
    # The script row lock serialises concurrent edits, so version numbers never collide.
    script = await get_script(session, project, script_id, for_update=True)
    latest = await repository.latest_version_number(session, script.id)
    await repository.deactivate_versions(session, script.id)
    version = ScriptVersion(script_id=script.id, project_id=project.id, version=latest + 1, title=body.title,
                            body=body.body, is_active=True, created_by=_actor(principal))
    session.add(version)
    await session.flush()
    record_audit(session, principal, "script.version_create", "script", script.id,
                 before={"version": latest}, after={"version": version.version, "title": version.title})
    _publish(session, project, script, version)
    return version


async def activate_version(
    session: AsyncSession, principal: Principal, project: Project, script_id: uuid.UUID, number: int
) -> ScriptVersion:
    """Make an earlier version the active one again (a rollback); versions themselves never change."""
    script = await get_script(session, project, script_id, for_update=True)
    target = await repository.find_version(session, script.id, number)
    if target is None:
        raise NotFound("script version")
    previous = await repository.active_version_number(session, script.id)
    if previous != number:
        await repository.deactivate_versions(session, script.id)
        await session.flush()
        target.is_active = True
        await session.flush()
        record_audit(session, principal, "script.activate", "script", script.id,
                     before={"active_version": previous}, after={"active_version": number})
    return target


async def list_scripts(session: AsyncSession, project: Project) -> list[tuple[Script, ScriptVersion | None]]:
    return await repository.scripts_with_active_version(session, project.id)


async def list_versions(
    session: AsyncSession, project: Project, script_id: uuid.UUID, *, cursor: str | None, limit: int
) -> PageResult[ScriptVersion]:
    script = await get_script(session, project, script_id)
    return await repository.page_versions(session, script.id, cursor=cursor, limit=limit)
