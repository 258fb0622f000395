"""Coalescing a job that many others ask for: `monitor run`'s publishing.

Each crawl of one source used to rewrite every output. With thousands of
sources on an hourly interval that is thousands of publishes an hour, each
reading the whole window: more work than the hour holds. Here the first
request runs the job at once; requests that come within `gap` of the last
run join one run at the end of the gap, so the outputs lag the last crawl by
at most `gap` and the job runs at most once per `gap`, however many sources
finish crawling.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable

__all__ = ["Coalesced"]


class Coalesced:
    def __init__(self, job: Callable[[], Awaitable[None]], gap: float) -> None:
        self._job = job
        self._gap = gap
        self._last = -math.inf
        self._waiting: asyncio.Task[None] | None = None

    async def request(self) -> None:
        """Run the job now, or make sure a run is due within `gap` (then return at once)."""
        if self._waiting is not None:
            return   # the run already waiting starts later, so it includes this request
        delay = self._last + self._gap - asyncio.get_running_loop().time()
        if delay <= 0:
            await self._run()
        else:
            self._waiting = asyncio.create_task(self._later(delay))

    @property
    def due(self) -> bool:
        """A run is waiting: requests came since the last run started."""
        return self._waiting is not None

    async def _later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._waiting = None     # a request from now on is not covered by this run
        await self._run()

    async def _run(self) -> None:
        self._last = asyncio.get_running_loop().time()
        await self._job()
