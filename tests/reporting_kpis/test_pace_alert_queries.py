"""The pace-alert queries (alerts/repository.py) on rows written by hand: keyset pages, filters,
open counts, once a day, acknowledgement."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from anken_reporting.alerts import repository


def alert(project_id: uuid.UUID, minute: int, *, status: str = "open", rule: str = "contact_rate") -> dict:
    return {
        "id": uuid.uuid4(), "project_id": project_id, "member_id": uuid.uuid4(), "director_id": None,
        "rule": rule, "day": date(2026, 3, 2), "value": 0.1, "threshold": 0.5, "message": "m", "status": status,
        "raised_at": datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(minutes=minute),
    }


async def test_pages_filters_counts_and_acknowledges(resources) -> None:
    mine, other = uuid.uuid4(), uuid.uuid4()
    rows = [alert(mine, minute) for minute in range(5)] + [alert(mine, 10, status="acknowledged"), alert(other, 3)]
    async with resources.sessionmaker() as session, session.begin():
        for row in rows:
            assert await repository.insert_once_a_day(session, row) is True
        # Same project, member, rule and day: not a second alert.
        assert await repository.insert_once_a_day(session, {**rows[0], "id": uuid.uuid4()}) is False

    newest_first = sorted((r for r in rows if r["project_id"] == mine and r["status"] == "open"),
                          key=lambda r: r["raised_at"], reverse=True)
    async with resources.sessionmaker() as session:
        first = await repository.list_alerts(session, [mine], "open", None, 2)
        after = (first[-1]["raised_at"], first[-1]["id"])
        second = await repository.list_alerts(session, [mine], "open", after, 10)
        everything = await repository.list_alerts(session, [mine, other], None, None, 100)
        nothing = await repository.list_alerts(session, [], None, None, 100)
        counts = await repository.open_counts(session, [mine, other, uuid.uuid4()])
    assert [r["id"] for r in first] == [r["id"] for r in newest_first[:2]]
    assert [r["id"] for r in second] == [r["id"] for r in newest_first[2:]]
    assert len(everything) == 7 and nothing == []
    assert counts == {mine: 5, other: 1}

    at = datetime(2026, 3, 2, 12, tzinfo=UTC)
    async with resources.sessionmaker() as session, session.begin():
        locked = await repository.get_alert(session, rows[0]["id"])
        assert locked is not None and locked["status"] == "open"
        done = await repository.acknowledge(session, rows[0]["id"], "someone", at)
    assert (done["status"], done["acknowledged_by"], done["acknowledged_at"]) == ("acknowledged", "someone", at)
    async with resources.sessionmaker() as session:
        assert (await repository.open_counts(session, [mine]))[mine] == 4
