"""The live projects-api process and an admin user's token for contract testing."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import pytest

from anken_projects.auth.passwords import hash_password

PASSWORD = "contract-test-password"


async def _create_admin(dsn: str, email: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO projects.users (id, email, name, role, password_hash) VALUES ($1, $2, '契約テスト管理者', 'admin', $3)",
            uuid.uuid4(), email, hash_password(PASSWORD),
        )
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def projects_service(stack):
    return stack.start("projects")


@pytest.fixture(scope="session")
def admin_headers(projects_service, service_env) -> dict[str, str]:
    email = f"contract-{uuid.uuid4().hex[:8]}@contract.example.com"
    asyncio.run(_create_admin(service_env["DATABASE_URL"], email))
    response = httpx.post(f"{projects_service.url}/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
