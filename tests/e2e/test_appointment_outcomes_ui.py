"""The staff appointments page reports each appointment's hand-off and the client's verdict through
PATCH /v1/appointments/{id}: held + unqualified with a reason, a reschedule with a new time, a no-show;
a missing reason is refused next to the reason field with what was typed kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import expect

from e2e.clients import report_outcome, set_appointments
from e2e.conftest import log_in
from e2e.world import World, ok


def test_director_reports_held_unqualified_rescheduled_and_no_show(page, world: World) -> None:
    director = httpx.Client(base_url=world.projects_url, headers=world.director.headers, timeout=30)
    project = ok(director.get(f"/v1/projects/{world.project_id}"))
    fresh = set_appointments(world, 3, {"budget": "未定"}, duration_s=90)
    assert len(fresh) == 3 and all(a["handoff_status"] == "set" for a in fresh)
    held_id, moved_id, no_show_id = (a["id"] for a in fresh)
    reason = project["unqualified_reasons"][1]

    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/appointments")
    held = page.locator(f'tr[data-appointment-id="{held_id}"]')
    # Only what may follow "set" is offered (the API's allowed_handoff_statuses).
    assert held.locator(f"#st-{held_id} option").evaluate_all("os => os.map(o => o.value)") == [
        "set", "held", "no_show", "rescheduled", "cancelled"]
    # The reason picker appears once "unqualified" is chosen (static JS; without it, it is always there).
    expect(held.locator(f"#ur-{held_id}")).to_be_hidden()
    held.locator(f"#st-{held_id}").select_option("held")
    held.locator(f"#po-{held_id}").select_option("unqualified")
    expect(held.locator(f"#ur-{held_id}")).to_be_visible()
    held.get_by_role("button", name="保存").click()

    held = page.locator(f'tr[data-appointment-id="{held_id}"]')
    error = held.locator(f"#error-r-{held_id}-unqualified-reason")
    expect(error).to_contain_text("対象外の理由")
    expect(error).to_contain_text("理由を選んでください")
    expect(held.locator(f"#ur-{held_id}")).to_have_attribute("aria-invalid", "true")
    expect(held.locator(f"#st-{held_id}")).to_have_value("held")
    expect(held.locator(f"#po-{held_id}")).to_have_value("unqualified")
    assert ok(director.get(f"/v1/appointments/{held_id}"))["handoff_status"] == "set"

    report_outcome(page, held_id, reason=reason)
    expect(page.locator(".flash")).to_have_text("保存しました。")

    tokyo = ZoneInfo(project["timezone"])
    new_time = (datetime.now(tokyo) + timedelta(days=10)).replace(hour=15, minute=30, second=0, microsecond=0)
    report_outcome(page, moved_id, status="rescheduled", meeting_at=new_time.strftime("%Y-%m-%dT%H:%M"))
    expect(page.locator(".flash")).to_have_text("保存しました。")

    report_outcome(page, no_show_id, status="no_show")
    expect(page.locator(".flash")).to_have_text("保存しました。")

    page.reload()
    held = page.locator(f'tr[data-appointment-id="{held_id}"]')
    expect(held.locator(f"#st-{held_id}")).to_have_value("held")
    expect(held.locator(f"#po-{held_id}")).to_have_value("unqualified")
    expect(held.locator(f"#ur-{held_id}")).to_have_value(reason)
    expect(held.locator(".reason")).to_contain_text(reason)
    moved = page.locator(f'tr[data-appointment-id="{moved_id}"]')
    expect(moved.locator(f"#st-{moved_id}")).to_have_value("set")
    expect(moved.locator(f"#ma-{moved_id}")).to_have_value(new_time.strftime("%Y-%m-%dT%H:%M"))
    expect(moved.locator(".meeting")).to_contain_text("15:30")
    expect(moved.locator(".reschedules")).to_have_text("リスケ 1回")
    gone = page.locator(f'tr[data-appointment-id="{no_show_id}"]')
    expect(gone.locator(f"#st-{no_show_id}")).to_have_value("no_show")
    assert gone.locator(f"#st-{no_show_id} option").evaluate_all("os => os.map(o => o.value)") == [
        "no_show", "held", "rescheduled"]

    held_api = ok(director.get(f"/v1/appointments/{held_id}"))
    assert (held_api["handoff_status"], held_api["partner_outcome"], held_api["unqualified_reason"]) == (
        "held", "unqualified", reason)
    moved_api = ok(director.get(f"/v1/appointments/{moved_id}"))
    assert moved_api["handoff_status"] == "set" and moved_api["rescheduled_count"] == 1
    assert datetime.fromisoformat(moved_api["meeting_at"]) == new_time
    assert ok(director.get(f"/v1/appointments/{no_show_id}"))["handoff_status"] == "no_show"
