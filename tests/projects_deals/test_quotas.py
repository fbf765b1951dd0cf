"""Quotas: unique per owner and period, no overlaps, integer yen, quota.set events, RBAC."""

from __future__ import annotations

import sqlalchemy as sa


async def test_quota_is_unique_per_owner_and_period(api, actors, resources) -> None:
    h = actors["manager"].headers
    body = {"owner_id": str(actors["director"].id), "period_start": "2026-04-01", "period_end": "2026-07-01",
            "amount": 30_000_000}
    created = await api.post("/v1/quotas", json=body, headers=h)
    assert created.status_code == 201, created.text
    again = await api.post("/v1/quotas", json=body, headers=h)
    assert again.status_code == 409
    overlap = await api.post("/v1/quotas", json={**body, "period_start": "2026-06-01", "period_end": "2026-09-01"}, headers=h)
    assert overlap.status_code == 409
    adjacent = await api.post("/v1/quotas", json={**body, "period_start": "2026-07-01", "period_end": "2026-10-01"}, headers=h)
    assert adjacent.status_code == 201, "period_end is exclusive, so the next quarter may start on it"
    async with resources.engine.connect() as conn:
        events = (await conn.execute(sa.text(
            "SELECT payload FROM projects.outbox_events WHERE type = 'quota.set' AND aggregate_id = :id"),
            {"id": created.json()["id"]})).scalars().all()
    assert events == [{**body, "id": created.json()["id"]}]


async def test_quota_validation(api, actors) -> None:
    h = actors["manager"].headers
    base = {"owner_id": str(actors["director2"].id), "period_start": "2026-04-01", "period_end": "2026-05-01", "amount": 1}
    for body, field in (({**base, "amount": 1.5}, "amount"), ({**base, "amount": -1}, "amount"),
                        ({**base, "period_end": "2026-04-01"}, "period_end"),
                        ({**base, "owner_id": str(actors["member"].id)}, "owner_id")):
        response = await api.post("/v1/quotas", json=body, headers=h)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field


async def test_quota_update_if_match_and_director_reads_own(api, actors) -> None:
    h = actors["manager"].headers
    created = await api.post("/v1/quotas", json={"owner_id": str(actors["director2"].id), "period_start": "2027-01-01",
                                                 "period_end": "2027-04-01", "amount": 10_000_000}, headers=h)
    quota_id = created.json()["id"]
    etag = created.headers["etag"]
    assert (await api.patch(f"/v1/quotas/{quota_id}", json={"amount": 12_000_000}, headers={**h, "If-Match": etag})).status_code == 200
    assert (await api.patch(f"/v1/quotas/{quota_id}", json={"amount": 13_000_000}, headers={**h, "If-Match": etag})).status_code == 412
    assert (await api.get(f"/v1/quotas/{quota_id}", headers=actors["director2"].headers)).json()["amount"] == 12_000_000
    assert (await api.get(f"/v1/quotas/{quota_id}", headers=actors["director"].headers)).status_code == 404
    assert (await api.post("/v1/quotas", json={}, headers=actors["director"].headers)).status_code == 403
    mine = (await api.get("/v1/quotas", headers=actors["director2"].headers)).json()["items"]
    assert mine and {q["owner_id"] for q in mine} == {str(actors["director2"].id)}
