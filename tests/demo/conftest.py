"""One `make run` for the whole folder (it takes a while to start and load): see demo_run.py."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from demo_run import DemoRun, start, wait_for

# Start, migrate, load the demo and let the worker deliver it, on a busy 2-core machine.
READY_WITHIN_S = 300


@pytest.fixture(scope="session")
def run_home() -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="anken-demo-"))
    try:
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def run_infra(request: pytest.FixtureRequest):
    """The machine's servers when TEST_* name them (a fresh database and namespace); else None:
    run.py then starts its own embedded PostgreSQL and Redis, as on a fresh machine."""
    if os.environ.get("TEST_DATABASE_URL") or os.environ.get("TEST_REDIS_URL"):
        return request.getfixturevalue("infra")
    return None


def _loaded(run: DemoRun) -> bool:
    if "the demo data did not load" in run.log():
        raise AssertionError(f"the demo load failed:\n{run.log_tail(120)}")
    return run.load_seconds() is not None


@pytest.fixture(scope="session")
def demo(run_home: Path, run_infra) -> Iterator[DemoRun]:
    run = start(run_home, run_infra)
    try:
        wait_for(lambda: _loaded(run), READY_WITHIN_S, "the demo load", run)
        yield run
    finally:
        run.stop()
