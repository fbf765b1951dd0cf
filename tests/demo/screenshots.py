"""docs/screenshots/ from the demo month: `make run`'s entry point on a temporary ANKEN_HOME (embedded
PostgreSQL and Redis, as on a fresh machine), then each demo user in headless Chromium.

Run it as a script (`make screenshots`): `.venv/bin/python tests/demo/screenshots.py [--out DIR]`.
It is not a test module, so `make test` never rewrites the committed pictures; the page checks it
applies are those of tests/e2e/test_screenshots.py, which keeps them in the e2e suite.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import httpx  # noqa: E402
from demo_run import DemoRun, login, sandbox_items, start, wait_for  # noqa: E402
from e2e.conftest import log_in  # noqa: E402
from e2e.test_screenshots import check_page  # noqa: E402
from ensure_browser import ensure_browser  # noqa: E402

DOCS = HERE.parents[1] / "docs" / "screenshots"
PASSWORD = "anken-demo"
READY_WITHIN_S = 300
SETTLED_WITHIN_S = 180
VIEWPORT = {"width": 1280, "height": 900}
# A long page (the Slack feed, a spreadsheet) is cut here: the docs show its top, not a 20,000 px strip.
MAX_HEIGHT = 2600
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def person(key: str) -> SimpleNamespace:
    return SimpleNamespace(email=f"{key}@demo.anken.jp")


def api_items(run: DemoRun, service: str, path: str, headers: dict[str, str], **params: object) -> list[dict]:
    response = httpx.get(f"{run.url(service)}{path}", headers=headers, params={"limit": 100, **params}, timeout=30)
    response.raise_for_status()
    return response.json()["items"]


def wait_until_ready(run: DemoRun) -> None:
    """The demo is loaded, every active project has its Slack channel, and the worker has delivered
    the month's backlog of posts (the Slack tab shows them all)."""
    def loaded() -> bool:
        if "the demo data did not load" in run.log():
            raise AssertionError(f"the demo load failed:\n{run.log_tail(120)}")
        return run.load_seconds() is not None

    wait_for(loaded, READY_WITHIN_S, "the demo load", run)
    admin = login(run, "admin@demo.anken.jp")

    def linked() -> bool:
        active = [p for p in api_items(run, "projects", "/v1/projects", admin) if p["status"] == "active"]
        return bool(active) and all(p.get("slack_channel") and p.get("spreadsheet_url") for p in active)

    wait_for(linked, SETTLED_WITHIN_S, "the worker's kickoff of every active project", run)

    def settled() -> bool:
        first = len(sandbox_items(run, "slack/messages"))
        time.sleep(3)
        return first > 0 and len(sandbox_items(run, "slack/messages")) == first

    wait_for(settled, SETTLED_WITHIN_S, "the demo's Slack backlog delivered", run, interval=0)


def last_iso_week() -> str:
    year, week, _ = (datetime.now(ZoneInfo("Asia/Tokyo")).date() - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


class Camera:
    """One browser; a context per user, logged in through the login form."""

    def __init__(self, browser, run: DemoRun, out: Path) -> None:
        self.browser, self.run, self.out = browser, run, out
        self.taken: list[str] = []

    def session(self, key: str):
        context = self.browser.new_context(base_url=self.run.url("web"), locale="ja-JP", viewport=VIEWPORT)
        context.set_default_timeout(30_000)
        page = context.new_page()
        log_in(page, person(key), PASSWORD)
        check_page(page)
        return context, page

    def shoot(self, page, name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(path)
        page.wait_for_load_state("networkidle")
        check_page(page)
        height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
        page.screenshot(path=str(self.out / f"{name}.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height})
        self.taken.append(name)


def dismiss_guide(page) -> None:
    """The first-login guide is remembered as dismissed in this browser context, for every page after."""
    button = page.locator("[data-dismiss-guide]")
    if button.count():
        button.click()
        page.locator("[data-demo-guide]").wait_for(state="detached")


def capture(run: DemoRun, out: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    director_headers = login(run, "director@demo.anken.jp")
    projects = api_items(run, "projects", "/v1/projects", director_headers)
    active = [p for p in projects if p["status"] == "active"]
    assert active, "the demo director directs active projects"
    project = active[0]["id"]
    member_project = api_items(run, "projects", "/v1/projects", login(run, "member1@demo.anken.jp"))[0]["id"]
    users = api_items(run, "projects", "/v1/users", login(run, "admin@demo.anken.jp"), role="director")
    # The other director's portfolio holds the paused project (停止中, no pace badge).
    director2 = next(u["id"] for u in users if u["email"] == "director2@demo.anken.jp")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_browser(), headless=True, args=LAUNCH_ARGS)
        camera = Camera(browser, run, out)
        try:
            context = browser.new_context(base_url=run.url("web"), locale="ja-JP", viewport=VIEWPORT)
            page = context.new_page()
            camera.shoot(page, "login", "/login")
            context.close()

            context, page = camera.session("director")
            page.locator("[data-demo-guide]").wait_for()
            camera.shoot(page, "demo-guide")
            dismiss_guide(page)
            page.locator("#portfolio").wait_for()
            badges = set(page.locator("#portfolio [data-pace-status]").evaluate_all(
                "els => els.map(e => e.dataset.paceStatus)"))
            assert {"on_track", "behind"} <= badges, f"the portfolio shows projects ahead of and behind pace: {badges}"
            camera.shoot(page, "director-home")
            for name, path in (("project-page", f"/projects/{project}"), ("targets", f"/projects/{project}/targets"),
                               ("appointments", f"/projects/{project}/appointments"),
                               ("weekly-report", f"/projects/{project}/reports?week={last_iso_week()}"),
                               ("scripts", f"/projects/{project}/scripts"), ("projects", "/projects")):
                camera.shoot(page, name, path)
            context.close()

            for key, pages in (("member1", [("member-calling", f"/calling/{member_project}")]),
                               ("manager", [("pipeline", "/pipeline"), ("forecast", "/forecast")]),
                               ("admin", [("portfolio-second-director", f"/home?director_id={director2}"),
                                         ("admin-users", "/admin/users"), ("admin-api-keys", "/admin/api-keys"),
                                          ("admin-integrations", "/admin/integrations"),
                                          ("admin-deliveries", "/admin/deliveries"),
                                          ("admin-sandbox", "/admin/sandbox?feed=slack"),
                                          ("admin-sandbox-confluence", "/admin/sandbox?feed=confluence"),
                                          ("admin-sandbox-sheets", "/admin/sandbox?feed=sheets")])):
                context, page = camera.session(key)
                dismiss_guide(page)
                for name, path in pages:
                    camera.shoot(page, name, path)
                context.close()
        finally:
            browser.close()
    return camera.taken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS, help=f"where the PNGs go (default {DOCS})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="anken-screenshots-"))
    run = start(home, None)
    try:
        wait_until_ready(run)
        taken = capture(run, args.out)
    except Exception:
        print(run.log_tail(80), file=sys.stderr)
        raise
    finally:
        run.stop()
        shutil.rmtree(home, ignore_errors=True)
    print(f"{len(taken)} screenshots in {args.out}: {', '.join(taken)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
