"""How many imports one process runs at once, and the threads that read their files.

Import files are read on their own small thread pool, never on the event loop's default
executor: that one runs password hashing (auth/passwords.py), and a login must not wait behind
a slow spreadsheet. Imports past IMPORT_MAX_CONCURRENT wait `queued`, first come first served;
their wall time counts from the upload, so no job waits in the queue past it.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor

_executors: dict[int, ThreadPoolExecutor] = {}
_executors_lock = threading.Lock()


def parse_executor(threads: int) -> ThreadPoolExecutor:
    """The pool of `threads` threads that read import files (one per size, for the process's life)."""
    with _executors_lock:
        executor = _executors.get(threads)
        if executor is None:
            executor = _executors[threads] = ThreadPoolExecutor(max_workers=threads,
                                                                thread_name_prefix="target-import")
        return executor


class ImportGate:
    """The imports of this process that run, and those queued behind them in arrival order.

    Only the event loop calls it (no awaits inside), and it holds no loop-bound primitive, so
    apps on different loops in one process (the tests) share the one per-process count.
    """

    def __init__(self) -> None:
        self._running: set[uuid.UUID] = set()
        self._waiting: deque[uuid.UUID] = deque()

    def arrive(self, job_id: uuid.UUID, limit: int) -> bool:
        """Join the queue; True when the job may run at once."""
        self._waiting.append(job_id)
        return self.try_enter(job_id, limit)

    def try_enter(self, job_id: uuid.UUID, limit: int) -> bool:
        """True (and the job now counts as running) when a slot is free and no earlier job waits for it."""
        if job_id in self._running:
            return True
        free = limit - len(self._running)
        if free <= 0 or job_id not in list(self._waiting)[:free]:
            return False
        self._waiting.remove(job_id)
        self._running.add(job_id)
        return True

    def leave(self, job_id: uuid.UUID) -> None:
        self._running.discard(job_id)
        if job_id in self._waiting:
            self._waiting.remove(job_id)

    @property
    def running(self) -> int:
        return len(self._running)

    @property
    def waiting(self) -> int:
        return len(self._waiting)


gate = ImportGate()
