"""What one conditional request (answered 304) costs with each HTTP client, printed.

    .venv/bin/python benchmarks/fetch_clients.py [--sources 500] [--hosts 50] [--port 18090]

Starts `benchmarks/synthweb.py`, learns every listing's ETag once, then sends
the N conditional GETs (16 in flight, one host after another as a crawl takes
them) with each client, in this process, and prints wall and CPU time per
round (the median of `--rounds`):

- raw HTTP/1.1 over asyncio streams, one keep-alive connection per host: the floor;
- httpx.AsyncClient with its own transport, one pool (httpx's defaults, and with
  the idle cap raised above the number of hosts);
- httpx.AsyncClient over the monitor's transport (a small pool per origin, the
  connect-time guard), without the Fetcher's per-hop checks;
- httpx.AsyncClient over the `httpx-aiohttp` transport, when that is importable
  (it is not a dependency: install it in a virtualenv of its own and put that on
  PYTHONPATH to measure it);
- the monitor's Fetcher: the same requests with every check a crawl makes.

The figures decide whether a different transport would earn its weight.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from benchmarks.crawl import WebProcess, source_url  # noqa: E402
from monitor.config.settings import FetchSettings  # noqa: E402
from monitor.fetch import Fetcher  # noqa: E402
from monitor.fetch.netguard import system_resolve  # noqa: E402
from monitor.fetch.pinned import OriginPools, PinnedBackend  # noqa: E402
from monitor.fetch.tlstrust import Trust, context_for  # noqa: E402
from monitor.models import NotModified, Validators  # noqa: E402

CONCURRENCY = 16
SETTINGS = FetchSettings(min_delay_per_host=0.0, timeout=20.0, retries=0,
                         respect_robots=False, allow_private_networks=True)

Send = Callable[[str, str], Awaitable[int]]   # (url, etag) -> status


async def gathered(urls: list[str], etags: dict[str, str], send: Send) -> None:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(url: str) -> None:
        async with gate:
            status = await send(url, etags[url])
        if status != 304:
            raise SystemExit(f"{url}: expected 304, got {status}")

    await asyncio.gather(*(one(u) for u in urls))


async def learn_etags(urls: list[str]) -> dict[str, str]:
    async with httpx.AsyncClient() as client:
        etags = {}
        for url in urls:
            etags[url] = (await client.get(url)).headers["etag"]
        return etags


async def raw_streams(urls: list[str], etags: dict[str, str]) -> None:
    pools: dict[str, list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = {}

    async def send(url: str, etag: str) -> int:
        parts = urlsplit(url)
        pool = pools.setdefault(parts.netloc, [])
        reader, writer = pool.pop() if pool else await asyncio.open_connection(
            parts.hostname, parts.port)
        writer.write(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                     f"If-None-Match: {etag}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        await reader.readexactly(length)
        pool.append((reader, writer))
        return int(head.split(b" ", 2)[1])

    await gathered(urls, etags, send)
    for pool in pools.values():
        for _, writer in pool:
            writer.close()


def with_httpx(make: Callable[[], httpx.AsyncClient]
               ) -> Callable[[list[str], dict[str, str]], Awaitable[None]]:
    async def run(urls: list[str], etags: dict[str, str]) -> None:
        async with make() as client:
            async def send(url: str, etag: str) -> int:
                response = await client.get(url, headers={"If-None-Match": etag})
                return response.status_code
            await gathered(urls, etags, send)
    return run


async def monitor_fetcher(urls: list[str], etags: dict[str, str]) -> None:
    async with Fetcher(user_agent="bench/1", concurrency=CONCURRENCY) as fetcher:
        async def send(url: str, etag: str) -> int:
            result = await fetcher.fetch(url, SETTINGS, validators=Validators(etag=etag))
            return 304 if isinstance(result, NotModified) else 200
        await gathered(urls, etags, send)


def clients(hosts: int) -> dict[str, Callable[[list[str], dict[str, str]], Awaitable[None]]]:
    found: dict[str, Callable[[list[str], dict[str, str]], Awaitable[None]]] = {
        "raw asyncio streams (floor)": raw_streams,
        "httpx, default pool": with_httpx(lambda: httpx.AsyncClient()),
        f"httpx, {hosts + CONCURRENCY} idle kept": with_httpx(lambda: httpx.AsyncClient(
            limits=httpx.Limits(max_connections=None,
                                max_keepalive_connections=hosts + CONCURRENCY))),
    }
    found["httpx over the monitor's per-origin pools"] = with_httpx(lambda: httpx.AsyncClient(
        transport=OriginPools(lambda: context_for(Trust()),
                              PinnedBackend(system_resolve, guard=False),
                              idle_per_origin=4, max_origins=128)))
    try:
        from httpx_aiohttp import AiohttpTransport  # type: ignore[import-not-found]
    except ImportError:
        print("(httpx-aiohttp not importable: its row is skipped)")
    else:
        found["httpx over httpx-aiohttp"] = with_httpx(lambda: httpx.AsyncClient(
            transport=AiohttpTransport(limits=httpx.Limits(max_connections=None))))
    found["monitor Fetcher (every check)"] = monitor_fetcher
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--port", type=int, default=18090)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    web = WebProcess(args.sources, args.hosts, args.port, 1, 0.0)
    try:
        urls = [source_url(i, args.hosts, args.port, "html") for i in range(args.sources)]
        # one host after another, as the crawl orders its sources
        etags = asyncio.run(learn_etags(urls))
        print(f"{args.sources} conditional GETs (all 304) over {args.hosts} hosts, "
              f"{CONCURRENCY} in flight; median of {args.rounds} rounds")
        for name, run in clients(args.hosts).items():
            walls, cpus = [], []
            for _ in range(args.rounds):
                cpu0, t0 = time.process_time(), time.perf_counter()
                asyncio.run(run(urls, etags))
                walls.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - cpu0)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            print(f"  {name:<34} wall {wall:5.3f} s  CPU {cpu:5.3f} s  "
                  f"{1e6 * cpu / args.sources:5.0f} us CPU per request", flush=True)
    finally:
        web.stop()


if __name__ == "__main__":
    main()
