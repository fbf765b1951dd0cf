"""A/B assignment by Anken: next-target carries the pattern the system chose for the member and
target (random, balanced per member, kept for the target), the call carries it, and a director
may let members choose instead (then nothing is assigned)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

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
    stream = await _call_through(api, floor, first, 200, versions)
    counts = Counter(stream)
    assert set(counts) == {"A", "B"}
    assert all(90 <= n <= 110 for n in counts.values()), counts
    # Random, not a fixed alternation: both orders occur among the member's pairs (2^-99 to fail by chance).
    assert len({tuple(stream[i:i + 2]) for i in range(0, 200, 2)}) == 2, "the order within each pair is random"
    # Stratified by member: another member's stream is balanced on its own.
    other = Counter(await _call_through(api, floor, second, 20, versions))
    assert abs(other["A"] - other["B"]) <= 1, other


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
