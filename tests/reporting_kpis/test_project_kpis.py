"""Project KPIs from events folded into the read models (real PostgreSQL), hand-computed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from anken_reporting.kpis.service import project_kpis

from .builders import ProjectWorld
from .feeding import feed


def tokyo(year: int, month: int, day: int, hour: int = 10) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hour, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


async def january_2027(resources) -> ProjectWorld:
    """Jan 2027 starts on a holiday (1/1) and has Coming-of-Age Day (1/11): 19 business days."""
    world = ProjectWorld(target=19)
    events = [*world.setup(), world.list_imported(30)]
    outcomes_m1 = ["connected_rejected", "connected_rejected", "connected_followup", "appointment"] + ["no_answer"] * 6
    events += [world.call(tokyo(2027, 1, 4, 10), o, member=0) for o in outcomes_m1]
    events += [world.call(tokyo(2027, 1, 5, 11), o, member=1)
               for o in ["appointment", "gatekeeper_block", "absent", "absent", "absent"]]
    events.append(world.call(tokyo(2027, 1, 11, 12), "appointment", member=0))  # a holiday still counts as a day's work
    events += [world.hours(date(2027, 1, 4), 2.5, member=0), world.hours(date(2027, 1, 5), 1.5, member=1)]
    await feed(resources, *events)
    return world


async def test_month_starting_on_a_holiday_hand_computed(resources) -> None:
    world = await january_2027(resources)
    async with resources.sessionmaker() as session:
        result = await project_kpis(session, world.project_id, date(2027, 1, 1), date(2027, 2, 1), as_of=date(2027, 1, 12))
    assert (result.calls, result.contacts, result.appointments) == (16, 6, 3)
    assert result.contact_rate == 0.375
    assert result.contact_to_appointment_rate == 0.5
    assert result.appointment_rate == 0.1875
    assert result.worked_hours == 4.0 and result.appointments_per_hour == 0.75
    assert result.month.business_days_in_month == 19 and result.month.elapsed_business_days == 6
    assert result.month.appointments_so_far == 3
    assert result.progress_rate == 3 / 19
    assert result.pace == pytest.approx(0.5, abs=1e-15)
    assert result.projected_month_end == 9.5
    # 30 callable − 16 first calls = 14 left; 15 calls over the last 10 business days → 1.5/day → 10 days.
    assert result.month.remaining_targets == 14
    assert result.list_exhaustion_date == date(2027, 1, 26)
    assert result.target.monthly_appointment_target == 19
    assert result.target.period_appointment_target == pytest.approx(19.0)


async def test_targets_put_on_do_not_call_leave_the_list_stock(resources) -> None:
    world = await january_2027(resources)
    withdrawn = [world.target_status("new", "dnc"), world.target_status("callback", "dnc"),
                 world.target_status("new", "excluded")]
    neutral = [world.target_status("called", "dnc"), world.target_status(None, "dnc")]  # not callable / old payload
    returned = [world.target_status("dnc", "new")]
    await feed(resources, *withdrawn, *neutral, *returned, withdrawn[0])  # a redelivered event counts once
    async with resources.sessionmaker() as session:
        result = await project_kpis(session, world.project_id, date(2027, 1, 1), date(2027, 2, 1), as_of=date(2027, 1, 12))
    # 30 callable − 16 first calls − 3 withdrawn + 1 callable again = 12; 1.5 calls/day → 8 business days.
    assert result.month.remaining_targets == 12
    assert result.list_exhaustion_date == date(2027, 1, 22)
    # A new import resets the stock to what it reports.
    await feed(resources, world.list_imported(40), world.target_status("new", "dnc"))
    async with resources.sessionmaker() as session:
        result = await project_kpis(session, world.project_id, date(2027, 1, 1), date(2027, 2, 1), as_of=date(2027, 1, 12))
    assert result.month.remaining_targets == 39


async def test_as_of_the_holiday_first_day_has_no_elapsed_business_day(resources) -> None:
    world = await january_2027(resources)
    async with resources.sessionmaker() as session:
        result = await project_kpis(session, world.project_id, date(2027, 1, 1), date(2027, 1, 2), as_of=date(2027, 1, 1))
    assert result.month.elapsed_business_days == 0
    assert result.pace is None and result.projected_month_end is None
    assert result.progress_rate == 0.0


async def test_groups_by_member_and_day(resources) -> None:
    world = await january_2027(resources)
    async with resources.sessionmaker() as session:
        by_member = await project_kpis(session, world.project_id, date(2027, 1, 1), date(2027, 2, 1), "member",
                                       as_of=date(2027, 1, 12))
        by_day = await project_kpis(session, world.project_id, date(2027, 1, 4), date(2027, 1, 6), "day",
                                    as_of=date(2027, 1, 12))
    groups = {g.key: g for g in by_member.groups}
    first = groups[str(world.members[0])]
    assert (first.calls, first.contacts, first.appointments, first.worked_hours) == (11, 5, 2, 2.5)
    assert first.label == "メンバー1" and first.appointments_per_hour == 0.8
    second = groups[str(world.members[1])]
    assert (second.calls, second.contacts, second.appointments) == (5, 1, 1)
    assert second.contact_rate == 0.2 and second.contact_to_appointment_rate == 1.0
    assert [(g.key, g.calls) for g in by_day.groups] == [("2027-01-04", 10), ("2027-01-05", 5)]


async def test_previous_period_of_equal_length(resources) -> None:
    world = await january_2027(resources)
    async with resources.sessionmaker() as session:
        result = await project_kpis(session, world.project_id, date(2027, 1, 5), date(2027, 1, 6), as_of=date(2027, 1, 12))
    assert result.calls == 5 and result.previous.calls == 10
    assert result.previous.contact_rate == 0.4


async def test_empty_period_has_null_rates_and_zero_target_has_null_progress(resources) -> None:
    world = ProjectWorld(target=0)
    await feed(resources, *world.setup())
    async with resources.sessionmaker() as session:
        result = await project_kpis(session, world.project_id, date(2026, 11, 1), date(2026, 12, 1), as_of=date(2026, 11, 20))
    assert (result.calls, result.contacts, result.appointments) == (0, 0, 0)
    assert result.contact_rate is None and result.contact_to_appointment_rate is None
    assert result.appointment_rate is None and result.appointments_per_hour is None
    assert result.progress_rate is None and result.pace is None
    assert result.projected_month_end == 0.0
    assert result.list_exhaustion_date is None


async def test_a_call_after_midnight_in_tokyo_belongs_to_the_next_local_day(resources) -> None:
    world = ProjectWorld()
    late = world.call(datetime(2026, 11, 30, 15, 30, tzinfo=UTC), "appointment")  # 2026-12-01 00:30 JST
    before = world.call(datetime(2026, 11, 30, 14, 59, tzinfo=UTC), "no_answer")  # 2026-11-30 23:59 JST
    await feed(resources, *world.setup(), late, before)
    async with resources.sessionmaker() as session:
        december = await project_kpis(session, world.project_id, date(2026, 12, 1), date(2026, 12, 2), as_of=date(2026, 12, 1))
        november = await project_kpis(session, world.project_id, date(2026, 11, 30), date(2026, 12, 1), as_of=date(2026, 11, 30))
    assert (december.calls, december.appointments) == (1, 1)
    assert (november.calls, november.appointments) == (1, 0)
    assert december.month.appointments_so_far == 1 and november.month.appointments_so_far == 0


async def test_duplicate_late_edited_and_deleted_calls(resources) -> None:
    world = ProjectWorld()
    day = date(2026, 11, 24)
    a = world.call(tokyo(2026, 11, 24), "no_answer")
    b = world.call(tokyo(2026, 11, 24), "connected_rejected")
    c = world.call(tokyo(2026, 11, 24), "absent")
    await feed(resources, *world.setup(), a, a, b, c)  # `a` delivered twice
    # a is edited to an appointment; b deleted.
    await feed(resources, world.call_change("call.updated", a, outcome="appointment"),
               world.call_change("call.deleted", b))
    # c: its update overtakes... a late re-delivery of the original (older sequence) is ignored.
    update_c = world.call_change("call.updated", c, outcome="connected_followup")
    await feed(resources, update_c, c)
    # An out-of-order pair: the update (newer) arrives before the logged event (older).
    d = world.call(tokyo(2026, 11, 24), "no_answer")
    update_d = world.call_change("call.updated", d, outcome="connected_rejected")
    await feed(resources, update_d, d)
    # A late event for an earlier day lands on that day.
    await feed(resources, world.call(tokyo(2026, 11, 20), "appointment"))
    async with resources.sessionmaker() as session:
        result = await project_kpis(session, world.project_id, day, date(2026, 11, 25), as_of=day)
        week = await project_kpis(session, world.project_id, date(2026, 11, 16), date(2026, 11, 23), as_of=day)
    # a: appointment; b: gone; c: followup; d: rejected.
    assert (result.calls, result.contacts, result.appointments) == (3, 3, 1)
    assert (week.calls, week.appointments) == (1, 1)


async def test_a_call_moved_to_another_day_moves_its_contribution(resources) -> None:
    world = ProjectWorld()
    call = world.call(tokyo(2026, 11, 24), "appointment", variant="A")
    moved = world.call_change("call.updated", call, occurred_at=tokyo(2026, 11, 25).isoformat(), variant="B")
    await feed(resources, *world.setup(), call, moved)
    async with resources.sessionmaker() as session:
        result = await project_kpis(session, world.project_id, date(2026, 11, 24), date(2026, 11, 26), "variant",
                                    as_of=date(2026, 11, 25))
        day_one = await project_kpis(session, world.project_id, date(2026, 11, 24), date(2026, 11, 25), as_of=date(2026, 11, 25))
    assert [(g.key, g.calls, g.appointments) for g in result.groups] == [("B", 1, 1)]
    assert day_one.calls == 0


async def test_continuation_rate_and_upsell_count(resources) -> None:
    world = ProjectWorld()
    await feed(resources, *world.setup(),
               world.contract_change("renewal", date(2026, 11, 1), term_end=date(2026, 10, 31), hours_before=100, hours_after=140),
               world.contract_change("end", date(2026, 10, 20), term_end=date(2026, 10, 15)),
               world.contract_change("upsell", date(2026, 10, 10), hours_before=140, hours_after=160),
               world.contract_change("downsell", date(2026, 10, 12), hours_before=160, hours_after=120))
    async with resources.sessionmaker() as session:
        october = await project_kpis(session, world.project_id, date(2026, 10, 1), date(2026, 11, 1), as_of=date(2026, 10, 31))
        november = await project_kpis(session, world.project_id, date(2026, 11, 1), date(2026, 12, 1), as_of=date(2026, 11, 30))
    # October: terms ended 10/15 (end) and 10/31 (renewed) → 1/2; upsell on 10/10 only.
    assert october.continuation_rate == 0.5 and october.upsell_count == 1
    # November: no term ended → null; the renewal effective 11/1 raised hours → one upsell.
    assert november.continuation_rate is None and november.upsell_count == 1


async def test_groups_by_industry_and_script_version(resources) -> None:
    import uuid as _uuid

    world = ProjectWorld()
    version = _uuid.uuid4()
    await feed(resources, *world.setup(),
               world.call(tokyo(2026, 11, 24), "appointment", industry="IT", script_version_id=version),
               world.call(tokyo(2026, 11, 24), "no_answer", industry="IT"),
               world.call(tokyo(2026, 11, 24), "connected_rejected", industry="製造", script_version_id=version))
    async with resources.sessionmaker() as session:
        by_industry = await project_kpis(session, world.project_id, date(2026, 11, 24), date(2026, 11, 25), "industry",
                                         as_of=date(2026, 11, 24))
        by_version = await project_kpis(session, world.project_id, date(2026, 11, 24), date(2026, 11, 25),
                                        "script_version", as_of=date(2026, 11, 24))
    assert [(g.key, g.calls, g.contact_rate, g.worked_hours) for g in by_industry.groups] == [
        ("IT", 2, 0.5, None), ("製造", 1, 1.0, None)]
    assert [(g.key, g.calls) for g in by_version.groups] == [(str(version), 2), (None, 1)]


async def test_a_payload_breaking_the_contract_is_skipped_not_retried_forever(resources) -> None:
    from .builders import envelope
    from .feeding import feed_batches

    world = ProjectWorld()
    broken_call = world.call(tokyo(2026, 11, 24), "appointment")
    broken_call.payload["outcome"] = "teleported"
    broken_user = envelope("user.created", "user", world.members[0], {"id": "not-a-uuid"})
    await feed(resources, *world.setup(), broken_user)
    await feed_batches(resources, [broken_call, world.call(tokyo(2026, 11, 24), "no_answer")], 10)
    async with resources.sessionmaker() as session:
        result = await project_kpis(session, world.project_id, date(2026, 11, 24), date(2026, 11, 25), as_of=date(2026, 11, 24))
    assert (result.calls, result.appointments) == (1, 0)


async def test_an_older_project_event_applied_late_does_not_undo_newer_settings(resources) -> None:
    """A consumer may take over events a dead one left pending and apply them after newer ones: the project
    row keeps its latest settings (by outbox sequence), both through the consumer and in the projection itself."""
    from sqlalchemy import text

    from anken_common.event_payloads import ProjectPayload
    from anken_reporting.consumers.registry import ApplyContext
    from anken_reporting.readmodels.projections import apply_project

    world = ProjectWorld(target=20)
    setup = world.setup()
    older = world.project(client_sees_member_names=False, monthly_appointment_target=5, timezone="Asia/Tokyo")
    newer = world.project(client_sees_member_names=True, monthly_appointment_target=30, timezone="Asia/Seoul")
    assert older.sequence < newer.sequence
    read = text("SELECT client_sees_member_names, monthly_appointment_target, timezone, sequence "
                "FROM reporting.projects WHERE id = :id")
    await feed(resources, *setup, newer, older)  # the older event, late
    async with resources.sessionmaker() as session:
        assert tuple((await session.execute(read, {"id": world.project_id})).one()) == (
            True, 30, "Asia/Seoul", newer.sequence)
    # The read model's own guard, without the consumer's per-aggregate positions in front of it.
    async with resources.sessionmaker() as session, session.begin():
        await apply_project(session, older, ProjectPayload.model_validate(older.payload), ApplyContext())
    async with resources.sessionmaker() as session:
        assert tuple((await session.execute(read, {"id": world.project_id})).one()) == (
            True, 30, "Asia/Seoul", newer.sequence)
