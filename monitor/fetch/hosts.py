"""Politeness: spacing per host and a cap on requests in flight overall.

Each host has its own lock, so a request waiting for its host's turn holds
nothing that other hosts need; the global semaphore is taken only once the
host's turn has come, and released as soon as the exchange ends (not while
backing off before a retry).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

# Hosts remembered before the ones that no longer constrain anything are forgotten
# (at most every time the table doubles): `monitor run` keeps one throttle for months
# and meets every outlet its aggregators link to.
MAX_HOSTS = 4096


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float = float("-inf")
    not_before: float = float("-inf")   # set by a 429/503's Retry-After
    free_at: float = float("-inf")      # from then on, a new request need not wait
    spacing: float = 0.0                # what the host's robots.txt asks (Crawl-delay)
    users: int = 0                      # requests holding or waiting for its turn


class HostThrottle:
    def __init__(self, concurrency: int, clock: Callable[[], float] = time.monotonic) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._slots = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, _Host] = {}
        self._forget_at = MAX_HOSTS
        self._clock = clock

    def _host(self, key: str) -> _Host:
        host = self._hosts.get(key)
        if host is None:
            if len(self._hosts) >= self._forget_at:
                self._forget_free_hosts()
            host = self._hosts[key] = _Host()
        return host

    def _forget_free_hosts(self) -> None:
        """Drop the hosts nobody is waiting for whose spacing and back-off have run out:
        a new _Host behaves the same. Amortised: the next sweep waits for twice as many."""
        now = self._clock()
        self._hosts = {key: host for key, host in self._hosts.items()
                       if host.users or host.free_at > now}
        self._forget_at = max(MAX_HOSTS, 2 * len(self._hosts))

    def hold(self, key: str, seconds: float) -> None:
        """Keep every request to `key` waiting `seconds`: the host asked us to back off."""
        host = self._host(key)
        host.not_before = max(host.not_before, self._clock() + seconds)
        host.free_at = max(host.free_at, host.not_before)

    def space(self, key: str, seconds: float) -> None:
        """Keep requests to `key` at least `seconds` apart, whatever the caller's
        own spacing: the host's robots.txt asked for it. The fetcher sets it before
        each request from the robots.txt it holds, so a host forgotten in between
        loses nothing (one is forgotten only once its last request is older than
        its spacing)."""
        self._host(key).spacing = seconds

    def spacing(self, key: str) -> float:
        """The spacing `space` last set for `key` (0 when none, or once it is forgotten)."""
        host = self._hosts.get(key)
        return host.spacing if host is not None else 0.0

    @asynccontextmanager
    async def slot(self, key: str, min_delay: float
                   ) -> AsyncIterator[Callable[[], None] | None]:
        """Wait for the host's turn, then for a free slot; yields `mark` (None when
        requests to the host are not spaced).

        The start is recorded once the global slot is had, so spacing holds
        between real starts even when slots are scarce. Calling `mark()` when
        the request actually goes on the wire moves the start there: opening a
        connection can take a while, and the host should see the spacing.
        """
        host = self._host(key)
        host.users += 1
        try:
            async with host.lock:
                while True:
                    min_delay = max(min_delay, host.spacing)
                    wait = max(host.last_start + min_delay, host.not_before) - self._clock()
                    if wait <= 0:
                        break
                    await asyncio.sleep(wait)
                await self._slots.acquire()
                host.last_start = self._clock()
                host.free_at = max(host.free_at, host.last_start + min_delay)
        except BaseException:
            host.users -= 1
            raise

        def mark() -> None:
            host.last_start = max(host.last_start, self._clock())
            host.free_at = max(host.free_at, host.last_start + min_delay)

        try:
            # Without spacing there is no start to move (and tracing a request costs
            # httpcore a dozen awaits).
            yield mark if min_delay > 0 else None
        finally:
            host.users -= 1
            self._slots.release()
