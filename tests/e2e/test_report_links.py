"""A director shares a published weekly report: the report page makes a link (the URL shown once), a fresh
browser with no login opens it and downloads the PPTX; the client's comment is on the director's page; once
revoked, the link opens a Japanese "link not valid" page."""

from __future__ import annotations

import io
import uuid

import httpx
from playwright.sync_api import expect
from pptx import Presentation

from anken_common.auth_tokens import issue_user_token
from e2e.conftest import log_in
from e2e.world import World

WEEK = "2026-W30"
COMMENT = "来週は製造業の結果も見たいです。"


def deck_text(body: bytes) -> str:
    deck = Presentation(io.BytesIO(body))
    return " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)


def test_a_shared_link_opens_the_report_without_login_until_revoked(page, browser, world: World, services,
                                                                    service_env) -> None:
    base = f"/v1/projects/{world.project_id}/weekly-reports/{WEEK}"
    with httpx.Client(base_url=world.reporting_url, timeout=30) as api:
        published = api.post(base + "/publish", headers=world.director.headers)
        assert published.status_code in (200, 201), published.text
        client_token = issue_user_token(service_env["ANKEN_SECRET_KEY"], str(uuid.uuid4()), "client",
                                        client_id=world.client_id)
        commented = api.post(base + "/comments", json={"body": COMMENT},
                             headers={"Authorization": f"Bearer {client_token}"})
        assert commented.status_code == 201, commented.text

    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/reports?week={WEEK}")
    expect(page.locator("#comments-title")).to_have_text("クライアントからのコメント")
    expect(page.locator("#comment-list")).to_contain_text(COMMENT)
    # The director's reply: refused when it is only spaces (kept as typed, the rule beside the box), then posted.
    page.locator("#comment-body").fill("　　 ")
    page.locator("#post-comment").evaluate("b => { b.form.noValidate = true; }")
    with page.expect_navigation():
        page.locator("#post-comment").click()
    expect(page.locator("#comment-body")).to_have_value("　　 ")
    expect(page.locator("#comment-body")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#comment-body-error")).to_contain_text("クライアントへの返信")
    page.locator("#comment-body").fill("業種別の結果を次回お持ちします。")
    with page.expect_navigation():
        page.locator("#post-comment").click()
    expect(page.locator("#comment-list li")).to_have_count(2)
    expect(page.locator("#comment-list li").last).to_contain_text("業種別の結果を次回お持ちします。")
    # The agency's reply stands apart from the client's comment (indented, a rule at its side).
    expect(page.locator("#comment-list li").last).to_have_class("comment-reply")
    expect(page.locator("#comment-list li").first).not_to_have_class("comment-reply")
    assert page.locator("#comment-list li.comment-reply").evaluate("li => getComputedStyle(li).borderLeftStyle") == "solid"
    expect(page.locator("#share-title")).to_have_text("共有リンク")
    # (The worker may have made a link of its own already, for its Slack post of the publish.)
    page.locator("#create-link").click()
    expect(page.locator("#new-link")).to_contain_text("表示はこの一度だけです")
    url = page.locator("#new-link-url").inner_text().strip()
    assert url.startswith(services["web"] + "/r/"), url
    mine = page.locator('#share-link-list tr[data-status="active"]', has_text=world.director.name)
    expect(mine).to_have_count(1)

    # Someone with the link and no account: a fresh browser context, no session cookie.
    context = browser.new_context(locale="ja-JP", accept_downloads=True)
    context.set_default_timeout(15_000)
    try:
        visitor = context.new_page()
        visitor.goto(url)
        expect(visitor.locator("h1")).to_contain_text(world.project_name)
        expect(visitor.locator("#shared-meta")).to_contain_text("第 1 版")
        expect(visitor.locator("#shared-expiry")).to_contain_text("ログインなしで開けます")
        assert "/login" not in visitor.url
        with visitor.expect_download() as info:
            visitor.locator('[data-download="pptx"]').click()
        assert info.value.suggested_filename.endswith("第1版.pptx"), info.value.suggested_filename
        with open(info.value.path(), "rb") as handle:
            text = deck_text(handle.read())
        assert world.project_name in text and "第 1 版" in text and "下書き" not in text
        preview = visitor.request.get(url + "/download.html")
        assert preview.ok and preview.headers["content-disposition"].startswith("inline")

        mine.locator("[data-revoke]").click()
        expect(page.locator('#share-link-list tr[data-status="revoked"]', has_text=world.director.name)).to_have_count(1)
        expect(mine).to_have_count(0)
        answer = visitor.goto(url)
        assert answer is not None and answer.status == 404
        expect(visitor.locator("#link-invalid h1")).to_have_text("このリンクではレポートを開けません")
        assert visitor.request.get(url + "/download.pptx").status == 404

        # The project's page lists every week's links, the revoked one with its week.
        page.locator("#all-share-links").click()
        row = page.locator('#share-link-list tr[data-status="revoked"]', has_text=world.director.name)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(WEEK)
        expect(row).to_contain_text("取り消し済み")

        # The client's page lists every project's links: one more, made through the API, is revoked there.
        with httpx.Client(base_url=world.reporting_url, timeout=30) as api:
            made = api.post(base + "/links", json={}, headers=world.director.headers)
            assert made.status_code == 201, made.text
        page.locator("#client-share-links").click()
        expect(page.locator("#client-share-title")).to_have_text("この顧客のすべての共有リンク")
        assert page.url.endswith(f"/clients/{world.client_id}/report-links")
        revoked = page.locator('#share-link-list tr[data-status="revoked"]', has_text=world.director.name)
        expect(revoked).to_have_count(1)
        expect(revoked).to_contain_text(world.project_name)
        fresh = page.locator(f'#share-link-list tr[data-link="{made.json()["id"]}"]')
        expect(fresh).to_have_attribute("data-status", "active")
        with page.expect_navigation():
            fresh.locator("[data-revoke]").click()
        assert page.url.endswith(f"/clients/{world.client_id}/report-links")  # back where the button was
        expect(page.locator(f'#share-link-list tr[data-link="{made.json()["id"]}"]')).to_have_attribute(
            "data-status", "revoked")
        gone = visitor.goto(services["web"] + made.json()["url_path"])
        assert gone is not None and gone.status == 404
        # Another client's page is 404 to this director, as in the APIs.
        other = page.goto(f"/clients/{uuid.uuid4()}/report-links")
        assert other is not None and other.status == 404
    finally:
        context.close()
