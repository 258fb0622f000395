"""The Fetcher: the one way the program reads the web.

Each concern lives in its own module; this one only puts them in order, per
hop of a redirect chain:

    scheme -> private-network guard -> robots.txt -> host turn + global slot
    -> one bounded exchange -> anti-bot wall? -> retry? -> redirect? -> decode

Redirects are followed here, not by httpx, so that every hop passes the same
checks as the first URL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

import httpx

from monitor.config.settings import FetchSettings
from monitor.errors import BlockedError, FetchError, HTTPStatusError, NotAllowedError
from monitor.fetch import challenge, netguard
from monitor.fetch.decode import decode, media_type
from monitor.fetch.exchange import Reply, Transient, exchange, timeout_error
from monitor.fetch.hosts import HostThrottle
from monitor.fetch.retry import RetryPolicy, is_retryable_status, parse_retry_after
from monitor.fetch.robots import (
    MAX_ROBOTS_BYTES,
    RobotsAnswer,
    RobotsCache,
    RobotsFetch,
    answer_from_error,
)
from monitor.models import Document, NotModified, Validators

MAX_REDIRECTS = 10
ROBOTS_REDIRECTS = 5     # RFC 9309 asks crawlers to follow at least five
ACCEPT = ("text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
          "application/feed+json,application/xml;q=0.9,application/json;q=0.8,*/*;q=0.5")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _origin_url(url: str) -> str:
    scheme, host, port = netguard.origin(url)
    default = 443 if scheme == "https" else 80
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + ("" if port == default else f":{port}")


class Fetcher:
    """Fetches with manners and bounds; see the package docstring for the rules.

    One instance per run: it owns the connection pool, the per-host spacing
    and the robots.txt cache, which only help when shared by every fetch.
    """

    def __init__(self, *, user_agent: str, concurrency: int = 16,
                 now: Callable[[], datetime] = _utcnow,
                 retry: RetryPolicy | None = None) -> None:
        self._now = now
        self._retry = retry or RetryPolicy()
        self._hosts = HostThrottle(concurrency)
        self._robots = RobotsCache(user_agent=user_agent, now=now)
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,   # no proxy or .netrc surprises; every hop is checked by us
            timeout=httpx.Timeout(20.0),
            # In-flight requests are capped by the HostThrottle; a pool cap too would
            # only add a second queue whose wait counts against a request's deadline.
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=concurrency),
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def __aenter__(self) -> Fetcher:
        await self._client.__aenter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self._client.__aexit__(exc_type, exc, tb)

    async def fetch(self, url: str, settings: FetchSettings, *,
                    validators: Validators | None = None, encoding: str | None = None,
                    trusted: bool = True) -> Document | NotModified:
        """Fetch one URL: a Document, or NotModified when `validators` still hold.

        `trusted` is True only for a source's own configured URL; anything found
        in content is untrusted and may not reach private networks.
        Raises FetchError or one of its subclasses, never anything from httpx.
        """
        headers = {"Accept": ACCEPT, "Accept-Language": "th,en;q=0.8"}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        reply = await self._follow(url, settings, headers, trusted=trusted,
                                   max_hops=MAX_REDIRECTS, robots=settings.respect_robots,
                                   retries=settings.retries, max_bytes=settings.max_bytes)
        if reply.status == 304 and conditional:
            return NotModified(url=reply.url)
        if not 200 <= reply.status < 300:
            status = f"{reply.status} {reply.reason}".strip()
            raise HTTPStatusError(f"HTTP {status} from {reply.url}", url=reply.url,
                                  status=reply.status)
        content_type = reply.headers.get("content-type")
        text, codec = decode(reply.body, content_type, encoding)
        return Document(url=reply.url, content=reply.body, text=text, encoding=codec,
                        content_type=media_type(content_type), status=reply.status,
                        fetched_at=self._now(), etag=reply.headers.get("etag"),
                        last_modified=reply.headers.get("last-modified"))

    async def _follow(self, url: str, settings: FetchSettings, headers: dict[str, str], *,
                      trusted: bool, max_hops: int, robots: bool, retries: int,
                      max_bytes: int, truncate: bool = False) -> Reply:
        """Request `url` and follow redirects by hand, checking every hop like the first."""
        trusted_origin = netguard.origin(url) if trusted and _is_web(url) else None
        seen: set[str] = set()
        current = url
        for _hop in range(max_hops + 1):
            netguard.check_scheme(current)
            seen.add(str(httpx.URL(current)))
            hop_trusted = trusted_origin is not None and netguard.origin(current) == trusted_origin
            guard = not hop_trusted and not settings.allow_private_networks
            if guard:
                await netguard.check_public(current, settings.timeout)
            if robots:
                await self._robots.check(current, _origin_url(current),
                                         self._robots_fetch(settings, hop_trusted))
            reply = await self._with_retries(current, settings, headers, retries=retries,
                                             check_peer=guard, max_bytes=max_bytes,
                                             truncate=truncate)
            target = reply.location
            if target is None:
                return reply
            try:
                current = str(httpx.URL(current).join(target))
            except (httpx.InvalidURL, ValueError, UnicodeError):
                raise FetchError(f"{reply.url} redirects to an invalid URL: {target!r}",
                                 url=url) from None
            if current in seen:
                raise FetchError(f"redirect loop: {reply.url} redirects back to {current} "
                                 f"(started at {url})", url=url)
        raise FetchError(f"more than {max_hops} redirects, starting at {url}", url=url)

    async def _with_retries(self, url: str, settings: FetchSettings, headers: dict[str, str],
                            *, retries: int, check_peer: bool, max_bytes: int,
                            truncate: bool) -> Reply:
        """One hop, retried on failures another attempt may cure."""
        host = netguard.host_key(url)
        waited = 0.0
        attempts = retries + 1
        for attempt in range(attempts):
            reply: Reply | None = None
            failure: Transient | None = None
            async with self._hosts.slot(host, settings.min_delay_per_host) as mark:
                try:
                    reply = await exchange(self._client, url, headers, timeout=settings.timeout,
                                           max_bytes=max_bytes, check_peer=check_peer,
                                           truncate=truncate, on_send=mark)
                except Transient as exc:
                    failure = exc
            if reply is not None:
                wall = challenge.detect(reply.status, reply.headers, reply.body)
                if wall:
                    raise BlockedError(f"{url} answered with a {wall} page (HTTP "
                                       f"{reply.status}) instead of content", url=url)
                if not is_retryable_status(reply.status):
                    return reply
            retry_after = parse_retry_after(reply.headers.get("retry-after"), self._now()
                                            ) if reply is not None else None
            wait, why = self._retry.delay(attempt, retry_after, waited)
            if retry_after is not None and wait is not None:
                self._hosts.hold(host, wait)   # the whole host asked for a pause, not one URL
            if attempt + 1 == attempts or wait is None:
                done = attempt + 1
                suffix = f" after {done} attempts" if done > 1 else ""
                because = f" ({why})" if why and done < attempts else ""
                if failure is not None:
                    error = timeout_error(failure, done)
                    raise type(error)(f"{error}{because}", url=url)
                assert reply is not None
                raise HTTPStatusError(f"HTTP {reply.status} from {url}{suffix}{because}",
                                      url=url, status=reply.status)
            await asyncio.sleep(wait)
            waited += wait
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _robots_fetch(self, settings: FetchSettings, trusted: bool) -> RobotsFetch:
        """How to fetch one robots.txt: with the page's manners and trust, no retries,
        no robots check of its own, and only its first 500 KiB."""

        async def fetch_robots(robots_url: str) -> RobotsAnswer:
            try:
                reply = await self._follow(
                    robots_url, settings, {"Accept": "text/plain,*/*"}, trusted=trusted,
                    max_hops=ROBOTS_REDIRECTS, robots=False, retries=0,
                    max_bytes=MAX_ROBOTS_BYTES, truncate=True)
            except BlockedError:
                raise   # the wall, not robots.txt, is what the user must hear about
            except FetchError as exc:
                return answer_from_error(exc)
            return RobotsAnswer(status=reply.status, body=reply.body)

        return fetch_robots


def _is_web(url: str) -> bool:
    try:
        netguard.check_scheme(url)
    except NotAllowedError:
        return False
    return True
