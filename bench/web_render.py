"""Time anken-web's server rendering: director home, project page, call log + next target.

    python bench/web_render.py --projects 30 --repeat 200            # web alone, APIs answered in memory
    python bench/web_render.py --live http://127.0.0.1:8000 --repeat 50  # a running stack (make run)

Targets (issue 7): director home with 30 projects p95 < 150 ms, project page p95 < 200 ms,
call log + next target round trip p95 < 60 ms. The in-memory mode answers the APIs from
canned JSON shaped like theirs, so it measures what web/ itself adds (templates, formatting,
session, CSRF); `--live` measures the whole round trip through the real services, logging in
with the demo users (ANKEN_DEMO_PASSWORD, default anken-demo).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import time
import uuid
from datetime import date, timedelta

import httpx

PROJECT_ID = str(uuid.uuid4())
MEMBER_ID = str(uuid.uuid4())


def canned_api(projects: int) -> httpx.MockTransport:
    """An in-memory projects-api + reporting-api answering what the three screens ask for."""
    today = date.today()
    rows = [{
        "project_id": PROJECT_ID if i == 0 else str(uuid.uuid4()), "name": f"案件 {i:02d} 新規開拓", "client_id": str(uuid.uuid4()),
        "client_name": f"株式会社サンプル{i}", "status": "active", "timezone": "Asia/Tokyo", "as_of": today.isoformat(),
        "monthly_appointment_target": 30, "appointments_so_far": i % 25, "progress_rate": (i % 25) / 30,
        "pace": 0.5 + (i % 10) / 10, "pace_status": ("on_track", "at_risk", "behind")[i % 3],
        "projected_month_end": 20.5 + i, "remaining_targets": 2400 - i, "list_exhaustion_date": "2026-12-18",
        "open_alerts": i % 3, "next_weekly_meeting": "2026-11-26T10:00:00+09:00",
    } for i in range(projects)]
    figures = {"calls": 1200, "contacts": 300, "appointments": 24, "contact_rate": 0.25,
               "contact_to_appointment_rate": 0.08, "appointment_rate": 0.02, "worked_hours": 160.0,
               "appointments_per_hour": 0.15, "duration_s": 86400}
    days = [{**figures, "key": (today.replace(day=1) + timedelta(days=d)).isoformat(), "label": None} for d in range(28)]
    members = [{**figures, "key": str(uuid.uuid4()), "label": f"メンバー {m}"} for m in range(12)]
    project = {"id": PROJECT_ID, "client_id": str(uuid.uuid4()), "director_id": None, "name": "案件 00 新規開拓",
               "product": "勤怠管理クラウド", "status": "active", "timezone": "Asia/Tokyo", "monthly_appointment_target": 30,
               "contracted_monthly_hours": 160, "qualification_fields": ["budget", "authority", "need", "timeline"],
               "contract_start": "2026-04-01", "contract_end": "2027-03-31", "renewal_date": "2027-03-01",
               "slack_channel": "#pj-sample", "confluence_page_url": None, "spreadsheet_url": None, "version": 3}
    target = {"id": str(uuid.uuid4()), "company_name": "株式会社テスト", "phone": "0312345678", "industry": "製造業",
              "size": "50-100", "region": "東京都", "priority_tier": 1, "status": "new", "call_count": 2,
              "last_called_at": "2026-11-20T10:00:00+09:00", "callback_due_at": None, "contact_name": None, "note": None}
    answers = {
        ("GET", "/v1/portfolio"): {"director_id": MEMBER_ID, "thresholds": {"on_track": 1.0, "at_risk": 0.8},
                                   "counts": {}, "items": rows, "next_cursor": None},
        ("GET", "/v1/alerts"): {"items": [], "next_cursor": None},
        ("GET", f"/v1/projects/{PROJECT_ID}"): project,
        ("GET", f"/v1/projects/{PROJECT_ID}/kickoff-items"): {"items": [], "ready_for_active": True, "missing": []},
        ("GET", f"/v1/projects/{PROJECT_ID}/contract-changes"): {"items": [], "next_cursor": None},
        ("GET", f"/v1/projects/{PROJECT_ID}/assignments"): {"items": [
            {"member_id": m["key"], "member_name": m["label"], "planned_hours": 120} for m in members], "next_cursor": None},
        ("POST", f"/v1/projects/{PROJECT_ID}/next-target"): {"target": target, "lease_expires_at": None},
        ("POST", f"/v1/projects/{PROJECT_ID}/calls"): {"id": str(uuid.uuid4()), "outcome": "no_answer"},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/auth/token":  # the email's local part is the role: director@… or member@…
            role = json.loads(request.content)["email"].split("@")[0]
            return httpx.Response(200, json={"access_token": f"bench-{role}", "token_type": "bearer", "expires_in": 43200})
        if path == "/v1/auth/me":
            role = request.headers["authorization"].removeprefix("Bearer bench-")
            return httpx.Response(200, json={"id": MEMBER_ID, "email": f"{role}@example.jp", "name": "ベンチ",
                                             "role": role, "locale": "ja"})
        if path.endswith("/kpis"):
            group = request.url.params.get("group_by")
            body = {**figures, "previous": figures, "progress_rate": 0.4, "pace": 1.1, "projected_month_end": 33.2,
                    "list_exhaustion_date": "2026-12-18", "groups": days if group == "day" else members}
            return httpx.Response(200, json=body)
        answer = answers.get((request.method, path))
        if answer is None:
            return httpx.Response(404, json={"title": "Not Found", "status": 404})
        return httpx.Response(200, content=json.dumps(answer).encode(), headers={"content-type": "application/json"})

    return httpx.MockTransport(handler)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


async def timed(client: httpx.AsyncClient, method: str, url: str, repeat: int, **kwargs: object) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = await client.request(method, url, **kwargs)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:300]}"
    return samples


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> str:
    page = await client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = await client.post("/login", data={"email": email, "password": password, "csrf_token": csrf})
    assert response.status_code == 303, response.text[:300]
    home = await client.get(response.headers["location"])
    return re.search(r'name="csrf-token" content="([^"]+)"', home.text).group(1)  # type: ignore[union-attr]


async def measure(client: httpx.AsyncClient, project_id: str, member_client: httpx.AsyncClient,
                  member_csrf: str, repeat: int) -> dict[str, list[float]]:
    results = {
        "director home": await timed(client, "GET", "/home", repeat),
        "project page": await timed(client, "GET", f"/projects/{project_id}", repeat),
    }
    samples = []
    for _ in range(repeat):
        panel = await member_client.get(f"/calling/{project_id}")
        target = re.search(r'data-target-id="([^"]+)"', panel.text)
        if target is None:
            break
        start = time.perf_counter()
        response = await member_client.post(
            f"/calling/{project_id}/log", headers={"HX-Request": "true", "X-CSRF-Token": member_csrf},
            data={"target_id": target.group(1), "outcome": "no_answer", "attempt": uuid.uuid4().hex, "duration_s": "20"})
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text[:300]
    results["call log + next target"] = samples
    return results


async def in_memory(projects: int, repeat: int) -> dict[str, list[float]]:
    from asgi_lifespan import LifespanManager

    from anken_web.main import create_app
    from anken_web.settings import WebSettings

    app = create_app(WebSettings(log_json=False, log_level="WARNING"), api_transport=canned_api(projects))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://web.bench") as director, \
                httpx.AsyncClient(transport=transport, base_url="http://web.bench") as member:
            await log_in(director, "director@example.jp", "x")
            member_csrf = await log_in(member, "member@example.jp", "x")
            return await measure(director, PROJECT_ID, member, member_csrf, repeat)


async def live(url: str, repeat: int) -> dict[str, list[float]]:
    password = os.environ.get("ANKEN_DEMO_PASSWORD", "anken-demo")
    async with httpx.AsyncClient(base_url=url, timeout=30) as director, httpx.AsyncClient(base_url=url, timeout=30) as member:
        await log_in(director, "director@demo.anken.jp", password)
        member_csrf = await log_in(member, "member1@demo.anken.jp", password)
        home = await director.get("/home")
        project_id = re.search(r'data-project-id="([^"]+)"', home.text).group(1)  # type: ignore[union-attr]
        return await measure(director, project_id, member, member_csrf, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=30, help="projects in the director's portfolio (in-memory mode)")
    parser.add_argument("--repeat", type=int, default=100, help="requests per screen")
    parser.add_argument("--live", metavar="URL", help="a running anken-web instead of the in-memory APIs")
    args = parser.parse_args()
    results = asyncio.run(live(args.live, args.repeat) if args.live else in_memory(args.projects, args.repeat))
    mode = f"live {args.live}" if args.live else f"in-memory APIs, {args.projects} projects"
    print(f"anken-web render ({mode}, {args.repeat} requests each)")
    for name, samples in results.items():
        if samples:
            print(f"  {name:<24} p50 {statistics.median(samples):7.1f} ms   p95 {p95(samples):7.1f} ms")


if __name__ == "__main__":
    main()
