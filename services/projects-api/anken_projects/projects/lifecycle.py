"""The project state machine: draft → kickoff → active ⇄ paused → ended."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.events import EventType
from anken_common.problems import Conflict
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.kit.etag import bump_version
from anken_projects.projects import kickoff
from anken_projects.projects.models import TRANSITIONS as ALLOWED
from anken_projects.projects.models import Project, ProjectStatus, allowed_from
from anken_projects.projects.payloads import publish_project

S = ProjectStatus


async def transition(session: AsyncSession, principal: Principal, project: Project, to: ProjectStatus) -> Project:
    """Move the project to `to`, or 409 naming the allowed transitions (or the missing kickoff items)."""
    current = ProjectStatus(project.status)
    if to not in ALLOWED[current]:
        raise Conflict(
            f"a {current.value} project cannot become {to.value}; allowed: {', '.join(allowed_from(current)) or 'none'}",
            current=current.value, allowed=allowed_from(current),
        )
    if to == S.active:
        missing = kickoff.missing_required(await kickoff.list_items(session, project.id))
        if missing:
            raise Conflict(
                f"the required kickoff items are not all agreed: {', '.join(missing)}",
                current=current.value, allowed=allowed_from(current), missing_kickoff_items=missing,
            )
    project.status = to
    bump_version(project)
    await session.flush()
    record_audit(session, principal, "project.transition", "project", project.id,
                 before={"status": current.value}, after={"status": to.value})
    await publish_project(session, project, EventType.project_status_changed, previous_status=current)
    return project
