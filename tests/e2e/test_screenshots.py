"""Each main page renders with labelled controls, captured under tests/artifacts/screenshots/ for a look
after a run. docs/screenshots/ come from the demo month instead: tests/demo/screenshots.py
(`make screenshots`), which applies check_page too."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World

# Never docs/screenshots, whatever ANKEN_SCREENSHOTS says: this world is nearly empty.
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"

UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
  .filter(el => !(el.id && document.querySelector('label[for="' + el.id + '"]')) && !el.getAttribute('aria-label'))
  .map(el => el.outerHTML.slice(0, 120))"""


def check_page(page) -> None:
    """Every page renders (no error page) and every form control has a label."""
    # The page's own heading: a sandbox page's verbatim body (data-verbatim) may hold headings of its own.
    expect(page.locator("h1:not([data-verbatim] *)")).to_be_visible()
    # A field's error slot may sit in the page hidden until a script fills it; only a shown one is an error.
    expect(page.locator("main .error:visible")).to_have_count(0)
    assert page.evaluate(UNLABELLED) == []


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_each_main_page_renders_with_labelled_controls(browser, services, world: World) -> None:
    def fresh_page():
        context = browser.new_context(base_url=services["web"], locale="ja-JP", viewport={"width": 1280, "height": 900})
        return context, context.new_page()

    context, page = fresh_page()
    page.goto("/")
    check_page(page)
    screenshot(page, "login")
    log_in(page, world.director)
    expect(page.locator("#portfolio")).to_be_visible()
    screenshot(page, "director-home")
    for name, path in (("project-page", f"/projects/{world.project_id}"),
                       ("targets", f"/projects/{world.project_id}/targets"),
                       ("appointments", f"/projects/{world.project_id}/appointments"),
                       ("weekly-report", f"/projects/{world.project_id}/reports"),
                       ("scripts", f"/projects/{world.project_id}/scripts"), ("projects", "/projects")):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        check_page(page)
        screenshot(page, name)
    context.close()

    for person, pages in ((world.member, [("member-calling", f"/calling/{world.project_id}")]),
                          (world.manager, [("pipeline", f"/pipeline?pipeline_id={world.pipeline['id']}"),
                                           ("forecast", "/forecast")]),
                          (world.admin, [("admin-users", "/admin/users"), ("admin-api-keys", "/admin/api-keys"),
                                         ("admin-integrations", "/admin/integrations"),
                                         ("admin-deliveries", "/admin/deliveries"), ("admin-sandbox", "/admin/sandbox")])):
        context, page = fresh_page()
        log_in(page, person)
        expect(page.locator("h1")).to_be_visible()
        for name, path in pages:
            page.goto(path)
            check_page(page)
            screenshot(page, name)
        context.close()
