"""Every route of the three APIs, called by every outsider with client A's ids, never answers 2xx across the
tenant line; list routes answer without any of A's ids in them. A client user of A gets 2xx only from the
routes of the one allow-list (anken_common.access.CLIENT_USER_ROUTES), and none of B's ids from those.

The routes come from each service's own OpenAPI document, so a route added later is swept too. Path
parameters are filled from A's resources by name; a route whose parameters cannot be filled fails the test
(extend `FILL`). Admin calls every readable route too, as the control that A's ids are right.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from anken_common import access
from harness.processes import Stack
from security.sweep_support import SweepWorld, build_world

APIS = ("projects", "reporting", "worker")
# Routes outside the bearer-token model: their own checks are tested elsewhere.
UNAUTHENTICATED = {"/healthz", "/readyz", "/metrics", "/v1/auth/token", "/slack/commands", "/slack/interactions",
                   # the caller's own session: sweeping them would end the outsiders' sessions mid-sweep
                   "/v1/auth/logout", "/v1/auth/password",
                   # public: the invitation link's own token decides (tests/projects_registry/test_client_invitations)
                   "/v1/invitations/accept",
                   # public: the shared report link's own token decides (tests/reporting_reports/test_report_links)
                   "/v1/report-links/resolve/{token}",
                   *(f"/v1/report-links/resolve/{{token}}/download.{kind}" for kind in ("pptx", "xlsx", "csv", "html"))}
# Staff records are the agency's own, not a tenant's; a user may read the staff directory.
STAFF_DIRECTORY = ("/v1/users", "/v1/auth/me", "/v1/pipelines")
TODAY = date.today()
QUERY_DEFAULTS = {
    "from": (TODAY - timedelta(days=40)).isoformat(), "to": (TODAY + timedelta(days=1)).isoformat(),
    "period": f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}", "integration": "slack",
}
# path parameter -> key of A's resource in SweepWorld.ids (or a literal)
FILL = {
    "project_id": "project_id", "client_id": "client_id", "call_id": "call_id", "user_id": "director_id",
    "assignment_id": "assignment_id", "member_id": "member_id", "script_id": "script_id", "list_id": "list_id",
    "target_id": "target_id", "import_id": "import_id", "appointment_id": "appointment_id", "deal_id": "deal_id",
    "pipeline_id": "pipeline_id", "quota_id": "quota_id", "key_id": "key_id", "entry_id": "entry_id",
    "endpoint_id": "endpoint_id", "settings_id": "settings_id", "owner_id": "director_id",
    "invitation_id": "invitation_id",
}
LITERALS = {"iso_week": TODAY.strftime("%G-W%V"), "day": TODAY.isoformat(), "version": "1", "key": "budget",
            "kind": "csv"}
# Ids that exist only in the running worker/reporting (jobs, deliveries, alerts): an unknown id still sweeps the
# authorisation path, which must not answer 2xx.
UNKNOWN = "00000000-0000-4000-8000-000000000000"
UNKNOWN_ALLOWED = {"delivery_id", "alert_id", "job_id", "link_id"}


@pytest.fixture(scope="module")
def world(infra, service_env) -> Iterator[SweepWorld]:
    # Its own processes (same database and namespace), so no other test's settings decide how they run.
    stack = Stack(infra, dict(service_env))
    extra = {"OUTBOUND_ALLOW_HOSTS": f"127.0.0.1:{stack.ports['sandbox']}", "ANKEN_SANDBOX": "1",
             "USER_STATUS_CHECK": "1"}  # the users are real: revocation is checked as in production
    try:
        stack.start("sandbox", extra_env=extra)
        for name in APIS:
            stack.start(name, extra_env=extra)
        urls = {name: stack.url(name) for name in (*APIS, "sandbox")}
        built = build_world(urls, service_env["DATABASE_URL"], service_env["ANKEN_SECRET_KEY"])
        _wait_for_reporting(built)
        yield built
    finally:
        stack.stop_all()


def _wait_for_reporting(world: SweepWorld) -> None:
    assert world.admin is not None
    deadline = time.monotonic() + 30
    url = f"{world.urls['reporting']}/v1/projects/{world.ids['project_id']}/kpis"
    while time.monotonic() < deadline:
        response = httpx.get(url, params={"from": QUERY_DEFAULTS["from"], "to": QUERY_DEFAULTS["to"]},
                             headers=world.admin.headers)
        if response.status_code == 200:
            return
        time.sleep(0.3)
    raise AssertionError(f"reporting-api never learned of project A: {response.status_code} {response.text[:200]}")


def _operations(url: str) -> list[tuple[str, str, dict]]:
    spec = httpx.get(f"{url}/openapi.json", timeout=10).json()
    found = []
    for path, methods in spec["paths"].items():
        if path in UNAUTHENTICATED:
            continue
        for method, operation in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((method.upper(), path, operation))
    return found


def _names_a_resource(path: str) -> bool:
    """Whether the path carries an id (A's, or an unknown one), not only literals such as a file kind."""
    names = [part[1:-1] for part in path.replace(".", "/").split("/") if part.startswith("{") and part.endswith("}")]
    return any(name not in LITERALS for name in names)


def _fill_path(path: str, world: SweepWorld) -> str | None:
    filled = path
    while "{" in filled:
        start = filled.index("{")
        name = filled[start + 1 : filled.index("}", start)]
        if name in FILL:
            value = world.ids.get(FILL[name])
        elif name in LITERALS:
            value = LITERALS[name]
        elif name in UNKNOWN_ALLOWED:
            value = UNKNOWN
        else:
            return None
        if not value:
            return None
        filled = filled.replace("{" + name + "}", value, 1)
    return filled


def _query(operation: dict, world: SweepWorld) -> dict[str, str]:
    params: dict[str, str] = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        name = parameter["name"]
        if name in FILL and world.ids.get(FILL[name]):
            params[name] = world.ids[FILL[name]]
        elif name == "director_id":
            params[name] = world.ids["director_id"]
        elif parameter.get("required") and name in QUERY_DEFAULTS:
            params[name] = QUERY_DEFAULTS[name]
    return params


def _body(operation: dict, world: SweepWorld) -> dict:
    """The documented example of the request body, with every id that names a tenant's resource set to A's."""
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    examples = schema.get("examples") or []
    body = dict(examples[0]) if examples and isinstance(examples[0], dict) else {}
    for name in [*list(body), "client_id", "project_id", "owner_id"]:
        if name in FILL and world.ids.get(FILL[name]):
            body[name] = world.ids[FILL[name]]
    return body


def _leaks(world: SweepWorld, response: httpx.Response) -> list[str]:
    text = response.text
    return sorted(key for key, value in world.ids.items() if not key.startswith("b_") and value in text
                  and key not in ("director_id", "member_id"))


def test_no_outsider_reaches_client_a(world: SweepWorld) -> None:
    crossings: list[str] = []
    unfilled: list[str] = []
    swept = 0
    for api in APIS:
        base = world.urls[api]
        for method, path, operation in _operations(base):
            url_path = _fill_path(path, world)
            if url_path is None:
                unfilled.append(f"{api} {method} {path}")
                continue
            aimed = _names_a_resource(path) or method != "GET"
            for caller in world.outsiders:
                if caller.name.startswith(("director", "member")) and path.startswith(STAFF_DIRECTORY):
                    continue
                if caller.name.startswith("client user") and path == "/v1/auth/me":  # their own profile
                    continue
                kwargs: dict = {"headers": caller.headers, "params": _query(operation, world), "timeout": 30}
                if method in ("POST", "PUT", "PATCH"):
                    kwargs["json"] = _body(operation, world)
                response = httpx.request(method, base + url_path, **kwargs)
                swept += 1
                assert response.status_code < 500, f"{caller.name} {method} {url_path}: {response.status_code}"
                if not response.is_success:
                    continue
                partner_or_dead = caller.name.startswith(("revoked", "expired"))
                leaked = _leaks(world, response)
                if partner_or_dead or (aimed and method != "GET") or _names_a_resource(path) or leaked:
                    crossings.append(f"{caller.name}: {api} {method} {url_path} → {response.status_code} "
                                     f"(shows {', '.join(leaked) or 'a 2xx'})")
    # The outsiders were live all along (a sweep of dead sessions would prove nothing).
    for caller in world.outsiders[:3]:
        alive = httpx.get(f"{world.urls['projects']}/v1/projects", headers=caller.headers, timeout=30)
        assert alive.status_code == 200, f"{caller.name}'s credentials stopped working during the sweep"
    assert not unfilled, "routes the sweep cannot fill (add their parameters to FILL):\n" + "\n".join(unfilled)
    assert swept > 300, f"the sweep made only {swept} calls"
    assert not crossings, "tenant crossings:\n" + "\n".join(crossings)


def test_a_client_user_reaches_only_the_allow_listed_routes(world: SweepWorld) -> None:
    """A client user of A calls every route of every service with A's ids: a 2xx from a route not on the
    allow-list fails, as does any of B's ids in an allowed answer. The allowed reads do answer (the control)."""
    caller = world.client_user_a
    assert caller is not None
    b_ids = {key: value for key, value in world.ids.items() if key.startswith("b_")}
    unlisted: list[str] = []
    leaks: list[str] = []
    allowed_answers = 0
    for api in APIS:
        base = world.urls[api]
        for method, path, operation in _operations(base):
            url_path = _fill_path(path, world)
            assert url_path is not None, f"{api} {method} {path}: add its parameters to FILL"
            kwargs: dict = {"headers": caller.headers, "params": _query(operation, world), "timeout": 30}
            if method in ("POST", "PUT", "PATCH"):
                kwargs["json"] = _body(operation, world)
            response = httpx.request(method, base + url_path, **kwargs)
            assert response.status_code < 500, f"{method} {url_path}: {response.status_code}"
            if not response.is_success:
                continue
            if not access.client_user_may_call(api, method, path):
                unlisted.append(f"{api} {method} {url_path} → {response.status_code}")
                continue
            allowed_answers += 1
            leaks += [f"{api} {method} {url_path} shows {key}" for key, value in b_ids.items() if value in response.text]
    assert not unlisted, "routes answering a client user 2xx that are not on access.CLIENT_USER_ROUTES:\n" + \
        "\n".join(unlisted)
    assert not leaks, "\n".join(leaks)
    project = httpx.get(f"{world.urls['projects']}/v1/projects/{world.ids['project_id']}", headers=caller.headers,
                        timeout=30)
    assert project.status_code == 200, project.text
    assert allowed_answers >= 3, f"only {allowed_answers} allow-listed routes answered the client user"


def test_admin_reads_what_the_sweep_aims_at(world: SweepWorld) -> None:
    """The control: with A's ids, admin gets 2xx from the read routes, so a 404 to an outsider means refusal."""
    assert world.admin is not None
    answered = refused = 0
    refusals: list[str] = []
    for api in APIS:
        base = world.urls[api]
        for method, path, operation in _operations(base):
            if method != "GET" or "{" not in path or path.endswith((".pptx", ".xlsx", ".csv", ".html")):
                continue
            url_path = _fill_path(path, world)
            if url_path is None or UNKNOWN in url_path:
                continue
            response = httpx.get(base + url_path, params=_query(operation, world), headers=world.admin.headers,
                                 timeout=30)
            if response.is_success:
                answered += 1
            else:
                refused += 1
                refusals.append(f"{api} GET {url_path} → {response.status_code} {response.text[:120]}")
    assert answered >= 25 and refused <= 3, f"admin answered {answered}; refused:\n" + "\n".join(refusals)
