"""Authenticating partner API keys (`ak_<prefix>_<secret>`); filled in by the api_keys domain."""

from __future__ import annotations

from fastapi import Request

from anken_common.problems import Unauthorized
from anken_projects.auth.principal import Principal


async def authenticate_api_key(request: Request, token: str) -> Principal:
    """Look the key up by prefix, verify its hash, check revocation, rate limit, touch last_used_at."""
    raise Unauthorized("API keys are not accepted yet")
