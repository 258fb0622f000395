"""What a request costs once many sites have set cookies, printed.

    .venv/bin/python benchmarks/cookies.py [--sites 0,1000,5000] [--requests 500]

Most agency sites set a session cookie. A crawl of thousands of them fills the
cookie jar with thousands of sites' cookies; this measures the CPU of one more
request (to a site that set none) after N sites set one each, through:

- httpx's AsyncClient, whose single jar (the standard library's) looks at
  every domain it holds for every request;
- the monitor's session (monitor.fetch.session), which keeps a jar per site (registrable domain).

Then the CPU of one hostile answer that sets 3,000 cookies at once (as many
as fit in the 100 KB of headers httpcore accepts).

No network: httpx's MockTransport answers in-process (200 with a cookie for
`/set`, 304 otherwise), so the figures are the client's and the jar's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from monitor.fetch.session import Session  # noqa: E402


def answer(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/set":
        return httpx.Response(200, headers={"Set-Cookie": "PHPSESSID=abc123; Path=/"})
    return httpx.Response(304)


Get = Callable[[str], Awaitable[None]]


async def per_request(get: Get, sites: int, requests: int) -> float:
    """CPU microseconds per request to a fresh site, after `sites` sites set a cookie."""
    for n in range(sites):
        await get(f"http://www.site{n}.go.th/set")
    started = time.process_time()
    for n in range(requests):
        await get(f"http://www.other{n}.go.th/news")
    return 1e6 * (time.process_time() - started) / requests


async def with_httpx(sites: int, requests: int) -> float:
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        async def get(url: str) -> None:
            await client.get(url)
        return await per_request(get, sites, requests)


async def with_session(sites: int, requests: int) -> float:
    session = Session(httpx.MockTransport(answer), {"User-Agent": "bench/1"})

    async def get(url: str) -> None:
        async with session.stream("GET", url, headers={}) as response:
            await response.aread()
    try:
        return await per_request(get, sites, requests)
    finally:
        await session.aclose()


async def hostile_answer() -> float:
    """CPU milliseconds of one answer setting 3,000 cookies, through the session."""
    many = [("Set-Cookie", f"c{n}=v{n}; Path=/") for n in range(3000)]
    session = Session(httpx.MockTransport(lambda _: httpx.Response(200, headers=many)), {})
    started = time.process_time()
    async with session.stream("GET", "http://www.hostile.example/", headers={}) as response:
        await response.aread()
    await session.aclose()
    return 1e3 * (time.process_time() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", default="0,1000,5000")
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    print("CPU per request to a site that set no cookie, after N sites set one each")
    for sites in (int(n) for n in args.sites.split(",")):
        client = asyncio.run(with_httpx(sites, args.requests))
        ours = asyncio.run(with_session(sites, args.requests))
        print(f"  N = {sites:>6,}: httpx AsyncClient (one jar) {client:8.0f} us   "
              f"monitor session (a jar per site) {ours:6.0f} us", flush=True)
    print(f"one answer setting 3,000 cookies: {asyncio.run(hostile_answer()):.1f} ms "
          "(building it included)")


if __name__ == "__main__":
    main()
