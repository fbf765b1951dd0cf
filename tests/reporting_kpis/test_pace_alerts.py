"""Member pace alerts: raised once per member/rule/day, emitted through the outbox, acknowledged."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import text

from anken_common.auth_tokens import Role, issue_user_token
from anken_common.events import EventEnvelope, events_stream
from anken_reporting.calendar.business_days import BusinessCalendar
from anken_reporting.outbox.relay import outbox_relay
from anken_reporting.readmodels.timezones import today_in, zone

from .builders import ProjectWorld
from .feeding import feed


def now_in_tokyo() -> datetime:
    return datetime.now(zone("Asia/Tokyo"))


async def test_low_contact_to_appointment_rate_raises_one_alert_and_an_event(app_client, resources, settings) -> None:
    world = ProjectWorld()
    today = today_in("Asia/Tokyo")
    previous_business_day = BusinessCalendar().last_business_days(today - timedelta(days=1), 1)[0]
    earlier = datetime.combine(previous_business_day, datetime.min.time(), tzinfo=zone("Asia/Tokyo")) + timedelta(hours=11)
    # Trailing: 100 calls, 50 contacts, 10 appointments on member 2 → contact→appointment 0.2.
    history = [world.call(earlier, "appointment", member=1) for _ in range(10)]
    history += [world.call(earlier, "connected_rejected", member=1) for _ in range(40)]
    history += [world.call(earlier, "no_answer", member=1) for _ in range(50)]
    await feed(resources, *world.setup(), *history)
    # Today member 1: 29 calls with 10 contacts and no appointment: below the 30-call minimum, no alert yet.
    now = now_in_tokyo()
    today_calls = [world.call(now, "connected_rejected", member=0) for _ in range(10)]
    today_calls += [world.call(now, "no_answer", member=0) for _ in range(19)]
    await feed(resources, *today_calls)
    director = {"Authorization": f"Bearer {issue_user_token(settings.anken_secret_key, str(world.director_id), Role.director)}"}
    listed = await app_client.get("/v1/alerts", params={"project_id": str(world.project_id)}, headers=director)
    assert listed.status_code == 200 and listed.json()["items"] == []
    # The 30th and 31st calls: 0 / 10 < 0.5 × 0.2 → one alert (contact rate 10/30 is not below 0.5 × 0.5).
    await feed(resources, world.call(now, "no_answer", member=0), world.call(now, "no_answer", member=0))
    listed = await app_client.get("/v1/alerts", params={"project_id": str(world.project_id), "status": "open"}, headers=director)
    items = listed.json()["items"]
    assert [(a["rule"], a["value"], a["threshold"]) for a in items] == [("contact_to_appointment_rate_low", 0.0, 0.1)]
    alert = items[0]
    assert alert["member_id"] == str(world.members[0]) and "コンタクトアポ率" in alert["message"]
    # Exactly one outbox event, relayed to the shared stream as reporting-api's.
    async with resources.sessionmaker() as session:
        rows = (await session.execute(
            text("SELECT type, payload FROM reporting.outbox_events WHERE aggregate_id = :id"), {"id": alert["id"]}
        )).all()
    assert [r.type for r in rows] == ["pace_alert.raised"]
    relay = outbox_relay(resources.engine, resources.redis, settings.redis_namespace)
    while await relay.relay_once():
        continue
    entries = await resources.redis.xrange(events_stream(settings.redis_namespace))
    published = [EventEnvelope.from_json(fields[b"envelope"]) for _, fields in entries]
    mine = [e for e in published if e.type == "pace_alert.raised" and e.payload["id"] == alert["id"]]
    assert len(mine) == 1 and mine[0].source == "reporting-api" and mine[0].payload["rule"] == alert["rule"]
    # Acknowledge (idempotent); it leaves the open list. A member may not acknowledge.
    member = {"Authorization": f"Bearer {issue_user_token(settings.anken_secret_key, str(world.members[0]), Role.member)}"}
    assert (await app_client.post(f"/v1/alerts/{alert['id']}/acknowledge", headers=member)).status_code == 403
    for _ in range(2):
        acked = await app_client.post(f"/v1/alerts/{alert['id']}/acknowledge", headers=director)
        assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    still_open = await app_client.get("/v1/alerts", params={"project_id": str(world.project_id), "status": "open"},
                                      headers=director)
    assert still_open.json()["items"] == []
    other = {"Authorization": f"Bearer {issue_user_token(settings.anken_secret_key, str(uuid.uuid4()), Role.director)}"}
    assert (await app_client.post(f"/v1/alerts/{alert['id']}/acknowledge", headers=other)).status_code == 404


async def test_history_imported_later_raises_no_alert(resources) -> None:
    world = ProjectWorld()
    long_ago = datetime(2026, 1, 6, 11, tzinfo=zone("Asia/Tokyo"))
    await feed(resources, *world.setup(), *[world.call(long_ago, "no_answer") for _ in range(40)])
    async with resources.sessionmaker() as session:
        count = (await session.execute(
            text("SELECT COUNT(*) FROM reporting.pace_alerts WHERE project_id = :p"), {"p": world.project_id}
        )).scalar()
    assert count == 0


async def test_a_service_acknowledges_for_a_person(app_client, resources, settings) -> None:
    from anken_common.auth_tokens import issue_service_token

    from .feeding import feed as feed_events

    world = ProjectWorld()
    await feed_events(resources, *world.setup())
    alert_id = uuid.uuid4()
    async with resources.sessionmaker() as session, session.begin():
        await session.execute(text(
            "INSERT INTO reporting.pace_alerts (id, project_id, member_id, rule, day, message) "
            "VALUES (:id, :p, :m, 'contact_rate_low', :d, 'x')"),
            {"id": alert_id, "p": world.project_id, "m": world.members[0], "d": today_in("Asia/Tokyo")})
    worker = {"Authorization": f"Bearer {issue_service_token(settings.anken_secret_key, 'integrations-worker')}"}
    bad = await app_client.post(f"/v1/alerts/{alert_id}/acknowledge", json={"who": 1}, headers=worker)
    assert bad.status_code == 422
    acked = await app_client.post(f"/v1/alerts/{alert_id}/acknowledge", json={"acknowledged_by": "slack:U1"}, headers=worker)
    assert acked.status_code == 200, acked.text
    assert acked.json()["acknowledged_by"] == "integrations-worker:slack:U1"


async def test_appointments_per_hour_is_judged_when_hours_are_logged(resources) -> None:
    world = ProjectWorld()
    today = today_in("Asia/Tokyo")
    previous_business_day = BusinessCalendar().last_business_days(today - timedelta(days=1), 1)[0]
    earlier = datetime.combine(previous_business_day, datetime.min.time(), tzinfo=zone("Asia/Tokyo")) + timedelta(hours=11)
    # Trailing: 4 appointments in 2 hours (2/h), 40 contacts of 40 calls.
    history = [world.call(earlier, "appointment", member=1) for _ in range(4)]
    history += [world.call(earlier, "connected_rejected", member=1) for _ in range(36)]
    history.append(world.hours(previous_business_day, 2.0, member=1))
    now = now_in_tokyo()
    # Today: 30 calls, 30 contacts, 3 appointments (rates at the average), then 8 hours logged: 0.375/h < 1.0.
    today_calls = [world.call(now, "appointment") for _ in range(3)] + [world.call(now, "connected_followup") for _ in range(27)]
    await feed(resources, *world.setup(), *history, *today_calls)
    async with resources.sessionmaker() as session:
        before = (await session.execute(text("SELECT rule FROM reporting.pace_alerts WHERE project_id = :p"),
                                        {"p": world.project_id})).scalars().all()
    assert before == []
    await feed(resources, world.hours(today, 8.0))
    async with resources.sessionmaker() as session:
        rows = (await session.execute(text("SELECT rule, value, threshold FROM reporting.pace_alerts WHERE project_id = :p"),
                                      {"p": world.project_id})).all()
    assert [(r.rule, r.value, r.threshold) for r in rows] == [("appointments_per_hour_low", 0.375, 1.0)]
