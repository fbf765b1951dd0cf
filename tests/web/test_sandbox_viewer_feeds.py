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
        feed=feed, feeds=["slack", "confluence", "sheets", "webhooks", "mail"], entries=entries, error=None)


def test_the_sheets_feed_shows_each_sheet_with_its_row_count() -> None:
    html = render("sheets", [{"title": "アプローチリスト", "sheets": [
        {"title": "製造業", "values": [["会社名", "電話"], ["株式会社山田製作所", "052-000-0000"]]}]}])
    assert "製造業" in html and "株式会社山田製作所" in html
    assert "2" in html.split("製造業", 1)[1].split("</h3>", 1)[0], "the row count of the sheet"


def test_the_mail_feed_shows_each_caught_mail_newest_first_with_its_body() -> None:
    html = render("mail", [
        {"received_at": "2026-12-01T00:00:00+00:00", "rcpt_to": ["old@client.example.jp"], "subject": "古い招待",
         "text": "古い本文"},
        {"received_at": "2026-12-01T01:00:00+00:00", "rcpt_to": ["sato@client.example.jp"],
         "subject": "【Anken】株式会社サンプル 様 ご担当者としてのご招待",
         "text": "佐藤 一郎 様\n\nhttp://127.0.0.1:8000/invitations/accept?token=abc\n"}])
    table = html.split('id="sandbox-mail"', 1)[1]
    assert "宛先" in table and "件名" in table
    assert table.index("sato@client.example.jp") < table.index("old@client.example.jp"), "newest first"
    assert "ご担当者としてのご招待" in table and "/invitations/accept?token=abc" in table
    escaped = render("mail", [{"received_at": "2026-12-01T00:00:00+00:00", "rcpt_to": ["x@y.jp"],
                               "subject": "<script>x</script>", "text": ""}])
    assert "<script>x" not in escaped and "&lt;script&gt;x" in escaped
