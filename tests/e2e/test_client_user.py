"""A client user invited by the director sets a password through the link, logs in to the same web UI and
sees only their client's projects; every agency page, and another client's project, is 404 to them."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import expect

from e2e.clients import accept_invitation, log_in_client, submit_password
from e2e.world import World, ok

CLIENT_PASSWORD = "client-e2e-passphrase"


def test_invited_client_user_sees_only_their_clients_projects(page, world: World, services) -> None:
    run = uuid.uuid4().hex[:6]
    admin_api = httpx.Client(base_url=world.projects_url, headers=world.admin.headers, timeout=30)
    other_client = ok(admin_api.post("/v1/clients", json={"name": f"株式会社ほか {run}"}))["id"]
    other = ok(admin_api.post("/v1/projects", json={
        "client_id": other_client, "name": f"他社案件 {run}", "director_id": world.admin.id,
        "monthly_appointment_target": 10}))
    email = f"client-{run}@e2e.example.jp"
    invited = ok(httpx.post(f"{world.projects_url}/v1/clients/{world.client_id}/invitations",
                            json={"email": email, "name": "発注 太郎"}, headers=world.director.headers, timeout=30))

    # The link's page: two different passwords are refused next to the field, and what was typed is asked again.
    submit_password(page, invited["link"], CLIENT_PASSWORD, again=CLIENT_PASSWORD + "x")
    expect(page.locator("#password-again-error")).to_contain_text("同じパスワードを2回入力してください")
    accept_invitation(page, None, CLIENT_PASSWORD)

    log_in_client(page, email, CLIENT_PASSWORD)
    # Exactly their client's projects (other tests of the session may add more to the same client).
    own = [p for p in ok(admin_api.get("/v1/projects", params={"limit": 500}))["items"]
           if p["client_id"] == world.client_id]
    rows = page.locator("#client-projects tbody tr")
    expect(rows).to_have_count(len(own))
    row = page.locator(f'#client-projects tr[data-project-id="{world.project_id}"]')
    expect(row).to_contain_text(world.project_name)
    expect(page.locator("#client-projects")).not_to_contain_text(other["name"])
    expect(row.locator("td").nth(1)).to_have_text("稼働中")  # the status in words, never its code

    # The link works once.
    page_again = page.context.new_page()
    submit_password(page_again, invited["link"], "another-passphrase-9")
    expect(page_again.locator("#invitation-error")).to_contain_text("この招待リンクは使えません")
    page_again.close()

    for path in (f"/projects/{other['id']}", f"/projects/{world.project_id}", "/pipeline", "/forecast", "/home",
                 "/projects", "/admin/users", "/calling"):
        response = page.goto(path)
        assert response is not None and response.status == 404, f"{path}: {response.status if response else None}"
