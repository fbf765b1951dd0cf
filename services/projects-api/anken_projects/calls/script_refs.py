"""A call's script version must be one of its project's, and its variant the version's own:
otherwise the A/B statistics would count the call for a script it was not made with. Where Anken
assigned the pattern for the member and target (next_target.variant_assignment), the call's variant
must be of that pattern: a member's habit must not decide the randomised comparison. Only a project
that lets members choose (`ab_manual_choice`) takes another."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_projects.scripts.models import Script, ScriptVersion

NOT_IN_PROJECT = "no such script version in this project"

# The variant of a script version of the project, NULL when there is none (for the one-statement path).
VARIANT_OF_VERSION_SQL = """(SELECT s.variant FROM projects.script_versions v JOIN projects.scripts s ON s.id = v.script_id
     WHERE v.id = :script_version_id AND v.project_id = p.id)"""


# The pattern Anken assigned to the call's member for its target; NULL when none was or members
# choose (for the one-statement path; `p` is the project row).
ASSIGNED_PATTERN_SQL = """(SELECT va.variant FROM projects.variant_assignments va
     WHERE va.project_id = p.id AND va.member_id = :member_id AND va.target_id = :target_id
       AND NOT p.ab_manual_choice)"""

_ASSIGNED_PATTERNS = sa.text("""
    SELECT va.member_id, va.target_id, va.variant FROM projects.variant_assignments va
    JOIN projects.projects p ON p.id = va.project_id AND NOT p.ab_manual_choice
    JOIN unnest(CAST(:members AS uuid[]), CAST(:targets AS uuid[])) AS c(member_id, target_id)
      ON c.member_id = va.member_id AND c.target_id = va.target_id
    WHERE va.project_id = :project_id
""")


def pattern_of(variant: str) -> str:
    """A script variant's pattern: "A:IT" (pattern A's IT-industry script) is of pattern A."""
    return variant.partition(":")[0]


def assignment_mismatch(variant: str | None, assigned_pattern: str | None) -> str | None:
    """The problem with a call made with `variant` where Anken assigned `assigned_pattern`, if any."""
    if variant is None or assigned_pattern is None or pattern_of(variant) == assigned_pattern:
        return None
    return (f"Anken assigned pattern {assigned_pattern!r} to this member for this target, not {pattern_of(variant)!r}; "
            "members choose the pattern only where the project allows it (ab_manual_choice)")


async def assigned_patterns(
    session: AsyncSession, project_id: uuid.UUID, pairs: Iterable[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], str]:
    """(member id, target id) → the pattern Anken assigned, for those of `pairs` that have one (none
    when the project lets members choose)."""
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return {}
    rows = await session.execute(_ASSIGNED_PATTERNS, {
        "project_id": project_id, "members": [m for m, _ in wanted], "targets": [t for _, t in wanted]})
    return {(row.member_id, row.target_id): row.variant for row in rows}


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
        sa.select(col(ScriptVersion.id), col(Script.variant)).join(Script, col(Script.id) == col(ScriptVersion.script_id))
        .where(col(ScriptVersion.project_id) == project_id, col(ScriptVersion.id).in_(ids))
    )
    return {row.id: row.variant for row in rows}
