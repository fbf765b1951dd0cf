"""The outbound guard (anken_common.outbound_guard) and the worker's guarded connections.

SSRF: a URL a user typed must not reach loopback, private, link-local, CGNAT, multicast or cloud
metadata addresses, whether the URL names the address or a host name resolving to it, checked when
the URL is saved and again on the address actually connected to.
"""

from __future__ import annotations

import httpx
import pytest

from anken_common.outbound_guard import OutboundPolicy, OutboundRefused
from anken_worker.adapters.errors import PermanentError
from anken_worker.adapters.guarded_dns import GuardedResolver
from anken_worker.adapters.http_errors import PARTNER_BODY_LIMIT, read_capped, send, send_capped
from anken_worker.adapters.http_pool import MAX_RESPONSE_BYTES, HostLimitedTransport, OutboundBlocked

from .outbound_support import SECRET_BODY_MARK, PartnerEndpoint

REFUSED = {
    "http://127.0.0.1:9/": "loopback",
    "http://127.8.9.10/": "loopback",
    "http://[::1]:8001/": "loopback",
    "http://localhost:9/": "loopback",
    "http://2130706433/": "loopback",  # 127.0.0.1 as one number
    "http://[::ffff:127.0.0.1]/": "loopback",
    "http://10.1.2.3/": "private",
    "http://172.16.0.1/": "private",
    "http://192.168.1.1/": "private",
    "http://[fd12:3456::1]/": "private",
    "http://169.254.10.10/": "link-local",
    "http://[fe80::1]/": "link-local",
    "http://100.64.0.1/": "CGNAT",
    "http://224.0.0.251/": "multicast",
    "http://[ff02::1]/": "multicast",
    "http://0.0.0.0:8003/": "unspecified",
    "http://240.0.0.1/": "reserved",
    "http://169.254.169.254/latest/meta-data/": "metadata",
    "http://[fd00:ec2::254]/": "metadata",
    "http://metadata.google.internal/computeMetadata/v1/": "metadata",
    "file:///etc/passwd": "scheme",
    "gopher://127.0.0.1:6379/_FLUSHALL": "scheme",
    "ftp://files.example.jp/": "scheme",
    "dict://127.0.0.1:11211/": "scheme",
}


@pytest.mark.parametrize("url", list(REFUSED))
async def test_each_address_class_and_scheme_is_refused_at_save_time(url: str) -> None:
    with pytest.raises(OutboundRefused) as refused:
        await OutboundPolicy().check_url(url)
    expected = {"scheme": "scheme", "metadata": "metadata", "CGNAT": "CGNAT"}.get(REFUSED[url], REFUSED[url])
    assert expected.lower() in refused.value.reason.lower(), refused.value.reason


async def test_public_addresses_pass_and_the_allow_list_is_exact() -> None:
    await OutboundPolicy().check_url("https://93.184.216.34/webhooks")
    await OutboundPolicy().check_url("https://[2606:4700:4700::1111]/")
    policy = OutboundPolicy.from_setting("127.0.0.1:8010, sandbox.internal")
    await policy.check_url("http://127.0.0.1:8010/slack/api/")
    await policy.check_url("http://localhost:8010/slack/api/")  # resolves to the allowed address and port
    with pytest.raises(OutboundRefused):
        await policy.check_url("http://127.0.0.1:8011/")  # another port of the same host
    policy.check_address("10.0.0.5", 443, "sandbox.internal")  # a host entry allows every port
    # Metadata endpoints are never allowed, whatever the list says.
    listed = OutboundPolicy.from_setting("169.254.169.254,metadata.google.internal")
    for url in ("http://169.254.169.254/", "http://metadata.google.internal/"):
        with pytest.raises(OutboundRefused):
            await listed.check_url(url)


async def test_a_name_resolving_to_loopback_is_refused_when_connecting() -> None:
    # Nothing checked at save time: `localhost` stands for a partner name whose DNS now points inside.
    async with PartnerEndpoint() as endpoint:
        async with httpx.AsyncClient(transport=HostLimitedTransport(2, policy=OutboundPolicy())) as client:
            for url in (f"http://localhost:{endpoint.port}/", f"http://127.0.0.1:{endpoint.port}/"):
                with pytest.raises(OutboundBlocked, match="loopback"):
                    await client.post(url, content=b"{}")
        assert endpoint.requests == 0
        allowed = OutboundPolicy.from_setting(f"127.0.0.1:{endpoint.port}")
        async with httpx.AsyncClient(transport=HostLimitedTransport(2, policy=allowed)) as client:
            assert (await client.post(f"http://localhost:{endpoint.port}/", content=b"{}")).status_code == 200
        assert endpoint.requests == 1


async def test_the_resolver_keeps_only_allowed_addresses(monkeypatch) -> None:
    answers = {
        "rebound.partner.example": ["127.0.0.1"],
        "mixed.partner.example": ["10.0.0.7", "93.184.216.34"],
        "metadata.partner.example": ["169.254.169.254"],
    }

    async def fake_resolve(self, host, port=0, family=0):
        return [{"hostname": host, "host": ip, "port": port, "family": 2, "proto": 6, "flags": 0}
                for ip in answers[host]]

    monkeypatch.setattr("aiohttp.resolver.ThreadedResolver.resolve", fake_resolve)
    resolver = GuardedResolver(OutboundPolicy())
    with pytest.raises(OutboundRefused, match="loopback"):
        await resolver.resolve("rebound.partner.example", 443)
    with pytest.raises(OutboundRefused, match="metadata"):
        await resolver.resolve("metadata.partner.example", 80)
    kept = await resolver.resolve("mixed.partner.example", 443)
    assert [r["host"] for r in kept] == ["93.184.216.34"]


async def test_a_huge_partner_answer_is_read_at_most_64_kib() -> None:
    async with PartnerEndpoint(body_bytes=10 * 1024 * 1024) as endpoint:
        policy = OutboundPolicy.from_setting(f"127.0.0.1:{endpoint.port}")
        async with httpx.AsyncClient(transport=HostLimitedTransport(2, policy=policy), timeout=10) as client:
            async with client.stream("POST", endpoint.url, content=b"{}") as response:
                head = await read_capped(response, PARTNER_BODY_LIMIT)
                downloaded = response.num_bytes_downloaded
            assert len(head) == PARTNER_BODY_LIMIT and SECRET_BODY_MARK.encode() in head
            # Streamed: what came off the socket is the cap plus at most one read chunk, not 10 MB.
            assert downloaded <= PARTNER_BODY_LIMIT + 64 * 1024
            answer = await send_capped(client, "POST", endpoint.url, "webhook", content=b"{}")
            assert answer.status_code == 200 and len(answer.head) <= PARTNER_BODY_LIMIT


async def test_no_api_answer_is_held_beyond_the_transport_cap() -> None:
    # A Slack/Confluence/Sheets base URL is user-given too: an endless answer ends the call, it does
    # not fill the worker's memory.
    async with PartnerEndpoint(body_bytes=MAX_RESPONSE_BYTES + 1024 * 1024) as endpoint:
        policy = OutboundPolicy.from_setting(f"127.0.0.1:{endpoint.port}")
        async with httpx.AsyncClient(transport=HostLimitedTransport(2, policy=policy), timeout=20) as client:
            with pytest.raises(PermanentError, match="larger than"):
                await send(client, "POST", endpoint.url, "slack", content=b"{}")
