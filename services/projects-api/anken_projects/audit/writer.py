"""Recording audit entries inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.events import to_payload
from anken_common.request_context import current_request_id
from anken_projects.audit.models import AuditEntry
from anken_projects.auth.principal import Principal


def record_audit(
    session: AsyncSession,
    principal: Principal | None,
    action: str,
    entity_type: str,
    entity_id: object,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor_type=principal.kind if principal else "system",
            actor_id=str(principal.id) if principal else None,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=to_payload(before) if before is not None else None,
            after=to_payload(after) if after is not None else None,
            request_id=current_request_id(),
        )
    )
