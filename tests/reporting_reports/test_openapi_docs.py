"""The pipeline, forecast, weekly report and kickoff routes document themselves as the partner manual asks."""

from __future__ import annotations

import pytest

MY_PATHS = [
    ("get", "/v1/pipeline/summary"),
    ("put", "/v1/pipeline/owners/{owner_id}/team"),
    ("get", "/v1/forecast"),
    ("post", "/v1/forecast/snapshots"),
    ("get", "/v1/forecast/snapshots"),
    ("get", "/v1/projects/{project_id}/weekly-reports/{iso_week}"),
    ("put", "/v1/projects/{project_id}/weekly-reports/{iso_week}/draft"),
    ("post", "/v1/projects/{project_id}/weekly-reports/{iso_week}/publish"),
    ("get", "/v1/projects/{project_id}/weekly-reports/{iso_week}.pptx"),
    ("get", "/v1/projects/{project_id}/weekly-reports/{iso_week}.xlsx"),
    ("get", "/v1/projects/{project_id}/weekly-reports/{iso_week}.csv"),
    ("get", "/v1/projects/{project_id}/weekly-reports/{iso_week}.html"),
    ("get", "/v1/projects/{project_id}/kickoff-agenda"),
]


@pytest.fixture(scope="module")
async def spec(reports_app):
    client, *_ = reports_app
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(("method", "path"), MY_PATHS)
async def test_route_has_summary_tags_and_problem_responses(spec, method, path):
    operation = spec["paths"][path][method]
    assert operation["summary"] and operation["tags"]
    assert "401" in operation["responses"] and "422" in operation["responses"]
    problem = operation["responses"]["401"]["content"]["application/problem+json"]["schema"]
    assert problem["$ref"].endswith("/Problem")


async def test_downloads_document_their_file_types(spec):
    pptx = spec["paths"]["/v1/projects/{project_id}/weekly-reports/{iso_week}.pptx"]["get"]["responses"]["200"]
    assert "application/vnd.openxmlformats-officedocument.presentationml.presentation" in pptx["content"]
    week = next(p for p in spec["paths"]["/v1/projects/{project_id}/weekly-reports/{iso_week}"]["get"]["parameters"]
                if p["name"] == "iso_week")
    assert week["schema"]["pattern"] == r"^\d{4}-W\d{2}$"
