"""Tokens carry an audience per use and are signed with a key per purpose, derived from
ANKEN_SECRET_KEY with HKDF; the web front end holds only its cookie key.

Before the fix every token and the web's session cookie were signed with ANKEN_SECRET_KEY itself,
so a compromised web process (which needed that secret) could mint a service token that every API
accepted, and nothing told a user token from a service token but a claim.
"""

from __future__ import annotations

import base64
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anken_common.auth_tokens import (
    InvalidToken,
    KeyPurpose,
    TokenKind,
    derive_key,
    issue_service_token,
    issue_user_token,
    verify_token,
)
from anken_web.session import SessionCodec
from anken_web.settings import WebSettings

from .sessions_support import Services, sessions_world_fixture  # noqa: F401 (fixture)

MASTER = "test-secret-key-0123456789abcdef"


def forged(key: str | bytes, aud: str, **claims) -> str:
    now = int(time.time())
    payload = {"iss": "anken", "aud": aud, "kind": aud, "sub": "integrations-worker", "iat": now, "exp": now + 300,
               **claims}
    return jwt.encode(payload, key, algorithm="HS256")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_keys_are_hkdf_sha256_of_the_master_and_differ_per_purpose() -> None:
    expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"anken-key-derivation-v1",
                    info=b"anken:user-token").derive(MASTER.encode())
    assert derive_key(MASTER, "user-token") == base64.urlsafe_b64encode(expected).decode()
    keys = {derive_key(MASTER, purpose.value) for purpose in KeyPurpose} | {MASTER}
    assert len(keys) == len(KeyPurpose) + 1


def test_a_token_is_only_valid_for_its_own_audience() -> None:
    user = issue_user_token(MASTER, str(uuid.uuid4()), "admin")
    service = issue_service_token(MASTER, "reporting-api")
    assert verify_token(MASTER, user, (TokenKind.user,)).kind == TokenKind.user
    assert verify_token(MASTER, service, (TokenKind.service,)).kind == TokenKind.service
    with pytest.raises(InvalidToken):
        verify_token(MASTER, user, (TokenKind.service,))
    with pytest.raises(InvalidToken):
        verify_token(MASTER, service, (TokenKind.user,))
    # A service audience signed with the user key (or the other way round) is no token at all.
    with pytest.raises(InvalidToken):
        verify_token(MASTER, forged(derive_key(MASTER, "user-token"), "service"))
    with pytest.raises(InvalidToken):
        verify_token(MASTER, forged(derive_key(MASTER, "service-token"), "user", sub=str(uuid.uuid4()), role="admin"))


def test_the_web_runs_in_production_without_the_master_secret_and_its_cookie_key_signs_no_token() -> None:
    cookie_key = derive_key(MASTER, KeyPurpose.web_cookie.value)
    settings = WebSettings(anken_env="production", web_session_key=cookie_key, redis_url="redis://:pw@redis:6379/0")
    assert settings.cookie_key == cookie_key and cookie_key not in {MASTER, derive_key(MASTER, "service-token")}
    codec = SessionCodec(settings)
    assert codec.serializer.loads(codec.serializer.dumps({"a": 1})) == {"a": 1}
    # What a compromised web process could sign: refused as a token of either audience.
    for aud in ("service", "user"):
        with pytest.raises(InvalidToken):
            verify_token(MASTER, forged(cookie_key, aud, sub=str(uuid.uuid4()), role="admin"))


async def test_the_apis_refuse_tokens_signed_with_the_cookie_key_the_master_or_the_wrong_audience(
    sessions_world: Services,
) -> None:
    world = sessions_world
    user_id, _, headers = await world.user("admin")
    cookie_key = derive_key(MASTER, KeyPurpose.web_cookie.value)
    attempts = {
        "service token signed with the web cookie key": forged(cookie_key, "service"),
        "admin token signed with the web cookie key": forged(cookie_key, "user", sub=str(user_id), role="admin", ver=0),
        "service token signed with the master (the old way)": forged(MASTER, "service"),
        "service token without an audience": jwt.encode(
            {"iss": "anken", "kind": "service", "sub": "x", "exp": int(time.time()) + 60},
            derive_key(MASTER, "service-token"), algorithm="HS256"),
        "service audience signed with the user key": forged(derive_key(MASTER, "user-token"), "service"),
    }
    for what, token in attempts.items():
        answers = {
            "projects": (await world.projects.get("/v1/clients", headers=bearer(token))).status_code,
            "reporting": (await world.reporting.get("/v1/portfolio", headers=bearer(token))).status_code,
            "worker": (await world.worker.get("/v1/deliveries", headers=bearer(token))).status_code,
        }
        assert answers == {"projects": 401, "reporting": 401, "worker": 401}, what
    assert (await world.projects.get("/v1/clients", headers=headers)).status_code == 200


async def test_a_user_token_is_refused_where_a_service_token_is_required_and_vice_versa(
    sessions_world: Services,
) -> None:
    world = sessions_world
    _, _, admin = await world.user("admin")
    service = bearer(issue_service_token(MASTER, "reporting-api"))
    user_token = admin["Authorization"].split(" ", 1)[1]
    # Introspection is for services: even an admin's user token is refused.
    assert (await world.projects.post("/v1/auth/introspect", json={"token": user_token}, headers=admin)).status_code == 403
    introspected = await world.projects.post("/v1/auth/introspect", json={"token": user_token}, headers=service)
    assert introspected.json()["active"] is True and introspected.json()["kind"] == "user"
    # A service token introspected is not an active user session.
    service_token = service["Authorization"].split(" ", 1)[1]
    assert (await world.projects.post("/v1/auth/introspect", json={"token": service_token},
                                      headers=service)).json()["active"] is False
    # A session is a user's: a service token has no profile, password or logout.
    assert (await world.projects.get("/v1/auth/me", headers=service)).status_code == 401
    assert (await world.projects.post("/v1/auth/logout", headers=service)).status_code == 401
    assert (await world.projects.post("/v1/auth/password", headers=service,
                                      json={"current_password": "x", "new_password": "0123456789"})).status_code == 401
