"""Issue 16, one home for the shared plumbing and for two rules that had a SQL twin.

- The event envelope's JSON: anken_common.events.EventEnvelope. projects-api's export builds the
  same JSON in PostgreSQL with an expression generated from it (envelope_json_sql); here both are
  run on the same outbox rows and must give the same envelope.
- reporting-api's column widths for a call's variant and industry: anken_common.call_fact_widths.
  The export cuts in SQL (sql_stored) and reporting-api in Python (stored_*); both run on the same
  values here, and the live columns must have these widths.
- utc_now, the cursor codec, the migrations runner, Resources, the lifespan and get_principal have
  one definition in anken_common that every service uses.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from anken_common import clock, cursors, events
from anken_common.call_fact_widths import INDUSTRY_MAX_CHARS, VARIANT_MAX_CHARS, sql_stored, stored_text
from anken_common.events import OUTBOX_COLUMNS, EventEnvelope, envelope_from_outbox_row, envelope_json_sql
from anken_common.problems import UnprocessableEntity
from anken_common.resources import SessionDep

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("anken_projects", "anken_reporting", "anken_worker")

# Outbox rows with every awkward value a field can hold: quotes, backslashes, line breaks, non-ASCII,
# a null tenant, nested and empty payloads, microseconds and another offset.
_ROWS: list[dict[str, Any]] = [
    {"id": 1, "event_id": uuid.uuid4(), "type": "call.logged", "aggregate_type": "call",
     "aggregate_id": str(uuid.uuid4()), "tenant": uuid.uuid4(),
     "payload": {"outcome": "absent", "duration_s": 3, "variant": "A", "nested": {"list": [1, 2.5, None, True]}},
     "occurred_at": datetime(2026, 1, 5, 1, 2, 3, 456789, tzinfo=UTC)},
    {"id": 2, "event_id": uuid.uuid4(), "type": 'odd"type\\with\nbreak', "aggregate_type": "x'y",
     "aggregate_id": "営業-\u2028-\t", "tenant": None, "payload": {},
     "occurred_at": datetime(2025, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=9)))},
    {"id": 3, "event_id": uuid.uuid4(), "type": "project.updated", "aggregate_type": "project",
     "aggregate_id": "p", "tenant": uuid.uuid4(),
     "payload": {"name": 'テスト "案件" \\ 🎌', "empty": "", "zero": 0, "big": 10**15, "neg": -1.25e-7},
     "occurred_at": datetime(2026, 3, 1, tzinfo=UTC)},
]


async def _scratch_outbox(database_url: str, expression: str) -> tuple[list[str], list[asyncpg.Record]]:
    """Copy the rows into a scratch table shaped like projects.outbox_events; returns the
    expression's text for each row and the rows as read back, in id order."""
    conn = await asyncpg.connect(database_url)
    schema = f"scratch_{uuid.uuid4().hex[:8]}"
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
        await conn.execute(f"CREATE TABLE {schema}.outbox_events (LIKE projects.outbox_events)")
        await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
        for row in _ROWS:
            await conn.execute(
                f"INSERT INTO {schema}.outbox_events ({', '.join(row)}) "
                f"VALUES ({', '.join(f'${i}' for i in range(1, len(row) + 1))})", *row.values())
        texts = [r[0] for r in await conn.fetch(f"SELECT {expression} FROM {schema}.outbox_events ORDER BY id")]
        rows = await conn.fetch(f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM {schema}.outbox_events ORDER BY id")
        return texts, rows
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.close()


class _Row:
    def __init__(self, record: asyncpg.Record) -> None:
        for key, value in record.items():
            setattr(self, key, value)


def test_the_exports_sql_envelope_is_the_envelope_of_the_same_row(service_env) -> None:
    texts, rows = asyncio.run(_scratch_outbox(service_env["DATABASE_URL"], envelope_json_sql()))
    assert len(texts) == len(_ROWS)
    for text, record, original in zip(texts, rows, _ROWS, strict=True):
        from_sql = EventEnvelope.from_json(text)
        from_python = envelope_from_outbox_row(_Row(record))
        assert from_sql == from_python
        assert from_sql.payload == original["payload"] and from_sql.type == original["type"]
        assert from_sql.occurred_at == original["occurred_at"]
        # The same keys in the same order as the model writes them, and the same values.
        by_sql, by_model = json.loads(text), json.loads(from_python.to_json())
        assert list(by_sql) == list(by_model) == list(EventEnvelope.model_fields)
        del by_sql["occurred_at"], by_model["occurred_at"]  # the same instant, written in another offset
        assert by_sql == by_model


def test_the_export_uses_the_generated_expression() -> None:
    from anken_projects.events import repository

    assert repository._ENVELOPE_JSON == envelope_json_sql()
    assert f"CASE WHEN NOT q.fast THEN {envelope_json_sql(qualifier='q.o_')} END" in repository._CALL_FACTS
    assert "to_json" not in inspect.getsource(repository).replace("envelope_json_sql", "")


def test_a_field_added_to_the_envelope_reaches_the_sql(monkeypatch) -> None:
    class Wider(EventEnvelope):
        priority: int = 7

    class Unknown(EventEnvelope):
        tags: list[str] = []

    monkeypatch.setattr(events, "EventEnvelope", Wider)
    assert envelope_json_sql().endswith(""","version":1,"source":"projects-api","priority":7}'""")
    monkeypatch.setitem(events.OUTBOX_COLUMN_OF_FIELD, "priority", "priority")
    assert "priority::text" in envelope_json_sql()
    monkeypatch.setattr(events, "EventEnvelope", Unknown)
    monkeypatch.setitem(events.OUTBOX_COLUMN_OF_FIELD, "tags", "tags")
    with pytest.raises(TypeError, match="tags"):
        envelope_json_sql()


_TEXTS = [None, "", "A", "a" * 63, "b" * 64, "c" * 65, "業" * 99, "種" * 100, "界" * 101, "🎌" * 80 + "x" * 40,
          "e\u0301" * 60, "it's \\ \"quoted\"" * 10]


async def _sql_cuts(database_url: str, width: int) -> list[str]:
    conn = await asyncpg.connect(database_url)
    try:
        return [await conn.fetchval(f"SELECT {sql_stored('$1::text', width)}", value) for value in _TEXTS]
    finally:
        await conn.close()


@pytest.mark.parametrize("width", [VARIANT_MAX_CHARS, INDUSTRY_MAX_CHARS])
def test_sql_and_python_cut_a_call_fact_the_same(service_env, width: int) -> None:
    from_sql = asyncio.run(_sql_cuts(service_env["DATABASE_URL"], width))
    assert from_sql == [stored_text(value, width) for value in _TEXTS]
    assert max(len(v) for v in from_sql) == width


async def _column_widths(database_url: str) -> dict[tuple[str, str], int]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT table_name, column_name, character_maximum_length FROM information_schema.columns "
            "WHERE table_schema = 'reporting' AND column_name IN ('variant', 'industry')")
    finally:
        await conn.close()
    return {(r["table_name"], r["column_name"]): r["character_maximum_length"] for r in rows}


def test_reporting_stores_call_facts_in_columns_of_these_widths(service_env) -> None:
    widths = asyncio.run(_column_widths(service_env["DATABASE_URL"]))
    for table in ("call_states", "call_daily_rollups"):
        assert widths[(table, "variant")] == VARIANT_MAX_CHARS, widths
        assert widths[(table, "industry")] == INDUSTRY_MAX_CHARS, widths


def test_every_path_cuts_with_the_one_definition() -> None:
    from anken_projects.events import repository
    from anken_reporting.readmodels import call_facts

    assert sql_stored("q.variant", VARIANT_MAX_CHARS) in repository._CALL_FACTS
    assert sql_stored("q.target_industry", INDUSTRY_MAX_CHARS) in repository._CALL_FACTS
    readmodels = ROOT / "services/reporting-api/anken_reporting/readmodels"
    for path in readmodels.glob("*.py"):
        source = path.read_text()
        assert "[:64]" not in source and "[:100]" not in source, path.name
    assert "call_fact_widths" in "".join(path.read_text() for path in readmodels.glob("*.py"))
    ids = [str(uuid.uuid4()) for _ in range(5)]
    payload = (b'{"id":"%s","project_id":"%s","client_id":"%s","member_id":"%s","target_id":"%s",'
               b'"occurred_at":"2026-01-05T10:00:00+09:00","outcome":"absent","duration_s":3,' % tuple(
                   i.encode() for i in ids)) + json.dumps({"variant": "v" * 90, "target_industry": "業" * 150}).encode()[1:]
    fact = call_facts.call_fact(1, 1, uuid.uuid4(), "call.logged", payload, {})
    assert fact is not None
    assert fact[call_facts.FACT_COLUMNS.index("variant")] == "v" * VARIANT_MAX_CHARS
    assert fact[call_facts.FACT_COLUMNS.index("industry")] == "業" * INDUSTRY_MAX_CHARS


def test_utc_now_is_aware_and_every_service_uses_the_one_clock() -> None:
    from anken_projects.kit import models as projects_models
    from anken_reporting.kit import models as reporting_models
    from anken_worker.kit import time as worker_time

    assert clock.utc_now().tzinfo is UTC
    for module in (projects_models, reporting_models, worker_time):
        assert module.utc_now is clock.utc_now, module.__name__


def test_the_cursor_codec_round_trips_and_refuses_what_it_did_not_write() -> None:
    values = [None, True, 42, uuid.uuid4(), datetime(2026, 1, 5, 1, 2, 3, 4, tzinfo=UTC), date(2026, 2, 28), "a|b"]
    assert cursors.decode_cursor(cursors.encode_cursor(values), len(values)) == values
    at, item = datetime(2026, 1, 5, tzinfo=UTC), uuid.uuid4()
    assert cursors.decode_instant_id_cursor(cursors.encode_cursor((at, item))) == (at, item)
    for bad in ("not base64!", cursors.encode_cursor([1]), cursors.encode_cursor((item, at)), "e30", ""):
        with pytest.raises(UnprocessableEntity):
            cursors.decode_instant_id_cursor(bad)


def test_reporting_and_projects_lists_use_the_one_cursor_codec() -> None:
    from anken_projects.kit import pagination
    from anken_reporting.alerts import cursor as alerts_cursor
    from anken_reporting.forecast import repository as forecast

    assert pagination.encode_cursor is cursors.encode_cursor
    assert pagination.decode_cursor is cursors.decode_cursor
    at, item = datetime(2026, 1, 5, tzinfo=UTC), uuid.uuid4()
    assert alerts_cursor.encode(at, item) == cursors.encode_cursor((at, item))
    assert alerts_cursor.decode(cursors.encode_cursor((at, item))) == (at, item)
    assert forecast.decode_cursor(cursors.encode_cursor((at, item))) == (at, item)
    for module in (alerts_cursor, forecast):
        assert "base64" not in inspect.getsource(module)


def test_the_workers_lists_use_the_one_cursor_codec() -> None:
    from anken_worker.kit import cursors as worker_cursors

    item = uuid.uuid4()
    assert worker_cursors.uuid_cursor(item) == cursors.encode_cursor([item])
    assert worker_cursors.parse_uuid_cursor(cursors.encode_cursor([item])) == item
    assert worker_cursors.parse_int_cursor(worker_cursors.int_cursor(2**62)) == 2**62
    assert worker_cursors.parse_uuid_cursor(None) is None and worker_cursors.parse_int_cursor(None) is None
    for bad in (str(item), "12", cursors.encode_cursor([True]), cursors.encode_cursor([item, 1])):
        with pytest.raises(UnprocessableEntity):
            worker_cursors.parse_int_cursor(bad)
    with pytest.raises(UnprocessableEntity):
        worker_cursors.parse_uuid_cursor(worker_cursors.int_cursor(5))


def test_no_service_keeps_its_own_copy_of_the_plumbing() -> None:
    for package in ("projects-api/anken_projects", "reporting-api/anken_reporting", "integrations-worker/anken_worker"):
        base = ROOT / "services" / package
        assert not (base / "migrations" / "runner.py").exists(), package
        for path in base.rglob("*.py"):
            if "migrations/versions" in path.as_posix():
                continue
            source = path.read_text()
            for copy in ("def utc_now(", "def encode_cursor(values", "command.upgrade(", "urlsafe_b64decode"):
                assert copy not in source, f"{path.relative_to(ROOT)} defines its own {copy}"


class _FakeResources:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.engine = None

    async def close(self) -> None:
        self.log.append("closed")


def test_the_lifespan_runs_the_loops_and_stops_them_before_closing() -> None:
    from fastapi import FastAPI

    from anken_common.lifespan import service_lifespan

    log: list[str] = []

    async def loop(name: str, stop: asyncio.Event) -> None:
        log.append(f"{name} started")
        try:
            await stop.wait()
        finally:  # shutdown sets `stop` and cancels the loop
            log.append(f"{name} ended, stop {'set' if stop.is_set() else 'not set'}")

    async def left_by_a_request() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            log.append("request task cancelled")
            raise

    async def before_close() -> None:
        log.append("before close")

    lifespan = service_lifespan(lambda: _FakeResources(log), lambda r, stop: [loop("a", stop), loop("b", stop)],
                                wait_for_db=False, before_close=before_close)

    async def run() -> None:
        app = FastAPI()
        async with lifespan(app):
            assert isinstance(app.state.resources, _FakeResources)
            app.state.background.add(asyncio.create_task(left_by_a_request()))
            for _ in range(20):
                await asyncio.sleep(0)
            assert log == ["a started", "b started"]
        assert log[-2:] == ["before close", "closed"]
        assert sorted(log[2:-2]) == ["a ended, stop set", "b ended, stop set", "request task cancelled"]

    asyncio.run(run())


def test_every_service_builds_on_the_shared_resources_lifespan_and_principal() -> None:
    from anken_common.resources import ServiceResources
    from anken_projects import db as projects_db
    from anken_projects.auth import dependencies as projects_auth
    from anken_reporting import db as reporting_db
    from anken_reporting.auth import dependencies as reporting_auth
    from anken_worker import db as worker_db
    from anken_worker.auth import dependencies as worker_auth

    for resources in (projects_db.Resources, reporting_db.Resources, worker_db.Resources):
        assert issubclass(resources, ServiceResources)
        assert "sessionmaker" not in inspect.getsource(resources)
    for module in (projects_auth, reporting_auth, worker_auth):
        source = inspect.getsource(module)
        assert "principal_dependency(" in source and "HTTPBearer(" not in source, module.__name__
    for package in ("projects-api/anken_projects", "reporting-api/anken_reporting", "integrations-worker/anken_worker"):
        main = (ROOT / "services" / package / "main.py").read_text()
        assert "service_lifespan(" in main and "asynccontextmanager" not in main, package


def _principal_app(**kwargs: Any) -> Any:
    from fastapi import Depends, FastAPI
    from fastapi.testclient import TestClient

    from anken_common.principal import Principal
    from anken_common.principal_dependency import principal_dependency
    from anken_common.problems import install_problem_handlers

    app = FastAPI()
    install_problem_handlers(app)
    app.state.resources = type("R", (), {"settings": type("S", (), {"anken_secret_key": SECRET})()})()
    get_principal = principal_dependency(Principal, description="test", **kwargs)

    @app.get("/who")
    async def who(principal: Principal = Depends(get_principal)) -> dict[str, Any]:
        return {"kind": principal.kind, "id": str(principal.id), "role": principal.role}

    return TestClient(app)


SECRET = "a-test-secret-of-enough-length-0123456789"


def test_the_shared_principal_dependency() -> None:
    from anken_common.auth_tokens import Role, issue_service_token, issue_user_token
    from anken_common.principal import Principal

    user_id = uuid.uuid4()
    seen: list[tuple[str, int]] = []

    async def demoted(request: Any, principal: Principal, token: str) -> Role:
        seen.append((token[:10], principal.token_version))
        return Role.member

    async def partner(request: Any, token: str) -> Principal:
        return Principal(kind="api_key", id=uuid.UUID(int=1), scopes=frozenset({"read:kpis"}))

    client = _principal_app(current_role=demoted, api_key=partner)
    user = issue_user_token(SECRET, str(user_id), Role.director, version=3)
    auth = {"Authorization": f"Bearer {user}"}
    assert client.get("/who", headers=auth).json() == {"kind": "user", "id": str(user_id), "role": "member"}
    assert seen == [(user[:10], 3)]
    service = client.get("/who", headers={"Authorization": f"Bearer {issue_service_token(SECRET, 'reporting-api')}"})
    assert service.json() == {"kind": "service", "id": "reporting-api", "role": "admin"}
    assert len(seen) == 1  # a service's role is not looked up
    key = "ak_0123abcd_" + "x" * 43
    assert client.get("/who", headers={"Authorization": f"Bearer {key}"}).json()["kind"] == "api_key"
    missing = client.get("/who")
    assert missing.status_code == 401 and missing.headers["content-type"].startswith("application/problem+json")
    assert client.get("/who", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    other = issue_user_token("another-secret-of-enough-length-98765", str(user_id), Role.admin)
    assert client.get("/who", headers={"Authorization": f"Bearer {other}"}).status_code == 401
    # A service that takes no partner keys refuses one as an invalid token; without a role look-up
    # the token's role stands.
    plain = _principal_app()
    assert plain.get("/who", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert plain.get("/who", headers=auth).json()["role"] == "director"


class _RecordedSession:
    """Stands in for an AsyncSession: records when its transaction commits."""

    def __init__(self, log: list[str]) -> None:
        self.log = log

    async def __aenter__(self) -> _RecordedSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def begin(self) -> Any:
        log = self.log

        class _Transaction:
            async def __aenter__(self) -> None:
                return None

            async def __aexit__(self, *exc: object) -> None:
                log.append("commit")

        return _Transaction()


def test_every_service_takes_the_one_session_dependency_and_commits_before_answering() -> None:
    """A 2xx means the write is durable: the caller's next request sees it. FastAPI's default scope for a
    yield dependency would commit after the response is sent (reporting-api had that twin)."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from anken_common import resources
    from anken_projects import db as projects_db
    from anken_reporting import db as reporting_db
    from anken_worker import db as worker_db

    assert projects_db.SessionDep is reporting_db.SessionDep is worker_db.SessionDep is resources.SessionDep
    for path in (ROOT / "services").rglob("*.py"):
        if path.name != "resources.py" and "tests" not in path.parts:
            assert "Depends(request_session" not in path.read_text(encoding="utf-8"), path

    log: list[str] = []
    app = FastAPI()
    app.state.resources = type("R", (), {"sessionmaker": staticmethod(lambda: _RecordedSession(log))})()

    @app.post("/write")
    async def write(session: SessionDep) -> dict[str, bool]:  # module-level name: FastAPI resolves it
        log.append("endpoint")
        return {"ok": True}

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        async def send_and_log(message: Any) -> None:
            if message["type"] == "http.response.start":
                log.append("response")
            await send(message)
        await app(scope, receive, send_and_log)

    with TestClient(recording) as client:  # type: ignore[arg-type]
        assert client.post("/write").status_code == 200
    assert log == ["endpoint", "commit", "response"]
