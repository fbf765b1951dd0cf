"""The worker's outgoing HTTP: httpx's client API over aiohttp's connection pool (httpx-aiohttp),
with a bounded number of connections per host.

Why not httpx's own transport: every delivery is one HTTP call, and on the 600-channel benchmark
httpx's httpcore/anyio stack was the largest single CPU cost of a delivery; the same client over
aiohttp's pool costs much less (figures: bench/README.md, "Figures moved out of code comments").
The code above it is unchanged: it builds httpx requests and reads httpx responses.

Per host, so that a slow partner webhook endpoint cannot hold the connections Slack's calls need.
A request waits for a connection at most its pool timeout, then fails as httpx.PoolTimeout would.

Every connection goes through the outbound guard (anken_common.outbound_guard): the connector's
resolver drops the addresses the guard refuses, after DNS and on the address actually connected
to, so the check costs nothing per request beyond the lookup (aiohttp caches it per host). No
response body is held whole beyond MAX_RESPONSE_BYTES.
"""

from __future__ import annotations

import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from anken_common.outbound_guard import OutboundPolicy, OutboundRefused, ProxiedTargetCheck
from anken_worker.adapters.guarded_dns import GuardedConnector

# An idle connection is dropped before the server would close it (uvicorn closes after 5 s, many
# load balancers later): reusing one the server is closing at that moment fails with "server
# disconnected", which would cost a delivery an attempt for nothing.
KEEPALIVE_EXPIRY_S = 4.0
# aiohttp errors that mean "the connection broke", which httpx-aiohttp reports as a connect timeout:
# the delivery code treats a timeout as "the server may still finish it" and waits before retrying.
_BROKEN = (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)
# No answer from an external API is held in memory beyond this (a hostile base URL could stream forever).
MAX_RESPONSE_BYTES = 16 * 1024 * 1024


class OutboundBlocked(httpx.TransportError):
    """The outbound guard refused the address this request would connect to."""


class ResponseTooLarge(httpx.TransportError):
    """The answer went on past the size the reader accepts."""


def _connection_error(exc: httpx.HTTPError) -> httpx.HTTPError:
    cause = exc.__cause__
    if isinstance(cause, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError(str(cause) or "server disconnected")
    if isinstance(cause, _BROKEN):
        return httpx.ConnectError(str(cause) or type(cause).__name__)
    if isinstance(cause, aiohttp.ConnectionTimeoutError):
        return httpx.PoolTimeout(str(cause) or "no free connection in time")
    return exc


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream, limit: int = MAX_RESPONSE_BYTES) -> None:
        self._stream = stream
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        read = 0
        try:
            async for chunk in self._stream:
                read += len(chunk)
                if read > self._limit:
                    raise ResponseTooLarge(f"the answer is larger than {self._limit} bytes")
                yield chunk
        except httpx.TimeoutException as exc:
            mapped = _connection_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc.__cause__

    async def aclose(self) -> None:
        await self._stream.aclose()


class HostLimitedTransport(AiohttpTransport):
    """At most `in_flight_per_host` connections per (scheme, host, port), waiting in line beyond that."""

    def __init__(self, in_flight_per_host: int = 32, keepalive_expiry_s: float = KEEPALIVE_EXPIRY_S,
                 policy: OutboundPolicy | None = None) -> None:
        self.in_flight_per_host = max(1, in_flight_per_host)
        self.keepalive_expiry_s = keepalive_expiry_s
        self.policy = policy or OutboundPolicy()
        self._proxied = bool(urllib.request.getproxies())
        self._proxied_targets = ProxiedTargetCheck(self.policy)
        super().__init__(client=self._session)

    def _session(self) -> aiohttp.ClientSession:
        # Made on first use, inside the event loop that will use it.
        proxies = urllib.request.getproxies()
        self._proxied = bool(proxies)
        # The proxies the operator configured are reached as such; the targets behind them are checked
        # per request before the proxy gets them: name, written address, and the addresses the name
        # resolves to here (ProxiedTargetCheck, cached per host).
        policy = self.policy.also_allowing(u for k, u in proxies.items() if k != "no") if proxies else self.policy
        connector = GuardedConnector(policy, limit=0, limit_per_host=self.in_flight_per_host,
                                     keepalive_timeout=self.keepalive_expiry_s, ssl=self.ssl_context)
        # HTTP(S)_PROXY / NO_PROXY are honoured, as httpx's own transport did. Only when a proxy is set:
        # aiohttp then looks up the proxy (and ~/.netrc) on every request, which costs more than the call.
        return aiohttp.ClientSession(connector=connector, trust_env=bool(urllib.request.getproxies()))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            if self._proxied:
                await self._proxied_targets.check(str(request.url))
            response = await super().handle_async_request(request)
        except OutboundRefused as exc:
            raise OutboundBlocked(f"refused by the outbound guard: {exc.reason}", request=request) from None
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            mapped = _connection_error(exc)
            if mapped is exc:
                raise
            mapped.request = request
            raise mapped from exc.__cause__
        except TimeoutError as exc:
            # aiohttp's overall timeouts surface as asyncio's; httpx callers expect httpx's.
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Body(response.stream)
        return response

    async def aclose(self) -> None:
        await super().aclose()
        self.client = self._session  # a closed client starts a new session if used again


class _UnkeptCookies(httpx.Cookies):
    """A jar that keeps nothing: the APIs the worker calls authenticate each request by token."""

    def extract_cookies(self, response: httpx.Response) -> None:
        # httpx would turn every response into a urllib request for http.cookiejar: a tenth of a call's CPU.
        return None


class OutboundClient(httpx.AsyncClient):
    """httpx's client for calls to external APIs, keeping no cookies between calls."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cookies = _UnkeptCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._cookies

    @cookies.setter  # type: ignore[override]  # httpx types the setter wider (CookieTypes); this one keeps none
    def cookies(self, cookies: httpx.Cookies) -> None:
        self._cookies = cookies if isinstance(cookies, _UnkeptCookies) else _UnkeptCookies(cookies)
