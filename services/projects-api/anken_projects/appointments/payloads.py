"""The appointment.* event payload of an appointment row."""

from __future__ import annotations

from typing import Any

from anken_common.event_payloads import AppointmentChangePayload, AppointmentPayload
from anken_projects.appointments.models import Appointment, ClientDealStage
from anken_projects.auth.principal import Principal


def _deal_won(appointment: Appointment) -> bool | None:
    return None if appointment.deal_stage is None else appointment.deal_stage == ClientDealStage.won


def appointment_payload(appointment: Appointment, member_name: str | None = None) -> dict[str, Any]:
    return AppointmentPayload(**_fields(appointment, member_name)).model_dump(mode="json")


def appointment_change_payload(
    appointment: Appointment, before: dict[str, Any], actor: Principal
) -> dict[str, Any]:
    """The snapshot after one change plus the status, meeting time and outcome before it, and who changed it."""
    return AppointmentChangePayload(
        **_fields(appointment, None), previous_handoff_status=before["handoff_status"],
        previous_meeting_at=before["meeting_at"], previous_partner_outcome=before["partner_outcome"],
        actor_type=actor.kind, actor_id=str(actor.id), actor_role=actor.role.value if actor.is_user and actor.role else None,
    ).model_dump(mode="json")


def _fields(appointment: Appointment, member_name: str | None) -> dict[str, Any]:
    return dict(
        id=appointment.id, project_id=appointment.project_id, client_id=appointment.client_id,
        call_id=appointment.call_id, member_id=appointment.member_id, member_name=member_name,
        target_id=appointment.target_id, company_name=appointment.company_name,
        contact_name=appointment.contact_name, contact_title=appointment.contact_title,
        meeting_at=appointment.meeting_at, qualification=appointment.qualification or {},
        handoff_status=appointment.handoff_status, partner_outcome=appointment.partner_outcome,
        deal_id=appointment.deal_id, deal_amount=appointment.deal_amount, deal_won=_deal_won(appointment),
        deal_stage=appointment.deal_stage, unqualified_reason=appointment.unqualified_reason,
        rescheduled_count=appointment.rescheduled_count, set_at=appointment.set_at, note=appointment.note,
    )
