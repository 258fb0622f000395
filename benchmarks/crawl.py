"""Crawl speed and scale on a synthetic web; prints one table. Figures, not assertions.

    .venv/bin/python benchmarks/crawl.py --sources 500

Starts `benchmarks/synthweb.py` (N sources over K loopback hosts, each an HTML
listing of 30 Thai items, an RSS feed and a sitemap of the same items, with
ETag/Last-Modified and 304; with `--cookies`, a session cookie from every host,
as most agency sites set one), then runs, each as its own `monitor` process
(wall, CPU, peak RSS from wait4):

- first crawl of N html sources, and of N feed sources (fresh databases), the
  median of `--first-repeat` rounds, each round also running urlwatch's first
  run, so that the ratios compare runs seconds apart, not minutes;
- the unchanged re-crawl, the median of `--repeat` runs (server counts 304s
  and body bytes; items rewritten are counted in the database and must be 0);
- a re-crawl after `--changed` of the sources got new items;
- the unchanged re-crawl again with `--latency-ms` added to every answer,
  against the bound 1.15 x N x latency / concurrency, and the same conditional
  requests from the raw client below (the synthetic web adds a little to each
  answer's latency, and the raw client shows how much);
- re-crawls (the median of `--repeat`) while every listing answers 200 with no
  ETag or Last-Modified and new bytes each time, its items unchanged: what many
  agency servers do (a visitor count, a token, a clock in the page);
- the raw-fetch floor: a lean asyncio client (raw HTTP/1.1 over keep-alive
  streams, selectolax for the items) with the same concurrency, in this process;
- urlwatch (first run, see above, and unchanged re-run, one css job per source) from its own
  virtualenv (`--urlwatch`, default /tmp/urlwatch-venv/bin/urlwatch; its row is
  skipped with a note when absent); urlwatch has a fixed pool of 10 threads;
- `monitor --help` start-up, and `monitor publish` of 10,000 and 100,000 stored items.

The monitor's bytecode is compiled first, as `pip install .` does: installed in
editable mode (`pip install -e`) with PYTHONDONTWRITEBYTECODE set (as in the
Docker image and on some machines) every run compiled the whole program again,
about 50 ms of each start, which no installed copy pays; urlwatch's bytecode was
written when pip installed it. So are the installed dependencies' (see
`byte_compile`), should their `__pycache__` directories have been deleted.

The benchmark config uses `min_delay_per_host: 0s`, `allow_private_networks:
true` and `respect_robots: false` (the web has no robots.txt; urlwatch reads none).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from synthweb import loopback  # noqa: E402  (the web's own addressing, beside this file)

BIN = Path(sys.executable).parent
MONITOR = [str(BIN / "monitor")] if (BIN / "monitor").exists() else [sys.executable, "-m",
                                                                     "monitor"]
SELECT = {"item": "div.news-list > div.news-item", "title": "h3 a",
          "link": "h3 a::attr(href)", "date": "span.date", "summary": "p.excerpt"}


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    code: int
    out: str = ""


def run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """One child process, with its own CPU time and peak RSS (not the whole family's)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode,
               text)


def median_of(runs: list[Run]) -> Run:
    """The run of median wall time: one run is at the mercy of the machine's other work,
    and the unchanged re-crawl is about a second."""
    return sorted(runs, key=lambda r: r.wall)[len(runs) // 2]


def median_run(runs: list[Callable[[], Run]]) -> Run:
    return median_of([r() for r in runs])


def byte_compile(tree: Path) -> None:
    """Compile `tree`'s monitor and this interpreter's installed packages, as pip would.

    pip writes every dependency's bytecode when it installs it, but a cleanup
    that deletes `__pycache__` directories throughout a checkout also empties
    a virtualenv inside it. Without that bytecode each monitor process (the
    crawl's and its page worker's) compiled httpx, PyThaiNLP, regex and the
    rest again: a first crawl of 500 sources took 3.2 s instead of 3.0 s and
    an unchanged re-crawl 0.67 s instead of 0.50 s. Files already compiled are
    skipped, so this costs nothing on an intact install.
    """
    compileall.compile_dir(tree / "monitor", quiet=1)
    for path in {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}:
        compileall.compile_dir(path, quiet=2, workers=0)


class WebProcess:
    def __init__(self, sources: int, hosts: int, port: int, seed: int, relevant: float,
                 stories: bool = False, cookies: bool = False) -> None:
        self.port = port
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "synthweb.py"), "--sources", str(sources),
             "--hosts", str(hosts), "--port", str(port), "--seed", str(seed),
             "--relevant", str(relevant), *(["--stories"] if stories else []),
             *(["--cookies"] if cookies else [])],
            stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit("the synthetic web did not start")

    def control(self, what: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{what}", timeout=10) as r:
            return str(r.read().decode())

    def stats(self) -> dict[str, int]:
        return dict(json.loads(self.control("_stats")))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def source_url(i: int, hosts: int, port: int, kind: str) -> str:
    path = {"html": "", "feed": "feed.xml", "sitemap": "sitemap.xml"}[kind]
    return f"http://{loopback(i % hosts)}:{port}/s/{i}/{path}"


def write_config(path: Path, kind: str, n: int, hosts: int, port: int,
                 concurrency: int) -> Path:
    shipped = (ROOT / "sources.yaml").read_text("utf-8")
    start = shipped.index("\nsynonyms:")
    topics = shipped[start:shipped.index("# >>> SOURCES")]
    lines = [
        "timezone: Asia/Bangkok", f"output_dir: out-{kind}", f"database: {kind}.sqlite3",
        "fetch:", "  min_delay_per_host: 0s", "  allow_private_networks: true",
        "  respect_robots: false", f"  concurrency: {concurrency}", "  retries: 0",
        'feed:\n  link: "http://127.0.0.1/"', topics, "sources:"]
    for i in range(n):
        lines.append(f'  - name: s{i}\n    url: "{source_url(i, hosts, port, kind)}"\n'
                     f"    type: {kind}")
        if kind == "html":
            pairs = "".join(f'      {k}: "{v}"\n' for k, v in SELECT.items())
            lines.append("    select:\n" + pairs)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def items_rewritten(db: Path, since: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM items WHERE updated > ?",
                                (since,)).fetchone()[0])


def item_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])


def db_now(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        value = conn.execute("SELECT MAX(updated) FROM items").fetchone()[0]
    return str(value or "")


# -- the floor ---------------------------------------------------------------

FLOOR_HOSTS = 128


async def floor_crawl(urls: list[str], concurrency: int,
                      etags: dict[str, str] | None = None) -> int:
    """Raw HTTP/1.1 GETs on keep-alive connections (one pool per host, the pools of the
    FLOOR_HOSTS most recently used hosts kept, as the monitor keeps 128: with a host
    per source, keeping them all ran the web out of file descriptors), selectolax items.
    With `etags`, conditional GETs (If-None-Match), as the monitor's re-crawl sends."""
    from collections import OrderedDict
    from urllib.parse import urlsplit

    from selectolax.lexbor import LexborHTMLParser

    pools: OrderedDict[str, list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]
    pools = OrderedDict()
    gate = asyncio.Semaphore(concurrency)
    found = 0

    async def get(url: str) -> bytes:
        parts = urlsplit(url)
        pool = pools.setdefault(parts.netloc, [])
        pools.move_to_end(parts.netloc)
        while len(pools) > FLOOR_HOSTS:
            for _, idle in pools.popitem(last=False)[1]:
                idle.close()
        if pool:
            reader, writer = pool.pop()
        else:
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        condition = f"If-None-Match: {etags[url]}\r\n" if etags and url in etags else ""
        writer.write(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{condition}\r\n"
                     .encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        body = await reader.readexactly(length)
        pool.append((reader, writer))
        return body

    async def one(url: str) -> None:
        nonlocal found
        async with gate:
            body = await get(url)
        if not body:   # 304
            return
        tree = LexborHTMLParser(body.decode("utf-8"))
        for node in tree.css(SELECT["item"]):
            link = node.css_first("h3 a")
            if link is not None and link.attributes.get("href"):
                found += 1

    await asyncio.gather(*(one(u) for u in urls))
    for pool in pools.values():
        for _, writer in pool:
            writer.close()
    return found


# -- urlwatch ------------------------------------------------------------------

def urlwatch_files(tmp: Path, n: int, hosts: int, port: int) -> list[str]:
    jobs = "---\n".join(
        f"name: s{i}\nurl: {source_url(i, hosts, port, 'html')}\n"
        f"filter:\n  - css: '{SELECT['item']}'\n" for i in range(n))
    (tmp / "urls.yaml").write_text(jobs, "utf-8")
    (tmp / "hooks.py").write_text("", "utf-8")
    return ["--urls", str(tmp / "urls.yaml"), "--config", str(tmp / "urlwatch.yaml"),
            "--hooks", str(tmp / "hooks.py"), "--cache", str(tmp / "cache.db")]


# -- publish -------------------------------------------------------------------

def fill_database(db: Path, count: int) -> None:
    """`count` relevant stories written straight in SQL: publish is measured, not crawl."""
    from monitor.store import Store, make_guid
    from monitor.text.words import index_words
    Store(db).close()   # the schema
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with sqlite3.connect(db) as conn:
        # the search index's triggers call the store's word splitter
        conn.create_function("monitor_words", 1, index_words, deterministic=True)
        rows = []
        for i in range(count):
            identity = f"http://127.0.0.1/n/{i}"
            when = (now - timedelta(minutes=i)).isoformat(timespec="seconds")
            rows.append((i + 1, identity, make_guid(identity, i + 1), i + 1, identity, identity,
                         f"ข่าวที่ {i} ตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์",
                         f"สรุป {i}", when, f"s{i % 500}", when, when))
        conn.executemany(
            "INSERT INTO items (id, identity, guid, story, url, link, title, summary, "
            "published, source, relevant, first_seen, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)", rows)
        conn.executemany("INSERT INTO item_topics (item_id, topic, keyword) VALUES (?, ?, ?)",
                         ((i + 1, "egov-act", "x") for i in range(count)))
        conn.executemany("INSERT INTO item_sources (item_id, source, link, seen) "
                         "VALUES (?, ?, ?, ?)",
                         ((r[0], r[9], r[5], r[10]) for r in rows))


# -- table ---------------------------------------------------------------------

class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str]] = []

    def add(self, what: str, figures: str) -> None:
        self.rows.append((what, figures))
        print(f"  {what:<44} {figures}", flush=True)

    def markdown(self) -> str:
        lines = ["| measurement | figures |", "|---|---|"]
        lines += [f"| {w} | {f} |" for w, f in self.rows]
        return "\n".join(lines)


def crawl_row(r: Run, items: int) -> str:
    return (f"wall {r.wall:6.2f} s  CPU {r.cpu:6.2f} s  peak RSS {r.rss_mb:4.0f} MB  "
            f"{items / r.wall if r.wall else 0:8,.0f} items/s")


def fresh(tmp: Path, kind: str) -> None:
    """No database and no output of `kind` yet: the next crawl is a first crawl."""
    for path in tmp.glob(f"{kind}.sqlite3*"):
        path.unlink()
    shutil.rmtree(tmp / f"out-{kind}", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--relevant", type=float, default=0.02,
                        help="share of items about the act (story dedupe runs on these)")
    parser.add_argument("--cookies", action="store_true",
                        help="every host sets a session cookie, as most agency sites do")
    parser.add_argument("--changed", type=float, default=0.1)
    parser.add_argument("--latency-ms", type=float, default=100)
    parser.add_argument("--urlwatch", default="/tmp/urlwatch-venv/bin/urlwatch")
    parser.add_argument("--publish", default="10000,100000",
                        help="stored item counts to publish ('' for none)")
    parser.add_argument("--markdown", action="store_true", help="also print a markdown table")
    parser.add_argument("--repeat", type=int, default=3,
                        help="unchanged re-runs (monitor's and urlwatch's) whose median is shown")
    parser.add_argument("--first-repeat", type=int, default=3,
                        help="rounds of first crawls (monitor html, monitor feed, urlwatch), "
                             "fresh each time, whose medians are shown")
    args = parser.parse_args()
    n, k, c = args.sources, args.hosts, args.concurrency
    print(f"synthetic web: {n} sources over {k} loopback hosts, concurrency {c}, "
          f"{os.cpu_count()} CPUs, relevant share {args.relevant}"
          f"{', every host sets a session cookie' if args.cookies else ''}", flush=True)
    table = Table()
    byte_compile(ROOT)
    web = WebProcess(n, k, args.port, args.seed, args.relevant, cookies=args.cookies)
    tmp = Path(tempfile.mkdtemp(prefix="crawlbench-"))
    try:
        html_cfg = write_config(tmp / "html.yaml", "html", n, k, args.port, c)
        feed_cfg = write_config(tmp / "feed.yaml", "feed", n, k, args.port, c)

        def crawl(cfg: Path) -> Run:
            result = run([*MONITOR, "crawl", "--config", str(cfg)], cwd=tmp)
            if result.code not in (0,):
                print(result.out[-2000:], file=sys.stderr)
            return result

        # first crawls, in rounds: the monitor's html and feed crawls and urlwatch's first
        # run, each from nothing; the last round's state serves the re-crawls below
        urlwatch = Path(args.urlwatch)
        uw_dir = tmp / "urlwatch"
        uw_dir.mkdir()
        files = urlwatch_files(uw_dir, n, k, args.port)
        env = {**os.environ, "HOME": str(uw_dir)}
        rounds: dict[str, list[Run]] = {"html": [], "feed": [], "urlwatch": []}
        answered: list[dict[str, int]] = []
        for _ in range(max(1, args.first_repeat)):
            for kind, cfg in (("html", html_cfg), ("feed", feed_cfg)):
                fresh(tmp, kind)
                web.control("_reset")
                rounds[kind].append(crawl(cfg))
                if kind == "html":
                    answered.append(web.stats())
            if urlwatch.exists():
                (uw_dir / "cache.db").unlink(missing_ok=True)
                web.control("_reset")
                rounds["urlwatch"].append(run([str(urlwatch), *files], cwd=uw_dir, env=env))
                uw_stats = web.stats()
        first, feed_first = median_of(rounds["html"]), median_of(rounds["feed"])
        of = f"median of {len(rounds['html'])}"
        items = item_count(tmp / "html.sqlite3")
        table.add(f"html first crawl ({n} sources, {items} items, {of})",
                  crawl_row(first, items))
        for stats in answered:
            if stats.get("200", 0) != n:
                table.add("  note", f"server answered {stats}")
        feed_items = item_count(tmp / "feed.sqlite3")
        table.add(f"feed first crawl ({n} sources, {feed_items} items, {of})",
                  crawl_row(feed_first, feed_items))

        # unchanged re-crawl
        time.sleep(1.1)   # `updated` has one-second resolution
        since = db_now(tmp / "html.sqlite3")
        web.control("_reset")
        again = median_run([lambda: crawl(html_cfg) for _ in range(args.repeat)])
        stats = web.stats()
        table.add(f"html unchanged re-crawl (median of {args.repeat})",
                  f"wall {again.wall:6.2f} s  CPU {again.cpu:6.2f} s  304s {stats.get('304', 0)}"
                  f"/{n * args.repeat}  bytes {stats.get('bytes', 0):,}  items rewritten "
                  f"{items_rewritten(tmp / 'html.sqlite3', since)}")

        # changed share
        changed = int(web.control(f"_change?share={args.changed}"))
        before = item_count(tmp / "html.sqlite3")
        web.control("_reset")
        part = crawl(html_cfg)
        stats = web.stats()
        table.add(f"html re-crawl, {changed} sources changed",
                  f"wall {part.wall:6.2f} s  CPU {part.cpu:6.2f} s  200s {stats.get('200', 0)}"
                  f"  304s {stats.get('304', 0)}  new items "
                  f"{item_count(tmp / 'html.sqlite3') - before}")

        # latency-bound
        web.control(f"_latency?ms={args.latency_ms:g}")
        slow = crawl(html_cfg)
        # The same conditional requests from a raw client, in this process: what the
        # synthetic web's own answers take (its event loop adds a little to each).
        with sqlite3.connect(tmp / "html.sqlite3") as db:
            etags = dict(db.execute("SELECT url, etag FROM fetch_state WHERE etag IS NOT NULL"))
        urls = [source_url(i, k, args.port, "html") for i in range(n)]
        t0 = time.perf_counter()
        asyncio.run(floor_crawl(urls, c, etags))
        raw_slow = time.perf_counter() - t0
        web.control("_latency?ms=0")
        bound = 1.15 * n * args.latency_ms / 1000 / c
        table.add(f"html unchanged re-crawl, {args.latency_ms:g} ms per answer",
                  f"wall {slow.wall:6.2f} s  bound 1.15 x N x latency / concurrency "
                  f"= {bound:.2f} s  ({slow.wall / bound:.2f} of it)  raw client, same "
                  f"requests {raw_slow:.2f} s (monitor {slow.wall / raw_slow:.2f}x)")

        # pages whose bytes change on every request while their items stay (no validators);
        # last of the monitor's runs, since those answers leave the pages no ETag to send
        time.sleep(1.1)   # `updated` has one-second resolution
        since = db_now(tmp / "html.sqlite3")
        dynamic = int(web.control("_dynamic?share=1"))
        web.control("_reset")
        same = median_run([lambda: crawl(html_cfg) for _ in range(args.repeat)])
        stats = web.stats()
        web.control("_dynamic?share=0")
        table.add(f"html re-crawl, {dynamic} pages new bytes each time, no validators, "
                  f"items unchanged (median of {args.repeat})",
                  f"wall {same.wall:6.2f} s  CPU {same.cpu:6.2f} s  200s {stats.get('200', 0)}"
                  f"/{dynamic * args.repeat}  items rewritten "
                  f"{items_rewritten(tmp / 'html.sqlite3', since)}")

        # floor
        urls = [source_url(i, k, args.port, "html") for i in range(n)]
        cpu0, t0 = time.process_time(), time.perf_counter()
        floor_items = asyncio.run(floor_crawl(urls, c))
        floor = time.perf_counter() - t0
        table.add(f"raw-fetch floor (asyncio streams + selectolax, {floor_items} items)",
                  f"wall {floor:6.2f} s  CPU {time.process_time() - cpu0:6.2f} s  "
                  f"monitor/floor {first.wall / floor:.2f}x")

        # urlwatch
        if urlwatch.exists():
            uw_first = median_of(rounds["urlwatch"])
            by_round = ", ".join(f"{m.wall / u.wall:.2f}x"
                                 for m, u in zip(rounds["html"], rounds["urlwatch"],
                                                 strict=True))
            # Its first run came before the share of sources changed: it catches up
            # first, so that its unchanged re-runs, like the monitor's, change nothing.
            run([str(urlwatch), *files], cwd=uw_dir, env=env)
            web.control("_reset")
            uw_again = median_run([lambda: run([str(urlwatch), *files], cwd=uw_dir, env=env)
                                   for _ in range(args.repeat)])
            uw_stats2 = web.stats()
            table.add(f"urlwatch first run (css job per source, {of})",
                      f"wall {uw_first.wall:6.2f} s  CPU {uw_first.cpu:6.2f} s  peak RSS "
                      f"{uw_first.rss_mb:4.0f} MB  200s {uw_stats.get('200', 0)}  "
                      f"monitor html/urlwatch {first.wall / uw_first.wall:.2f}x "
                      f"(rounds: {by_round})  "
                      f"monitor feed/urlwatch {feed_first.wall / uw_first.wall:.2f}x")
            table.add(f"urlwatch unchanged re-run (median of {args.repeat})",
                      f"wall {uw_again.wall:6.2f} s  CPU {uw_again.cpu:6.2f} s  304s "
                      f"{uw_stats2.get('304', 0)}/{n * args.repeat}  monitor/urlwatch "
                      f"{again.wall / uw_again.wall:.2f}x")
        else:
            table.add("urlwatch", f"skipped: {urlwatch} not found (pip install urlwatch "
                      "into its own virtualenv)")

        # start-up
        helps = [run([*MONITOR, "--help"]).wall for _ in range(5)]
        table.add("monitor --help", f"median {statistics.median(helps):.3f} s of 5")

        # publish
        for count in [int(x) for x in args.publish.split(",") if x]:
            pub = tmp / f"pub{count}"
            pub.mkdir()
            cfg = write_config(pub / "sources.yaml", "feed", 1, k, args.port, c)
            fill_database(pub / "feed.sqlite3", count)
            r = run([*MONITOR, "publish", "--config", str(cfg)], cwd=pub)
            table.add(f"monitor publish, {count:,} stored items",
                      f"wall {r.wall:6.2f} s  CPU {r.cpu:6.2f} s  peak RSS {r.rss_mb:4.0f} MB"
                      + ("" if r.code == 0 else f"  FAILED: {r.out[-300:]}"))
    finally:
        web.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    if args.markdown:
        print()
        print(table.markdown())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(benchmark process peak RSS {own:.0f} MB; sha of settings "
          f"{hashlib.sha1(repr(vars(args)).encode()).hexdigest()[:8]})")


if __name__ == "__main__":
    main()
