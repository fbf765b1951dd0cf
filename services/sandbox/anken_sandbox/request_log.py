"""A bounded log of every call made to the emulated vendors, with the status it got (GET /_sandbox/requests)."""

from __future__ import annotations

import itertools
from collections import deque
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class LoggedRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "seq": 12, "at": "2026-11-23T04:00:00Z", "service": "slack", "method": "POST",
        "path": "/slack/api/chat.postMessage", "query": "", "status": 429, "outcome": "fault", "fault_id": "fault_1",
        "duration_ms": 1.2,
    }]})

    seq: int
    at: datetime
    service: str
    method: str
    path: str
    query: str = ""
    status: int | None = Field(None, description="HTTP status answered; null when the connection was dropped")
    outcome: str = Field(description="handled | fault | slow | dropped")
    fault_id: str | None = None
    duration_ms: float


class RequestLog:
    def __init__(self, size: int) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=size)
        self._seq = itertools.count(1)

    def next_seq(self) -> int:
        """Numbered on arrival, so the log reads in arrival order even when answers finish out of order."""
        return next(self._seq)

    def record(self, seq: int, **fields: object) -> LoggedRequest:
        entry = LoggedRequest(seq=seq, **fields)
        self._entries.append(entry)
        return entry

    def entries(self) -> list[LoggedRequest]:
        return sorted(self._entries, key=lambda e: e.seq)
