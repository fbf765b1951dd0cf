"""Kickoff: the deliveries that set a project up — Slack channel, invites, topic and pinned
summary; the Confluence page tree; the approach-list spreadsheet. Each is its own delivery,
ordered per target so that later steps find what earlier ones made."""

from __future__ import annotations

from typing import Any

from anken_worker.deliveries.models import DeliveryPlan, Integration
from anken_worker.messaging import channel_topic, faq_page, kickoff_summary, overview_page, talk_scripts_page

PAGE_TITLES = {
    "overview": "{name} 案件概要",
    "kickoff_agenda": "{name} キックオフアジェンダ",
    "talk_scripts": "{name} トークスクリプト",
    "faq": "{name} ナレッジ・FAQ",
}


def page_title(purpose: str, project: dict[str, Any]) -> str:
    return PAGE_TITLES[purpose].format(name=project["name"])


def kickoff_plans(event_id: str, event_type: str, project: dict[str, Any], director_name: str | None) -> list[DeliveryPlan]:
    pid, cid = project["project_id"], project["client_id"]
    common = {"project_id": pid, "client_id": cid, "source_event_id": event_id, "source_event_type": event_type}
    slack_key = f"slack:{pid}"
    text, blocks = kickoff_summary(project, director_name)
    plans = [
        DeliveryPlan(f"evt:{event_id}:slack.create_channel", Integration.slack, "slack.create_channel", slack_key,
                     {"project_name": project["name"]}, **common),
        DeliveryPlan(f"evt:{event_id}:slack.invite", Integration.slack, "slack.invite", slack_key, {}, **common),
        DeliveryPlan(f"evt:{event_id}:slack.set_topic", Integration.slack, "slack.set_topic", slack_key,
                     {"topic": channel_topic(project)}, **common),
        DeliveryPlan(f"evt:{event_id}:slack.pin_summary", Integration.slack, "slack.post", slack_key,
                     {"text": text, "blocks": blocks, "pin": True}, **common),
    ]
    scripts = (project.get("snapshot") or {}).get("scripts") or {}
    bodies = {
        "overview": {"body": overview_page(project, director_name)},
        "kickoff_agenda": {"body_source": "kickoff_agenda"},
        "talk_scripts": {"body": talk_scripts_page(project, scripts)},
        "faq": {"body": faq_page(project)},
    }
    for purpose, body in bodies.items():
        plans.append(DeliveryPlan(
            f"evt:{event_id}:confluence.{purpose}", Integration.confluence, "confluence.page", f"confluence:{pid}",
            {"purpose": purpose, "title": page_title(purpose, project), "mode": "create",
             "parent_purpose": None if purpose == "overview" else "overview", **body}, **common,
        ))
    plans.append(DeliveryPlan(
        f"evt:{event_id}:sheets.create_spreadsheet", Integration.sheets, "sheets.create_spreadsheet", f"sheets:{pid}",
        {"title": f"{project.get('client_name') or ''} {project['name']} アプローチリスト".strip()}, **common,
    ))
    return plans
