"""Typed dependencies that load the path's project once and authorise it (see projects/access.py).

    async def route(project: ReadableProject) -> ...   # any principal that may see it (404 otherwise)
    async def route(project: ManagedProject) -> ...    # admin or its director, row locked for the write
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from anken_projects.auth.dependencies import CurrentPrincipal
from anken_projects.db import SessionDep
from anken_projects.projects.access import get_accessible_project
from anken_projects.projects.models import Project

ProjectID = Annotated[uuid.UUID, Path(description="The project's id")]


async def readable_project(project_id: ProjectID, principal: CurrentPrincipal, session: SessionDep) -> Project:
    return await get_accessible_project(session, principal, project_id)


async def managed_project(project_id: ProjectID, principal: CurrentPrincipal, session: SessionDep) -> Project:
    return await get_accessible_project(session, principal, project_id, manage=True, for_update=True)


ReadableProject = Annotated[Project, Depends(readable_project)]
ManagedProject = Annotated[Project, Depends(managed_project)]
