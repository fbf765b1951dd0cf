"""Row snapshots for audit before/after."""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel

# Never written to the audit log, whatever the table.
SECRET_FIELDS = frozenset({"password_hash", "secret_hash"})


def snapshot(row: SQLModel) -> dict[str, Any]:
    return {k: v for k, v in row.model_dump(warnings=False).items() if k not in SECRET_FIELDS}
