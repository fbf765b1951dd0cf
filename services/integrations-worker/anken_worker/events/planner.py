"""From one event to the state the worker keeps and the deliveries it owes.

Delivery keys are `evt:<event id>:<action>`: a replayed event plans nothing new.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from anken_common.event_payloads import (
    AppointmentChangePayload,
    AppointmentPayload,
    AssignmentPayload,
    DailyReportPayload,
    PaceAlertPayload,
    ProjectPayload,
    ScriptVersionPayload,
    TargetListImportedPayload,
    UserPayload,
    WeeklyReportCommentedPayload,
    WeeklyReportPublishedPayload,
)
from anken_common.events import EventEnvelope, EventType
from anken_worker.deliveries.drain_memo import forget_recent
from anken_worker.deliveries.models import DeliveryPlan, Integration
from anken_worker.events.batch_lookups import WEBHOOK_EVENTS, BatchLookups
from anken_worker.events.kickoff_flow import kickoff_plans, page_title
from anken_worker.messaging import (
    appointment_outcome_notice,
    appointment_report,
    daily_report,
    pace_alert,
    report_comment_notice,
    talk_scripts_page,
    weekly_report,
    weekly_report_page,
)
from anken_worker.projects_state import repository as projects
from anken_worker.webhook_endpoints.service import plans_for_event

# The appointment changes the director hears about, and the name of their Slack notice.
OUTCOME_NOTICES: dict[str, str] = {EventType.appointment_no_show: "no_show_notice",
                   EventType.appointment_unqualified: "unqualified_notice"}


async def plan_event(conn: AsyncConnection, envelope: EventEnvelope, payload: Any,
                     lookups: BatchLookups | None = None) -> list[DeliveryPlan]:
    """Apply the event to the worker's own state and return the deliveries it calls for.

    `lookups` shares reads across the events of one batch; an event that may write project state
    makes later events of the batch read it afresh.
    """
    eid, etype = str(envelope.id), envelope.type
    plans: list[DeliveryPlan] = []
    lookups = lookups or BatchLookups([])
    if etype != EventType.appointment_set:
        lookups.project_state_changed()
    if isinstance(payload, UserPayload | ProjectPayload | AssignmentPayload):
        # What deliveries remember of projects (deliveries.drain_memo) may be stale now. Only these
        # write it: forgetting on every event (calls by the thousand) would leave nothing remembered.
        forget_recent()

    if isinstance(payload, UserPayload):
        await projects.upsert_person(conn, payload)
    elif isinstance(payload, ProjectPayload):
        await projects.upsert_project(conn, payload, payload.model_dump(mode="json"))
        if etype == EventType.project_status_changed and payload.status == "kickoff":
            project = await projects.get(conn, payload.id)
            director = await projects.get_person(conn, payload.director_id)
            if project is not None:  # upserted just above
                plans += kickoff_plans(eid, etype, project, director["name"] if director else None)
    elif isinstance(payload, AssignmentPayload):
        await projects.set_member(conn, payload.project_id, payload.member_id, payload.member_name,
                                  active=etype != EventType.assignment_deleted)
    elif isinstance(payload, AppointmentPayload) and etype == EventType.appointment_set:
        project = await lookups.project(conn, payload.project_id)
        text, blocks = appointment_report(payload, (project or {}).get("timezone") or "Asia/Tokyo")
        plans.append(DeliveryPlan(
            f"evt:{eid}:slack.appointment_report", Integration.slack, "slack.post", f"slack:{payload.project_id}",
            {"text": text, "blocks": blocks}, project_id=payload.project_id, client_id=payload.client_id,
            source_event_id=envelope.id, source_event_type=etype,
        ))
    elif isinstance(payload, AppointmentChangePayload) and etype in OUTCOME_NOTICES:
        # The director hears about no-shows and not-qualified results in the project's channel.
        project = await lookups.project(conn, payload.project_id)
        text, blocks = appointment_outcome_notice(payload, etype == EventType.appointment_unqualified,
                                                  (project or {}).get("timezone") or "Asia/Tokyo")
        plans.append(DeliveryPlan(
            f"evt:{eid}:slack.{OUTCOME_NOTICES[etype]}", Integration.slack, "slack.post", f"slack:{payload.project_id}",
            {"text": text, "blocks": blocks}, project_id=payload.project_id, client_id=payload.client_id,
            source_event_id=envelope.id, source_event_type=etype,
        ))
    elif isinstance(payload, DailyReportPayload):
        project = await lookups.project(conn, payload.project_id)
        member = await projects.get_person(conn, payload.member_id)
        text, blocks = daily_report(payload, (project or {}).get("name") or "", member["name"] if member else None)
        plans.append(DeliveryPlan(
            f"evt:{eid}:slack.daily_report", Integration.slack, "slack.post", f"slack:{payload.project_id}",
            {"text": text, "blocks": blocks}, project_id=payload.project_id,
            client_id=(project or {}).get("client_id"), source_event_id=envelope.id, source_event_type=etype,
        ))
    elif isinstance(payload, ScriptVersionPayload):
        scripts = await projects.set_script(conn, payload.project_id, payload.variant, {
            "version": payload.version, "title": payload.title, "body": payload.body, "pattern": payload.pattern})
        project = await projects.get(conn, payload.project_id)
        if project is not None:
            plans.append(DeliveryPlan(
                f"evt:{eid}:confluence.talk_scripts", Integration.confluence, "confluence.page",
                f"confluence:{payload.project_id}",
                {"purpose": "talk_scripts", "title": page_title("talk_scripts", project), "mode": "update",
                 "parent_purpose": "overview", "body": talk_scripts_page(project, scripts)},
                project_id=payload.project_id, client_id=project["client_id"], source_event_id=envelope.id,
                source_event_type=etype,
            ))
    elif isinstance(payload, TargetListImportedPayload):
        plans.append(DeliveryPlan(
            f"evt:{eid}:sheets.push_targets", Integration.sheets, "sheets.push_targets", f"sheets:{payload.project_id}",
            {"target_list_id": str(payload.id)}, project_id=payload.project_id, client_id=payload.client_id,
            source_event_id=envelope.id, source_event_type=etype,
        ))
    elif isinstance(payload, PaceAlertPayload):
        project = await projects.get(conn, payload.project_id)
        member = await projects.get_person(conn, payload.member_id)
        text, blocks = pace_alert(payload, (project or {}).get("name") or "", member["name"] if member else None,
                                  str(payload.id))
        plans.append(DeliveryPlan(
            f"evt:{eid}:slack.pace_alert", Integration.slack, "slack.notify_director",
            f"slack:director:{payload.project_id}", {"text": text, "blocks": blocks},
            project_id=payload.project_id, client_id=(project or {}).get("client_id"), source_event_id=envelope.id,
            source_event_type=etype,
        ))
    elif isinstance(payload, WeeklyReportCommentedPayload):
        # The director hears of a client's comment in the project's channel; keyed by the comment, so a
        # redelivered (or re-emitted) event posts once.
        project = await lookups.project(conn, payload.project_id)
        text, blocks = report_comment_notice(payload, (project or {}).get("name") or "",
                                             (project or {}).get("timezone") or "Asia/Tokyo")
        plans.append(DeliveryPlan(
            f"comment:{payload.id}:slack.report_comment", Integration.slack, "slack.post", f"slack:{payload.project_id}",
            {"text": text, "blocks": blocks}, project_id=payload.project_id, client_id=payload.client_id,
            source_event_id=envelope.id, source_event_type=etype,
        ))
    elif isinstance(payload, WeeklyReportPublishedPayload):
        project = await projects.get(conn, payload.project_id)
        name = (project or {}).get("name") or ""
        # The text as planned links the web page; the post replaces it with the shared link (actions.weekly_report).
        text, blocks = weekly_report(payload, name)
        report = payload.model_dump(mode="json")
        plans.append(DeliveryPlan(
            f"evt:{eid}:slack.weekly_report", Integration.slack, "slack.post", f"slack:{payload.project_id}",
            {"text": text, "blocks": blocks, "weekly_report": report, "project_name": name},
            project_id=payload.project_id, client_id=payload.client_id,
            source_event_id=envelope.id, source_event_type=etype,
        ))
        if project is not None:
            # One page per ISO week under the project's tree; a re-published version updates it.
            plans.append(DeliveryPlan(
                f"evt:{eid}:confluence.weekly_report", Integration.confluence, "confluence.page",
                f"confluence:{payload.project_id}",
                {"purpose": f"weekly_report:{payload.iso_week}", "mode": "update", "parent_purpose": "overview",
                 "title": f"{project['name']} 週次レポート {payload.iso_week}",
                 "body": weekly_report_page(payload, project["name"]), "weekly_report": report},
                project_id=payload.project_id, client_id=payload.client_id, source_event_id=envelope.id,
                source_event_type=etype,
            ))

    if etype in WEBHOOK_EVENTS:
        client_id = getattr(payload, "client_id", None) or envelope.tenant
        project_id = getattr(payload, "project_id", None) or (payload.id if isinstance(payload, ProjectPayload) else None)
        plans += await plans_for_event(conn, client_id, etype, eid, envelope.occurred_at.isoformat(),
                                       envelope.payload, project_id, lookups)
    return plans
