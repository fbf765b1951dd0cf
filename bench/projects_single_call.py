"""projects-api single call logging under load: p50/p95/p99 latency of POST /v1/projects/{id}/calls
with N concurrent clients over loopback (each client a member logging its own calls back to back).

    python bench/projects_single_call.py --clients 50 --seconds 20
    python bench/projects_single_call.py --clients 50 --seconds 20 --workers 2   # uvicorn workers
    python bench/projects_single_call.py --clients 50 --seconds 20 --think 1 --workers 2  # ~50 calls/s offered

Same throw-away database and seeding as projects_call_ingest.py (DATABASE_URL / REDIS_URL).
The load generator is an asyncio httpx client pool in this process, one keep-alive connection
per client, like a locust or wrk run with N users (no think time unless --think). Each call
carries an Idempotency-Key, as the web's calling screen sends one.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _kit import BIN, ROOT, SECRET, free_port, migrate, scratch_database, stop, wait_ready
from projects_call_ingest import OUTCOMES, seed


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=20, help="measured duration (default 20)")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured warm-up seconds")
    parser.add_argument("--targets", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each client waits between calls (0 = saturate; a member's real pace is ~30 s)")
    parser.add_argument("--no-idempotency-key", dest="idempotency_key", action="store_false",
                        help="send calls without an Idempotency-Key (the web's calling screen always sends one)")
    parser.add_argument("--preload", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.members = args.clients
    return args


async def client_loop(url: str, token: str, project_id, member_id, targets, stop_at: float, measure_from: float,
                      latencies: list[float], errors: list[int], rng: random.Random, think: float,
                      idempotency_key: bool) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        while time.perf_counter() < stop_at:
            body = {"target_id": str(rng.choice(targets)), "member_id": str(member_id),
                    "occurred_at": datetime.now(UTC).isoformat(), "outcome": rng.choice(OUTCOMES),
                    "duration_s": rng.randrange(300), "variant": rng.choice(["A", "B"])}
            began = time.perf_counter()
            # Like the web's calling screen: one key per logging attempt, so a retry logs the call once.
            headers = {"Idempotency-Key": uuid.uuid4().hex} if idempotency_key else None
            response = await client.post(f"/v1/projects/{project_id}/calls", json=body, headers=headers)
            elapsed = time.perf_counter() - began
            if began >= measure_from:
                latencies.append(elapsed)
                if response.status_code >= 400:
                    errors.append(response.status_code)
            if think:
                # Jittered so clients do not fire in lock-step.
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))



async def main() -> None:
    args = parse_args()
    server = None
    async with scratch_database() as db:
        try:
            await migrate(db.env, "anken-projects")
            floor = await seed(db.url, args)
            port = free_port()
            command = [str(BIN / "uvicorn"), "anken_projects.main:create_app", "--factory", "--port", str(port),
                       "--workers", str(args.workers), "--no-access-log", "--log-level", "warning"]
            server = subprocess.Popen(  # noqa: ASYNC220 - started once before measuring
                command, env=db.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            url = f"http://127.0.0.1:{port}"
            await wait_ready(url)
            from anken_common.auth_tokens import Role, issue_user_token

            tokens = [issue_user_token(SECRET, str(m), Role.member, 3600) for m in floor["members"]]
            latencies: list[float] = []
            errors: list[int] = []
            start = time.perf_counter()
            measure_from, stop_at = start + args.warmup, start + args.warmup + args.seconds
            await asyncio.gather(*[
                client_loop(url, tokens[i], floor["project_id"], floor["members"][i], floor["targets"], stop_at,
                            measure_from, latencies, errors, random.Random(args.seed + i), args.think,
                            args.idempotency_key)
                for i in range(args.clients)
            ])
            latencies.sort()
            q = statistics.quantiles(latencies, n=100)
            print(f"clients={args.clients} think={args.think}s workers={args.workers} seconds={args.seconds} "
                  f"idempotency_key={args.idempotency_key} requests={len(latencies)} "
                  f"errors={len(errors)} ({sorted(set(errors))})")
            # Closed loop: each client waits for its answer, then thinks; with no think time it saturates.
            offered = f"{args.clients / args.think:.0f} calls/s (clients / mean think)" if args.think else "saturating"
            print(f"offered: {offered}; achieved: {len(latencies) / args.seconds:.1f} calls/s")
            print(f"latency ms: p50 {q[49] * 1000:.1f}  p95 {q[94] * 1000:.1f}  p99 {q[98] * 1000:.1f}  "
                  f"max {latencies[-1] * 1000:.1f}")
        finally:
            stop(server)


if __name__ == "__main__":
    asyncio.run(main())
