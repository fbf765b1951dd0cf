"""Response shapes of the Slack emulation, for the OpenAPI document."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SlackEnvelope(BaseModel):
    """Every Slack answer: `ok`, and `error` when ok is false; the method's fields beside them."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"ok": True, "channel": "C00000001", "ts": "1763870400.000100",
         "message": {"type": "message", "text": "アポ獲得: 株式会社サンプル", "ts": "1763870400.000100"}},
        {"ok": False, "error": "channel_not_found"},
    ]})

    ok: bool
    error: str | None = None
