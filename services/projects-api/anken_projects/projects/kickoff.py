"""The kickoff checklist: points agreed with the client before calling starts.

Required items gate the `active` status; directors may add their own (optional or required).
"""

from __future__ import annotations

import uuid

from fastapi import Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.problems import Conflict, NotFound
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.kit.etag import bump_version, check_if_match
from anken_projects.kit.models import utc_now
from anken_projects.kit.snapshot import snapshot
from anken_projects.projects import repository
from anken_projects.projects.models import KickoffItem, Project
from anken_projects.projects.payloads import publish_kickoff_item
from anken_projects.projects.schemas import KickoffItemCreate, KickoffItemUpdate

# (key, label) of the items every project starts with; all required. The label is the Japanese one the
# agency's documents (Confluence, the kickoff agenda) use; the web shows each default item by its key in the
# reader's language (anken_web.vocabulary), so a label carries one language, never both at once.
DEFAULT_ITEMS: tuple[tuple[str, str], ...] = (
    ("appointment_definition", "アポイントの定義"),
    ("qualification_fields", "ヒアリング項目 (BANT)"),
    ("target_definition", "ターゲット定義とリスト件数"),
    ("handoff_contact", "トスアップ先担当者"),
    ("calendar_link", "日程調整リンク"),
    ("reporting_channel", "報告チャネル"),
)


def add_default_items(session: AsyncSession, project: Project) -> list[KickoffItem]:
    items = [
        KickoffItem(project_id=project.id, key=key, label=label, position=i, required=True)
        for i, (key, label) in enumerate(DEFAULT_ITEMS, start=1)
    ]
    session.add_all(items)
    return items


async def list_items(session: AsyncSession, project_id: uuid.UUID) -> list[KickoffItem]:
    return await repository.kickoff_items(session, project_id)


def missing_required(items: list[KickoffItem]) -> list[str]:
    return [item.key for item in items if item.required and not item.agreed]


async def add_item(session: AsyncSession, principal: Principal, project: Project, body: KickoffItemCreate) -> KickoffItem:
    position = await repository.last_kickoff_position(session, project.id)
    item = KickoffItem(project_id=project.id, key=body.key, label=body.label, required=body.required,
                       value=body.value, position=position + 1)
    try:
        async with session.begin_nested():
            session.add(item)
    except IntegrityError:
        raise Conflict(f"the checklist already has an item {body.key!r}", field="key") from None
    record_audit(session, principal, "kickoff_item.create", "kickoff_item", item.id, after=snapshot(item))
    publish_kickoff_item(session, project, item)
    return item


async def update_item(
    session: AsyncSession, principal: Principal, request: Request, project: Project, key: str, body: KickoffItemUpdate
) -> KickoffItem:
    item = await repository.kickoff_item_for_update(session, project.id, key)
    if item is None:
        raise NotFound("kickoff item")
    check_if_match(request, item.version)
    before = snapshot(item)
    changes = body.model_dump(exclude_unset=True)
    for field in ("label", "required", "value"):
        if field in changes and (changes[field] is not None or field == "value"):
            setattr(item, field, changes[field])
    if changes.get("agreed") is not None and changes["agreed"] != item.agreed:
        item.agreed = changes["agreed"]
        item.agreed_at = utc_now() if item.agreed else None
        item.agreed_by = principal.id if item.agreed and isinstance(principal.id, uuid.UUID) else None
    bump_version(item)
    await session.flush()
    record_audit(session, principal, "kickoff_item.update", "kickoff_item", item.id, before=before, after=snapshot(item))
    publish_kickoff_item(session, project, item)
    return item
