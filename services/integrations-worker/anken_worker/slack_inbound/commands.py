"""Answers to `/anken status`, `/anken today`, `/anken pace` and the alert buttons.

A command answers only about the project linked to the channel it was typed in (the worker keeps
each project's Slack channel id): a project name given as an argument never selects another
project, so nobody reads another client's numbers by guessing a name.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from anken_worker.context import WorkerContext
from anken_worker.kit.time import local_now
from anken_worker.messaging import (
    ALERT_NOT_HERE,
    COMMAND_HELP,
    NO_PROJECT_HERE,
    my_pace_answer,
    status_answer,
    today_answer,
)
from anken_worker.projects_state import repository as projects
from anken_worker.reporting_client import acknowledge_alert, project_kpis
from anken_worker.slack_inbound.alert_scope import alert_posted_for_channel, interaction_channel


def month_so_far(day: date) -> dict[str, date]:
    """reporting-api's KPI parameters for the calendar month through `day` (month figures as of `day`)."""
    return {"from": day.replace(day=1), "to": day + timedelta(days=1), "as_of": day}


def one_day(day: date) -> dict[str, date]:
    return {"from": day, "to": day + timedelta(days=1), "as_of": day}


async def answer_command(ctx: WorkerContext, text: str, channel_id: str, slack_user_id: str) -> str:
    words = text.strip().split(maxsplit=1)
    verb = words[0].lower() if words else ""
    if verb not in ("status", "today", "pace"):
        return COMMAND_HELP
    async with ctx.engine.connect() as conn:
        project = await projects.by_channel(conn, channel_id) if channel_id else None
    if project is None:
        return NO_PROJECT_HERE + "\n" + COMMAND_HELP
    day = local_now(project).date()
    if verb == "status":
        return status_answer(project, await project_kpis(ctx, project["project_id"], **month_so_far(day)))
    if verb == "today":
        return today_answer(project, await project_kpis(ctx, project["project_id"], **one_day(day)))
    async with ctx.engine.connect() as conn:
        person = await projects.person_by_slack_id(conn, slack_user_id)
    kpis = await project_kpis(ctx, project["project_id"], **month_so_far(day), group_by="member")
    group = None
    if person and kpis:
        group = next((g for g in kpis.get("groups", []) if str(g.get("key")) == str(person["user_id"])), None)
    return my_pace_answer(project, group, unavailable=kpis is None)


async def handle_interaction(ctx: WorkerContext, payload: dict[str, Any]) -> str:
    user = payload.get("user")
    user = str(user.get("id", "")) if isinstance(user, dict) else ""
    actions = payload.get("actions")
    for act in actions if isinstance(actions, list) else []:
        if isinstance(act, dict) and act.get("action_id") == "ack_alert" and act.get("value"):
            alert_id = str(act["value"])
            async with ctx.engine.connect() as conn:
                here = await alert_posted_for_channel(conn, alert_id, interaction_channel(payload))
            if not here:
                return ALERT_NOT_HERE
            ok = await acknowledge_alert(ctx, alert_id, f"slack:{user}")
            return "✅ アラートを確認済みにしました。" if ok else "⚠️ 確認の記録に失敗しました。時間をおいて再度お試しください。"
    return "この操作には対応していません。"
