"""The sandbox viewer renders each feed's entries (a spreadsheet's `values` is data, not dict.values)."""

from __future__ import annotations

from types import SimpleNamespace

from anken_web.formatting import Formatter
from anken_web.i18n.catalogs import translations
from anken_web.navigation import navigation_for
from anken_web.rendering import templates


def render(feed: str, entries: list[dict]) -> str:
    return templates.get_template("admin/sandbox.html").render(
        _=lambda message, **values: translations("ja").gettext(message) % values if values
        else translations("ja").gettext(message),
        fmt=Formatter("ja"), locale="ja", user={"role": "admin", "name": "管理 太郎"}, nav=navigation_for("admin"),
        current_path="/admin/sandbox", csrf_token="t", csrf_field="csrf", csrf_header="X-CSRF", flash=None,
        is_htmx=False, settings=SimpleNamespace(anken_demo=False, portfolio_poll_s=60),
        request=SimpleNamespace(url=SimpleNamespace(path="/admin/sandbox", query="")),
        feed=feed, feeds=["slack", "confluence", "sheets", "webhooks"], entries=entries, error=None)


def test_the_sheets_feed_shows_each_sheet_with_its_row_count() -> None:
    html = render("sheets", [{"title": "アプローチリスト", "sheets": [
        {"title": "製造業", "values": [["会社名", "電話"], ["株式会社山田製作所", "052-000-0000"]]}]}])
    assert "製造業" in html and "株式会社山田製作所" in html
    assert "2" in html.split("製造業", 1)[1].split("</h3>", 1)[0], "the row count of the sheet"
