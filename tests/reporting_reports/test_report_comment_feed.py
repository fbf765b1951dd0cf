"""The director hears of the client's comments (issue 17): a client user's comment on a published weekly report
emits `weekly_report.commented` in the same transaction (the director's answer emits nothing), and
GET /v1/report-comments lists the client's recent comments newest first — a director's own projects, every
project for admins and managers, never for a client user or a member."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from .conftest import ReportWorld, envelope
from .test_report_comments import client_user

WEEK = "2026-W47"
FEED = "/v1/report-comments"


async def _commented_events(world: ReportWorld) -> list[dict]:
    async with world.resources.sessionmaker() as session:
        return list((await session.execute(text(
            "SELECT payload FROM reporting.outbox_events WHERE type = 'weekly_report.commented' "
            "AND payload->>'project_id' = :p ORDER BY id"), {"p": str(world.project_id)})).scalars().all())


async def test_a_client_comment_emits_an_event_and_reaches_the_directors_feed(world: ReportWorld):
    url = f"/v1/projects/{world.project_id}/weekly-reports/{WEEK}"
    assert (await world.client.post(url + "/publish", headers=world.headers())).status_code == 201
    buyer_id = uuid.uuid4()
    await world.feed(envelope("user.created", "user", buyer_id, {
        "id": str(buyer_id), "name": "佐々木 一郎", "email": "sasaki-feed@client.example", "role": "client",
        "active": True, "client_id": str(world.client_id),
    }))
    buyer = client_user(world, buyer_id)
    first = await world.client.post(url + "/comments", json={"body": "製造業のアポが増えて良いです。 <!channel>"},
                                    headers=buyer)
    assert first.status_code == 201, first.text
    assert (await world.client.post(url + "/comments", json={"body": "次回深掘りします。"},
                                    headers=world.headers())).status_code == 201
    second = await world.client.post(url + "/comments", json={"body": "決裁者の比率も知りたいです。"}, headers=buyer)
    assert second.status_code == 201

    # One event per client comment; the director's answer emits none.
    events = await _commented_events(world)
    assert [e["id"] for e in events] == [first.json()["id"], second.json()["id"]]
    assert events[0] | {"created_at": None} == {
        "id": first.json()["id"], "project_id": str(world.project_id), "client_id": str(world.client_id),
        "iso_week": WEEK, "version": 1, "author_name": "佐々木 一郎", "author_role": "client",
        "body": "製造業のアポが増えて良いです。 <!channel>", "created_at": None,
        "web_url": f"{world.settings.web_url.rstrip('/')}/projects/{world.project_id}/reports?week={WEEK}&version=1",
    }
    assert datetime.fromisoformat(events[0]["created_at"]) == datetime.fromisoformat(first.json()["created_at"])

    # The director's feed: the client's comments only, newest first, with the project's name.
    feed = await world.client.get(FEED, headers=world.headers())
    assert feed.status_code == 200, feed.text
    mine = [c for c in feed.json()["items"] if c["project_id"] == str(world.project_id)]
    assert [c["body"] for c in mine] == ["決裁者の比率も知りたいです。", "製造業のアポが増えて良いです。 <!channel>"]
    assert mine[0]["project_name"] == "クラウド会計 新規開拓" and mine[0]["author_name"] == "佐々木 一郎"
    assert mine[0]["iso_week"] == WEEK and mine[0]["version"] == 1 and mine[0]["author_role"] == "client"

    # Pages of one: the cursor walks newest to oldest, then ends.
    page1 = (await world.client.get(FEED, params={"project_id": str(world.project_id), "limit": 1},
                                    headers=world.headers())).json()
    assert [c["id"] for c in page1["items"]] == [second.json()["id"]] and page1["next_cursor"]
    page2 = (await world.client.get(FEED, params={"project_id": str(world.project_id), "limit": 1,
                                                  "cursor": page1["next_cursor"]}, headers=world.headers())).json()
    assert [c["id"] for c in page2["items"]] == [first.json()["id"]] and page2["next_cursor"] is None

    # since: nothing newer than tomorrow; an old since still finds them.
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert (await world.client.get(FEED, params={"since": later, "project_id": str(world.project_id)},
                                   headers=world.headers())).json()["items"] == []
    earlier = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    assert len((await world.client.get(FEED, params={"since": earlier, "project_id": str(world.project_id)},
                                       headers=world.headers())).json()["items"]) == 2


async def test_who_reads_the_feed(world: ReportWorld):
    params = {"project_id": str(world.project_id)}
    for staff in (world.headers("manager"), world.headers("admin")):
        answer = await world.client.get(FEED, params=params, headers=staff)
        assert answer.status_code == 200 and len(answer.json()["items"]) == 2, answer.text
    # Another director: none of this project's comments, and naming the project is a 404.
    other = world.headers("director", uuid.uuid4())
    everything = await world.client.get(FEED, headers=other)
    assert everything.status_code == 200
    assert not [c for c in everything.json()["items"] if c["project_id"] == str(world.project_id)]
    assert (await world.client.get(FEED, params=params, headers=other)).status_code == 404
    # The client's people are not served (the route is not on CLIENT_USER_ROUTES: 404), members 403; no token 401.
    assert (await world.client.get(FEED, headers=client_user(world))).status_code == 404
    assert (await world.client.get(FEED, headers=world.headers("member"))).status_code == 403
    assert (await world.client.get(FEED)).status_code == 401
    # A cursor that is not ours and a limit out of range name their field.
    bad = await world.client.get(FEED, params={"cursor": "nope"}, headers=world.headers())
    assert bad.status_code == 422 and "cursor" in bad.text
    assert (await world.client.get(FEED, params={"limit": 0}, headers=world.headers())).status_code == 422
