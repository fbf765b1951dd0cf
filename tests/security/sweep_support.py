"""The route sweep's world: two clients, each with a director, a member, a project and its data, built
through the real services over HTTP; and the callers that must never cross into client A.

Client A's resources are what the sweep aims at. Every outsider (B's director, a member not assigned
to A's project, B's partner key, A's revoked key, an expired token, a client user of B) calls every route
with A's ids. A client user of A (invited by A's director) calls every route too: only the routes of
anken_common.access.CLIENT_USER_ROUTES may answer them 2xx.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import asyncpg
import httpx

from anken_common.auth_tokens import issue_user_token
from anken_projects.auth.passwords import hash_password

PASSWORD = "sweep-password-0123"
PARTNER_SCOPES = ["read:projects", "read:kpis", "read:appointments", "write:appointment_outcomes", "write:targets"]


@dataclass
class Caller:
    name: str
    headers: dict[str, str]


@dataclass
class SweepWorld:
    urls: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)  # A's resource ids by kind
    admin: Caller | None = None
    outsiders: list[Caller] = field(default_factory=list)
    client_user_a: Caller | None = None  # a client user of client A: agency-internal routes must refuse them

    def a_ids(self) -> set[str]:
        return {value for key, value in self.ids.items() if not key.startswith("b_")}


def _insert_admin(database_url: str, email: str) -> str:
    async def insert() -> str:
        conn = await asyncpg.connect(database_url)
        try:
            user_id = uuid.uuid4()
            now = datetime.now(UTC)
            await conn.execute(
                "INSERT INTO projects.users (id, email, name, role, password_hash, locale, is_active, created_at,"
                " updated_at, version) VALUES ($1, $2, 'sweep admin', 'admin', $3, 'ja', true, $4, $4, 1)",
                user_id, email, hash_password(PASSWORD), now,
            )
            return str(user_id)
        finally:
            await conn.close()

    return asyncio.run(insert())


def _ok(response: httpx.Response, *codes: int) -> dict:
    assert response.status_code in (codes or (200, 201)), f"{response.request.method} {response.request.url}: " \
        f"{response.status_code} {response.text[:400]}"
    return response.json() if response.content else {}


def _login(api: httpx.Client, email: str) -> dict[str, str]:
    token = _ok(api.post("/v1/auth/token", json={"email": email, "password": PASSWORD}))["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _user(api: httpx.Client, admin: dict[str, str], role: str, label: str) -> tuple[str, dict[str, str]]:
    email = f"sweep-{label}-{uuid.uuid4().hex[:6]}@example.jp"
    body = {"email": email, "name": f"{label} 担当", "role": role, "password": PASSWORD}
    user = _ok(api.post("/v1/users", json=body, headers=admin), 201)
    return user["id"], _login(api, email)


def _client_user(api: httpx.Client, inviter: dict[str, str], client_id: str, label: str) -> dict[str, str]:
    """A client user of the client, invited (by `inviter`) and activated through the one-time link, logged in."""
    email = f"sweep-client-{label}-{uuid.uuid4().hex[:6]}@example.jp"
    invited = _ok(api.post(f"/v1/clients/{client_id}/invitations", headers=inviter,
                           json={"email": email, "name": f"{label} 発注担当"}), 201)
    token = parse_qs(urlparse(invited["link"]).query)["token"][0]
    _ok(api.post("/v1/invitations/accept", json={"token": token, "password": PASSWORD}))
    return _login(api, email)


def _tenant(api: httpx.Client, admin: dict[str, str], label: str) -> dict[str, object]:
    """A client with a director, an assigned member, an active-ready project, a list, a call and an appointment."""
    client_id = _ok(api.post("/v1/clients", json={"name": f"株式会社{label}商事"}, headers=admin), 201)["id"]
    director_id, director = _user(api, admin, "director", f"director-{label}")
    member_id, member = _user(api, admin, "member", f"member-{label}")
    project = _ok(api.post("/v1/projects", headers=admin, json={
        "client_id": client_id, "name": f"{label} 新規開拓", "director_id": director_id,
        "monthly_appointment_target": 20,
    }), 201)
    project_id = project["id"]
    assignment = _ok(api.post(f"/v1/projects/{project_id}/assignments", headers=admin,
                              json={"member_id": member_id, "planned_hours": 80}), 201)
    script = _ok(api.post(f"/v1/projects/{project_id}/scripts", headers=director,
                          json={"pattern": "A", "title": "基本トーク", "body": "お世話になっております。"}), 201)
    target_list = _ok(api.post(f"/v1/projects/{project_id}/target-lists", headers=director,
                               json={"name": f"{label} リスト"}), 201)
    csv_bytes = "company_name,phone\n株式会社サンプル,03-1234-5678\n株式会社見本,06-1234-5678\n".encode()
    imported = api.post(f"/v1/target-lists/{target_list['id']}/imports", headers=director,
                        files={"file": ("list.csv", csv_bytes, "text/csv")}, data={"dry_run": "false"})
    _ok(imported, 200, 201, 202)
    import_id = imported.json().get("id") or imported.json().get("import_id") or ""
    deadline = time.monotonic() + 30
    targets: list[dict] = []
    while time.monotonic() < deadline and len(targets) < 2:
        targets = _ok(api.get(f"/v1/target-lists/{target_list['id']}/targets", headers=director))["items"]
        time.sleep(0.2)
    assert len(targets) == 2, f"import did not create the targets: {imported.text[:300]}"
    occurred = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    call = _ok(api.post(f"/v1/projects/{project_id}/calls", headers=member, json={
        "target_id": targets[0]["id"], "member_id": member_id, "occurred_at": occurred, "outcome": "appointment",
        "duration_s": 200, "note": "来週火曜に訪問",
        "appointment": {"meeting_at": (datetime.now(UTC) + timedelta(days=7)).isoformat(), "qualification": {}},
    }), 201)
    appointments = _ok(api.get("/v1/appointments", params={"project_id": project_id}, headers=director))["items"]
    assert appointments, "the appointment call created no appointment"
    return {
        "client_id": client_id, "director_id": director_id, "director": director, "member_id": member_id,
        "member": member, "project_id": project_id, "assignment_id": assignment["id"], "script_id": script["id"],
        "list_id": target_list["id"], "target_id": targets[1]["id"], "call_id": call["id"], "import_id": import_id,
        "appointment_id": appointments[0]["id"],
    }


def build_world(urls: dict[str, str], database_url: str, secret_key: str) -> SweepWorld:
    world = SweepWorld(urls)
    admin_email = f"sweep-admin-{uuid.uuid4().hex[:6]}@example.jp"
    admin_id = _insert_admin(database_url, admin_email)
    with httpx.Client(base_url=urls["projects"], timeout=30) as api:
        admin = _login(api, admin_email)
        a = _tenant(api, admin, "A")
        b = _tenant(api, admin, "B")
        world.ids.update({k: str(v) for k, v in a.items() if isinstance(v, str) and v})
        world.ids.update({f"b_{k}": str(v) for k, v in b.items() if isinstance(v, str) and v})
        deal = _ok(api.post("/v1/deals", headers=a["director"], json={  # type: ignore[arg-type]
            "name": "A 社 更新", "account_name": "株式会社A商事", "amount": 3_000_000,
        }), 201)
        world.ids["deal_id"] = deal["id"]
        world.ids["pipeline_id"] = deal["pipeline_id"]
        quota = _ok(api.post("/v1/quotas", headers=admin, json={
            "owner_id": a["director_id"], "period_start": "2026-10-01", "period_end": "2027-01-01",
            "amount": 30_000_000,
        }), 201)
        world.ids["quota_id"] = quota["id"]
        dnc = _ok(api.post(f"/v1/clients/{a['client_id']}/do-not-call", headers=admin,
                           json={"company_name": "株式会社お断り", "phone": "03-9999-0000"}), 201)
        world.ids["entry_id"] = dnc["id"]
        key_b = _ok(api.post("/v1/api-keys", headers=admin, json={
            "client_id": b["client_id"], "name": "B partner", "scopes": PARTNER_SCOPES}), 201)
        key_a = _ok(api.post("/v1/api-keys", headers=admin, json={
            "client_id": a["client_id"], "name": "A revoked", "scopes": PARTNER_SCOPES}), 201)
        world.ids["key_id"] = key_a["id"]
        _ok(api.delete(f"/v1/api-keys/{key_a['id']}", headers=admin), 200, 204)
        client_user_a = _client_user(api, a["director"], str(a["client_id"]), "A")  # type: ignore[arg-type]
        client_user_b = _client_user(api, admin, str(b["client_id"]), "B")
        pending = _ok(api.post(f"/v1/clients/{a['client_id']}/invitations", headers=admin,
                               json={"email": f"sweep-pending-{uuid.uuid4().hex[:6]}@example.jp", "name": "A 招待中"}), 201)
        world.ids["invitation_id"] = pending["id"]
    with httpx.Client(base_url=urls["worker"], timeout=30) as worker:
        endpoint = _ok(worker.post("/v1/webhook-endpoints", headers=admin, json={
            "client_id": a["client_id"], "url": f"{urls['sandbox']}/_sandbox/webhooks/{uuid.uuid4()}",
        }), 201)
        world.ids["endpoint_id"] = endpoint["id"]
        settings = _ok(worker.put("/v1/integration-settings", headers=admin, json={
            "client_id": a["client_id"], "integration": "slack", "config": {"channel_prefix": "a-sweep"},
        }), 200, 201)
        world.ids["settings_id"] = settings["id"]
    expired = issue_user_token(secret_key, admin_id, "admin", ttl_s=-60)
    world.admin = Caller("admin", admin)
    world.outsiders = [
        Caller("director of client B", b["director"]),  # type: ignore[arg-type]
        Caller("member not assigned to A", b["member"]),  # type: ignore[arg-type]
        Caller("partner key of client B", {"Authorization": f"Bearer {key_b['secret']}"}),
        Caller("revoked key of client A", {"Authorization": f"Bearer {key_a['secret']}"}),
        Caller("expired admin token", {"Authorization": f"Bearer {expired}"}),
        Caller("client user of client B", client_user_b),
    ]
    world.client_user_a = Caller("client user of client A", client_user_a)
    return world
