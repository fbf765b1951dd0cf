"""Base pydantic models for the edges: strict input (unknown fields are 422), ORM-backed output."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


def reject_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL; refuse it at the edge (422) rather than at the database."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if isinstance(value, list | tuple):
        for item in value:
            reject_nul(item)
    if isinstance(value, dict):
        for key, item in value.items():
            reject_nul(key)
            reject_nul(item)
    return value


class StrictInput(BaseModel):
    """Request bodies: unknown fields are rejected (422 naming them), strings are trimmed, NUL refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return reject_nul(value)


class Output(BaseModel):
    """Response bodies built from ORM rows."""

    model_config = ConfigDict(from_attributes=True)
