"""Client users by invitation: who may invite, the one-time link (72 h, single use, replaced by a newer
one), the accept endpoint's answers and limits, and what a client user then sees."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from anken_projects.auth import login_throttle
from anken_projects.invitations import endpoints as invitation_endpoints
from projects_registry.helpers import Actor, create_client, create_project, db_rows, directed_client, make_user

NEW_PASSWORD = "client-passphrase-01"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    controlled = Clock()
    monkeypatch.setattr(invitation_endpoints, "utc_now", controlled)
    yield controlled


def _token(invited: httpx.Response) -> str:
    assert invited.status_code == 201, invited.text
    link = invited.json()["link"]
    assert link.startswith("/invitations/accept?token=")
    return parse_qs(urlparse(link).query)["token"][0]


async def _invite(app_client: httpx.AsyncClient, by: Actor, client_id: str, email: str | None = None) -> httpx.Response:
    body = {"email": email or f"client-{uuid.uuid4().hex[:8]}@example.jp", "name": "佐藤 一郎"}
    return await app_client.post(f"/v1/clients/{client_id}/invitations", json=body, headers=by.headers)


async def _accept(app_client: httpx.AsyncClient, token: str, password: str = NEW_PASSWORD) -> httpx.Response:
    return await app_client.post("/v1/invitations/accept", json={"token": token, "password": password})


async def _login(app_client: httpx.AsyncClient, email: str, password: str = NEW_PASSWORD) -> httpx.Response:
    return await app_client.post("/v1/auth/token", json={"email": email, "password": password})


async def test_director_invites_and_the_link_activates_once(app_client: httpx.AsyncClient, admin: Actor,
                                                            clock: Clock) -> None:
    director = await make_user(app_client, "director")
    client = await create_client(app_client, admin)
    await create_project(app_client, director, client["id"])
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.jp"
    invited = await _invite(app_client, director, client["id"], email)
    token = _token(invited)
    assert invited.json()["client_id"] == client["id"]
    assert datetime.fromisoformat(invited.json()["expires_at"]) == clock.now + timedelta(hours=72)
    # Created inactive, without a password; only the token's hash is stored.
    rows = await db_rows(app_client, "SELECT u.role, u.is_active, u.password_hash, i.token_hash FROM projects.users u "
                         "JOIN projects.user_invitations i ON i.user_id = u.id WHERE u.email = :e", e=email)
    assert [(r[0], r[1], r[2]) for r in rows] == [("client", False, None)]
    assert rows[0][3] != token and len(rows[0][3]) == 64
    assert (await _login(app_client, email)).status_code == 401

    accepted = await _accept(app_client, token)
    assert accepted.status_code == 200, accepted.text
    login = await _login(app_client, email)
    assert login.status_code == 200, login.text
    me = await app_client.get("/v1/auth/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    assert me.json()["role"] == "client" and me.json()["client_id"] == client["id"]
    hashed = await db_rows(app_client, "SELECT password_hash FROM projects.users WHERE email = :e", e=email)
    assert hashed[0][0].startswith("$argon2id$")
    # Single use: the same link again is refused, and the password stays the one first set.
    again = await _accept(app_client, token, "another-passphrase-2")
    assert again.status_code == 404
    assert (await _login(app_client, email, "another-passphrase-2")).status_code == 401


async def test_link_expires_after_72_hours(app_client: httpx.AsyncClient, admin: Actor, clock: Clock) -> None:
    client = await create_client(app_client, admin)
    early = _token(await _invite(app_client, admin, client["id"]))
    late = _token(await _invite(app_client, admin, client["id"]))
    clock.now += timedelta(hours=72) - timedelta(seconds=1)
    assert (await _accept(app_client, early)).status_code == 200
    clock.now += timedelta(seconds=1)  # exactly 72 h after the invitation
    expired = await _accept(app_client, late)
    assert expired.status_code == 404
    assert expired.headers["content-type"].startswith("application/problem+json")


async def test_a_second_invitation_invalidates_the_first(app_client: httpx.AsyncClient, admin: Actor,
                                                         clock: Clock) -> None:
    client = await create_client(app_client, admin)
    email = f"twice-{uuid.uuid4().hex[:8]}@example.jp"
    first = _token(await _invite(app_client, admin, client["id"], email))
    second_invite = await _invite(app_client, admin, client["id"], email)
    second = _token(second_invite)
    assert first != second
    assert (await _accept(app_client, first)).status_code == 404
    assert (await _accept(app_client, second)).status_code == 200
    # Once active, the person is a user like any other: inviting the e-mail again is a conflict.
    third = await _invite(app_client, admin, client["id"], email)
    assert third.status_code == 409 and third.json()["field"] == "email"


async def test_wrong_tokens_are_answered_alike_without_leaking(app_client: httpx.AsyncClient, admin: Actor,
                                                               clock: Clock) -> None:
    client = await create_client(app_client, admin)
    used = _token(await _invite(app_client, admin, client["id"]))
    assert (await _accept(app_client, used)).status_code == 200
    answers = [await _accept(app_client, token) for token in ("x" * 43, used, "nope")]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert len({a.json()["detail"] for a in answers}) == 1
    assert all(used not in a.text for a in answers)
    short = await _accept(app_client, _token(await _invite(app_client, admin, client["id"])), "short")
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "password"


async def test_director_of_another_client_cannot_invite(app_client: httpx.AsyncClient, admin: Actor) -> None:
    director_a, client_a = await directed_client(app_client, admin)
    director_b, _ = await directed_client(app_client, admin)
    refused = await _invite(app_client, director_b, client_a["id"])
    assert refused.status_code == 404, refused.text
    assert (await _invite(app_client, director_b, str(uuid.uuid4()))).status_code == 404
    member = await make_user(app_client, "member")
    assert (await _invite(app_client, member, client_a["id"])).status_code == 403
    assert (await _invite(app_client, director_a, client_a["id"])).status_code == 201


async def test_accept_is_throttled_like_login(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    token = _token(await _invite(app_client, admin, client["id"]))
    wrong = token[:-4] + "AAAA"
    for _ in range(login_throttle.ACCOUNT_MAX_FAILURES):
        assert (await _accept(app_client, wrong)).status_code == 404
    limited = await _accept(app_client, wrong)
    assert limited.status_code == 429 and "retry-after" in limited.headers


async def test_client_role_is_only_given_by_invitation(app_client: httpx.AsyncClient, admin: Actor) -> None:
    body = {"email": f"c-{uuid.uuid4().hex[:8]}@example.jp", "name": "直接", "role": "client", "password": "long-enough-pw"}
    created = await app_client.post("/v1/users", json=body, headers=admin.headers)
    assert created.status_code == 422 and created.json()["errors"][0]["field"] == "role"
    member = await make_user(app_client, "member")
    promoted = await app_client.patch(f"/v1/users/{member.id}", json={"role": "client"}, headers=admin.headers)
    assert promoted.status_code == 422 and promoted.json()["errors"][0]["field"] == "role"
    # The database holds it too: a client user has a client, nobody else has one.
    with pytest.raises(Exception, match="ck_users_client_id_iff_client_role"):
        await db_rows(app_client, "UPDATE projects.users SET role = 'client' WHERE id = :i", i=member.id)


async def test_client_user_reads_only_their_clients_projects(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client_a = await create_client(app_client, admin)
    client_b = await create_client(app_client, admin)
    project_a = await create_project(app_client, admin, client_a["id"], director_id=admin.id)
    project_b = await create_project(app_client, admin, client_b["id"], director_id=admin.id)
    invited = await _invite(app_client, admin, client_a["id"])
    assert (await _accept(app_client, _token(invited))).status_code == 200
    login = await _login(app_client, invited.json()["email"])
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    listed = await app_client.get("/v1/projects", headers=headers, params={"limit": 200})
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["items"]] == [project_a["id"]]
    assert (await app_client.get(f"/v1/projects/{project_a['id']}", headers=headers)).status_code == 200
    assert (await app_client.get(f"/v1/projects/{project_b['id']}", headers=headers)).status_code == 404
    # Read only, and nothing of the agency: writes and internal routes answer 404.
    assert (await app_client.patch(f"/v1/projects/{project_a['id']}", json={"name": "x"},
                                   headers=headers)).status_code == 404
    for path in ("/v1/users", f"/v1/clients/{client_a['id']}", f"/v1/projects/{project_a['id']}/assignments",
                 f"/v1/projects/{project_a['id']}/scripts", "/v1/deals", "/v1/api-keys",
                 f"/v1/clients/{client_a['id']}/do-not-call"):
        assert (await app_client.get(path, headers=headers)).status_code == 404, path


async def test_client_users_of_a_client_stay_out_of_other_directors_directory(app_client: httpx.AsyncClient,
                                                                              admin: Actor) -> None:
    director_a, client_a = await directed_client(app_client, admin)
    director_b, _ = await directed_client(app_client, admin)
    invited = await _invite(app_client, director_a, client_a["id"])
    assert invited.status_code == 201, invited.text
    user_id, email = invited.json()["user_id"], invited.json()["email"]
    for who, sees in ((admin, True), (director_a, True), (director_b, False)):
        listed = await app_client.get("/v1/users", params={"q": email}, headers=who.headers)
        assert [u["id"] for u in listed.json()["items"]] == ([user_id] if sees else []), who.role
        one = await app_client.get(f"/v1/users/{user_id}", headers=who.headers)
        assert one.status_code == (200 if sees else 404)
    assert (await app_client.get(f"/v1/users/{director_a.id}", headers=director_b.headers)).status_code == 200
