"""Managing invitations: the client's pending invitations (expired ones flagged), revoking a link, who may do
either (admins, directors of the client's projects; anyone else 404 or 403), and production without a mail
sender answering 503."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from anken_common.settings import Environment
from anken_projects.invitations import endpoints as invitation_endpoints
from projects_registry.helpers import (
    Actor,
    create_client,
    create_project,
    db_rows,
    directed_client,
    make_user,
    settings_from,
)
from projects_registry.test_client_invitations import Clock, _accept, _invite, _login, _token


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    controlled = Clock()
    controlled.now = datetime.now(UTC).replace(microsecond=0)
    monkeypatch.setattr(invitation_endpoints, "utc_now", controlled)
    yield controlled


async def test_pending_invitations_are_listed_newest_first_and_expired_ones_flagged(
        app_client: httpx.AsyncClient, admin: Actor, clock: Clock) -> None:
    director = await make_user(app_client, "director")
    client = await create_client(app_client, admin)
    await create_project(app_client, director, client["id"])
    old = await _invite(app_client, director, client["id"], f"old-{uuid.uuid4().hex[:6]}@example.jp")
    clock.now += timedelta(hours=73)
    accepted = await _invite(app_client, admin, client["id"])
    fresh = await _invite(app_client, director, client["id"], f"fresh-{uuid.uuid4().hex[:6]}@example.jp")
    assert (await _accept(app_client, _token(accepted))).status_code == 200
    listed = await app_client.get(f"/v1/clients/{client['id']}/invitations", headers=director.headers)
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [(i["id"], i["email"], i["expired"]) for i in items] == [
        (fresh.json()["id"], fresh.json()["email"], False), (old.json()["id"], old.json()["email"], True)]
    assert items[0]["name"] == "佐藤 一郎" and items[0]["invited_by"] == str(director.id)
    assert datetime.fromisoformat(items[0]["expires_at"]) == clock.now + timedelta(hours=72)
    assert "link" not in listed.text and "token" not in listed.text
    paged = await app_client.get(f"/v1/clients/{client['id']}/invitations", params={"limit": 1},
                                 headers=admin.headers)
    assert [i["id"] for i in paged.json()["items"]] == [fresh.json()["id"]] and paged.json()["next_cursor"]


async def test_revoking_a_link_stops_it_and_only_the_clients_managers_may(app_client: httpx.AsyncClient,
                                                                          admin: Actor, clock: Clock) -> None:
    director_a, client_a = await directed_client(app_client, admin)
    director_b, _ = await directed_client(app_client, admin)
    invited = await _invite(app_client, director_a, client_a["id"])
    token, invitation_id = _token(invited), invited.json()["id"]
    url = f"/v1/invitations/{invitation_id}"
    # Another client's director, a member, and an unknown id: refused without telling which exists.
    other = await app_client.delete(url, headers=director_b.headers)
    unknown = await app_client.delete(f"/v1/invitations/{uuid.uuid4()}", headers=director_b.headers)
    assert other.status_code == unknown.status_code == 404 and other.json()["detail"] == unknown.json()["detail"]
    assert (await app_client.get(f"/v1/clients/{client_a['id']}/invitations",
                                 headers=director_b.headers)).status_code == 404
    member = await make_user(app_client, "member")
    assert (await app_client.delete(url, headers=member.headers)).status_code == 403
    revoked = await app_client.delete(url, headers=director_a.headers)
    assert revoked.status_code == 204, revoked.text
    assert (await app_client.delete(url, headers=director_a.headers)).status_code == 204  # the same again
    assert (await _accept(app_client, token)).status_code == 404
    listed = await app_client.get(f"/v1/clients/{client_a['id']}/invitations", headers=director_a.headers)
    assert invitation_id not in {i["id"] for i in listed.json()["items"]}
    audit = await db_rows(app_client, "SELECT actor_id FROM projects.audit_entries WHERE action = "
                          "'user.invitation_revoke' AND entity_id = :u", u=invited.json()["user_id"])
    assert [a[0] for a in audit] == [str(director_a.id)]
    # Inviting the person again issues a working link; an accepted invitation cannot be revoked.
    again = await _invite(app_client, director_a, client_a["id"], invited.json()["email"])
    assert (await _accept(app_client, _token(again))).status_code == 200
    late = await app_client.delete(f"/v1/invitations/{again.json()['id']}", headers=admin.headers)
    assert late.status_code == 409
    assert (await _login(app_client, invited.json()["email"])).status_code == 200


async def test_production_without_a_mail_sender_answers_503(service_env: dict[str, str], admin: Actor,
                                                            app_client: httpx.AsyncClient,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    production = settings_from(service_env).model_copy(update={"anken_env": Environment.production})
    assert invitation_endpoints.mail.mailer_for(production) is None
    assert not invitation_endpoints.mail.shows_link_to_inviter(production)
    client = await create_client(app_client, admin)
    monkeypatch.setattr(invitation_endpoints.mail, "mailer_for", lambda settings: None)  # as in production
    refused = await _invite(app_client, admin, client["id"])
    assert refused.status_code == 503
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "mail" in refused.json()["detail"]
