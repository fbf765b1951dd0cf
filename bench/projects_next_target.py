"""projects-api "next target": p50/p95 latency of POST /v1/projects/{id}/next-target with N members
pulling from one list concurrently, and the number of double hand-outs (must be 0).

Each member loops: next-target (timed) → log a call on it (which ends the lease and takes the
target out of the callable set), so no target may ever be handed out twice.

    python bench/projects_next_target.py --members 5 --targets 2000 --calls 300       # small, shared machine
    python bench/projects_next_target.py --members 20 --targets 100000 --calls 20000  # the issue's target scale
    python bench/projects_next_target.py --members 20 --targets 100000 --calls 2000 --think 1 --workers 2

Creates and drops a database `anken_bench_<random>` on DATABASE_URL's server (default
postgresql://postgres@127.0.0.1:5432/postgres). The API runs as a real process.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _kit import SECRET, free_port, migrate, scratch_database, start_projects_api, stop, wait_ready
from projects_call_ingest import seed


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=5, help="members pulling concurrently (default 5)")
    parser.add_argument("--targets", type=int, default=2_000, help="targets in the list (default 2,000)")
    parser.add_argument("--calls", type=int, default=300, help="next-target pulls in total, each followed by a call")
    parser.add_argument("--preload", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help="projects-api processes (one per core)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a member waits after logging a call before the next pull (jittered ±50%%; "
                             "0 = saturate; a member really dials for tens of seconds)")
    parser.add_argument("--warmup", type=int, default=0,
                        help="pulls per member before measuring (not timed; their hand-outs still count for doubles): "
                             "a fresh process plans each statement on its first uses per connection")
    return parser.parse_args()


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def member_loop(url: str, project_id, member_id, token: str, pulls: int, latencies: list[float],
                      handed: list[str], think: float, rng: random.Random, warmup: int = 0,
                      warm: asyncio.Barrier | None = None) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, timeout=60, headers=headers) as client:
        for n in range(warmup + pulls):
            if n == warmup and warm is not None:
                await warm.wait()  # every member starts the measured part together
            began = time.perf_counter()
            response = await client.post(f"/v1/projects/{project_id}/next-target")
            if n >= warmup:
                latencies.append(time.perf_counter() - began)
            response.raise_for_status()
            target = response.json()["target"]
            if target is None:  # the list ran out
                if n < warmup and warm is not None:
                    await warm.wait()
                return
            handed.append(target["id"])
            logged = await client.post(f"/v1/projects/{project_id}/calls", json={
                "target_id": target["id"], "member_id": str(member_id), "occurred_at": datetime.now(UTC).isoformat(),
                "outcome": "connected_rejected", "duration_s": 30})
            logged.raise_for_status()
            if think:
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))


async def main() -> None:
    args = parse_args()
    from anken_common.auth_tokens import Role, issue_user_token

    server = None
    async with scratch_database(OUTBOX_RELAY_ENABLED="false") as db:
        try:
            await migrate(db.env, "anken-projects")
            floor = await seed(db.url, args)
            port = free_port()
            server = start_projects_api(db.env, port, args.workers)
            url = f"http://127.0.0.1:{port}"
            await wait_ready(url)
            latencies: list[float] = []
            handed: list[str] = []
            per_member = max(1, args.calls // args.members)
            warm = asyncio.Barrier(len(floor["members"]) + 1)
            loops = asyncio.gather(*(
                member_loop(url, floor["project_id"], member, issue_user_token(SECRET, str(member), Role.member, 3600),
                            per_member, latencies, handed, args.think, random.Random(i), args.warmup, warm)
                for i, member in enumerate(floor["members"])
            ))
            await warm.wait()
            began = time.perf_counter()
            await loops
            elapsed = time.perf_counter() - began
            doubles = sum(n - 1 for n in Counter(handed).values() if n > 1)
            print(f"members={args.members} targets={args.targets} think={args.think}s workers={args.workers} "
                  f"pulls={len(latencies)} in {elapsed:.1f}s (after {args.warmup} untimed pulls per member)")
            # Closed loop: pull, log a call, think; with no think time every member pulls back to back.
            offered = f"{args.members / args.think:.0f} pulls/s (members / mean think)" if args.think else "saturating"
            print(f"offered: {offered}; achieved: {len(latencies) / elapsed:.1f} pulls/s "
                  f"(each followed by a logged call)")
            print(f"next-target p50 {percentile(latencies, 0.50) * 1000:.1f} ms, "
                  f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms")
            print(f"double hand-outs: {doubles}")
        finally:
            stop(server)


if __name__ == "__main__":
    asyncio.run(main())
