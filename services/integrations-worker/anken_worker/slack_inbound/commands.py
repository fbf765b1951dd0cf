"""Answers to `/anken status <project>`, `/anken today`, `/anken pace` and the alert buttons."""

from __future__ import annotations

from datetime import timedelta

from anken_worker.jobs.scheduled import local_now
from anken_worker.messaging import COMMAND_HELP, my_pace_answer, status_answer, today_answer
from anken_worker.projects_state import repository as projects
from anken_worker.reporting_client import acknowledge_alert, project_kpis


async def _project_for(ctx, channel_id: str, name: str | None) -> dict | None:
    async with ctx.engine.connect() as conn:
        if name:
            return await projects.by_name(conn, name)
        return await projects.by_channel(conn, channel_id)


async def answer_command(ctx, text: str, channel_id: str, slack_user_id: str) -> str:
    words = text.strip().split(maxsplit=1)
    verb = words[0].lower() if words else ""
    arg = words[1].strip() if len(words) > 1 else None
    if verb not in ("status", "today", "pace"):
        return COMMAND_HELP
    project = await _project_for(ctx, channel_id, arg if verb == "status" else None)
    if project is None:
        return ("案件が見つかりません。" + (f"「{arg}」" if arg else "このチャンネルに紐づく案件がありません。")
                + "\n" + COMMAND_HELP)
    day = local_now(project).date()
    if verb == "status":
        return status_answer(project, await project_kpis(ctx, project["project_id"], as_of=day))
    if verb == "today":
        kpis = await project_kpis(ctx, project["project_id"], **{"from": day, "to": day + timedelta(days=1)})
        return today_answer(project, kpis)
    async with ctx.engine.connect() as conn:
        person = await projects.person_by_slack_id(conn, slack_user_id)
    kpis = await project_kpis(ctx, project["project_id"], **{"from": day.replace(day=1),
                                                            "to": day + timedelta(days=1), "group_by": "member"})
    group = None
    if person and kpis:
        group = next((g for g in kpis.get("groups", []) if str(g.get("key")) == str(person["user_id"])), None)
    return my_pace_answer(project, group)


async def handle_interaction(ctx, payload: dict) -> str:
    user = payload.get("user")
    user = str(user.get("id", "")) if isinstance(user, dict) else ""
    actions = payload.get("actions")
    for act in actions if isinstance(actions, list) else []:
        if isinstance(act, dict) and act.get("action_id") == "ack_alert" and act.get("value"):
            ok = await acknowledge_alert(ctx, str(act["value"]), f"slack:{user}")
            return "✅ アラートを確認済みにしました。" if ok else "⚠️ 確認の記録に失敗しました。時間をおいて再度お試しください。"
    return "この操作には対応していません。"
