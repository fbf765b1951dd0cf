"""A manager drags a deal to the next stage; moving forward asks to confirm the exit criteria."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World


def test_manager_drags_a_deal_to_the_next_stage(page, world: World) -> None:
    log_in(page, world.manager)
    page.goto(f"/pipeline?pipeline_id={world.pipeline['id']}")
    lead, proposal = world.pipeline["stages"][0], world.pipeline["stages"][1]
    card = page.locator(f'.deal[data-deal-id="{world.deal_id}"]')
    expect(page.locator(f'.column[data-stage-id="{lead["id"]}"]')).to_contain_text("SFA導入")

    card.drag_to(page.locator(f'.column[data-stage-id="{proposal["id"]}"]'))
    prompt = page.locator("#exit-prompt")
    expect(prompt).to_contain_text("初回商談の日程が確定している")
    prompt.get_by_role("button", name="はい、商談を移動します").click()

    expect(page.locator(f'.column[data-stage-id="{proposal["id"]}"] .deal[data-deal-id="{world.deal_id}"]')).to_be_visible()
    deal = httpx.get(f"{world.projects_url}/v1/deals/{world.deal_id}", headers=world.manager.headers).json()
    assert deal["stage_name"] == "提案"
    assert deal["probability"] == 50
