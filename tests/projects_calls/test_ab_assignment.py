"""A/B assignment by Anken: next-target carries the pattern the system chose for the member and
target (random, balanced per member, kept for the target), the call carries it (a call with another
pattern is refused), and a director may let members choose instead (then nothing is assigned and
any pattern is taken)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from projects_calls.call_floor_fixtures import Floor, build_floor


async def _publish_patterns(api, floor: Floor) -> dict[str, str]:
    """Scripts A and B, each with an active version: variant → version id."""
    versions = {}
    for pattern in ("A", "B"):
        made = await api.post(f"/v1/projects/{floor.project_id}/scripts", headers=floor.director.headers,
                              json={"pattern": pattern, "title": f"パターン{pattern}", "body": "本日は…"})
        assert made.status_code == 201, made.text
        versions[made.json()["variant"]] = made.json()["active_version"]["id"]
    return versions


async def _call_through(api, floor: Floor, member, count: int, versions: dict[str, str]) -> list[str]:
    """`count` targets handed to `member`, each logged with the assigned variant: the variants in order."""
    handed_out = []
    for _ in range(count):
        answer = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)).json()
        assert answer["target"] is not None
        variant = answer["variant"]
        assert variant in versions and answer["script_version_id"] == versions[variant]
        again = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)).json()
        assert (again["target"]["id"], again["variant"]) == (answer["target"]["id"], variant), \
            "a reload keeps the target and its pattern"
        logged = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=member.headers, json={
            "target_id": answer["target"]["id"], "member_id": str(member.id),
            "occurred_at": datetime.now(UTC).isoformat(), "outcome": "no_answer", "duration_s": 20,
            "variant": variant, "script_version_id": answer["script_version_id"]})
        assert logged.status_code == 201, logged.text
        assert logged.json()["variant"] == variant
        handed_out.append(variant)
    return handed_out


async def test_variants_are_assigned_balanced_and_random_per_member(api, resources) -> None:
    floor = await build_floor(resources, targets=230, members=2)
    versions = await _publish_patterns(api, floor)
    first, second = floor.members
    # 200 targets handed out, the two members taking turns: each member's stream is its own stratum.
    streams: dict[str, list[str]] = {"first": [], "second": []}
    for _ in range(100):
        streams["first"] += await _call_through(api, floor, first, 1, versions)
        streams["second"] += await _call_through(api, floor, second, 1, versions)
    overall = Counter(streams["first"] + streams["second"])
    assert set(overall) == {"A", "B"} and sum(overall.values()) == 200
    assert all(90 <= n <= 110 for n in overall.values()), overall  # ±10% over 200 targets
    for name, stream in streams.items():
        counts = Counter(stream)
        # Balanced within each member's stratum: ±10% of 100, and by the permuted blocks within one.
        assert all(45 <= counts[v] <= 55 for v in ("A", "B")), (name, counts)
        assert abs(counts["A"] - counts["B"]) <= 1, (name, counts)
        # Random, not a fixed alternation: both orders occur among the member's pairs (2^-49 to fail by chance).
        assert len({tuple(stream[i:i + 2]) for i in range(0, 100, 2)}) == 2, (name, "the order within each pair is random")


def _call(member, target_id: str, **extra) -> dict:
    return {"target_id": target_id, "member_id": str(member.id), "occurred_at": datetime.now(UTC).isoformat(),
            "outcome": "no_answer", "duration_s": 20, **extra}


async def test_a_call_with_another_pattern_than_assigned_is_refused(api, resources) -> None:
    floor = await build_floor(resources, targets=3, members=1)
    versions = await _publish_patterns(api, floor)
    member = floor.members[0]
    calls = f"/v1/projects/{floor.project_id}/calls"
    answer = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)).json()
    target, assigned = answer["target"]["id"], answer["variant"]
    other = "B" if assigned == "A" else "A"

    refusals = {
        "the other pattern's script": _call(member, target, variant=other, script_version_id=versions[other]),
        "the other pattern's script, no variant named": _call(member, target, script_version_id=versions[other]),
        "the other variant, no script named": _call(member, target, variant=other),
        # An appointment takes the general path (ingest), with the same rule.
        "an appointment with the other pattern": _call(
            member, target, variant=other, script_version_id=versions[other], outcome="appointment",
            appointment={"meeting_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()}),
    }
    for case, body in refusals.items():
        refused = await api.post(calls, headers=member.headers, json=body)
        assert refused.status_code == 422, (case, refused.text)
        problem = refused.json()
        assert [e["field"] for e in problem["errors"]] == ["variant"], (case, problem)
        assert f"pattern '{assigned}'" in problem["errors"][0]["message"], (case, problem)
    bulk = await api.post(f"{calls}/bulk", headers=floor.director.headers, json={"calls": [
        _call(member, target, variant=other, script_version_id=versions[other])]})
    assert bulk.status_code == 422 and [e["field"] for e in bulk.json()["errors"]] == ["calls.0.variant"], bulk.text
    target_now = (await api.get(f"/v1/targets/{target}", headers=floor.director.headers)).json()
    assert target_now["call_count"] == 0, "nothing refused was logged"

    logged = await api.post(calls, headers=member.headers,
                            json=_call(member, target, variant=assigned, script_version_id=versions[assigned]))
    assert logged.status_code == 201, logged.text
    # Correcting the call to the other pattern afterwards is refused just the same.
    patched = await api.patch(f"/v1/calls/{logged.json()['id']}", headers=member.headers,
                              json={"variant": other, "script_version_id": versions[other]})
    assert patched.status_code == 422 and patched.json()["errors"][0]["field"] == "variant", patched.text


async def test_a_project_that_lets_members_choose_takes_any_pattern(api, resources) -> None:
    floor = await build_floor(resources, targets=2, members=1)
    versions = await _publish_patterns(api, floor)
    member = floor.members[0]
    answer = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)).json()
    other = "B" if answer["variant"] == "A" else "A"
    changed = await api.patch(f"/v1/projects/{floor.project_id}", headers=floor.director.headers,
                              json={"ab_manual_choice": True})
    assert changed.status_code == 200
    logged = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=member.headers, json=_call(
        member, answer["target"]["id"], variant=other, script_version_id=versions[other]))
    assert logged.status_code == 201, logged.text
    assert logged.json()["variant"] == other


async def test_manual_choice_assigns_nothing(api, resources) -> None:
    floor = await build_floor(resources, targets=3, members=1)
    await _publish_patterns(api, floor)
    member = floor.members[0]
    project = await api.get(f"/v1/projects/{floor.project_id}", headers=floor.director.headers)
    assert project.json()["ab_manual_choice"] is False, "randomised by default"
    refused = await api.patch(f"/v1/projects/{floor.project_id}", headers=floor.director.headers,
                              json={"ab_manual_choice": None})
    assert refused.status_code == 422 and "ab_manual_choice" in refused.text
    changed = await api.patch(f"/v1/projects/{floor.project_id}", headers=floor.director.headers,
                              json={"ab_manual_choice": True})
    assert changed.status_code == 200 and changed.json()["ab_manual_choice"] is True
    answer = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)).json()
    assert answer["target"] is not None
    assert answer["variant"] is None and answer["script_version_id"] is None


async def test_no_script_no_variant(api, resources) -> None:
    floor = await build_floor(resources, targets=1, members=1)
    answer = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=floor.members[0].headers)).json()
    assert answer["target"] is not None and answer["variant"] is None
