"""Envelopes as projects-api publishes them, for feeding reporting-api in tests."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime

from anken_common.event_payloads import CallPayload
from anken_common.events import EventEnvelope

_sequence = itertools.count(1_000_000)


def next_sequence() -> int:
    return next(_sequence)


def envelope(type_: str, aggregate_type: str, aggregate_id, payload: dict, *, sequence: int | None = None,
             tenant=None) -> EventEnvelope:
    return EventEnvelope(
        type=type_, aggregate_type=aggregate_type, aggregate_id=str(aggregate_id), tenant=tenant,
        sequence=next_sequence() if sequence is None else sequence, payload=payload,
    )


class ProjectWorld:
    """One project with its client, director and members, and builders for its events."""

    def __init__(self, *, target: int = 20, timezone: str = "Asia/Tokyo", extra_closed_days: list[date] = (),
                 members: int = 2, name: str = "テスト案件") -> None:
        self.project_id = uuid.uuid4()
        self.client_id = uuid.uuid4()
        self.director_id = uuid.uuid4()
        self.members = [uuid.uuid4() for _ in range(members)]
        self.target = target
        self.timezone = timezone
        self.extra_closed_days = list(extra_closed_days)
        self.name = name

    def project(self, **changes) -> EventEnvelope:
        payload = {
            "id": str(self.project_id), "client_id": str(self.client_id), "client_name": "株式会社テスト",
            "director_id": str(self.director_id), "name": self.name, "status": "active", "timezone": self.timezone,
            "monthly_appointment_target": self.target, "contracted_monthly_hours": 160,
            "extra_closed_days": [d.isoformat() for d in self.extra_closed_days],
            "weekly_meeting_weekday": 3, "weekly_meeting_time": "10:00",
        }
        payload.update(changes)
        return envelope("project.updated" if changes else "project.created", "project", self.project_id, payload,
                        tenant=self.client_id)

    def setup(self) -> list[EventEnvelope]:
        events = [self.project()]
        for i, member in enumerate(self.members):
            events.append(envelope("user.created", "user", member, {
                "id": str(member), "email": f"m{i}-{member}@example.jp", "name": f"メンバー{i + 1}", "role": "member"}))
            assignment = uuid.uuid4()
            events.append(envelope("assignment.created", "assignment", assignment, {
                "id": str(assignment), "project_id": str(self.project_id), "member_id": str(member),
                "member_name": f"メンバー{i + 1}", "planned_hours": 80}))
        return events

    def call_payload(self, occurred_at: datetime, outcome: str, *, member: int = 0, call_id: uuid.UUID | None = None,
                     variant: str | None = None, industry: str | None = None, duration_s: int = 60,
                     first_call: bool = True, script_version_id: uuid.UUID | None = None) -> dict:
        return CallPayload(
            id=call_id or uuid.uuid4(), project_id=self.project_id, client_id=self.client_id,
            member_id=self.members[member], target_id=uuid.uuid4(), target_industry=industry,
            first_call_of_target=first_call, occurred_at=occurred_at, outcome=outcome, duration_s=duration_s,
            variant=variant, script_version_id=script_version_id,
        ).model_dump(mode="json")

    def call(self, occurred_at: datetime, outcome: str, **kw) -> EventEnvelope:
        payload = self.call_payload(occurred_at, outcome, **kw)
        return envelope("call.logged", "call", payload["id"], payload, tenant=self.client_id)

    def call_change(self, type_: str, logged: EventEnvelope, *, sequence: int | None = None, **changes) -> EventEnvelope:
        payload = dict(logged.payload)
        payload.update(changes)
        payload["previous"] = dict(logged.payload)
        return envelope(type_, "call", payload["id"], payload, sequence=sequence, tenant=self.client_id)

    def hours(self, day: date, hours: float, member: int = 0) -> EventEnvelope:
        return envelope("worked_hours.logged", "worked_hours", f"{self.project_id}:{self.members[member]}:{day}", {
            "project_id": str(self.project_id), "member_id": str(self.members[member]), "day": day.isoformat(),
            "hours": hours})

    def list_imported(self, callable_targets: int) -> EventEnvelope:
        list_id = uuid.uuid4()
        return envelope("target_list.imported", "target_list", list_id, {
            "id": str(list_id), "project_id": str(self.project_id), "client_id": str(self.client_id),
            "name": "リスト", "created": callable_targets, "total_targets": callable_targets,
            "callable_targets": callable_targets})

    def target_status(self, previous: str | None, status: str) -> EventEnvelope:
        target_id = uuid.uuid4()
        return envelope("target.updated", "target", target_id, {
            "id": str(target_id), "project_id": str(self.project_id), "target_list_id": str(uuid.uuid4()),
            "status": status, "do_not_call": status == "dnc", "previous_status": previous})

    def contract_change(self, kind: str, effective: date, *, term_end: date | None = None, hours_before=None,
                        hours_after=None, scope_increased: bool = False) -> EventEnvelope:
        change_id = uuid.uuid4()
        return envelope("contract_change.recorded", "contract_change", change_id, {
            "id": str(change_id), "project_id": str(self.project_id), "client_id": str(self.client_id),
            "kind": kind, "effective_date": effective.isoformat(),
            "term_end_date": term_end.isoformat() if term_end else None,
            "hours_before": hours_before, "hours_after": hours_after, "scope_increased": scope_increased})

    def appointment(self, set_at: datetime, *, member: int = 0, appointment_id: uuid.UUID | None = None,
                    handoff_status: str = "set", partner_outcome: str | None = None, deal_amount: int | None = None,
                    deal_won: bool | None = None, type_: str = "appointment.set") -> EventEnvelope:
        appointment_id = appointment_id or uuid.uuid4()
        return envelope(type_, "appointment", appointment_id, {
            "id": str(appointment_id), "project_id": str(self.project_id), "client_id": str(self.client_id),
            "member_id": str(self.members[member]), "target_id": str(uuid.uuid4()), "company_name": "株式会社サンプル",
            "meeting_at": set_at.isoformat(), "set_at": set_at.isoformat(), "handoff_status": handoff_status,
            "partner_outcome": partner_outcome, "deal_id": str(uuid.uuid4()) if deal_amount is not None else None,
            "deal_amount": deal_amount, "deal_won": deal_won})
