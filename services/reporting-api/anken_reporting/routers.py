"""Every domain's router, found by convention: a module `<domain>/endpoints.py` exposing `router`.

Discovery (rather than a hand-kept list) lets each domain add its routes without touching
a shared file. Routers are included in ROUTER_ORDER first, then alphabetically.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter

import anken_reporting

ROUTER_ORDER = ["kpis", "portfolio", "abtest", "quality", "alerts", "pipeline", "forecast", "reports", "admin"]


def discover_routers() -> list[APIRouter]:
    found: dict[str, APIRouter] = {}
    for module in pkgutil.iter_modules(anken_reporting.__path__):
        if not module.ispkg:
            continue
        try:
            endpoints = importlib.import_module(f"anken_reporting.{module.name}.endpoints")
        except ModuleNotFoundError as exc:
            if exc.name == f"anken_reporting.{module.name}.endpoints":
                continue
            raise
        router = getattr(endpoints, "router", None)
        if isinstance(router, APIRouter):
            found[module.name] = router
    ordered = [name for name in ROUTER_ORDER if name in found]
    ordered += sorted(name for name in found if name not in ROUTER_ORDER)
    return [found[name] for name in ordered]
