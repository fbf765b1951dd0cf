"""The weekly report's numbers, drafts, publishing and the 422 for a malformed week."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from .conftest import W47, ReportWorld

URL = "/v1/projects/{id}/weekly-reports/{week}"


async def test_report_numbers_equal_the_kpis_of_the_same_week(world: ReportWorld):
    report = await world.client.get(URL.format(id=world.project_id, week="2026-W47"), headers=world.headers())
    assert report.status_code == 200, report.text
    body = report.json()
    kpis = (await world.client.get(
        f"/v1/projects/{world.project_id}/kpis",
        params={"from": "2026-11-16", "to": "2026-11-23", "group_by": "member", "as_of": "2026-11-22"},
        headers=world.headers(),
    )).json()
    figures = {row["key"]: row for row in body["figures"]}
    for key in ("calls", "contacts", "appointments", "contact_rate", "contact_to_appointment_rate",
                "appointment_rate", "worked_hours", "appointments_per_hour"):
        assert figures[key]["this_week"] == kpis[key], key
        assert figures[key]["last_week"] == kpis["previous"][key], key
    # Hand-computed: W47 has 11 calls, 7 contacts, 3 appointments; W46 had 6 calls, 3 contacts, 1 appointment.
    assert (figures["calls"]["this_week"], figures["contacts"]["this_week"], figures["appointments"]["this_week"]) == (11, 7, 3)
    assert (figures["calls"]["last_week"], figures["appointments"]["last_week"]) == (6, 1)
    assert figures["appointments"]["change"] == 2
    assert figures["contact_rate"]["this_week"] == pytest.approx(7 / 11)
    assert figures["appointments_per_hour"]["this_week"] == pytest.approx(3 / 11)
    assert figures["appointments"]["target"] == round(kpis["target"]["period_appointment_target"], 1)

    members = {m["name"]: m for m in body["members"]}
    assert (members["山田 太郎"]["calls"], members["山田 太郎"]["appointments"]) == (6, 2)
    assert (members["佐藤 花子"]["calls"], members["佐藤 花子"]["contacts"]) == (5, 4)
    assert [step["count"] for step in body["funnel"]] == [11, 7, 3]
    assert body["funnel"][1]["rate_from_previous"] == pytest.approx(7 / 11)
    daily = {point["day"]: point for point in body["daily"]}
    assert len(daily) == 7 and daily["2026-11-16"]["calls"] == 5 and daily["2026-11-18"]["appointments"] == 1
    assert daily["2026-11-20"]["calls"] == 1  # 23:00 JST stays on Friday
    variants = {v["variant"]: v for v in body["ab_test"]["variants"]}
    assert set(variants) == {"A", "B"}  # the call without a variant is left out
    assert body["ab_test"]["winner"] is None  # far fewer than 100 contacts each
    assert body["list_status"]["first_calls_this_week"] == 10
    assert body["list_status"]["remaining_targets"] == kpis["month"]["remaining_targets"]
    quality = body["appointment_quality"]
    assert (quality["appointments"], quality["held"], quality["qualified"]) == (1, 1, 1)
    assert quality["held_rate"] == 1.0 and quality["qualified_rate"] == 1.0
    week = {"from": "2026-11-16", "to": "2026-11-23"}
    ab = (await world.client.get(f"/v1/projects/{world.project_id}/ab-test", params=week, headers=world.headers())).json()
    assert body["ab_test"]["variants"] == ab["variants"] and body["ab_test"]["p_value"] == ab["p_value"]
    served = (await world.client.get(f"/v1/projects/{world.project_id}/appointment-quality", params=week,
                                     headers=world.headers())).json()
    assert all(quality[key] == served[key] for key in quality)
    assert [section["title"] for section in body["agenda"]] == ["進捗共有", "次週の進め方・改善策", "フィードバック"]
    assert sum(section["minutes"] for section in body["agenda"]) == 30
    assert body["status"] == "draft" and body["version"] is None


async def test_an_empty_week_has_null_rates(world: ReportWorld):
    body = (await world.client.get(URL.format(id=world.project_id, week="2026-W30"), headers=world.headers())).json()
    figures = {row["key"]: row for row in body["figures"]}
    assert figures["calls"]["this_week"] == 0
    assert figures["contact_rate"]["this_week"] is None and figures["contact_rate"]["change"] is None
    assert body["members"] == [] and body["ab_test"]["variants"] == []
    assert body["appointment_quality"]["held_rate"] is None


async def test_draft_notes_appear_in_the_report_and_agenda(world: ReportWorld):
    draft = {
        "notes": {"good_reactions": ["情シス部長が前向き"], "objections": ["予算は来期"], "learnings": ["午前は受付突破率が高い"]},
        "next_actions": [{"text": "Bパターンを全員に展開", "owner": "山田", "due": "2026-11-27"}],
    }
    url = URL.format(id=world.project_id, week="2026-W47") + "/draft"
    first = await world.client.put(url, json=draft, headers=world.headers())
    assert first.status_code == 200, first.text
    second = await world.client.put(url, json=draft, headers=world.headers())
    assert second.json()["revision"] == first.json()["revision"] + 1
    body = (await world.client.get(URL.format(id=world.project_id, week="2026-W47"), headers=world.headers())).json()
    assert body["notes"]["objections"] == ["予算は来期"]
    assert body["next_actions"][0]["text"] == "Bパターンを全員に展開"
    plan = next(s for s in body["agenda"] if s["title"] == "次週の進め方・改善策")
    assert any("Bパターンを全員に展開" in item for item in plan["items"])
    bad = await world.client.put(url, json={"next_actions": [{"text": ""}]}, headers=world.headers())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("next_actions")


async def test_publish_freezes_a_version_and_emits_the_event(world: ReportWorld):
    week_url = URL.format(id=world.project_id, week="2026-W47")
    published = await world.client.post(week_url + "/publish", headers=world.headers())
    assert published.status_code == 201, published.text
    version = published.json()["version"]
    frozen = (await world.client.get(week_url, params={"version": version}, headers=world.headers())).json()
    assert frozen["status"] == "published" and frozen["version"] == version

    # Retrying the publish with nothing changed answers the same version.
    again = await world.client.post(week_url + "/publish", headers=world.headers())
    assert again.status_code == 200 and again.json()["version"] == version

    # A late call of that week changes the live report, never the published version.
    await world.feed(world.call("佐藤 花子", W47[3], "appointment", variant="B"))
    live = (await world.client.get(week_url, headers=world.headers())).json()
    assert {r["key"]: r for r in live["figures"]}["appointments"]["this_week"] == 4
    later = (await world.client.get(week_url, params={"version": version}, headers=world.headers())).json()
    assert {r["key"]: r for r in later["figures"]}["appointments"]["this_week"] == 3
    assert later["generated_at"] == frozen["generated_at"]
    assert later["figures"] == frozen["figures"] and later["members"] == frozen["members"]

    second = await world.client.post(week_url + "/publish", headers=world.headers())
    assert second.status_code == 201 and second.json()["version"] == version + 1

    async with world.resources.sessionmaker() as session:
        rows = (await session.execute(text(
            "SELECT payload FROM reporting.outbox_events WHERE type = 'weekly_report.published' "
            "AND payload->>'project_id' = :p ORDER BY id"), {"p": str(world.project_id)})).scalars().all()
    assert [row["version"] for row in rows] == [version, version + 1]
    assert rows[0]["iso_week"] == "2026-W47" and rows[0]["client_id"] == str(world.client_id)
    assert rows[0]["download_url"].endswith(f"/weekly-reports/2026-W47.pptx?version={version}")
    assert rows[0]["summary"].startswith("アポ 3件")


async def test_unknown_version_is_404_and_other_directors_see_nothing(world: ReportWorld):
    week_url = URL.format(id=world.project_id, week="2026-W47")
    missing = await world.client.get(week_url, params={"version": 99}, headers=world.headers())
    assert missing.status_code == 404
    stranger = await world.client.get(week_url, headers=world.headers("director", uuid.uuid4()))
    assert stranger.status_code == 404
    member = await world.client.post(week_url + "/publish", headers=world.headers("member"))
    assert member.status_code == 403


@pytest.mark.parametrize("week", ["2026-47", "2026-W5", "2026-W54", "2025-W53", "W47-2026", "2026-W47.pdf", "9999-W52", "0001-W01"])
async def test_malformed_iso_week_is_422_naming_iso_week(world: ReportWorld, week: str):
    response = await world.client.get(URL.format(id=world.project_id, week=week), headers=world.headers())
    assert response.status_code == 422, (week, response.text)
    assert response.json()["errors"][0]["field"] == "iso_week"
