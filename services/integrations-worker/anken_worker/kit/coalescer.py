"""Many concurrent callers' requests answered by one round trip.

Hundreds of channel drains each make one small database statement and a Redis call or two per
delivery; the fixed cost of each round trip (building, sending, parsing, waking the caller) is what
the worker spends most of its CPU on. A Coalescer gathers the requests made while a batch is being
sent and sends them together next: under load the batches grow by themselves, and a lone request
still leaves on the next turn of the event loop, so nothing waits for a timer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Req = TypeVar("Req")
Res = TypeVar("Res")


class Coalescer(Generic[Req, Res]):
    """`await submit(request)` answers with `run(batch)[i]` for the request's place i in its batch.

    `run` gets at most `max_batch` requests and must answer each, in order; if it raises, every
    request of that batch gets the exception. At most `max_in_flight` batches run at once.
    """

    def __init__(self, run: Callable[[list[Req]], Awaitable[Sequence[Res]]], *, max_batch: int = 256,
                 max_in_flight: int = 2) -> None:
        self._run = run
        self._max_batch = max_batch
        self._max_in_flight = max_in_flight
        self._waiting: list[tuple[Req, asyncio.Future[Res]]] = []
        self._in_flight = 0
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.batches = 0  # for tests and metrics: how many round trips were made
        self.requests = 0

    async def submit(self, request: Req) -> Res:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Res] = loop.create_future()
        self._waiting.append((request, future))
        self._schedule(loop)
        return await future

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._scheduled and self._in_flight < self._max_in_flight:
            # call_soon: whatever else is submitted during this turn of the loop joins the batch.
            self._scheduled = True
            loop.call_soon(self._start)

    def _start(self) -> None:
        self._scheduled = False
        while self._waiting and self._in_flight < self._max_in_flight:
            batch, self._waiting = self._waiting[:self._max_batch], self._waiting[self._max_batch:]
            self._in_flight += 1
            task = asyncio.get_running_loop().create_task(self._send(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _send(self, batch: list[tuple[Req, asyncio.Future[Res]]]) -> None:
        self.batches += 1
        self.requests += len(batch)
        try:
            results = await self._run([request for request, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"a batch of {len(batch)} got {len(results)} answers")
        except BaseException as exc:  # every caller of the batch must hear of it, cancellation included
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc if isinstance(exc, Exception) else RuntimeError(repr(exc)))
            if not isinstance(exc, Exception):
                raise
        else:
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():  # a caller that gave up (cancelled) is not answered
                    future.set_result(result)
        finally:
            self._in_flight -= 1
            if self._waiting:
                self._schedule(asyncio.get_running_loop())
