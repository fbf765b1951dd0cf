"""Deals: defaults from the stage, exit criteria on forward moves, closing, history, If-Match, RBAC."""

from __future__ import annotations

import httpx


def stage(pipeline: dict, name: str) -> dict:
    return next(s for s in pipeline["stages"] if s["name"] == name)


async def new_deal(api: httpx.AsyncClient, actor, **fields) -> dict:
    body = {"name": "SFA導入", "account_name": "株式会社テスト商事", "amount": 1_200_000, **fields}
    response = await api.post("/v1/deals", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_default_pipeline_has_japanese_stages_in_order(default_pipeline) -> None:
    names = [s["name"] for s in default_pipeline["stages"]]
    assert names == ["リード", "初回商談", "課題合意", "提案", "見積・交渉", "受注", "失注"]
    assert [s["position"] for s in default_pipeline["stages"]] == list(range(1, 8))
    assert stage(default_pipeline, "受注")["is_won"] and stage(default_pipeline, "失注")["is_lost"]


async def test_new_deal_starts_in_first_stage_with_its_probability(api, actors, default_pipeline) -> None:
    deal = await new_deal(api, actors["manager"], owner_id=str(actors["director"].id))
    assert deal["stage_name"] == "リード"
    assert deal["probability"] == 10
    assert deal["status"] == "open"
    assert deal["weighted_amount"] == 120_000
    assert deal["stage_exit_criteria"] == stage(default_pipeline, "リード")["exit_criteria"]


async def test_forward_move_without_confirmation_is_422_naming_exit_criteria(api, actors, default_pipeline) -> None:
    deal = await new_deal(api, actors["manager"])
    target = stage(default_pipeline, "課題合意")
    response = await api.patch(f"/v1/deals/{deal['id']}", json={"stage_id": target["id"]}, headers=actors["manager"].headers)
    assert response.status_code == 422
    body = response.json()
    assert [e["field"] for e in body["errors"]] == ["exit_criteria_confirmed"]
    # Skipping 初回商談 passes the criteria of both リード and 初回商談.
    assert [c["stage_name"] for c in body["exit_criteria"]] == ["リード", "初回商談"]
    still = (await api.get(f"/v1/deals/{deal['id']}", headers=actors["manager"].headers)).json()
    assert still["stage_name"] == "リード" and still["version"] == deal["version"]


async def test_forward_move_with_confirmation_takes_stage_probability(api, actors, default_pipeline) -> None:
    deal = await new_deal(api, actors["manager"])
    target = stage(default_pipeline, "提案")
    response = await api.patch(f"/v1/deals/{deal['id']}", json={"stage_id": target["id"], "exit_criteria_confirmed": True},
                               headers=actors["manager"].headers)
    assert response.status_code == 200, response.text
    moved = response.json()
    assert moved["stage_name"] == "提案" and moved["probability"] == 60
    assert moved["version"] == deal["version"] + 1
    assert response.headers["etag"] == f'W/"{moved["version"]}"'


async def test_backward_and_lost_moves_need_no_confirmation(api, actors, default_pipeline) -> None:
    deal = await new_deal(api, actors["manager"], stage_id=stage(default_pipeline, "提案")["id"])
    back = await api.patch(f"/v1/deals/{deal['id']}", json={"stage_id": stage(default_pipeline, "初回商談")["id"]},
                           headers=actors["manager"].headers)
    assert back.status_code == 200 and back.json()["stage_name"] == "初回商談"
    lost = await api.patch(f"/v1/deals/{deal['id']}", json={"stage_id": stage(default_pipeline, "失注")["id"]},
                           headers=actors["manager"].headers)
    assert lost.status_code == 200
    assert lost.json()["status"] == "lost" and lost.json()["closed_at"] is not None and lost.json()["probability"] == 0


async def test_won_stage_closes_the_deal(api, actors, default_pipeline) -> None:
    deal = await new_deal(api, actors["manager"], stage_id=stage(default_pipeline, "見積・交渉")["id"])
    won = await api.patch(f"/v1/deals/{deal['id']}",
                          json={"stage_id": stage(default_pipeline, "受注")["id"], "exit_criteria_confirmed": True},
                          headers=actors["manager"].headers)
    assert won.status_code == 200, won.text
    assert won.json()["status"] == "won" and won.json()["probability"] == 100 and won.json()["closed_at"]


async def test_history_records_every_tracked_change(api, actors, default_pipeline) -> None:
    deal = await new_deal(api, actors["manager"], expected_close_date="2026-03-31")
    h = actors["manager"].headers
    steps = [
        {"amount": 1_500_000},
        {"probability": 25},
        {"forecast_category": "best_case"},
        {"expected_close_date": "2026-04-30"},
        {"stage_id": stage(default_pipeline, "初回商談")["id"], "exit_criteria_confirmed": True},
        {"next_step": "部長同席の要件確認"},  # not a tracked field: no history row
    ]
    for body in steps:
        response = await api.patch(f"/v1/deals/{deal['id']}", json=body, headers=h)
        assert response.status_code == 200, response.text
    history = (await api.get(f"/v1/deals/{deal['id']}/history", headers=h)).json()["items"]
    changes = [(c["field"], c["old_value"], c["new_value"]) for c in history if c["old_value"] is not None]
    assert ("amount", 1_200_000, 1_500_000) in changes
    assert ("probability", 10, 25) in changes
    assert ("forecast_category", "pipeline", "best_case") in changes
    assert ("expected_close_date", "2026-03-31", "2026-04-30") in changes
    stage_rows = [c for c in history if c["field"] == "stage_id"]
    assert [(c["old_label"], c["new_label"]) for c in stage_rows] == [(None, "リード"), ("リード", "初回商談")]
    # The stage move reset probability to the stage's default: that is a change too.
    assert ("probability", 25, 20) in changes
    assert all(c["actor_id"] == str(actors["manager"].id) for c in history)
    assert [c["id"] for c in history] == sorted(c["id"] for c in history)


async def test_if_match_stale_is_412_and_current_passes(api, actors) -> None:
    deal = await new_deal(api, actors["manager"])
    h = actors["manager"].headers
    etag = (await api.get(f"/v1/deals/{deal['id']}", headers=h)).headers["etag"]
    first = await api.patch(f"/v1/deals/{deal['id']}", json={"amount": 2_000_000}, headers={**h, "If-Match": etag})
    assert first.status_code == 200
    stale = await api.patch(f"/v1/deals/{deal['id']}", json={"amount": 3_000_000}, headers={**h, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    fresh = await api.patch(f"/v1/deals/{deal['id']}", json={"amount": 3_000_000},
                            headers={**h, "If-Match": first.headers["etag"]})
    assert fresh.status_code == 200 and fresh.json()["amount"] == 3_000_000


async def test_probability_bounds_and_float_amount_are_422(api, actors) -> None:
    h = actors["manager"].headers
    base = {"name": "x", "account_name": "株式会社境界"}
    for body, field in (({**base, "probability": 101}, "probability"), ({**base, "probability": -1}, "probability"),
                        ({**base, "amount": 1000.5}, "amount"), ({**base, "amount": 1000.0}, "amount"),
                        ({**base, "amount": "1000"}, "amount"), ({**base, "amount": -1}, "amount"),
                        ({**base, "forecast_category": "maybe"}, "forecast_category"), ({**base, "color": "red"}, "color")):
        response = await api.post("/v1/deals", json=body, headers=h)
        assert response.status_code == 422, (body, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], response.text
    deal = await new_deal(api, actors["manager"])
    for body, field in (({"probability": 100.5}, "probability"), ({"amount": None}, "amount"), ({"amount": 10.0}, "amount")):
        response = await api.patch(f"/v1/deals/{deal['id']}", json=body, headers=h)
        assert response.status_code == 422 and field in [e["field"] for e in response.json()["errors"]], response.text
    ok = await api.patch(f"/v1/deals/{deal['id']}", json={"probability": 100}, headers=h)
    assert ok.status_code == 200 and ok.json()["probability"] == 100


async def test_rbac_directors_see_their_own_members_none(api, actors) -> None:
    own = await new_deal(api, actors["director"])
    assert own["owner_id"] == str(actors["director"].id)
    other = await new_deal(api, actors["manager"], owner_id=str(actors["director2"].id))
    d = actors["director"].headers
    assert (await api.get(f"/v1/deals/{other['id']}", headers=d)).status_code == 404
    assert (await api.patch(f"/v1/deals/{other['id']}", json={"amount": 1}, headers=d)).status_code == 404
    listed = (await api.get("/v1/deals?limit=500", headers=d)).json()["items"]
    assert {x["owner_id"] for x in listed} == {str(actors["director"].id)}
    forbidden = await api.post("/v1/deals", json={"name": "x", "account_name": "y", "owner_id": str(actors["director2"].id)},
                               headers=d)
    assert forbidden.status_code == 403
    assert (await api.get("/v1/deals", headers=actors["member"].headers)).status_code == 403
    assert (await api.get(f"/v1/deals/{own['id']}", headers=actors["admin"].headers)).status_code == 200
    member_owner = await api.post("/v1/deals", json={"name": "x", "account_name": "y", "owner_id": str(actors["member"].id)},
                                  headers=actors["manager"].headers)
    assert member_owner.status_code == 422 and member_owner.json()["errors"][0]["field"] == "owner_id"


async def test_list_filters_and_cursor_pages(api, actors, default_pipeline) -> None:
    owner = actors["director2"]
    made = [await new_deal(api, actors["manager"], owner_id=str(owner.id), lead_source="referral",
                           expected_close_date=f"2026-05-{day:02d}") for day in (1, 10, 20, 31)]
    h = actors["manager"].headers
    page1 = (await api.get("/v1/deals", params={"owner_id": str(owner.id), "lead_source": "referral", "limit": 2}, headers=h)).json()
    page2 = (await api.get("/v1/deals", params={"owner_id": str(owner.id), "lead_source": "referral", "limit": 2,
                                                 "cursor": page1["next_cursor"]}, headers=h)).json()
    ids = [d["id"] for d in page1["items"] + page2["items"]]
    assert ids == [d["id"] for d in made] and page2["next_cursor"] is None
    ranged = (await api.get("/v1/deals", params={"owner_id": str(owner.id), "close_from": "2026-05-10",
                                                  "close_to": "2026-05-31"}, headers=h)).json()["items"]
    assert [d["expected_close_date"] for d in ranged] == ["2026-05-10", "2026-05-20"]
    bad = await api.get("/v1/deals", params={"status": "pending"}, headers=h)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
