"""A crawl keeps a bounded number of sources in progress, taken one host at a time."""

from __future__ import annotations

import asyncio

from monitor.config.settings import Source
from monitor.pipeline import bounded, by_host_turns


def sources(*urls: str) -> list[Source]:
    return [Source(name=f"s{i}", url=url, type="feed") for i, url in enumerate(urls)]


def test_hosts_take_turns_in_config_order_within_each() -> None:
    chosen = sources("http://a.example/1", "http://A.example/2", "http://a.example/3",
                     "https://b.example/1", "http://c.example/1", "http://b.example/2")
    assert by_host_turns(chosen) == [0, 3, 4, 1, 5, 2]


def test_bounded_keeps_the_limit_and_the_config_order() -> None:
    chosen = sources(*(f"http://h{i % 3}.example/{i}" for i in range(20)))
    running = 0
    most = 0
    started: list[str] = []

    async def one(source: Source) -> str:
        nonlocal running, most
        running += 1
        most = max(most, running)
        started.append(source.name)
        await asyncio.sleep(0.001 * (int(source.name[1:]) % 4))
        running -= 1
        return source.name

    results = asyncio.run(bounded(chosen, one, 4))
    assert results == [s.name for s in chosen]
    assert most == 4
    assert started[:3] == ["s0", "s1", "s2"]   # three hosts before a host's second source
    assert sorted(started) == sorted(s.name for s in chosen)
