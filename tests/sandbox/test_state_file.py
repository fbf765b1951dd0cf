"""SANDBOX_STATE_FILE: the sandbox keeps Slack, Confluence, Sheets/Drive, OAuth and webhook data across
restarts (a second `make run`); saved in the background and on shutdown, never per request; a corrupt
file is set aside and the sandbox starts empty; POST /_sandbox/reset removes the file."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from anken_sandbox.app import create_sandbox_app
from anken_sandbox.settings import SandboxSettings
from anken_sandbox.state import SandboxState

from .conftest import new_channel, slack
from .test_confluence_api import API as CONFLUENCE
from .test_confluence_api import BASIC, _create, _space
from .test_drive_api import SPREADSHEET, _bearer, _tagged
from .test_webhook_receiver import SECRET, _endpoint, signed

STORES = ("slack", "confluence", "oauth", "workbooks", "sheets_access", "webhooks")


@asynccontextmanager
async def running(path: Path, interval_s: float = 60.0) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    """One sandbox process's life: started (loading the file), then shut down (saving it)."""
    app = create_sandbox_app(SandboxSettings(log_level="WARNING", sandbox_state_file=str(path),
                                             sandbox_state_save_interval_s=interval_s))
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test"
    ) as client:
        yield client, app


async def eventually(check: Callable[[], bool], within_s: float = 3.0) -> None:
    for _ in range(int(within_s / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check(), f"not within {within_s} s"


def state_of(app: FastAPI) -> SandboxState:
    return app.state.sandbox


def assert_empty(state: SandboxState) -> None:
    """As a fresh sandbox: the demo users, the ANKEN space with its home page, nothing else."""
    fresh = SandboxState(state.settings)
    assert state.slack.users == fresh.slack.users and not state.slack.channels and not state.slack.messages
    assert [s.key for s in state.confluence.spaces.values()] == ["ANKEN"] and len(state.confluence.pages) == 1
    assert not state.workbooks.spreadsheets and not state.oauth.accounts and not state.oauth.tokens
    assert not state.webhooks.endpoints and not state.webhooks.received and not state.sheets_access.revocations


async def populate(client: httpx.AsyncClient) -> dict[str, Any]:
    """Something in every saved store, made through the vendors' APIs as the worker makes it."""
    channel = await new_channel(client, "anken-a-sha")
    await slack(client, "conversations.setTopic", channel=channel, topic="11月 アポ目標 20件")
    member = (await slack(client, "users.lookupByEmail", email="new.member@demo.anken.jp")).json()["user"]["id"]
    await slack(client, "conversations.invite", channel=channel, users=member)
    posted = await slack(client, "chat.postMessage", json={
        "channel": channel, "text": "アポ獲得: 株式会社サンプル", "blocks": [{"type": "section", "text": {
            "type": "mrkdwn", "text": "*アポ獲得*"}}],
        "metadata": {"event_type": "appointment_set", "event_payload": {"id": 7}}})
    await slack(client, "pins.add", channel=channel, timestamp=posted.json()["ts"])
    await slack(client, "chat.postMessage", channel=member, text="DM")
    await client.post("/_sandbox/slack/revoked-tokens", json={"token": "xoxb-revoked-1"})

    space = await _space(client)
    page = (await _create(client, space["id"], "A社 案件概要")).json()
    await client.put(f"{CONFLUENCE}/pages/{page['id']}", headers=BASIC, json={
        "id": page["id"], "status": "current", "title": "A社 案件概要", "version": {"number": 2, "message": "第2版"},
        "body": {"representation": "storage", "value": "<p>改訂</p>"}})
    trashed = (await _create(client, space["id"], "消す頁", parent_id=page["id"])).json()
    await client.delete(f"{CONFLUENCE}/pages/{trashed['id']}", headers=BASIC)

    google = await _bearer(client, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    file = (await client.post("/drive/v3/files", headers=google, json={
        "name": "アプローチリスト A社", "mimeType": SPREADSHEET,
        "appProperties": {"ankenDeliveryKey": "evt:1:sheets.create_spreadsheet"}})).json()
    written = await client.put(f"/sheets/v4/spreadsheets/{file['id']}/values/Sheet1!A1:D2", headers=google,
                               params={"valueInputOption": "USER_ENTERED"},
                               json={"values": [["会社", "件数", "率", "済"], ["A社", "12", "0.25", "TRUE"]]})
    assert written.status_code == 200, written.text
    added = await client.post(f"/sheets/v4/spreadsheets/{file['id']}:batchUpdate", headers=google,
                              json={"requests": [{"addSheet": {"properties": {"title": "リスト 11月"}}}]})
    assert added.status_code == 200, added.text
    await client.post("/_sandbox/sheets/revocations", json={"client_email": "gone@example.iam.gserviceaccount.com"})

    endpoint = await _endpoint(client)
    body = json.dumps({"type": "appointment.set", "data": {"company": "株式会社サンプル"}}, ensure_ascii=False)
    delivery = signed(SECRET, "msg_1", body)
    assert (await client.post(f"/webhooks/{endpoint['id']}", content=body.encode(), headers=delivery)).status_code == 204
    return {"channel": channel, "page": page["id"], "file": file["id"], "google": google, "endpoint": endpoint,
            "delivery": (body, delivery)}


async def test_everything_saved_on_shutdown_is_there_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "sandbox-state.json"
    async with running(path) as (client, app):
        made = await populate(client)
        before = state_of(app).snapshot()
    assert path.exists(), "written on shutdown"

    async with running(path) as (client, app):
        assert state_of(app).snapshot() == before
        channels = {c["name"]: c for c in (await client.get("/_sandbox/slack/channels")).json()["items"]}
        assert channels["anken-a-sha"]["topic"] == "11月 アポ目標 20件" and len(channels["anken-a-sha"]["members"]) == 2
        messages = (await client.get("/_sandbox/slack/messages", params={"channel": made["channel"]})).json()["items"]
        assert [(m["text"], m["pinned"], m["metadata"]["event_payload"]) for m in messages] == [
            ("アポ獲得: 株式会社サンプル", True, {"id": 7})]
        # A project's channel still takes posts (no channel_not_found), and ids and timestamps go on, never reused.
        again = await slack(client, "chat.postMessage", channel=made["channel"], text="次のアポ")
        assert again.json()["ok"] is True and float(again.json()["ts"]) > float(messages[0]["ts"])
        assert await new_channel(client, "anken-b-sha") not in {c["id"] for c in channels.values()}
        assert (await slack(client, "auth.test", token="xoxb-revoked-1")).json()["error"] == "token_revoked"

        page = (await client.get(f"{CONFLUENCE}/pages/{made['page']}", headers=BASIC,
                                 params={"body-format": "storage"})).json()
        assert page["version"]["number"] == 2 and page["body"]["storage"]["value"] == "<p>改訂</p>"
        assert [v.number for v in state_of(app).confluence.pages[made["page"]].history] == [1, 2]
        update = await client.put(f"{CONFLUENCE}/pages/{made['page']}", headers=BASIC, json={
            "id": made["page"], "status": "current", "title": "A社 案件概要", "version": {"number": 3},
            "body": {"representation": "storage", "value": "<p>第3版</p>"}})
        assert update.status_code == 200, update.text

        # The bearer the worker cached before the restart still works; Drive finds the file by its tag.
        found = await client.get("/drive/v3/files", headers=made["google"],
                                 params={"q": _tagged("evt:1:sheets.create_spreadsheet"), "fields": "files(id,appProperties)"})
        assert found.json()["files"] == [{"id": made["file"], "appProperties": {
            "ankenDeliveryKey": "evt:1:sheets.create_spreadsheet"}}]
        values = await client.get(f"/sheets/v4/spreadsheets/{made['file']}/values/Sheet1!A1:D2", headers=made["google"],
                                  params={"valueRenderOption": "UNFORMATTED_VALUE"})
        assert values.json()["values"] == [["会社", "件数", "率", "済"], ["A社", 12, 0.25, True]]

        # The partner still verifies with its secret, and a replay of a delivery made before the restart is one.
        body, headers = made["delivery"]
        assert (await client.post(f"/webhooks/{made['endpoint']['id']}", content=body.encode(),
                                  headers=headers)).status_code == 409


@pytest.mark.parametrize("store", STORES)
async def test_each_store_round_trips_through_json(tmp_path: Path, store: str) -> None:
    async with running(tmp_path / "state.json") as (client, app):
        await populate(client)
        original = getattr(state_of(app), store)
        saved = json.loads(json.dumps(original.to_dict()))
        restored = type(original).from_dict(saved)
        assert restored.to_dict() == original.to_dict()
        assert saved, f"{store} saved something"


async def test_changes_are_saved_in_the_background_and_only_when_something_changed(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    async with running(path, interval_s=0.1) as (client, _):
        channel = await new_channel(client, "background")
        assert not path.exists() or "background" not in path.read_text(), "never written on the request path"
        await slack(client, "chat.postMessage", channel=channel, text="saved without a shutdown")
        await eventually(lambda: path.exists() and "saved without a shutdown" in path.read_text())
        await asyncio.sleep(0.3)
        written = path.stat().st_mtime_ns
        for _ in range(5):
            await client.get("/_sandbox/slack/messages")
            await client.get("/healthz")
        await asyncio.sleep(0.4)
        assert path.stat().st_mtime_ns == written, "reading does not rewrite the file"
        assert [p.name for p in await asyncio.to_thread(lambda: list(tmp_path.iterdir()))] == ["state.json"], \
            "no temporary file left behind"


@pytest.mark.parametrize("content", [b"{\"format\": 1, \"slack\": ", b"[1, 2, 3]", b"{\"format\": 1, \"slack\": {}}",
                                     b"\xff\xfe not utf-8", b"{\"format\": 99}"])
async def test_a_corrupt_file_is_kept_aside_and_the_sandbox_starts_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    async with running(path) as (client, app):
        assert (tmp_path / "state.json.corrupt").read_bytes() == content
        assert_empty(state_of(app))
        assert (await client.get("/healthz")).status_code == 200
        await new_channel(client, "after-corruption")
    # The next save is a good file again.
    async with running(path) as (client, _):
        names = [c["name"] for c in (await client.get("/_sandbox/slack/channels")).json()["items"]]
        assert names == ["after-corruption"]


async def test_reset_removes_the_file_and_the_next_start_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    async with running(path, interval_s=0.1) as (client, _):
        await populate(client)
        await eventually(path.exists)
        assert (await client.post("/_sandbox/reset")).status_code == 200
        assert not path.exists()
        await asyncio.sleep(0.4)
        assert not path.exists(), "an unchanged, reset sandbox is not saved again"
    async with running(path) as (client, _):
        assert (await client.get("/_sandbox/slack/channels")).json()["items"] == []
        assert (await client.get("/_sandbox/sheets/spreadsheets")).json()["items"] == []
