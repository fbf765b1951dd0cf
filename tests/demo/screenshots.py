"""docs/screenshots/ from the demo month: `make run`'s entry point on a temporary ANKEN_HOME (embedded
PostgreSQL and Redis, as on a fresh machine), then each demo user in headless Chromium.

Run it as a script (`make screenshots`): `.venv/bin/python tests/demo/screenshots.py [--out DIR]`.
It is not a test module, so `make test` never rewrites the committed pictures; the page checks it
applies are those of tests/e2e/test_screenshots.py, which keeps them in the e2e suite. The error
states (a refused project-settings save, a refused weekly-report publish, an import dry run with bad
rows) are asserted to show their red Japanese messages instead; none of them changes the demo data.
"""

from __future__ import annotations

import argparse
import re
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
from playwright.sync_api import expect  # noqa: E402

DOCS = HERE.parents[1] / "docs" / "screenshots"
PASSWORD = "anken-demo"
READY_WITHIN_S = 300
SETTLED_WITHIN_S = 180
VIEWPORT = {"width": 1280, "height": 900}
# A long page (the Slack feed, a spreadsheet) is cut here: the docs show its top, not a 20,000 px strip.
MAX_HEIGHT = 2600
# A shot of one part of a long page (`around`) shows this much above and below it.
MARGIN = 160
RED = "rgb(179, 38, 30)"  # --bad in anken.css: a field's error is red
DRY_RUN = "ファイルを検証(ドライラン)"
# A small list with three bad rows (a missing company name, a phone not starting with 0, a tier of 5):
# its dry run is refused row by row, so nothing is imported and the demo data stays as it was.
BAD_ROWS_CSV = "\n".join([
    "会社名,TEL,業種,地域,優先度",
    "株式会社サンプル精工,03-6200-0101,製造業,東京都,1",
    ",03-6200-0102,製造業,東京都,1",
    "株式会社見本物流,12-34,運輸業,大阪府,2",
    "株式会社例示商事,03-6200-0104,卸売業,愛知県,5",
]).encode("utf-8")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


# Where an element sits on the page (not the viewport), for a clip of the full page.
PAGE_BOX = """el => { const r = el.getBoundingClientRect();
  return {top: Math.floor(r.top + window.scrollY), bottom: Math.ceil(r.bottom + window.scrollY)}; }"""
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
RAW_KEY = re.compile(r"\b[a-z]+(?:[._][a-z0-9*]+)+\b")


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

    def shoot(self, page, name: str, path: str | None = None, *, around: list | None = None) -> None:
        """A page that renders without error (check_page); `around` (locators) picks the part of a long
        page the shot shows, else it shows the page's top."""
        if path is not None:
            page.goto(path)
        page.wait_for_load_state("networkidle")
        check_page(page)
        self._picture(page, name, around)

    def shoot_refusal(self, page, name: str, errors: list, *, around: list | None = None) -> None:
        """An error state: instead of check_page, each of `errors` (locators) is shown, in red, worded in
        Japanese (no raw field key), on a page that is no error page."""
        page.wait_for_load_state("networkidle")
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("h1")).not_to_contain_text("エラー")
        for error in errors:
            expect(error).to_be_visible()
            expect(error).to_have_css("color", RED)
            text = error.inner_text()
            assert JAPANESE.search(text) and not RAW_KEY.search(text), f"{name}: the error is not worded: {text!r}"
        self._picture(page, name, around or errors)

    def _picture(self, page, name: str, around: list | None) -> None:
        full = page.evaluate("document.documentElement.scrollHeight")
        top, height = 0, min(full, MAX_HEIGHT)
        if around:
            boxes = [box for box in (locator.first.evaluate(PAGE_BOX) for locator in around) if box]
            assert boxes, f"{name}: nothing to show"
            top = max(0, min(b["top"] for b in boxes) - MARGIN)
            bottom = min(full, max(b["bottom"] for b in boxes) + MARGIN)
            height = min(max(bottom - top, VIEWPORT["height"]), MAX_HEIGHT, full - top)
        page.screenshot(path=str(self.out / f"{name}.png"), full_page=True,
                        clip={"x": 0, "y": top, "width": VIEWPORT["width"], "height": height})
        self.taken.append(name)


def dismiss_guide(page) -> None:
    """The first-login guide is remembered as dismissed in this browser context, for every page after."""
    button = page.locator("[data-dismiss-guide]")
    if button.count():
        button.click()
        page.locator("[data-demo-guide]").wait_for(state="detached")


def deal_with_longest_history(run: DemoRun, headers: dict[str, str]) -> str:
    """The demo deal with the most tracked changes (its page shows its history as sentences)."""
    deals = api_items(run, "projects", "/v1/deals", headers)
    assert deals, "the demo month has deals"
    changes = {d["id"]: len(api_items(run, "projects", f"/v1/deals/{d['id']}/history", headers)) for d in deals}
    deal = max(changes, key=lambda d: changes[d])
    assert changes[deal] >= 2, f"no demo deal has a history: {changes}"
    return deal


def settings_refused(camera: Camera, page, project: str) -> None:
    """The settings tab refusing a calendar link that is no URL and an over-long hand-off contact:
    each field says its rule in red, and everything typed is still there."""
    contact = "営業部 高橋（平日 10:00〜18:00、不在時は同部の佐藤が対応）。" * 8
    assert len(contact) > 200
    page.goto(f"/projects/{project}/settings")
    page.fill("#ps-handoff-contact", contact)
    page.fill("#ps-calendar-link", "not a url")
    page.click("#save-settings")
    calendar, handoff = page.locator("#error-calendar-link"), page.locator("#error-handoff-contact")
    expect(calendar).to_contain_text("日程調整リンク")
    expect(calendar).to_contain_text("URL")
    expect(handoff).to_contain_text("200 文字以内")
    expect(page.locator("#ps-calendar-link")).to_have_value("not a url")
    expect(page.locator("#ps-handoff-contact")).to_have_value(contact)
    camera.shoot_refusal(page, "project-settings-refused", [page.locator("#settings-error"), handoff, calendar],
                         around=[page.locator("h1"), handoff, calendar])


def report_refused(camera: Camera, page, project: str) -> None:
    """The weekly report refusing a note line over its limit: the note is kept, the rule is beside it."""
    page.goto(f"/projects/{project}/reports?week={last_iso_week()}")
    learnings = page.locator("#note-learnings")
    limit = int(learnings.get_attribute("data-line-limit") or 0)
    assert limit, "the weekly report shows its line limit"
    line = "受付で断られた理由を記録し、時間帯ごとに比較する。"
    note = line * (limit // len(line) + 1)
    learnings.fill(note)
    page.locator("#publish").click()
    error = page.locator("#error-learnings")
    expect(error).to_contain_text(f"{limit:,} 文字以内")
    expect(page.locator("#note-learnings")).to_have_value(note)
    expect(page.locator("#report-status")).to_be_visible()
    camera.shoot_refusal(page, "weekly-report-refused", [page.locator("#report-error"), error],
                         around=[page.locator("h1"), error])


def sandbox_views(camera: Camera, page, project: str) -> None:
    """The project page's Confluence and spreadsheet links open the sandbox viewer's pages for them."""
    for name, kind in (("sandbox-confluence-page", "confluence"), ("sandbox-sheet", "sheets")):
        page.goto(f"/projects/{project}")
        with page.expect_navigation():
            page.locator(f"a[data-integration={kind}]").click()
        assert "/admin/sandbox/" in page.url, f"the {kind} link opened {page.url}"
        camera.shoot(page, name)


def import_row_errors(camera: Camera, page, project: str) -> None:
    """The targets tab's import: the columns it understands, then a dry run of a file with bad rows,
    whose errors are listed in Japanese by row and column (an import with errors writes nothing)."""
    page.goto(f"/projects/{project}/targets")
    columns = page.locator("#import-columns")
    expect(columns.locator("tbody tr").first).to_be_visible()
    camera.shoot(page, "targets-import-columns", around=[page.locator("#import-title"), columns])
    page.set_input_files("#import-file", {"name": "架電リスト.csv", "mimeType": "text/csv", "buffer": BAD_ROWS_CSV})
    page.get_by_role("button", name=DRY_RUN).click()
    rows = page.locator("#import-preview tr.row-error")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("必須")
    expect(rows.nth(1)).to_contain_text("TEL")
    expect(page.locator("#import-preview button.primary")).to_have_count(0)
    camera.shoot_refusal(page, "targets-import-row-errors", [page.locator("#import-preview p.error")],
                         around=[page.locator("#import-title"), page.locator("#import-preview")])


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
    deal = deal_with_longest_history(run, login(run, "manager@demo.anken.jp"))
    # The client portal: the demo client user's first active project, and its published week.
    client_project = next(p["id"] for p in api_items(run, "projects", "/v1/projects", login(run, "client@demo.anken.jp"))
                          if p["status"] == "active")

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
            camera.shoot(page, "project-settings", f"/projects/{project}/settings")
            settings_refused(camera, page, project)
            report_refused(camera, page, project)
            sandbox_views(camera, page, project)
            # Last of the director's: the dry run of a bad file writes no target (and no later shot shows it).
            import_row_errors(camera, page, project)
            context.close()

            for key, pages in (("member1", [("member-calling", f"/calling/{member_project}")]),
                               ("manager", [("pipeline", "/pipeline"), ("forecast", "/forecast")]),
                               ("admin", [("portfolio-second-director", f"/home?director_id={director2}"),
                                         ("admin-users", "/admin/users"), ("admin-api-keys", "/admin/api-keys"),
                                          ("admin-integrations", "/admin/integrations"),
                                          ("admin-deliveries", "/admin/deliveries"),
                                          ("admin-sandbox", "/admin/sandbox?feed=slack"),
                                          ("admin-sandbox-confluence", "/admin/sandbox?feed=confluence"),
                                          ("admin-sandbox-sheets", "/admin/sandbox?feed=sheets")]),
                               ("client", [("client-portal", "/client"),
                                           ("client-project", f"/client/projects/{client_project}"),
                                           ("client-appointments", f"/client/projects/{client_project}/appointments"),
                                           ("client-reports", f"/client/projects/{client_project}/reports"),
                                           ("client-report", f"/client/projects/{client_project}/reports/"
                                                             f"{last_iso_week()}")])):
                context, page = camera.session(key)
                dismiss_guide(page)
                for name, path in pages:
                    camera.shoot(page, name, path)
                if key == "manager":
                    camera.shoot(page, "deal-history", f"/deals/{deal}", around=[page.locator("h1"), page.locator("#deal-history")])
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
