"""GET /v1/weekly-reports/limits: the draft's input limits, generated from DraftIn's constraints (the
web's counters and messages read them), exactly what a draft save enforces."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from anken_common.field_limits import field_limits
from anken_reporting.reports.schemas import DraftIn


async def test_the_limits_are_draftins_constraints(world) -> None:
    answer = await world.client.get("/v1/weekly-reports/limits", headers=world.headers())
    assert answer.status_code == 200, answer.text
    limits = answer.json()
    assert limits == field_limits(DraftIn)
    line = limits["notes.learnings.*"]["max_length"]
    lines = limits["notes.learnings"]["max_items"]
    DraftIn.model_validate({"notes": {"learnings": ["あ" * line] * lines}})
    with pytest.raises(ValidationError):
        DraftIn.model_validate({"notes": {"learnings": ["あ" * (line + 1)]}})
    with pytest.raises(ValidationError):
        DraftIn.model_validate({"notes": {"learnings": ["学び"] * (lines + 1)}})
    text = limits["next_actions.*.text"]["max_length"]
    owner = limits["next_actions.*.owner"]["max_length"]
    DraftIn.model_validate({"next_actions": [{"text": "あ" * text, "owner": "い" * owner}]})
    with pytest.raises(ValidationError):
        DraftIn.model_validate({"next_actions": [{"text": "あ", "owner": "い" * (owner + 1)}]})
    assert (await world.client.get("/v1/weekly-reports/limits")).status_code == 401
