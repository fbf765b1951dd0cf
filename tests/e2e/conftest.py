"""End-to-end: every service as a real process, driven through headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from ensure_browser import NoBrowser, ensure_browser

from e2e.world import World, build_world

# `make test BROWSER=skip` is the only way these tests are skipped; run_suites.py fails a run with
# any other skip, and recognises this reason in its closing line.
SKIP_ON_REQUEST = "browser tests skipped on request (BROWSER=skip)"
# Test runs keep their screenshots under tests/artifacts; docs/screenshots come from the demo month
# (`make screenshots` runs tests/demo/screenshots.py).
_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = _ROOT / "tests" / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def services(stack) -> dict[str, str]:
    for name in ("projects", "reporting", "worker", "sandbox"):
        stack.start(name)
    # A short polling interval so the portfolio's refresh can be watched within a test.
    stack.start("web", extra_env={"PORTFOLIO_POLL_S": "2"})
    return {name: stack.url(name) for name in ("projects", "reporting", "worker", "sandbox", "web")}


@pytest.fixture(scope="session")
def world(services, service_env) -> World:
    return build_world(service_env["DATABASE_URL"], services["projects"], services["reporting"])


@pytest.fixture(scope="session")
def browser(world) -> Iterator:
    # After `world`: Playwright's sync API runs an event loop, and the set-up uses asyncio.run.
    try:
        executable = ensure_browser()
    except NoBrowser as exc:
        pytest.fail(str(exc), pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, services) -> Iterator:
    context = browser.new_context(base_url=services["web"], locale="ja-JP", accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def log_in(page, person, password: str | None = None) -> None:
    from e2e.world import PASSWORD

    page.goto("/login")
    page.fill("#email", person.email)
    page.fill("#password", password or PASSWORD)
    # Wait for the login's answer (home, or the login page again): a navigation started before it
    # arrives races the session cookie it sets.
    with page.expect_navigation():
        page.click("button[type=submit].primary")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def pytest_collection_modifyitems(config, items) -> None:
    """Every test here drives headless Chromium (`-m "not browser"` leaves them out)."""
    here = Path(__file__).parent
    skip = os.environ.get("BROWSER", "").strip().lower() == "skip"
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
            if skip:
                item.add_marker(pytest.mark.skip(reason=SKIP_ON_REQUEST))
