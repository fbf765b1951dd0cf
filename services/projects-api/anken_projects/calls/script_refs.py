"""A call's script version must be one of its project's, and its variant the version's own:
otherwise the A/B statistics would count the call for a script it was not made with."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from anken_projects.scripts.models import Script, ScriptVersion

NOT_IN_PROJECT = "no such script version in this project"

# The variant of a script version of the project, NULL when there is none (for the one-statement path).
VARIANT_OF_VERSION_SQL = """(SELECT s.variant FROM projects.script_versions v JOIN projects.scripts s ON s.id = v.script_id
     WHERE v.id = :script_version_id AND v.project_id = p.id)"""


def variant_mismatch(variant: str | None, version_variant: str) -> str | None:
    """The problem with a call naming `variant` for a version of `version_variant`, if any."""
    if variant is not None and variant != version_variant:
        return f"the script version belongs to variant {version_variant!r}, not {variant!r}"
    return None


async def variants_of_versions(
    session: AsyncSession, project_id: uuid.UUID, version_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    """Script version id → its variant, for those of `version_ids` that belong to the project."""
    ids = {v for v in version_ids if v is not None}
    if not ids:
        return {}
    rows = await session.execute(
        sa.select(ScriptVersion.id, Script.variant).join(Script, Script.id == ScriptVersion.script_id)
        .where(ScriptVersion.project_id == project_id, ScriptVersion.id.in_(ids))
    )
    return {row.id: row.variant for row in rows}
