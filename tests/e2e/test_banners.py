"""One-shot banners on every page: a refusal is a red banner in the user's language (never the green
banner of a success, never the API's English detail in Japanese); a success stays green."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World

RED = "rgb(179, 38, 30)"
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def post_form(page, path: str, **fields: str) -> None:
    """Submit a page's form as the browser would, without following the redirect (the next page shows the banner)."""
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    answer = page.request.post(path, form={"csrf_token": token, **fields}, max_redirects=0)
    assert answer.status == 303, answer.status


def test_a_refused_status_change_is_a_red_japanese_banner(page, world: World) -> None:
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}")
    # An active project cannot go back to kickoff: projects-api refuses (409, with an English detail).
    post_form(page, f"/projects/{world.project_id}/transition", to="kickoff")
    page.goto(f"/projects/{world.project_id}")
    banner = page.locator("#messages #flash-error")
    expect(banner).to_be_visible()
    expect(banner).to_have_css("color", RED)
    text = banner.inner_text()
    assert text and not ENGLISH_WORD.search(text), text
    expect(page.locator("#messages .flash")).to_have_count(0)  # no green banner says it
    # Shown once: the next page has no banner.
    page.reload()
    expect(page.locator("#messages #flash-error")).to_have_count(0)


def test_an_api_refusal_page_in_japanese_carries_no_english_detail(page, world: World) -> None:
    log_in(page, world.director)
    answer = page.goto(f"/projects/{uuid.uuid4()}")
    assert answer is not None and answer.status == 404
    error = page.locator("main .error")
    expect(error).to_be_visible()
    assert not ENGLISH_WORD.search(error.inner_text()), error.inner_text()
    expect(page.locator("main .error .detail")).to_have_count(0)
