"""integrations-worker benchmark: delivery throughput against the sandbox with Slack's per-channel
pacing respected, arq's per-job overhead on a no-op job as the baseline, and the latency from an
appointment event to its Slack message.

    python bench/worker_deliveries.py --jobs 200 --channels 50      # small, for a shared machine
    python bench/worker_deliveries.py --jobs 5000 --channels 600    # the issue's scale (≥ 500 jobs/s)

Throughput is bounded by pacing: each channel takes one message per SLACK_CHANNEL_INTERVAL_S
(1 s), so N channels allow at most N messages/s; the ceiling is printed beside the result. Pacing
is checked on what the sandbox received: per channel, a second (by message ts) holding more than
one message counts each extra message as a violation; the smallest gap between two messages of
one channel is printed too.
Uses DATABASE_URL's server (default postgresql://postgres@127.0.0.1:5432/postgres) for a
throw-away database and REDIS_URL (default redis://127.0.0.1:6379/0) under a fresh namespace;
starts the sandbox and the worker as processes, as `make run` does.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import redis.asyncio as aioredis

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "deploy" / "local"))
sys.path.insert(0, str(ROOT / "bench"))
import devstack  # noqa: E402
from _kit import with_database  # noqa: E402

from anken_common.events import EventEnvelope, events_stream  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=200, help="appointment deliveries for the throughput run")
    parser.add_argument("--channels", type=int, default=50, help="Slack channels (projects) they spread over")
    parser.add_argument("--noop-jobs", type=int, default=2000, help="no-op arq jobs for the baseline")
    parser.add_argument("--rate", type=float, default=20.0, help="appointments/s for the latency run")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of the latency run")
    parser.add_argument("--processes", type=int, default=None,
                        help="worker processes (WORKER_PROCESSES; default: the worker's own default)")
    parser.add_argument("--profile", type=Path, default=None,
                        help="run the worker's main process and the sandbox under cProfile, writing "
                             "worker.prof and sandbox.prof into this folder (slower; for finding hot spots)")
    return parser.parse_args()


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def noop(ctx: dict) -> None:
    return None


async def arq_noop_baseline(redis_url: str, namespace: str, jobs: int) -> float:
    """Seconds per no-op job through arq (enqueue → run → result), one worker, as configured in the worker."""
    from arq.connections import RedisSettings, create_pool
    from arq.worker import Worker, func

    from anken_worker.jobs.serialization import ARQ_SERIALIZERS

    queue = f"{namespace}:arq:bench-noop"
    pool = await create_pool(RedisSettings.from_dsn(redis_url), default_queue_name=queue, **ARQ_SERIALIZERS)
    for i in range(jobs):
        await pool.enqueue_job("noop", _job_id=f"{namespace}:noop:{i}", _queue_name=queue)
    worker = Worker(functions=[func(noop, name="noop")], redis_pool=pool, queue_name=queue, burst=True,
                    max_jobs=64, poll_delay=0.05, handle_signals=False, keep_result=60,
                    health_check_key=f"{namespace}:arq:bench-health", **ARQ_SERIALIZERS)
    started = time.perf_counter()
    await worker.main()
    elapsed = time.perf_counter() - started
    await worker.close()
    await pool.aclose()
    return elapsed / jobs


def start(command: list[str], env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=log.open("ab"),
                               stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{command} exited; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{command} did not become healthy; see {log}")


def service(command: str, profile: Path | None) -> list[str]:
    """`anken-worker run` or `anken-sandbox serve` (command "sandbox"), under cProfile when profiling (the
    profile is written on SIGTERM's clean exit)."""
    script, module, argument = (("anken-sandbox", "anken_sandbox.cli", "serve") if command == "sandbox"
                                else ("anken-worker", "anken_worker.cli", command))
    if profile is None:
        return [script, argument]
    profile.mkdir(parents=True, exist_ok=True)
    name = "worker" if command == "run" else command
    return [sys.executable, "-m", "cProfile", "-o", str(profile / f"{name}.prof"), "-m", module, argument]


def appointment(project_id: uuid.UUID, client_id: uuid.UUID, n: int) -> EventEnvelope:
    now = datetime.now(UTC)
    aid = uuid.uuid4()
    return EventEnvelope(type="appointment.set", aggregate_type="appointment", aggregate_id=str(aid), tenant=client_id,
                         payload=json.loads(json.dumps({
                             "id": aid, "project_id": project_id, "client_id": client_id, "member_id": uuid.uuid4(),
                             "member_name": "ベンチ", "target_id": uuid.uuid4(), "company_name": f"株式会社ベンチ{n}",
                             "meeting_at": now + timedelta(days=2), "set_at": now}, default=str)))


async def wait_done(db: asyncpg.Connection, expected: int, since: datetime, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        done = await db.fetchval("SELECT count(*) FROM integrations.deliveries WHERE action='slack.post' AND "
                                 "status IN ('succeeded','dead') AND created_at >= $1", since)
        if done >= expected:
            return
        await asyncio.sleep(0.1)
    raise SystemExit(f"only {done}/{expected} deliveries finished within {within_s}s")


def loop_lag(worker_url: str) -> dict[str, float]:
    """The worker main process's event-loop lag histogram (cumulative buckets, sum, count) from /metrics."""
    from prometheus_client.parser import text_string_to_metric_families

    found: dict[str, float] = {}
    for family in text_string_to_metric_families(httpx.get(f"{worker_url}/metrics", timeout=10).text):
        if family.name == "anken_worker_event_loop_lag_seconds":
            for sample in family.samples:
                found[sample.labels.get("le", sample.name.rsplit("_", 1)[-1])] = sample.value
    return found


def lag_report(before: dict[str, float], after: dict[str, float]) -> str:
    delta = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
    probes = delta.get("count", 0.0)
    if not probes:
        return "event-loop lag: no probes"
    bounds = sorted((float(k), v) for k, v in delta.items() if k not in ("sum", "count", "+Inf"))
    p95 = next((b for b, v in bounds if v >= 0.95 * probes), float("inf"))
    over_50ms = probes - dict(bounds).get(0.05, 0.0)
    return (f"event-loop lag of the worker's main process: mean {delta['sum'] / probes * 1000:.0f} ms, "
            f"p95 ≤ {p95 * 1000:.0f} ms, {over_50ms / probes:.0%} of probes later than 50 ms")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def pids_of(command: str) -> list[int]:
    found = subprocess.run(["pgrep", "-x", command], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def worker_pids(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid), "-f", "anken_worker"], capture_output=True, text=True)
    return [pid, *(int(p) for p in children.stdout.split())]


def count_worker_processes(pid: int) -> int:
    """The worker process and the delivery processes it started (its children running anken_worker)."""
    time.sleep(3)  # the extra processes start beside the API
    children = subprocess.run(["pgrep", "-P", str(pid), "-f", "anken_worker"], capture_output=True, text=True)
    return 1 + len(children.stdout.split())


async def report_pacing(sandbox_url: str, channels: set[str], timeline_from: float | None = None,
                        until: float | None = None) -> None:
    """Per-channel pacing as Slack would see it, from every message the sandbox received."""
    by_channel: dict[str, list[float]] = {}
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=60) as sb:
        cursor = None
        while True:
            params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
            page = (await sb.get("/_sandbox/slack/messages", params=params)).json()
            for m in page["items"]:
                if m["channel_id"] in channels and (until is None or float(m["ts"]) < until):
                    by_channel.setdefault(m["channel_id"], []).append(float(m["ts"]))
            cursor = page.get("next_cursor")
            if not cursor:
                break
    violations, gaps = 0, []
    for stamps in by_channel.values():
        stamps.sort()
        per_second: dict[int, int] = {}
        for ts in stamps:
            per_second[int(ts)] = per_second.get(int(ts), 0) + 1
        violations += sum(n - 1 for n in per_second.values() if n > 1)
        gaps += [b - a for a, b in itertools.pairwise(stamps)]
    messages = sum(len(v) for v in by_channel.values())
    if timeline_from is not None and by_channel:
        # Where the throughput run's time went: when each channel's first message left, how long its
        # messages took from first to last, and the mean gap between two messages of a channel.
        firsts = sorted(min(v) - timeline_from for v in by_channel.values())
        spans = sorted(max(v) - min(v) for v in by_channel.values())
        mean_gap = statistics.mean(gaps) if gaps else 0.0
        print(f"timeline: first message of a channel after p50 {statistics.median(firsts):.2f} s, max {firsts[-1]:.2f} s; "
              f"a channel's first to last p50 {statistics.median(spans):.2f} s, max {spans[-1]:.2f} s; "
              f"mean gap {mean_gap * 1000:.0f} ms (p50 {statistics.median(gaps) * 1000:.0f}, p90 "
              f"{sorted(gaps)[int(len(gaps) * 0.9)] * 1000:.0f}, max {max(gaps) * 1000:.0f} ms)")
    print(f"pacing: {messages} messages in {len(by_channel)} channels; {violations} violations (a channel's second "
          f"holding > 1 message); smallest gap in a channel {min(gaps) * 1000:.0f} ms" if gaps else
          f"pacing: {messages} messages, no channel got two")


async def run(args: argparse.Namespace) -> None:
    admin_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    name = f"anken_bench_{uuid.uuid4().hex[:8]}"
    namespace = f"bench{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin_url)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    database_url = with_database(admin_url, name)
    sandbox_port, worker_port = devstack.free_port(), devstack.free_port()
    env = {**os.environ, **({"WORKER_PROCESSES": str(args.processes)} if args.processes else {}),
           "DATABASE_URL": database_url, "REDIS_URL": redis_url, "REDIS_NAMESPACE": namespace,
           "SANDBOX_URL": f"http://127.0.0.1:{sandbox_port}", "CRON_ENABLED": "0", "LOG_LEVEL": "WARNING",
           "ANKEN_SANDBOX": "1", "SANDBOX_SLACK_TIER_SCALE": "100", "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    logs = ROOT / ".anken" / "bench-logs"  # .anken/ is ignored by git
    logs.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen] = []
    redis = aioredis.Redis.from_url(redis_url)
    try:
        per_job = await arq_noop_baseline(redis_url, namespace, args.noop_jobs)
        print(f"arq no-op baseline: {per_job * 1e6:.0f} µs/job ({1 / per_job:.0f} jobs/s, {args.noop_jobs} jobs)")

        await asyncio.to_thread(subprocess.run, ["anken-worker", "migrate"], env=env, check=True, capture_output=True)
        processes.append(start(service("sandbox", args.profile), env, sandbox_port, logs / f"sandbox-{namespace}.log"))
        processes.append(start(service("run", args.profile), env, worker_port, logs / f"worker-{namespace}.log"))
        worker_processes = await asyncio.to_thread(count_worker_processes, processes[-1].pid)
        db = await asyncpg.connect(database_url)

        # Channels made directly in the sandbox and linked to projects (kickoff is not what is measured).
        projects = []
        projects_channels: set[str] = set()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{sandbox_port}") as sb:
            for i in range(args.channels):
                pid, cid = uuid.uuid4(), uuid.uuid4()
                created = (await sb.post("/slack/api/conversations.create", json={"name": f"bench-{namespace}-{i}"},
                                         headers={"Authorization": "Bearer xoxb-bench"})).json()
                await db.execute(
                    "INSERT INTO integrations.project_links (project_id, client_id, name, status, slack_channel_id, "
                    "slack_channel_name) VALUES ($1,$2,$3,'active',$4,$5)",
                    pid, cid, f"bench {i}", created["channel"]["id"], created["channel"]["name"])
                projects.append((pid, cid))
                projects_channels.add(created["channel"]["id"])

        stream = events_stream(namespace)
        since = datetime.now(UTC)
        measured = {"worker": worker_pids(processes[-1].pid), "sandbox": [processes[0].pid],
                    # The local servers' own share (all of their processes, so other work on them counts too).
                    "postgres": pids_of("postgres"), "redis": pids_of("redis-server")}
        cpu_before = {name: cpu_seconds(pids) for name, pids in measured.items()}
        lag_before = await asyncio.to_thread(loop_lag, f"http://127.0.0.1:{worker_port}")
        started, started_wall = time.perf_counter(), time.time()
        pipe = redis.pipeline(transaction=False)
        for n in range(args.jobs):
            pid, cid = projects[n % len(projects)]
            pipe.xadd(stream, {"envelope": appointment(pid, cid, n).to_json()})
        await pipe.execute()
        await wait_done(db, args.jobs, since, within_s=args.jobs / max(1, args.channels) * 3 + 60)
        elapsed = time.perf_counter() - started
        cpu_used = {name: cpu_seconds(pids) - cpu_before[name] for name, pids in measured.items()}
        lag_after = await asyncio.to_thread(loop_lag, f"http://127.0.0.1:{worker_port}")
        ceiling = args.channels / 1.0
        print(f"throughput: {args.jobs} deliveries over {args.channels} channels in {elapsed:.2f} s = "
              f"{args.jobs / elapsed:.0f} deliveries/s (pacing ceiling {ceiling:.0f}/s, "
              f"{worker_processes} worker process{'es' if worker_processes > 1 else ''})")
        print("  CPU per delivery: " + ", ".join(f"{name} {used / args.jobs * 1000:.2f} ms" for name, used in cpu_used.items()
                                                 if used > 0)
              + f" (load average {os.getloadavg()[0]:.2f})")
        print("  " + lag_report(lag_before, lag_after))
        dead = await db.fetchval("SELECT count(*) FROM integrations.deliveries WHERE status='dead'")
        retried = await db.fetchval("SELECT count(*) FROM integrations.deliveries WHERE attempts > 1")
        print(f"  dead: {dead}, retried: {retried} (a retry here means a 429 from the sandbox's own pacing)")
        recorded = sorted(r[0] for r in await db.fetch(
            "SELECT extract(epoch FROM created_at)::float8 - $2 FROM integrations.deliveries "
            "WHERE action='slack.post' AND created_at >= $1", since, started_wall))
        print(f"  events recorded as deliveries after p50 {statistics.median(recorded):.2f} s, "
              f"max {recorded[-1]:.2f} s")
        print("  throughput run only: ", end="")
        await report_pacing(f"http://127.0.0.1:{sandbox_port}", projects_channels, started_wall, time.time())

        # Latency: a steady stream of appointments, spread so that no channel gets more than one per second.
        since = datetime.now(UTC)
        total = int(args.rate * args.seconds)
        sent_at: dict[str, float] = {}
        for n in range(total):
            pid, cid = projects[n % len(projects)]
            envelope = appointment(pid, cid, 100_000 + n)
            sent_at[f"evt:{envelope.id}:slack.appointment_report"] = time.time()
            await redis.xadd(stream, {"envelope": envelope.to_json()})
            await asyncio.sleep(1 / args.rate)
        await wait_done(db, total, since, within_s=120)
        rows = await db.fetch("SELECT idempotency_key, created_at, completed_at, attempts, last_error, target "
                              "FROM integrations.deliveries WHERE idempotency_key = ANY($1)", list(sent_at))
        latencies = [r["completed_at"].timestamp() - sent_at[r["idempotency_key"]] for r in rows]
        consumed = [r["created_at"].timestamp() - sent_at[r["idempotency_key"]] for r in rows]
        print(f"  of which event → delivery recorded: p50 {statistics.median(consumed) * 1000:.0f} ms, "
              f"p95 {p95(consumed) * 1000:.0f} ms")
        print(f"latency appointment event → Slack message at {args.rate:.0f}/s over {len(projects)} channels: "
              f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95(latencies) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms ({len(latencies)} messages)")
        for r in sorted(rows, key=lambda r: r["completed_at"].timestamp() - sent_at[r["idempotency_key"]])[-3:]:
            if r["completed_at"].timestamp() - sent_at[r["idempotency_key"]] > 1:
                print(f"  slow: {r['idempotency_key']} to {r['target']}: recorded after "
                      f"{(r['created_at'].timestamp() - sent_at[r['idempotency_key']]) * 1000:.0f} ms, done after "
                      f"{(r['completed_at'].timestamp() - sent_at[r['idempotency_key']]) * 1000:.0f} ms, "
                      f"{r['attempts']} attempt(s), last error {r['last_error']!r}")
        await db.close()
        await report_pacing(f"http://127.0.0.1:{sandbox_port}", projects_channels)
    finally:
        for process in reversed(processes):
            # uvicorn re-raises the signal it stopped on: SIGINT ends in KeyboardInterrupt, which lets
            # cProfile write its file; SIGTERM's default action would kill the process first.
            process.send_signal(signal.SIGINT) if args.profile else process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        keys = [k async for k in redis.scan_iter(match=f"{namespace}:*", count=1000)]
        keys += [k async for k in redis.scan_iter(match=f"arq:*{namespace}*", count=1000)]
        for i in range(0, len(keys), 500):
            await redis.delete(*keys[i:i + 500])
        await redis.aclose()
        conn = await asyncpg.connect(admin_url)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    asyncio.run(run(parse_args()))
