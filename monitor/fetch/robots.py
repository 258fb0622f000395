"""robots.txt per RFC 9309, cached per origin.

Python's urllib.robotparser takes the first matching rule instead of the
longest and ignores `*` and `$`, so Protego (Scrapy's RFC-following parser)
does the matching. The status rules are the RFC's: a 4xx means there is no
robots.txt (allow all); a 5xx or no answer means the site may be in trouble
(disallow all until it answers). A good copy is kept for 24 hours; a failed
fetch is remembered briefly, and a previous good copy is preferred to it.

`Crawl-delay`, which RFC 9309 leaves out but many sites' files carry (an
administrator's way of saying how often a robot may come), is honoured up
to MAX_CRAWL_DELAY: `check` returns it for the fetcher to space the host by.

Good copies also outlive the process when the cache is given a memory (the
store): a crawl run by cron every hour asked every site for its robots.txt
again each time, two requests per source where one answered 304 would do.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from protego import Protego

from monitor.errors import FetchError, NotAllowedError

TTL = timedelta(hours=24)
FAILURE_TTL = timedelta(minutes=10)
MAX_ROBOTS_BYTES = 500 * 1024   # RFC 9309: parse at least the first 500 KiB
# A robots.txt longer than this is fetched again by each process, not kept (real
# ones are a few KB; the store should not hold half a megabyte per hostile site).
KEPT_BYTES = 64 * 1024
# Origins whose rules are held in memory, the least recently asked forgotten first:
# a scheduler running for months meets every outlet its aggregators link to, and a
# parsed robots.txt of up to MAX_ROBOTS_BYTES each would otherwise pile up. One
# forgotten is read back from the memory (the store), or asked again.
MAX_ORIGINS = 4096
# The longest Crawl-delay honoured, in seconds. A source may fetch 100 articles a
# crawl (max_articles); at 10 s apart they take 17 minutes, within the hourly
# interval, where a site's 60 or 86400 would never let its crawl end.
MAX_CRAWL_DELAY = 10.0


@dataclass(frozen=True)
class RobotsAnswer:
    """What fetching /robots.txt gave: a status and body, or an error (unreachable)."""

    status: int = 0
    body: bytes = b""
    error: str = ""


RobotsFetch = Callable[[str], Awaitable[RobotsAnswer]]


class RobotsMemory(Protocol):
    """Where good answers are kept between processes (monitor.store.Store)."""

    def robots_answer(self, origin: str) -> tuple[int, bytes, datetime] | None: ...

    def save_robots_answer(self, origin: str, status: int, body: bytes,
                           fetched: datetime) -> None: ...


@dataclass
class _Entry:
    rules: Protego | None     # None with allow_all False: disallow all
    allow_all: bool
    reason: str               # why everything is allowed/disallowed, for messages
    expires: datetime


def spacing_asked(seconds: float, host: str) -> str:
    """What `preview` and `discover` tell a user whose site's Crawl-delay slows its crawls."""
    return (f"robots.txt asks {seconds:g} s between requests to {host} (Crawl-delay, kept "
            f"up to {MAX_CRAWL_DELAY:g} s)")


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against (RFC 9309 2.2.1).

    Matching the whole User-Agent header would let a group for any word in its
    comment (such as a home-page URL) apply to us.
    """
    token = user_agent.strip().split("/", 1)[0].split()[0] if user_agent.strip() else ""
    return token or user_agent


def robots_url(origin: str) -> str:
    return f"{origin}/robots.txt"


class RobotsCache:
    def __init__(self, *, user_agent: str, now: Callable[[], datetime],
                 memory: RobotsMemory | None = None) -> None:
        self._agent = agent_token(user_agent)
        self._now = now
        self._memory = memory
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        # A lock per origin being checked, with the number of checks holding it or
        # waiting for it: dropped when the last one is done.
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    async def check(self, url: str, origin: str, fetch: RobotsFetch) -> float:
        """Raise NotAllowedError unless robots.txt of `origin` lets us fetch `url`;
        return the seconds it asks between our requests (its Crawl-delay, at most
        MAX_CRAWL_DELAY; 0 when it asks none).

        `fetch` is called with the robots.txt URL when the cache has no fresh copy;
        it comes from the caller so the fetch uses that page's settings and trust.
        """
        entry = await self._entry(origin, fetch)
        if entry.rules is not None:
            if not entry.rules.can_fetch(url, self._agent):
                raise NotAllowedError(
                    f"robots.txt disallows {url} for {self._agent}", url=url)
            return min(entry.rules.crawl_delay(self._agent) or 0.0, MAX_CRAWL_DELAY)
        if not entry.allow_all:
            raise NotAllowedError(f"{url} not fetched: {entry.reason}", url=url)
        return 0.0

    async def sitemaps(self, origin: str, fetch: RobotsFetch) -> list[str]:
        """The `Sitemap:` URLs of `origin`'s robots.txt (from the cache when fresh)."""
        entry = await self._entry(origin, fetch)
        return list(entry.rules.sitemaps) if entry.rules is not None else []

    async def _entry(self, origin: str, fetch: RobotsFetch) -> _Entry:
        lock, users = self._locks.get(origin) or (asyncio.Lock(), 0)
        self._locks[origin] = (lock, users + 1)
        try:
            async with lock:   # one robots.txt request per origin, however many pages wait
                return await self._entry_locked(origin, fetch)
        finally:
            lock, users = self._locks[origin]
            if users == 1:
                del self._locks[origin]
            else:
                self._locks[origin] = (lock, users - 1)

    async def _entry_locked(self, origin: str, fetch: RobotsFetch) -> _Entry:
        entry = self._entries.get(origin)
        if entry is None and self._memory is not None:
            entry = self._recalled(origin)
            if entry is not None:
                self._hold(origin, entry)
        if entry is not None and entry.expires > self._now():
            self._entries.move_to_end(origin)
            return entry
        answer = await fetch(robots_url(origin))
        fresh = self._interpret(answer, origin)
        if self._memory is not None and _keepable(answer):
            # Only a robots.txt is worth its bytes: a 404's page is not one.
            body = answer.body if 200 <= answer.status < 300 else b""
            self._memory.save_robots_answer(origin, answer.status, body, self._now())
        if (fresh.rules is None and not fresh.allow_all and entry is not None
                and entry.rules is not None):
            # Unreachable now, but we have a good copy: keep using it for a while.
            entry.expires = self._now() + FAILURE_TTL
            self._hold(origin, entry)
            return entry
        self._hold(origin, fresh)
        return fresh

    def _hold(self, origin: str, entry: _Entry) -> None:
        self._entries[origin] = entry
        self._entries.move_to_end(origin)
        while len(self._entries) > MAX_ORIGINS:
            self._entries.popitem(last=False)

    def _recalled(self, origin: str) -> _Entry | None:
        """The answer a previous process kept (only `_keepable` ones are), fresh for 24
        hours from its fetch; an older one still serves, as a copy kept in memory does,
        while the site is unreachable."""
        assert self._memory is not None
        kept = self._memory.robots_answer(origin)
        if kept is None:
            return None
        status, body, fetched = kept
        return self._interpret(RobotsAnswer(status=status, body=body), origin, fetched)

    def _interpret(self, answer: RobotsAnswer, origin: str,
                   fetched: datetime | None = None) -> _Entry:
        """RFC 9309's reading of the answer; `reason` is what the user reads when refused.
        Fresh for TTL (or FAILURE_TTL) from `fetched`, by default now."""
        now = fetched or self._now()
        refused = f"{robots_url(origin)} answered HTTP {answer.status}, which means disallow all"
        if answer.error:
            # Usually the whole site is down or its name does not resolve: say that first.
            return _Entry(None, False, f"cannot reach {origin} ({answer.error}); an "
                          "unreachable robots.txt means disallow all (RFC 9309)",
                          now + FAILURE_TTL)
        if 200 <= answer.status < 300:
            text = answer.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
            return _Entry(Protego.parse(text), True, "", now + TTL)
        if answer.status == 429 or answer.status >= 500:
            return _Entry(None, False, refused + " (RFC 9309)", now + FAILURE_TTL)
        if 400 <= answer.status < 500:
            return _Entry(None, True, f"answered HTTP {answer.status}", now + TTL)
        return _Entry(None, False, refused, now + FAILURE_TTL)


def _keepable(answer: RobotsAnswer) -> bool:
    """An answer a crawler may rely on for a day (a good copy, or none there at all)."""
    if answer.error:
        return False
    if 200 <= answer.status < 300:
        return len(answer.body) <= KEPT_BYTES
    return 400 <= answer.status < 500 and answer.status != 429


def answer_from_error(exc: FetchError) -> RobotsAnswer:
    """A failed robots.txt fetch, as RFC 9309 sees it: unreachable, or an HTTP status."""
    status = getattr(exc, "status", 0)
    if status:
        return RobotsAnswer(status=status)
    return RobotsAnswer(error=str(exc))
