"""integrations-worker settings, from the environment."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
from functools import lru_cache

from pydantic import Field, PrivateAttr, model_validator

from anken_common.outbound_guard import OutboundPolicy
from anken_common.settings import CommonSettings, Environment, load_settings

SCHEMA = "integrations"
EVENT_GROUP = "integrations"
SANDBOX_SIGNING_SECRET = "sandbox-signing-secret"
CONFIGURED_URLS = ("slack_api_url", "confluence_api_url", "sheets_api_url", "drive_api_url", "google_token_url")


class WorkerSettings(CommonSettings):
    port: int = 8003
    # Fernet key (urlsafe base64 of 32 bytes) that encrypts tokens and webhook secrets at rest.
    anken_encryption_key: str = ""
    # Sandbox mode points every integration without real credentials at the local sandbox. Off unless
    # asked for (`make run` and the tests ask): a production worker never talks to a sandbox by default.
    anken_sandbox: bool = False
    # Hosts outside the public internet that outgoing calls may reach (comma-separated `host` or
    # `host:port`); in sandbox mode the sandbox's own address is allowed without being listed.
    outbound_allow_hosts: str = ""

    slack_api_url: str = ""
    slack_bot_token: str = "xoxb-sandbox-token"
    # The Slack app's signing secret; in sandbox mode (never in production) a fixed sandbox secret
    # stands in, otherwise an unset secret refuses every inbound Slack request.
    slack_signing_secret: str = ""
    slack_channel_prefix: str = "anken"
    confluence_api_url: str = ""
    confluence_email: str = "sandbox@anken.jp"
    confluence_api_token: str = "sandbox-confluence-token"
    confluence_space_id: str = "1"
    sheets_api_url: str = ""
    drive_api_url: str = ""
    google_token_url: str = ""
    google_service_account_file: str = ""

    # Worker behaviour.
    # Jobs sleeping for a channel's pacing slot hold a slot too, so this is far above the CPU count:
    # one draining job per busy channel (a sleeping job costs no CPU); with 512, a burst to 600
    # channels left some of them waiting a whole drain for a slot (bench/README.md).
    worker_max_jobs: int = 1024
    db_pool_size: int = 15
    db_pool_overflow: int = 15
    job_timeout_s: int = 30
    consumer_name: str = ""
    delivery_max_attempts: int = 8
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 60.0
    http_timeout_s: float = 10.0
    # Requests in flight per external host; more wait in line (FIFO). 32 keeps a local sandbox or a
    # nearby API busy; a far host answering in ~200 ms gets ~160 requests/s through it.
    http_in_flight_per_host: int = 32
    slack_channel_interval_s: float = 1.0
    sheets_requests_per_minute: int = 60
    lock_ttl_s: float = 20.0
    sweeper_interval_s: float = 2.0
    cron_enabled: bool = True
    consumer_enabled: bool = True
    # Events read and recorded together: fewer round trips in a burst, but the first deliveries of a
    # burst wait for their whole batch to be recorded.
    consumer_batch: int = Field(200, ge=1, le=5000)
    # Processes `anken-worker run` uses: the first serves the API and runs the event consumer, cron
    # and the sweeper; the others deliver what new events call for (they coordinate through Redis
    # locks and pacing; the first still runs redrives and cron's deliveries). Deliveries are CPU-bound
    # in Python; 0 means the CPU count, at most 4.
    worker_processes: int = 1

    _configured_urls: list[str] = PrivateAttr(default_factory=list)
    _policy: OutboundPolicy | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _defaults_from_sandbox(self) -> WorkerSettings:
        # Base URLs the operator set in the environment are theirs to choose: the guard allows them.
        self._configured_urls = [getattr(self, name) for name in CONFIGURED_URLS if getattr(self, name)]
        base = self.sandbox_url.rstrip("/")
        self.slack_api_url = self.slack_api_url or f"{base}/slack/api/"
        self.confluence_api_url = self.confluence_api_url or f"{base}/confluence/wiki/api/v2/"
        self.sheets_api_url = self.sheets_api_url or f"{base}/sheets/v4/"
        self.drive_api_url = self.drive_api_url or f"{base}/drive/v3/"
        self.google_token_url = self.google_token_url or f"{base}/oauth2/token"
        self.consumer_name = self.consumer_name or f"worker-{socket.gethostname()}"
        if self.anken_env == Environment.production and not self.anken_encryption_key:
            raise ValueError("ANKEN_ENCRYPTION_KEY must be set in production (a Fernet key)")
        return self

    @property
    def outbound_policy(self) -> OutboundPolicy:
        """What outgoing calls may reach beyond public addresses (anken_common.outbound_guard)."""
        if self._policy is None:
            extra = [*self._configured_urls, *([self.sandbox_url] if self.anken_sandbox else [])]
            self._policy = OutboundPolicy.from_setting(self.outbound_allow_hosts, extra)
        return self._policy

    @property
    def fernet_key(self) -> bytes:
        """The configured Fernet key; in development, one derived from ANKEN_SECRET_KEY."""
        if self.anken_encryption_key:
            return self.anken_encryption_key.encode()
        return base64.urlsafe_b64encode(hashlib.sha256(self.anken_secret_key.encode()).digest())

    @property
    def inbound_signing_secret(self) -> str | None:
        if self.slack_signing_secret:
            return self.slack_signing_secret
        sandboxed = self.anken_sandbox and self.anken_env != Environment.production
        return SANDBOX_SIGNING_SECRET if sandboxed else None

    @property
    def process_count(self) -> int:
        if self.worker_processes > 0:
            return self.worker_processes
        return max(1, min(4, os.cpu_count() or 1))

    @property
    def arq_queue(self) -> str:
        return f"{self.redis_namespace}:arq:queue"

    def process_queue(self, index: int) -> str:
        """The arq queue of worker process `index`: the consumer spreads targets over them by order
        key (arq would let whichever process polls first take a whole burst); 0 is the shared queue
        every other caller uses."""
        return self.arq_queue if index == 0 else f"{self.arq_queue}:{index}"


@lru_cache
def get_settings() -> WorkerSettings:
    return load_settings(WorkerSettings)
