"""This service's routers, discovered by convention (anken_common.router_discovery)."""

from __future__ import annotations

from fastapi import APIRouter

import anken_projects
from anken_common.router_discovery import discover_routers as _discover

ROUTER_ORDER = ["auth", "clients", "users", "projects", "assignments", "scripts", "targets", "calls", "appointments", "deals", "quotas", "api_keys", "events", "audit"]


def discover_routers() -> list[APIRouter]:
    return _discover(anken_projects, ROUTER_ORDER)
