"""Find each domain's router by convention: a module `<package>.<domain>.endpoints` exposing `router`.

Discovery (rather than a hand-kept list) lets a domain add its routes without touching a
shared file. Routers named in `order` come first, then the rest alphabetically.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from fastapi import APIRouter


def discover_routers(package: ModuleType, order: list[str] | None = None) -> list[APIRouter]:
    found: dict[str, APIRouter] = {}
    for module in pkgutil.iter_modules(package.__path__):
        if not module.ispkg:
            continue
        name = f"{package.__name__}.{module.name}.endpoints"
        try:
            endpoints = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        router = getattr(endpoints, "router", None)
        if isinstance(router, APIRouter):
            found[module.name] = router
    order = order or []
    names = [n for n in order if n in found] + sorted(n for n in found if n not in order)
    return [found[n] for n in names]
