"""Client users (the client portal) read their own projects' month figures and published weekly reports only:
a draft week, another client's project and the agency's editing routes are 404 to them."""

from __future__ import annotations

import uuid

from anken_common.auth_tokens import issue_user_token

from .conftest import ReportWorld

BASE = "/v1/projects/{id}/weekly-reports"


def client_user(world: ReportWorld, client_id: uuid.UUID) -> dict[str, str]:
    token = issue_user_token(world.settings.anken_secret_key, str(uuid.uuid4()), "client", client_id=client_id)
    return {"Authorization": f"Bearer {token}"}


async def test_a_client_user_reads_published_weeks_only_and_only_of_their_client(world: ReportWorld) -> None:
    base = BASE.format(id=world.project_id)
    mine, other = client_user(world, world.client_id), client_user(world, uuid.uuid4())
    await world.client.put(base + "/2026-W46/draft", json={"notes": {"objections": ["社内向けメモ"]}},
                           headers=world.headers())

    # Nothing published: the list is empty and the draft week is not found, in JSON and as a file.
    listed = await world.client.get(base, headers=mine)
    assert listed.status_code == 200 and listed.json()["items"] == []
    assert (await world.client.get(base + "/2026-W46", headers=mine)).status_code == 404
    assert (await world.client.get(base + "/2026-W46.pptx", headers=mine)).status_code == 404

    assert (await world.client.post(base + "/2026-W46/publish", headers=world.headers())).status_code == 201
    assert (await world.client.post(base + "/2026-W47/publish", headers=world.headers())).status_code == 201
    await world.client.put(base + "/2026-W46/draft", json={"notes": {"objections": ["公開後の下書き"]}},
                           headers=world.headers())
    assert (await world.client.post(base + "/2026-W46/publish", headers=world.headers())).status_code == 201

    weeks = (await world.client.get(base, headers=mine)).json()["items"]
    assert [(w["iso_week"], w["latest_version"]) for w in weeks] == [("2026-W47", 1), ("2026-W46", 2)]
    assert weeks[1]["links"]["pptx"].endswith("/2026-W46.pptx?version=2")
    # Without a version a client user gets the latest published version, never the live draft.
    report = (await world.client.get(base + "/2026-W46", headers=mine)).json()
    assert report["status"] == "published" and report["version"] == 2
    # The project keeps member names from its client: the member table keeps its figures, not who it was.
    director_view = (await world.client.get(base + "/2026-W46", params={"version": 2}, headers=world.headers())).json()
    assert "山田 太郎" in [m["name"] for m in director_view["members"]]
    assert [(m["name"], m["member_id"], m["calls"]) for m in report["members"]] == [
        (f"メンバー{i}", None, m["calls"]) for i, m in enumerate(director_view["members"], start=1)]
    assert "山田" not in (await world.client.get(base + "/2026-W46.csv", headers=mine)).content.decode("utf-8-sig")
    # A shared link is the client's too.
    link = (await world.client.post(base + "/2026-W46/links", headers=world.headers())).json()
    shared = (await world.client.get(f"/v1/report-links/resolve/{link['token']}")).json()["report"]
    assert [m["name"] for m in shared["members"]] == [f"メンバー{i}" for i in range(1, len(director_view["members"]) + 1)]
    csv_file = await world.client.get(base + "/2026-W46.csv", headers=mine)
    assert csv_file.status_code == 200 and "v2" in csv_file.headers["content-disposition"]
    assert (await world.client.get(base + "/2026-W46/versions", headers=mine)).json()["latest_version"] == 2
    kpis = await world.client.get(f"/v1/projects/{world.project_id}/kpis", headers=mine,
                                  params={"from": "2026-11-01", "to": "2026-12-01"})
    assert kpis.status_code == 200 and kpis.json()["target"]["monthly_appointment_target"] >= 0
    # Per-member figures name the members: not for the client's people unless the project allows it.
    by_member = await world.client.get(f"/v1/projects/{world.project_id}/kpis", headers=mine,
                                       params={"from": "2026-11-01", "to": "2026-12-01", "group_by": "member"})
    assert by_member.status_code == 403 and by_member.json()["field"] == "group_by", by_member.text
    staff = await world.client.get(f"/v1/projects/{world.project_id}/kpis", headers=world.headers(),
                                   params={"from": "2026-11-01", "to": "2026-12-01", "group_by": "member"})
    assert staff.status_code == 200 and staff.json()["groups"]

    # Another client's user: every one of these is unknown to them.
    for path in (base, base + "/2026-W46", base + "/2026-W46.pptx", base + "/2026-W46/versions"):
        assert (await world.client.get(path, headers=other)).status_code == 404, path
    other_kpis = await world.client.get(f"/v1/projects/{world.project_id}/kpis", headers=other,
                                        params={"from": "2026-11-01", "to": "2026-12-01"})
    assert other_kpis.status_code == 404
    # Writing the report is not a client user's route at all.
    assert (await world.client.put(base + "/2026-W47/draft", json={"notes": {}}, headers=mine)).status_code == 404
    assert (await world.client.post(base + "/2026-W47/publish", headers=mine)).status_code == 404
