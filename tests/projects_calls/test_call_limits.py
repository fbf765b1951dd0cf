"""GET /v1/calls/limits: the input limits of a call, generated from CallIn's own constraints (the web
reads them instead of copying numbers), in every environment, and exactly what the API enforces."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from anken_common.field_limits import field_limits
from anken_projects.calls.schemas import CallIn

CALL = {"target_id": str(uuid.uuid4()), "member_id": str(uuid.uuid4()), "occurred_at": datetime.now(UTC).isoformat(),
        "outcome": "appointment", "duration_s": 10}


def _appointment(**values: object) -> dict:
    return {**CALL, "appointment": {"meeting_at": datetime.now(UTC).isoformat(), **values}}


async def test_the_limits_are_callins_constraints(api, floor) -> None:
    answer = await api.get("/v1/calls/limits", headers=floor.members[0].headers)
    assert answer.status_code == 200, answer.text
    limits = answer.json()
    assert limits == field_limits(CallIn)
    # Each published number is exactly the edge the model enforces.
    cases = {
        "note": lambda text: {**CALL, "note": text},
        "appointment.contact_name": lambda text: _appointment(contact_name=text),
        "appointment.contact_title": lambda text: _appointment(contact_title=text),
        "appointment.qualification.*": lambda text: _appointment(qualification={"budget": text}),
    }
    for path, body in cases.items():
        most = limits[path]["max_length"]
        CallIn.model_validate(body("あ" * most))
        with pytest.raises(ValidationError):
            CallIn.model_validate(body("あ" * (most + 1)))
    assert (await api.get("/v1/calls/limits")).status_code == 401
