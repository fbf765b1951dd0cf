"""Scopes a partner API key can carry."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    read_projects = "read:projects"
    read_kpis = "read:kpis"
    read_appointments = "read:appointments"
    write_appointment_outcomes = "write:appointment_outcomes"
    write_targets = "write:targets"


ALL_SCOPES: tuple[str, ...] = tuple(s.value for s in Scope)
