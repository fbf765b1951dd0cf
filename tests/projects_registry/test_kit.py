"""The shared kit: cursors round-trip, bad cursors are 422, If-Match is honoured."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from starlette.requests import Request

from anken_common.problems import ProblemError
from anken_projects.kit.etag import check_if_match, etag_for
from anken_projects.kit.pagination import decode_cursor, encode_cursor


def test_cursor_round_trips_typed_values() -> None:
    values = [datetime(2026, 11, 23, 9, 30, tzinfo=UTC), uuid.uuid4(), 7, "名前"]
    assert decode_cursor(encode_cursor(values), 4) == values


@pytest.mark.parametrize("cursor", ["not-base64!!", encode_cursor([1]), "eyJ4Ijox"])
def test_foreign_cursor_is_422_naming_cursor(cursor: str) -> None:
    with pytest.raises(ProblemError) as caught:
        decode_cursor(cursor, 2)
    assert caught.value.status == 422
    assert caught.value.extra["errors"][0]["field"] == "cursor"


def _request(if_match: str | None) -> Request:
    headers = [(b"if-match", if_match.encode())] if if_match is not None else []
    return Request({"type": "http", "method": "PATCH", "path": "/", "headers": headers})


def test_if_match_accepts_current_rejects_stale() -> None:
    check_if_match(_request(None), 3)
    check_if_match(_request(etag_for(3)), 3)
    check_if_match(_request('"3"'), 3)
    check_if_match(_request("*"), 3)
    with pytest.raises(ProblemError) as caught:
        check_if_match(_request(etag_for(2)), 3)
    assert caught.value.status == 412
    assert caught.value.extra["current_etag"] == etag_for(3)


async def test_cursor_of_another_list_is_422_not_500(app_client, admin) -> None:
    from projects_registry.helpers import create_client

    await create_client(app_client, admin)
    await create_client(app_client, admin)
    first = (await app_client.get("/v1/clients", params={"limit": 1}, headers=admin.headers)).json()
    assert first["next_cursor"]
    # A cursor whose values have the wrong types for this list's sort key.
    wrong = encode_cursor(["not-a-time", 5])
    response = await app_client.get("/v1/clients", params={"cursor": wrong}, headers=admin.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "cursor"


async def test_nul_characters_are_422_not_500(app_client, admin) -> None:
    body = await app_client.post("/v1/clients", json={"name": "a\x00b"}, headers=admin.headers)
    assert body.status_code == 422 and body.json()["errors"][0]["field"] == "name"
    query = await app_client.get("/v1/clients", params={"q": "a\x00"}, headers=admin.headers)
    assert query.status_code == 422 and query.json()["errors"][0]["field"] == "q"
