"""What the fetcher's per-request checks cost: N small pages over loopback, printed.

    .venv/bin/python benchmarks/fetch_overhead.py [N]

Fetches N pages from a local server with 16 in flight, once as a source's own
URL (no private-network check) and once as links from content with private
networks allowed (the connect-time check resolves and checks each new
connection). Set MONITOR_SRC to another checkout's root to compare versions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("MONITOR_SRC", str(ROOT)))
sys.path.insert(1, str(ROOT))

from monitor.config.settings import FetchSettings  # noqa: E402
from monitor.fetch import Fetcher  # noqa: E402
from tests.httpserver import FixtureServer  # noqa: E402

SETTINGS = FetchSettings(min_delay_per_host=0.0, timeout=10.0, retries=0,
                         respect_robots=False, allow_private_networks=True)


async def run(server: FixtureServer, n: int, trusted: bool) -> float:
    async with Fetcher(user_agent="bench/1", concurrency=16) as fetcher:
        started = time.perf_counter()
        await asyncio.gather(*(fetcher.fetch(server.url(f"/p{i % 50}"), SETTINGS,
                                             trusted=trusted) for i in range(n)))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=1000, help="pages to fetch")
    n = parser.parse_args().n
    server = FixtureServer().start()
    for i in range(50):
        server.page(f"/p{i}", "<p>" + "ข่าว " * 200 + "</p>")
    try:
        for trusted in (True, False):
            seconds = asyncio.run(run(server, n, trusted))
            print(f"{'own URL ' if trusted else 'links   '} {n} fetches in {seconds:.2f} s "
                  f"({n / seconds:.0f}/s)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
