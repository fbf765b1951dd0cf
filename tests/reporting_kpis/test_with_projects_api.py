"""Across real processes: projects-api's outbox → Redis → reporting-api's consumer; partner keys
introspected at projects-api; `anken-reporting rebuild` from projects-api's export."""

from __future__ import annotations

import asyncio
import subprocess
import time

import asyncpg
import httpx

from anken_common.auth_tokens import issue_service_token
from harness.infra import create_infra, destroy_infra
from harness.processes import base_env

PERIOD = {"from": "2026-11-01", "to": "2026-12-01"}


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_partner_key_sees_only_its_clients_projects_and_rebuild_replays_the_export(stack, service_env) -> None:
    stack.start("projects")
    stack.start("reporting")
    projects, reporting = stack.url("projects"), stack.url("reporting")
    service = {"Authorization": f"Bearer {issue_service_token(service_env['ANKEN_SECRET_KEY'], 'tests')}"}
    with httpx.Client(timeout=20) as http:
        def create(path: str, body: dict) -> dict:
            response = http.post(f"{projects}{path}", json=body, headers=service)
            assert response.status_code == 201, response.text
            return response.json()

        mine = create("/v1/clients", {"name": "株式会社ミライ"})
        other = create("/v1/clients", {"name": "株式会社ヨソ"})
        project = create("/v1/projects", {"client_id": mine["id"], "name": "SaaS新規開拓", "monthly_appointment_target": 20})
        foreign = create("/v1/projects", {"client_id": other["id"], "name": "別案件"})
        key = create("/v1/api-keys", {"client_id": mine["id"], "name": "CRM連携", "scopes": ["read:kpis"]})["secret"]
        partner = {"Authorization": f"Bearer {key}"}

        def kpis(project_id: str) -> httpx.Response:
            return http.get(f"{reporting}/v1/projects/{project_id}/kpis", params=PERIOD, headers=partner)

        # The project reaches reporting-api through the events stream.
        assert wait_for(lambda: kpis(project["id"]).status_code == 200), kpis(project["id"]).text
        body = kpis(project["id"]).json()
        assert body["target"]["monthly_appointment_target"] == 20 and body["calls"] == 0
        assert wait_for(lambda: http.get(f"{reporting}/v1/projects/{foreign['id']}/kpis", params=PERIOD,
                                         headers=service).status_code == 200)
        assert kpis(foreign["id"]).status_code == 404  # another tenant's project
        assert http.get(f"{reporting}/v1/projects/{project['id']}/kpis", params=PERIOD,
                        headers={"Authorization": "Bearer ak_not_a_key"}).status_code == 401

    # Rebuild into a separate database (a rebuild empties the read models other tests share).
    infra = create_infra()
    try:
        env = base_env(infra)
        env["PROJECTS_API_URL"] = projects
        subprocess.run(["anken-reporting", "migrate"], env=env, check=True, capture_output=True, timeout=180)
        done = subprocess.run(["anken-reporting", "rebuild"], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "succeeded" in done.stdout
        rows = asyncio.run(_projects_in(infra.database_url, [project["id"], foreign["id"]]))
        assert rows == {(project["id"], mine["id"], 20), (foreign["id"], other["id"], 0)}
    finally:
        destroy_infra(infra)


async def _projects_in(database_url: str, ids: list[str]) -> set[tuple[str, str, int]]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT id::text, client_id::text, monthly_appointment_target FROM reporting.projects WHERE id::text = ANY($1)", ids)
    finally:
        await conn.close()
    return {tuple(row) for row in rows}
