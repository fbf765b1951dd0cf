"""Through a configured proxy, the target URL's host is resolved here and checked by the guard
before the request is handed to the proxy, so a name standing for an inside address is refused;
the allow-list still applies, and the verdict is kept per host for a short TTL (one lookup per host).

Before: with HTTP(S)_PROXY set, the target was checked by name and written address only: the proxy
resolved `inside.example` to 10.0.0.5 and fetched it.
"""

from __future__ import annotations

import httpx
import pytest

from anken_common import outbound_guard
from anken_common.outbound_guard import OutboundPolicy
from anken_worker.adapters.http_pool import HostLimitedTransport, OutboundBlocked

from .outbound_support import PartnerEndpoint

ADDRESSES = {"inside.example": ["10.0.0.5"], "mixed.example": ["93.184.216.34", "127.0.0.1"],
             "public.example": ["93.184.216.34"], "allowed.example": ["10.0.0.6"]}


@pytest.fixture
def lookups(monkeypatch) -> list[str]:
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ADDRESSES.get(host, [])

    monkeypatch.setattr(outbound_guard, "resolve_host", resolve)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy",
                 "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    return asked


async def test_a_target_resolving_inside_is_refused_before_the_proxy_sees_it(lookups, monkeypatch) -> None:
    async with PartnerEndpoint() as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        transport = HostLimitedTransport(4, policy=OutboundPolicy.from_setting("allowed.example"))
        async with httpx.AsyncClient(transport=transport, timeout=10) as client:
            for name in ("inside.example", "mixed.example"):
                with pytest.raises(OutboundBlocked) as refused:
                    await client.get(f"http://{name}/v1/secrets")
                assert name in str(refused.value) and "only public addresses" in str(refused.value)
            assert proxy.requests == 0
            # A public name and an allow-listed one go through the proxy.
            assert (await client.get("http://public.example/hook")).status_code == 200
            assert (await client.get("http://allowed.example/hook")).status_code == 200
            assert proxy.requests == 2
            # A name that does not resolve here is left to the proxy (it may know names this host does not).
            assert (await client.get("http://proxy-only.example/hook")).status_code == 200
            # Asked again: the verdicts are kept, no new lookup.
            with pytest.raises(OutboundBlocked):
                await client.get("http://inside.example/again")
            assert (await client.get("http://public.example/again")).status_code == 200
            assert sorted(lookups) == ["inside.example", "mixed.example", "proxy-only.example", "public.example"]


async def test_the_verdict_is_kept_only_for_its_ttl(lookups, monkeypatch) -> None:
    now = [1000.0]
    check = outbound_guard.ProxiedTargetCheck(OutboundPolicy(), ttl_s=30, clock=lambda: now[0])
    await check.check("https://public.example/")
    now[0] += 29
    await check.check("https://public.example/")
    assert lookups == ["public.example"]
    # The name moves inside: refused once the kept verdict has expired.
    monkeypatch.setitem(ADDRESSES, "public.example", ["192.168.1.10"])
    now[0] += 2
    with pytest.raises(outbound_guard.OutboundRefused):
        await check.check("https://public.example/")
    assert lookups == ["public.example", "public.example"]
