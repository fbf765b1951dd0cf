"""The page of a client's shared report links (/clients/{id}/report-links) holds the one access rule for every
role: the client's director and admins read it; a director of another client and the client's own people get
404, as from the APIs; a manager or a member is told the page is not for their role."""

from __future__ import annotations

import uuid

import httpx

from e2e.clients import accepted_client_user, log_in_client
from e2e.conftest import log_in
from e2e.world import Person, World, new_user, ok


def _status(browser, services, path: str, person: Person | None = None, client_login: tuple[str, str] | None = None):
    context = browser.new_context(base_url=services["web"], locale="ja-JP")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        if client_login:
            log_in_client(page, *client_login, open_login=True)
        else:
            log_in(page, person)
        answer = page.goto(path)
        assert answer is not None
        return answer.status, page.content()
    finally:
        context.close()


def test_a_clients_links_page_opens_for_its_director_and_admins_only(browser, services, world: World) -> None:
    run = uuid.uuid4().hex[:6]
    other = new_user(world, "director", "別 ディレクター", f"other-director-{run}@e2e.example.jp")
    admin_api = httpx.Client(base_url=world.projects_url, headers=world.admin.headers, timeout=30)
    other_client = ok(admin_api.post("/v1/clients", json={"name": f"株式会社別顧客 {run}", "industry": "製造"}))
    ok(admin_api.post("/v1/projects", json={
        "client_id": other_client["id"], "name": f"別案件 {run}", "product": "SFA", "director_id": other.id,
        "monthly_appointment_target": 10, "contracted_monthly_hours": 80, "qualification_fields": ["budget"]}))
    email, password = f"links-client-{run}@e2e.example.jp", "client-password-0123"
    accepted_client_user(world, email, "顧客 担当者", password)
    page_of = f"/clients/{world.client_id}/report-links"

    for person in (world.director, world.admin):
        status, html = _status(browser, services, page_of, person)
        assert status == 200 and "この顧客のすべての共有リンク" in html, person.role
    # The other director reads their own client's page (the control), and not this one.
    assert _status(browser, services, f"/clients/{other_client['id']}/report-links", other)[0] == 200
    assert _status(browser, services, page_of, other)[0] == 404
    assert _status(browser, services, page_of, client_login=(email, password))[0] == 404
    for person in (world.manager, world.member):
        status, html = _status(browser, services, page_of, person)
        assert status == 403 and "この顧客のすべての共有リンク" not in html, person.role
