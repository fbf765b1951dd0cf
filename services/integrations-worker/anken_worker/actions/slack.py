"""Slack deliveries: the project channel (create, invite, topic, pinned summary) and messages.

Every post carries its delivery key in message metadata; a retry first looks for that message
in conversations.history, so a crash between "posted" and "recorded" still posts once.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, cast

from anken_worker.actions import weekly_report
from anken_worker.adapters.errors import IntegrationBroken, PermanentError, SkipDelivery
from anken_worker.adapters.slack.client import SlackApiError, SlackClient
from anken_worker.context import WorkerContext
from anken_worker.deliveries import repository as delivery_repo
from anken_worker.deliveries.drain_memo import remembered
from anken_worker.deliveries.executor import action
from anken_worker.deliveries.models import Delivery, Outcome
from anken_worker.projects_state import repository as projects
from anken_worker.projects_state.writeback import link_in_projects_api

MAX_NAME_SUFFIX = 20
TOKEN_ERRORS = ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired")


def channel_base_name(prefix: str, project_name: str, project_id: str) -> str:
    """A Slack channel name: lowercase ASCII letters, digits, - and _, at most 80 characters.

    Japanese project names leave nothing usable, so the project id's first characters stand in.
    """
    name = re.sub(r"[\s\u3000]+", "-", project_name.strip().lower())
    name = re.sub(r"[^a-z0-9_\-]", "", name).strip("-_")
    name = re.sub(r"-{2,}", "-", name)
    base = f"{prefix}-{name}" if name else f"{prefix}-{project_id[:8]}"
    return base[:72]


async def _slack(ctx: WorkerContext, d: Delivery) -> tuple[SlackClient, dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        connection = await ctx.connectors.slack(conn, d.client_id, d.project_id)
    return connection.client, connection.config


async def _project(ctx: WorkerContext, d: Delivery) -> dict[str, Any]:
    async with ctx.engine.connect() as conn:
        project = await projects.get(conn, d.project_id)
    if project is None:
        raise SkipDelivery("the worker has not seen this project yet")
    return project


async def _channel(ctx: WorkerContext, d: Delivery) -> str:
    project = await _project(ctx, d)
    if not project.get("slack_channel_id"):
        raise SkipDelivery("this project has no Slack channel (not kicked off yet)")
    return cast("str", project["slack_channel_id"])


async def _save_progress(ctx: WorkerContext, d: Delivery, **values: Any) -> None:
    d.progress = {**d.progress, **values}
    async with ctx.engine.begin() as conn:
        await delivery_repo.save_progress(conn, d.id, d.progress)


async def _slack_user_id(ctx: WorkerContext, slack: SlackClient, person: dict[str, Any]) -> str | None:
    if person.get("slack_user_id"):
        return cast("str | None", person["slack_user_id"])
    found = await slack.lookup_user_by_email(person["email"])
    if found:
        async with ctx.engine.begin() as conn:
            await projects.set_slack_user(conn, person["user_id"], found)
    return found


@action("slack.create_channel")
async def create_channel(ctx: WorkerContext, d: Delivery) -> Outcome:
    project = await _project(ctx, d)
    if project.get("slack_channel_id"):
        return Outcome(external_ref=project["slack_channel_id"], excerpt="channel already linked",
                       target=project.get("slack_channel_name"))
    slack, config = await _slack(ctx, d)
    prefix = config.get("channel_prefix") or ctx.settings.slack_channel_prefix
    base = channel_base_name(prefix, project["name"], str(project["project_id"]))
    tried: list[str] = list(d.progress.get("tried", []))
    channel = None
    for n in range(1, MAX_NAME_SUFFIX + 1):
        name = base if n == 1 else f"{base}-{n}"
        if name in tried:
            # An earlier attempt asked for this name; if the channel exists it may be ours
            # (created just before a crash), so it is adopted rather than duplicated.
            existing = await slack.find_channel(name)
            if existing and not existing.get("is_archived") and d.progress.get("created_unrecorded") == name:
                channel = existing
                break
            if existing:
                continue
        await _save_progress(ctx, d, tried=[*tried, name], created_unrecorded=name)
        tried.append(name)
        try:
            channel = await slack.create_channel(name)
            break
        except SlackApiError as exc:
            if exc.error == "name_taken":
                await _save_progress(ctx, d, created_unrecorded=None)
                continue
            if exc.error.startswith("invalid_name"):
                base = f"{prefix}-{str(project['project_id'])[:8]}"
                continue
            raise
    if channel is None:
        raise PermanentError(f"no free Slack channel name from {base!r} (tried {len(tried)})")
    async with ctx.engine.begin() as conn:
        await projects.set_fields(conn, project["project_id"], slack_channel_id=channel["id"],
                                  slack_channel_name=channel.get("name"))
    await link_in_projects_api(ctx, project["project_id"], slack_channel=f"#{channel.get('name')}")
    return Outcome(external_ref=channel["id"], excerpt=f"created #{channel.get('name')}", target=channel.get("name"))


@action("slack.invite")
async def invite(ctx: WorkerContext, d: Delivery) -> Outcome:
    channel = await _channel(ctx, d)
    slack, config = await _slack(ctx, d)
    if d.project_id is None:
        raise PermanentError("slack.invite: the delivery names no project")
    async with ctx.engine.connect() as conn:
        team = await projects.team(conn, d.project_id)
    user_ids: list[str] = []
    missing: list[str] = []
    for person in team:
        found = await _slack_user_id(ctx, slack, person)
        (user_ids.append(found) if found else missing.append(person["email"]))
    for email in config.get("guest_emails", []):
        found = await slack.lookup_user_by_email(email)
        (user_ids.append(found) if found else missing.append(email))
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        raise SkipDelivery(f"no one to invite (not in Slack: {', '.join(missing) or 'nobody known yet'})")
    await slack.invite(channel, user_ids)
    note = f"invited {len(user_ids)}" + (f"; not in Slack: {', '.join(missing)}" if missing else "")
    return Outcome(external_ref=",".join(user_ids)[:300], excerpt=note, target=channel)


@action("slack.set_topic")
async def set_topic(ctx: WorkerContext, d: Delivery) -> Outcome:
    channel = await _channel(ctx, d)
    slack, _ = await _slack(ctx, d)
    await slack.set_topic(channel, d.payload["topic"])
    return Outcome(excerpt="topic set", target=channel)


async def _post_once(ctx: WorkerContext, d: Delivery, slack: SlackClient, channel: str) -> dict[str, Any]:
    if d.attempts > 1 or d.progress.get("budget_from"):
        earlier = await slack.find_posted(channel, d.idempotency_key, d.created_at.timestamp() - 60)
        if earlier:
            return {"ts": earlier.get("ts"), "found": True}
    pace_key, interval = ctx.key("pace", "slack", channel), ctx.settings.slack_channel_interval_s
    await ctx.pacer.wait_for_slot(pace_key, interval)
    try:
        data = await slack.post_message(channel, d.payload["text"], d.payload.get("blocks"), d.idempotency_key)
    finally:
        await ctx.pacer.slot_used(pace_key, interval)
    return {"ts": data.get("ts"), "found": False}


async def _post_lookups(ctx: WorkerContext, d: Delivery) -> tuple[dict[str, Any] | None, SlackClient]:
    """The project and its Slack connection. Many channels' drains start at once in a burst: their
    lookups are made together, two queries for all of them (kit.coalescer)."""

    async def run(scopes: list[tuple[uuid.UUID | None, uuid.UUID | None]]) -> list[tuple[dict[str, Any] | None, object]]:
        # One connection, no transaction around the reads: this is the hot path (every appointment report).
        async with ctx.autocommit.connect() as conn:
            found = {r["project_id"]: r for r in await projects.get_many(conn, {p for p, _ in scopes if p}, documents=False)}
            connections = await ctx.connectors.slack_many(conn, [(c, p) for p, c in scopes])
        return [(found.get(p), connection) for (p, _), connection in zip(scopes, connections, strict=True)]

    project, connection = await ctx.batcher("slack.post_lookups", run).submit((d.project_id, d.client_id))
    if isinstance(connection, Exception):
        raise connection
    return project, connection.client


@action("slack.post")
async def post(ctx: WorkerContext, d: Delivery) -> Outcome:
    """Post to the project channel (payload: text, blocks, pin)."""
    project, slack = await remembered(("slack.post", d.project_id, d.client_id), lambda: _post_lookups(ctx, d),
                                      keep=lambda found: bool(found[0] and found[0].get("slack_channel_id")))
    if project is None:
        raise SkipDelivery("the worker has not seen this project yet")
    channel = project.get("slack_channel_id")
    if not channel:
        raise SkipDelivery("this project has no Slack channel (not kicked off yet)")
    if weekly_report.is_weekly_report(d):
        # Its link is made now (signed, expiring): actions.weekly_report.
        d.payload = await weekly_report.slack_message(ctx, d, project.get("timezone") or "Asia/Tokyo")
    posted = await _post_once(ctx, d, slack, channel)
    if d.payload.get("pin") and posted["ts"]:
        await slack.pin(channel, posted["ts"])
    note = "found earlier post" if posted["found"] else "posted"
    return Outcome(external_ref=posted["ts"], excerpt=note, target=channel)


@action("slack.notify_director")
async def notify_director(ctx: WorkerContext, d: Delivery) -> Outcome:
    """A direct message to the project's director (pace alerts, integration failures)."""
    project = await _project(ctx, d)
    async with ctx.engine.connect() as conn:
        director = await projects.get_person(conn, project.get("director_id"))
    if director is None:
        raise SkipDelivery("the project's director is unknown to the worker")
    slack, _ = await _slack(ctx, d)
    user_id = await _slack_user_id(ctx, slack, director)
    if user_id is None:
        raise SkipDelivery(f"director {director['email']} has no Slack account")
    try:
        dm = await slack.open_direct_message(user_id)
        posted = await _post_once(ctx, d, slack, dm)
    except IntegrationBroken as exc:
        # A DM that cannot be opened says nothing about the project's channel: dead-letter this
        # message without marking the project's Slack unhealthy (unless the token itself is gone).
        if any(code in exc.reason for code in TOKEN_ERRORS):
            raise
        raise PermanentError(exc.reason, excerpt=exc.excerpt) from exc
    return Outcome(external_ref=posted["ts"], excerpt="posted to director", target=dm)
