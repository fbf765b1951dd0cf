"""Contract changes: renewal, upsell (more hours or scope), downsell, end.

Continuation and upsell are director KPIs, so every change is kept as an immutable record
and the project's current terms (end date, monthly hours) follow from it.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.events import EventType
from anken_common.problems import UnprocessableEntity
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.kit.etag import bump_version
from anken_projects.kit.pagination import PageResult
from anken_projects.kit.snapshot import snapshot
from anken_projects.projects import repository
from anken_projects.projects.models import ContractChange, ContractChangeKind, Project
from anken_projects.projects.payloads import publish_contract_change, publish_project
from anken_projects.projects.schemas import ContractChangeCreate

K = ContractChangeKind


def _validate(project: Project, body: ContractChangeCreate) -> None:
    """Rules that need the project's current terms (the schema already checked the body alone)."""
    if project.contract_start and body.effective_date < project.contract_start:
        raise UnprocessableEntity("effective_date", f"is before the contract start {project.contract_start.isoformat()}")
    if body.kind == K.renewal:
        if body.new_contract_end is None:
            raise UnprocessableEntity("new_contract_end", "a renewal needs the end of the new term")
        if project.contract_end and body.new_contract_end <= project.contract_end:
            raise UnprocessableEntity("new_contract_end", "a renewal must extend the contract beyond its current end")
    elif body.kind == K.upsell:
        raised_hours = body.hours_after is not None and body.hours_after > project.contracted_monthly_hours
        if not raised_hours and not body.scope_increased:
            raise UnprocessableEntity(
                "hours_after", f"an upsell raises the monthly hours above {project.contracted_monthly_hours} "
                "or sets scope_increased",
            )
    elif body.kind == K.downsell:
        if body.hours_after is None or body.hours_after >= project.contracted_monthly_hours:
            raise UnprocessableEntity("hours_after", f"a downsell lowers the monthly hours below {project.contracted_monthly_hours}")
    elif body.kind == K.end and body.new_contract_end is not None:
        raise UnprocessableEntity("new_contract_end", "an end has no new term; effective_date is the last day")


async def record_change(
    session: AsyncSession, principal: Principal, project: Project, body: ContractChangeCreate
) -> ContractChange:
    _validate(project, body)
    before = snapshot(project)
    change = ContractChange(
        project_id=project.id, client_id=project.client_id, kind=body.kind, effective_date=body.effective_date,
        new_contract_end=body.new_contract_end, scope_increased=body.scope_increased, note=body.note,
        hours_before=project.contracted_monthly_hours,
        hours_after=body.hours_after if body.hours_after is not None else project.contracted_monthly_hours,
        created_by=principal.id if isinstance(principal.id, uuid.UUID) else None,
    )
    if body.kind == K.renewal:
        change.term_end_date = project.contract_end
        project.contract_end = body.new_contract_end
        if body.hours_after is not None:
            project.contracted_monthly_hours = body.hours_after
    elif body.kind in (K.upsell, K.downsell):
        project.contracted_monthly_hours = change.hours_after or 0
    else:
        change.term_end_date = body.effective_date
        project.contract_end = body.effective_date
    session.add(change)
    bump_version(project)
    await session.flush()
    record_audit(session, principal, f"contract_change.{body.kind.value}", "project", project.id,
                 before=before, after={**snapshot(project), "contract_change": snapshot(change)})
    publish_contract_change(session, change)
    await publish_project(session, project, EventType.project_updated)
    return change


async def list_changes(
    session: AsyncSession, project_id: uuid.UUID, *, kind: ContractChangeKind | None, cursor: str | None, limit: int
) -> PageResult[ContractChange]:
    return await repository.page_contract_changes(session, project_id, kind=kind, cursor=cursor, limit=limit)
