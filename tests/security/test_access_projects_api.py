"""projects-api under the one access rule: do-not-call lists follow the client rule, and a member reads
one call only when the list would show it to them.

Before the fix a director of client B listed, added and removed client A's do-not-call entries, and a
member read another member's call with `GET /v1/calls/{id}`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from projects_calls.call_floor_fixtures import create_user

from anken_common.auth_tokens import Role

from .access_support import (  # noqa: F401 (fixtures)
    Tenants,
    projects_api_fixture,
    projects_app_fixture,
    tenants_fixture,
)


async def test_a_director_of_another_client_cannot_touch_client_a_do_not_call_list(projects_api, projects_app,
                                                                                 tenants: Tenants):
    api, a, b = projects_api, tenants.a, tenants.b
    url = f"/v1/clients/{a.client_id}/do-not-call"
    entry = {"phone": "03-1234-5678", "company_name": "株式会社サンプル製作所", "reason": "架電不要"}

    assert (await api.get(url, headers=b.director.headers)).status_code == 404
    assert (await api.post(url, json=entry, headers=b.director.headers)).status_code == 404

    added = await api.post(url, json=entry, headers=a.director.headers)
    assert added.status_code == 201, added.text
    entry_id = added.json()["id"]
    listed = await api.get(url, headers=a.director.headers)
    assert [e["id"] for e in listed.json()["items"]] == [entry_id]

    assert (await api.delete(f"/v1/do-not-call/{entry_id}", headers=b.director.headers)).status_code == 404
    assert [e["id"] for e in (await api.get(url, headers=a.admin.headers)).json()["items"]] == [entry_id]

    manager = await create_user(projects_app.state.resources, Role.manager)
    assert (await api.get(url, headers=manager.headers)).status_code == 200  # managers read every list
    assert (await api.post(url, json={"phone": "03-9999-0000"}, headers=manager.headers)).status_code == 403
    assert (await api.get(url, headers=a.members[0].headers)).status_code == 403

    assert (await api.delete(f"/v1/do-not-call/{entry_id}", headers=a.director.headers)).status_code == 204


async def test_a_member_cannot_read_another_members_call(projects_api, tenants: Tenants):
    api, a = projects_api, tenants.a
    logger, colleague = a.members
    body = {"target_id": str(a.targets[0]), "member_id": str(logger.id), "outcome": "no_answer", "duration_s": 15,
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=2)).isoformat(), "variant": "A"}
    logged = await api.post(f"/v1/projects/{a.project_id}/calls", json=body, headers=logger.headers)
    assert logged.status_code == 201, logged.text
    call_id = logged.json()["id"]

    # The list shows the colleague only their own calls; one by one, the same holds.
    listed = await api.get(f"/v1/projects/{a.project_id}/calls", headers=colleague.headers)
    assert call_id not in {c["id"] for c in listed.json()["items"]}
    assert (await api.get(f"/v1/calls/{call_id}", headers=colleague.headers)).status_code == 404
    assert (await api.get(f"/v1/calls/{call_id}", headers=a.outsider.headers)).status_code == 404
    assert (await api.get(f"/v1/calls/{call_id}", headers=tenants.b.director.headers)).status_code == 404
    assert (await api.patch(f"/v1/calls/{call_id}", json={"duration_s": 1},
                            headers=colleague.headers)).status_code == 404

    for reader in (logger, a.director, a.admin):
        seen = await api.get(f"/v1/calls/{call_id}", headers=reader.headers)
        assert seen.status_code == 200 and seen.json()["id"] == call_id


async def test_a_director_reads_only_the_clients_they_direct_projects_of(projects_api, projects_app, tenants: Tenants):
    api, a, b = projects_api, tenants.a, tenants.b
    assert (await api.get(f"/v1/clients/{a.client_id}", headers=b.director.headers)).status_code == 404
    assert (await api.get(f"/v1/clients/{a.client_id}", headers=a.director.headers)).status_code == 200
    seen = {c["id"] for c in (await api.get("/v1/clients", params={"limit": 200}, headers=b.director.headers))
            .json()["items"]}
    assert str(b.client_id) in seen and str(a.client_id) not in seen
    manager = await create_user(projects_app.state.resources, Role.manager)
    everyone = {c["id"] for c in (await api.get("/v1/clients", params={"limit": 200}, headers=manager.headers))
                .json()["items"]}
    assert {str(a.client_id), str(b.client_id)} <= everyone


async def test_a_director_cannot_open_a_project_of_another_client_to_take_it_over(projects_api, tenants: Tenants):
    """A draft project would have made B's director a manager of client A (its webhooks, settings, list)."""
    api, a, b = projects_api, tenants.a, tenants.b
    created = await api.post("/v1/projects", headers=b.director.headers,
                             json={"client_id": str(a.client_id), "name": "乗っ取り案件"})
    assert created.status_code == 422 and created.json()["errors"][0]["field"] == "client_id"
    assert (await api.get(f"/v1/clients/{a.client_id}/do-not-call", headers=b.director.headers)).status_code == 404
    own = await api.post("/v1/projects", headers=b.director.headers,
                         json={"client_id": str(b.client_id), "name": "自社案件の追加"})
    assert own.status_code == 201, own.text
    by_admin = await api.post("/v1/projects", headers=a.admin.headers, json={
        "client_id": str(a.client_id), "name": "管理者が割り当てる案件", "director_id": str(b.director.id)})
    assert by_admin.status_code == 201, by_admin.text
