"""A/B assignment by Anken: the script pattern each member uses on each target.

The pattern is chosen by the system, not the member, so the comparison is randomised. It is
stratified by member with permuted blocks: each run of k hand-outs to one member (k patterns)
uses every pattern once, in random order. Any member's counts thus differ by at most one, and
the next pattern cannot be predicted. The choice is stored per (project, member, target), so a
lease renewal or a second call to the same company keeps it. A director may let members choose
(projects.ab_manual_choice): then nothing is assigned.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any

# OS entropy: a member cannot learn the sequence from earlier hand-outs.
_RANDOM = random.SystemRandom()
# How many of the member's latest assignments are read to find the running block (patterns per project ≤ this).
_RECENT = 26

# One round trip: the setting, an existing assignment, the patterns with an active script, and the
# member's latest assignments in this project (newest first).
READ = f"""
    SELECT p.ab_manual_choice,
           (SELECT va.variant FROM projects.variant_assignments va
            WHERE va.project_id = $1 AND va.member_id = $2 AND va.target_id = $3) AS assigned,
           ARRAY(SELECT DISTINCT s.pattern FROM projects.scripts s
                 WHERE s.project_id = $1 AND EXISTS (SELECT 1 FROM projects.script_versions v
                                                     WHERE v.script_id = s.id AND v.is_active)
                 ORDER BY s.pattern) AS patterns,
           (SELECT coalesce(max(va.seq), 0) FROM projects.variant_assignments va
            WHERE va.project_id = $1 AND va.member_id = $2) AS last_seq,
           ARRAY(SELECT va.variant FROM projects.variant_assignments va
                 WHERE va.project_id = $1 AND va.member_id = $2 ORDER BY va.seq DESC LIMIT {_RECENT}) AS recent
    FROM projects.projects p WHERE p.id = $1
"""
# A concurrent hand-out to the same member may take the same seq: nothing is written then and the
# choice is made again on fresh data.
INSERT = """
    INSERT INTO projects.variant_assignments (project_id, member_id, target_id, variant, seq)
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING variant
"""
# The active script version that shows a pattern to this target: its industry's script first, then
# the pattern's general one.
SCRIPT_FOR = """
    SELECT s.variant, v.id AS version_id FROM projects.scripts s
    JOIN projects.script_versions v ON v.script_id = s.id AND v.is_active
    WHERE s.project_id = $1 AND s.pattern = $2 AND (s.industry IS NULL OR s.industry = $3)
    ORDER BY s.industry IS NULL, s.variant LIMIT 1
"""


@dataclass(frozen=True)
class Assigned:
    pattern: str
    variant: str
    script_version_id: uuid.UUID


def next_in_block(patterns: list[str], last_seq: int, recent: list[str]) -> str:
    """A pattern not yet used in the member's running block of len(patterns) hand-outs, at random."""
    used = set(recent[: last_seq % len(patterns)])
    return _RANDOM.choice([p for p in patterns if p not in used] or patterns)


async def assign_variant(driver: Any, project_id: uuid.UUID, member_id: uuid.UUID,
                         target: dict[str, Any]) -> Assigned | None:
    """The pattern (and script) the member uses on `target`; None when members choose or there is no script."""
    pattern = None
    for _ in range(3):
        row = await driver.fetchrow(READ, project_id, member_id, target["id"])
        if row is None or row["ab_manual_choice"] or not row["patterns"]:
            return None
        pattern = row["assigned"]
        if pattern is not None:
            break
        choice = next_in_block(list(row["patterns"]), row["last_seq"], list(row["recent"]))
        pattern = await driver.fetchval(INSERT, project_id, member_id, target["id"], choice, row["last_seq"] + 1)
        if pattern is not None:
            break
    if pattern is None:
        return None
    script = await driver.fetchrow(SCRIPT_FOR, project_id, pattern, target.get("industry"))
    if script is None:  # the pattern's scripts were deactivated since it was assigned
        return None
    return Assigned(pattern=pattern, variant=script["variant"], script_version_id=script["version_id"])
