"""The demo dataset: loads once (second run changes nothing), realistic volumes, events written, logins work."""

from __future__ import annotations

import sqlalchemy as sa

from anken_projects.demo.dataset import load_demo_dataset
from anken_projects.targets.corporate_number import is_valid_corporate_number

TABLES = ("users", "clients", "projects", "assignments", "script_versions", "targets", "calls", "appointments",
          "worked_hours", "deals", "quotas", "outbox_events")


async def table_counts(resources) -> dict[str, int]:
    async with resources.engine.connect() as conn:
        return {t: (await conn.execute(sa.text(f"SELECT count(*) FROM projects.{t}"))).scalar_one() for t in TABLES}


async def test_demo_seed_is_idempotent_realistic_and_logins_work(api, resources, deals_settings) -> None:
    before = await table_counts(resources)
    loaded = await load_demo_dataset(deals_settings)
    after_first = await table_counts(resources)
    assert loaded["users"] == 12 and after_first["users"] - before["users"] == 12
    assert after_first["targets"] - before["targets"] >= 2000
    assert after_first["calls"] - before["calls"] > 10_000
    assert 30 <= after_first["deals"] - before["deals"] <= 50
    assert after_first["quotas"] - before["quotas"] == 3

    assert await load_demo_dataset(deals_settings) == {}
    assert await table_counts(resources) == after_first

    async with resources.engine.connect() as conn:
        rates = (await conn.execute(sa.text(
            "SELECT count(*) FILTER (WHERE outcome IN ('connected_rejected','connected_followup','appointment'))::float / count(*),"
            " count(*) FILTER (WHERE outcome = 'appointment')::float"
            "   / nullif(count(*) FILTER (WHERE outcome IN ('connected_rejected','connected_followup','appointment')), 0)"
            " FROM projects.calls"))).one()
        numbers = (await conn.execute(sa.text("SELECT corporate_number FROM projects.targets LIMIT 200"))).scalars().all()
        stages = (await conn.execute(sa.text("SELECT count(DISTINCT stage_id) FROM projects.deals"))).scalar_one()
        ages = (await conn.execute(sa.text(
            "SELECT min(now() - created_at), max(now() - created_at),"
            " count(*) FILTER (WHERE stage_entered_at > created_at), count(*) FILTER (WHERE stage_entered_at > now())"
            " FROM projects.deals WHERE appointment_id IS NULL AND name LIKE '%期)'"))).one()
        call_events = (await conn.execute(sa.text(
            "SELECT count(*) FROM projects.outbox_events WHERE type = 'call.logged'"))).scalar_one()
    assert 0.10 <= rates[0] <= 0.15, rates
    assert 0.05 <= rates[1] <= 0.15, rates
    assert all(is_valid_corporate_number(n) for n in numbers)
    assert stages == 7, "demo deals sit in every stage of the default pipeline"
    assert call_events == after_first["calls"], "every call was announced like the API does"
    # Backdated, so cycle time and stage aging show real figures on the demo.
    assert ages[0].days >= 20 and ages[1].days <= 121, ages
    assert ages[2] >= 25 and ages[3] == 0, ages

    for email in ("admin@demo.anken.jp", "director@demo.anken.jp", "manager@demo.anken.jp", "member1@demo.anken.jp"):
        response = await api.post("/v1/auth/token", json={"email": email, "password": deals_settings.anken_demo_password})
        assert response.status_code == 200, (email, response.text)
    wrong = await api.post("/v1/auth/token", json={"email": "admin@demo.anken.jp", "password": "wrong-password"})
    assert wrong.status_code == 401
