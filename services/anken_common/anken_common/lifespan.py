"""The lifespan every service runs: build its resources, start its background loops once the
database answers, and on shutdown stop them, wait for them and close the resources."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol, TypeVar

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_common.database import wait_for_database
from anken_common.stopping import cancel_and_wait


class Closable(Protocol):
    @property
    def engine(self) -> AsyncEngine: ...

    async def close(self) -> None: ...


R = TypeVar("R", bound=Closable)

# The loops a service runs beside its requests, given its resources and the stop signal.
Background = Callable[[R, asyncio.Event], Iterable[Coroutine[Any, Any, None]]]


def service_lifespan(
    make_resources: Callable[[], R],
    background: Background[R] | None = None,
    *,
    wait_for_db: bool = True,
    before_close: Callable[[], Awaitable[None]] | None = None,
    freeze_gc: bool = False,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan.

    - `make_resources()` is kept on `app.state.resources`; `app.state.background` is a set where a
      request may leave a task that shutdown must wait for.
    - `background(resources, stop)` gives the loops to run; they start once the database answers
      (or at once with `wait_for_db=False`) and end when `stop` is set or they are cancelled.
    - `before_close` runs after the loops ended and before the resources close.
    - `freeze_gc`: what was built before serving lives as long as the process; frozen, it is left
      out of the cyclic collector's full passes (their cost: bench/README.md).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resources = make_resources()
        app.state.resources = resources
        app.state.background = set()
        stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []

        async def start() -> None:
            if wait_for_db:
                await wait_for_database(resources.engine)
            if background is not None:
                tasks.extend(asyncio.create_task(loop) for loop in background(resources, stop))

        starter = asyncio.create_task(start())
        if freeze_gc:
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            stop.set()
            await cancel_and_wait((starter, *tasks, *app.state.background))
            if before_close is not None:
                await before_close()
            await resources.close()

    return lifespan
