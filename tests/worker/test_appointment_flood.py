"""200 appointment events while the sandbox answers 429s, 500s and slow responses: 200 messages,
in order per channel, none twice, and the delivery log shows the retries."""

from __future__ import annotations

import httpx
import pytest
from worker_support import kick_off, publish, sandbox_items, wait_until

PROJECTS = 10
APPOINTMENTS = 200


@pytest.mark.slow
async def test_flood_of_appointments_under_faults_posts_each_once_in_order(worker, sandbox, redis_client, db,
                                                                          events, service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    projects = []
    for i in range(PROJECTS):
        project_id, client_id, members, _ = await kick_off(redis_client, ns, events, f"flood {i}")
        projects.append((project_id, client_id, members[0]))
    ids = [p[0] for p in projects]

    async def kickoffs_done():
        done = await db.fetchval("SELECT count(*) FROM integrations.deliveries WHERE project_id = ANY($1) "
                                 "AND status = 'succeeded'", ids)
        return done == PROJECTS * 9

    await wait_until(kickoffs_done, within_s=120, what="kickoffs done")

    async with httpx.AsyncClient(base_url=sandbox.url) as client:
        for fault in (
            {"service": "slack", "kind": "status", "status": 429, "count": 15, "retry_after": 1, "path": "chat.postMessage"},
            {"service": "slack", "kind": "status", "status": 500, "count": 15, "path": "chat.postMessage"},
            {"service": "slack", "kind": "slow", "delay_s": 3, "count": 3, "path": "chat.postMessage"},
        ):
            (await client.post("/_sandbox/faults", json=fault)).raise_for_status()

    sent: dict[str, list[str]] = {str(p[0]): [] for p in projects}
    envelopes = []
    for i in range(APPOINTMENTS):
        project_id, client_id, member_id = projects[i % PROJECTS]
        company = f"株式会社フラッド{i:03d}"
        sent[str(project_id)].append(company)
        envelopes.append(events.appointment(project_id, client_id, member_id, company))
    await publish(redis_client, ns, *envelopes)

    async def all_done():
        rows = await db.fetch("SELECT status, count(*) AS n FROM integrations.deliveries WHERE project_id = ANY($1) "
                              "AND idempotency_key LIKE '%slack.appointment_report' GROUP BY status", ids)
        counts = {r["status"]: r["n"] for r in rows}
        return counts.get("succeeded") == APPOINTMENTS and counts

    await wait_until(all_done, within_s=240, interval=1, what="200 appointment reports delivered")

    links = {str(r["project_id"]): r["slack_channel_id"] for r in await db.fetch(
        "SELECT project_id, slack_channel_id FROM integrations.project_links WHERE project_id = ANY($1)", ids)}
    total = 0
    for project_id, companies in sent.items():
        messages = [m for m in await sandbox_items(sandbox.url, "slack/messages", channel=links[project_id])
                    if "appointment_report" in str((m.get("metadata") or {}).get("event_payload", {}).get("delivery_key"))]
        keys = [m["metadata"]["event_payload"]["delivery_key"] for m in messages]
        assert len(keys) == len(set(keys)), "a message was posted twice"
        posted = [next(c for c in companies if c in m["text"]) for m in messages]
        assert posted == companies, "messages out of order or missing"
        assert all(m["blocks"] for m in messages)  # Block Kit, with the text as fallback
        total += len(messages)
    assert total == APPOINTMENTS

    async with httpx.AsyncClient(base_url=sandbox.url) as client:
        faults = (await client.get("/_sandbox/faults")).json()["items"]
    injected = sum(f["triggered"] for f in faults)
    assert injected == 33
    # Every injected fault cost exactly one more attempt: no retry storm, and our own pacing
    # never ran into the sandbox's per-channel limit.
    attempts = await db.fetchval("SELECT sum(attempts) FROM integrations.deliveries WHERE project_id = ANY($1) "
                                 "AND idempotency_key LIKE '%slack.appointment_report'", ids)
    retried = await db.fetch("SELECT attempts, last_error FROM integrations.deliveries WHERE project_id = ANY($1) "
                             "AND idempotency_key LIKE '%slack.appointment_report' AND attempts > 1", ids)
    assert attempts == APPOINTMENTS + injected, [(r["attempts"], r["last_error"]) for r in retried]
    # last_error keeps the latest failure of each retried delivery.
    errors = " ".join(r["last_error"] or "" for r in retried)
    assert retried and ("429" in errors or "500" in errors) and "timeout" in errors
