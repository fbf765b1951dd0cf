"""Base pydantic models for the edges: strict input (unknown fields are 422), ORM-backed output."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictInput(BaseModel):
    """Request bodies: unknown fields are rejected (422 naming them), strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    """Response bodies built from ORM rows."""

    model_config = ConfigDict(from_attributes=True)
