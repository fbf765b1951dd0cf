"""The delivery hot path's building blocks: outgoing HTTP bounded per host (adapters.http_pool), and a
finished delivery recorded by the statement that claims its target's next one (repository.claim_head)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from anken_worker.adapters.http_pool import HostLimitedTransport
from anken_worker.deliveries import repository as repo
from anken_worker.deliveries.models import DeliveryPlan, DeliveryStatus, Integration
from anken_worker.kit.redis_lock import OrderLock
from anken_worker.settings import SCHEMA, WorkerSettings


class SlowBodies(httpx.AsyncBaseTransport):
    """A fake small pool: counts requests between their start and the close of their body."""

    def __init__(self, counter: dict[str, int], connections: int, gate: asyncio.Event) -> None:
        self.counter, self.connections, self.gate = counter, connections, gate
        self.in_pool = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_pool += 1
        # A request never waits inside a small pool: the transport hands it only a free connection.
        assert self.in_pool <= self.connections
        host = request.url.host
        self.counter[host] = self.counter.get(host, 0) + 1
        self.counter[f"max:{host}"] = max(self.counter.get(f"max:{host}", 0), self.counter[host])
        await self.gate.wait()
        outer = self

        class Body(httpx.AsyncByteStream):
            async def __aiter__(self):
                yield b"{}"

            async def aclose(self) -> None:
                outer.in_pool -= 1
                outer.counter[host] -= 1

        return httpx.Response(200, stream=Body())


async def test_requests_in_flight_are_bounded_per_host_and_freed_with_their_body() -> None:
    counter: dict[str, int] = {}
    gate = asyncio.Event()
    transport = HostLimitedTransport(6, make_pool=lambda n: SlowBodies(counter, n, gate))
    async with httpx.AsyncClient(transport=transport) as client:
        slack = [asyncio.create_task(client.post("http://slack.test/api/chat.postMessage", json={})) for _ in range(40)]
        other = [asyncio.create_task(client.post("http://partner.test/hook", json={})) for _ in range(3)]
        await asyncio.sleep(0.05)
        # Six Slack calls in flight, the others wait in line; the partner host is not held up by them.
        assert counter["slack.test"] == 6 and counter["partner.test"] == 3
        gate.set()
        answers = await asyncio.gather(*slack, *other)
    assert [a.status_code for a in answers] == [200] * 43
    assert counter["max:slack.test"] == 6 and counter["slack.test"] == 0 and counter["partner.test"] == 0
    assert transport._hosts == {}  # the small pools were closed with the client


async def test_a_request_waits_for_a_slot_no_longer_than_its_pool_timeout() -> None:
    counter: dict[str, int] = {}
    gate = asyncio.Event()
    transport = HostLimitedTransport(1, make_pool=lambda n: SlowBodies(counter, n, gate))
    async with httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(5.0, pool=0.1)) as client:
        first = asyncio.create_task(client.get("http://slack.test/a"))
        await asyncio.sleep(0.02)
        with pytest.raises(httpx.PoolTimeout):
            await client.get("http://slack.test/b")
        gate.set()
        assert (await first).status_code == 200
        # The slot came back with the first body: the next request goes through.
        assert (await client.get("http://slack.test/c")).status_code == 200


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
            first, wait = await repo.claim_head(conn, order_key)
            assert first is not None and wait is None and first.idempotency_key == plans[0].key and first.attempts == 1
            result = repo.FinalResult(first.id, DeliveryStatus.succeeded, excerpt="posted", external_ref="1.000100",
                                      target="C1")
            second, _ = await repo.claim_head(conn, order_key, result)
            assert second is not None and second.idempotency_key == plans[1].key and second.attempts == 1
            done = await repo.get(conn, first.id)
            assert (done.status, done.response_excerpt, done.external_ref, done.target, done.attempts) == (
                "succeeded", "posted", "1.000100", "C1", 1)
            assert done.completed_at is not None
            # The last one: nothing left to claim, the result is still written.
            dead = repo.FinalResult(second.id, DeliveryStatus.dead, error="rejected with 400")
            assert await repo.claim_head(conn, order_key, dead) == (None, None)
            last = await repo.get(conn, second.id)
            assert (last.status, last.last_error, last.completed_at is not None) == ("dead", "rejected with 400", True)
    finally:
        await lock.release()
        await engine.dispose()
