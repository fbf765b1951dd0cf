"""The worker's outgoing HTTP connections: a bounded number of requests in flight per host, spread
over small httpcore pools.

Why not one httpx pool with many connections: httpcore re-scans every queued request against every
connection each time a request starts or ends, so the CPU cost per request grows with the square
of what is in the pool. With hundreds of paced channel drains posting at once (each job waits for
its own request) one pool of 200 connections spent ~5.6 ms of CPU per Slack call; at most 4
requests in each small pool, behind our own FIFO per host, costs ~0.6 ms for the same concurrency
(measured against the sandbox, 600 concurrent callers).

Per host, so that a slow partner webhook endpoint cannot hold the slots Slack's calls need.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx

SHARD_CONNECTIONS = 4  # connections per small pool: the quadratic scan stays tiny
# An idle connection is dropped before the server would close it (uvicorn closes after 5 s, many
# load balancers later): reusing one the server is closing at that moment fails with "server
# disconnected", which would cost a delivery an attempt for nothing.
KEEPALIVE_EXPIRY_S = 4.0


class _ReleasingStream(httpx.AsyncByteStream):
    """The response body; the request's slot is freed when the body is closed (the connection is back)."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._done()

    def _done(self) -> None:
        if self._release is not None:
            release, self._release = self._release, None
            release()


class _HostPool:
    def __init__(self, in_flight: int, make: Callable[[int], httpx.AsyncBaseTransport]) -> None:
        shards = max(1, -(-in_flight // SHARD_CONNECTIONS))
        self.slots = asyncio.Semaphore(in_flight)
        self.shards = [make(min(SHARD_CONNECTIONS, in_flight)) for _ in range(shards)]
        self.busy = [0] * shards

    def pick(self) -> int:
        # The least busy shard: with the semaphore held, one of them has a free connection.
        return min(range(len(self.shards)), key=self.busy.__getitem__)


class HostLimitedTransport(httpx.AsyncBaseTransport):
    """At most `in_flight_per_host` requests per (scheme, host, port) at once, FIFO beyond that; a
    request waits for a slot at most the request's pool timeout (then httpx.PoolTimeout, as httpx's
    own pool would)."""

    def __init__(self, in_flight_per_host: int = 32, keepalive_expiry_s: float = KEEPALIVE_EXPIRY_S,
                 make_pool: Callable[[int], httpx.AsyncBaseTransport] | None = None) -> None:
        self.in_flight_per_host = max(1, in_flight_per_host)
        self.keepalive_expiry_s = keepalive_expiry_s
        self._make = make_pool or self._make_httpcore_pool  # tests pass a fake
        self._hosts: dict[tuple[bytes, bytes, int | None], _HostPool] = {}

    def _make_httpcore_pool(self, connections: int) -> httpx.AsyncBaseTransport:
        return httpx.AsyncHTTPTransport(limits=httpx.Limits(
            max_connections=connections, max_keepalive_connections=connections,
            keepalive_expiry=self.keepalive_expiry_s))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin = (url.raw_scheme, url.raw_host, url.port)
        pool = self._hosts.get(origin)
        if pool is None:
            pool = self._hosts[origin] = _HostPool(self.in_flight_per_host, self._make)
        wait_s = (request.extensions.get("timeout") or {}).get("pool")
        try:
            async with asyncio.timeout(wait_s):
                await pool.slots.acquire()
        except TimeoutError as exc:
            raise httpx.PoolTimeout(f"no free connection slot to {url.host} within {wait_s} s", request=request) from exc
        shard = pool.pick()
        pool.busy[shard] += 1

        def release() -> None:
            pool.busy[shard] -= 1
            pool.slots.release()

        try:
            response = await pool.shards[shard].handle_async_request(request)
        except BaseException:
            release()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _ReleasingStream(response.stream, release)
        return response

    async def aclose(self) -> None:
        hosts, self._hosts = list(self._hosts.values()), {}
        for pool in hosts:
            for shard in pool.shards:
                await shard.aclose()
