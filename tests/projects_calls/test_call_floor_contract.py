"""Schemathesis over the call floor's operations only (a bounded, derandomized number of examples
each, against the real process): no server error, responses as documented.

Half of the generated requests get real ids in their path (a seeded project, list, target, call,
appointment, import and do-not-call entry), so random bodies reach the handlers, not only 404s.
"""

from __future__ import annotations

import asyncio
import uuid
import zlib
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from anken_common.auth_tokens import Role, issue_user_token
from harness.contract import run_contract

CALL_FLOOR_PATHS = ("/v1/target-lists", "/v1/targets", "/v1/imports", "/v1/calls", "/v1/appointments",
                    "/v1/do-not-call", "/calls", "/next-target", "/target-lists", "/do-not-call")


async def seed(dsn: str) -> dict[str, uuid.UUID]:
    ids = {name: uuid.uuid4() for name in ("admin", "member", "client", "project", "list", "target")}
    conn = await asyncpg.connect(dsn)
    try:
        await conn.executemany("INSERT INTO projects.users (id, email, name, role) VALUES ($1, $2, $3, $4)", [
            (ids["admin"], f"admin-{ids['admin'].hex[:8]}@contract.test", "管理者", "admin"),
            (ids["member"], f"member-{ids['member'].hex[:8]}@contract.test", "メンバー", "member")])
        await conn.execute("INSERT INTO projects.clients (id, name) VALUES ($1, '契約テスト')", ids["client"])
        await conn.execute("INSERT INTO projects.projects (id, client_id, name, status) VALUES ($1, $2, 'p', 'active')",
                           ids["project"], ids["client"])
        await conn.execute("INSERT INTO projects.assignments (id, project_id, member_id) VALUES ($1, $2, $3)",
                           uuid.uuid4(), ids["project"], ids["member"])
        await conn.execute("INSERT INTO projects.target_lists (id, project_id, client_id, name) VALUES ($1, $2, $3, 'l')",
                           ids["list"], ids["project"], ids["client"])
        await conn.execute(
            "INSERT INTO projects.targets (id, target_list_id, project_id, client_id, company_name, company_name_key, phone) "
            "VALUES ($1, $2, $3, $4, '株式会社契約', '契約', '0311112222')",
            ids["target"], ids["list"], ids["project"], ids["client"])
    finally:
        await conn.close()
    return ids


def seed_through_api(url: str, headers: dict[str, str], ids: dict[str, uuid.UUID]) -> dict[str, str]:
    call = httpx.post(f"{url}/v1/projects/{ids['project']}/calls", headers=headers, json={
        "target_id": str(ids["target"]), "member_id": str(ids["member"]), "occurred_at": datetime.now(UTC).isoformat(),
        "outcome": "appointment", "duration_s": 60,
        "appointment": {"meeting_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()}}).json()
    entry = httpx.post(f"{url}/v1/clients/{ids['client']}/do-not-call", headers=headers,
                       json={"phone": "03-9999-0000"}).json()
    job = httpx.post(f"{url}/v1/target-lists/{ids['list']}/imports", headers=headers, data={"dry_run": "true"},
                     files={"file": ("l.csv", "会社名\n株式会社例\n".encode())}).json()
    return {
        "project_id": str(ids["project"]), "list_id": str(ids["list"]), "target_id": str(ids["target"]),
        "client_id": str(ids["client"]), "call_id": call["id"], "appointment_id": call["appointment_id"],
        "entry_id": entry["id"], "import_id": job["id"],
    }


@pytest.mark.slow
def test_call_floor_operations_never_answer_500(stack, service_env) -> None:
    service = stack.start("projects")
    ids = asyncio.run(seed(service_env["DATABASE_URL"]))
    token = issue_user_token(service_env["ANKEN_SECRET_KEY"], str(ids["admin"]), Role.admin)
    headers = {"Authorization": f"Bearer {token}"}
    real = seed_through_api(service.url, headers, ids)

    def with_real_ids(case) -> None:
        # Half the requests carry real ids in their path, so random bodies reach the handlers, not only 404s.
        if case.path_parameters and zlib.crc32(repr(case.body).encode()) % 2 == 0:
            case.path_parameters = {k: real.get(k, v) for k, v in case.path_parameters.items()}

    run = run_contract(service.url, headers, max_examples=15, prepare=with_real_ids,
                       include=lambda operation: any(part in operation.path for part in CALL_FLOOR_PATHS))
    run.assert_no_failures()
    classes = {n: sum(count for (_, c), count in run.statuses.items() if c == n) for n in (2, 4)}
    assert classes[2] > 20 and classes[4] > 20, run.statuses
