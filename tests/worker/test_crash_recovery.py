"""The worker killed with SIGKILL in the middle of a batch and restarted: each message exactly once."""

from __future__ import annotations

import signal

import pytest
from worker_support import WORKER_ENV, kick_off, publish, sandbox_items, wait_until

PROJECTS = 6
APPOINTMENTS = 60


@pytest.mark.slow
async def test_sigkill_mid_batch_then_restart_posts_each_message_exactly_once(stack, worker, sandbox, redis_client,
                                                                               db, events, service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    projects = []
    for i in range(PROJECTS):
        project_id, client_id, members, _ = await kick_off(redis_client, ns, events, f"crash {i}")
        projects.append((project_id, client_id, members[0]))
    ids = [p[0] for p in projects]

    async def kickoffs_done():
        done = await db.fetchval("SELECT count(*) FROM integrations.deliveries WHERE project_id = ANY($1) "
                                 "AND status = 'succeeded'", ids)
        return done == PROJECTS * 9

    await wait_until(kickoffs_done, within_s=120, what="kickoffs done")

    sent: dict[str, list[str]] = {str(p[0]): [] for p in projects}
    envelopes = []
    for i in range(APPOINTMENTS):
        project_id, client_id, member_id = projects[i % PROJECTS]
        sent[str(project_id)].append(f"株式会社クラッシュ{i:03d}")
        envelopes.append(events.appointment(project_id, client_id, member_id, f"株式会社クラッシュ{i:03d}"))
    await publish(redis_client, ns, *envelopes)

    query = ("SELECT count(*) FROM integrations.deliveries WHERE project_id = ANY($1) "
             "AND idempotency_key LIKE '%slack.appointment_report' AND status = 'succeeded'")

    async def some_posted():
        return await db.fetchval(query, ids) >= 15

    await wait_until(some_posted, within_s=60, interval=0.1, what="a third of the batch posted")
    stack.restart("worker", sig=signal.SIGKILL, extra_env=WORKER_ENV)
    before_restart = await db.fetchval(query, ids)
    assert before_restart < APPOINTMENTS, "the batch finished before the kill; nothing was tested"

    async def all_posted():
        return await db.fetchval(query, ids) == APPOINTMENTS

    await wait_until(all_posted, within_s=120, interval=0.5, what="every appointment posted after the restart")

    links = {str(r["project_id"]): r["slack_channel_id"] for r in await db.fetch(
        "SELECT project_id, slack_channel_id FROM integrations.project_links WHERE project_id = ANY($1)", ids)}
    for project_id, companies in sent.items():
        messages = [m for m in await sandbox_items(sandbox.url, "slack/messages", channel=links[project_id])
                    if "クラッシュ" in m["text"]]
        posted = [next(c for c in companies if c in m["text"]) for m in messages]
        assert posted == companies  # each exactly once, in order
