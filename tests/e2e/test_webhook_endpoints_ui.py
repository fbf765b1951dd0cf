"""Partner webhook endpoints in the browser: an admin adds one pointing at the sandbox's partner receiver, sees
its signing secret once, sends tests that the receiver verifies (before and after rotating the secret) and
sees the deliveries; a private address is refused beside the URL field; another client's director gets 404."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World, new_user, ok


def _received(sandbox: str, receiver_id: str) -> list[dict]:
    answer = httpx.get(f"{sandbox}/_sandbox/webhooks/received", params={"endpoint_id": receiver_id}, timeout=30)
    return ok(answer)["items"]


def _send_test(page, url: str) -> None:
    page.locator("#endpoints tbody tr", has_text=url).get_by_role("button", name="テスト送信").click()


def test_admin_adds_an_endpoint_sees_the_secret_once_tests_and_rotates(page, world: World, services) -> None:
    sandbox = services["sandbox"]
    receiver = ok(httpx.post(f"{sandbox}/_sandbox/webhooks/endpoints", json={}, timeout=30))
    log_in(page, world.admin)
    page.goto("/webhooks")
    page.get_by_role("link", name=re.compile("株式会社E2E商事")).first.click()
    expect(page).to_have_url(re.compile(f"/webhooks/{world.client_id}$"))

    page.fill("#wh-url", receiver["url"])
    page.fill("#wh-description", "E2E 受信テスト")
    page.get_by_role("button", name="エンドポイントを追加する").click()
    secret = page.locator("#webhook-secret").inner_text().strip()
    assert secret.startswith("whsec_"), secret
    expect(page.locator("#new-secret")).to_contain_text("表示されるのはこの一度だけです")
    row = page.locator("#endpoints tbody tr", has_text=receiver["url"])
    expect(row).to_contain_text("アポイント獲得")  # the event types by their labels, never the codes
    expect(row).to_contain_text("有効")

    page.goto(f"/webhooks/{world.client_id}")
    expect(page.locator("#webhook-secret")).to_have_count(0)  # never shown again
    assert secret not in page.content()

    # The partner verifies with the secret it was shown.
    ok(httpx.put(f"{sandbox}/_sandbox/webhooks/endpoints/{receiver['id']}/secret", json={"secret": secret}, timeout=30))
    _send_test(page, receiver["url"])
    expect(page.locator(".flash")).to_contain_text("成功")
    expect(page.locator(".flash")).to_contain_text(re.compile(r"HTTP 2\d\d"))
    first = _received(sandbox, receiver["id"])
    assert len(first) == 1 and first[0]["verified"] is True, first

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#endpoints tbody tr", has_text=receiver["url"]).get_by_role(
        "button", name="シークレットを更新").click()
    rotated = page.locator("#webhook-secret").inner_text().strip()
    assert rotated.startswith("whsec_") and rotated != secret

    # With only the new secret, the partner still verifies the next test.
    ok(httpx.put(f"{sandbox}/_sandbox/webhooks/endpoints/{receiver['id']}/secret", json={"secret": rotated}, timeout=30))
    page.goto(f"/webhooks/{world.client_id}")
    _send_test(page, receiver["url"])
    expect(page.locator(".flash")).to_contain_text("成功")
    after = _received(sandbox, receiver["id"])
    assert len(after) == 2 and after[-1]["verified"] is True, after

    deliveries = page.locator("#deliveries tbody tr")
    expect(deliveries).to_have_count(2)
    expect(deliveries.first).to_contain_text("テスト Webhook の送信")
    expect(deliveries.first).to_contain_text("成功")
    shown = page.inner_text("body")
    assert "webhook.test" not in shown and "succeeded" not in shown

    # A receiver that refuses: the test send shows the status in the red banner, never the answer's body.
    ok(httpx.put(f"{sandbox}/_sandbox/webhooks/endpoints/{receiver['id']}/secret",
                 json={"secret": "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="}, timeout=30))
    _send_test(page, receiver["url"])
    expect(page.locator("#flash-error")).to_contain_text(re.compile(r"テスト送信.*HTTP 4\d\d"))


def test_a_private_address_is_refused_beside_the_url_field(page, world: World) -> None:
    log_in(page, world.admin)
    page.goto(f"/webhooks/{world.client_id}")
    page.fill("#wh-url", "http://127.0.0.1:9/hook")
    page.fill("#wh-description", "社内向け")
    page.get_by_role("button", name="エンドポイントを追加する").click()
    error = page.locator("#error-url")
    expect(error).to_contain_text("URL")
    expect(error).to_contain_text("公開アドレス")
    expect(page.locator("#wh-url")).to_have_value("http://127.0.0.1:9/hook")
    expect(page.locator("#wh-description")).to_have_value("社内向け")
    expect(page.locator("#wh-url")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#flash-error")).to_contain_text("エンドポイントは追加されていません")
    expect(page.locator("#webhook-secret")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("127.0.0.1:9")  # nothing was added (the input keeps it)


def test_a_director_of_another_client_gets_404(browser, world: World, services) -> None:
    api = httpx.Client(base_url=world.projects_url, headers=world.admin.headers, timeout=30)
    run = uuid.uuid4().hex[:6]
    other = new_user(world, "director", "別 ディレクター", f"director-other-{run}@e2e.example.jp")
    other_client = ok(api.post("/v1/clients", json={"name": f"株式会社別商事 {run}", "industry": "製造"}))["id"]
    ok(api.post("/v1/projects", json={
        "client_id": other_client, "name": f"別案件 {run}", "product": "生産管理", "director_id": other.id,
        "monthly_appointment_target": 10, "contracted_monthly_hours": 80, "qualification_fields": ["budget"]}))

    context = browser.new_context(base_url=services["web"], locale="ja-JP")
    try:
        page = context.new_page()
        log_in(page, other)
        assert page.goto(f"/webhooks/{other_client}").status == 200
        expect(page.get_by_role("heading", level=1)).to_contain_text("株式会社別商事")
        assert page.goto(f"/webhooks/{world.client_id}").status == 404
        page.goto("/webhooks")
        expect(page.locator("main")).not_to_contain_text("株式会社E2E商事")
    finally:
        context.close()
