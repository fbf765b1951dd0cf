"""aiohttp's connector and resolver with the outbound guard applied to every address connected to.

The resolver keeps only the addresses the guard allows and raises OutboundRefused when none is
left; aiohttp then connects to what the resolver returned, so a name that resolves to 127.0.0.1
today cannot slip past a check made when the URL was saved. aiohttp skips the resolver for an
address written in the URL, so the connector checks those itself.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.helpers import is_ip_address
from aiohttp.resolver import ThreadedResolver

from anken_common.outbound_guard import OutboundPolicy, OutboundRefused


class GuardedResolver(ThreadedResolver):
    def __init__(self, policy: OutboundPolicy) -> None:
        super().__init__()
        self.policy = policy

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await super().resolve(host, port, family)
        allowed: list[ResolveResult] = []
        refusal: OutboundRefused | None = None
        for result in found:
            try:
                self.policy.check_address(result["host"], port, host)
            except OutboundRefused as exc:
                refusal = exc
                continue
            allowed.append(result)
        if not allowed:
            raise refusal or OutboundRefused(f"{host} has no address")
        return allowed


class GuardedConnector(aiohttp.TCPConnector):
    def __init__(self, policy: OutboundPolicy, **kwargs: Any) -> None:
        super().__init__(resolver=GuardedResolver(policy), **kwargs)
        self.policy = policy

    async def _resolve_host(self, host: str, port: int, traces: Sequence[Any] | None = None) -> list[ResolveResult]:
        if is_ip_address(host):
            self.policy.check_address(host, port)
        return await super()._resolve_host(host, port, traces=traces)
