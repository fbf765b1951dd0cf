"""Everything the sandbox holds in memory for one process; `reset()` is POST /_sandbox/reset.

With SANDBOX_STATE_FILE set, `snapshot()` / `restore()` carry the vendors' data across restarts
(state_file.py); faults, rate limiters, the config and the request log stay per process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from anken_sandbox.config import SandboxConfig
from anken_sandbox.confluence.site import ConfluenceSite
from anken_sandbox.faults import FaultStore
from anken_sandbox.mail.mailbox import Mailbox
from anken_sandbox.oauth.token_server import TokenServer
from anken_sandbox.request_log import RequestLog
from anken_sandbox.settings import SandboxSettings
from anken_sandbox.sheets.access import SheetsAccess
from anken_sandbox.sheets.workbooks import Workbooks
from anken_sandbox.slack.workspace import SlackWorkspace
from anken_sandbox.webhooks.receiver import WebhookReceiver

if TYPE_CHECKING:
    from anken_sandbox.state_file import StateFile

SNAPSHOT_FORMAT = 1


class SandboxState:
    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        # Bumped after every request that may have changed the saved stores; the state file's
        # background task compares it with the revision it last wrote.
        self.revision = 0
        self.state_file: StateFile | None = None
        self.reset()

    def reset(self) -> None:
        self.config = SandboxConfig.from_settings(self.settings)
        self.faults = FaultStore()
        self.requests = RequestLog(self.settings.sandbox_request_log_size)
        self.slack = SlackWorkspace()
        self.confluence = ConfluenceSite()
        self.oauth = TokenServer()
        self.workbooks = Workbooks()
        self.sheets_access = SheetsAccess()
        self.webhooks = WebhookReceiver()
        self.mail = Mailbox()

    def apply_config(self, config: SandboxConfig) -> None:
        self.config = config
        # Pacing buckets are sized from the config when first used; start them afresh under the new one.
        self.slack.channel_buckets.clear()

    def mark_changed(self) -> None:
        self.revision += 1

    def snapshot(self) -> dict[str, Any]:
        """The saved stores as JSON values, detached from the live objects (safe to serialise in a thread)."""
        return {
            "format": SNAPSHOT_FORMAT, "slack": self.slack.to_dict(), "confluence": self.confluence.to_dict(),
            "oauth": self.oauth.to_dict(), "workbooks": self.workbooks.to_dict(),
            "sheets_access": self.sheets_access.to_dict(), "webhooks": self.webhooks.to_dict(),
            "mail": self.mail.to_dict(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Replace the saved stores with a snapshot's; all or nothing (any error leaves the state as it was)."""
        if data.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"unknown state file format {data.get('format')!r}")
        slack, confluence = SlackWorkspace.from_dict(data["slack"]), ConfluenceSite.from_dict(data["confluence"])
        oauth, workbooks = TokenServer.from_dict(data["oauth"]), Workbooks.from_dict(data["workbooks"])
        sheets_access, webhooks = SheetsAccess.from_dict(data["sheets_access"]), WebhookReceiver.from_dict(data["webhooks"])
        # Files saved before the SMTP catcher existed have no mailbox.
        mail = Mailbox.from_dict(data["mail"]) if "mail" in data else Mailbox()
        self.slack, self.confluence, self.oauth, self.workbooks = slack, confluence, oauth, workbooks
        self.sheets_access, self.webhooks, self.mail = sheets_access, webhooks, mail
