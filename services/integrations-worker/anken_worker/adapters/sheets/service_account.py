"""Google service-account credentials: a signed JWT (RS256) exchanged for an OAuth access token."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from anken_worker.adapters.errors import IntegrationBroken
from anken_worker.adapters.http_errors import raise_for_status, send

# Sheets for the cells; drive.file to create spreadsheets tagged with appProperties and find them
# again (it grants access only to files this service account created).
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets https://www.googleapis.com/auth/drive.file"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass(frozen=True)
class ServiceAccount:
    client_email: str
    private_key_pem: str
    private_key_id: str = ""

    @classmethod
    def from_json(cls, raw: str) -> ServiceAccount:
        data = json.loads(raw)
        return cls(data["client_email"], data["private_key"], data.get("private_key_id", ""))

    @classmethod
    def from_file(cls, path: str) -> ServiceAccount:
        return cls.from_json(Path(path).read_text())

    @classmethod
    def ephemeral(cls) -> ServiceAccount:
        """A throwaway key for the sandbox, which accepts any well-formed assertion."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        return cls("anken-sandbox@anken-sandbox.iam.gserviceaccount.com", pem, "sandbox")

    def assertion(self, token_url: str, scope: str = SHEETS_SCOPE, now: int | None = None) -> str:
        now = now or int(time.time())
        claims = {"iss": self.client_email, "scope": scope, "aud": token_url, "iat": now, "exp": now + 3600}
        headers = {"kid": self.private_key_id} if self.private_key_id else None
        return jwt.encode(claims, self.private_key_pem, algorithm="RS256", headers=headers)


class TokenSource:
    """Caches the access token until a minute before it expires."""

    def __init__(self, http: httpx.AsyncClient, token_url: str, account: ServiceAccount) -> None:
        self.http = http
        self.token_url = token_url
        self.account = account
        self._token: str | None = None
        self._expires_at = 0.0

    async def token(self) -> str:
        if self._token and time.time() < self._expires_at - 60:
            return self._token
        response = await send(self.http, "POST", self.token_url, "google oauth token",
                              data={"grant_type": JWT_BEARER, "assertion": self.account.assertion(self.token_url)})
        if response.status_code in (400, 401, 403):
            raise IntegrationBroken(f"google oauth token refused ({response.status_code}): service account revoked?",
                                    status=response.status_code, excerpt=response.text[:300])
        raise_for_status(response, "google oauth token")
        data = response.json()
        self._token = data["access_token"]
        self._expires_at = time.time() + float(data.get("expires_in", 3600))
        return self._token

    def forget(self) -> None:
        self._token = None
