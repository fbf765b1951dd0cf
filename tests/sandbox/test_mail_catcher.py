"""The sandbox's SMTP catcher: a mail sent to SANDBOX_SMTP_PORT shows up at /_sandbox/mail/messages (newest
last, with its recipients, subject, plain text and arrival time), survives a restart with the state file,
goes with POST /_sandbox/reset, and is only started by `anken-sandbox serve` (in-process apps on request)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_sandbox.app import create_sandbox_app
from anken_sandbox.settings import SandboxSettings
from harness.infra import devstack


def _mail(to: str, subject: str, text: str, sender: str = "Anken <no-reply@anken.example>") -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(text)
    return message


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
async def catcher(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, int]]:
    port = devstack.free_port()
    app = create_sandbox_app(SandboxSettings(log_level="WARNING", sandbox_smtp_port=port,
                                             sandbox_state_file=str(tmp_path / "state.json")), serve_smtp=True)
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test"
    ) as client:
        yield client, port


async def test_mail_sent_over_smtp_is_listed_newest_last(catcher: tuple[httpx.AsyncClient, int]) -> None:
    client, port = catcher
    before = datetime.now(UTC) - timedelta(seconds=1)
    await aiosmtplib.send(_mail("佐藤 一郎 <sato@client.example.jp>", "【Anken】ご招待", "佐藤 様\n\nリンク: http://x/1\n"),
                          hostname="127.0.0.1", port=port, start_tls=False)
    # Any login is taken (a service configured with credentials works against the catcher too).
    await aiosmtplib.send(_mail("tanaka@client.example.jp", "Second", "two\n"), hostname="127.0.0.1", port=port,
                          start_tls=False, username="anken", password="whatever",
                          recipients=["tanaka@client.example.jp", "copy@agency.example.jp"])
    listed = await client.get("/_sandbox/mail/messages")
    assert listed.status_code == 200, listed.text
    first, second = listed.json()["items"]
    assert (first["seq"], second["seq"]) == (1, 2)
    assert first["rcpt_to"] == first["to"] == ["sato@client.example.jp"]
    assert first["mail_from"] == "no-reply@anken.example" and first["subject"] == "【Anken】ご招待"
    assert first["text"] == "佐藤 様\n\nリンク: http://x/1\n"
    assert before <= datetime.fromisoformat(first["received_at"]) <= datetime.fromisoformat(second["received_at"])
    assert ["To", "佐藤 一郎 <sato@client.example.jp>"] in first["headers"]
    assert second["rcpt_to"] == ["tanaka@client.example.jp", "copy@agency.example.jp"] and second["text"] == "two\n"
    # Filtered by recipient, envelope or To header, any case.
    copied = await client.get("/_sandbox/mail/messages", params={"to": "COPY@agency.example.jp"})
    assert [m["seq"] for m in copied.json()["items"]] == [2]
    assert (await client.get("/_sandbox/mail/messages", params={"to": "nobody@x.jp"})).json()["items"] == []
    paged = (await client.get("/_sandbox/mail/messages", params={"limit": 1})).json()
    assert [m["seq"] for m in paged["items"]] == [1] and paged["next_cursor"] == "1"

    assert (await client.post("/_sandbox/reset")).status_code == 200
    assert (await client.get("/_sandbox/mail/messages")).json()["items"] == []


async def test_caught_mail_survives_a_restart_with_the_state_file(tmp_path: Path) -> None:
    path, port = tmp_path / "state.json", devstack.free_port()
    settings = SandboxSettings(log_level="WARNING", sandbox_smtp_port=port, sandbox_state_file=str(path))
    app = create_sandbox_app(settings, serve_smtp=True)
    async with LifespanManager(app):
        await aiosmtplib.send(_mail("sato@client.example.jp", "件名", "本文\n"), hostname="127.0.0.1", port=port,
                              start_tls=False)
    assert not _listening(port), "the catcher stops with the app"
    again = create_sandbox_app(settings)  # in-process without serve_smtp: no catcher, the mails are still there
    async with LifespanManager(again), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=again), base_url="http://sandbox.test"
    ) as client:
        assert not _listening(port)
        items = (await client.get("/_sandbox/mail/messages")).json()["items"]
        assert [(m["seq"], m["subject"], m["text"]) for m in items] == [(1, "件名", "本文\n")]


def test_an_empty_or_zero_port_turns_the_catcher_off() -> None:
    assert SandboxSettings(sandbox_smtp_port="").sandbox_smtp_port == 0  # type: ignore[arg-type]
    assert SandboxSettings(sandbox_smtp_port=0).sandbox_smtp_port == 0
    assert SandboxSettings().sandbox_smtp_port == 8025


async def test_the_served_process_catches_mail_on_its_smtp_port(stack) -> None:
    stack.start("sandbox")
    url, port = stack.url("sandbox"), stack.ports["smtp"]
    address = f"process-{devstack.free_port()}@client.example.jp"
    await aiosmtplib.send(_mail(address, "Invitation to Anken", "Dear you,\n"), hostname="127.0.0.1", port=port,
                          start_tls=False)
    async with httpx.AsyncClient(base_url=url, timeout=5) as client:
        items = (await client.get("/_sandbox/mail/messages", params={"to": address})).json()["items"]
    assert [(m["to"], m["subject"], m["text"]) for m in items] == [([address], "Invitation to Anken", "Dear you,\n")]
