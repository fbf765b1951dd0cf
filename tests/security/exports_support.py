"""Fixtures of the exports tests: a reporting-api (in process) whose project, client, script variant
and notes carry a spreadsheet formula, and helpers that find such text in a downloaded file."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterable
from pathlib import Path

import pytest
from reporting_reports.conftest import W47, ReportWorld, envelope, reports_app  # noqa: F401 (fixture)

# The worker suite's helpers (a folder of modules, not a package) are reused as they are.
sys.path.insert(0, str(Path(__file__).parents[1] / "worker"))
from worker_support import WORKER_ENV, sandbox_items, wait_until  # noqa: F401

HOSTILE = '=HYPERLINK("http://evil.example/x","x")'
# Every trigger of OWASP's rule, each as the start of some text Anken exports.
HOSTILE_TEXTS = (HOSTILE, "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1")
PROJECT_NAME, MEMBER_NAME = "+project", "@member"


def is_hostile(value: object) -> bool:
    """Text a spreadsheet would run: it starts with a formula trigger."""
    return isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r"))


def neutralised_forms(texts: Iterable[str] = (*HOSTILE_TEXTS, PROJECT_NAME, MEMBER_NAME)) -> set[str]:
    return {"'" + text for text in texts}


@pytest.fixture(scope="module", name="hostile_world")
async def hostile_world_fixture(reports_app) -> ReportWorld:  # noqa: F811 (the imported fixture)
    """A project named, owned and called with formulas: the variant, the project and client names,
    and the week's notes and next action are all hostile."""
    client, resources, settings, app = reports_app
    w = ReportWorld(client, resources, settings, app)
    w.members = {MEMBER_NAME: uuid.uuid4()}
    events = [envelope("project.created", "project", w.project_id, {
        "id": str(w.project_id), "client_id": str(w.client_id), "client_name": HOSTILE,
        "director_id": str(w.director_id), "name": PROJECT_NAME, "status": "active",
        "timezone": "Asia/Tokyo", "monthly_appointment_target": 10,
    })]
    for name, member_id in w.members.items():
        events.append(envelope("assignment.created", "assignment", uuid.uuid4(), {
            "id": str(uuid.uuid4()), "project_id": str(w.project_id), "member_id": str(member_id),
            "member_name": name, "planned_hours": 80,
        }))
    for outcome in ("appointment", "connected_rejected", "no_answer"):
        events.append(w.call(MEMBER_NAME, W47[0], outcome, variant=HOSTILE))
    for outcome in ("appointment", "connected_followup"):
        events.append(w.call(MEMBER_NAME, W47[1], outcome, variant="A"))
    await w.feed(*events)
    saved = await w.client.put(f"/v1/projects/{w.project_id}/weekly-reports/2026-W47/draft", headers=w.headers(), json={
        "notes": {"good_reactions": [HOSTILE], "objections": ["-2+3"], "learnings": ["\t=1+1"]},
        "next_actions": [{"text": "@SUM(1+1)", "owner": "\r=1+1"}],
    })
    assert saved.status_code == 200, saved.text
    return w
