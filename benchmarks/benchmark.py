"""Speed and memory figures, printed, not asserted (machines are noisy).

    .venv/bin/python benchmarks/benchmark.py

Measures: building the matcher and matching the 889 real Gazette titles;
one crawl of a 2,000-item feed over loopback, then a second (all 304);
publishing; and the memory an oversize body costs against max_bytes.
"""

from __future__ import annotations

import asyncio
import csv
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.config.loader import load_config  # noqa: E402
from monitor.config.settings import FetchSettings  # noqa: E402
from monitor.errors import TooLargeError  # noqa: E402
from monitor.fetch import Fetcher  # noqa: E402
from monitor.match import Matcher  # noqa: E402
from monitor.pipeline import crawl  # noqa: E402
from monitor.publish import publish_all  # noqa: E402
from monitor.store import Store  # noqa: E402
from tests.httpserver import FixtureServer, Request, Response  # noqa: E402

ITEMS = 2000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_matching() -> None:
    config = load_config(ROOT / "sources.yaml", environ={})
    started = time.perf_counter()
    matcher = Matcher(config.topics, config.synonyms)
    built = time.perf_counter() - started
    path = ROOT / "tests" / "data" / "ratchakitcha_titles_2026-10.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        titles = [row["title"] for row in csv.DictReader(handle, delimiter="\t")]
    started = time.perf_counter()
    for title in titles:
        matcher.match(title)
    took = time.perf_counter() - started
    print(f"matcher: built in {built:.2f} s; {len(titles)} Gazette titles in {took:.3f} s "
          f"({len(titles) / took:,.0f} titles/s)")


def feed(n: int) -> bytes:
    items = "".join(
        f"<item><title>ข่าวที่ {i}: หน่วยงานจัดทำบริการตาม พ.ร.บ.การปฏิบัติราชการทาง"
        f"อิเล็กทรอนิกส์ ระยะที่ {i % 97}</title><link>http://127.0.0.1/n/{i}</link>"
        f"<description>รายละเอียดข่าวลำดับ {i} เกี่ยวกับบริการภาครัฐ</description>"
        f"<pubDate>Tue, 10 Nov 2026 09:{i % 60:02d}:00 +0700</pubDate></item>"
        for i in range(n))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>b'
            f"</title><link>http://127.0.0.1/</link><description>b</description>{items}"
            "</channel></rss>").encode()


def bench_crawl(server: FixtureServer, tmp: Path) -> None:
    body = feed(ITEMS)

    def route(request: Request) -> Response:
        if request.headers.get("if-none-match") == '"b1"':
            return Response(304, b"", {"ETag": '"b1"'})
        return Response(200, body, {"Content-Type": "application/rss+xml", "ETag": '"b1"'})

    server.add("/feed", route)
    config_path = tmp / "sources.yaml"
    config_path.write_text(
        (ROOT / "sources.yaml").read_text("utf-8").split("# >>> SOURCES")[0]
        + f"sources:\n  - name: bench\n    url: \"{server.url('/feed')}\"\n    type: feed\n"
        + "    respect_robots: false\n",
        "utf-8")
    config = load_config(config_path, environ={})
    with Store(tmp / "bench.sqlite3") as store:
        for label in ("first crawl", "second crawl (304)"):
            started = time.perf_counter()
            (result,) = asyncio.run(crawl(config, store))
            took = time.perf_counter() - started
            print(f"{label}: {ITEMS} items, {result.new} new, {result.matched} matched, "
                  f"{took:.2f} s, peak RSS {rss_mb():.0f} MB")
        started = time.perf_counter()
        publish_all(config, store)
        print(f"publish: {time.perf_counter() - started:.2f} s "
              f"(feeds of {config.feed.max_items} entries, index.html)")


def bench_oversize(server: FixtureServer) -> None:
    chunk = b"x" * 65536
    server.add("/huge", lambda _: Response(200, (chunk for _ in range(800)),
                                           {"Content-Type": "text/html"}))
    settings = FetchSettings(max_bytes=5_000_000, allow_private_networks=True,
                             respect_robots=False, retries=0)

    async def fetch() -> None:
        async with Fetcher(user_agent="bench") as fetcher:
            try:
                await fetcher.fetch(server.url("/huge"), settings)
            except TooLargeError:
                return
            print("oversize body: accepted, which max_bytes should have refused")

    gc.collect()
    tracemalloc.start()
    asyncio.run(fetch())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"oversize body: 52 MB offered, max_bytes 5 MB, peak traced memory "
          f"{peak / 1e6:.1f} MB")


def main() -> None:
    bench_matching()
    server = FixtureServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bench_crawl(server, Path(tmp))
        bench_oversize(server)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
