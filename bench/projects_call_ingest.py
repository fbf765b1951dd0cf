"""projects-api bulk call ingest: calls/s through POST /v1/projects/{id}/calls/bulk against the
raw asyncpg COPY of the same rows into the same table, measured in the same run (the ratio is
what the API costs on top of the database's ceiling).

    python bench/projects_call_ingest.py --calls 20000 --members 5 --targets 5000      # small, shared machine
    python bench/projects_call_ingest.py --calls 200000 --members 20 --targets 100000 --preload 10000000

Creates and drops a database `anken_bench_<random>` on DATABASE_URL's server (default
postgresql://postgres@127.0.0.1:5432/postgres); REDIS_URL (default redis://127.0.0.1:6379/0)
gets a throw-away namespace. The API runs as a real process (`anken-projects serve`).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _kit import (
    ROOT,
    SECRET,
    free_port,
    migrate,
    scratch_database,
    start_projects_api,
    stop,
    wait_ready,
)

OUTCOMES = ["no_answer"] * 40 + ["invalid_number"] * 3 + ["gatekeeper_block"] * 15 + ["absent"] * 17 + \
    ["connected_rejected"] * 15 + ["connected_followup"] * 10
CALL_COLUMNS = ("id", "occurred_at", "project_id", "client_id", "member_id", "target_id", "outcome", "duration_s",
                "script_version_id", "variant", "note", "created_at", "updated_at", "version")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20_000, help="calls to ingest through the API (default 20,000)")
    parser.add_argument("--members", type=int, default=5, help="assigned members (default 5)")
    parser.add_argument("--targets", type=int, default=5_000, help="targets in the project's list (default 5,000)")
    parser.add_argument("--batch", type=int, default=10_000, help="calls per bulk request (max 10,000)")
    parser.add_argument("--preload", type=int, default=0, help="calls already in the table before measuring")
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args()


async def seed(db_url: str, args: argparse.Namespace) -> dict:
    conn = await asyncpg.connect(db_url)
    try:
        client_id, project_id, director_id, list_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        members = [uuid.uuid4() for _ in range(args.members)]
        await conn.execute("INSERT INTO projects.clients (id, name) VALUES ($1, 'ベンチ発注企業')", client_id)
        await conn.executemany("INSERT INTO projects.users (id, email, name, role) VALUES ($1, $2, $3, $4)",
                               [(director_id, "director@bench.test", "ディレクター", "director")] +
                               [(m, f"m{i}@bench.test", f"メンバー{i}", "member") for i, m in enumerate(members)])
        await conn.execute("INSERT INTO projects.projects (id, client_id, director_id, name, status) "
                           "VALUES ($1, $2, $3, 'ベンチ案件', 'active')", project_id, client_id, director_id)
        await conn.executemany("INSERT INTO projects.assignments (id, project_id, member_id) VALUES ($1, $2, $3)",
                               [(uuid.uuid4(), project_id, m) for m in members])
        await conn.execute("INSERT INTO projects.target_lists (id, project_id, client_id, name) "
                           "VALUES ($1, $2, $3, 'bench')", list_id, project_id, client_id)
        targets = [uuid.uuid4() for _ in range(args.targets)]
        await conn.copy_records_to_table("targets", schema_name="projects", columns=(
            "id", "target_list_id", "project_id", "client_id", "company_name", "company_name_key", "phone", "industry",
            "priority_tier"), records=[(t, list_id, project_id, client_id, f"企業{i}", f"企業{i}", f"03{i:08d}", "IT",
                                         1 + i % 3) for i, t in enumerate(targets)])
        if args.preload:
            await preload(conn, args.preload, project_id, client_id, members, targets)
        return {"client_id": client_id, "project_id": project_id, "director_id": director_id, "members": members,
                "targets": targets}
    finally:
        await conn.close()


async def preload(conn, n: int, project_id, client_id, members, targets) -> None:
    """Existing history spread over two years (lands in the default partition and the monthly ones)."""
    now = datetime.now(UTC)
    chunk = 200_000
    for start in range(0, n, chunk):
        rows = [(uuid.uuid4(), now - timedelta(minutes=(start + i) % 1_000_000), project_id, client_id,
                 members[i % len(members)], targets[i % len(targets)], "no_answer", 10, None, "A", None, now, now, 1)
                for i in range(min(chunk, n - start))]
        await conn.copy_records_to_table("calls", schema_name="projects", columns=CALL_COLUMNS, records=rows)
    await conn.execute("ANALYZE projects.calls")


def generate(args: argparse.Namespace, floor: dict) -> list[dict]:
    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    return [{
        "target_id": str(rng.choice(floor["targets"])), "member_id": str(rng.choice(floor["members"])),
        "occurred_at": (now - timedelta(seconds=rng.randrange(30 * 86400))).isoformat(),
        "outcome": rng.choice(OUTCOMES), "duration_s": rng.randrange(300), "variant": rng.choice(["A", "B"]),
    } for _ in range(args.calls)]


async def api_ingest(url: str, token: str, project_id, calls: list[dict], batch: int) -> float:
    async with httpx.AsyncClient(base_url=url, timeout=300, headers={"Authorization": f"Bearer {token}"}) as client:
        began = time.perf_counter()
        for start in range(0, len(calls), batch):
            response = await client.post(f"/v1/projects/{project_id}/calls/bulk",
                                         json={"calls": calls[start:start + batch]},
                                         headers={"Idempotency-Key": f"bench-{start}"})
            response.raise_for_status()
        return time.perf_counter() - began


async def raw_copy(db_url: str, floor: dict, calls: list[dict], batch: int) -> float:
    conn = await asyncpg.connect(db_url)
    try:
        began = time.perf_counter()
        for start in range(0, len(calls), batch):
            now = datetime.now(UTC)
            rows = [(uuid.uuid4(), datetime.fromisoformat(c["occurred_at"]), floor["project_id"], floor["client_id"],
                     uuid.UUID(c["member_id"]), uuid.UUID(c["target_id"]), c["outcome"], c["duration_s"], None,
                     c["variant"], None, now, now, 1) for c in calls[start:start + batch]]
            async with conn.transaction():
                await conn.copy_records_to_table("calls", schema_name="projects", columns=CALL_COLUMNS, records=rows)
        return time.perf_counter() - began
    finally:
        await conn.close()


async def main() -> None:
    args = parse_args()
    args.batch = max(1, min(args.batch, 10_000))
    server = None
    async with scratch_database(OUTBOX_RELAY_ENABLED="false") as db:
        try:
            await migrate(db.env, "anken-projects")
            floor = await seed(db.url, args)
            calls = generate(args, floor)
            port = free_port()
            server = start_projects_api(db.env, port)
            url = f"http://127.0.0.1:{port}"
            await wait_ready(url)
            sys.path.insert(0, str(ROOT / "services" / "anken_common"))
            from anken_common.auth_tokens import Role, issue_user_token

            token = issue_user_token(SECRET, str(floor["director_id"]), Role.director, 3600)
            api_s = await api_ingest(url, token, floor["project_id"], calls, args.batch)
            copy_s = await raw_copy(db.url, floor, calls, args.batch)
            api_rate, copy_rate = len(calls) / api_s, len(calls) / copy_s
            print(f"calls={len(calls)} batch={args.batch} members={args.members} targets={args.targets} "
                  f"preloaded={args.preload}")
            print(f"api bulk ingest : {api_rate:10.0f} calls/s ({api_s:.2f} s, incl. targets, outbox, idempotency)")
            print(f"raw asyncpg COPY: {copy_rate:10.0f} calls/s ({copy_s:.2f} s, calls table only)")
            print(f"ratio api/copy  : {api_rate / copy_rate:.2f}")
        finally:
            stop(server)


if __name__ == "__main__":
    asyncio.run(main())
