"""POST /oauth2/token: Google's token endpoint for the service-account JWT bearer grant."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from anken_sandbox.bodies import json_object
from anken_sandbox.dependencies import State
from anken_sandbox.oauth.token_server import TOKEN_TTL_S, OAuthError

router = APIRouter(tags=["sandbox: Google OAuth"])


class TokenResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"access_token": "ya29.sandbox-3q2+7w", "expires_in": 3599, "token_type": "Bearer"}
    ]})

    access_token: str
    expires_in: int
    token_type: str


class OAuthErrorBody(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
    ]})

    error: str
    error_description: str


@router.post(
    "/oauth2/token",
    summary="Exchange a service-account JWT assertion for an access token",
    description="Form body: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<RS256 JWT>. "
    "Claims checked: iss, scope, aud (Google's token URL or this endpoint's URL), iat/exp (≤ 60 min). "
    "The signature is checked against the key registered at POST /_sandbox/sheets/service-accounts; an "
    "unregistered issuer is accepted only while the sandbox is permissive.",
    response_model=TokenResponse,
    responses={400: {"description": "OAuth error", "model": OAuthErrorBody}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {
        "schema": {"type": "object", "properties": {"grant_type": {"type": "string"}, "assertion": {"type": "string"}},
                   "required": ["grant_type", "assertion"]},
    }}}},
)
async def token(request: Request, state: State) -> JSONResponse:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        raw = await json_object(request)
        form = {k: str(v) for k, v in (raw or {}).items()}
    else:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        issued = state.oauth.exchange(form, request.url.path, state.config.oauth_permissive)
    except OAuthError as exc:
        return JSONResponse({"error": exc.error, "error_description": exc.description}, status_code=exc.status)
    return JSONResponse({"access_token": issued.token, "expires_in": TOKEN_TTL_S - 1, "token_type": "Bearer"},
                        headers={"Cache-Control": "no-store"})
