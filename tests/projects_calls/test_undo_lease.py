"""Undo on the calling screen: the member deletes the call just logged, the target's status goes
back, and the company is leased to that member again (next-target hands it to them, not to another
member). A director deleting a member's call leases nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from projects_calls.call_floor_fixtures import build_floor


async def _next(api, floor, member) -> dict | None:
    answer = await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["target"]


async def _log(api, floor, member, target_id: str) -> str:
    logged = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=member.headers, json={
        "target_id": target_id, "member_id": str(member.id), "occurred_at": datetime.now(UTC).isoformat(),
        "outcome": "connected_rejected", "duration_s": 30})
    assert logged.status_code == 201, logged.text
    return logged.json()["id"]


async def test_the_member_who_takes_a_call_back_gets_the_company_again(api, resources) -> None:
    floor = await build_floor(resources, targets=3, members=2)
    first, second = floor.members
    wrong = await _next(api, floor, first)
    call_id = await _log(api, floor, first, wrong["id"])
    following = await _next(api, floor, first)  # the calling screen loads the next company with the call
    assert following["id"] != wrong["id"]

    deleted = await api.delete(f"/v1/calls/{call_id}", headers=first.headers)
    assert deleted.status_code == 204, deleted.text
    target = (await api.get(f"/v1/targets/{wrong['id']}", headers=floor.director.headers)).json()
    assert (target["status"], target["call_count"], target["last_called_at"]) == ("new", 0, None)

    # Another member asking now is not handed the company on the first member's screen.
    others = await _next(api, floor, second)
    assert others is not None and others["id"] not in (wrong["id"], following["id"])
    # The first member's screen (a reload) shows it again; after its right outcome, the company
    # leased before the undo comes next.
    assert (await _next(api, floor, first))["id"] == wrong["id"]
    await _log(api, floor, first, wrong["id"])
    assert (await _next(api, floor, first))["id"] == following["id"]


async def test_a_director_deleting_a_members_call_leases_nothing(api, resources) -> None:
    floor = await build_floor(resources, targets=1, members=2)
    first, second = floor.members
    target = await _next(api, floor, first)
    call_id = await _log(api, floor, first, target["id"])
    deleted = await api.delete(f"/v1/calls/{call_id}", headers=floor.director.headers)
    assert deleted.status_code == 204, deleted.text
    # The company is callable again and free: whoever asks first gets it.
    assert (await _next(api, floor, second))["id"] == target["id"]
