"""Revoking a shared link returns to the page the button was on; a client id from the form is parsed as a UUID
before it becomes a path, so a forged value can never send the browser elsewhere."""

from __future__ import annotations

import uuid

from anken_web.pages.report_links import _back_to


def test_revoking_returns_to_the_week_the_project_or_the_client() -> None:
    client_id = uuid.uuid4()
    assert _back_to("p1", "2026-W30", {"back": "week"}) == "/projects/p1/reports?week=2026-W30#share-links"
    assert _back_to("p1", "2026-W30", {"back": "project"}) == "/projects/p1/report-links"
    assert _back_to("p1", "2026-W30", {"back": "client", "client_id": str(client_id).upper()}) == \
        f"/clients/{client_id}/report-links"


def test_a_forged_client_id_falls_back_to_the_week() -> None:
    for forged in ("//evil.example", "../admin", "", "8fcc97e3-1fba-4767-b412-bd663fbb6326/../../x"):
        assert _back_to("p1", "2026-W30", {"back": "client", "client_id": forged}) == \
            "/projects/p1/reports?week=2026-W30#share-links", forged
