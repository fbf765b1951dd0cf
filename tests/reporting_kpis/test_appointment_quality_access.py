"""Who may read a project's appointment quality, and who may see it per member.

A client user reads the totals of its own client's projects (another client's project is 404, like any
project it may not see); per-member figures name the members, so `group_by=member` is a 403 naming
`group_by` for the client's people until the project sets `client_sees_member_names`. The agency's own
people (admin, the project's director) always get the member ranking.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from anken_common import access
from anken_common.auth_tokens import Role, issue_user_token

from .builders import ProjectWorld
from .feeding import feed

NOVEMBER = {"from": "2026-11-01", "to": "2026-12-01"}


def bearer(settings, role: Role, user_id: uuid.UUID | None = None, client_id: uuid.UUID | None = None) -> dict:
    token = issue_user_token(settings.anken_secret_key, str(user_id or uuid.uuid4()), role, client_id=client_id)
    return {"Authorization": f"Bearer {token}"}


async def get_quality(app_client, world: ProjectWorld, headers: dict, group_by: str | None = None):
    params = {**NOVEMBER, **({"group_by": group_by} if group_by else {})}
    return await app_client.get(f"/v1/projects/{world.project_id}/appointment-quality", params=params,
                                headers=headers)


async def test_client_user_reads_its_projects_totals_and_members_only_when_the_project_allows(
    app_client, resources, settings,
) -> None:
    world = ProjectWorld()
    at = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)
    await feed(resources, *world.setup(),
               world.appointment(at, member=0, handoff_status="held", partner_outcome="qualified"),
               world.appointment(at, member=1, handoff_status="no_show"))
    assert access.client_user_may_call("reporting", "GET", "/v1/projects/{project_id}/appointment-quality")
    client_user = bearer(settings, Role.client, client_id=world.client_id)

    totals = await get_quality(app_client, world, client_user)
    assert totals.status_code == 200, totals.text
    body = totals.json()
    assert (body["appointments"], body["held"], body["no_show"], body["qualified"]) == (2, 1, 1, 1)
    assert body["held_rate"] == 0.5 and body["groups"] == []

    refused = await get_quality(app_client, world, client_user, group_by="member")
    assert refused.status_code == 403, refused.text
    problem = refused.json()
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert problem["field"] == "group_by" and "client_sees_member_names" in problem["detail"]

    # The agency's own people always see the ranking.
    for headers in (bearer(settings, Role.admin), bearer(settings, Role.director, user_id=world.director_id)):
        ranking = await get_quality(app_client, world, headers, group_by="member")
        assert ranking.status_code == 200, ranking.text
        assert [g["label"] for g in ranking.json()["groups"]] == ["メンバー1", "メンバー2"]

    # The director lets the client see member names: projects-api says so in project.updated.
    await feed(resources, world.project(client_sees_member_names=True))
    allowed = await get_quality(app_client, world, client_user, group_by="member")
    assert allowed.status_code == 200, allowed.text
    groups = allowed.json()["groups"]
    assert [(g["label"], g["held"], g["no_show"]) for g in groups] == [("メンバー1", 1, 0), ("メンバー2", 0, 1)]

    # ... and takes it back.
    await feed(resources, world.project(client_sees_member_names=False))
    assert (await get_quality(app_client, world, client_user, group_by="member")).status_code == 403


async def test_another_clients_project_is_not_found(app_client, resources, settings) -> None:
    world, other = ProjectWorld(), ProjectWorld()
    await feed(resources, *world.setup(), *other.setup(), other.project(client_sees_member_names=True))
    stranger = bearer(settings, Role.client, client_id=other.client_id)
    for group_by in (None, "member"):
        response = await get_quality(app_client, world, stranger, group_by=group_by)
        assert response.status_code == 404, response.text
        assert response.json()["status"] == 404
    unknown = await app_client.get(f"/v1/projects/{uuid.uuid4()}/appointment-quality", params=NOVEMBER,
                                   headers=stranger)
    assert unknown.status_code == 404
    # Its own project answers, so the 404 above is the boundary and not a broken route.
    assert (await get_quality(app_client, other, stranger, group_by="member")).status_code == 200


def test_member_names_rule() -> None:
    class Caller:
        def __init__(self, kind: str, role: Role | None) -> None:
            self.kind, self.role, self.id = kind, role, uuid.uuid4()

    for caller in (Caller("user", Role.client), Caller("api_key", None)):
        assert not access.may_see_member_names(caller, project_allows=False)
        assert access.may_see_member_names(caller, project_allows=True)
    for caller in (Caller("user", Role.admin), Caller("user", Role.director), Caller("user", Role.manager),
                   Caller("user", Role.member), Caller("service", None)):
        assert access.may_see_member_names(caller, project_allows=False)
