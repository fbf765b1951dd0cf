"""The client portal's pieces without servers: every /client page is open to a client user (and nothing else
is), the month filter asks for the project's own month, and the CSV export is in words and formula-safe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.routing import APIRoute

from anken_web.formatting import Formatter
from anken_web.i18n.catalogs import translations
from anken_web.navigation import CLIENT_PAGES, client_may_open
from anken_web.pages import discover_page_routers
from anken_web.pages.portal_appointments import csv_rows, filters_of, list_params
from anken_web.pages.portal_common import month_of


def test_every_portal_page_and_only_those_is_open_to_a_client_user() -> None:
    portal = {route.path for router in discover_page_routers() for route in router.routes
              if isinstance(route, APIRoute) and (route.path == "/client" or route.path.startswith("/client/"))}
    assert portal == set(CLIENT_PAGES)
    for agency_page in ("/home", "/projects/{project_id}", "/projects/{project_id}/appointments", "/admin/users"):
        assert not client_may_open(agency_page)


def test_the_month_filter_is_the_projects_month_and_junk_is_dropped() -> None:
    assert filters_of("no_show", "2026-11") == {"status": "no_show", "month": "2026-11"}
    assert filters_of("drop table", "2026-13") == {"status": "", "month": ""}
    params = list_params({"id": "p1", "timezone": "Asia/Tokyo"}, filters_of("", "2026-12"))
    assert (params["from"], params["to"]) == ("2026-12-01T00:00:00+09:00", "2027-01-01T00:00:00+09:00")
    assert "from" not in list_params({"id": "p1"}, filters_of("", ""))
    assert [d.isoformat() for d in month_of(date(2028, 2, 29))] == ["2028-02-01", "2028-03-01"]


@dataclass
class FakeView:
    locale: str

    def _(self, message: str, **values: Any) -> str:
        text = translations(self.locale).gettext(message)
        return text % values if values else text

    @property
    def fmt(self) -> Formatter:
        return Formatter(self.locale)


def test_the_csv_export_is_in_japanese_and_never_a_formula() -> None:
    project = {"id": "p1", "timezone": "Asia/Tokyo", "qualification_fields": ["authority", "budget"]}
    items = [{"meeting_at": "2026-12-03T05:00:00+00:00", "company_name": "=HYPERLINK(\"http://evil\")",
              "contact_name": "山田 太郎", "contact_title": "部長", "qualification": {"budget": "+300万円", "authority": "部長"},
              "note": "@メモ", "handoff_status": "held", "partner_outcome": "qualified", "unqualified_reason": None,
              "deal_amount": 1_200_000, "deal_stage": "negotiation", "member_name": None}]
    header, row = csv_rows(FakeView("ja"), project, items)  # type: ignore[arg-type]
    assert header[:5] == ["商談日時", "企業名", "先方担当者名", "予算", "決裁者"]
    assert "メンバー" not in header  # no member column when the API shows no member names
    assert row[1].startswith("'=") and row[3] == "'+300万円" and row[5] == "'@メモ"
    assert row[0].startswith("2026") and "14:00" in row[0]  # the meeting in the project's time zone
    assert row[-5:] == ["実施済み", "有効", "", 1_200_000, "交渉中"]
