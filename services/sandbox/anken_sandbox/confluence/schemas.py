"""Response shapes of the Confluence emulation, for the OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PAGE_EXAMPLE: dict[str, Any] = {
    "id": "65538", "status": "current", "title": "キックオフ議事録", "spaceId": "1", "parentId": "65537",
    "parentType": "page", "position": 0, "version": {"number": 1, "message": "", "minorEdit": False},
    "body": {"storage": {"representation": "storage", "value": "<p>目的と進め方</p>"}},
}


class ConfluencePage(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [PAGE_EXAMPLE]})

    id: str
    status: str
    title: str
    spaceId: str
    parentId: str | None = None
    version: dict[str, Any]
    body: dict[str, Any] = Field(default_factory=dict)


class ConfluenceResults(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"results": [PAGE_EXAMPLE], "_links": {}}]})

    results: list[dict[str, Any]]
    links: dict[str, Any] = Field(default_factory=dict, alias="_links")


class ConfluenceErrorBody(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"errors": [{
        "status": 409, "code": "CONFLICT", "title": "Version must be incremented on update. Current version is: 3",
        "detail": None,
    }]}]})

    errors: list[dict[str, Any]]


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"description": "Confluence error envelope", "model": ConfluenceErrorBody} for code in codes}
