"""A deactivated, demoted or logged-out user, or one whose password changed, loses access within
seconds in every service (projects-api, reporting-api and the worker API), not when the token's
12 hours run out.

Before the fix projects-api refused a deactivated user within 5 s, but reporting-api and the worker
trusted the signature alone and kept answering; logout did not exist, and a password change or
demotion ended no session anywhere.
"""

from __future__ import annotations

import time

from .sessions_support import Services, refused_everywhere_within, sessions_world_fixture  # noqa: F401 (fixture)

DIRECTOR_OK = {"projects": 200, "reporting": 200, "worker": 200}


async def test_a_deactivated_user_is_refused_by_every_service_within_seconds(sessions_world: Services) -> None:
    world = sessions_world
    user_id, _, headers = await world.user("director")
    assert await world.statuses(headers) == DIRECTOR_OK  # each service now remembers the user as active
    since = time.monotonic()
    deactivated = await world.projects.delete(f"/v1/users/{user_id}", headers=world.admin)
    assert deactivated.status_code == 200, deactivated.text
    await refused_everywhere_within(world, headers, since)


async def test_a_demoted_users_old_token_ends_and_the_lower_role_applies(sessions_world: Services) -> None:
    world = sessions_world
    user_id, email, headers = await world.user("director")
    assert await world.statuses(headers) == DIRECTOR_OK
    since = time.monotonic()
    demoted = await world.projects.patch(f"/v1/users/{user_id}", json={"role": "member"}, headers=world.admin)
    assert demoted.status_code == 200, demoted.text
    await refused_everywhere_within(world, headers, since)
    # Logged in again, the member's role is what every service applies: the worker is for directors.
    member = await world.log_in(email)
    assert await world.statuses(member) == {"projects": 200, "reporting": 403, "worker": 403}


async def test_logout_ends_every_session_of_the_user_in_every_service(sessions_world: Services) -> None:
    world = sessions_world
    _, email, headers = await world.user("director")
    other_device = await world.log_in(email)
    assert await world.statuses(headers) == DIRECTOR_OK
    assert await world.statuses(other_device) == DIRECTOR_OK
    since = time.monotonic()
    logout = await world.projects.post("/v1/auth/logout", headers=headers)
    assert logout.status_code == 204, logout.text
    await refused_everywhere_within(world, headers, since)
    await refused_everywhere_within(world, other_device, since)
    # A new login works again at once, everywhere.
    assert await world.statuses(await world.log_in(email)) == DIRECTOR_OK


async def test_a_password_change_ends_the_other_sessions_and_answers_a_fresh_token(sessions_world: Services) -> None:
    world = sessions_world
    _, email, headers = await world.user("director")
    assert await world.statuses(headers) == DIRECTOR_OK
    wrong = await world.projects.post("/v1/auth/password", headers=headers,
                                      json={"current_password": "not my password", "new_password": "a-new-long-passphrase"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "current_password"
    assert await world.statuses(headers) == DIRECTOR_OK  # a wrong attempt ends nothing
    since = time.monotonic()
    changed = await world.projects.post("/v1/auth/password", headers=headers,
                                        json={"current_password": "correct horse battery",
                                              "new_password": "a-new-long-passphrase"})
    assert changed.status_code == 200, changed.text
    fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    await refused_everywhere_within(world, headers, since)
    assert await world.statuses(fresh) == DIRECTOR_OK
    assert (await world.projects.post("/v1/auth/token", json={"email": email, "password": "correct horse battery"}
                                      )).status_code == 401
    await world.log_in(email, "a-new-long-passphrase")


async def test_an_admin_setting_a_users_password_ends_their_sessions(sessions_world: Services) -> None:
    world = sessions_world
    user_id, _, headers = await world.user("director")
    assert await world.statuses(headers) == DIRECTOR_OK
    since = time.monotonic()
    reset = await world.projects.patch(f"/v1/users/{user_id}", json={"password": "reset-by-the-admin"},
                                       headers=world.admin)
    assert reset.status_code == 200, reset.text
    await refused_everywhere_within(world, headers, since)


async def test_only_user_tokens_log_out_and_the_openapi_documents_logout_and_password(sessions_world: Services) -> None:
    from anken_common.auth_tokens import issue_service_token

    service = {"Authorization": f"Bearer {issue_service_token(sessions_world.env['ANKEN_SECRET_KEY'], 'tests')}"}
    assert (await sessions_world.projects.post("/v1/auth/logout", headers=service)).status_code == 401
    assert (await sessions_world.projects.post("/v1/auth/logout")).status_code == 401
    paths = (await sessions_world.projects.get("/openapi.json")).json()["paths"]
    assert "post" in paths["/v1/auth/logout"] and "post" in paths["/v1/auth/password"]


async def test_logging_out_of_the_web_ends_the_token_at_the_apis(sessions_world: Services) -> None:
    import re

    import httpx
    from asgi_lifespan import LifespanManager
    from web.conftest import web_settings
    from web.test_with_projects_api import log_in

    from anken_web.main import create_app

    world = sessions_world
    _, email, _ = await world.user("admin")
    app = create_app(web_settings({**world.env, "PROJECTS_API_URL": str(world.projects.base_url)}))
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                       base_url="http://web.test") as web:
        await log_in(web, email, "correct horse battery")
        token = app.state.sessions.serializer.loads(web.cookies["anken_session"])["token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert 401 not in (await world.statuses(headers)).values()  # an admin's portfolio needs a director_id
        csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', (await web.get("/admin/users")).text).group(1)
        since = time.monotonic()
        logout = await web.post("/logout", headers={"HX-Request": "true", "X-CSRF-Token": csrf})
        assert logout.status_code == 204
    await refused_everywhere_within(world, headers, since)
