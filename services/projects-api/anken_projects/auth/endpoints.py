"""Log in with email and password, log out, change your password; who am I; what a token is."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from sqlalchemy import func, select

from anken_common.auth_tokens import InvalidToken, TokenKind, is_api_key, issue_user_token, verify_token
from anken_common.problems import Forbidden, NotFound, Unauthorized, problem_responses
from anken_common.user_status import current_role
from anken_projects.auth import login_throttle
from anken_projects.auth.api_key_auth import find_key, refusal
from anken_projects.auth.client_address import client_ip
from anken_projects.auth.dependencies import CurrentPrincipal
from anken_projects.auth.passwords import verify_password_off_loop
from anken_projects.auth.schemas import (
    IntrospectRequest,
    IntrospectResponse,
    Me,
    MeUpdate,
    PasswordChange,
    TokenRequest,
    TokenResponse,
)
from anken_projects.auth.user_status import forget as forget_user_status
from anken_projects.auth.user_status import read_status
from anken_projects.db import ResourcesDep, SessionDep
from anken_projects.users import service as users
from anken_projects.users.models import User

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/token", summary="Log in: exchange email and password for a bearer token",
             response_model=TokenResponse, responses=problem_responses(401, 422, 429))
async def issue_token(
    body: TokenRequest, request: Request, session: SessionDep, resources: ResourcesDep
) -> TokenResponse:
    settings = resources.settings
    attempt = login_throttle.LoginAttempt(
        settings.redis_namespace, body.email, client_ip(request, settings.trusted_proxy_networks),
        settings.login_ip_max_failures,
    )
    # Counted before the (slow) hash check, so parallel guesses cannot all pass the limit.
    await login_throttle.take_attempt(resources.redis, attempt)
    user = (await session.execute(select(User).where(func.lower(User.email) == body.email.lower()))).scalar_one_or_none()
    password_ok = await verify_password_off_loop(user.password_hash if user else None, body.password)
    if not password_ok or user is None or not user.is_active:
        raise Unauthorized("email or password is wrong")
    await login_throttle.succeeded(resources.redis, attempt)
    ttl = resources.settings.token_ttl_s
    return TokenResponse(
        access_token=issue_user_token(resources.settings.anken_secret_key, str(user.id), user.role, ttl,
                                      version=user.token_version, client_id=user.client_id),
        expires_in=ttl,
    )


@router.get("/me", summary="The logged-in user", response_model=Me, responses=problem_responses(401))
async def me(principal: CurrentPrincipal, session: SessionDep) -> Me:
    if not principal.is_user:
        raise Unauthorized("only user tokens have a profile")
    user = await session.get(User, principal.id)
    if user is None or not user.is_active:
        raise Unauthorized("user no longer exists")
    return Me(id=user.id, email=user.email, name=user.name, role=user.role, locale=user.locale,
              client_id=user.client_id)


@router.patch("/me", summary="Change your own preferences (the UI language)", response_model=Me,
              description="Any logged-in user may set their own `locale`; it is where the web UI starts after login.",
              responses=problem_responses(401, 422))
async def update_me(body: MeUpdate, principal: CurrentPrincipal, session: SessionDep) -> Me:
    if not principal.is_user:
        raise Unauthorized("only user tokens have a profile")
    try:
        user = await users.update_own_preferences(session, principal, body.locale)
    except NotFound:
        raise Unauthorized("user no longer exists") from None
    return Me(id=user.id, email=user.email, name=user.name, role=user.role, locale=user.locale,
              client_id=user.client_id)


@router.post("/logout", status_code=204, summary="Log out: end every session of the logged-in user",
             description="Every token issued to this user so far stops working, in every Anken service within "
                         "5 seconds (tokens are stateless, so one cannot be ended alone). Log in again for a new one.",
             responses=problem_responses(401))
async def logout(principal: CurrentPrincipal, session: SessionDep, request: Request) -> Response:
    if not principal.is_user:
        raise Unauthorized("only user tokens have sessions")
    await users.log_out_everywhere(session, principal)
    # Committed before this process forgets the user's status, so it cannot re-read the old one.
    await session.commit()
    forget_user_status(request, principal.user_id)
    return Response(status_code=204)


@router.post("/password", summary="Change your own password (ends your other sessions)", response_model=TokenResponse,
             description="Checks `current_password`, stores `new_password` and ends every session of the user in every "
                         "service within 5 seconds; the answer is a fresh token for this one.",
             responses=problem_responses(401, 422))
async def change_password(
    body: PasswordChange, principal: CurrentPrincipal, session: SessionDep, resources: ResourcesDep, request: Request
) -> TokenResponse:
    if not principal.is_user:
        raise Unauthorized("only user tokens have a password")
    try:
        user = await users.change_own_password(session, principal, body.current_password, body.new_password)
    except NotFound:
        raise Unauthorized("user no longer exists") from None
    # Committed before answering: the fresh token must count as soon as the client has it.
    await session.commit()
    forget_user_status(request, principal.user_id)
    ttl = resources.settings.token_ttl_s
    token = issue_user_token(resources.settings.anken_secret_key, str(user.id), user.role, ttl,
                             version=user.token_version, client_id=user.client_id)
    return TokenResponse(access_token=token, expires_in=ttl)


@router.post("/introspect", summary="What a token is (service tokens only)",
             description="For other Anken services: answers whether a user token or partner API key is active now, "
                         "and its current role (users), token version `ver` (users), client, scopes and expiry `exp` "
                         "(keys). A user token is active while its user is active and it is of the user's current "
                         "token version (logout, password or role change and deactivation end it). Call with a "
                         "service token (anken_common.auth_tokens.issue_service_token); a user token here is a 403.",
             response_model=IntrospectResponse, responses=problem_responses(401, 403, 422))
async def introspect(
    body: IntrospectRequest, principal: CurrentPrincipal, session: SessionDep, resources: ResourcesDep
) -> IntrospectResponse:
    if principal.kind != "service":
        raise Forbidden("only Anken services may introspect tokens")
    secret = resources.settings.anken_secret_key
    if is_api_key(body.token):
        key = await find_key(session, secret, body.token)
        if key is None or refusal(key) is not None:
            return IntrospectResponse(active=False)
        return IntrospectResponse(active=True, kind="api_key", id=key.id, client_id=key.client_id, scopes=key.scopes,
                                  exp=int(key.expires_at.timestamp()) if key.expires_at else None)
    try:
        claims = verify_token(secret, body.token, audiences=(TokenKind.user,))
        user_id = uuid.UUID(claims.subject)
    except (InvalidToken, ValueError):
        return IntrospectResponse(active=False)
    try:
        role = current_role(await read_status(session, user_id), claims.version)
    except Unauthorized:
        return IntrospectResponse(active=False)
    return IntrospectResponse(active=True, kind="user", id=user_id, role=role, ver=claims.version)
