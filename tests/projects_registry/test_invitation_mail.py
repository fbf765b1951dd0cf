"""Invitation mail over SMTP, sent to the sandbox's catcher (a real `anken-sandbox serve` process): one mail per
invitation, in Japanese (English for `locale: en`), naming the inviter and the client, with the absolute
link that sets the password, its 72 h expiry in Japan time and that it works once; names cannot add
headers; an unreachable SMTP server is 201 `mail_sent: false` and the invitation is kept."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import ValidationError

from anken_common.auth_tokens import issue_service_token
from anken_common.settings import Environment
from anken_projects.invitations import mail
from anken_projects.settings import ProjectsSettings
from harness.infra import devstack
from projects_registry.helpers import Actor, create_client, create_project, make_user, serve_app, settings_from
from projects_registry.test_client_invitations import NEW_PASSWORD, _accept, _login

WEB = "http://web.test"
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="session")
def sandbox(stack) -> str:
    stack.start("sandbox")
    return stack.url("sandbox")


@pytest.fixture(scope="session")
async def smtp_client(service_env: dict[str, str], stack, sandbox: str) -> AsyncIterator[httpx.AsyncClient]:
    """projects-api with SMTP to the sandbox's catcher (as `make run` wires it)."""
    settings = settings_from(service_env, smtp_host="127.0.0.1", smtp_port=stack.ports["smtp"], smtp_starttls=False,
                             web_url=WEB, mail_from="Anken <no-reply@anken.example.jp>")
    async for client in serve_app(settings):
        yield client


@pytest.fixture(scope="session")
async def down_client(service_env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """projects-api whose SMTP server does not answer (nothing listens on the port)."""
    settings = settings_from(service_env, smtp_host="127.0.0.1", smtp_port=devstack.free_port(), smtp_starttls=False,
                             smtp_timeout_s=3, web_url=WEB)
    async for client in serve_app(settings):
        yield client


def _mails(sandbox: str, to: str) -> list[dict]:
    response = httpx.get(f"{sandbox}/_sandbox/mail/messages", params={"to": to}, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _link_in(text: str) -> str:
    links = [line for line in text.splitlines() if line.startswith(f"{WEB}/invitations/accept?token=")]
    assert len(links) == 1, text
    return links[0]


async def _invite(client: httpx.AsyncClient, by: Actor, client_id: str, name: str = "佐藤 一郎",
                  locale: str = "ja", email: str | None = None) -> tuple[str, httpx.Response]:
    email = email or f"mail-{uuid.uuid4().hex[:8]}@client.example.jp"
    response = await client.post(f"/v1/clients/{client_id}/invitations", headers=by.headers,
                                 json={"email": email, "name": name, "locale": locale})
    assert response.status_code == 201, response.text
    return email, response


async def test_the_invitee_gets_one_japanese_mail_whose_link_sets_the_password(
        smtp_client: httpx.AsyncClient, sandbox: str) -> None:
    admin = await make_user(smtp_client, "admin")
    director = await make_user(smtp_client, "director", name="山田 花子")
    client = await create_client(smtp_client, admin, "株式会社メール")
    await create_project(smtp_client, director, client["id"])
    email, invited = await _invite(smtp_client, director, client["id"])
    assert invited.json()["mail_sent"] is True
    [sent] = _mails(sandbox, email)
    assert sent["rcpt_to"] == sent["to"] == [email]
    assert sent["mail_from"] == "no-reply@anken.example.jp"
    assert sent["subject"] == f"【Anken】{client['name']} 様 ご担当者としてのご招待"
    text = sent["text"]
    assert text.startswith("佐藤 一郎 様\n") and "山田 花子 さんから" in text and client["name"] in text
    expires = datetime.fromisoformat(invited.json()["expires_at"]).astimezone(TOKYO)
    assert f"72時間（{expires.year}年{expires.month}月{expires.day}日 {expires:%H:%M}（日本時間）まで）" in text
    assert "一度だけ使えます" in text
    link = _link_in(text)
    # Outside production the inviter still sees the same link once (relative to the web app).
    assert link == WEB + invited.json()["link"]
    token = parse_qs(urlparse(link).query)["token"][0]
    assert (await _accept(smtp_client, token)).status_code == 200
    assert (await _login(smtp_client, email, NEW_PASSWORD)).status_code == 200
    assert (await _accept(smtp_client, token)).status_code == 404  # works once
    assert len(_mails(sandbox, email)) == 1


async def test_an_english_invitation_is_mailed_in_english(smtp_client: httpx.AsyncClient, sandbox: str) -> None:
    admin = await make_user(smtp_client, "admin", name="Hanako Yamada")
    client = await create_client(smtp_client, admin, "Sample KK")
    email, invited = await _invite(smtp_client, admin, client["id"], name="Jane Doe", locale="en")
    [sent] = _mails(sandbox, email)
    assert sent["subject"] == f"Invitation to Anken for {client['name']}"
    expires = datetime.fromisoformat(invited.json()["expires_at"]).astimezone(TOKYO)
    assert sent["text"].startswith("Dear Jane Doe,\n") and "Hanako Yamada has invited you" in sent["text"]
    assert f"expires in 72 hours, at {expires:%Y-%m-%d %H:%M} (Japan time, Asia/Tokyo), and works only once" \
        in sent["text"]
    assert _link_in(sent["text"]) == WEB + invited.json()["link"]


async def test_a_service_invites_as_anken(smtp_client: httpx.AsyncClient, sandbox: str,
                                          service_env: dict[str, str]) -> None:
    """The demo loader invites with a service token: the mail names no inviter."""
    admin = await make_user(smtp_client, "admin")
    client = await create_client(smtp_client, admin)
    token = issue_service_token(service_env["ANKEN_SECRET_KEY"], "demo-loader")
    service = Actor(id="demo-loader", email="", role="service", headers={"Authorization": f"Bearer {token}"})
    email, invited = await _invite(smtp_client, service, client["id"])
    assert invited.json()["mail_sent"] is True
    [sent] = _mails(sandbox, email)
    assert f"\n\n{client['name']} 様のご担当者として Anken" in sent["text"] and "さんから" not in sent["text"]


async def test_line_breaks_in_names_cannot_add_headers_or_recipients(smtp_client: httpx.AsyncClient,
                                                                      sandbox: str) -> None:
    admin = await make_user(smtp_client, "admin", name="Admin\r\nX-Injected: 1")
    client = await create_client(smtp_client, admin)
    attacker = f"bcc-{uuid.uuid4().hex[:6]}@attacker.example"
    email, _ = await _invite(smtp_client, admin, client["id"], name=f"佐藤\r\nBcc: {attacker}\nX-Injected: yes")
    [sent] = _mails(sandbox, email)
    assert sent["rcpt_to"] == sent["to"] == [email] and _mails(sandbox, attacker) == []
    names = [name.lower() for name, _ in sent["headers"]]
    assert "bcc" not in names and "x-injected" not in names and names.count("to") == 1
    assert "\n" not in sent["subject"] and sent["text"].startswith(f"佐藤 Bcc: {attacker} X-Injected: yes 様\n")
    # The same holds for a client's and an inviter's name, composed directly.
    composed = mail.compose(mail.InvitationMail(
        to="a@example.jp", name="A\rB", client_name="C\r\nSubject: x", inviter_name="I\nCc: c@evil.example",
        link=f"{WEB}/invitations/accept?token=t", expires_at=datetime(2026, 12, 1, tzinfo=UTC)), "Anken\r\n <n@x.jp>")
    assert [k.lower() for k in composed.keys()].count("subject") == 1 and "cc" not in {k.lower() for k in composed}
    assert composed["Subject"] == "【Anken】C Subject: x 様 ご担当者としてのご招待" and "I Cc: c@evil.example" in str(
        composed.get_content())


async def test_an_unreachable_smtp_server_keeps_the_invitation_and_answers_mail_sent_false(
        down_client: httpx.AsyncClient, smtp_client: httpx.AsyncClient, sandbox: str) -> None:
    admin = await make_user(down_client, "admin")
    client = await create_client(down_client, admin)
    email, invited = await _invite(down_client, admin, client["id"])
    assert invited.json()["mail_sent"] is False and invited.json()["link"]
    listed = await down_client.get(f"/v1/clients/{client['id']}/invitations", headers=admin.headers)
    assert [i["id"] for i in listed.json()["items"]] == [invited.json()["id"]]
    assert _mails(sandbox, email) == []
    # Inviting again once mail works sends a fresh link; the first one stops working.
    _, again = await _invite(smtp_client, admin, client["id"], email=email)
    assert again.json()["mail_sent"] is True
    [sent] = _mails(sandbox, email)
    old = parse_qs(urlparse(invited.json()["link"]).query)["token"][0]
    assert (await _accept(smtp_client, old)).status_code == 404
    new = parse_qs(urlparse(_link_in(sent["text"])).query)["token"][0]
    assert (await _accept(smtp_client, new)).status_code == 200


async def test_starttls_is_required_by_default_so_nothing_goes_out_in_clear(
        service_env: dict[str, str], stack, sandbox: str) -> None:
    """The catcher offers no STARTTLS: with the default (required), the mail is refused before anything is sent."""
    settings = settings_from(service_env, smtp_host="127.0.0.1", smtp_port=stack.ports["smtp"], web_url=WEB)
    assert settings.smtp_starttls and not settings.smtp_tls
    to = f"clear-{uuid.uuid4().hex[:8]}@client.example.jp"
    sent = await mail.SmtpInvitationMailer(settings).send(mail.InvitationMail(
        to=to, name="佐藤", client_name="C", inviter_name="I", link=f"{WEB}/invitations/accept?token=t",
        expires_at=datetime(2026, 12, 1, tzinfo=UTC)))
    assert sent is False and _mails(sandbox, to) == []


def test_the_sender_follows_smtp_host_in_every_environment(service_env: dict[str, str]) -> None:
    settings = settings_from(service_env)
    production = settings.model_copy(update={"anken_env": Environment.production})
    assert isinstance(mail.mailer_for(settings), mail.LogInvitationMailer) and mail.mailer_for(production) is None
    for configured in (settings, production):
        assert isinstance(mail.mailer_for(configured.model_copy(update={"smtp_host": "smtp.example.jp"})),
                          mail.SmtpInvitationMailer)
    assert not mail.shows_link_to_inviter(production)


async def test_openapi_documents_mail_sent(smtp_client: httpx.AsyncClient) -> None:
    document = (await smtp_client.get("/openapi.json")).json()
    operation = document["paths"]["/v1/clients/{client_id}/invitations"]["post"]
    assert "`mail_sent: false`" in operation["description"]
    schema = document["components"]["schemas"]["InvitationOut"]
    assert "mail_sent" in schema["required"] and "mail_sent" in schema["properties"]


def _production(**overrides: object) -> ProjectsSettings:
    return ProjectsSettings(**{  # type: ignore[arg-type]
        "anken_env": "production", "anken_secret_key": secrets.token_urlsafe(48),
        "database_url": f"postgresql://anken:{secrets.token_urlsafe(24)}@postgres:5432/anken",
        "redis_url": f"redis://:{secrets.token_urlsafe(24)}@redis:6379/0", "smtp_host": "smtp.example.jp",
        "web_url": "https://anken.example.jp", **overrides})


def test_production_refuses_mail_in_clear_and_links_to_localhost() -> None:
    assert _production().smtp_starttls and _production(smtp_tls=True, smtp_port=465).smtp_tls
    assert _production(smtp_host="127.0.0.1", smtp_starttls=False).smtp_host == "127.0.0.1"  # a relay on the host
    with pytest.raises(ValidationError, match="SMTP_TLS or SMTP_STARTTLS"):
        _production(smtp_starttls=False)
    with pytest.raises(ValidationError, match="web_url"):
        _production(web_url="http://127.0.0.1:8000")
    with pytest.raises(ValidationError, match="mail_from"):
        _production(mail_from="Anken <no-reply@x.jp>\r\nBcc: a@evil.example")
