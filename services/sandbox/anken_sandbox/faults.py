"""Injected faults: what a test asked the sandbox to do to the next N matching requests, consumed in order."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class SandboxService(StrEnum):
    slack = "slack"
    confluence = "confluence"
    sheets = "sheets"
    webhooks = "webhooks"
    oauth = "oauth"


class FaultKind(StrEnum):
    status = "status"  # answer with an error status in the vendor's own envelope
    slow = "slow"  # wait delay_s, then answer normally
    drop = "drop"  # close the connection without any response


SERVICE_PREFIXES: tuple[tuple[str, SandboxService], ...] = (
    ("/slack/", SandboxService.slack),
    ("/confluence/", SandboxService.confluence),
    ("/sheets/", SandboxService.sheets),
    ("/drive/", SandboxService.sheets),  # Drive answers in the same Google envelope, under the same faults
    ("/oauth2/", SandboxService.oauth),
    ("/webhooks/", SandboxService.webhooks),
)


def service_for_path(path: str) -> SandboxService | None:
    """Which emulated vendor a path belongs to; None for the sandbox's own and health routes."""
    for prefix, service in SERVICE_PREFIXES:
        if path.startswith(prefix):
            return service
    return None


class FaultIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [
            {"service": "slack", "kind": "status", "status": 429, "count": 3, "retry_after": 1, "path": "chat.postMessage"},
            {"service": "sheets", "kind": "slow", "delay_s": 2.5, "count": 1},
            {"service": "confluence", "kind": "drop", "count": 1, "method": "PUT"},
        ]},
    )

    service: SandboxService
    kind: FaultKind
    status: Literal[429, 500, 502, 503, 504] | None = Field(None, description="required for kind=status")
    count: int = Field(1, ge=1, le=100_000, description="how many matching requests it applies to")
    retry_after: int | None = Field(None, ge=0, le=3600, description="Retry-After seconds (429 defaults to 1)")
    delay_s: float = Field(0.0, ge=0, le=120, description="for kind=slow: seconds to wait before answering")
    method: str | None = Field(None, description="only requests with this HTTP method")
    path: str | None = Field(None, description="only requests whose path contains this text, e.g. chat.postMessage")

    @model_validator(mode="after")
    def _kind_needs_its_parameter(self) -> FaultIn:
        if self.kind == FaultKind.status and self.status is None:
            raise ValueError("status is required when kind is 'status'")
        if self.kind == FaultKind.slow and self.delay_s <= 0:
            raise ValueError("delay_s must be > 0 when kind is 'slow'")
        return self


class Fault(FaultIn):
    id: str
    remaining: int
    triggered: int = 0
    created_at: datetime

    def matches(self, service: SandboxService, method: str, path: str) -> bool:
        if self.remaining <= 0 or self.service != service:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        return not (self.path and self.path not in path)


class FaultStore:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: FaultIn) -> Fault:
        fault = Fault(
            **spec.model_dump(), id=f"fault_{next(self._ids)}", remaining=spec.count, created_at=datetime.now(UTC)
        )
        self._faults.append(fault)
        return fault

    def consume(self, service: SandboxService, method: str, path: str) -> Fault | None:
        """The oldest fault that still applies to this request, with one use taken from it."""
        for fault in self._faults:
            if fault.matches(service, method, path):
                fault.remaining -= 1
                fault.triggered += 1
                return fault
        return None

    def list(self) -> list[Fault]:
        return list(self._faults)

    def remove(self, fault_id: str) -> bool:
        before = len(self._faults)
        self._faults = [f for f in self._faults if f.id != fault_id]
        return len(self._faults) != before

    def clear(self) -> int:
        count = len(self._faults)
        self._faults.clear()
        return count
