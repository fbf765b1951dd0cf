"""Login, user management and the RBAC matrix on projects."""

from __future__ import annotations

import httpx

from projects_registry.helpers import PASSWORD, Actor, create_client, create_project, db_rows, make_user


async def test_login_and_wrong_password(app_client: httpx.AsyncClient) -> None:
    member = await make_user(app_client, "member")
    me = await app_client.get("/v1/auth/me", headers=member.headers)
    assert me.status_code == 200 and me.json()["role"] == "member"
    bad = await app_client.post("/v1/auth/token", json={"email": member.email, "password": PASSWORD + "x"})
    assert bad.status_code == 401
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert (await app_client.get("/v1/projects")).status_code == 401


async def test_any_user_sets_their_own_language(app_client: httpx.AsyncClient, admin: Actor) -> None:
    member = await make_user(app_client, "member")
    assert (await app_client.get("/v1/auth/me", headers=member.headers)).json()["locale"] == "ja"
    changed = await app_client.patch("/v1/auth/me", json={"locale": "en"}, headers=member.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["locale"] == "en"
    assert (await app_client.get("/v1/auth/me", headers=member.headers)).json()["locale"] == "en"
    # Only the language: a member cannot promote themselves through their profile.
    sneaky = await app_client.patch("/v1/auth/me", json={"role": "admin"}, headers=member.headers)
    assert sneaky.status_code == 422 and sneaky.json()["errors"][0]["field"] == "role"
    bad = await app_client.patch("/v1/auth/me", json={"locale": "fr"}, headers=member.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "locale"
    assert (await app_client.patch("/v1/auth/me", json={"locale": "ja"})).status_code == 401
    audit = await db_rows(app_client, "SELECT action FROM projects.audit_entries WHERE entity_id = :i", i=str(member.id))
    assert ("user.preferences",) in [tuple(r) for r in audit]


async def test_admin_creates_users_without_ever_returning_hashes(app_client: httpx.AsyncClient, admin: Actor) -> None:
    body = {"email": "Sato.Director@Example.jp", "name": "佐藤 一郎", "role": "director", "password": "long-enough-pass"}
    created = await app_client.post("/v1/users", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert "password_hash" not in created.json() and "password" not in created.json()
    duplicate = await app_client.post("/v1/users", json={**body, "email": "sato.director@example.jp"}, headers=admin.headers)
    assert duplicate.status_code == 409
    login = await app_client.post("/v1/auth/token", json={"email": "sato.director@example.jp", "password": "long-enough-pass"})
    assert login.status_code == 200
    bad_role = await app_client.post("/v1/users", json={**body, "email": "x@example.jp", "role": "owner"}, headers=admin.headers)
    assert bad_role.status_code == 422 and bad_role.json()["errors"][0]["field"] == "role"
    unknown = await app_client.post("/v1/users", json={**body, "email": "y@example.jp", "is_admin": True}, headers=admin.headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "is_admin"
    stored = await db_rows(app_client, "SELECT password_hash FROM projects.users WHERE lower(email) = :e",
                           e="sato.director@example.jp")
    assert stored[0][0].startswith("$argon2id$")
    member = await make_user(app_client, "member")
    assert (await app_client.post("/v1/users", json={**body, "email": "z@example.jp"}, headers=member.headers)).status_code == 403
    # Deactivated users can no longer log in.
    user_id = created.json()["id"]
    off = await app_client.patch(f"/v1/users/{user_id}", json={"is_active": False}, headers=admin.headers)
    assert off.status_code == 200 and off.json()["is_active"] is False
    login = await app_client.post("/v1/auth/token", json={"email": "sato.director@example.jp", "password": "long-enough-pass"})
    assert login.status_code == 401


async def test_deactivated_user_token_stops_working(app_client: httpx.AsyncClient, admin: Actor) -> None:
    member = await make_user(app_client, "member")
    assert (await app_client.get("/v1/auth/me", headers=member.headers)).status_code == 200
    app_client.app.state.user_status_cache.clear()  # type: ignore[attr-defined]  # skip the few-second cache
    off = await app_client.delete(f"/v1/users/{member.id}", headers=admin.headers)
    assert off.status_code == 200 and off.json()["is_active"] is False
    app_client.app.state.user_status_cache.clear()  # type: ignore[attr-defined]
    assert (await app_client.get("/v1/auth/me", headers=member.headers)).status_code == 401
    assert (await app_client.delete(f"/v1/users/{admin.id}", headers=admin.headers)).status_code == 409


async def test_rbac_matrix_on_projects(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    director = await make_user(app_client, "director")
    other_director = await make_user(app_client, "director")
    manager = await make_user(app_client, "manager")
    member = await make_user(app_client, "member")
    project = await create_project(app_client, director, client["id"])
    assert project["director_id"] == director.id and project["status"] == "draft"
    url = f"/v1/projects/{project['id']}"

    # director: only theirs
    assert (await app_client.get(url, headers=director.headers)).status_code == 200
    assert (await app_client.get(url, headers=other_director.headers)).status_code == 404
    listed = (await app_client.get("/v1/projects", headers=other_director.headers)).json()["items"]
    assert project["id"] not in [p["id"] for p in listed]
    assert (await app_client.patch(url, json={"product": "x"}, headers=other_director.headers)).status_code == 404
    # manager: reads all, changes none
    assert (await app_client.get(url, headers=manager.headers)).status_code == 200
    assert (await app_client.patch(url, json={"product": "x"}, headers=manager.headers)).status_code == 403
    # member: unassigned is 404, assigned can read but not change
    assert (await app_client.get(url, headers=member.headers)).status_code == 404
    assigned = await app_client.post(f"{url}/assignments", json={"member_id": member.id, "planned_hours": 80},
                                     headers=director.headers)
    assert assigned.status_code == 201, assigned.text
    assert (await app_client.get(url, headers=member.headers)).status_code == 200
    assert [p["id"] for p in (await app_client.get("/v1/projects", headers=member.headers)).json()["items"]] == [project["id"]]
    assert (await app_client.patch(url, json={"product": "x"}, headers=member.headers)).status_code == 403
    # admin: everything; a director cannot create a project for someone else
    assert (await app_client.patch(url, json={"product": "勤怠SaaS"}, headers=admin.headers)).status_code == 200
    forged = await app_client.post("/v1/projects", json={"client_id": client["id"], "name": "n", "director_id": other_director.id},
                                   headers=director.headers)
    assert forged.status_code == 403
    assert (await app_client.post("/v1/clients", json={"name": "n"}, headers=director.headers)).status_code == 403


async def test_list_pagination_filters_and_stable_cursor(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    director = await make_user(app_client, "director")
    made = [await create_project(app_client, director, client["id"], name=f"ページ {i}") for i in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, "client_id": client["id"], **({"cursor": cursor} if cursor else {})}
        page = (await app_client.get("/v1/projects", params=params, headers=director.headers)).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [p["id"] for p in made]
    searched = (await app_client.get("/v1/projects", params={"q": "ページ 3", "client_id": client["id"]},
                                     headers=director.headers)).json()["items"]
    assert [p["name"] for p in searched] == ["ページ 3"]
    bad = await app_client.get("/v1/projects", params={"cursor": "garbage"}, headers=director.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"
    too_big = await app_client.get("/v1/projects", params={"limit": 501}, headers=director.headers)
    assert too_big.status_code == 422 and too_big.json()["errors"][0]["field"] == "limit"


async def test_project_field_validation_names_fields(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    base = {"client_id": client["id"], "name": "検証"}
    cases = {
        "timezone": {"timezone": "Mars/Base"},
        "contract_end": {"contract_start": "2026-10-01", "contract_end": "2026-09-30"},
        "monthly_appointment_target": {"monthly_appointment_target": 1.5},
        "weekly_meeting_time": {"weekly_meeting_time": "25:00"},
        "weekly_meeting_weekday": {"weekly_meeting_weekday": 7},
        "calendar_link": {"calendar_link": "javascript:alert(1)"},
    }
    for field, extra in cases.items():
        response = await app_client.post("/v1/projects", json={**base, **extra}, headers=admin.headers)
        assert response.status_code == 422, (field, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (field, response.json())
    missing_client = await app_client.post("/v1/projects", json={**base, "client_id": "00000000-0000-4000-8000-000000000000"},
                                           headers=admin.headers)
    assert missing_client.status_code == 422 and missing_client.json()["errors"][0]["field"] == "client_id"


async def test_retried_create_with_idempotency_key_creates_once(app_client: httpx.AsyncClient, admin: Actor) -> None:
    headers = {**admin.headers, "Idempotency-Key": "create-client-7f3a"}
    body = {"name": "株式会社リトライ", "industry": "SaaS"}
    first = await app_client.post("/v1/clients", json=body, headers=headers)
    again = await app_client.post("/v1/clients", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    rows = await db_rows(app_client, "SELECT count(*) FROM projects.clients WHERE name = :n", n=body["name"])
    assert rows[0][0] == 1
    events = await db_rows(app_client, "SELECT count(*) FROM projects.outbox_events WHERE aggregate_id = :id",
                           id=first.json()["id"])
    assert events[0][0] == 1
    other = await app_client.post("/v1/clients", json={**body, "industry": "HR"}, headers=headers)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    project = await create_project(app_client, admin, first.json()["id"])
    change = {"kind": "upsell", "effective_date": "2026-12-01", "scope_increased": True}
    key = {**admin.headers, "Idempotency-Key": "upsell-1"}
    url = f"/v1/projects/{project['id']}/contract-changes"
    assert (await app_client.post(url, json=change, headers=key)).status_code == 201
    assert (await app_client.post(url, json=change, headers=key)).status_code == 201
    assert len((await app_client.get(url, headers=admin.headers)).json()["items"]) == 1


async def test_repeated_failed_logins_lock_the_email_for_a_while(app_client: httpx.AsyncClient) -> None:
    from anken_projects.auth.login_throttle import MAX_FAILURES

    user = await make_user(app_client, "member")
    wrong = {"email": user.email, "password": "definitely-wrong"}
    statuses = [(await app_client.post("/v1/auth/token", json=wrong)).status_code for _ in range(MAX_FAILURES)]
    assert statuses == [401] * MAX_FAILURES
    locked = await app_client.post("/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    # Other emails are unaffected.
    other = await make_user(app_client, "member")
    assert other.headers["Authorization"].startswith("Bearer ")
