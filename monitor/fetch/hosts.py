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


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float = float("-inf")
    not_before: float = float("-inf")   # set by a 429/503's Retry-After


class HostThrottle:
    def __init__(self, concurrency: int, clock: Callable[[], float] = time.monotonic) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._slots = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, _Host] = {}
        self._clock = clock

    def _host(self, key: str) -> _Host:
        return self._hosts.setdefault(key, _Host())

    def hold(self, key: str, seconds: float) -> None:
        """Keep every request to `key` waiting `seconds`: the host asked us to back off."""
        host = self._host(key)
        host.not_before = max(host.not_before, self._clock() + seconds)

    @asynccontextmanager
    async def slot(self, key: str, min_delay: float) -> AsyncIterator[Callable[[], None]]:
        """Wait for the host's turn, then for a free slot; yields `mark`.

        The start is recorded once the global slot is had, so spacing holds
        between real starts even when slots are scarce. Calling `mark()` when
        the request actually goes on the wire moves the start there: opening a
        connection can take a while, and the host should see the spacing.
        """
        host = self._host(key)
        async with host.lock:
            while True:
                wait = max(host.last_start + min_delay, host.not_before) - self._clock()
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            await self._slots.acquire()
            host.last_start = self._clock()
        def mark() -> None:
            host.last_start = max(host.last_start, self._clock())

        try:
            yield mark
        finally:
            self._slots.release()
