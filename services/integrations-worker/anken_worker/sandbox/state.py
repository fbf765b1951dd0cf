"""Everything the sandbox holds in memory for one process; `reset()` is POST /_sandbox/reset."""

from __future__ import annotations

from anken_worker.sandbox.config import SandboxConfig
from anken_worker.sandbox.confluence.site import ConfluenceSite
from anken_worker.sandbox.faults import FaultStore
from anken_worker.sandbox.oauth.token_server import TokenServer
from anken_worker.sandbox.request_log import RequestLog
from anken_worker.sandbox.settings import SandboxSettings
from anken_worker.sandbox.sheets.access import SheetsAccess
from anken_worker.sandbox.sheets.workbooks import Workbooks
from anken_worker.sandbox.slack.workspace import SlackWorkspace
from anken_worker.sandbox.webhooks.receiver import WebhookReceiver


class SandboxState:
    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
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

    def apply_config(self, config: SandboxConfig) -> None:
        self.config = config
        # Pacing buckets are sized from the config when first used; start them afresh under the new one.
        self.slack.channel_buckets.clear()
