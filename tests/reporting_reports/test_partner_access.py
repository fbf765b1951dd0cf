"""Partners (API keys with read:kpis) see only what the director published, and only for their client."""

from __future__ import annotations

import uuid

import pytest

from anken_reporting.auth.dependencies import get_principal
from anken_reporting.auth.principal import Principal

from .conftest import ReportWorld

URL = "/v1/projects/{id}/weekly-reports/2026-W46"


@pytest.fixture
def as_partner(world: ReportWorld):
    app = world.app

    def use(client_id: uuid.UUID, scopes: frozenset[str] = frozenset({"read:kpis"})) -> None:
        partner = Principal(kind="api_key", id=uuid.uuid4(), client_id=client_id, scopes=scopes)
        app.dependency_overrides[get_principal] = lambda: partner

    yield use
    app.dependency_overrides.pop(get_principal, None)


async def test_partners_get_the_published_version_never_the_draft(world: ReportWorld, as_partner):
    url = URL.format(id=world.project_id)
    await world.client.put(url + "/draft", json={"notes": {"objections": ["社内向けメモ"]}}, headers=world.headers())
    as_partner(world.client_id)
    assert (await world.client.get(url)).status_code == 404  # nothing published yet
    assert (await world.client.get(url + ".pptx")).status_code == 404
    world.app.dependency_overrides.pop(get_principal, None)

    published = await world.client.post(url + "/publish", headers=world.headers())
    assert published.status_code == 201
    await world.client.put(url + "/draft", json={"notes": {"objections": ["公開後の下書き"]}}, headers=world.headers())

    as_partner(world.client_id)
    report = (await world.client.get(url)).json()
    assert report["status"] == "published" and report["notes"]["objections"] == ["社内向けメモ"]
    csv_file = await world.client.get(url + ".csv")
    assert csv_file.status_code == 200 and "v1" in csv_file.headers["content-disposition"]
    assert (await world.client.post(url + "/publish")).status_code == 403


async def test_partners_of_another_client_or_without_the_scope_see_nothing(world: ReportWorld, as_partner):
    url = URL.format(id=world.project_id)
    as_partner(uuid.uuid4())
    assert (await world.client.get(url)).status_code == 404
    as_partner(world.client_id, frozenset({"read:appointments"}))
    assert (await world.client.get(url)).status_code == 403
