"""A deal's history names who made each change and the people and pipeline its ids stand for, so a page can
write it as sentences without another lookup."""

from __future__ import annotations

import httpx


async def new_deal(api: httpx.AsyncClient, actor, **fields) -> dict:
    body = {"name": "SFA導入", "account_name": "株式会社テスト商事", "amount": 1_200_000, **fields}
    response = await api.post("/v1/deals", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_history_names_the_actor_the_owners_and_the_pipeline(api, actors, default_pipeline) -> None:
    manager, director = actors["manager"], actors["director"]
    deal = await new_deal(api, manager, owner_id=str(director.id))
    moved = await api.patch(f"/v1/deals/{deal['id']}", json={"owner_id": str(manager.id)}, headers=manager.headers)
    assert moved.status_code == 200, moved.text

    history = (await api.get(f"/v1/deals/{deal['id']}/history", headers=manager.headers)).json()["items"]
    assert history and all(c["actor_name"] == "テストmanager" for c in history)
    created_pipeline = next(c for c in history if c["field"] == "pipeline_id")
    assert (created_pipeline["old_label"], created_pipeline["new_label"]) == (None, default_pipeline["name"])
    owner_rows = [(c["old_label"], c["new_label"]) for c in history if c["field"] == "owner_id"]
    assert owner_rows == [(None, "テストdirector"), ("テストdirector", "テストmanager")]


async def test_an_actor_that_is_not_a_user_has_no_name(api, actors) -> None:
    deal = await new_deal(api, actors["manager"])
    history = (await api.get(f"/v1/deals/{deal['id']}/history", headers=actors["admin"].headers)).json()["items"]
    assert {c["actor_type"] for c in history} == {"user"}
    amount = next(c for c in history if c["field"] == "amount")
    assert (amount["old_label"], amount["new_label"]) == (None, None)  # plain values carry no label


async def test_deal_limits_are_the_request_models_own(api, actors) -> None:
    response = await api.get("/v1/deals/limits", headers=actors["director"].headers)
    assert response.status_code == 200, response.text
    limits = response.json()
    assert limits["name"]["max_length"] == 200 and limits["metrics"]["max_length"] == 4000
    assert (limits["probability"]["minimum"], limits["probability"]["maximum"]) == (0, 100)
    assert (await api.get("/v1/deals/limits", headers=actors["member"].headers)).status_code == 403
