"""Optimistic concurrency: an ETag from the row's `version`, checked against If-Match.

Every write increments `version`; a client that sends the ETag it last saw in `If-Match`
gets 412 when someone else has written since, instead of silently overwriting their change.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from anken_common.problems import ProblemError
from anken_projects.kit.models import utc_now


def etag_for(version: int) -> str:
    # Weak: the representation may differ (e.g. fields added later) for the same version.
    return f'W/"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_for(version)


def _opaque(tag: str) -> str:
    tag = tag.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    return tag.strip('"')


def check_if_match(request: Request, current_version: int) -> None:
    """Raise 412 when the request's If-Match names none of the current version (absent If-Match passes)."""
    header = request.headers.get("if-match")
    if header is None:
        return
    tags = [t for t in (part.strip() for part in header.split(",")) if t]
    if "*" in tags or str(current_version) in {_opaque(t) for t in tags}:
        return
    raise ProblemError(
        412, "Precondition Failed",
        "the resource changed since you read it; GET it again and retry with the new ETag",
        type_="https://anken.jp/problems/precondition-failed", current_etag=etag_for(current_version),
    )


def bump_version(row: Any) -> None:
    """Mark a write: increment `version` and refresh `updated_at` when the row has one."""
    row.version = (row.version or 0) + 1
    if hasattr(row, "updated_at"):
        row.updated_at = utc_now()
