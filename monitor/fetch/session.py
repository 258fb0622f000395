"""What the fetcher asks of an HTTP client, and no more: httpx's requests and
responses over one transport, with default headers and each site's cookies.

httpx's AsyncClient wraps each request in machinery the fetcher never uses
(it follows redirects, times and retries by itself, and has no auth or event
hooks): merging a base URL, query parameters and per-request cookies, an auth
flow, a redirect loop, a timed stream wrapper and a log line. Over the
monitor's transport that was about a third of the CPU of a request answered
304 (`benchmarks/fetch_clients.py`). The transport, the Request and Response
objects, the cookie jar and the error mapping are httpx's own, as before.

Cookies are kept per site (registrable domain: `www.dga.or.th` and
`e-service.dga.or.th` are one site), not in one jar. The standard library's
jar, under httpx's, looks at every domain it holds to answer one request:
with the session cookies of 5,000 sites (most agency sites set one) a request
cost 19 ms of CPU, so a crawl of thousands of sources grew with the square of
their number (`benchmarks/cookies.py`). Within a site the jar's own rules
hold, as a browser's do: a cookie a host sets for itself goes back to that
host only, and one it sets for the site's domain (`Domain=agency.go.th`, as a
portal's language or session cookie is set before it sends the visitor to
another of its hosts) to every host of the site. No cookie reaches another
site, whatever domain it names.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx

from monitor.text.urls import registrable_domain

# The fetcher bounds every exchange as a whole (monitor.fetch.exchange); httpcore's
# timeouts per network operation stay off, as each would set and cancel a timer.
_NO_TIMEOUTS = {"connect": None, "read": None, "write": None, "pool": None}

# Sites whose cookies are kept, the least recently used forgotten beyond this
# (a jar with a session cookie is about 1.7 KB: 7 MB at most; a forgotten site
# sets its cookies again on the next visit).
MAX_SITES = 4096
# A site that sets more cookies than this loses them all: no page the monitor
# reads needs so many, and each one is looked at on every request to the site.
MAX_COOKIES_PER_SITE = 50


class _Site:
    """One site's cookies: the jar, and the cookie headers of answers not yet read into
    it. The jar reads them when the site is next asked: it builds a urllib request and
    response to read any, and in a crawl most hosts are asked once (an eighth of an
    unchanged re-crawl of 2,000 hosts that each set a session cookie)."""

    def __init__(self) -> None:
        self.jar = httpx.Cookies()
        self.unread: list[tuple[httpx.Request, list[tuple[str, str]]]] = []

    def cookies(self) -> httpx.Cookies:
        for request, headers in self.unread:
            self.jar.extract_cookies(httpx.Response(200, headers=headers, request=request))
        self.unread.clear()
        if len(self.jar.jar) > MAX_COOKIES_PER_SITE:
            self.jar.clear()
        return self.jar


class Session:
    """One transport, the headers every request carries, and the cookies each site
    set (kept for the life of the session, as a browser keeps them)."""

    def __init__(self, transport: httpx.AsyncBaseTransport, headers: Mapping[str, str]) -> None:
        self._transport = transport
        # httpx's own defaults first, as its client sent them.
        self._headers = httpx.Headers({"Accept": "*/*", "Connection": "keep-alive"})
        self._headers.update(headers)
        self._sites: OrderedDict[str, _Site] = OrderedDict()

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
        domain = registrable_domain(request.url.host)
        site = self._sites.get(domain)
        if site is not None:
            self._sites.move_to_end(domain)
            cookies = site.cookies()
            if cookies:
                cookies.set_cookie_header(request)
        response = await self._transport.handle_async_request(request)
        try:
            response.request = request
            if "set-cookie" in response.headers or "set-cookie2" in response.headers:
                self._remember(domain, request, response.headers)
            yield response
        finally:
            await response.aclose()

    def _remember(self, domain: str, request: httpx.Request, headers: httpx.Headers) -> None:
        setting = [(name, value) for name, value in headers.multi_items()
                   if name in ("set-cookie", "set-cookie2")]
        if len(setting) > MAX_COOKIES_PER_SITE:
            # Never read: 3,000 cookies in one answer took the jar 47 ms.
            self._sites.pop(domain, None)
            return
        site = self._sites.get(domain)
        if site is None:
            site = self._sites[domain] = _Site()
            while len(self._sites) > MAX_SITES:
                self._sites.popitem(last=False)
        site.unread.append((request, setting))

    async def aclose(self) -> None:
        await self._transport.aclose()
