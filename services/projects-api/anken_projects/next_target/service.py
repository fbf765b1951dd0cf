"""Handing out the next target to call, so that two members never get the same one at once.

The member's own unexpired lease is handed back first (a reload does not skip a company).
Otherwise the best callable target — highest tier (1 first), uncalled before callback-due,
earliest callback first — is picked with FOR UPDATE SKIP LOCKED, so concurrent members
skip each other's candidate instead of waiting, and leased for LEASE seconds. Logging a
call on the target ends the lease; an abandoned lease simply expires.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from anken_projects.dnc.repository import TARGET_NOT_DNC_SQL

LEASE = timedelta(minutes=5)

# The statement's parameters (asyncpg numbers them): $1 project, $2 member, $3 lease seconds,
# $4 the target to give back (NO_SKIP for none). The do-not-call exclusion is dnc.repository's
# rule and the visibility gate access.visibility_sql's, both compiled from their Core expressions.
_NOT_DNC = TARGET_NOT_DNC_SQL
_CALLABLE = f"""
    t.project_id = $1
    AND (t.status = 'new' OR (t.status = 'callback' AND t.callback_due_at <= now()))
    AND {_NOT_DNC}
"""
# Nothing is released, renewed or leased unless the endpoint will answer 200: the member sees the
# project (access.visibility_sql) and is assigned to it. `access` has no row for a missing project,
# which makes the gate NULL (false).
_ALLOWED = "(SELECT allowed FROM access)"

# The member's own running lease, extended: a reload of the calling screen keeps its target.
# OFFSET 0 keeps the leased_by lookup a separate subquery: merged with the status conditions,
# a list without statistics yet (just imported) was planned as a bitmap scan of every new target.
# The target being skipped is not renewed (`released` gives it back in the same statement).
RENEW_OWN_LEASE = f"""
    UPDATE projects.targets AS t SET lease_expires_at = now() + make_interval(secs => $3)
    WHERE t.id = (
        SELECT t.id FROM (
            SELECT * FROM projects.targets WHERE leased_by = $2 AND lease_expires_at > now() OFFSET 0
        ) AS t
        WHERE {_CALLABLE} AND t.id <> $4
        ORDER BY t.lease_expires_at DESC LIMIT 1
    ) AND t.leased_by = $2 AND {_ALLOWED}
    RETURNING t.*
"""


def _pick(name: str, tier: int, kind: str, earlier: list[str]) -> str:
    """A CTE locking the first free target of one tier and kind, walking one partial index in order.

    It is gated on every earlier CTE having found nothing, so PostgreSQL does not scan it at all
    once an earlier one has (CTEs are evaluated only as far as they are read).
    """
    if kind == "new":
        where, order = "t.status = 'new'", "t.id"
    else:
        where, order = "t.status = 'callback' AND t.callback_due_at <= now()", "t.callback_due_at, t.id"
    gates = "".join(f" AND NOT EXISTS (SELECT 1 FROM {e})" for e in earlier)
    return f"""{name} AS (
            SELECT t.id FROM projects.targets t
            WHERE t.project_id = $1 AND t.priority_tier = {tier} AND {where}
              AND (t.lease_expires_at IS NULL OR t.lease_expires_at <= now())
              AND {_ALLOWED} AND t.id <> $4 AND {_NOT_DNC}{gates}
            ORDER BY {order}
            LIMIT 1
            FOR UPDATE OF t SKIP LOCKED
        )"""


@functools.cache
def next_target_statement(visible: str) -> str:
    """One round trip: check access, give back a skipped target, renew the member's own lease,
    else lease the first free target in hand-out order. `visible` is the principal's visibility
    condition over `projects.projects p` with $2 as its id (one statement per kind of principal).

    It runs as a statement of its own (no BEGIN/COMMIT around it): a single statement is atomic,
    and the row locks it takes are released the moment it ends.
    """
    picks, earlier = [], ["own"]
    for tier in (1, 2, 3):
        for kind in ("new", "callback"):
            name = f"pick_{tier}_{kind}"
            picks.append(_pick(name, tier, kind, list(earlier)))
            earlier.append(name)
    names = earlier[1:]
    first = " UNION ALL ".join(f"SELECT id FROM {n}" for n in names)
    return f"""
        WITH access AS (
            SELECT {visible} AS visible, a.assigned,
                   a.assigned AND {visible} AS allowed
            FROM projects.projects p
            CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM projects.assignments a
                                               WHERE a.project_id = p.id AND a.member_id = $2) AS assigned) a
            WHERE p.id = $1
        ),
        released AS (
            UPDATE projects.targets SET leased_by = NULL, lease_expires_at = NULL
            WHERE id = $4 AND project_id = $1 AND leased_by = $2 AND {_ALLOWED}
        ),
        own AS ({RENEW_OWN_LEASE.strip()}),
        {",".join(picks)},
        picked AS ({first} LIMIT 1),
        leased AS (
            UPDATE projects.targets AS t
            SET leased_by = $2, lease_expires_at = now() + make_interval(secs => $3)
            FROM picked WHERE t.id = picked.id
            RETURNING t.*
        )
        SELECT access.visible, access.assigned, handed.*
        FROM access LEFT JOIN (SELECT * FROM own UNION ALL SELECT * FROM leased) AS handed ON true
    """


# Hand-out order: tier 1 before 2 before 3; within a tier, uncalled before callback-due.
NO_SKIP = uuid.UUID(int=0)


@dataclass(frozen=True)
class HandOut:
    """What the statement saw of the project (for the endpoint's 404/403) and the leased target, if any."""

    visible: bool
    assigned: bool
    target: dict[str, Any] | None


async def next_target(
    driver: Any, project_id: uuid.UUID, member_id: uuid.UUID, *, visible: str,
    skip_id: uuid.UUID | None = None,
) -> HandOut | None:
    """Lease the member's next target on `driver` (an asyncpg connection outside any transaction).

    None when the project does not exist. Nothing changes unless the member is assigned to the
    project and sees it (`visible`: access.visibility_sql(principal, "$2")); `skip_id` is given
    back first.
    """
    row = await driver.fetchrow(next_target_statement(visible), project_id, member_id, LEASE.total_seconds(),
                                skip_id or NO_SKIP)
    if row is None:
        return None
    target = dict(row.items())
    sees, assigned = target.pop("visible"), target.pop("assigned")
    return HandOut(visible=sees, assigned=assigned, target=target if target["id"] is not None else None)


# A member who takes back their own call (the calling screen's undo) has the company on screen
# again: it is leased back to them, as a hand-out would, so no other member gets it meanwhile. Only
# a target callable now and not held by another member's running lease. $1 project, $2 member,
# $3 lease seconds, $4 the target.
LEASE_BACK = f"""
    UPDATE projects.targets AS t SET leased_by = $2, lease_expires_at = now() + make_interval(secs => $3)
    WHERE t.id = $4 AND {_CALLABLE}
      AND (t.leased_by IS NULL OR t.leased_by = $2 OR t.lease_expires_at <= now())
    RETURNING t.id
"""


async def lease_back(driver: Any, project_id: uuid.UUID, member_id: uuid.UUID, target_id: uuid.UUID) -> bool:
    """Lease `target_id` to `member_id` again (see LEASE_BACK); whether it was."""
    return await driver.fetchval(LEASE_BACK, project_id, member_id, LEASE.total_seconds(), target_id) is not None
