"""Words the APIs send as codes (statuses, categories, roles, field names) and the label each is shown as.

The one place a code becomes words: every label is an English msgid (N_, so the catalogs carry it and
its Japanese text), and pages show a code through the `label` / `field_label` template filters
(rendering.py) or `label_of` / `field_label_of` in Python. A code without a label here is shown as it
is, and tests/demo/test_every_page_languages.py finds it on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from anken_common.call_outcomes import LABELS as CALL_OUTCOME_LABELS
from anken_common.events import PARTNER_WEBHOOK_EVENTS
from anken_web.i18n.extraction import N_

Gettext = Callable[..., str]

# Codes the forms offer, in the order the forms list them.
WEEKLY_REPORT_FIELDS = ("good_reactions", "objections", "learnings", "next_actions", "agenda")
QUALIFICATION_FIELDS = ("budget", "authority", "need", "timeline")
FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "omitted")
CONTRACT_CHANGES = ("renewal", "upsell", "downsell", "end")
LEAD_SOURCES = ("outbound_appointment", "inbound", "referral", "partner", "event", "existing_customer")
HANDOFF_STATUSES = ("set", "held", "no_show", "cancelled")
PARTNER_OUTCOMES = ("qualified", "unqualified")
CLIENT_DEAL_STAGES = ("proposal", "negotiation", "won", "lost")
WEBHOOK_EVENTS: tuple[str, ...] = tuple(str(event) for event in PARTNER_WEBHOOK_EVENTS)

# A value's code → its label.
VALUES: dict[str, str] = {
    # project status
    "draft": N_("Draft"), "current": N_("Published"), "kickoff": N_("Kickoff"), "active": N_("Live"), "paused": N_("Paused"),
    "ended": N_("Ended"),
    # roles
    "admin": N_("Administrator"), "director": N_("Director"), "manager": N_("Sales manager"),
    "member": N_("Member"), "client": N_("Client user"),
    # pace against the month's target
    "on_track": N_("On track"), "behind": N_("Behind"), "at_risk": N_("At risk"), "none": N_("No verdict"),
    "not_running": N_("Not running"),
    # BANT qualification of an appointment
    "budget": N_("Budget"), "authority": N_("Authority"), "need": N_("Need"), "timeline": N_("Timeline"),
    # weekly report notes
    "good_reactions": N_("Good reactions"), "objections": N_("Objections and concerns"),
    "learnings": N_("Learnings"), "next_actions": N_("Next actions"), "agenda": N_("Meeting agenda"),
    # forecast categories
    "pipeline": N_("Pipeline"), "best_case": N_("Best case"), "commit": N_("Commit"), "omitted": N_("Omitted"),
    # deal status
    "open": N_("In progress"), "won": N_("Closed won"), "lost": N_("Closed lost"),
    # the stage of a client's deal reported on an appointment (won and lost as above)
    "proposal": N_("Proposal"), "negotiation": N_("Negotiation"),
    # contract changes
    "renewal": N_("Renewal"), "upsell": N_("Upsell"), "downsell": N_("Downsell"), "end": N_("End of contract"),
    # jobs, imports and deliveries
    "pending": N_("Pending"), "queued": N_("Queued"), "running": N_("Running"), "retrying": N_("Retrying"),
    "succeeded": N_("Succeeded"), "completed": N_("Completed"), "done": N_("Completed"), "failed": N_("Failed"),
    "dead": N_("Undeliverable"), "skipped": N_("Skipped"), "cancelled": N_("Cancelled"),
    # duplicates found by an import: what they share
    "corporate_number": N_("Corporate number"), "phone": N_("Phone number"), "name": N_("Company name"),
    # lead sources
    "outbound_appointment": N_("Outbound appointment"), "inbound": N_("Inbound"), "referral": N_("Referral"),
    "partner": N_("Partner"), "event": N_("Event"), "existing_customer": N_("Existing customer"), "other": N_("Other"),
    # appointment hand-off and the client's verdict
    "set": N_("Scheduled"), "held": N_("Held"), "no_show": N_("No-show"), "rescheduled": N_("Rescheduled"),
    "qualified": N_("Qualified"), "unqualified": N_("Unqualified"),
    # targets of an approach list
    "new": N_("Not called yet"), "callback": N_("Call back"), "called": N_("Called"), "excluded": N_("Excluded"),
    "dnc": N_("Do not call"),
    # the kickoff checklist every project starts with (projects-api names each item by its key)
    "appointment_definition": N_("Appointment definition"), "qualification_fields": N_("Qualification fields (BANT)"),
    "target_definition": N_("Target definition and list size"), "handoff_contact": N_("Hand-off contact"),
    "calendar_link": N_("Calendar link"), "reporting_channel": N_("Reporting channel"),
    # API key scopes
    "read:projects": N_("Read projects"), "read:kpis": N_("Read KPIs"), "read:appointments": N_("Read appointments"),
    "write:appointment_outcomes": N_("Report appointment outcomes"), "write:targets": N_("Add targets"),
    # integrations and what the worker delivers
    "slack": N_("Slack"), "confluence": N_("Confluence"), "sheets": N_("Google Sheets"), "webhook": N_("Webhook"),
    "webhooks": N_("Webhooks"), "mail": N_("Mail"),
    "slack.create_channel": N_("Create the Slack channel"), "slack.invite": N_("Invite to the Slack channel"),
    "slack.set_topic": N_("Set the channel topic"), "slack.post": N_("Post to Slack"),
    "slack.post_lookups": N_("Post to Slack"), "slack.notify_director": N_("Notify the director on Slack"),
    "confluence.page": N_("Write the Confluence page"), "sheets.create_spreadsheet": N_("Create the spreadsheet"),
    "sheets.push_targets": N_("Write the approach list to the sheet"), "sheets.append_kpis": N_("Add KPIs to the sheet"),
    "webhook.send": N_("Send the webhook"), "webhook.test": N_("Send a test webhook"),
    # the events a partner webhook endpoint subscribes to
    "appointment.set": N_("Appointment set"), "appointment.updated": N_("Appointment updated"),
    "weekly_report.published": N_("Weekly report published"), "project.status_changed": N_("Project status changed"),
    "appointment.held": N_("Meeting held"), "appointment.no_show": N_("Meeting no-show"),
    "appointment.rescheduled": N_("Meeting rescheduled"), "appointment.cancelled": N_("Appointment cancelled"),
    "appointment.qualified": N_("Appointment qualified"), "appointment.unqualified": N_("Appointment not qualified"),
    "appointment.client_deal_reported": N_("Client deal reported"),
    # call outcomes (anken_common.call_outcomes holds their English labels)
    **{outcome.value: label for outcome, label in CALL_OUTCOME_LABELS.items()},
}

# A field's key (as an API names it in a record or an error) → its label.
FIELDS: dict[str, str] = {
    "name": N_("Name"), "email": N_("Email"), "password": N_("Password"), "role": N_("Role"),
    "locale": N_("Language"), "status": N_("Status"), "note": N_("Note"), "notes": N_("Notes"),
    "file": N_("File"), "scopes": N_("Scopes"), "url": N_("URL"), "secret": N_("Secret"),
    "client_id": N_("Client"), "director_id": N_("Director"), "member_id": N_("Member"),
    "product": N_("Product"), "industry": N_("Industry"), "size": N_("Company size"), "region": N_("Region"),
    "company_name": N_("Company name"), "corporate_number": N_("Corporate number"), "phone": N_("Phone number"),
    "priority_tier": N_("Priority tier"), "tier": N_("Priority tier"),
    "monthly_appointment_target": N_("Monthly appointment target"),
    "contracted_monthly_hours": N_("Contracted monthly hours"), "planned_hours": N_("Planned hours"),
    "qualification_fields": N_("Qualification fields"), "qualification": N_("Qualification"),
    "appointment": N_("Appointment"), "meeting_at": N_("Meeting date and time"),
    "contact_name": N_("Contact person"), "contact_title": N_("Contact's title"),
    "outcome": N_("Outcome"), "duration_s": N_("Call duration"), "variant": N_("Pattern"),
    "target_id": N_("Target company"), "script_version_id": N_("Script"), "title": N_("Title"), "body": N_("Body"),
    "pattern": N_("Pattern"),
    "deal": N_("Deal"), "account_name": N_("Account"), "amount": N_("Amount"), "probability": N_("Probability"),
    "pipeline_id": N_("Pipeline"), "stage_id": N_("Stage"), "owner_id": N_("Owner"),
    "expected_close_date": N_("Expected close date"), "forecast_category": N_("Forecast category"),
    "lead_source": N_("Lead source"), "closed_at": N_("Closed on"), "lost_reason": N_("Reason lost"),
    "period_start": N_("Period start"), "period_end": N_("Period end"),
    "effective_date": N_("Effective date"), "kind": N_("Change"), "new_contract_end": N_("New contract end"),
    "hours_after": N_("Hours after"), "value": N_("Agreed content"), "agreed": N_("Agreed"),
    "week": N_("Week"), "version": N_("Version"),
    "events": N_("Event types"), "description": N_("Description"),
    **{key: VALUES[key] for key in (*WEEKLY_REPORT_FIELDS, *QUALIFICATION_FIELDS)},
}


def label_of(code: object, _: Gettext, default: str | None = None) -> str:
    """A value's code in the user's language; an unknown code shows `default` (a label someone typed,
    e.g. a custom kickoff item's) when given, else the catalog's text for it, else the code as it is."""
    if code is None or code == "":
        return default or ""
    text = str(code)
    if text in VALUES:
        return _(VALUES[text])
    return default if default else _(text)


def field_key(path: object) -> str:
    """The field an API's error path names: `appointment.meeting_at` → `meeting_at`, `notes.learnings.0`
    → `learnings` (the innermost name this vocabulary knows, else the innermost name)."""
    names = [part for part in str(path).replace("[", ".").replace("]", "").split(".") if part and not part.isdecimal()]
    if len(names) > 1 and names[0] in ("body", "query", "path"):  # FastAPI's location of a request field
        names = names[1:]
    known = [part for part in names if part in FIELDS]
    return (known or names or [str(path)])[-1]


def field_label_of(path: object, _: Gettext, labels: Mapping[str, str] | None = None) -> str:
    """A field's label in the user's language; `labels` (key → English msgid) are a form's own words."""
    key = field_key(path)
    return _((labels or {}).get(key) or FIELDS.get(key) or VALUES.get(key) or key)
