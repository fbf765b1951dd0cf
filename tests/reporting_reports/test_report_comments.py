"""Comments on a published weekly report, and what a client user reads of the weekly reports: the client's
people comment on a published week (never a draft-only one), the director reads them newest last; a client
user gets the published version and its downloads through the normal API, never a draft, and nothing of
another client's project."""

from __future__ import annotations

import uuid

from anken_common.auth_tokens import issue_user_token
from anken_reporting.report_comments.models import report_comments

from .conftest import ReportWorld, envelope

WEEK = "2026-W47"
BASE = "/v1/projects/{id}/weekly-reports/" + WEEK


def client_user(world: ReportWorld, user_id: uuid.UUID | None = None, client_id: uuid.UUID | None = None
                ) -> dict[str, str]:
    token = issue_user_token(world.settings.anken_secret_key, str(user_id or uuid.uuid4()), "client",
                             client_id=client_id or world.client_id)
    return {"Authorization": f"Bearer {token}"}


async def test_a_client_user_never_gets_a_draft_and_gets_the_published_version(world: ReportWorld):
    url = BASE.format(id=world.project_id)
    buyer = client_user(world)
    await world.client.put(url + "/draft", json={"notes": {"objections": ["社内向けメモ"]}}, headers=world.headers())
    # Draft only: the report, each download and its comments are not found for the client user.
    for path in ("", ".pptx", ".xlsx", ".csv", ".html", "/comments"):
        answer = await world.client.get(url + path, headers=buyer)
        assert answer.status_code == 404, (path, answer.text)
        assert "社内向けメモ" not in answer.text
    assert (await world.client.post(url + "/comments", json={"body": "下書きにコメント"}, headers=buyer)).status_code == 404
    versions = await world.client.get(url + "/versions", headers=buyer)
    assert versions.status_code == 200 and versions.json()["versions"] == []

    assert (await world.client.post(url + "/publish", headers=world.headers())).status_code == 201
    await world.client.put(url + "/draft", json={"notes": {"objections": ["公開後の下書き"]}}, headers=world.headers())
    report = await world.client.get(url, headers=buyer)
    assert report.status_code == 200 and report.json()["status"] == "published"
    assert report.json()["notes"]["objections"] == ["社内向けメモ"] and "公開後の下書き" not in report.text
    for extension in ("pptx", "xlsx", "csv", "html"):
        document = await world.client.get(url + f".{extension}", headers=buyer)
        assert document.status_code == 200, extension
    assert "公開後の下書き" not in (await world.client.get(url + ".html", headers=buyer)).text
    assert len((await world.client.get(url + "/versions", headers=buyer)).json()["versions"]) == 1
    # The client user writes nothing else of the report.
    assert (await world.client.put(url + "/draft", json={}, headers=buyer)).status_code == 404
    assert (await world.client.post(url + "/publish", headers=buyer)).status_code == 404


async def test_another_clients_user_sees_nothing_of_the_project(world: ReportWorld):
    url = BASE.format(id=world.project_id)
    stranger = client_user(world, client_id=uuid.uuid4())
    for path in ("", ".pptx", "/versions", "/comments"):
        assert (await world.client.get(url + path, headers=stranger)).status_code == 404, path
    assert (await world.client.post(url + "/comments", json={"body": "他社から"}, headers=stranger)).status_code == 404


async def test_the_client_comments_and_the_director_reads_them_newest_last(world: ReportWorld):
    url = BASE.format(id=world.project_id)
    buyer_id = uuid.uuid4()
    await world.feed(envelope("user.created", "user", buyer_id, {
        "id": str(buyer_id), "name": "佐々木 一郎", "email": "sasaki@client.example", "role": "client",
        "active": True, "client_id": str(world.client_id),
    }))
    buyer = client_user(world, buyer_id)
    first = await world.client.post(url + "/comments", json={"body": "  製造業のアポが増えて良いです。  "}, headers=buyer)
    assert first.status_code == 201, first.text
    assert first.json()["body"] == "製造業のアポが増えて良いです。" and first.json()["author_role"] == "client"
    assert first.json()["author_name"] == "佐々木 一郎" and first.json()["version"] == 1
    answer = await world.client.post(url + "/comments", json={"body": "次回、業種別に深掘りします。"},
                                     headers=world.headers())
    assert answer.status_code == 201 and answer.json()["author_role"] == "director"
    second = await world.client.post(url + "/comments", json={"body": "決裁者の比率も知りたいです。"}, headers=buyer)
    assert second.status_code == 201

    for reader in (world.headers(), world.headers("manager"), world.headers("admin"), buyer):
        listed = await world.client.get(url + "/comments", headers=reader)
        assert listed.status_code == 200, listed.text
        bodies = [c["body"] for c in listed.json()["items"]]
        assert bodies == ["製造業のアポが増えて良いです。", "次回、業種別に深掘りします。", "決裁者の比率も知りたいです。"]
    async with world.resources.sessionmaker() as session:
        rows = (await session.execute(report_comments.select().where(
            report_comments.c.project_id == world.project_id))).mappings().all()
    assert {r["client_id"] for r in rows} == {world.client_id}


async def test_comment_rules(world: ReportWorld):
    url = BASE.format(id=world.project_id)
    buyer = client_user(world)
    for body in ({"body": ""}, {"body": "   "}, {"body": "あ" * 2001}, {}):
        refused = await world.client.post(url + "/comments", json=body, headers=buyer)
        assert refused.status_code == 422, body
        assert any(e.get("field", "").endswith("body") for e in refused.json().get("errors", [])), refused.text
    assert (await world.client.post(url + "/comments", json={"body": "あ" * 2000}, headers=buyer)).status_code == 201
    # Who may not: another director (not theirs: 404), a manager or member writing (403), a member reading (403).
    other = world.headers("director", uuid.uuid4())
    assert (await world.client.get(url + "/comments", headers=other)).status_code == 404
    assert (await world.client.post(url + "/comments", json={"body": "x"}, headers=other)).status_code == 404
    assert (await world.client.post(url + "/comments", json={"body": "x"},
                                    headers=world.headers("manager"))).status_code == 403
    assert (await world.client.get(url + "/comments", headers=world.headers("member"))).status_code == 403
    assert (await world.client.get(f"/v1/projects/{world.project_id}/weekly-reports/2026-W40/comments",
                                   headers=world.headers())).status_code == 404
