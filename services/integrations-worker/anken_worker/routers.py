"""This service's routers, discovered by convention (anken_common.router_discovery)."""

from __future__ import annotations

from fastapi import APIRouter

import anken_worker
from anken_common.router_discovery import discover_routers as _discover

ROUTER_ORDER = ["integration_settings", "webhook_endpoints", "delivery_log", "health_status", "slack_inbound"]


def discover_routers() -> list[APIRouter]:
    return _discover(anken_worker, ROUTER_ORDER)
