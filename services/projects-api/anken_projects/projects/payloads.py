"""Event payloads of project-owned records (the contract in anken_common.event_payloads)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import ContractChangePayload, KickoffItemPayload, ProjectPayload
from anken_common.events import EventType
from anken_projects.clients.models import Client
from anken_projects.outbox.writer import record_event
from anken_projects.projects.models import ContractChange, KickoffItem, Project, ProjectStatus


async def publish_project(
    session: AsyncSession, project: Project, type_: EventType, previous_status: ProjectStatus | None = None
) -> None:
    client = await session.get(Client, project.client_id)
    payload = ProjectPayload(
        id=project.id, client_id=project.client_id, client_name=client.name if client else None,
        director_id=project.director_id, name=project.name, product=project.product, status=project.status,
        previous_status=previous_status, timezone=project.timezone,
        monthly_appointment_target=project.monthly_appointment_target,
        contracted_monthly_hours=project.contracted_monthly_hours, contract_start=project.contract_start,
        contract_end=project.contract_end, renewal_date=project.renewal_date,
        qualification_fields=project.qualification_fields, extra_closed_days=project.extra_closed_days,
        slack_channel=project.slack_channel, confluence_page_url=project.confluence_page_url,
        spreadsheet_url=project.spreadsheet_url, weekly_meeting_weekday=project.weekly_meeting_weekday,
        weekly_meeting_time=project.weekly_meeting_time, client_sees_member_names=project.client_sees_member_names,
    ).model_dump(mode="json")
    record_event(session, type_, aggregate_type="project", aggregate_id=project.id, tenant=project.client_id,
                 payload=payload)


def publish_kickoff_item(session: AsyncSession, project: Project, item: KickoffItem) -> None:
    payload = KickoffItemPayload(
        id=item.id, project_id=item.project_id, key=item.key, label=item.label, required=item.required,
        agreed=item.agreed, value=item.value,
    ).model_dump(mode="json")
    record_event(session, EventType.kickoff_item_updated, aggregate_type="project", aggregate_id=project.id,
                 tenant=project.client_id, payload=payload)


def publish_contract_change(session: AsyncSession, change: ContractChange) -> None:
    payload = ContractChangePayload(
        id=change.id, project_id=change.project_id, client_id=change.client_id, kind=change.kind,
        effective_date=change.effective_date, term_end_date=change.term_end_date, hours_before=change.hours_before,
        hours_after=change.hours_after, scope_increased=change.scope_increased, note=change.note,
    ).model_dump(mode="json")
    record_event(session, EventType.contract_change_recorded, aggregate_type="project",
                 aggregate_id=change.project_id, tenant=change.client_id, payload=payload)
