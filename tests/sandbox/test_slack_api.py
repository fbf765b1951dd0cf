"""Slack Web API emulation: Slack's envelopes, argument rules and error codes."""

from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager

from anken_sandbox.app import create_sandbox_app
from anken_sandbox.settings import SandboxSettings

from .conftest import BOT_TOKEN, new_channel, slack


async def test_missing_token_is_not_authed_with_http_200(sandbox: httpx.AsyncClient) -> None:
    response = await slack(sandbox, "auth.test", token=None)
    assert response.status_code == 200
    assert response.json() == {"ok": False, "error": "not_authed"}


async def test_malformed_token_is_invalid_auth_and_revoked_token_is_token_revoked(sandbox: httpx.AsyncClient) -> None:
    bad = await slack(sandbox, "auth.test", token="not-a-slack-token")
    assert (bad.status_code, bad.json()["error"]) == (200, "invalid_auth")
    revoked = await sandbox.post("/_sandbox/slack/revoked-tokens", json={"token": "xoxb-old"})
    assert revoked.status_code == 200
    after = await slack(sandbox, "auth.test", token="xoxb-old")
    assert after.json() == {"ok": False, "error": "token_revoked"}


async def test_auth_test_answers_the_bot_identity(sandbox: httpx.AsyncClient) -> None:
    body = (await slack(sandbox, "auth.test")).json()
    assert body["ok"] is True and body["user_id"].startswith("U") and body["team_id"]


async def test_unknown_method_is_unknown_method(sandbox: httpx.AsyncClient) -> None:
    assert (await slack(sandbox, "chat.fly")).json() == {"ok": False, "error": "unknown_method"}


async def test_channel_names_follow_slack_rules(sandbox: httpx.AsyncClient) -> None:
    for name, error in [("Has Caps", "invalid_name_specials"), ("with space", "invalid_name_specials"),
                        ("x" * 81, "invalid_name_maxlength"), ("", "invalid_name_required"),
                        ("---", "invalid_name_punctuation")]:
        body = (await slack(sandbox, "conversations.create", name=name)).json()
        assert body == {"ok": False, "error": error}, name
    created = (await slack(sandbox, "conversations.create", name="anken-sample_2026")).json()
    assert created["ok"] and created["channel"]["name"] == "anken-sample_2026" and created["channel"]["is_member"]
    taken = (await slack(sandbox, "conversations.create", name="anken-sample_2026")).json()
    assert taken == {"ok": False, "error": "name_taken"}


async def test_invite_reports_already_in_channel_and_archived(sandbox: httpx.AsyncClient) -> None:
    channel = await new_channel(sandbox, "invite-test")
    director = (await slack(sandbox, "users.lookupByEmail", email="director@demo.anken.jp")).json()["user"]["id"]
    member = (await slack(sandbox, "users.lookupByEmail", email="member1@demo.anken.jp")).json()["user"]["id"]
    ok = (await slack(sandbox, "conversations.invite", channel=channel, users=f"{director},{member}")).json()
    assert ok["ok"] and ok["channel"]["num_members"] == 3
    again = (await slack(sandbox, "conversations.invite", channel=channel, users=director)).json()
    assert again["ok"] is False and again["error"] == "already_in_channel"
    unknown = (await slack(sandbox, "conversations.invite", channel=channel, users="U99999999")).json()
    assert unknown["error"] == "user_not_found"
    assert (await slack(sandbox, "conversations.archive", channel=channel)).json() == {"ok": True}
    archived = (await slack(sandbox, "conversations.invite", channel=channel, users=member)).json()
    assert archived == {"ok": False, "error": "is_archived"}
    assert (await slack(sandbox, "conversations.archive", channel=channel)).json()["error"] == "already_archived"
    info = (await slack(sandbox, "conversations.info", channel=channel)).json()
    assert info["channel"]["is_archived"] is True


async def test_post_message_by_name_or_id_with_json_or_form(sandbox: httpx.AsyncClient) -> None:
    channel = await new_channel(sandbox, "post-test")
    by_json = await slack(sandbox, "chat.postMessage", json={
        "channel": "#post-test", "text": "アポ獲得", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*A社*"}}],
    })
    body = by_json.json()
    assert body["ok"] and body["channel"] == channel and body["message"]["text"] == "アポ獲得"
    assert body["message"]["blocks"][0]["type"] == "section"
    by_form = (await slack(sandbox, "chat.postMessage", channel=channel, text="日報",
                           blocks='[{"type": "divider"}]')).json()
    assert by_form["ok"] and float(by_form["ts"]) > float(body["ts"])
    seen = (await sandbox.get("/_sandbox/slack/messages", params={"channel": "post-test"})).json()["items"]
    assert [m["text"] for m in seen] == ["アポ獲得", "日報"]


async def test_post_message_errors(sandbox: httpx.AsyncClient) -> None:
    channel = await new_channel(sandbox, "errors-test")
    assert (await slack(sandbox, "chat.postMessage", channel=channel)).json() == {"ok": False, "error": "no_text"}
    assert (await slack(sandbox, "chat.postMessage", channel="C404", text="x")).json()["error"] == "channel_not_found"
    assert (await slack(sandbox, "chat.postMessage", channel=channel, text="x", blocks="{not json")).json()["error"] \
        == "invalid_blocks"
    assert (await slack(sandbox, "chat.postMessage", json={"channel": channel, "text": "x", "metadata": {"x": 1}})
            ).json()["error"] == "invalid_metadata_format"
    await slack(sandbox, "conversations.archive", channel=channel)
    assert (await slack(sandbox, "chat.postMessage", channel=channel, text="x")).json() == {
        "ok": False, "error": "is_archived"}
    bad_json = await sandbox.post("/slack/api/chat.postMessage", content=b"{oops",
                                  headers={"Authorization": "Bearer xoxb-1", "Content-Type": "application/json"})
    assert bad_json.status_code == 200 and bad_json.json() == {"ok": False, "error": "invalid_json"}


async def test_history_returns_metadata_newest_first_with_cursor_pagination(sandbox: httpx.AsyncClient) -> None:
    channel = await new_channel(sandbox, "history-test")
    await sandbox.put("/_sandbox/config", json={"slack_channel_burst": 100})
    for i in range(5):
        response = await slack(sandbox, "chat.postMessage", json={
            "channel": channel, "text": f"message {i}",
            "metadata": {"event_type": "appointment_set", "event_payload": {"event_id": f"evt_{i}"}},
        })
        assert response.json()["ok"]
    first = (await slack(sandbox, "conversations.history", channel=channel, limit="2",
                         include_all_metadata="true")).json()
    assert [m["text"] for m in first["messages"]] == ["message 4", "message 3"]
    assert first["messages"][0]["metadata"] == {"event_type": "appointment_set", "event_payload": {"event_id": "evt_4"}}
    assert first["has_more"] is True
    seen = [m["metadata"]["event_payload"]["event_id"] for m in first["messages"]]
    cursor = first["response_metadata"]["next_cursor"]
    while cursor:
        more = (await slack(sandbox, "conversations.history", channel=channel, limit="2", cursor=cursor,
                            include_all_metadata="true")).json()
        seen += [m["metadata"]["event_payload"]["event_id"] for m in more["messages"]]
        cursor = more["response_metadata"]["next_cursor"]
    assert seen == ["evt_4", "evt_3", "evt_2", "evt_1", "evt_0"]
    without = (await slack(sandbox, "conversations.history", channel=channel, limit="1")).json()
    assert "metadata" not in without["messages"][0]
    bad = (await slack(sandbox, "conversations.history", channel=channel, cursor="garbage")).json()
    assert bad == {"ok": False, "error": "invalid_cursor"}


async def test_set_topic_and_pin(sandbox: httpx.AsyncClient) -> None:
    channel = await new_channel(sandbox, "kickoff-test")
    topic = (await slack(sandbox, "conversations.setTopic", channel=channel, topic="11月 目標 20件")).json()
    assert topic["ok"] and topic["channel"]["topic"]["value"] == "11月 目標 20件"
    assert (await slack(sandbox, "conversations.setTopic", channel=channel, topic="x" * 251)).json()["error"] == "too_long"
    ts = (await slack(sandbox, "chat.postMessage", channel=channel, text="キックオフ概要")).json()["ts"]
    assert (await slack(sandbox, "pins.add", channel=channel, timestamp=ts)).json() == {"ok": True}
    assert (await slack(sandbox, "pins.add", channel=channel, timestamp=ts)).json()["error"] == "already_pinned"
    assert (await slack(sandbox, "pins.add", channel=channel, timestamp="1.000001")).json()["error"] == "message_not_found"
    channels = (await sandbox.get("/_sandbox/slack/channels")).json()["items"]
    assert channels[0]["topic"] == "11月 目標 20件" and channels[0]["message_count"] == 1


async def test_lookup_by_email_finds_registered_users_and_reports_unknown(sandbox: httpx.AsyncClient) -> None:
    await sandbox.put("/_sandbox/config", json={"slack_auto_users": False})
    missing = (await slack(sandbox, "users.lookupByEmail", email="guest@client.example.jp")).json()
    assert missing == {"ok": False, "error": "users_not_found"}
    added = await sandbox.post("/_sandbox/slack/users", json={"email": "guest@client.example.jp", "real_name": "先方"})
    assert added.status_code == 201
    found = (await slack(sandbox, "users.lookupByEmail", email="Guest@Client.example.jp")).json()
    assert found["ok"] and found["user"]["id"] == added.json()["id"]
    assert (await sandbox.post("/_sandbox/slack/users", json={"email": "no-at-sign"})).status_code == 422


async def test_per_channel_burst_is_429_with_retry_after(sandbox: httpx.AsyncClient) -> None:
    channel = await new_channel(sandbox, "pace-test")
    other = await new_channel(sandbox, "pace-other")
    answers = [await slack(sandbox, "chat.postMessage", channel=channel, text=f"m{i}") for i in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].json() == {"ok": False, "error": "ratelimited"}
    assert int(answers[3].headers["Retry-After"]) >= 1
    # The limit is per channel: another channel still accepts messages.
    assert (await slack(sandbox, "chat.postMessage", channel=other, text="x")).status_code == 200
    assert len((await sandbox.get("/_sandbox/slack/messages", params={"channel": channel})).json()["items"]) == 3


async def test_method_tier_limit_is_429(sandbox: httpx.AsyncClient) -> None:
    await sandbox.put("/_sandbox/config", json={"slack_tier_scale": 0.1})  # Tier 2: 20/min → 2/min
    channel = await new_channel(sandbox, "tier-a")
    await new_channel(sandbox, "tier-b")
    limited = await slack(sandbox, "conversations.create", name="tier-c")
    assert limited.status_code == 429 and limited.json()["error"] == "ratelimited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert (await slack(sandbox, "conversations.info", channel=channel)).status_code == 200  # other method, other tier


async def test_conversations_list_pages_through_channels_and_filters_archived(sandbox: httpx.AsyncClient) -> None:
    ids = [await new_channel(sandbox, f"list-{i}") for i in range(3)]
    await slack(sandbox, "conversations.archive", channel=ids[0])
    first = (await slack(sandbox, "conversations.list", json={"limit": 2, "types": "public_channel,private_channel"})).json()
    assert first["ok"] and [c["id"] for c in first["channels"]] == ids[:2]
    rest = (await slack(sandbox, "conversations.list", json={"limit": 2, "cursor": first["response_metadata"]["next_cursor"]})
            ).json()
    assert [c["id"] for c in rest["channels"]] == ids[2:] and rest["response_metadata"]["next_cursor"] == ""
    live = (await slack(sandbox, "conversations.list", exclude_archived="true")).json()
    assert [c["name"] for c in live["channels"]] == ["list-1", "list-2"]
    assert (await slack(sandbox, "conversations.list", cursor="bad")).json()["error"] == "invalid_cursor"


async def test_invite_with_force_invites_the_valid_users(sandbox: httpx.AsyncClient) -> None:
    channel = await new_channel(sandbox, "force-test")
    director = (await slack(sandbox, "users.lookupByEmail", email="director@demo.anken.jp")).json()["user"]["id"]
    await slack(sandbox, "conversations.invite", channel=channel, users=director)
    member = (await slack(sandbox, "users.lookupByEmail", email="member1@demo.anken.jp")).json()["user"]["id"]
    forced = (await slack(sandbox, "conversations.invite", json={"channel": channel, "users": f"{director},{member}",
                                                                 "force": True})).json()
    assert forced["ok"] is True and forced["errors"] == [{"user": director, "ok": False, "error": "already_in_channel"}]
    assert forced["channel"]["num_members"] == 3


async def test_direct_messages_open_once_and_accept_posts_by_user_id(sandbox: httpx.AsyncClient) -> None:
    director = (await slack(sandbox, "users.lookupByEmail", email="director@demo.anken.jp")).json()["user"]["id"]
    opened = (await slack(sandbox, "conversations.open", users=director)).json()
    assert opened["ok"] and opened["channel"]["id"].startswith("D") and opened["already_open"] is False
    again = (await slack(sandbox, "conversations.open", json={"users": director})).json()
    assert again["channel"]["id"] == opened["channel"]["id"] and again["already_open"] is True
    by_dm = (await slack(sandbox, "chat.postMessage", channel=opened["channel"]["id"], text="ペース警告")).json()
    by_user = (await slack(sandbox, "chat.postMessage", channel=director, text="日報")).json()
    assert by_dm["ok"] and by_user["ok"] and by_user["channel"] == opened["channel"]["id"]
    viewed = (await sandbox.get("/_sandbox/slack/messages", params={"channel": opened["channel"]["id"]})).json()["items"]
    assert [m["text"] for m in viewed] == ["ペース警告", "日報"] and viewed[0]["channel_name"] == "@director"
    assert (await slack(sandbox, "conversations.open", users="U99999999")).json()["error"] == "user_not_found"
    assert (await slack(sandbox, "conversations.open")).json()["error"] == "users_list_not_supplied"
    assert (await slack(sandbox, "conversations.invite", channel=opened["channel"]["id"], users=director)).json()[
        "error"] == "method_not_supported_for_channel_type"
    ims = (await slack(sandbox, "conversations.list", types="im")).json()["channels"]
    assert [c["user"] for c in ims] == [director]


async def test_calls_skipping_the_framework_answer_as_the_documented_route_does() -> None:
    """Slack calls are answered without FastAPI's routing (slack.endpoints.serve_directly); what the
    fast path does not take (a body over the limit, a nested path) still gets the route's answer."""
    app = create_sandbox_app(SandboxSettings(log_level="WARNING", max_body_bytes=2000))
    async with LifespanManager(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test") as client:
        channel = await new_channel(client, "fast-path")
        posted = await slack(client, "chat.postMessage", json={"channel": channel, "text": "こんにちは"})
        assert posted.status_code == 200 and posted.json()["ok"] is True
        by_get = await client.get("/slack/api/auth.test", headers={"Authorization": f"Bearer {BOT_TOKEN}"})
        assert by_get.json()["ok"] is True
        too_big = await slack(client, "chat.postMessage", json={"channel": channel, "text": "x" * 5000})
        assert too_big.status_code == 413 and too_big.headers["content-type"].startswith("application/problem+json")
        nested = await client.post("/slack/api/chat/postMessage", json={}, headers={"Authorization": "Bearer x"})
        assert nested.status_code == 404
        # Every call is in the request log, fast path or not, in arrival order.
        logged = (await client.get("/_sandbox/requests")).json()
        paths = [e["path"] for e in (logged["items"] if isinstance(logged, dict) else logged)]
        assert paths[-4:] == ["/slack/api/chat.postMessage", "/slack/api/auth.test", "/slack/api/chat.postMessage",
                              "/slack/api/chat/postMessage"]
