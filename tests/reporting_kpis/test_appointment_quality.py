"""DESIGN §3 appointment quality, pinned on hand-computed data, and client deals kept out of the agency's
pipeline and forecast.

The data set (project in Asia/Tokyo, November 2026 = set days 11/01 to 11/30 JST):

| appt | member | set (JST)         | what happened                                      | counts as            |
|------|--------|-------------------|----------------------------------------------------|----------------------|
| a1   | 0      | 11/02 10:00       | rescheduled twice, held, qualified, deal ¥1,000,000 won | held, qualified, deal, won |
| a2   | 0      | 11/05 10:00       | held, then corrected by the client to no_show      | no_show              |
| a3   | 0      | 11/10 10:00       | held, qualified, corrected by the client to unqualified (予算なし) | held, unqualified |
| a4   | 0      | 11/01 00:00       | held, qualified, deal ¥500,000 in proposal         | held, qualified, deal |
| a5   | 1      | 11/30 23:59:59    | cancelled                                          | cancelled            |
| a6   | 1      | 11/30 23:30       | still set (the last evening of November in Tokyo)  | pending              |
| a7   | 1      | 11/15 10:00       | no_show                                            | no_show              |
| x1   | 0      | 12/01 08:30       | held (December in Tokyo; 11/30 23:30 in UTC)       | —                    |
| x2   | 0      | 10/31 23:59:59    | held, qualified, deal ¥2,000,000 won (October)     | —                    |

Each appointment counts once, by its latest state (a1's two reschedules and a2's and a3's corrections
replace what was reported before). November: 7 appointments; held 3 (a1 a3 a4), no_show 2 (a2 a7), cancelled 1, pending 1; qualified 2,
unqualified 1; deals 2 (¥1,500,000), won 1 (¥1,000,000).
held_rate = 3/5, no_show_rate = 2/5, qualified_rate = 2/3, appointment_to_deal_rate = 2/7,
appointment_to_won_rate = 1/7. Member 0: 4 appointments, held 3/4, no_show 1/4, qualified 2/3, deals 2/4,
won 1/4. Member 1: 3 appointments, held 0/1, no_show 1/1, qualified 0/0 (null), deals 0/3, won 0/3.
The member ranking (qualified rate, then held rate; null rates last) puts member 0 first.

Wilson intervals (z = 1.959963984540054), computed by hand with 40-digit decimals from
centre = (p + z²/2n) / (1 + z²/n), half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n), clipped to [0, 1].
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from anken_common.auth_tokens import Role, issue_user_token

from .builders import ProjectWorld, envelope
from .feeding import feed

JST = timezone(timedelta(hours=9))
NOVEMBER = {"from": "2026-11-01", "to": "2026-12-01"}

WILSON = {
    (3, 5): (0.230724281276013, 0.882379225767352),
    (2, 5): (0.117620774232648, 0.769275718723987),
    (2, 3): (0.207659600802048, 0.938508055279604),
    (2, 7): (0.082218924004057, 0.641065548167381),
    (1, 7): (0.025679624344744, 0.513127829274319),
    (3, 4): (0.300641842582402, 0.954412739190299),
    (1, 4): (0.045587260809701, 0.699358157417598),
    (2, 4): (0.150038989152150, 0.849961010847850),
    (0, 1): (0.0, 0.793450685622763),
    (1, 1): (0.206549314377237, 1.0),
    (0, 3): (0.0, 0.561497031755046),
}


class Appointments:
    """appointment.* envelopes as projects-api writes them: a change event, then appointment.updated."""

    def __init__(self, world: ProjectWorld) -> None:
        self.world = world
        self.state: dict[uuid.UUID, dict] = {}

    def set(self, set_at: datetime, member: int) -> tuple[uuid.UUID, list]:
        appointment_id = uuid.uuid4()
        payload = {
            "id": str(appointment_id), "project_id": str(self.world.project_id),
            "client_id": str(self.world.client_id), "member_id": str(self.world.members[member]),
            "target_id": str(uuid.uuid4()), "company_name": "株式会社サンプル",
            "meeting_at": (set_at + timedelta(days=7)).isoformat(), "set_at": set_at.isoformat(),
            "handoff_status": "set", "partner_outcome": None, "deal_id": None, "deal_amount": None,
            "deal_won": None, "deal_stage": None, "unqualified_reason": None, "rescheduled_count": 0,
        }
        self.state[appointment_id] = payload
        return appointment_id, [envelope("appointment.set", "appointment", appointment_id, dict(payload),
                                         tenant=self.world.client_id)]

    def change(self, appointment_id: uuid.UUID, change: str, **fields) -> list:
        before = self.state[appointment_id]
        after = {**before, **fields}
        self.state[appointment_id] = after
        change_payload = {**after, "previous_handoff_status": before["handoff_status"],
                          "previous_meeting_at": before["meeting_at"],
                          "previous_partner_outcome": before["partner_outcome"]}
        return [envelope(f"appointment.{change}", "appointment", appointment_id, change_payload,
                         tenant=self.world.client_id),
                envelope("appointment.updated", "appointment", appointment_id, dict(after),
                         tenant=self.world.client_id)]

    def reschedule(self, appointment_id: uuid.UUID, meeting_at: datetime) -> list:
        count = self.state[appointment_id]["rescheduled_count"] + 1
        return self.change(appointment_id, "rescheduled", handoff_status="set", meeting_at=meeting_at.isoformat(),
                           rescheduled_count=count)

    def deal(self, appointment_id: uuid.UUID, amount: int, stage: str) -> list:
        deal_id = self.state[appointment_id]["deal_id"] or str(uuid.uuid4())
        return self.change(appointment_id, "client_deal_reported", deal_id=deal_id, deal_amount=amount,
                           deal_stage=stage, deal_won=stage == "won")


def jst(month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=JST)


def headers(settings, role: Role = Role.admin, user_id: uuid.UUID | None = None) -> dict[str, str]:
    token = issue_user_token(settings.anken_secret_key, str(user_id or uuid.uuid4()), role)
    return {"Authorization": f"Bearer {token}"}


async def quality(app_client, settings, world: ProjectWorld, period: dict, group_by: str | None = None) -> dict:
    params = {**period, **({"group_by": group_by} if group_by else {})}
    response = await app_client.get(f"/v1/projects/{world.project_id}/appointment-quality", params=params,
                                    headers=headers(settings))
    assert response.status_code == 200, response.text
    return response.json()


def assert_rate(figures: dict, name: str, successes: int, trials: int) -> None:
    assert figures[name] == pytest.approx(successes / trials, abs=1e-12), name
    low, high = figures[f"{name}_ci"]
    expected_low, expected_high = WILSON[(successes, trials)]
    assert abs(low - expected_low) < 1e-9 and abs(high - expected_high) < 1e-9, (name, low, high)


def assert_null_rate(figures: dict, name: str) -> None:
    assert figures[name] is None and figures[f"{name}_ci"] is None, name


async def test_appointment_quality_definitions_on_hand_computed_data(app_client, resources, settings) -> None:
    world = ProjectWorld()
    book = Appointments(world)
    events = list(world.setup())

    a1, set_a1 = book.set(jst(11, 2), member=0)
    events += set_a1
    events += book.reschedule(a1, jst(11, 12, 14))
    events += book.reschedule(a1, jst(11, 19, 15))
    events += book.change(a1, "held", handoff_status="held")
    events += book.change(a1, "qualified", partner_outcome="qualified")
    events += book.deal(a1, 1_000_000, "proposal")
    events += book.deal(a1, 1_000_000, "won")

    a2, set_a2 = book.set(jst(11, 5), member=0)
    events += set_a2 + book.change(a2, "held", handoff_status="held")
    events += book.change(a2, "no_show", handoff_status="no_show")  # the client corrects its report

    a3, set_a3 = book.set(jst(11, 10), member=0)
    events += set_a3 + book.change(a3, "held", handoff_status="held")
    events += book.change(a3, "qualified", partner_outcome="qualified")
    # The client corrects its report: qualified → unqualified (counts once, as the latest).
    events += book.change(a3, "unqualified", partner_outcome="unqualified", unqualified_reason="予算なし")

    a4, set_a4 = book.set(jst(11, 1, 0), member=0)  # the first instant of November in Tokyo (10/31 15:00 UTC)
    events += set_a4 + book.change(a4, "held", handoff_status="held")
    events += book.change(a4, "qualified", partner_outcome="qualified") + book.deal(a4, 500_000, "proposal")

    a5, set_a5 = book.set(jst(11, 30, 23, 59, 59), member=1)  # the last second of November in Tokyo
    events += set_a5 + book.change(a5, "cancelled", handoff_status="cancelled")
    _, set_a6 = book.set(jst(11, 30, 23, 30), member=1)  # 23:30 on the last day of November in Tokyo
    events += set_a6
    a7, set_a7 = book.set(jst(11, 15), member=1)
    events += set_a7 + book.change(a7, "no_show", handoff_status="no_show")

    x1, set_x1 = book.set(jst(12, 1, 8, 30), member=0)  # December in Tokyo, though 11/30 23:30 UTC
    events += set_x1 + book.change(x1, "held", handoff_status="held")
    x2, set_x2 = book.set(jst(10, 31, 23, 59, 59), member=0)  # October in Tokyo
    events += set_x2 + book.change(x2, "held", handoff_status="held")
    events += book.change(x2, "qualified", partner_outcome="qualified") + book.deal(x2, 2_000_000, "won")
    assert jst(12, 1, 8, 30).astimezone(UTC) == datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    await feed(resources, *events)

    body = await quality(app_client, settings, world, NOVEMBER, group_by="member")
    counts = ("appointments", "held", "no_show", "cancelled", "pending", "qualified", "unqualified", "deals", "won",
              "deal_amount", "won_amount")
    assert {k: body[k] for k in counts} == {
        "appointments": 7, "held": 3, "no_show": 2, "cancelled": 1, "pending": 1, "qualified": 2, "unqualified": 1,
        "deals": 2, "won": 1, "deal_amount": 1_500_000, "won_amount": 1_000_000}
    assert_rate(body, "held_rate", 3, 5)
    assert_rate(body, "no_show_rate", 2, 5)
    assert_rate(body, "qualified_rate", 2, 3)
    assert_rate(body, "appointment_to_deal_rate", 2, 7)
    assert_rate(body, "appointment_to_won_rate", 1, 7)

    assert [g["key"] for g in body["groups"]] == [str(world.members[0]), str(world.members[1])]  # the ranking
    assert [g["label"] for g in body["groups"]] == ["メンバー1", "メンバー2"]
    groups = {g["key"]: g for g in body["groups"]}
    first, second = groups[str(world.members[0])], groups[str(world.members[1])]
    assert (first["appointments"], first["held"], first["no_show"], first["deals"], first["won"]) == (4, 3, 1, 2, 1)
    assert_rate(first, "held_rate", 3, 4)
    assert_rate(first, "no_show_rate", 1, 4)
    assert_rate(first, "qualified_rate", 2, 3)
    assert_rate(first, "appointment_to_deal_rate", 2, 4)
    assert_rate(first, "appointment_to_won_rate", 1, 4)
    assert (second["appointments"], second["held"], second["no_show"], second["cancelled"], second["pending"]) == (
        3, 0, 1, 1, 1)
    assert_rate(second, "held_rate", 0, 1)
    assert_rate(second, "no_show_rate", 1, 1)
    assert_null_rate(second, "qualified_rate")  # nothing judged: 0 / 0
    assert_rate(second, "appointment_to_deal_rate", 0, 3)
    assert_rate(second, "appointment_to_won_rate", 0, 3)

    # The period edges are Tokyo days: x2 is October's, x1 December's.
    october = await quality(app_client, settings, world, {"from": "2026-10-01", "to": "2026-11-01"})
    assert (october["appointments"], october["held"], october["deals"], october["won"]) == (1, 1, 1, 1)
    assert october["won_amount"] == 2_000_000
    assert_rate(october, "appointment_to_won_rate", 1, 1)
    december = await quality(app_client, settings, world, {"from": "2026-12-01", "to": "2027-01-01"})
    assert (december["appointments"], december["held"], december["deals"]) == (1, 1, 0)
    # One day: the appointment rescheduled twice counts once, on the day it was set (11/02), not its meeting days.
    day = await quality(app_client, settings, world, {"from": "2026-11-02", "to": "2026-11-03"})
    assert (day["appointments"], day["held"], day["won"]) == (1, 1, 1)
    moved_to = await quality(app_client, settings, world, {"from": "2026-11-19", "to": "2026-11-20"})
    assert moved_to["appointments"] == 0
    # The last day of November in Tokyo holds a5 (23:59:59) and a6 (23:30); a3 is judged once, unqualified.
    last_day = await quality(app_client, settings, world, {"from": "2026-11-30", "to": "2026-12-01"})
    assert (last_day["appointments"], last_day["cancelled"], last_day["pending"]) == (2, 1, 1)
    a3_day = await quality(app_client, settings, world, {"from": "2026-11-10", "to": "2026-11-11"})
    assert (a3_day["appointments"], a3_day["held"], a3_day["qualified"], a3_day["unqualified"]) == (1, 1, 0, 1)
    assert a3_day["qualified_rate"] == 0.0

    empty = await quality(app_client, settings, world, {"from": "2026-09-01", "to": "2026-10-01"})
    assert empty["appointments"] == 0 and empty["groups"] == []
    for name in ("held_rate", "no_show_rate", "qualified_rate", "appointment_to_deal_rate", "appointment_to_won_rate"):
        assert_null_rate(empty, name)


PIPELINE, OPEN_STAGE, WON_STAGE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def pipeline_changed():
    return envelope("pipeline.changed", "pipeline", PIPELINE, {"id": str(PIPELINE), "name": "新規", "stages": [
        {"id": str(OPEN_STAGE), "name": "提案", "position": 1, "probability": 50},
        {"id": str(WON_STAGE), "name": "受注", "position": 2, "probability": 100, "is_won": True}]})


def deal_created(owner: uuid.UUID, amount: int, *, won: bool, appointment_id: uuid.UUID | None = None,
                 client_id: uuid.UUID | None = None):
    deal_id = uuid.uuid4()
    created = jst(11, 2)
    return envelope("deal.created", "deal", deal_id, {
        "id": str(deal_id), "name": "商談", "account_name": "株式会社テスト", "owner_id": str(owner),
        "pipeline_id": str(PIPELINE), "stage_id": str(WON_STAGE if won else OPEN_STAGE), "amount": amount,
        "probability": 100 if won else 50, "expected_close_date": "2026-11-20", "forecast_category": "commit",
        "status": "won" if won else "open", "lead_source": "outbound_appointment" if appointment_id else "referral",
        "created_at": created.isoformat(), "closed_at": jst(11, 20).isoformat() if won else None,
        "stage_entered_at": created.isoformat(), "appointment_id": str(appointment_id) if appointment_id else None,
        "client_id": str(client_id) if client_id else None})


async def test_client_deals_move_quality_but_never_the_agencys_pipeline_or_forecast(
    app_client, resources, settings,
) -> None:
    world = ProjectWorld()
    book = Appointments(world)
    owner = uuid.uuid4()
    quota_id = uuid.uuid4()
    await feed(resources, *world.setup(), pipeline_changed(), deal_created(owner, 800_000, won=False),
               envelope("quota.set", "quota", quota_id, {"id": str(quota_id), "owner_id": str(owner),
                                                         "period_start": "2026-11-01", "period_end": "2026-12-01",
                                                         "amount": 4_000_000}))
    appointment, events = book.set(jst(11, 4), member=0)
    events += book.change(appointment, "held", handoff_status="held")
    events += book.change(appointment, "qualified", partner_outcome="qualified")
    await feed(resources, *events)
    reader = headers(settings)
    summary_params = {"owner_id": str(owner), **NOVEMBER, "as_of": "2026-11-25"}
    forecast_params = {"owner_id": str(owner), "period": "2026-11"}

    async def agency_figures() -> tuple[dict, dict]:
        summary = await app_client.get("/v1/pipeline/summary", params=summary_params, headers=reader)
        forecast = await app_client.get("/v1/forecast", params=forecast_params, headers=reader)
        assert summary.status_code == 200 and forecast.status_code == 200, summary.text + forecast.text
        return summary.json(), forecast.json()

    summary_before, forecast_before = await agency_figures()
    assert forecast_before["won"] == 0 and forecast_before["commit"] == 800_000 and forecast_before["quota"] == 4_000_000
    assert forecast_before["attainment"] == 0
    before = await quality(app_client, settings, world, NOVEMBER)
    assert (before["deals"], before["won"], before["deal_amount"]) == (0, 0, 0)

    # The client reports its deal, won: outcome data on the appointment. An event from before client deals
    # moved onto appointments (an agency deal linked to the appointment) is dropped from the pipeline too.
    await feed(resources, *book.deal(appointment, 2_000_000, "won"),
               deal_created(owner, 2_000_000, won=True, appointment_id=appointment, client_id=world.client_id))
    summary_after, forecast_after = await agency_figures()
    assert summary_after == summary_before
    assert forecast_after == forecast_before
    after = await quality(app_client, settings, world, NOVEMBER)
    assert (after["deals"], after["won"], after["deal_amount"], after["won_amount"]) == (1, 1, 2_000_000, 2_000_000)
    assert after["appointment_to_won_rate"] == 1.0


async def test_an_older_appointment_event_applied_late_does_not_undo_a_correction(
    app_client, resources, settings,
) -> None:
    """A consumer may take over events a dead one left pending and apply them after newer ones: the
    appointment keeps its latest state (by outbox sequence), so the client's correction stands."""
    world = ProjectWorld()
    book = Appointments(world)
    appointment, events = book.set(jst(11, 6), member=0)
    held = book.change(appointment, "held", handoff_status="held")
    qualified = book.change(appointment, "qualified", partner_outcome="qualified")
    corrected = book.change(appointment, "unqualified", partner_outcome="unqualified", unqualified_reason="予算なし")
    await feed(resources, *world.setup(), *events, *held, *corrected)
    await feed(resources, *qualified, *events)  # older events, late
    body = await quality(app_client, settings, world, NOVEMBER)
    assert (body["appointments"], body["held"], body["qualified"], body["unqualified"]) == (1, 1, 0, 1)
    assert body["qualified_rate"] == 0.0


async def test_the_portfolio_carries_each_projects_quality_of_the_month_so_far(app_client, resources, settings) -> None:
    """The director's home shows each project's appointment quality of the month so far: the appointments set
    from the 1st through as_of (Tokyo days); a project without appointments has zero counts and null rates."""
    world, quiet = ProjectWorld(name="品質あり"), ProjectWorld(name="アポなし")
    quiet.director_id = world.director_id
    book = Appointments(world)
    events = [*world.setup(), *quiet.setup()]
    first, set_first = book.set(jst(11, 1, 0), member=0)  # the first instant of November in Tokyo
    events += set_first + book.change(first, "held", handoff_status="held")
    events += book.change(first, "qualified", partner_outcome="qualified")
    second, set_second = book.set(jst(11, 20, 23, 30), member=1)  # as_of's last evening
    events += set_second + book.change(second, "no_show", handoff_status="no_show")
    for set_at in (jst(11, 21, 0), jst(10, 31, 23, 30)):  # after as_of; October
        _, set_other = book.set(set_at, member=0)
        events += set_other
    await feed(resources, *events)
    response = await app_client.get("/v1/portfolio", params={"as_of": "2026-11-20"},
                                    headers=headers(settings, Role.director, world.director_id))
    assert response.status_code == 200, response.text
    items = {item["name"]: item["month_quality"] for item in response.json()["items"]}
    month = items["品質あり"]
    assert (month["appointments"], month["held"], month["no_show"], month["qualified"], month["pending"]) == (
        2, 1, 1, 1, 0)
    assert month["held_rate"] == 0.5 and month["qualified_rate"] == 1.0
    assert month["qualified_rate_ci"] == pytest.approx(list(WILSON[(1, 1)]), abs=1e-9)
    empty = items["アポなし"]
    assert empty["appointments"] == 0
    for name in ("held_rate", "no_show_rate", "qualified_rate", "appointment_to_deal_rate", "appointment_to_won_rate"):
        assert_null_rate(empty, name)
