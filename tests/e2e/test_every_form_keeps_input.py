"""Every form keeps what was typed when the server refuses it, and says why next to the refused field:
in red, in Japanese, naming the field's own label, with no API key (snake_case) in the sentence.

The table FORMS lists each form once; a new form is one more line. A value of a field is typed into an
input or textarea, chosen in a select, or checks a checkbox ("on"); `secrets` are typed but must come
back empty (a password is never echoed into a page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from e2e.conftest import log_in
from e2e.world import World


@dataclass(frozen=True)
class Form:
    who: str  # the World's person who fills it ("": nobody logged in)
    url: str  # formatted with the World's fields ({project_id}, {client_id}, {member_id}, …)
    fields: tuple[tuple[str, str], ...]  # (css selector, value), typed in this order and kept afterwards
    refused: str  # the selector of the field whose value the server refuses
    label: str  # that field's Japanese label, as the message must name it
    submit: str  # the selector of the submit button
    secrets: tuple[tuple[str, str], ...] = ()  # (css selector, value): typed, never shown again
    opens: str = ""  # a control to click first (e.g. a <details> summary)
    htmx: bool = False  # the answer replaces part of the page instead of loading a new one
    counter: str = ""  # a long text's character counter: "selector|limit as shown" (e.g. "#count-x|4,000")


LONG = "長" * 20_001  # beyond every text limit of these forms

FORMS: dict[str, Form] = {
    "admin user create": Form(
        "admin", "/admin/users",
        (("#nu-name", "新規 太郎"), ("#nu-email", "not-an-address"), ("#nu-role", "manager"), ("#nu-locale", "en")),
        "#nu-email", "メールアドレス", "form[method=post][action='/admin/users'] button[type=submit]",
        secrets=(("#nu-password", "long-enough-password"),)),
    "admin user role and password": Form(
        "admin", "/admin/users?q={member_email}",
        (("#role-{member_id}", "manager"),), "#pw-{member_id}", "新しいパスワード(任意)",
        "form[method=post][action='/admin/users/{member_id}/role'] button[type=submit]", secrets=(("#pw-{member_id}", "short"),)),
    "admin client create": Form(
        "admin", "/admin/clients", (("#nc-name", "拒否される株式会社"), ("#nc-industry", "業" * 101)),
        "#nc-industry", "業種", "form[method=post][action='/admin/clients'] button[type=submit]"),
    "admin API key create": Form(
        "admin", "/admin/api-keys?client_id={client_id}",
        (("#nk-client", "{client_id}"), ("#nk-name", "スコープなしのキー"), ("#nk-expires", "2031-03-31")),
        "fieldset:has(#scope-1)", "スコープ", "form[method=post][action='/admin/api-keys'] button[type=submit]"),
    "admin integration settings": Form(
        "admin", "/admin/integrations",
        (("#in-client", "{client_id}"), ("#in-project", "{project_id}"), ("#in-kind", "confluence"),
         ("#in-config", "site=example.atlassian.net\nspace_id=E2E"), ("#in-enabled", "off")),
        "#in-secret", "トークンまたはキー(暗号化して保存、再表示されません)",
        "form[method=post][action='/admin/integrations'] button[type=submit]", secrets=(("#in-secret", "short"),)),
    "new script variant": Form(
        "director", "/projects/{project_id}/scripts",
        (("#ns-pattern", "B"), ("#ns-industry", "製造業（拒否）"), ("#ns-title", "長すぎる台本"), ("#ns-body", "あ" * 50_001)),
        "#ns-body", "トークスクリプト", "form[method=post][action$='/scripts'] button[type=submit]",
        opens="details.card > summary", counter="#count-ns-body|50,000"),
    "new script version": Form(
        "director", "/projects/{project_id}/scripts",
        (("#sv-title", "タ" * 201), ("#sv-body", "新しい版の本文")),
        "#sv-title", "タイトル", "form[method=post][action$='/versions'] button[type=submit]",
        opens="a[href*='script_id='] >> nth=0"),
    "new project": Form(
        "director", "/projects",
        (("#np-client", "{client_id}"), ("#np-name", "拒否される案件"), ("#np-product", "勤怠SaaS"),
         ("#np-target", "たくさん"), ("#np-hours", "120"), ("#np-qual", "budget, need")),
        "#np-target", "月間アポ目標", "form[method=post][action='/projects'] button[type=submit]"),
    "add assignment": Form(
        "director", "/projects/{project_id}", (("#as-hours", "-5"),),
        "#as-hours", "予定稼働時間", "form[method=post][action$='/assignments'] button[type=submit]"),
    "contract change": Form(
        "director", "/projects/{project_id}",
        (("#cc-kind", "upsell"), ("#cc-date", "2027-01-01"), ("#cc-hours", "150"), ("#cc-scope", "on"),
         ("#cc-note", "増" * 2001)),
        "#cc-note", "メモ", "form[method=post][action$='/contract-changes'] button[type=submit]",
        opens="details:has(#cc-kind) > summary", counter="#count-cc-note|2,000"),
    "end-of-day report": Form(
        "member", "/calling/{project_id}",
        (("#eod-hours", "7.5"), ("#eod-summary", "今日は 40 件架電"), ("#eod-good-reactions", "導入時期の質問が多い"),
         ("#eod-objections", "予算がない"), ("#eod-next-actions", "明" * 4001)),
        "#eod-next-actions", "明日のアクション", "#eod button[type=submit]", htmx=True,
        counter="#count-eod-next-actions|4,000"),
    "end-of-day report hours (the web's own check)": Form(
        "member", "/calling/{project_id}",
        (("#eod-hours", "七時間"), ("#eod-summary", "今日は 40 件架電")),
        "#eod-hours", "本日の稼働時間", "#eod button[type=submit]", htmx=True),
    "new target list": Form(
        "director", "/projects/{project_id}/targets", (("#tl-name", "名" * 201), ("#tl-source", "展示会リスト")),
        "#tl-name", "リスト名", "form[method=post][action$='/target-lists'] button[type=submit]"),
    "client user invitation": Form(
        "director", "/client-users/{client_id}",
        (("#ci-email", "not-an-address"), ("#ci-name", "発注 花子"), ("#ci-locale", "en")),
        "#ci-email", "メールアドレス", "form[method=post][action$='/invitations'] button[type=submit]"),
    "login": Form("", "/login", (("#email", "someone@example.jp"),), "#password", "パスワード",
                  "form[method=post][action='/login'] button[type=submit]"),
}

_SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _set(page, selector: str, value: str) -> None:
    element = page.locator(selector)
    tag, kind = element.evaluate("e => [e.tagName.toLowerCase(), (e.type || '').toLowerCase()]")
    if tag == "select":
        element.select_option(value)
    elif kind == "checkbox":
        element.set_checked(value == "on")
    else:
        element.fill(value)


def _value(page, selector: str) -> str:
    element = page.locator(selector)
    if element.evaluate("e => (e.type || '').toLowerCase()") == "checkbox":
        return "on" if element.is_checked() else "off"
    return element.input_value()


@pytest.mark.parametrize("name", list(FORMS))
def test_a_refused_form_keeps_what_was_typed_and_names_the_rule(page, world: World, name: str) -> None:
    form = FORMS[name]
    known = {"project_id": world.project_id, "client_id": world.client_id, "list_id": world.list_id,
             "member_id": world.member.id, "member_email": world.member.email, "deal_id": world.deal_id}

    def fmt(text: str) -> str:
        return text.format(**known)

    fields = [(fmt(selector), fmt(value)) for selector, value in form.fields]
    secrets = [(fmt(selector), value) for selector, value in form.secrets]
    if form.who:
        log_in(page, getattr(world, form.who))
    page.goto(fmt(form.url))
    if form.opens:
        page.click(form.opens)
    if form.counter:  # the limit is visible before the server refuses anything
        counter, limit = form.counter.split("|")
        assert f"/ {limit} 文字" in page.locator(counter).inner_text(), f"{name}: no counter up to {limit}"
    for selector, value in [*fields, *secrets]:
        _set(page, selector, value)
    # The server judges: the browser's own checks (required, minlength, type=email) are set aside.
    page.locator(fmt(form.submit)).evaluate("b => { if (b.form) b.form.noValidate = true; }")
    if form.htmx:
        with page.expect_response(lambda response: response.request.method == "POST"):
            page.click(fmt(form.submit))
        page.locator(f"{fmt(form.refused)}[aria-invalid=true]").wait_for()
    else:
        with page.expect_navigation():
            page.click(fmt(form.submit))

    for selector, value in fields:
        assert _value(page, selector) == value, f"{name}: {selector} lost what was typed"
    for selector, _typed in secrets:
        assert page.locator(selector).input_value() == "", f"{name}: {selector} echoed a secret"
    refused = page.locator(fmt(form.refused))
    assert refused.get_attribute("aria-invalid") == "true", f"{name}: {form.refused} is not marked invalid"
    message = page.locator(f"#{refused.get_attribute('aria-describedby').split()[-1]}")
    text = message.inner_text()
    assert form.label in text, f"{name}: {text!r} does not name {form.label}"
    assert not _SNAKE.search(text), f"{name}: {text!r} shows an API key"
    assert re.search(r"[ぁ-んァ-ン一-龥]", text.replace(form.label, "")), f"{name}: {text!r} is not Japanese"
    red, green, blue = (int(c) for c in re.findall(r"\d+", message.evaluate("e => getComputedStyle(e).color"))[:3])
    assert red > 150 and green < 100 and blue < 100, f"{name}: the message is not red ({red}, {green}, {blue})"
    # Next to the field: within the same form, just below or beside it.
    assert message.evaluate("(m, f) => m.closest('form') === f.closest('form')", refused.element_handle())
