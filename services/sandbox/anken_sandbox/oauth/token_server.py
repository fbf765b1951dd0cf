"""Google's OAuth 2.0 token endpoint for service accounts: an RS256 JWT assertion in, a bearer token out."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URLS = ("https://oauth2.googleapis.com/token", "https://accounts.google.com/o/oauth2/token")
TOKEN_TTL_S = 3600
MAX_ASSERTION_LIFETIME_S = 3600
CLOCK_SKEW_S = 300
SHEETS_WRITE_SCOPES = frozenset({
    "https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/drive.file",
})
SHEETS_READ_SCOPES = SHEETS_WRITE_SCOPES | {
    "https://www.googleapis.com/auth/spreadsheets.readonly", "https://www.googleapis.com/auth/drive.readonly",
}
# Drive itself does not accept the Sheets scope: creating or searching files needs a Drive scope.
DRIVE_WRITE_SCOPES = frozenset({"https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/drive.file"})
DRIVE_READ_SCOPES = DRIVE_WRITE_SCOPES | {"https://www.googleapis.com/auth/drive.readonly"}


class OAuthError(Exception):
    """`{"error": code, "error_description": ...}` with HTTP 400, as Google's token endpoint answers."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass
class ServiceAccount:
    client_email: str
    public_key: RSAPublicKey
    key_id: str | None


@dataclass
class AccessToken:
    token: str
    client_email: str
    scopes: frozenset[str]
    expires_at: float

    def can_write_sheets(self) -> bool:
        return bool(self.scopes & SHEETS_WRITE_SCOPES)

    def can_read_sheets(self) -> bool:
        return bool(self.scopes & SHEETS_READ_SCOPES)

    def can_use_drive(self, write: bool) -> bool:
        return bool(self.scopes & (DRIVE_WRITE_SCOPES if write else DRIVE_READ_SCOPES))


def load_public_key(pem: str) -> RSAPublicKey:
    """An RSA public key from PEM; a certificate's key is not accepted (register the key itself)."""
    key = load_pem_public_key(pem.encode())
    if not isinstance(key, RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def _audience_is_a_token_endpoint(aud: Any, own_path: str) -> bool:
    if not isinstance(aud, str):
        return False
    if aud in GOOGLE_TOKEN_URLS:
        return True
    parsed = urlparse(aud)
    return parsed.scheme in ("http", "https") and parsed.path == own_path


class TokenServer:
    def __init__(self) -> None:
        self.accounts: dict[str, ServiceAccount] = {}
        self.tokens: dict[str, AccessToken] = {}

    def register(self, client_email: str, public_key_pem: str, key_id: str | None) -> ServiceAccount:
        account = ServiceAccount(client_email, load_public_key(public_key_pem), key_id)
        self.accounts[client_email] = account
        return account

    def exchange(self, form: dict[str, str], own_path: str, permissive: bool) -> AccessToken:
        if form.get("grant_type") != JWT_BEARER:
            raise OAuthError("unsupported_grant_type", "Invalid grant_type: " + str(form.get("grant_type") or ""))
        assertion = form.get("assertion")
        if not assertion:
            raise OAuthError("invalid_request", "Missing required parameter: assertion")
        try:
            header = jwt.get_unverified_header(assertion)
            claims = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise OAuthError("invalid_grant", "Invalid JWT: could not be decoded")
        if header.get("alg") != "RS256":
            raise OAuthError("invalid_grant", "Invalid JWT: only RS256 is accepted")
        issuer = claims.get("iss")
        if not isinstance(issuer, str) or not issuer:
            raise OAuthError("invalid_grant", "Invalid JWT: iss is required")
        scope = claims.get("scope")
        if not isinstance(scope, str) or not scope.split():
            raise OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        if not _audience_is_a_token_endpoint(claims.get("aud"), own_path):
            raise OAuthError("invalid_grant", "Invalid JWT: aud must be the token endpoint URL")
        iat, exp = claims.get("iat"), claims.get("exp")
        now = time.time()
        if not (isinstance(iat, int | float) and isinstance(exp, int | float)) or exp <= iat \
                or exp - iat > MAX_ASSERTION_LIFETIME_S or iat > now + CLOCK_SKEW_S or exp < now - CLOCK_SKEW_S:
            raise OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                                              "reasonable timeframe. Check your iat and exp values in the JWT claim.")
        account = self.accounts.get(issuer)
        if account is not None:
            if account.key_id and header.get("kid") and header["kid"] != account.key_id:
                raise OAuthError("invalid_grant", "Invalid JWT Signature.")
            try:
                jwt.decode(assertion, account.public_key, algorithms=["RS256"], audience=claims["aud"],
                           leeway=CLOCK_SKEW_S)
            except jwt.PyJWTError:
                raise OAuthError("invalid_grant", "Invalid JWT Signature.")
        elif not permissive:
            raise OAuthError("invalid_grant", "Invalid grant: account not found")
        token = AccessToken(f"ya29.sandbox-{secrets.token_urlsafe(32)}", issuer, frozenset(scope.split()),
                            now + TOKEN_TTL_S)
        self.tokens[token.token] = token
        return token

    def to_dict(self) -> dict[str, Any]:
        """Registered keys (as PEM) and the tokens still live, so a client's cached token keeps working."""
        now = time.time()
        return {
            "accounts": [
                {"client_email": a.client_email, "key_id": a.key_id,
                 "public_key_pem": a.public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()}
                for a in self.accounts.values()
            ],
            "tokens": [
                {"token": t.token, "client_email": t.client_email, "scopes": sorted(t.scopes), "expires_at": t.expires_at}
                for t in self.tokens.values() if t.expires_at > now
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenServer:
        server = cls()
        for account in data["accounts"]:
            server.register(account["client_email"], account["public_key_pem"], account["key_id"])
        for token in data["tokens"]:
            server.tokens[token["token"]] = AccessToken(token["token"], token["client_email"],
                                                        frozenset(token["scopes"]), float(token["expires_at"]))
        return server

    def authenticate(self, token: str) -> AccessToken | None:
        found = self.tokens.get(token)
        if found is None or found.expires_at <= time.time():
            return None
        return found
