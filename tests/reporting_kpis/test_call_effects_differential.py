"""A call's effect on the read models has one definition (readmodels.call_effects); the paths
that apply it in their own form for speed must agree with it. One seeded random history —
calls of every outcome by several members of several projects, instants on both sides of
midnight in Tokyo and of month ends, a project that changes its zone, edits that move a call
to another member, day, variant or outcome, deletions (undo), list imports, status changes of
targets, appointments, re-deliveries — is driven through every path:

- the live consumer, one event per transaction (projections.apply_call);
- the live consumer in batches (bulk_calls.apply_logged_calls for runs of `call.logged`);
- the bulk rebuild from NDJSON (call_facts + call_fold);
- the bulk rebuild from the CSV of call facts (columnar_rebuild: the day computed in SQL);
- the event-by-event replay of an irregular export;

and every read model is compared row by row, with the rollups also checked against sums
computed here from the history, so that paths agreeing on a wrong answer fail too.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from anken_common.call_fact_widths import stored_industry, stored_variant
from anken_common.call_outcomes import CONTACT_OUTCOMES, CallOutcome
from anken_common.events import EventEnvelope
from anken_reporting.admin import rebuild as rebuild_module
from anken_reporting.admin.bulk_rebuild import IrregularExport
from anken_reporting.consumers.batch import apply_events
from anken_reporting.consumers.registry import ApplyContext
from anken_reporting.db import Resources
from anken_reporting.readmodels.timezones import local_day

from .builders import ProjectWorld, envelope
from .conftest import reporting_settings
from .feeding import feed
from .test_rebuild import isolated_env, snapshot  # noqa: F401  (module fixture, shared helper)
from .test_rebuild_bulk import csv_export_app, ndjson_export_app, rebuild

# Instants (UTC) around the edges that decide a call's day and month: midnight in Tokyo (15:00
# UTC), midnight in New York, and the ends of January and February.
EDGES = [
    datetime(2027, 1, 31, 14, 59, 59, tzinfo=UTC), datetime(2027, 1, 31, 15, 0, 0, tzinfo=UTC),  # Feb 1 00:00 JST
    datetime(2027, 2, 28, 14, 59, 59, tzinfo=UTC), datetime(2027, 2, 28, 15, 0, 0, tzinfo=UTC),  # Mar 1 00:00 JST
    datetime(2027, 2, 1, 4, 59, 59, tzinfo=UTC), datetime(2027, 2, 1, 5, 0, 0, tzinfo=UTC),  # Feb 1 00:00 in New York
    datetime(2027, 1, 15, 14, 59, 59, tzinfo=UTC), datetime(2027, 1, 15, 15, 0, 0, tzinfo=UTC),
]
VARIANTS = [None, "", "A", "B", "B:製造", "長い" * 40]  # the last is cut to its stored width
INDUSTRIES = [None, "IT", "製造", "小売" * 60]


@pytest.fixture(scope="module")
async def isolated(isolated_env) -> AsyncIterator[Resources]:  # noqa: F811
    resources = Resources(reporting_settings(isolated_env, rebuild_page_size=11))
    try:
        yield resources
    finally:
        await resources.close()


class History:
    """A random history and, beside it, each call's state as the read models should hold it."""

    def __init__(self, seed: int, calls: int) -> None:
        self.rng = rng = random.Random(seed)
        self.worlds = [ProjectWorld(members=3), ProjectWorld(members=2, timezone="America/New_York"),
                       ProjectWorld(members=3)]
        self.zones = {w.project_id: w.timezone for w in self.worlds}
        self.events: list[EventEnvelope] = [e for w in self.worlds for e in w.setup()]
        self.events += [w.list_imported(rng.randint(50, 500)) for w in self.worlds[:2]]  # the third has no stock
        self.logged: dict[str, EventEnvelope] = {}  # call id → its latest event
        self.state: dict[str, tuple | None] = {}  # call id → (key..., outcome, duration, first) or None if deleted
        for _ in range(calls):
            self.step()

    def instant(self) -> datetime:
        if self.rng.random() < 0.4:
            return self.rng.choice(EDGES)
        start = datetime(2027, 1, 20, tzinfo=UTC)
        return start + timedelta(seconds=self.rng.randrange(0, 45 * 86400))

    def _remember(self, e: EventEnvelope) -> None:
        p = e.payload
        self.logged[p["id"]] = e
        if e.type == "call.deleted":
            self.state[p["id"]] = None
            return
        day = local_day(datetime.fromisoformat(p["occurred_at"]), self.zones[uuid.UUID(p["project_id"])])
        self.state[p["id"]] = (p["project_id"], p["member_id"], day, stored_variant(p.get("variant")),
                               p.get("script_version_id") or "", stored_industry(p.get("target_industry")),
                               p["outcome"], p["duration_s"], p["first_call_of_target"])

    def step(self) -> None:
        rng, roll = self.rng, self.rng.random()
        world = rng.choice(self.worlds)
        live = [cid for cid, s in self.state.items() if s is not None]
        if roll < 0.55 or not live:
            e = world.call(self.instant(), rng.choice(list(CallOutcome)).value, member=rng.randrange(len(world.members)),
                           variant=rng.choice(VARIANTS), industry=rng.choice(INDUSTRIES),
                           duration_s=rng.randint(0, 900), first_call=rng.random() < 0.6,
                           script_version_id=rng.choice([None, uuid.uuid4()]))
        elif roll < 0.75:
            last = self.logged[rng.choice(live)]
            owner = next(w for w in self.worlds if str(w.project_id) == last.payload["project_id"])
            change: dict[str, Any] = rng.choice([
                {"outcome": rng.choice(list(CallOutcome)).value},
                {"member_id": str(rng.choice(owner.members))},
                {"occurred_at": self.instant().isoformat()},  # often across midnight or a month end
                {"variant": rng.choice(VARIANTS), "duration_s": rng.randint(0, 900)},
                {"first_call_of_target": not last.payload["first_call_of_target"]},
            ])
            e = owner.call_change("call.updated", last, **change)
        elif roll < 0.85:
            last = self.logged[rng.choice(live)]
            owner = next(w for w in self.worlds if str(w.project_id) == last.payload["project_id"])
            e = owner.call_change("call.deleted", last)
        elif roll < 0.9:
            self.events.append(world.appointment(self.instant(), member=rng.randrange(len(world.members)),
                                                 handoff_status=rng.choice(["set", "held"])))
            return
        elif roll < 0.94:
            self.events.append(world.target_status(rng.choice(["new", "callback", None]), rng.choice(["dnc", "new"])))
            return
        elif roll < 0.96 and world is self.worlds[0]:
            self.events.append(world.list_imported(rng.randint(50, 500)))  # the stock counts again from here
            return
        elif roll < 0.98 and world is self.worlds[2]:
            # The zone changes: later calls take their day in the new one, earlier ones keep theirs.
            world.timezone = "Asia/Tokyo" if world.timezone != "Asia/Tokyo" else "America/New_York"
            self.zones[world.project_id] = world.timezone
            self.events.append(world.project(timezone=world.timezone))
            return
        else:
            # The same call logged again under a new event id (a re-publish): the newer snapshot wins.
            last = self.logged[rng.choice(live)]
            payload = {k: v for k, v in last.payload.items() if k != "previous"}
            e = envelope("call.logged", "call", payload["id"], payload, tenant=last.tenant)
        self.events.append(e)
        self._remember(e)

    def expected_rollups(self) -> list[tuple]:
        sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        for state in self.state.values():
            if state is None:
                continue
            key, (outcome, duration, first) = state[:6], state[6:]
            row = sums[key]
            row[0] += 1
            row[1] += outcome in CONTACT_OUTCOMES
            row[2] += outcome == CallOutcome.appointment
            row[3] += duration
            row[4] += first
        return sorted((uuid.UUID(k[0]), uuid.UUID(k[1]), *k[2:], *v) for k, v in sums.items())

    def delivered(self) -> list[EventEnvelope]:
        """The live stream: everything in order, and some events delivered again later."""
        again = self.rng.sample(self.events, k=len(self.events) // 10)
        out = list(self.events)
        for e in again:
            out.insert(self.rng.randrange(out.index(e) + 1, len(out) + 1), e)
        return out


def _rollups(snap: dict[str, list]) -> list[tuple]:
    return sorted(snap["call_daily_rollups"], key=str)


async def feed_in_batches(resources: Resources, envelopes: list[EventEnvelope], size: int) -> None:
    """The live consumer's batches, without its fallback to one event at a time (which would
    hide a batch the batched path got wrong)."""
    ctx = ApplyContext(live=True, settings=resources.settings)
    for i in range(0, len(envelopes), size):
        async with resources.sessionmaker() as session, session.begin():
            await apply_events(session, envelopes[i:i + size], ctx)


async def _empty(resources: Resources) -> None:
    assert (await rebuild(resources, ndjson_export_app([])))["status"] == "succeeded"
    assert (await snapshot(resources))["call_states"] == []


@pytest.mark.parametrize("seed", [20270131, 42])
async def test_every_path_gives_the_same_read_models(isolated, monkeypatch, seed: int) -> None:
    history = History(seed, calls=260)
    exported, delivered = history.events, history.delivered()
    expected_rollups = history.expected_rollups()
    # The history covers what it claims to: every outcome, deletions, edits, both months' edges.
    kinds = {e.type for e in exported}
    assert {"call.logged", "call.updated", "call.deleted", "appointment.set", "target.updated"} <= kinds
    assert {e.payload["outcome"] for e in exported if e.type == "call.logged"} == {o.value for o in CallOutcome}
    days = {row[2] for row in expected_rollups}
    assert {date(2027, 1, 31), date(2027, 2, 1), date(2027, 2, 28), date(2027, 3, 1)} <= days

    # 1. The live consumer, one event per transaction.
    await _empty(isolated)
    await feed(isolated, *delivered)
    reference = await snapshot(isolated)
    assert _rollups(reference) == [tuple(r) for r in sorted(expected_rollups, key=str)]
    live_states = {str(row[0]) for row in reference["call_states"] if not row[-1]}
    assert live_states == {cid for cid, s in history.state.items() if s is not None}
    assert any(row[2] for row in reference["target_stock"])  # first calls were counted in a stock

    # 2. The live consumer in batches (runs of call.logged applied as one set), several sizes.
    for size in (1000, 13):
        await _empty(isolated)
        await feed_in_batches(isolated, delivered, size)
        assert await snapshot(isolated) == reference, f"batches of {size}"

    # 3. The bulk rebuild from NDJSON, and 4. from the CSV of call facts.
    async def no_replay(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bulk path should not fall back to replaying")

    monkeypatch.setattr(rebuild_module, "replay_rebuild", no_replay)
    for name, app in (("ndjson", ndjson_export_app(exported)), ("csv", csv_export_app(exported))):
        await _empty(isolated)
        job = await rebuild(isolated, app)
        assert job["status"] == "succeeded", (name, job["error"])
        assert await snapshot(isolated) == reference, name
    monkeypatch.undo()

    # 5. The event-by-event replay of an export it cannot fold in bulk.
    async def irregular(*args: object, **kwargs: object) -> None:
        raise IrregularExport("forced by the test")

    monkeypatch.setattr(rebuild_module, "bulk_rebuild", irregular)
    await _empty(isolated)
    assert (await rebuild(isolated, ndjson_export_app(exported)))["status"] == "succeeded"
    assert await snapshot(isolated) == reference


async def test_the_comparison_sees_a_path_that_drifts(isolated, monkeypatch) -> None:
    """The differential check can fail: a batched path that took a call's day in UTC rather than
    in the project's zone would differ from the reference around midnight in Tokyo."""
    from anken_reporting.readmodels import bulk_calls

    history = History(7, calls=80)
    await _empty(isolated)
    await feed(isolated, *history.events)
    reference = await snapshot(isolated)

    original = bulk_calls.call_facts

    def in_utc(p, timezone):  # type: ignore[no-untyped-def]
        return original(p, "UTC")

    monkeypatch.setattr(bulk_calls, "call_facts", in_utc)
    await _empty(isolated)
    await feed_in_batches(isolated, history.events, 50)
    drifted = await snapshot(isolated)
    assert _rollups(drifted) != _rollups(reference)
    assert drifted["call_states"] != reference["call_states"]


def test_the_paths_hold_no_copy_of_the_contribution() -> None:
    """Only call_effects says what a call adds: the per-event and batched paths write no rollup,
    project day or count of contacts themselves, and the rebuild's rollups come from its builders."""
    from pathlib import Path

    from anken_reporting.readmodels import call_effects, call_fold

    readmodels = Path(call_effects.__file__).parent
    for name in ("projections.py", "bulk_calls.py", "call_fold.py"):
        source = (readmodels / name).read_text()
        for copy in ("INSERT INTO reporting.call_daily_rollups", "INSERT INTO reporting.call_project_days",
                     "CONTACT_OUTCOMES", "'appointment'", "count(*) FILTER", "sum(duration_s)"):
            assert copy not in source, (name, copy)
    fold = Path(call_fold.__file__).read_text()
    assert "rollup_increments(" in fold and "project_day_increments(" in fold
    # The batched path's statement is the per-event path's: one statement text for both.
    assert "apply_contributions(" in (readmodels / "bulk_calls.py").read_text()
    assert "apply_contributions(" in (readmodels / "projections.py").read_text()
