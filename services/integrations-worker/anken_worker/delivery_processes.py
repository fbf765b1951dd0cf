"""The extra delivery processes of `anken-worker run` (settings.worker_processes > 1).

Each runs arq delivery jobs only, beside the main process (API, event consumer, cron, sweeper, and
deliveries too). They share the queue and coordinate through the same Redis order-key locks and
pacing slots as workers on other hosts would, so exactly-once and per-target order do not depend
on how many there are. A child dies with its parent (PR_SET_PDEATHSIG), also under SIGKILL, so a
killed worker never leaves deliveries running behind its back; a child that dies on its own is
started again by the parent, because the jobs routed to its queue would otherwise wait for it.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress

from anken_common.logging import configure_logging, get_logger

log = get_logger("anken.worker.processes")
PARENT_ENV = "ANKEN_WORKER_PARENT_PID"
INDEX_ENV = "ANKEN_WORKER_PROCESS_INDEX"
PR_SET_PDEATHSIG = 1


# A child that keeps dying (a bad setting, an unreachable Redis) is restarted at most this often.
RESTART_BACKOFF_S = 5.0


def _start(index: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen[bytes]([sys.executable, "-m", "anken_worker.cli", "deliveries"],
                            env={**os.environ, PARENT_ENV: str(os.getpid()), INDEX_ENV: str(index)})


def stop(children: list[subprocess.Popen[bytes]], timeout_s: float = 10.0) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout_s)
        except subprocess.TimeoutExpired:
            child.kill()


class Supervisor:
    """Starts the delivery processes numbered 1..count and restarts any that exits before stop()."""

    def __init__(self, count: int, check_every_s: float = 1.0) -> None:
        self.children: dict[int, subprocess.Popen[bytes]] = {}
        self.started_at: dict[int, float] = {}
        self.restarts = 0
        self._check_every_s = check_every_s
        self._stopping = threading.Event()
        for index in range(1, count + 1):
            self._launch(index)
        # A thread, because the main thread is inside uvicorn.run for the process's whole life.
        self._thread = threading.Thread(target=self._watch, name="delivery-process-supervisor", daemon=True)
        if count:
            self._thread.start()

    def _launch(self, index: int) -> None:
        self.children[index] = _start(index)
        self.started_at[index] = time.monotonic()

    def _watch(self) -> None:
        while not self._stopping.wait(self._check_every_s):
            for index, child in list(self.children.items()):
                code = child.poll()
                if code is None or self._stopping.is_set():
                    continue
                if time.monotonic() - self.started_at[index] < RESTART_BACKOFF_S:
                    continue  # checked again next round
                log.warning("delivery_process_restarted", index=index, pid=child.pid, exit_code=code)
                self._launch(index)
                self.restarts += 1

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._check_every_s + 1)
        stop(list(self.children.values()), timeout_s)


def _die_with_parent() -> None:
    parent = int(os.environ.get(PARENT_ENV) or 0)
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if parent and os.getppid() != parent:
        # The parent died before prctl took effect.
        raise SystemExit(0)


async def _run() -> None:
    from anken_worker.db import Resources
    from anken_worker.runtime import start_background
    from anken_worker.settings import get_settings

    settings = get_settings()
    configure_logging("integrations-worker", settings.log_level, settings.log_json)
    resources = Resources(settings)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    log.info("delivery_process_started", pid=os.getpid())
    try:
        await start_background(resources, stopping, deliveries_only=True,
                               queue=settings.process_queue(int(os.environ.get(INDEX_ENV) or 1)))
    finally:
        await resources.close()


def main() -> None:
    _die_with_parent()
    # uvloop when installed (uvicorn[standard] brings it on Linux), as uvicorn gives the main process:
    # a delivery process is CPU-bound on event-loop work.
    try:
        import uvloop
    except ImportError:
        asyncio.run(_run())
    else:
        uvloop.run(_run())
