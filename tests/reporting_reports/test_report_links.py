"""Shared weekly report links: made by the project's director (or an admin), they open the week's latest
*published* version without any login, with its four downloads; an expired, revoked, forged or unknown token
is a 404, and so is a week with nothing published. Other directors, managers, members, partners and client
users cannot make, list or revoke them."""

from __future__ import annotations

import uuid
from datetime import timedelta

from anken_common.auth_tokens import issue_user_token
from anken_common.clock import utc_now
from anken_reporting.report_links.models import report_links
from anken_reporting.report_links.tokens import token_for

from .conftest import ReportWorld, envelope

WEEK = "2026-W47"
BASE = "/v1/projects/{id}/weekly-reports/" + WEEK
RESOLVE = "/v1/report-links/resolve/{token}"


async def publish(world: ReportWorld, learning: str) -> int:
    url = BASE.format(id=world.project_id)
    saved = await world.client.put(url + "/draft", json={"notes": {"learnings": [learning]}}, headers=world.headers())
    assert saved.status_code == 200, saved.text
    published = await world.client.post(url + "/publish", headers=world.headers())
    assert published.status_code in (200, 201), published.text
    return int(published.json()["version"])


async def create(world: ReportWorld, headers: dict[str, str] | None = None, **body: object) -> dict:
    response = await world.client.post(BASE.format(id=world.project_id) + "/links", json=body or None,
                                       headers=headers or world.headers())
    assert response.status_code == 201, response.text
    return response.json()


async def set_expiry(world: ReportWorld, link_id: str, days_from_now: float) -> None:
    async with world.resources.sessionmaker() as session, session.begin():
        await session.execute(report_links.update().where(report_links.c.id == uuid.UUID(link_id))
                              .values(expires_at=utc_now() + timedelta(days=days_from_now)))


def client_user(world: ReportWorld, client_id: uuid.UUID | None = None) -> dict[str, str]:
    token = issue_user_token(world.settings.anken_secret_key, str(uuid.uuid4()), "client",
                             client_id=client_id or world.client_id)
    return {"Authorization": f"Bearer {token}"}


async def test_nothing_published_no_link(world: ReportWorld):
    response = await world.client.post(BASE.format(id=world.project_id) + "/links", headers=world.headers())
    assert response.status_code == 404, response.text


async def test_a_link_opens_the_latest_published_version_and_its_downloads_without_login(world: ReportWorld):
    await publish(world, "公開版の学び")
    link = await create(world)
    assert link["url_path"] == f"/r/{link['token']}" and link["url"] == f"http://web.test/r/{link['token']}"
    assert link["client_id"] == str(world.client_id) and link["iso_week"] == WEEK
    days = (utc_now() + timedelta(days=14)).date().isoformat()
    assert link["expires_at"].startswith(days)  # the default, REPORT_LINK_TTL_DAYS
    # The draft moves on after publishing: the link still shows what was published.
    await world.client.put(BASE.format(id=world.project_id) + "/draft",
                           json={"notes": {"learnings": ["社内だけの下書きメモ"]}}, headers=world.headers())

    opened = await world.client.get(RESOLVE.format(token=link["token"]))  # no Authorization at all
    assert opened.status_code == 200, opened.text
    shared = opened.json()
    assert shared["report"]["status"] == "published" and shared["report"]["notes"]["learnings"] == ["公開版の学び"]
    assert shared["report"]["project"]["name"] == "クラウド会計 新規開拓"
    assert "社内だけの下書きメモ" not in opened.text
    for kind, path in shared["downloads"].items():
        document = await world.client.get(path)
        assert document.status_code == 200, (kind, document.text)
        assert "attachment" in document.headers["content-disposition"]
        assert "nosniff" == document.headers["x-content-type-options"]
    html = await world.client.get(shared["downloads"]["html"])
    assert "公開版の学び" in html.text and "社内だけの下書きメモ" not in html.text and "下書き" not in html.text

    # A newer publish is what the same link shows next.
    version = await publish(world, "第2版の学び")
    again = (await world.client.get(RESOLVE.format(token=link["token"]))).json()
    assert again["report"]["version"] == version and again["report"]["notes"]["learnings"] == ["第2版の学び"]

    listed = await world.client.get("/v1/report-links", params={"project_id": str(world.project_id)},
                                    headers=world.headers())
    item = next(i for i in listed.json()["items"] if i["id"] == link["id"])
    assert item["status"] == "active" and item["open_count"] == 7 and item["last_opened_at"]
    assert "token" not in item and link["token"] not in listed.text


async def test_expired_revoked_forged_and_unknown_tokens_are_not_found(world: ReportWorld):
    await publish(world, "公開版の学び")
    expiring, revoked = await create(world, expires_in_days=1), await create(world)
    assert (await world.client.get(RESOLVE.format(token=expiring["token"]))).status_code == 200
    await set_expiry(world, expiring["id"], -0.001)
    for path in (RESOLVE, RESOLVE + "/download.pptx"):
        answer = await world.client.get(path.format(token=expiring["token"]))
        assert answer.status_code == 404 and answer.headers["content-type"].startswith("application/problem+json")

    gone = await world.client.delete(f"/v1/report-links/{revoked['id']}", headers=world.headers())
    assert gone.status_code == 204
    assert (await world.client.get(RESOLVE.format(token=revoked["token"]))).status_code == 404
    assert (await world.client.get(RESOLVE.format(token=revoked["token"]) + "/download.csv")).status_code == 404
    assert (await world.client.delete(f"/v1/report-links/{revoked['id']}", headers=world.headers())).status_code == 204

    listed = (await world.client.get("/v1/report-links", params={"iso_week": WEEK}, headers=world.headers())).json()
    status = {i["id"]: i["status"] for i in listed["items"]}
    assert status[expiring["id"]] == "expired" and status[revoked["id"]] == "revoked"

    # A token signed with another secret, a made-up one, one of an unknown id: all the same 404.
    forged = token_for("another-secret-" + "x" * 40, uuid.UUID(revoked["id"]))
    unknown = token_for(world.settings.anken_secret_key, uuid.uuid4())
    for token in (forged, unknown, "not-a-token", revoked["token"][:-1] + "A"):
        assert (await world.client.get(RESOLVE.format(token=token))).status_code == 404


async def test_a_link_never_opens_a_draft_only_week(world: ReportWorld):
    await publish(world, "公開版の学び")
    link = await create(world)
    # Moved to a week where only a draft exists: the link answers nothing rather than the draft.
    async with world.resources.sessionmaker() as session, session.begin():
        await session.execute(report_links.update().where(report_links.c.id == uuid.UUID(link["id"]))
                              .values(iso_week="2026-W48"))
    await world.client.put(f"/v1/projects/{world.project_id}/weekly-reports/2026-W48/draft",
                           json={"notes": {"learnings": ["W48 下書き"]}}, headers=world.headers())
    answer = await world.client.get(RESOLVE.format(token=link["token"]))
    assert answer.status_code == 404 and "W48 下書き" not in answer.text


async def test_a_link_whose_project_is_not_its_clients_is_not_found(world: ReportWorld):
    await publish(world, "公開版の学び")
    link = await create(world)
    async with world.resources.sessionmaker() as session, session.begin():
        await session.execute(report_links.update().where(report_links.c.id == uuid.UUID(link["id"]))
                              .values(client_id=uuid.uuid4()))
    assert (await world.client.get(RESOLVE.format(token=link["token"]))).status_code == 404


async def test_who_may_create_list_and_revoke(world: ReportWorld):
    await publish(world, "公開版の学び")
    url = BASE.format(id=world.project_id) + "/links"
    other_director = world.headers("director", uuid.uuid4())
    refused = {
        "another director": (other_director, 404), "manager": (world.headers("manager"), 403),
        "member": (world.headers("member"), 403), "client user": (client_user(world), 404),
    }
    for who, (headers, status) in refused.items():
        assert (await world.client.post(url, headers=headers)).status_code == status, who
    admin_link = await create(world, world.headers("admin"))
    own = await create(world)

    # The other director sees none of this project's links, and may not name its client or project.
    theirs = await world.client.get("/v1/report-links", headers=other_director)
    assert theirs.status_code == 200 and all(i["project_id"] != str(world.project_id) for i in theirs.json()["items"])
    assert (await world.client.get("/v1/report-links", params={"client_id": str(world.client_id)},
                                   headers=other_director)).status_code == 404
    assert (await world.client.get("/v1/report-links", params={"project_id": str(world.project_id)},
                                   headers=other_director)).status_code == 404
    assert (await world.client.delete(f"/v1/report-links/{own['id']}", headers=other_director)).status_code == 404
    assert (await world.client.get("/v1/report-links", headers=world.headers("manager"))).status_code == 403
    assert (await world.client.get("/v1/report-links", headers=client_user(world))).status_code == 404
    assert (await world.client.delete(f"/v1/report-links/{own['id']}", headers=client_user(world))).status_code == 404
    assert (await world.client.delete(f"/v1/report-links/{uuid.uuid4()}", headers=world.headers())).status_code == 404

    by_client = await world.client.get("/v1/report-links", params={"client_id": str(world.client_id)},
                                       headers=world.headers())
    ids = {i["id"] for i in by_client.json()["items"]}
    assert {admin_link["id"], own["id"]} <= ids
    by_admin = (await world.client.get("/v1/report-links", headers=world.headers("admin"))).json()["items"]
    assert {admin_link["id"], own["id"]} <= {i["id"] for i in by_admin}


async def test_a_retried_create_with_the_same_key_answers_the_same_link(world: ReportWorld):
    await publish(world, "公開版の学び")
    url = BASE.format(id=world.project_id) + "/links"
    headers = {**world.headers(), "Idempotency-Key": "evt:1234:report_link"}
    first = await world.client.post(url, headers=headers)
    again = await world.client.post(url, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["token"] == again.json()["token"] and first.json()["id"] == again.json()["id"]
    other_week = await world.client.post(f"/v1/projects/{world.project_id}/weekly-reports/2026-W46/links",
                                         headers=headers)
    assert other_week.status_code in (404, 409)


async def test_a_link_of_another_clients_project_never_shows_this_one(world: ReportWorld):
    """Two clients' projects: each link opens its own project's report only."""
    other_project, other_client, other_director = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await world.feed(envelope("project.created", "project", other_project, {
        "id": str(other_project), "client_id": str(other_client), "client_name": "別会社株式会社",
        "director_id": str(other_director), "name": "別会社の案件", "status": "active", "timezone": "Asia/Tokyo",
        "monthly_appointment_target": 10,
    }))
    other = world.headers("director", other_director)
    other_base = f"/v1/projects/{other_project}/weekly-reports/{WEEK}"
    assert (await world.client.post(other_base + "/publish", headers=other)).status_code == 201
    theirs = (await world.client.post(other_base + "/links", headers=other)).json()
    await publish(world, "公開版の学び")
    ours = await create(world)
    their_report = (await world.client.get(RESOLVE.format(token=theirs["token"]))).json()["report"]
    our_report = (await world.client.get(RESOLVE.format(token=ours["token"]))).json()["report"]
    assert their_report["project"]["name"] == "別会社の案件" and their_report["project"]["client_id"] == str(other_client)
    assert our_report["project"]["client_id"] == str(world.client_id)
    assert theirs["client_id"] == str(other_client)
