"""`monitor run` for many crawls in a row: does its memory stay where the first crawl left it?

    .venv/bin/python benchmarks/longrun.py --sources 500 --minutes 6 --interval 10

A scheduler runs for months: a cache that keeps one entry per crawl, per item
or per host it ever met would show here as memory growing crawl after crawl,
though a single crawl (benchmarks/crawl.py) looks fine. Starts the synthetic
web of benchmarks/synthweb.py (`--stories`: a third of the items relevant, so
story dedupe, the search index and publishing all work), a `monitor run` with
every source's `interval` set to `--interval`, and then, once per interval,
gives a tenth of the sources 3 new items (`--changed`); a fifth of the listings
(`--dynamic`) answer 200 with new bytes and the same items every time. Each
interval it prints the resident memory and CPU time of the run's process and
of its page worker, and the items stored so far; at the end, the range of each
in the first half and in the second. Memory may still climb while the bounded
caches fill (SQLite's page cache, the store's story signatures and common
keys: `monitor/store.py`); with more sources they fill within the first
crawls. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl import MONITOR, WebProcess, write_config  # beside this file


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_s(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listed:
            return [int(child) for child in listed.read().split()]
    except OSError:
        return []


def worker_of(pid: int) -> int | None:
    """The page worker: of the run's children (multiprocessing's resource tracker is the
    other), the one that has used CPU."""
    busy = [(cpu_s(child), child) for child in children(pid)]
    busy = [pair for pair in busy if pair[0] > 0]
    return max(busy)[1] if busy else None


def items_stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])
    except sqlite3.Error:
        return -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=6.0)
    parser.add_argument("--interval", type=int, default=10, help="seconds between crawls")
    parser.add_argument("--changed", type=float, default=0.1)
    parser.add_argument("--dynamic", type=float, default=0.2)
    parser.add_argument("--port", type=int, default=18994)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="longrun-"))
    web = WebProcess(args.sources, args.hosts, args.port, 1, 1 / 3, stories=True)
    run = None
    try:
        config = write_config(tmp / "sources.yaml", "html", args.sources, args.hosts,
                              args.port, 16)
        text = config.read_text("utf-8")
        config.write_text(text.replace("fetch:\n", f"fetch:\n  interval: {args.interval}s\n", 1),
                          "utf-8")
        web.control(f"_dynamic?share={args.dynamic}")
        with open(tmp / "run.log", "w") as log:
            run = subprocess.Popen([*MONITOR, "--config", str(config), "run"], cwd=tmp,
                                   stdout=log, stderr=subprocess.STDOUT)
        print(f"{args.sources} sources, a crawl every {args.interval} s, {args.changed:.0%} "
              f"changed each time, {args.dynamic:.0%} answering 200 with the same items")
        print("| time | run RSS | run CPU | worker RSS | worker CPU | items stored |")
        print("|---|---|---|---|---|---|")
        started = time.monotonic()
        samples: list[tuple[float, float, float]] = []
        while time.monotonic() - started < args.minutes * 60:
            time.sleep(args.interval)
            if run.poll() is not None:
                raise SystemExit(f"monitor run stopped: see {tmp / 'run.log'}")
            web.control(f"_change?share={args.changed}")
            worker = worker_of(run.pid)
            main_rss, worker_rss = rss_mb(run.pid), rss_mb(worker) if worker else 0.0
            samples.append((time.monotonic() - started, main_rss, worker_rss))
            print(f"| {samples[-1][0]:.0f} s | {main_rss:.1f} MB | {cpu_s(run.pid):.1f} s | "
                  f"{worker_rss:.1f} MB | {cpu_s(worker) if worker else 0.0:.1f} s | "
                  f"{items_stored(tmp / 'html.sqlite3'):,} |", flush=True)
        if len(samples) >= 4:
            # Halves, not a slope: SQLite's page cache and the store's caches of story
            # signatures and common keys are bounded, and fill while the store grows.
            half = len(samples) // 2
            for name, column in (("run", 1), ("worker", 2)):
                first = [sample[column] for sample in samples[1:half]]
                last = [sample[column] for sample in samples[half:]]
                print(f"{name}: {min(first):.1f} to {max(first):.1f} MB in the first half "
                      f"(after the first crawl), {min(last):.1f} to {max(last):.1f} MB in "
                      "the second")
    finally:
        if run is not None and run.poll() is None:
            run.send_signal(signal.SIGTERM)
            run.wait(60)
        web.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
