"""Two versions of the monitor crawling one synthetic web in turns; prints each run.

    .venv/bin/python benchmarks/ab.py HEAD~1                  # against the working tree
    .venv/bin/python benchmarks/ab.py v1 v2 --hosts 2000 --sources 2000 --cookies --runs 6
    .venv/bin/python benchmarks/ab.py HEAD~3 --measure first

Why a script: a change that saves a tenth of a crawl is smaller than the drift
of this machine's speed between runs minutes apart (see docs/performance.md),
so a figure taken before a change and one taken after compare nothing. Here
both versions crawl the same web (`benchmarks/synthweb.py`) in ABBA order
(base, new, new, base, ...), so a drift in the machine's speed weighs on both
alike, and each is byte-compiled first: with PYTHONDONTWRITEBYTECODE set, a
fresh checkout would otherwise compile every module in every run.

A revision is checked out as a detached git worktree in a temporary directory
(removed at the end) and run with PYTHONPATH pointing at it; the config is
written by this tree's `crawl.write_config`, so both versions must read it.
`--measure unchanged` (the default) times re-crawls answered 304 after one
untimed first crawl each; `--measure first` times first crawls, each from an
empty database. Figures, not assertions: read the ranges, not one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl import ROOT, Run, WebProcess, byte_compile, fresh, run, write_config

WORKING_TREE = "."


def checkout(revision: str, into: Path) -> Path:
    """The tree of `revision`: this one for ".", else a detached worktree under `into`."""
    if revision == WORKING_TREE:
        return ROOT
    tree = into / revision.replace("/", "_").replace("~", "-").replace("^", "-")
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",
                    str(tree), revision], check=True)
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", help="git revision measured first in each pair")
    parser.add_argument("new", nargs="?", default=WORKING_TREE,
                        help="git revision, or . for the working tree (the default)")
    parser.add_argument("--measure", choices=("unchanged", "first"), default="unchanged")
    parser.add_argument("--kind", choices=("html", "feed"), default="html")
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--cookies", action="store_true")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--runs", type=int, default=6, help="runs of each version")
    parser.add_argument("--port", type=int, default=18190)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="ab-"))
    trees: dict[str, Path] = {}
    web: WebProcess | None = None
    try:
        for label, revision in (("base", args.base), ("new", args.new)):
            trees[label] = checkout(revision, scratch)
            byte_compile(trees[label])
        web = WebProcess(args.sources, args.hosts, args.port, 1, 0.02, cookies=args.cookies)
        homes = {label: scratch / f"run-{label}" for label in trees}
        configs = {}
        for label, home in homes.items():
            home.mkdir()
            configs[label] = write_config(home / "sources.yaml", args.kind, args.sources,
                                          args.hosts, args.port, args.concurrency)

        def crawl(label: str) -> Run:
            if args.measure == "first":
                fresh(homes[label], args.kind)
            result = run([sys.executable, "-m", "monitor", "crawl", "--config",
                          str(configs[label])], cwd=homes[label],
                         env={**os.environ, "PYTHONPATH": str(trees[label])})
            if result.code != 0:
                raise SystemExit(f"{label} ({trees[label]}) failed:\n{result.out[-2000:]}")
            return result

        if args.measure == "unchanged":
            for label in trees:
                crawl(label)   # the first crawl, untimed: what follows is answered 304
        print(f"{args.measure} {args.kind} crawls of {args.sources} sources over {args.hosts} "
              f"hosts{', with cookies' if args.cookies else ''}: base {args.base}, "
              f"new {args.new}, {args.runs} runs each in ABBA order", flush=True)
        runs: dict[str, list[Run]] = {label: [] for label in trees}
        for n in range(args.runs):
            for label in (("base", "new") if n % 2 == 0 else ("new", "base")):
                runs[label].append(crawl(label))
                print(f"  {label:<4} wall {runs[label][-1].wall:6.2f} s  "
                      f"CPU {runs[label][-1].cpu:6.2f} s", flush=True)
        medians = {label: statistics.median(r.wall for r in found)
                   for label, found in runs.items()}
        for label, found in runs.items():
            walls = sorted(r.wall for r in found)
            print(f"{label:<4} median {medians[label]:6.2f} s, from {walls[0]:.2f} to "
                  f"{walls[-1]:.2f} s; CPU median "
                  f"{statistics.median(r.cpu for r in found):.2f} s")
        overlap = (max(r.wall for r in runs["new"]) >= min(r.wall for r in runs["base"])
                   and max(r.wall for r in runs["base"]) >= min(r.wall for r in runs["new"]))
        print(f"new / base, medians: {medians['new'] / medians['base']:.3f}"
              f"{'  (the ranges overlap: within the noise?)' if overlap else ''}")
    finally:
        if web is not None:
            web.stop()
        for tree in trees.values():
            if tree != ROOT:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(tree)], check=False)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
