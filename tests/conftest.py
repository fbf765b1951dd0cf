"""Session-wide real infrastructure: a fresh database and Redis namespace per run, migrated
once, and the services started as processes on demand (`stack.start("projects")`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from harness.infra import Infra, create_infra, destroy_infra
from harness.processes import Stack, base_env, run_migrations


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    created = create_infra()
    try:
        yield created
    finally:
        destroy_infra(created)


@pytest.fixture(scope="session")
def service_env(infra: Infra) -> dict[str, str]:
    env = base_env(infra)
    run_migrations(env)
    return env


@pytest.fixture(scope="session")
def stack(infra: Infra, service_env: dict[str, str]) -> Iterator[Stack]:
    running = Stack(infra, dict(service_env))
    try:
        yield running
    finally:
        running.stop_all()
