"""Acceptance: Ctrl-C and a second `make run` keep the integration sandbox's state (SANDBOX_STATE_FILE
under ANKEN_HOME). The database still says the demo is loaded and points projects at Slack channels;
after the restart the sandbox still lists those channels and their messages, and a newly logged
appointment reaches the sandbox Slack exactly once, with no `channel_not_found` dead delivery."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from demo_run import DemoRun, login, sandbox_items, start, wait_for
from test_make_run import _projects, _settled

LINKED_WITHIN_S = 180
# The worker of the second run has just started (connections, tokens); still a matter of seconds.
POSTED_WITHIN_S = 10


def _linked_channels(run: DemoRun) -> set[str]:
    admin = login(run, "admin@demo.anken.jp")
    active = [p for p in _projects(run, admin) if p["status"] == "active"]
    if not active or not all(p.get("slack_channel") for p in active):
        return set()
    return {p["slack_channel"].removeprefix("#") for p in active}


def test_a_second_make_run_keeps_the_sandbox_and_posts_a_new_appointment_once(
    demo: DemoRun, run_home: Path, run_infra
) -> None:
    # The first run: the session's, or (when an earlier test stopped it) one more start of the same home.
    first = demo if demo.process.poll() is None else start(run_home, run_infra)
    try:
        expected = wait_for(lambda: _linked_channels(first), LINKED_WITHIN_S, "projects linked to Slack", first)
        wait_for(lambda: _settled(first), 120, "the Slack backlog delivered", first, interval=0)
        channels_before = {c["name"]: c["id"] for c in sandbox_items(first, "slack/channels")}
        messages_before = len(sandbox_items(first, "slack/messages"))
        assert expected <= set(channels_before), (sorted(expected), sorted(channels_before))
    finally:
        first.stop()
    assert (run_home / "sandbox-state.json").exists(), "make run keeps the sandbox state under ANKEN_HOME"

    again = start(run_home, run_infra)
    try:
        wait_for(lambda: "demo data already loaded" in again.log(), 180, "the seed's verdict", again)
        channels = wait_for(lambda: {c["name"]: c["id"] for c in sandbox_items(again, "slack/channels")}, 60,
                            "the sandbox answering", again)
        assert channels_before.items() <= channels.items(), "the same channels, with the same ids, as before"
        assert len(sandbox_items(again, "slack/messages")) >= messages_before

        # The seed's verdict comes from the database, before the services answer; log the call once they do.
        for service in ("projects", "reporting", "worker"):
            wait_for(lambda s=service: httpx.get(f"{again.url(s)}/readyz", timeout=5).status_code == 200, 120,
                     f"{service} ready", again)
        member = login(again, "member1@demo.anken.jp")
        me = httpx.get(f"{again.url('projects')}/v1/auth/me", headers=member, timeout=30).json()
        project = next(p for p in _projects(again, member) if p["status"] == "active" and p.get("slack_channel"))
        handed = httpx.post(f"{again.url('projects')}/v1/projects/{project['id']}/next-target", headers=member,
                            json={}, timeout=30).json()
        target = handed["target"]
        now = datetime.now(UTC)
        logged = httpx.post(f"{again.url('projects')}/v1/projects/{project['id']}/calls", headers=member, timeout=30,
                            json={"target_id": target["id"], "member_id": me["id"], "occurred_at": now.isoformat(),
                                  "outcome": "appointment", "duration_s": 240, "variant": handed["variant"], "appointment": {
                                      "meeting_at": (now + timedelta(days=2)).isoformat(), "contact_name": "再起 動",
                                      "contact_title": "総務部 課長", "qualification": {"budget": "今期予算あり"}}})
        assert logged.status_code == 201, logged.text

        channel_id = channels[project["slack_channel"].removeprefix("#")]

        def posted() -> list[dict]:
            return [m for m in sandbox_items(again, "slack/messages", channel=channel_id)
                    if target["company_name"] in m["text"]]

        found = wait_for(posted, POSTED_WITHIN_S, "the new appointment in the project's sandbox channel", again,
                         interval=0.1)
        time.sleep(2)
        assert len(posted()) == len(found) == 1, "posted exactly once"
        assert "channel_not_found" not in again.log(), again.log_tail(80)
    finally:
        again.stop()
