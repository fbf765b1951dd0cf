"""Payload models of the events in events.EventType: the contract between services.

Producers build a payload with `Model(...).model_dump(mode="json")`; consumers parse with
`Model.model_validate(envelope.payload)`. Payloads are snapshots after the change; fields
may be added later (consumers ignore unknown fields), never renamed or removed.
Money is integer yen; rates are not carried in events.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The outcome taxonomy lives in call_outcomes; re-exported for the payload contract's users.
from anken_common.call_outcomes import CONTACT_OUTCOMES as CONTACT_OUTCOMES
from anken_common.call_outcomes import CallOutcome as CallOutcome
from anken_common.events import EventType

ProjectStatusName = Literal["draft", "kickoff", "active", "paused", "ended"]
HandoffStatus = Literal["set", "held", "no_show", "cancelled"]
PartnerOutcome = Literal["qualified", "unqualified"]
ClientDealStage = Literal["proposal", "negotiation", "won", "lost"]
ForecastCategory = Literal["pipeline", "best_case", "commit", "omitted"]
DealStatus = Literal["open", "won", "lost"]
ContractChangeKind = Literal["renewal", "upsell", "downsell", "end"]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ClientPayload(_Payload):
    id: uuid.UUID
    name: str
    industry: str | None = None


class UserPayload(_Payload):
    id: uuid.UUID
    email: str
    name: str
    role: Literal["admin", "director", "manager", "member", "client"]
    locale: str = "ja"
    is_active: bool = True


class ProjectPayload(_Payload):
    """project.created / project.updated / project.status_changed (then `previous_status` is set)."""

    id: uuid.UUID
    client_id: uuid.UUID
    client_name: str | None = None
    director_id: uuid.UUID | None = None
    name: str
    product: str | None = None
    status: ProjectStatusName
    previous_status: ProjectStatusName | None = None
    timezone: str = "Asia/Tokyo"
    monthly_appointment_target: int = 0
    contracted_monthly_hours: int = 0
    contract_start: date | None = None
    contract_end: date | None = None
    renewal_date: date | None = None
    qualification_fields: list[str] = Field(default_factory=list)
    extra_closed_days: list[date] = Field(default_factory=list)
    slack_channel: str | None = None
    confluence_page_url: str | None = None
    spreadsheet_url: str | None = None
    weekly_meeting_weekday: int | None = Field(default=None, description="0=Monday … 6=Sunday")
    weekly_meeting_time: str | None = Field(default=None, description="HH:MM in the project's time zone")
    client_sees_member_names: bool = Field(
        default=False, description="the client's people see which member set each appointment")


class AssignmentPayload(_Payload):
    """assignment.created / updated / deleted."""

    id: uuid.UUID
    project_id: uuid.UUID
    member_id: uuid.UUID
    member_name: str | None = None
    planned_hours: int = 0


class WorkedHoursPayload(_Payload):
    """worked_hours.logged: the total for (project, member, day); a later event replaces it."""

    project_id: uuid.UUID
    member_id: uuid.UUID
    day: date
    hours: float = Field(ge=0, le=24)


class DailyReportPayload(_Payload):
    """daily_report.submitted: the member's end-of-day report for (project, member, day); a later event replaces it."""

    id: uuid.UUID
    project_id: uuid.UUID
    member_id: uuid.UUID
    day: date
    hours: float = Field(ge=0, le=24)
    summary: str
    good_reactions: str = ""
    objections: str = ""
    next_actions: str = ""
    version: int = 1


class KickoffItemPayload(_Payload):
    id: uuid.UUID
    project_id: uuid.UUID
    key: str
    label: str
    required: bool
    agreed: bool
    value: str | None = None


class ContractChangePayload(_Payload):
    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    kind: ContractChangeKind
    effective_date: date
    term_end_date: date | None = Field(default=None, description="For renewal/end: the end of the term that ended")
    hours_before: int | None = None
    hours_after: int | None = None
    scope_increased: bool = False
    note: str | None = None


class ScriptVersionPayload(_Payload):
    id: uuid.UUID
    project_id: uuid.UUID
    script_id: uuid.UUID
    pattern: Literal["A", "B"]
    industry: str | None = None
    variant: str = Field(description="The label calls carry: 'A', 'B', or e.g. 'A:IT' for an industry variant")
    version: int
    title: str
    body: str


class TargetListImportedPayload(_Payload):
    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    name: str
    created: int = Field(description="Targets added by this import")
    total_targets: int = Field(description="Targets in the list after the import")
    callable_targets: int = Field(description="Targets of the project that can still be called (not done, not DNC)")


class TargetPayload(_Payload):
    """target.updated: status changes that matter to reporting (e.g. do-not-call)."""

    id: uuid.UUID
    project_id: uuid.UUID
    target_list_id: uuid.UUID
    status: str
    do_not_call: bool = False
    previous_status: str | None = Field(default=None, description="The status before this change (stock accounting)")


class CallPayload(_Payload):
    """call.logged / call.updated / call.deleted. Updates and deletes carry `previous`."""

    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    member_id: uuid.UUID
    target_id: uuid.UUID
    target_industry: str | None = None
    first_call_of_target: bool = Field(default=False, description="True when the target had never been called before")
    occurred_at: datetime
    outcome: CallOutcome
    duration_s: int = Field(ge=0)
    script_version_id: uuid.UUID | None = None
    variant: str | None = None
    previous: CallPayload | None = None


class AppointmentPayload(_Payload):
    """appointment.set / appointment.updated."""

    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    call_id: uuid.UUID | None = None
    member_id: uuid.UUID
    member_name: str | None = None
    target_id: uuid.UUID
    company_name: str
    contact_name: str | None = None
    contact_title: str | None = None
    meeting_at: datetime
    qualification: dict[str, str] = Field(default_factory=dict)
    handoff_status: HandoffStatus = "set"
    partner_outcome: PartnerOutcome | None = None
    deal_id: uuid.UUID | None = None
    deal_amount: int | None = None
    deal_won: bool | None = None
    set_at: datetime
    note: str | None = None
    unqualified_reason: str | None = None
    # The client's deal (deal_id, deal_amount, deal_stage) is the project's outcome data, never an agency deal.
    deal_stage: ClientDealStage | None = None
    rescheduled_count: int = 0


class AppointmentChangePayload(AppointmentPayload):
    """One change of an appointment, as its own event type (the snapshot after it, plus what it was before):

    - appointment.held / appointment.no_show / appointment.cancelled: the hand-off status became that
      (a correction such as held → no_show is the new status's event);
    - appointment.rescheduled: a new meeting time (リスケ); the appointment is back to `set` and stays
      one appointment (`previous_meeting_at` is the old time, `rescheduled_count` counts them);
    - appointment.qualified / appointment.unqualified: the client's outcome (with `unqualified_reason`);
    - appointment.client_deal_reported: the client's deal (amount, stage) was reported or changed.

    `appointment.updated` (the snapshot) still follows every change, for consumers of the whole record.
    """

    previous_handoff_status: HandoffStatus | None = None
    previous_meeting_at: datetime | None = None
    previous_partner_outcome: PartnerOutcome | None = None
    # Who made the change (as in the audit log): a user (actor_role: client for the client's own people, or the
    # agency's role), a partner key (api_key, its id) or a service.
    actor_type: Literal["user", "api_key", "service"] | None = None
    actor_id: str | None = None
    actor_role: str | None = None


class StagePayload(_Payload):
    id: uuid.UUID
    name: str
    position: int
    probability: int = Field(ge=0, le=100)
    aging_limit_days: int | None = None
    exit_criteria: str | None = None
    is_won: bool = False
    is_lost: bool = False


class PipelinePayload(_Payload):
    id: uuid.UUID
    name: str
    stages: list[StagePayload]


class DealPayload(_Payload):
    """deal.created / deal.changed. `changes` names what moved: {field: [old, new]}."""

    id: uuid.UUID
    name: str
    account_name: str
    client_id: uuid.UUID | None = None
    owner_id: uuid.UUID
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    stage_name: str | None = None
    amount: int = Field(ge=0)
    probability: int = Field(ge=0, le=100)
    expected_close_date: date | None = None
    forecast_category: ForecastCategory = "pipeline"
    status: DealStatus = "open"
    lead_source: str | None = None
    created_at: datetime
    closed_at: datetime | None = None
    stage_entered_at: datetime
    appointment_id: uuid.UUID | None = None
    changes: dict[str, list[Any]] = Field(default_factory=dict)


class QuotaPayload(_Payload):
    id: uuid.UUID
    owner_id: uuid.UUID
    period_start: date
    period_end: date = Field(description="Exclusive")
    amount: int = Field(ge=0)


class PaceAlertPayload(_Payload):
    """pace_alert.raised, emitted by reporting-api for the worker to post to the director."""

    id: uuid.UUID
    project_id: uuid.UUID
    member_id: uuid.UUID | None = None
    director_id: uuid.UUID | None = None
    rule: str
    message: str
    value: float | None = None
    threshold: float | None = None
    raised_at: datetime


class WeeklyReportPublishedPayload(_Payload):
    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    iso_week: str
    version: int
    summary: str
    download_url: str
    # The web app's page of this version, for people (Slack, Confluence); download_url is the API's.
    web_url: str | None = None


class WeeklyReportCommentedPayload(_Payload):
    """weekly_report.commented, emitted by reporting-api when a client's person (a client user) comments on a
    published weekly report; the director's answers emit nothing."""

    id: uuid.UUID = Field(description="The comment's id")
    project_id: uuid.UUID
    client_id: uuid.UUID
    iso_week: str
    version: int = Field(description="The published version the comment was written on")
    author_name: str | None = None
    author_role: str | None = None
    body: str
    created_at: datetime
    # The web app's page of the week's report, for the director (Slack).
    web_url: str | None = None


PAYLOAD_MODELS: dict[str, type[_Payload]] = {
    EventType.client_created: ClientPayload,
    EventType.client_updated: ClientPayload,
    EventType.user_created: UserPayload,
    EventType.user_updated: UserPayload,
    EventType.project_created: ProjectPayload,
    EventType.project_updated: ProjectPayload,
    EventType.project_status_changed: ProjectPayload,
    EventType.assignment_created: AssignmentPayload,
    EventType.assignment_updated: AssignmentPayload,
    EventType.assignment_deleted: AssignmentPayload,
    EventType.worked_hours_logged: WorkedHoursPayload,
    EventType.daily_report_submitted: DailyReportPayload,
    EventType.kickoff_item_updated: KickoffItemPayload,
    EventType.contract_change_recorded: ContractChangePayload,
    EventType.script_version_created: ScriptVersionPayload,
    EventType.target_list_imported: TargetListImportedPayload,
    EventType.target_updated: TargetPayload,
    EventType.call_logged: CallPayload,
    EventType.call_updated: CallPayload,
    EventType.call_deleted: CallPayload,
    EventType.appointment_set: AppointmentPayload,
    EventType.appointment_updated: AppointmentPayload,
    EventType.appointment_held: AppointmentChangePayload,
    EventType.appointment_no_show: AppointmentChangePayload,
    EventType.appointment_rescheduled: AppointmentChangePayload,
    EventType.appointment_cancelled: AppointmentChangePayload,
    EventType.appointment_qualified: AppointmentChangePayload,
    EventType.appointment_unqualified: AppointmentChangePayload,
    EventType.appointment_client_deal_reported: AppointmentChangePayload,
    EventType.pipeline_changed: PipelinePayload,
    EventType.deal_created: DealPayload,
    EventType.deal_changed: DealPayload,
    EventType.quota_set: QuotaPayload,
    EventType.pace_alert_raised: PaceAlertPayload,
    EventType.weekly_report_published: WeeklyReportPublishedPayload,
    EventType.weekly_report_commented: WeeklyReportCommentedPayload,
}


def parse_payload(event_type: str, payload: dict[str, Any]) -> _Payload | None:
    """The typed payload of a known event type, or None for a type this version does not know."""
    model = PAYLOAD_MODELS.get(event_type)
    return model.model_validate(payload) if model else None
