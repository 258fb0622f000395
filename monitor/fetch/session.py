"""What the fetcher asks of an HTTP client, and no more: httpx's requests and
responses over one transport, with default headers and a cookie jar.

httpx's AsyncClient wraps each request in machinery the fetcher never uses
(it follows redirects, times and retries by itself, and has no auth or event
hooks): merging a base URL, query parameters and per-request cookies, an auth
flow, a redirect loop, a timed stream wrapper and a log line. Over the
monitor's transport that was about a third of the CPU of a request answered
304 (`benchmarks/fetch_clients.py`). The transport, the Request and Response
objects and the error mapping are httpx's own, as before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx

# The fetcher bounds every exchange as a whole (monitor.fetch.exchange); httpcore's
# timeouts per network operation stay off, as each one costs it a cancel scope.
_NO_TIMEOUTS = {"connect": None, "read": None, "write": None, "pool": None}


class _Cookies(httpx.Cookies):
    """httpx's cookie jar, which looks at a response only when it sets a cookie.

    httpx builds a urllib request and response for the jar from every response,
    cookies or not: about a tenth of the CPU of an unchanged re-crawl.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers or "set-cookie2" in response.headers:
            super().extract_cookies(response)


class Session:
    """One transport, the headers every request carries, and the cookies servers set
    (kept for the life of the session, as a browser keeps them)."""

    def __init__(self, transport: httpx.AsyncBaseTransport, headers: Mapping[str, str]) -> None:
        self._transport = transport
        # httpx's own defaults first, as its client sent them.
        self._headers = httpx.Headers({"Accept": "*/*", "Connection": "keep-alive"})
        self._headers.update(headers)
        self.cookies = _Cookies()

    @asynccontextmanager
    async def stream(self, method: str, url: str, *, headers: Mapping[str, str],
                     data: Mapping[str, str] | None = None, content: bytes | None = None,
                     extensions: dict[str, object] | None = None
                     ) -> AsyncIterator[httpx.Response]:
        """The response with its body unread; closed (its connection released) on exit."""
        merged = self._headers.copy()
        merged.update(headers)
        request = httpx.Request(method, url, headers=merged, data=data, content=content,
                                extensions={**(extensions or {}), "timeout": _NO_TIMEOUTS})
        if self.cookies:
            self.cookies.set_cookie_header(request)
        response = await self._transport.handle_async_request(request)
        try:
            response.request = request
            self.cookies.extract_cookies(response)
            yield response
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()
