"""The appointment.* event payload of an appointment row."""

from __future__ import annotations

from anken_common.event_payloads import AppointmentPayload
from anken_projects.appointments.models import Appointment


def appointment_payload(appointment: Appointment, member_name: str | None = None, deal_won: bool | None = None) -> dict:
    return AppointmentPayload(
        id=appointment.id, project_id=appointment.project_id, client_id=appointment.client_id,
        call_id=appointment.call_id, member_id=appointment.member_id, member_name=member_name,
        target_id=appointment.target_id, company_name=appointment.company_name,
        contact_name=appointment.contact_name, contact_title=appointment.contact_title,
        meeting_at=appointment.meeting_at, qualification=appointment.qualification or {},
        handoff_status=appointment.handoff_status, partner_outcome=appointment.partner_outcome,
        deal_id=appointment.deal_id, deal_amount=appointment.deal_amount, deal_won=deal_won,
        set_at=appointment.set_at, note=appointment.note,
    ).model_dump(mode="json")
