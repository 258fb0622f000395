"""Discovering many sites at once against one at a time; prints a table. Figures, not
assertions.

    .venv/bin/python benchmarks/discover_many.py [--sites 200] [--latency-ms 50]

Starts `benchmarks/synthweb.py` with one loopback host per site (a list of local
bodies' sites is a list of hosts), every answer delayed by `--latency-ms` (real
agency servers take tens to hundreds of milliseconds), and runs `monitor
discover --from LIST --json` on the sites' listing pages with `fetch.concurrency`
1 and 16, each in its own process (wall, CPU, peak RSS from wait4). The synthetic
listings link their feeds, so each site's discover is a few requests; a real
site that offers nothing takes up to 12. The benchmark config spaces requests to
one host by 0 s (the default 2 s would add that per request, which side by side
hides and one at a time does not) and allows private networks (the loopback web).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.crawl import MONITOR, WebProcess, run, source_url

CONFIG = """fetch:
  min_delay_per_host: 0s
  allow_private_networks: true
  concurrency: {concurrency}
sources: []
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--port", type=int, default=18096)
    args = parser.parse_args()
    web = WebProcess(args.sites, args.sites, args.port, 1, 0.02)
    try:
        web.control(f"_latency?ms={args.latency_ms:g}")
        with tempfile.TemporaryDirectory() as tmp:
            listed = Path(tmp) / "sites.txt"
            listed.write_text("".join(source_url(i, args.sites, args.port, "html") + "\n"
                                      for i in range(args.sites)), "utf-8")
            print(f"{args.sites} sites, one host each, {args.latency_ms:g} ms per answer")
            print(f"{'concurrency':>11}  {'wall':>8}  {'CPU':>7}  {'peak RSS':>8}  "
                  f"{'sites/s':>7}  proposed")
            walls = {}
            for concurrency in (1, 16):
                config = Path(tmp) / f"c{concurrency}.yaml"
                config.write_text(CONFIG.format(concurrency=concurrency), "utf-8")
                done = run([*MONITOR, "discover", "--from", str(listed), "--json",
                            "--config", str(config)])
                proposed = sum(1 for line in done.out.splitlines()
                               if line.startswith("{") and json.loads(line).get("entry"))
                walls[concurrency] = done.wall
                print(f"{concurrency:>11}  {done.wall:7.2f}s  {done.cpu:6.2f}s  "
                      f"{done.rss_mb:6.0f} MB  {args.sites / done.wall:7.1f}  {proposed}")
            print(f"side by side: {walls[1] / walls[16]:.1f}x faster than one at a time")
    finally:
        web.stop()


if __name__ == "__main__":
    main()
