"""A fixture that slows an import's parse to some thousands of rows a second, so that a test sees the job
while it parses on any machine: a fast one parses a whole 50,000-row file between two of the test's requests."""

from __future__ import annotations

import time

import pytest

from anken_projects.targets.import_limits import JobControl


@pytest.fixture(name="paced_parse")
def paced_parse_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    checkpoint = JobControl.checkpoint
    calls = iter(range(1 << 62))

    def paced(self: JobControl) -> None:
        if next(calls) % 20 == 0:
            time.sleep(0.001)
        checkpoint(self)

    monkeypatch.setattr(JobControl, "checkpoint", paced)
