"""monitor run's publishing: many requests, few runs, none lost (a real event loop)."""

from __future__ import annotations

import asyncio

from monitor.coalesce import Coalesced


def test_a_burst_of_requests_runs_the_job_now_and_once_more_after_the_gap() -> None:
    async def scenario() -> tuple[list[float], bool]:
        loop = asyncio.get_running_loop()
        runs: list[float] = []

        async def job() -> None:
            runs.append(loop.time())

        coalesced = Coalesced(job, gap=0.2)
        start = loop.time()
        for _ in range(50):            # fifty sources finishing within a moment
            await coalesced.request()
            await asyncio.sleep(0.001)
        due = coalesced.due
        await asyncio.sleep(0.35)
        return [t - start for t in runs], due

    runs, due = asyncio.run(scenario())
    assert due, "requests after the first wait for one run"
    assert len(runs) == 2, runs
    assert runs[0] < 0.05, "the first request runs at once"
    assert 0.19 <= runs[1] - runs[0] < 0.3, "the rest join one run at the end of the gap"


def test_requests_a_gap_apart_each_run_at_once() -> None:
    async def scenario() -> int:
        runs = 0

        async def job() -> None:
            nonlocal runs
            runs += 1

        coalesced = Coalesced(job, gap=0.05)
        for _ in range(3):
            await coalesced.request()
            assert not coalesced.due
            await asyncio.sleep(0.08)
        return runs

    assert asyncio.run(scenario()) == 3
