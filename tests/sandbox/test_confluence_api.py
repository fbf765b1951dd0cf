"""Confluence Cloud REST v2 emulation: pages, titles, parents, versions and Confluence's error envelope."""

from __future__ import annotations

import base64

import httpx

API = "/confluence/wiki/api/v2"
BASIC = {"Authorization": "Basic " + base64.b64encode(b"bot@anken.jp:api-token").decode()}


async def _space(client: httpx.AsyncClient) -> dict:
    spaces = (await client.get(f"{API}/spaces", params={"keys": "ANKEN"}, headers=BASIC)).json()["results"]
    assert len(spaces) == 1
    return spaces[0]


async def _create(client: httpx.AsyncClient, space_id: str, title: str, parent_id: str | None = None,
                  value: str = "<p>本文</p>") -> httpx.Response:
    body = {"spaceId": space_id, "status": "current", "title": title,
            "body": {"representation": "storage", "value": value}}
    if parent_id:
        body["parentId"] = parent_id
    return await client.post(f"{API}/pages", json=body, headers=BASIC)


async def test_missing_credentials_are_401_in_confluence_envelope(sandbox: httpx.AsyncClient) -> None:
    response = await sandbox.get(f"{API}/spaces")
    assert response.status_code == 401
    assert response.json()["errors"][0]["status"] == 401
    bearer = await sandbox.get(f"{API}/spaces", headers={"Authorization": "Bearer oauth-token"})
    assert bearer.status_code == 200
    bad_basic = await sandbox.get(f"{API}/spaces", headers={"Authorization": "Basic bm9jb2xvbg=="})
    assert bad_basic.status_code == 401


async def test_page_tree_create_read_children_and_lookup_by_title(sandbox: httpx.AsyncClient) -> None:
    space = await _space(sandbox)
    overview = await _create(sandbox, space["id"], "A社 案件概要")
    assert overview.status_code == 200
    overview_page = overview.json()
    assert overview_page["version"]["number"] == 1 and overview_page["parentId"] == space["homepageId"]
    for title in ("キックオフ", "トークスクリプト", "ナレッジ/FAQ"):
        assert (await _create(sandbox, space["id"], title, overview_page["id"])).status_code == 200
    children = (await sandbox.get(f"{API}/pages/{overview_page['id']}/children", headers=BASIC)).json()["results"]
    assert [c["title"] for c in children] == ["キックオフ", "トークスクリプト", "ナレッジ/FAQ"]
    found = (await sandbox.get(f"{API}/pages", params={"title": "キックオフ", "space-id": space["id"]},
                               headers=BASIC)).json()["results"]
    assert len(found) == 1 and found[0]["parentId"] == overview_page["id"]
    read = (await sandbox.get(f"{API}/pages/{overview_page['id']}", params={"body-format": "storage"},
                              headers=BASIC)).json()
    assert read["body"]["storage"] == {"representation": "storage", "value": "<p>本文</p>"}
    assert (await sandbox.get(f"{API}/pages/{overview_page['id']}", headers=BASIC)).json()["body"] == {}


async def test_duplicate_title_in_space_is_400_with_confluence_envelope(sandbox: httpx.AsyncClient) -> None:
    space = await _space(sandbox)
    assert (await _create(sandbox, space["id"], "週次レポート")).status_code == 200
    duplicate = await _create(sandbox, space["id"], "週次レポート")
    assert duplicate.status_code == 400
    error = duplicate.json()["errors"][0]
    assert error["status"] == 400 and error["code"] == "BAD_REQUEST"
    assert error["title"].startswith("A page with this title already exists")


async def test_missing_parent_is_404(sandbox: httpx.AsyncClient) -> None:
    space = await _space(sandbox)
    response = await _create(sandbox, space["id"], "孤児", parent_id="999999")
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "NOT_FOUND"


async def test_update_needs_next_version_and_stale_is_409(sandbox: httpx.AsyncClient) -> None:
    space = await _space(sandbox)
    page = (await _create(sandbox, space["id"], "スクリプト")).json()

    def update(number: int, value: str) -> dict:
        return {"id": page["id"], "status": "current", "title": "スクリプト",
                "body": {"representation": "storage", "value": value}, "version": {"number": number}}

    ok = await sandbox.put(f"{API}/pages/{page['id']}", json=update(2, "<p>v2</p>"), headers=BASIC)
    assert ok.status_code == 200 and ok.json()["version"]["number"] == 2
    stale = await sandbox.put(f"{API}/pages/{page['id']}", json=update(2, "<p>stale</p>"), headers=BASIC)
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["code"] == "CONFLICT"
    assert "Current version is: 2" in stale.json()["errors"][0]["title"]
    current = (await sandbox.get(f"{API}/pages/{page['id']}?body-format=storage", headers=BASIC)).json()
    assert current["body"]["storage"]["value"] == "<p>v2</p>"
    not_json = await sandbox.put(f"{API}/pages/{page['id']}", content=b"[1]", headers=BASIC)
    assert not_json.status_code == 400


async def test_delete_trashes_the_page(sandbox: httpx.AsyncClient) -> None:
    space = await _space(sandbox)
    page = (await _create(sandbox, space["id"], "消すページ")).json()
    assert (await sandbox.delete(f"{API}/pages/{page['id']}", headers=BASIC)).status_code == 204
    assert (await sandbox.get(f"{API}/pages/{page['id']}", headers=BASIC)).status_code == 404
    assert (await sandbox.delete(f"{API}/pages/{page['id']}", headers=BASIC)).status_code == 404
    # The title is free again, and the viewer still shows the trashed page.
    assert (await _create(sandbox, space["id"], "消すページ")).status_code == 200
    viewed = (await sandbox.get("/_sandbox/confluence/pages")).json()["items"]
    assert sorted(p["status"] for p in viewed if p["title"] == "消すページ") == ["current", "trashed"]


async def test_page_lists_paginate_with_links_next(sandbox: httpx.AsyncClient) -> None:
    space = await _space(sandbox)
    for i in range(3):
        await _create(sandbox, space["id"], f"page {i}")
    first = await sandbox.get(f"{API}/pages", params={"space-id": space["id"], "limit": 2}, headers=BASIC)
    body = first.json()
    assert len(body["results"]) == 2 and body["_links"]["next"].startswith("/wiki/api/v2/pages?")
    cursor = body["_links"]["next"].split("cursor=")[1].split("&")[0]
    rest = (await sandbox.get(f"{API}/pages", params={"space-id": space["id"], "limit": 2, "cursor": cursor},
                              headers=BASIC)).json()
    assert len(rest["results"]) == 2 and "next" not in rest["_links"]  # 3 pages + the space home
