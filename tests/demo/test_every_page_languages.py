"""Acceptance (issue 15, languages): every GET page of the web app, for every role that may see it,
in Japanese and in English, over the demo month `make run` loads, shows no raw value: no snake_case
token, no UUID, no code of the vocabulary (`open`, `kickoff`, …) and, in Japanese, no English msgid of
the catalog left untranslated.

The pages are enumerated from the web app's own routers, so a new GET page is covered as soon as it
exists: its path parameters must be fillable from the demo data (PATH_VALUES), else this test fails and
says which route to teach it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import httpx
import pytest
from babel.messages.pofile import read_po
from demo_run import DemoRun, login, sandbox_items, wait_for
from fastapi.routing import APIRoute

from anken_web.i18n.catalogs import CATALOG_DIR
from anken_web.pages import discover_page_routers
from anken_web.vocabulary import FIELDS, VALUES

PASSWORD = "anken-demo"
EMAILS = {"admin": "admin@demo.anken.jp", "director": "director@demo.anken.jp",
          "manager": "manager@demo.anken.jp", "member": "member1@demo.anken.jp", "client": "client@demo.anken.jp"}
LOCALES = ("ja", "en")
LINKED_WITHIN_S = 180

SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
# A text node is cut into the pieces a template joins values with: "¥1 · 50% · best_case" → three. In
# English a code is also a word ("New contract end (renewal)"), so only value separators cut there.
SEGMENTS = {"ja": re.compile(r"\s*(?:[·|:,/()（）→「」、]|\s-\s|\n)\s*"),
            "en": re.compile(r"\s*(?:[·|:/→]|\s-\s|\n)\s*")}
# Elements whose content no one reads as text, a form's current values (what was typed, as an input's
# value attribute), and elements that show machine data verbatim by design (<pre>, <code> and
# data-verbatim: the sandbox viewer's payloads and cells, an API key's prefix, keys a form expects typed).
NOT_TEXT = {"script", "style", "template", "noscript", "textarea", "pre", "code"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text nodes of a page, outside script, style, form values and verbatim data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append((tag, tag in NOT_TEXT or any(name == "data-verbatim" for name, _ in attrs)))

    def handle_endtag(self, tag: str) -> None:
        if any(open_tag == tag for open_tag, _ in self.stack):
            # Close `tag` and whatever the page left open inside it.
            while self.stack:
                if self.stack.pop()[0] == tag:
                    break

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._skipping():
            self.pieces.append(data.strip())

    def _skipping(self) -> bool:
        return any(verbatim for _, verbatim in self.stack)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.pieces


# Codes the APIs send, which a page shows only through their labels (vocabulary.py).
CODES = {code for code, label in (*VALUES.items(), *FIELDS.items()) if label != code}


def english_msgids_translated_in_japanese() -> set[str]:
    """Catalog msgids that read as English words (not codes, not placeholders) and have another ja text."""
    with (CATALOG_DIR / "ja/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="ja")
    return {m.id for m in catalog if isinstance(m.id, str) and m.id and m.string and m.string != m.id
            and re.search(r"[A-Za-z]{2}", m.id) and "%(" not in m.id and m.id not in CODES}


ENGLISH_MSGIDS = english_msgids_translated_in_japanese()


def raw_tokens(pieces: list[str], locale: str) -> list[str]:
    """What on a page is a raw value rather than a word of its language."""
    found: list[str] = []
    for piece in pieces:
        found += [f"snake_case {m!r} in {piece[:80]!r}" for m in SNAKE_CASE.findall(piece)]
        found += [f"id {m!r} in {piece[:80]!r}" for m in UUID.findall(piece)]
        for segment in filter(None, SEGMENTS[locale].split(piece)):
            if segment in CODES:
                found.append(f"code {segment!r} in {piece[:80]!r}")
            elif locale == "ja" and segment in ENGLISH_MSGIDS:
                found.append(f"English {segment!r} in {piece[:80]!r}")
    return found


@dataclass
class Visitor:
    """One role (or nobody) in one language: a web session started in that language, then logged in."""

    run: DemoRun
    role: str | None
    locale: str
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.run.url("web"), timeout=60, follow_redirects=False)
        token = self.csrf(self.client.get("/login").text)
        # The language is chosen before logging in: the session keeps it, the demo users' own setting stays.
        assert self.client.post("/language", data={"locale": self.locale, "back": "/login", "csrf_token": token}
                                ).status_code == 303
        if self.role is not None:
            answer = self.client.post("/login", data={"email": EMAILS[self.role], "password": PASSWORD,
                                                      "csrf_token": token})
            assert answer.status_code == 303, answer.text[:500]

    @staticmethod
    def csrf(html: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert found, "the login page carries a CSRF token"
        return found.group(1)

    def open(self, url: str) -> tuple[int, str, str]:
        """The page at `url` (a redirect followed; a fragment that redirects plain requests is also
        fetched as htmx fetches it): status, content type and body."""
        answer = self.client.get(url)
        if answer.is_redirect:
            fragment = self.client.get(url, headers={"HX-Request": "true"})
            if fragment.status_code == 200:
                answer = fragment
            else:
                answer = self.client.get(answer.headers["location"], follow_redirects=True)
        return answer.status_code, answer.headers.get("content-type", ""), answer.text


def page_routes() -> list[str]:
    """Every GET path of the web app's page routers."""
    return sorted({route.path for router in discover_page_routers() for route in router.routes
                   if isinstance(route, APIRoute) and "GET" in route.methods})


def last_iso_week() -> str:
    year, week, _ = (datetime.now(ZoneInfo("Asia/Tokyo")).date() - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


class DemoData:
    """Values of path and query parameters, read from the demo month as each role sees it."""

    def __init__(self, run: DemoRun) -> None:
        self.run = run
        self.headers = {role: login(run, email) for role, email in EMAILS.items()}
        self.cache: dict[tuple, list[dict]] = {}
        self.sandbox: dict[str, list[str]] = {}

    def items(self, as_role: str, path: str, **params: object) -> list[dict]:
        key = (as_role, path, tuple(sorted(params.items())))
        if key not in self.cache:
            answer = httpx.get(f"{self.run.url('projects')}{path}", headers=self.headers[as_role],
                               params={"limit": 100, **params}, timeout=30)
            self.cache[key] = answer.json().get("items", []) if answer.status_code == 200 else []
        return self.cache[key]

    def project(self, role: str) -> str | None:
        projects = self.items(role, "/v1/projects") or self.items("admin", "/v1/projects")
        active = [p for p in projects if p["status"] == "active"] or projects
        return active[0]["id"] if active else None

    def deal(self, role: str) -> str | None:
        deals = self.items(role, "/v1/deals") or self.items("admin", "/v1/deals")
        return deals[0]["id"] if deals else None

    def target_list(self, role: str) -> str | None:
        project = self.project(role)
        lists = self.items("admin", f"/v1/projects/{project}/target-lists") if project else []
        return lists[0]["id"] if lists else None

    def target_import(self, role: str) -> str | None:
        found = self.target_list(role)
        imports = self.items("admin", f"/v1/target-lists/{found}/imports") if found else []
        return imports[0]["id"] if imports else None

    def sandbox_item(self, what: str, key: str = "id") -> str | None:
        """A page or spreadsheet the worker made in the integration sandbox."""
        if what not in self.sandbox:
            self.sandbox[what] = [item[key] for item in sandbox_items(self.run, what)]
        return self.sandbox[what][0] if self.sandbox[what] else None

    def shared_link(self, role: str) -> str | None:
        """The token of a shared weekly report link (web /r/<token>, no login): last week's report of the
        director's project, published (again: an unchanged report keeps its version) and shared here."""
        if "shared_link" not in self.sandbox:
            project, week = self.project("director"), last_iso_week()
            base = f"{self.run.url('reporting')}/v1/projects/{project}/weekly-reports/{week}"
            httpx.post(base + "/publish", headers=self.headers["director"], timeout=60)
            answer = httpx.post(base + "/links", headers=self.headers["director"], timeout=30)
            self.sandbox["shared_link"] = [answer.json()["token"]] if answer.status_code == 201 else []
        return self.sandbox["shared_link"][0] if self.sandbox["shared_link"] else None

    def director2(self) -> str:
        users = self.items("admin", "/v1/users", role="director")
        return next(u["id"] for u in users if u["email"] == "director2@demo.anken.jp")


# How each path parameter is filled from the demo data (per role). A route with another parameter fails
# the enumeration below: add its value here (or, for one route only, in ROUTE_VALUES).
PATH_VALUES: dict[str, Callable[[DemoData, str], str | None]] = {
    "project_id": DemoData.project,
    "deal_id": DemoData.deal,
    "list_id": DemoData.target_list,
    "import_id": DemoData.target_import,
    "page_id": lambda data, role: data.sandbox_item("confluence/pages"),
    "spreadsheet_id": lambda data, role: data.sandbox_item("sheets/spreadsheets", "spreadsheet_id"),
    "week": lambda data, role: last_iso_week(),
    # A client whose webhooks the role manages (a client of the role's projects).
    "client_id": lambda data, role: next(iter(p["client_id"] for p in data.items(role, "/v1/projects")
                                              or data.items("admin", "/v1/projects")), None),
    "token": DemoData.shared_link,
    # The weekly report's print view; the other downloads (PPTX, XLSX, CSV) are files, not pages.
    "kind": lambda data, role: "html",
}
ROUTE_VALUES: dict[str, dict[str, str]] = {
    "/targets/import-example.{kind}": {"kind": "csv"},
}

# More states of some pages than their bare address shows (another feed, another week, a version).
QUERY_VARIANTS: dict[str, Callable[[DemoData], list[dict[str, str]]]] = {
    "/admin/sandbox": lambda data: [{"feed": f} for f in ("slack", "confluence", "sheets", "webhooks")],
    "/admin/deliveries": lambda data: [{}, {"status": "dead"}],
    "/home": lambda data: [{}, {"director_id": data.director2()}],
    "/projects/{project_id}/reports": lambda data: [{}, {"week": last_iso_week()},
                                                    {"week": last_iso_week(), "version": "1"}],
    "/projects/{project_id}/reports/{week}/download.{kind}": lambda data: [{}, {"version": "1"}],
}


def addresses(route: str, data: DemoData, role: str | None) -> Iterator[str]:
    names = re.findall(r"{(\w+)}", route)
    values = {}
    for name in names:
        value = ROUTE_VALUES.get(route, {}).get(name) or PATH_VALUES[name](data, role or "admin")
        if value is None:
            return
        values[name] = value
    path = route.format(**values)
    for query in QUERY_VARIANTS.get(route, lambda _: [{}])(data):
        yield path + ("?" + str(httpx.QueryParams(query)) if query else "")


def test_every_get_page_route_can_be_filled_from_the_demo_data() -> None:
    routes = page_routes()
    assert "/projects/{project_id}" in routes and "/login" in routes, routes
    unfillable = {route: name for route in routes for name in re.findall(r"{(\w+)}", route)
                  if name not in PATH_VALUES and name not in ROUTE_VALUES.get(route, {})}
    assert unfillable == {}, f"new GET page routes: teach PATH_VALUES how to fill {unfillable}"


def test_a_raw_value_on_a_page_is_found() -> None:
    """The checks themselves: each kind of raw value is caught, words of the language are not."""
    html = ('<h1>順調</h1><script>var on_track = 1;</script><input type="hidden" value="at_risk">'
            '<p>¥1 · 50% · best_case</p><td>open</td><td>pipeline_id</td><textarea>good_reactions</textarea>'
            '<pre>{"channel_id": 1}</pre><table data-verbatim><tr><td>target_id</td></tr></table><p>d0a4c1f2-1234-4abc-9def-0123456789ab</p><label>Forecast</label>')
    problems = raw_tokens(visible_text(html), "ja")
    assert any("best_case" in p for p in problems)
    assert any("'open'" in p for p in problems)
    assert any("pipeline_id" in p for p in problems)
    assert any(p.startswith("id ") for p in problems)
    assert any("English 'Forecast'" in p for p in problems)
    assert not any(word in p for p in problems for word in ("on_track", "at_risk", "channel_id", "target_id",
                                                            "good_reactions"))
    assert raw_tokens(visible_text("<p>Forecast · On track</p>"), "en") == []


@pytest.fixture(scope="module")
def demo_data(demo: DemoRun) -> DemoData:
    data = DemoData(demo)

    def linked() -> bool:
        active = [p for p in data.items("admin", "/v1/projects") if p["status"] == "active"]
        return bool(active) and all(p.get("slack_channel") and p.get("spreadsheet_url") for p in active)

    # The pages show the worker's links (channels, page trees, sheets) once it has made them.
    wait_for(linked, LINKED_WITHIN_S, "the worker's kickoff of every active project", demo)
    return data


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_in_every_role_shows_words_not_raw_values(demo: DemoRun, demo_data: DemoData, locale: str) -> None:
    routes = page_routes()
    problems: dict[str, list[str]] = {}
    shown: dict[str, list[str]] = {route: [] for route in routes}
    for role in (None, *EMAILS):
        visitor = Visitor(demo, role, locale)
        try:
            for route in routes:
                for url in addresses(route, demo_data, role):
                    status, content_type, html = visitor.open(url)
                    assert status < 500, f"{role} {url}: HTTP {status}"
                    if status == 200:
                        shown[route].append(f"{role} {url}")
                    if not content_type.startswith("text/html"):
                        continue
                    found = raw_tokens(visible_text(html), locale)
                    if found:
                        problems[f"{role or 'anonymous'} {url} ({status})"] = sorted(set(found))
        finally:
            visitor.client.close()
    never_shown = [route for route, seen in shown.items() if not seen]
    assert never_shown == [], f"pages no demo role could open: {never_shown}"
    report = "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())
    assert problems == {}, f"raw values on {len(problems)} pages ({locale}):\n{report}"
