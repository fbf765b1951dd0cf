"""Next target: tier order, uncalled before callback-due, leases, and no double hand-out under concurrency."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from anken_common.auth_tokens import Role
from anken_projects.projects.models import Assignment
from anken_projects.targets.models import Target
from projects_calls.call_floor_fixtures import build_floor, create_user, target_row


async def test_order_is_tier_then_uncalled_before_callback_due(api, resources) -> None:
    floor = await build_floor(resources, targets=0, members=1)
    now = datetime.now(UTC)
    async with resources.sessionmaker() as session, session.begin():
        from anken_projects.targets.models import TargetList

        list_ = await session.get(TargetList, floor.list_id)
        rows = {
            "t2_new": target_row(list_, 1, priority_tier=2),
            "t1_due": target_row(list_, 2, priority_tier=1, status="callback", callback_due_at=now - timedelta(hours=1)),
            "t1_new": target_row(list_, 3, priority_tier=1),
            "t1_later": target_row(list_, 4, priority_tier=1, status="callback", callback_due_at=now + timedelta(days=1)),
            "t1_done": target_row(list_, 5, priority_tier=1, status="called"),
        }
        session.add_all(rows.values())
    member = floor.members[0]
    order = []
    for _ in range(4):
        handed = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)).json()
        if handed["target"] is None:
            break
        again = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)).json()
        assert again["target"]["id"] == handed["target"]["id"], "a reload keeps the member's own lease"
        order.append(handed["target"]["id"])
        logged = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=member.headers, json={
            "target_id": handed["target"]["id"], "member_id": str(member.id), "occurred_at": now.isoformat(),
            "outcome": "connected_rejected", "duration_s": 40})
        assert logged.status_code == 201
    assert order == [str(rows[k].id) for k in ("t1_new", "t1_due", "t2_new")]


async def test_skip_gives_the_target_back_and_hands_out_another(api, resources) -> None:
    floor = await build_floor(resources, targets=2, members=2)
    first, second = floor.members
    a = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=first.headers)).json()["target"]
    b = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=first.headers,
                        json={"skip_target_id": a["id"]})).json()["target"]
    assert a["id"] != b["id"]
    c = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=second.headers)).json()["target"]
    assert c["id"] == a["id"]
    nothing = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=floor.outsider.headers))
    assert nothing.status_code == 404


async def test_concurrent_members_never_get_the_same_target(api, resources) -> None:
    floor = await build_floor(resources, targets=0, members=0)
    members = [await create_user(resources, Role.member) for _ in range(12)]
    async with resources.sessionmaker() as session, session.begin():
        from anken_projects.targets.models import TargetList

        list_ = await session.get(TargetList, floor.list_id)
        session.add_all([target_row(list_, n, priority_tier=1 + n % 3) for n in range(60)])
        session.add_all([Assignment(project_id=floor.project_id, member_id=m.id) for m in members])

    async def pull(member) -> list[str]:
        got = []
        for _ in range(5):
            response = await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)
            assert response.status_code == 200, response.text
            target = response.json()["target"]
            got.append(target["id"])
            # Logging the call ends the lease and moves the target out of the callable set.
            await api.post(f"/v1/projects/{floor.project_id}/calls", headers=member.headers, json={
                "target_id": target["id"], "member_id": str(member.id),
                "occurred_at": datetime.now(UTC).isoformat(), "outcome": "connected_rejected", "duration_s": 1})
        return got

    async def hold(member) -> str:
        response = await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)
        return response.json()["target"]["id"]

    held = await asyncio.gather(*(hold(m) for m in members))
    assert len(set(held)) == len(held) == 12
    async with resources.sessionmaker() as session:
        leased = (await session.execute(sa.select(Target.id, Target.leased_by).where(
            Target.project_id == floor.project_id, Target.leased_by.is_not(None)))).all()
    assert {str(r.id) for r in leased} == set(held)
    pulled = await asyncio.gather(*(pull(m) for m in members))
    flat = [target for got in pulled for target in got]
    assert len(flat) == len(set(flat)) == 60, "every target handed out exactly once"


async def test_an_expired_lease_frees_the_target_for_another_member(api, resources) -> None:
    floor = await build_floor(resources, targets=1, members=2)
    first, second = floor.members
    held = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=first.headers)).json()
    assert held["target"]["id"] == str(floor.targets[0]) and held["lease_expires_at"]
    blocked = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=second.headers)).json()
    assert blocked["target"] is None
    async with resources.engine.begin() as conn:
        await conn.execute(sa.text("UPDATE projects.targets SET lease_expires_at = now() - interval '1 second' "
                                   "WHERE id = :id"), {"id": floor.targets[0]})
    freed = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=second.headers)).json()
    assert freed["target"]["id"] == str(floor.targets[0])


async def _leases(resources, project_id) -> int:
    async with resources.sessionmaker() as session:
        return (await session.execute(sa.select(sa.func.count()).select_from(Target).where(
            Target.project_id == project_id, Target.leased_by.is_not(None)))).scalar_one()


async def test_refused_requests_lease_nothing(api, resources) -> None:
    """The access check and the lease are one statement: a 404 or 403 must leave every target free."""
    floor = await build_floor(resources, targets=3, members=1)
    other_director = await create_user(resources, Role.director)
    async with resources.sessionmaker() as session, session.begin():
        # Assigned, but a director sees only the projects they direct: 404, as on every other route.
        session.add(Assignment(project_id=floor.project_id, member_id=other_director.id))
    url = f"/v1/projects/{floor.project_id}/next-target"
    assert (await api.post(url, headers=other_director.headers)).status_code == 404
    assert (await api.post(url, headers=floor.outsider.headers)).status_code == 404
    # Sees the project but is not assigned to it.
    assert (await api.post(url, headers=floor.director.headers)).status_code == 403
    assert (await api.post(url, headers=floor.admin.headers)).status_code == 403
    assert (await api.post(f"/v1/projects/{floor.other_list_id}/next-target",
                           headers=floor.members[0].headers)).status_code == 404, "no such project"
    assert await _leases(resources, floor.project_id) == 0

    held = (await api.post(url, headers=floor.members[0].headers)).json()["target"]
    # An outsider cannot give back someone else's lease by naming it.
    refused = await api.post(url, headers=floor.outsider.headers, json={"skip_target_id": held["id"]})
    assert refused.status_code == 404
    async with resources.sessionmaker() as session:
        target = await session.get(Target, uuid.UUID(held["id"]))
    assert target is not None and target.leased_by == floor.members[0].id


async def test_skip_is_scoped_to_the_members_own_lease(api, resources) -> None:
    floor = await build_floor(resources, targets=3, members=2)
    first, second = floor.members
    url = f"/v1/projects/{floor.project_id}/next-target"
    a = (await api.post(url, headers=first.headers)).json()["target"]
    # Naming another member's target does not release it; the second member gets a different one.
    b = (await api.post(url, headers=second.headers, json={"skip_target_id": a["id"]})).json()["target"]
    assert b["id"] != a["id"]
    again = (await api.post(url, headers=first.headers)).json()["target"]
    assert again["id"] == a["id"], "the first member keeps their lease"
    # Skipping one's own target never hands the same one back.
    c = (await api.post(url, headers=first.headers, json={"skip_target_id": a["id"]})).json()["target"]
    assert c["id"] not in (a["id"], b["id"])
    assert await _leases(resources, floor.project_id) == 2
