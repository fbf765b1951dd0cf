"""One module per screen; each exposes `router`. Found by convention so screens stay independent."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter


def discover_page_routers() -> list[APIRouter]:
    routers = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        page = importlib.import_module(f"{__name__}.{module.name}")
        router = getattr(page, "router", None)
        if isinstance(router, APIRouter):
            routers.append(router)
    return routers
