"""GET /v1/projects/{id}/pace-status: reporting-api's business-day calendar and pace thresholds, the
answer the worker's scheduled jobs act on (issue 16: they keep no copy of either)."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_common.auth_tokens import Role, issue_service_token, issue_user_token
from anken_reporting.kpis import formulas
from anken_reporting.main import create_app

from .builders import ProjectWorld
from .conftest import reporting_settings
from .feeding import feed
from .test_project_kpis import tokyo


def _service(settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_service_token(settings.anken_secret_key, 'integrations-worker')}"}


async def test_the_answer_names_the_business_day_the_pace_and_the_thresholds(app_client, resources, settings) -> None:
    # 2027-01-11 is Coming-of-Age Day (a Monday holiday); 2027-01-13 an extra closed day of this project.
    world = ProjectWorld(target=10, extra_closed_days=[date(2027, 1, 13)])
    await feed(resources, *world.setup(), world.call(tokyo(2027, 1, 12), "appointment"))
    url = f"/v1/projects/{world.project_id}/pace-status"

    on_day = (await app_client.get(url, params={"as_of": "2027-01-12"}, headers=_service(settings))).json()
    # January 2027: 21 weekdays less the holidays of 1 and 11 January and the closed 13th = 18 business
    # days, 6 of them by the 12th (4–8 and 12 January).
    expected = formulas.pace(1 / 10, 6, 18)
    assert on_day["business_day"] is True and on_day["pace"] == pytest.approx(expected)
    assert (on_day["on_track"], on_day["at_risk"]) == (settings.pace_on_track, settings.pace_at_risk)
    assert on_day["status"] == formulas.pace_status(expected, settings.pace_on_track, settings.pace_at_risk)
    assert on_day["behind"] is (on_day["status"] == "behind")

    for closed in ("2027-01-11", "2027-01-13", "2027-01-16"):
        answer = await app_client.get(url, params={"as_of": closed}, headers=_service(settings))
        assert answer.status_code == 200 and answer.json()["business_day"] is False, closed


async def test_the_thresholds_come_from_reporting_settings(resources, service_env) -> None:
    world = ProjectWorld(target=10)
    await feed(resources, *world.setup(), world.call(tokyo(2027, 2, 2), "appointment"))
    answers = {}
    for at_risk in (0.1, 5.0):
        settings = reporting_settings(service_env, pace_at_risk=at_risk, pace_on_track=10.0)
        app = create_app(settings)
        async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                           base_url="http://reporting.test") as client:
            response = await client.get(f"/v1/projects/{world.project_id}/pace-status",
                                        params={"as_of": "2027-02-02"}, headers=_service(settings))
        assert response.status_code == 200, response.text
        answers[at_risk] = response.json()
    assert answers[0.1]["pace"] == answers[5.0]["pace"] and 0.1 < answers[0.1]["pace"] < 5.0
    assert (answers[0.1]["status"], answers[0.1]["behind"]) == ("at_risk", False)
    assert (answers[5.0]["status"], answers[5.0]["behind"]) == ("behind", True)


async def test_unknown_hidden_and_malformed_requests(app_client, resources, settings) -> None:
    world = ProjectWorld(target=10)
    await feed(resources, *world.setup())
    url = f"/v1/projects/{world.project_id}/pace-status"
    stranger = issue_user_token(settings.anken_secret_key, str(uuid.uuid4()), Role.director)
    assert (await app_client.get(url, headers={"Authorization": f"Bearer {stranger}"})).status_code == 404
    assert (await app_client.get(f"/v1/projects/{uuid.uuid4()}/pace-status",
                                 headers=_service(settings))).status_code == 404
    bad = await app_client.get(url, params={"as_of": "1999-12-31"}, headers=_service(settings))
    assert bad.status_code == 422 and "as_of" in bad.text
    assert (await app_client.get(url)).status_code == 401
