"""With WORKER_PROCESSES=2 the worker runs a delivery process beside itself; one that dies is started
again (the jobs routed to its queue would otherwise wait), and it stops with the worker."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from harness.processes import wait_ready


def _delivery_children(parent_pid: int) -> list[int]:
    """The worker's delivery processes: children whose environment names it as their parent."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent_pid and f"ANKEN_WORKER_PARENT_PID={parent_pid}".encode() in environ:
            found.append(int(entry.name))
    return found


def _wait_for(check, within_s: float, what: str):
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_dead_delivery_process_is_started_again(stack) -> None:
    service = stack.restart("worker", extra_env={"WORKER_PROCESSES": "2"})
    second: list[int] = []
    try:
        wait_ready(service.url)
        parent = service.process.pid
        first = _wait_for(lambda: _delivery_children(parent), 30, "the delivery process to start")
        assert len(first) == 1

        os.kill(first[0], signal.SIGKILL)
        # Restarted within the backoff (5 s after it started) plus a check interval.
        second = _wait_for(lambda: [p for p in _delivery_children(parent) if p != first[0]], 20,
                           "the delivery process to be restarted")
        assert len(second) == 1
        assert "delivery_process_restarted" in service.log_tail()
    finally:
        stack.restart("worker")  # the other tests' single-process worker
    # Stopped with its parent: gone, or at most a zombie waiting to be reaped.
    assert all(not _alive(pid) for pid in second)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
