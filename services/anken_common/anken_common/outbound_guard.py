"""The one guard for every URL a user typed that an Anken service fetches (SSRF).

A URL is acceptable when its scheme is http or https and every address its host stands for is a
public unicast address: loopback, private (RFC 1918, ULA fc00::/7), link-local (169.254/16,
fe80::/10), CGNAT (100.64/10), multicast, unspecified, reserved and documentation ranges and the
cloud metadata endpoints are refused. It is checked twice: when the URL is saved (`check_url`, with
the host resolved) and when a connection is made (`OutboundPolicy.check_address` on the address
actually connected to, after DNS), so a name that later resolves to 127.0.0.1 is refused too.

Through a proxy the proxy connects, not this process: `ProxiedTargetCheck` resolves the target's
name here before the request is handed over, refusing a name that stands for an inside address
(verdicts cached per host and port for a short TTL, so it costs one lookup per host, not per request).

`OUTBOUND_ALLOW_HOSTS` (comma-separated `host` or `host:port`) allows named exceptions, for the
local sandbox and tests; a host entry allows every port, a `host:port` entry that port only. An
entry matches the name in the URL or the address it resolved to. Metadata endpoints are never
allowed, whatever the list says.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                                ipaddress.ip_address("169.254.170.2")})
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata", "instance-data",
                            "instance-data.ec2.internal"})
CGNAT = ipaddress.ip_network("100.64.0.0/10")


class OutboundRefused(ValueError):
    """A URL or an address the guard refuses; `reason` says why, in words fit for a 422."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def address_refusal(ip: IPAddress) -> str | None:
    """Why this address may not be connected to, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return address_refusal(ip.ipv4_mapped)
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return "a shared (CGNAT) address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "a reserved address"
    return None


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _parse_entry(entry: str) -> tuple[str, int | None]:
    entry = entry.strip()
    if entry.startswith("["):  # [v6]:port
        host, _, rest = entry[1:].partition("]")
        port = rest.lstrip(":")
        return _normal_host(host), int(port) if port else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return _normal_host(host), int(port)
    return _normal_host(entry), None


@dataclass(frozen=True)
class OutboundPolicy:
    """Which hosts may be reached beyond the public internet (the allow-list)."""

    allowed: frozenset[tuple[str, int | None]] = field(default_factory=frozenset)

    @classmethod
    def from_setting(cls, value: str | None, also_allow: Iterable[str] = ()) -> OutboundPolicy:
        """From OUTBOUND_ALLOW_HOSTS, plus the hosts of `also_allow` URLs (e.g. the sandbox's)."""
        entries = {_parse_entry(e) for e in (value or "").split(",") if e.strip()}
        for url in also_allow:
            parts = urlsplit(url)
            if parts.hostname:
                entries.add((_normal_host(parts.hostname), parts.port or DEFAULT_PORTS.get(parts.scheme)))
        return cls(frozenset(entries))

    def also_allowing(self, urls: Iterable[str]) -> OutboundPolicy:
        """This policy, with the hosts of these URLs allowed too."""
        return OutboundPolicy(self.allowed | OutboundPolicy.from_setting("", urls).allowed)

    def allows(self, host: str, port: int | None) -> bool:
        host = _normal_host(host)
        return (host, None) in self.allowed or (host, port) in self.allowed

    def check_address(self, address: str, port: int | None, hostname: str | None = None) -> None:
        """Raise OutboundRefused unless a connection to `address` (reached as `hostname`) is allowed."""
        ip = ipaddress.ip_address(_normal_host(address).split("%")[0])
        if ip in METADATA_ADDRESSES:
            raise OutboundRefused(f"{hostname or address} is a cloud metadata address")
        reason = address_refusal(ip)
        if reason is None:
            return
        if self.allows(str(ip), port) or (hostname is not None and self.allows(hostname, port)):
            return
        shown = f"{hostname} ({ip})" if hostname and _normal_host(hostname) != str(ip) else str(ip)
        raise OutboundRefused(f"{shown} is {reason}; only public addresses can be reached")

    def check_syntax(self, url: str) -> tuple[str, int]:
        """The URL's (host, port) when its form is acceptable (scheme, host, no metadata name);
        addresses written in the URL are checked too, names are not resolved."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise OutboundRefused(f"not a valid URL ({exc})") from None
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise OutboundRefused(f"the scheme must be http or https, not {scheme or 'none'}")
        if not parts.hostname:
            raise OutboundRefused("the URL names no host")
        host = _normal_host(parts.hostname)
        port = port or DEFAULT_PORTS[scheme]
        if host in METADATA_HOSTS:
            raise OutboundRefused(f"{host} is a cloud metadata address")
        if _is_address(host):
            self.check_address(host, port)
        return host, port

    async def check_url(self, url: str) -> None:
        """Save-time check: the form, then every address the host resolves to now. A name that does
        not resolve is let through (the connect-time check still applies when it does)."""
        host, port = self.check_syntax(url)
        if _is_address(host) or self.allows(host, port):
            return
        for address in await resolve_host(host, port):
            self.check_address(address, port, host)


async def resolve_host(host: str, port: int) -> list[str]:
    """The addresses a name stands for here; none when it does not resolve."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return [str(sockaddr[0]) for *_, sockaddr in infos]


class ProxiedTargetCheck:
    """The connect-time check of a URL a proxy will fetch: its form, then every address its host
    resolves to here (the allow-list applies as for a direct connection). A name that does not
    resolve here is left to the proxy, as `check_url` does at save time (a proxy may see names this
    host cannot). Verdicts, refusals included, are kept `ttl_s` per (host, port)."""

    MAX_HOSTS = 4096

    def __init__(self, policy: OutboundPolicy, ttl_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.ttl_s = ttl_s
        self.clock = clock
        self._verdicts: dict[tuple[str, int], tuple[float, str | None]] = {}

    async def check(self, url: str) -> None:
        host, port = self.policy.check_syntax(url)
        if _is_address(host) or self.policy.allows(host, port):
            return
        now = self.clock()
        kept = self._verdicts.get((host, port))
        if kept is not None and kept[0] > now:
            refusal = kept[1]
        else:
            refusal = None
            try:
                for address in await resolve_host(host, port):
                    self.policy.check_address(address, port, host)
            except OutboundRefused as exc:
                refusal = exc.reason
            if len(self._verdicts) >= self.MAX_HOSTS:
                self._verdicts.clear()  # bounded: a flood of names costs lookups, not memory
            self._verdicts[(host, port)] = (now + self.ttl_s, refusal)
        if refusal is not None:
            raise OutboundRefused(refusal)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True
