"""Who may call Sheets: a live bearer from /oauth2/token with a Sheets scope, within the per-minute quota,
and not revoked for the spreadsheet (the sandbox's stand-in for a removed share)."""

from __future__ import annotations

from typing import Any

from anken_sandbox.oauth.token_server import AccessToken, TokenServer
from anken_sandbox.rate_limits import SlidingWindow, retry_after_header
from anken_sandbox.sheets.workbooks import SheetsError

QUOTA_METRIC = {"read": "Read requests", "write": "Write requests"}


MISSING_CREDENTIAL = ("Request is missing required authentication credential. Expected OAuth 2 access token, "
                      "login cookie or other valid authentication credential.")
INVALID_CREDENTIAL = ("Request had invalid authentication credentials. Expected OAuth 2 access token, "
                      "login cookie or other valid authentication credential.")


def bearer_grant(authorization: str, oauth: TokenServer) -> AccessToken | None:
    """The live grant behind a Google API call's `Authorization: Bearer …` (Sheets and Drive alike);
    no header at all is Google's 401 "missing credential", an unknown or expired token answers None."""
    if not authorization:
        raise SheetsError(401, MISSING_CREDENTIAL)
    if not authorization.lower().startswith("bearer "):
        return None
    return oauth.authenticate(authorization[7:].strip())


class SheetsAccess:
    def __init__(self) -> None:
        # (client_email, spreadsheet id or None for every spreadsheet of that account)
        self.revocations: set[tuple[str, str | None]] = set()
        self.windows: dict[tuple[str, str], SlidingWindow] = {}
        self.quota_exceeded = 0

    def revoke(self, client_email: str, spreadsheet_id: str | None) -> None:
        self.revocations.add((client_email, spreadsheet_id))

    def to_dict(self) -> dict[str, Any]:
        """Revoked grants only: the quota windows start afresh after a restart, as after a minute."""
        return {"revocations": [[email, sid] for email, sid in sorted(self.revocations, key=lambda r: (r[0], r[1] or ""))]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SheetsAccess:
        access = cls()
        access.revocations = {(str(email), None if sid is None else str(sid)) for email, sid in data["revocations"]}
        return access

    def check_call(self, caller: AccessToken | None, write: bool, quota_per_minute: int) -> AccessToken:
        if caller is None:
            raise SheetsError(401, INVALID_CREDENTIAL)
        if not (caller.can_write_sheets() if write else caller.can_read_sheets()):
            raise SheetsError(403, "Request had insufficient authentication scopes.")
        kind = "write" if write else "read"
        window = self.windows.setdefault((caller.client_email, kind), SlidingWindow(quota_per_minute))
        window.limit = quota_per_minute
        wait = window.take()
        if wait > 0:
            self.quota_exceeded += 1
            metric = QUOTA_METRIC[kind]
            raise SheetsError(
                429, f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per user' of service "
                     "'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
                headers={"Retry-After": retry_after_header(wait)},
            )
        return caller

    def check_spreadsheet(self, caller: AccessToken, spreadsheet_id: str | None) -> None:
        if (caller.client_email, None) in self.revocations or (caller.client_email, spreadsheet_id) in self.revocations:
            raise SheetsError(403, "The caller does not have permission")
