"""The delivery hot path's building blocks: outgoing HTTP bounded per host (adapters.http_pool), and a
finished delivery recorded by the statement that claims its target's next one (claims.claim_heads)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from anken_common.outbound_guard import OutboundPolicy
from anken_worker.adapters.http_pool import HostLimitedTransport
from anken_worker.deliveries import repository as repo
from anken_worker.deliveries.claims import claim_heads
from anken_worker.deliveries.lock import OrderLock
from anken_worker.deliveries.models import DeliveryPlan, DeliveryStatus, Integration
from anken_worker.deliveries.pacing import Pacer
from anken_worker.kit.coalescer import Coalescer
from anken_worker.settings import SCHEMA, WorkerSettings

# These servers run on loopback, which the outbound guard refuses unless allowed.
LOOPBACK = OutboundPolicy.from_setting("127.0.0.1")


class HeldServer:
    """A plain HTTP/1.1 server on a free port that answers each request once `gate` is set, counting
    the requests it holds at once; `drop` makes it close the connection instead of answering."""

    def __init__(self, gate: asyncio.Event, *, drop: bool = False) -> None:
        self.gate, self.drop = gate, drop
        self.held = self.most_held = 0
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def __aexit__(self, *exc) -> None:
        self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                await reader.readexactly(length)
                if self.drop:
                    writer.close()
                    return
                self.held += 1
                self.most_held = max(self.most_held, self.held)
                await self.gate.wait()
                self.held -= 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


async def test_requests_in_flight_are_bounded_per_host() -> None:
    gate = asyncio.Event()
    slack_server, partner_server = HeldServer(gate), HeldServer(asyncio.Event())
    partner_server.gate.set()
    async with slack_server as slack_url, partner_server as partner_url, \
            httpx.AsyncClient(transport=HostLimitedTransport(6, policy=LOOPBACK), timeout=10) as client:
        slack = [asyncio.create_task(client.post(f"{slack_url}/api/chat.postMessage", json={"n": n}))
                 for n in range(40)]
        await asyncio.sleep(0.3)
        # Six Slack calls in flight, the others wait in line; the partner host is not held up by them.
        assert slack_server.held == 6
        partner = await asyncio.wait_for(asyncio.gather(*(client.post(f"{partner_url}/hook", json={})
                                                          for _ in range(3))), 5)
        assert [r.json() for r in partner] == [{}, {}, {}]
        gate.set()
        answers = await asyncio.gather(*slack)
    assert [a.status_code for a in answers] == [200] * 40
    assert slack_server.most_held == 6


async def test_a_request_waits_for_a_connection_no_longer_than_its_pool_timeout() -> None:
    gate = asyncio.Event()
    async with HeldServer(gate) as url, httpx.AsyncClient(
            transport=HostLimitedTransport(1, policy=LOOPBACK), timeout=httpx.Timeout(5.0, pool=0.2)) as client:
        first = asyncio.create_task(client.get(f"{url}/a"))
        await asyncio.sleep(0.1)
        with pytest.raises(httpx.TimeoutException):
            await client.get(f"{url}/b")
        gate.set()
        assert (await first).status_code == 200
        # The connection came back with the first answer: the next request goes through.
        assert (await client.get(f"{url}/c")).status_code == 200


async def test_a_dropped_connection_is_a_transport_error_not_a_timeout() -> None:
    # A timeout makes a delivery wait for the server to finish what it may have received; a dropped
    # connection is retried like any connection failure (adapters.http_errors.send).
    async with HeldServer(asyncio.Event(), drop=True) as url, \
            httpx.AsyncClient(transport=HostLimitedTransport(2, policy=LOOPBACK), timeout=5) as client:
        with pytest.raises(httpx.TransportError) as caught:
            await client.post(f"{url}/hook", json={"a": 1})
    assert not isinstance(caught.value, httpx.TimeoutException)


async def test_a_result_is_recorded_by_the_claim_of_the_next_delivery(stack, worker, redis_client) -> None:
    env = {k.lower(): v for k, v in stack.env.items() if k.isupper()}
    settings = WorkerSettings(**env)
    engine = create_async_engine(settings.async_database_url,
                                 connect_args={"server_settings": {"search_path": f"{SCHEMA},public"}})
    order_key = f"test:hot-path:{uuid.uuid4()}"
    # Held by the test, so the running worker's sweeper and jobs leave this order key alone.
    lock = OrderLock(redis_client, settings.redis_key("lock", order_key), 60)
    assert await lock.acquire()
    try:
        plans = [DeliveryPlan(key=f"{order_key}:{n}", integration=Integration.webhook, action="test.noop",
                              order_key=order_key, payload={"n": n}) for n in range(2)]
        async with engine.begin() as conn:
            assert len(await repo.insert_plans(conn, plans)) == 2
        ac = engine.execution_options(isolation_level="AUTOCOMMIT")
        async with ac.connect() as conn:
            first, wait = (await claim_heads(conn, [(order_key, None)]))[0]
            assert first is not None and wait is None and first.idempotency_key == plans[0].key and first.attempts == 1
            result = repo.FinalResult(first.id, DeliveryStatus.succeeded, excerpt="posted", external_ref="1.000100",
                                      target="C1")
            second, _ = (await claim_heads(conn, [(order_key, result)]))[0]
            assert second is not None and second.idempotency_key == plans[1].key and second.attempts == 1
            done = await repo.get(conn, first.id)
            assert (done.status, done.response_excerpt, done.external_ref, done.target, done.attempts) == (
                "succeeded", "posted", "1.000100", "C1", 1)
            assert done.completed_at is not None
            # The last one: nothing left to claim, the result is still written.
            dead = repo.FinalResult(second.id, DeliveryStatus.dead, error="rejected with 400")
            assert (await claim_heads(conn, [(order_key, dead)]))[0] == (None, None)
            last = await repo.get(conn, second.id)
            assert (last.status, last.last_error, last.completed_at is not None) == ("dead", "rejected with 400", True)
    finally:
        await lock.release()
        await engine.dispose()


async def test_concurrent_requests_share_one_round_trip_and_its_failure() -> None:
    sizes: list[int] = []

    async def run(batch: list[int]) -> list[int]:
        sizes.append(len(batch))
        await asyncio.sleep(0.01)
        if -1 in batch:
            raise ValueError("bad batch")
        return [n * 2 for n in batch]

    coalescer = Coalescer(run, max_batch=50, max_in_flight=1)
    answers = await asyncio.gather(*(coalescer.submit(n) for n in range(120)))
    assert answers == [n * 2 for n in range(120)]
    assert sizes == [50, 50, 20]  # made in one turn of the loop: batches as large as allowed
    # A failing batch fails each of its callers, and only them.
    results = await asyncio.gather(coalescer.submit(1), coalescer.submit(-1), return_exceptions=True)
    assert all(isinstance(r, ValueError) for r in results)
    assert await coalescer.submit(3) == 6


async def test_slots_reserved_together_are_still_an_interval_apart(redis_client) -> None:
    pacer = Pacer(redis_client)
    key, other = f"test:pace:{uuid.uuid4()}", f"test:pace:{uuid.uuid4()}"
    reserve = pacer._reserve  # the batch the pacer's callers share
    waits = await asyncio.gather(reserve.submit((key, 1000)), reserve.submit((key, 1000)),
                                 reserve.submit((other, 1000)))
    assert reserve.batches == 1
    assert waits[0] == 0 and 950 <= waits[1] <= 1000 and waits[2] == 0
    await redis_client.delete(key, other)


async def test_many_targets_are_claimed_and_recorded_by_one_statement(stack, worker, redis_client) -> None:
    env = {k.lower(): v for k, v in stack.env.items() if k.isupper()}
    settings = WorkerSettings(**env)
    engine = create_async_engine(settings.async_database_url,
                                 connect_args={"server_settings": {"search_path": f"{SCHEMA},public"}})
    keys = [f"test:hot-path-many:{uuid.uuid4()}" for _ in range(3)]
    locks = [OrderLock(redis_client, settings.redis_key("lock", k), 60) for k in keys]
    for lock in locks:
        assert await lock.acquire()  # keeps the running worker away from these order keys
    try:
        plans = [DeliveryPlan(key=f"{keys[0]}:{n}", integration=Integration.webhook, action="test.noop",
                              order_key=keys[0], payload={"n": n}) for n in range(2)]
        plans.append(DeliveryPlan(key=f"{keys[1]}:0", integration=Integration.webhook, action="test.noop",
                                  order_key=keys[1], payload={}))
        async with engine.begin() as conn:
            assert len(await repo.insert_plans(conn, plans)) == 3
            await conn.execute(sa.text("UPDATE deliveries SET next_attempt_at = now() + interval '30 seconds' "
                                       "WHERE idempotency_key = :k"), {"k": plans[2].key})
        ac = engine.execution_options(isolation_level="AUTOCOMMIT")
        async with ac.connect() as conn:
            (first, _), (not_due, wait), (nothing, none) = await claim_heads(conn, [(k, None) for k in keys])
            assert first.idempotency_key == plans[0].key and first.attempts == 1
            assert not_due is None and 25 < wait <= 30
            assert nothing is None and none is None
            done = repo.FinalResult(first.id, DeliveryStatus.succeeded, excerpt="posted")
            (second, _), (still, _) = await claim_heads(conn, [(keys[0], done), (keys[1], None)])
            assert second.idempotency_key == plans[1].key and still is None
            assert (await repo.get(conn, first.id)).status == "succeeded"
            # The statement answered in request order; the not-due head's attempts were not counted.
            assert (await repo.get_by_key(conn, plans[2].key)).attempts == 0
    finally:
        for lock in locks:
            await lock.release()
        await engine.dispose()


def test_with_delivery_processes_new_targets_go_to_them_not_to_the_consumer() -> None:
    from types import SimpleNamespace

    from anken_worker.deliveries.queue import _queue_of

    settings = WorkerSettings(redis_namespace="t", worker_processes=3)
    ctx = SimpleNamespace(settings=settings)
    queues = {_queue_of(ctx, f"slack:{uuid.uuid4()}") for _ in range(200)}
    assert queues == {settings.process_queue(1), settings.process_queue(2)}
    # One process: everything on the shared queue (where redrives and cron's deliveries always go).
    assert _queue_of(SimpleNamespace(settings=WorkerSettings(redis_namespace="t", worker_processes=1)),
                     "slack:x") == settings.arq_queue


async def test_a_drain_still_running_long_after_its_budget_is_reported(monkeypatch) -> None:
    from types import SimpleNamespace

    from anken_worker.deliveries import jobs as deliver_job

    reported: list[dict] = []
    monkeypatch.setattr(deliver_job, "OVERDUE_S", 0.05)
    monkeypatch.setattr(deliver_job, "log", SimpleNamespace(warning=lambda event, **kw: reported.append(kw)))

    async def stuck_drain(ctx, order_key: str) -> None:
        await asyncio.sleep(0.2 if order_key == "slack:stuck" else 0)

    monkeypatch.setattr(deliver_job, "drain", stuck_drain)
    answer = await deliver_job.deliver_targets({"worker_ctx": None}, [("k1", "slack:fine"), ("k2", "slack:stuck")])
    assert answer == "2 drained, 0 continue later"
    assert [r["order_key"] for r in reported] == ["slack:stuck"]
    assert "stuck_drain" in reported[0]["waiting_in"]


async def test_outgoing_calls_use_a_proxy_only_when_one_is_configured(monkeypatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    direct = HostLimitedTransport(4)._session()
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    proxied = HostLimitedTransport(4)._session()
    try:
        # Looking a proxy up costs more than a call to the sandbox: done only where one is set.
        assert (direct.trust_env, proxied.trust_env) == (False, True)
    finally:
        await direct.close()
        await proxied.close()
