"""Issue 16: one outbox writer with one calling convention, and one Redis Streams consumer loop.

`record_event` was synchronous in projects-api and a coroutine in reporting-api under the same name,
so a missing `await` dropped an event without a word. Now both services call anken_common's writer
the same way (a plain call that adds the row to the session); this test fails if either grows its
own writer again, if any call site awaits it, or if reporting's outbox model drifts from its table.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from anken_common import event_stream, outbox_writer
from anken_common.events import EventType

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "services"
# The only statement that writes an outbox row by hand: the single-call hot path, which inserts the
# call, its event and its audit entry in one round trip (tests/projects_calls checks its events).
HAND_WRITTEN_OUTBOX_INSERTS = {"projects-api/anken_projects/calls/single.py"}


def _sources() -> list[Path]:
    return [p for package in SERVICES.glob("*/anken_*") for p in package.rglob("*.py")
            if "/migrations/" not in p.as_posix()]


def test_both_services_write_events_through_the_one_writer_without_await() -> None:
    from anken_projects.outbox import writer as projects_writer
    from anken_reporting.outbox import writer as reporting_writer

    for writer in (outbox_writer, projects_writer, reporting_writer):
        assert not inspect.iscoroutinefunction(writer.record_event), writer.__name__
    for writer in (projects_writer, reporting_writer):
        assert "outbox_writer.record_event(" in inspect.getsource(writer.record_event), writer.__name__

    awaited, defined = [], []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
                func = node.value.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "record_event":
                    awaited.append(f"{path.relative_to(SERVICES)}:{node.lineno}")
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "record_event":
                defined.append(path.relative_to(SERVICES).as_posix())
    assert not awaited, f"record_event is a plain call: {awaited}"
    assert sorted(defined) == sorted([
        "anken_common/anken_common/outbox_writer.py",
        "projects-api/anken_projects/outbox/writer.py",
        "reporting-api/anken_reporting/outbox/writer.py",
    ])

    by_hand = {p.relative_to(SERVICES).as_posix() for p in _sources()
               if "INSERT INTO projects.outbox_events" in (text := p.read_text(encoding="utf-8"))
               or "INSERT INTO reporting.outbox_events" in text}
    assert by_hand == HAND_WRITTEN_OUTBOX_INSERTS


async def _write_and_read(database_url: str) -> tuple[set[str], set[str], dict]:
    from anken_reporting.outbox.models import OutboxEvent
    from anken_reporting.outbox.writer import record_event

    engine = create_async_engine(database_url.replace("postgresql://", "postgresql+asyncpg://", 1))
    aggregate = uuid.uuid4()
    try:
        async with engine.connect() as conn:
            live = set((await conn.execute(sa.text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'reporting' AND table_name = 'outbox_events'"))).scalars())
        async with AsyncSession(engine) as session, session.begin():
            row = record_event(session, EventType.pace_alert_raised, aggregate_type="pace_alert",
                               aggregate_id=aggregate, tenant=None, payload={"at": uuid.UUID(int=7)})
            event_id = row.event_id
        async with engine.connect() as conn:
            stored = (await conn.execute(sa.text(
                "SELECT event_id, type, aggregate_id, payload, published_at FROM reporting.outbox_events "
                "WHERE aggregate_id = :a"), {"a": str(aggregate)})).mappings().one()
        return live, set(OutboxEvent.__table__.columns.keys()), {**stored, "row_event_id": event_id}
    finally:
        await engine.dispose()


def test_reportings_outbox_model_is_its_table_and_a_written_event_commits_with_the_session(service_env) -> None:
    live, model, stored = asyncio.run(_write_and_read(service_env["DATABASE_URL"]))
    assert live and live == model
    assert stored["event_id"] == stored["row_event_id"]
    assert stored["type"] == EventType.pace_alert_raised.value
    assert stored["payload"] == {"at": str(uuid.UUID(int=7))} and stored["published_at"] is None


def test_reporting_consumes_the_stream_on_the_one_loop() -> None:
    from anken_reporting.consumers import runner

    assert runner.run_consumer is event_stream.run_consumer
    assert "xreadgroup" not in inspect.getsource(runner)
