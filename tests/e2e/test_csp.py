"""The Content-Security-Policy holds on every main page (issue 13): the browser refuses nothing.

Each role walks its screens and uses the behaviour that used to be inline script (language
switch, kickoff checkboxes, the calling keys and the appointment dialog, the report preview);
any "Refused to …" console message or `securitypolicyviolation` event fails the test.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World

# Registered before any page script, it sees violations from the page and its frames.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class CspWatch:
    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.console.append(f"{self.page.url}: {text}")

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("networkidle")
        self.check(path)

    def check(self, where: str) -> None:
        events = [] if self.page.is_closed() else self.page.evaluate("window.__cspViolations || []")
        assert not self.console and not events, f"CSP violations on {where}: {self.console + events}"


def test_no_csp_violation_on_the_directors_and_admins_pages(page, world: World) -> None:
    watch = CspWatch(page)
    log_in(page, world.director)
    project = f"/projects/{world.project_id}"
    for path in ("/home", "/projects", project, f"{project}/ab", f"{project}/appointments", f"{project}/targets",
                 f"{project}/scripts", "/pipeline", "/forecast"):
        watch.visit(path)
    watch.visit(f"{project}/reports")
    # The print view the editor frames: a document of its own that only this site may frame.
    preview = page.locator("iframe.report-preview").get_attribute("src")
    answer = page.request.get(preview)
    assert answer.status == 200, answer.status
    assert "frame-ancestors 'self'" in answer.headers["content-security-policy"]
    page.goto(preview)
    expect(page.locator("h1").first).to_be_visible()
    watch.check("the report's print view")
    page.go_back()
    # The language switch submits itself (was an inline onchange).
    page.select_option("#lang-switch", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.select_option("#lang-switch", "ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    watch.check("the language switch")

    page.context.clear_cookies()
    log_in(page, world.admin)
    for path in ("/admin/users", "/admin/clients", "/admin/api-keys", "/admin/integrations", "/admin/deliveries"):
        watch.visit(path)


def test_no_csp_violation_on_the_calling_screen(page, world: World) -> None:
    watch = CspWatch(page)
    log_in(page, world.member)
    watch.visit("/calling")
    watch.visit(f"/calling/{world.project_id}")
    # Key 7 opens the appointment dialog and Cancel closes it (both were inline handlers); keys count
    # once the company has been on screen for the minimum dwell (its card is then data-ready).
    expect(page.locator("[data-target-id][data-ready]")).to_have_count(1)
    page.locator("body").press("7")
    dialog = page.locator("#appointment-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#meeting-at")).to_be_focused()
    dialog.get_by_role("button", name=re.compile("キャンセル|Cancel")).click()
    expect(dialog).to_be_hidden()
    watch.check("the appointment dialog")
