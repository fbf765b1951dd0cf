"""Every domain's router, in the order they appear in the OpenAPI docs."""

from __future__ import annotations

from fastapi import APIRouter

from anken_projects.auth.endpoints import router as auth_router

ROUTERS: list[APIRouter] = [auth_router]
