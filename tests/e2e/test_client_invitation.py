"""The director invites a person of their client from the web: a refused address keeps what was typed with the
rule next to the field, the invitation mail reaches the sandbox's SMTP catcher (in Japanese, with the same
one-time link the page shows once outside production), the pending invitation is listed with its expiry and can
be revoked; the link accepts a password and the client user lands on /client."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import expect

from e2e.clients import accept_invitation, log_in_client, submit_password
from e2e.conftest import log_in
from e2e.world import World, ok

CLIENT_PASSWORD = "invited-e2e-passphrase"


def test_director_invites_a_client_user_who_then_logs_in(page, world: World, services) -> None:
    run = uuid.uuid4().hex[:6]
    client_name = ok(httpx.get(f"{world.projects_url}/v1/clients/{world.client_id}", headers=world.director.headers,
                               timeout=30))["name"]
    log_in(page, world.director)
    page.get_by_role("link", name="クライアントユーザー").first.click()
    expect(page).to_have_url(f"{services['web']}/client-users")
    page.get_by_role("link", name=client_name).click()
    expect(page.locator("h1")).to_contain_text(client_name)

    # A refused address: the page keeps the name and the language, and says the rule beside the e-mail field.
    page.get_by_label("メールアドレス").fill("not-an-address")
    page.get_by_label("表示名").fill("発注 花子")
    page.locator("#ci-locale").select_option("en")
    page.get_by_role("button", name="招待を送る").click()
    expect(page.locator("#error-email")).to_contain_text("メールアドレス")
    expect(page.get_by_label("メールアドレス")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("表示名")).to_have_value("発注 花子")
    expect(page.locator("#ci-locale")).to_have_value("en")

    email = f"hanako-{run}@e2e.example.jp"
    page.get_by_label("メールアドレス").fill(email)
    page.locator("#ci-locale").select_option("ja")
    page.get_by_role("button", name="招待を送る").click()
    expect(page.locator("#invited")).to_contain_text(f"{email} を招待しました")
    expect(page.locator("#invited")).to_contain_text("表示されるのはこの一度だけ")
    link = page.locator("#invitation-link").inner_text().strip()
    assert link.startswith(services["web"] + "/invitations/accept?token="), link
    expect(page.locator("#copy-link")).to_be_visible()
    expect(page.locator("#mail-sent")).to_contain_text(f"{email} に一度だけ使えるリンクをメールで送りました")
    # Exactly one mail reached the invited address, in Japanese, with the link the page shows.
    mails = ok(httpx.get(f"{services['sandbox']}/_sandbox/mail/messages", params={"to": email}, timeout=30))["items"]
    assert [(m["to"], m["subject"]) for m in mails] == [([email], f"【Anken】{client_name} 様 ご担当者としてのご招待")]
    assert link in mails[0]["text"].splitlines() and mails[0]["text"].startswith("発注 花子 様\n"), mails[0]["text"]
    row = page.locator("#pending-invitations tbody tr", has_text=email)
    expect(row).to_contain_text("発注 花子")
    expect(row).not_to_contain_text("期限切れ")

    # A second invitation, revoked: its row goes and its link stops working.
    other = f"revoked-{run}@e2e.example.jp"
    page.get_by_label("メールアドレス").fill(other)
    page.get_by_label("表示名").fill("取消 太郎")
    page.get_by_role("button", name="招待を送る").click()
    revoked_link = page.locator("#invitation-link").inner_text().strip()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#pending-invitations tbody tr", has_text=other).get_by_role("button", name="無効化").click()
    expect(page.locator(".flash")).to_contain_text("招待を取り消しました")
    expect(page.locator("#pending-invitations")).not_to_contain_text(other)
    expect(page.locator("#pending-invitations")).to_contain_text(email)
    # The link is never shown again once the page is left.
    page.reload()
    expect(page.locator("#invitation-link")).to_have_count(0)

    # The invited person, in their own browser: the link sets the password, the login lands on /client.
    guest = page.context.browser.new_context(base_url=services["web"], locale="ja-JP")
    try:
        invitee = guest.new_page()
        submit_password(invitee, revoked_link, CLIENT_PASSWORD)
        expect(invitee.locator("#invitation-error")).to_contain_text("この招待リンクは使えません")
        accept_invitation(invitee, link, CLIENT_PASSWORD)
        log_in_client(invitee, email, CLIENT_PASSWORD)
        expect(invitee.locator("body")).to_contain_text(world.project_name)
        # The director's invitation page is not theirs.
        response = invitee.goto(f"/client-users/{world.client_id}")
        assert response is not None and response.status == 404
    finally:
        guest.close()

    # Accepted: the director's list no longer shows it as pending.
    page.reload()
    expect(page.locator("body")).not_to_contain_text(email)
