"""This service's routers, discovered by convention (anken_common.router_discovery)."""

from __future__ import annotations

from fastapi import APIRouter

import anken_reporting
from anken_common.router_discovery import discover_routers as _discover

ROUTER_ORDER = ["kpis", "portfolio", "abtest", "quality", "alerts", "pipeline", "forecast", "reports", "admin"]


def discover_routers() -> list[APIRouter]:
    return _discover(anken_reporting, ROUTER_ORDER)
