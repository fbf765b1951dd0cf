"""Handing out the next target to call, so that two members never get the same one at once.

The member's own unexpired lease is handed back first (a reload does not skip a company).
Otherwise the best callable target — highest tier (1 first), uncalled before callback-due,
earliest callback first — is picked with FOR UPDATE SKIP LOCKED, so concurrent members
skip each other's candidate instead of waiting, and leased for LEASE seconds. Logging a
call on the target ends the lease; an abandoned lease simply expires.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import RowMapping, TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

LEASE = timedelta(minutes=5)

_NOT_DNC = """
    NOT EXISTS (SELECT 1 FROM projects.dnc_entries d WHERE d.client_id = t.client_id
                AND d.corporate_number IS NOT NULL AND d.corporate_number = t.corporate_number)
    AND NOT EXISTS (SELECT 1 FROM projects.dnc_entries d WHERE d.client_id = t.client_id
                    AND d.phone IS NOT NULL AND d.phone = t.phone)
"""
_CALLABLE = f"""
    t.project_id = :project_id
    AND (t.status = 'new' OR (t.status = 'callback' AND t.callback_due_at <= now()))
    AND {_NOT_DNC}
"""

# The member's own running lease, extended: a reload of the calling screen keeps its target.
# OFFSET 0 keeps the leased_by lookup a separate subquery: merged with the status conditions,
# a list without statistics yet (just imported) was planned as a bitmap scan of every new target.
RENEW_OWN_LEASE = text(f"""
    UPDATE projects.targets AS t SET lease_expires_at = now() + make_interval(secs => :lease_s)
    WHERE t.id = (
        SELECT t.id FROM (
            SELECT * FROM projects.targets WHERE leased_by = :member_id AND lease_expires_at > now() OFFSET 0
        ) AS t
        WHERE {_CALLABLE}
        ORDER BY t.lease_expires_at DESC LIMIT 1
    ) AND t.leased_by = :member_id
    RETURNING t.*
""")


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
            WHERE t.project_id = :project_id AND t.priority_tier = {tier} AND {where}
              AND (t.lease_expires_at IS NULL OR t.lease_expires_at <= now())
              AND t.id <> :skip_id AND {_NOT_DNC}{gates}
            ORDER BY {order}
            LIMIT 1
            FOR UPDATE OF t SKIP LOCKED
        )"""


def _next_target_statement() -> TextClause:
    """One round trip: renew the member's own lease, else lease the first free target in hand-out order."""
    picks, earlier = [], ["own"]
    for tier in (1, 2, 3):
        for kind in ("new", "callback"):
            name = f"pick_{tier}_{kind}"
            picks.append(_pick(name, tier, kind, list(earlier)))
            earlier.append(name)
    names = earlier[1:]
    first = " UNION ALL ".join(f"SELECT id FROM {n}" for n in names)
    renew = RENEW_OWN_LEASE.text.strip()
    return text(f"""
        WITH own AS ({renew}),
        {",".join(picks)},
        picked AS ({first} LIMIT 1),
        leased AS (
            UPDATE projects.targets AS t
            SET leased_by = :member_id, lease_expires_at = now() + make_interval(secs => :lease_s)
            FROM picked WHERE t.id = picked.id
            RETURNING t.*
        )
        SELECT * FROM own UNION ALL SELECT * FROM leased
    """)


# Hand-out order: tier 1 before 2 before 3; within a tier, uncalled before callback-due.
NEXT_TARGET = _next_target_statement()
NO_SKIP = uuid.UUID(int=0)


async def next_target(
    session: AsyncSession, project_id: uuid.UUID, member_id: uuid.UUID, skip_id: uuid.UUID | None = None
) -> RowMapping | None:
    """Lease and return (as a row of targets) the member's next target, or None when nothing is callable now."""
    params = {"project_id": project_id, "member_id": member_id, "lease_s": LEASE.total_seconds(),
              "skip_id": skip_id or NO_SKIP}
    return (await session.execute(NEXT_TARGET, params)).mappings().first()


async def release_lease(session: AsyncSession, target_id: uuid.UUID, member_id: uuid.UUID) -> bool:
    """Give a leased target back without calling it (e.g. the member skips it)."""
    result = await session.execute(
        text("UPDATE projects.targets SET leased_by = NULL, lease_expires_at = NULL "
             "WHERE id = :target_id AND leased_by = :member_id"),
        {"target_id": target_id, "member_id": member_id},
    )
    return bool(result.rowcount)
