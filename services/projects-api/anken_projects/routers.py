"""This service's routers, discovered by convention (anken_common.router_discovery)."""

from __future__ import annotations

from fastapi import APIRouter

import anken_projects
from anken_common.router_discovery import discover_routers as _discover

# Routes are matched in this order (by the router and again by the metrics middleware), so the
# calling floor's hot paths come first; none of their paths overlaps another router's.
ROUTER_ORDER = ["calls", "next_target", "auth", "clients", "users", "projects", "assignments", "scripts", "targets", "appointments", "deals", "quotas", "api_keys", "events", "audit"]


def discover_routers() -> list[APIRouter]:
    return _discover(anken_projects, ROUTER_ORDER)
