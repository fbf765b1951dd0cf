"""A call's script version must be one of its own project's, on every path that writes it: one
call, a bulk of calls, and `PATCH /v1/calls/{id}`. Before, a nonexistent version or another
project's was stored as given, and the A/B statistics counted the call for the wrong script."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from .files_support import (  # noqa: F401 (fixtures)
    api_fixture,
    files_app_fixture,
    floor_fixture,
    resources_fixture,
)


async def add_script(api, floor, project_id, pattern: str) -> str:
    created = await api.post(f"/v1/projects/{project_id}/scripts", headers=floor.director.headers,
                             json={"pattern": pattern, "title": f"パターン{pattern}", "body": "お世話になっております。"})
    assert created.status_code == 201, created.text
    return created.json()["active_version"]["id"]


def a_call(floor, target_index: int = 0, **extra) -> dict:
    return {"target_id": str(floor.targets[target_index]), "member_id": str(floor.members[0].id),
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(), "outcome": "no_answer",
            "duration_s": 10, **extra}


@pytest.fixture(name="versions")
async def versions_fixture(api, floor) -> dict[str, str]:
    return {
        "ours_a": await add_script(api, floor, floor.project_id, "A"),
        "ours_b": await add_script(api, floor, floor.project_id, "B"),
        "other_project": await add_script(api, floor, floor.other_project_id, "A"),
        "nonexistent": str(uuid.uuid4()),
    }


@pytest.mark.parametrize("wrong", ["nonexistent", "other_project"])
async def test_one_call_with_a_foreign_script_version_is_422(api, floor, versions, wrong) -> None:
    for headers in (floor.members[0].headers, floor.director.headers):  # the fast path and the general one
        response = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=headers,
                                  json=a_call(floor, script_version_id=versions[wrong], variant="A"))
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "script_version_id"


async def test_one_call_with_an_appointment_takes_the_general_path_and_is_checked_too(api, floor, versions) -> None:
    meeting = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    response = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=floor.members[0].headers,
                              json=a_call(floor, outcome="appointment", script_version_id=versions["other_project"],
                                          appointment={"meeting_at": meeting}))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "script_version_id"


async def test_a_version_of_another_variant_is_422_naming_variant(api, floor, versions) -> None:
    response = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=floor.members[0].headers,
                              json=a_call(floor, script_version_id=versions["ours_b"], variant="A"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "variant"


async def test_the_project_own_version_is_accepted(api, floor, versions) -> None:
    response = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=floor.members[0].headers,
                              json=a_call(floor, script_version_id=versions["ours_a"], variant="A"))
    assert response.status_code == 201, response.text
    assert response.json()["script_version_id"] == versions["ours_a"]


async def test_bulk_names_the_index_of_each_foreign_version_and_writes_nothing(api, floor, versions) -> None:
    calls = [a_call(floor, 0, script_version_id=versions["ours_a"], variant="A"), a_call(floor, 1),
             a_call(floor, 0, script_version_id=versions["nonexistent"]),
             a_call(floor, 1, script_version_id=versions["other_project"], variant="A")]
    response = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", headers=floor.director.headers,
                              json={"calls": calls})
    assert response.status_code == 422, response.text
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"calls.2.script_version_id", "calls.3.script_version_id"}
    listed = await api.get(f"/v1/projects/{floor.project_id}/calls", headers=floor.director.headers)
    assert listed.json()["items"] == []


@pytest.mark.parametrize("wrong", ["nonexistent", "other_project"])
async def test_patch_cannot_point_a_call_at_a_foreign_script_version(api, floor, versions, wrong) -> None:
    logged = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=floor.members[0].headers,
                            json=a_call(floor, script_version_id=versions["ours_a"], variant="A"))
    call_id = logged.json()["id"]
    patched = await api.patch(f"/v1/calls/{call_id}", headers=floor.members[0].headers,
                              json={"script_version_id": versions[wrong]})
    assert patched.status_code == 422, patched.text
    assert patched.json()["errors"][0]["field"] == "script_version_id"
    relabelled = await api.patch(f"/v1/calls/{call_id}", headers=floor.members[0].headers, json={"variant": "B"})
    assert relabelled.status_code == 422 and relabelled.json()["errors"][0]["field"] == "variant"
    moved = await api.patch(f"/v1/calls/{call_id}", headers=floor.members[0].headers,
                            json={"script_version_id": versions["ours_b"], "variant": "B"})
    assert moved.status_code == 200 and moved.json()["script_version_id"] == versions["ours_b"]
