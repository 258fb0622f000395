"""Story dedupe at scale: figures printed, not asserted (machines are noisy).

    .venv/bin/python benchmarks/stories.py                 # 100,000 and 1,000,000 stored
    .venv/bin/python benchmarks/stories.py --sizes 10000   # a quick look

(a) 1,000 new relevant items (a tenth of them rewrites of stored stories by
    another outlet) saved against a store already holding N relevant stories
    in the 7-day window: wall time and the peak RSS of a fresh process that
    opens the store and saves them (so the index is read back from disk).
    The stored stories are written straight in SQL (see `build`): a million
    take about 9 minutes and 7 GB, deleted when the run ends.
(b) a first crawl at the store level: 500 sources x 30 items saved one
    source at a time; a third of the items relevant, a tenth of those
    rewrites of one another across outlets. Prints the share of the save
    time spent in story dedupe (keying, banding, finding the story, writing
    the index).
(c) the same crawl whole: fetching, extracting, matching and storing 500
    sources of the synthetic web of benchmarks/crawl.py over loopback HTTP,
    a third of the items relevant (with `--stories`: titles and ledes of
    recombined real words, a tenth of them rewrites of one another across
    sources, as in (b)); story dedupe's share of its wall time, and of its CPU
    time (both processes: story dedupe runs in the storing one, which the page
    worker's share of the work leaves to wait for the interpreter lock at
    times, so its wall time there is more than its CPU time). `--template`
    serves the crawl benchmark's own relevant items instead: 18 title
    templates, on which nearly every index key turns common.

Texts are generated deterministically from a seed by recombining the words
of real headlines (the Gazette titles and the relevance set in tests/data/),
so they have real Thai and English vocabulary and word frequencies.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from realtext import Texts  # noqa: E402  (benchmarks/realtext.py, beside this file)

from monitor import dedupe as dedupe_module  # noqa: E402
from monitor import readpool  # noqa: E402
from monitor import store as store_module  # noqa: E402
from monitor.dedupe import sketch, story_keyer  # noqa: E402
from monitor.models import Item  # noqa: E402
from monitor.store import Store, make_guid  # noqa: E402

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
SEED = 20261120
def make_item(n: int, source: str, title: str, lede: str, *, relevant: bool = True,
              outlet: str | None = None) -> Item:
    url = f"https://{source}.example/news/{n}"
    topics = ("egov",) if relevant else ()
    return Item(source=source, url=url, link=url, title=title, summary=lede, published=NOW,
                date_is_first_seen=False, identity=url, outlet=outlet, topics=topics,
                matched_keywords=tuple("kw" for _ in topics))


def stored_batches(texts: Texts, start: int, count: int) -> Iterator[list[Item]]:
    """`count` stories, as 1,000-item batches from 200 sources over the last 6 days."""
    for first in range(start, start + count, 1000):
        yield [make_item(n, f"s{n % 200}", *texts.story())
               for n in range(first, min(first + 1000, start + count))]


def build(path: Path, texts: Texts, have: int, want: int) -> None:
    """Add stored stories `have` .. `want` straight into the store's tables.

    The rows are what `Store.save_items` writes for a new relevant item that
    starts its own story (the story key, the sketch keys from
    `monitor.dedupe.sketch`, its topic and source), in one bulk transaction
    per 100,000 stories instead of one lookup and a few statements per item:
    a million stories take minutes, not the best part of an hour. The stored
    stories are random texts, so no story lookup is skipped that would have
    joined anything. The search index's Thai segmentation is replaced by the
    text itself while building (about 4 ms per item, and no story lookup reads
    the search index); the measured run (`--measure`) uses the real one.
    """
    started = time.perf_counter()
    if have == 0:
        Store(path).close()       # the schema, every migration applied
    keyer = story_keyer(())
    db = sqlite3.connect(path, isolation_level=None)
    db.create_function("monitor_words", 1, lambda text: text or "", deterministic=True)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")     # 256 MB: the index is written in key order
    next_id = (db.execute("SELECT MAX(id) FROM items").fetchone()[0] or 0) + 1
    items: list[tuple[object, ...]] = []
    extras: list[tuple[int, str, str, str]] = []
    index: list[tuple[int, int]] = []

    def flush() -> None:
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO items (id, identity, guid, story, story_key, url, link, title, "
            "summary, text, published, date_is_first_seen, source, relevant, first_seen, "
            "updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, 0, ?, 1, ?, ?)", items)
        db.executemany("INSERT INTO item_topics (item_id, topic, keyword) "
                       "VALUES (?, 'egov', 'kw')", ((i,) for i, *_ in extras))
        db.executemany("INSERT INTO item_sources (item_id, source, link, seen) "
                       "VALUES (?, ?, ?, ?)", extras)
        index.sort()        # in key order, each index page is written once per batch
        db.executemany("INSERT OR IGNORE INTO story_index (band, item) VALUES (?, ?)", index)
        db.execute("COMMIT")
        items.clear()
        extras.clear()
        index.clear()

    for i, batch in enumerate(stored_batches(texts, have, want - have)):
        when = NOW - timedelta(days=6) + timedelta(days=6) * ((have + i * 1000) / want)
        stamp = when.isoformat(timespec="seconds")
        for item in batch:
            key = keyer(item.title, item.summary)
            items.append((next_id, item.identity, make_guid(item.identity, next_id), next_id,
                          key.dumps(),
                          item.url, item.link, item.title, item.summary,
                          item.published.isoformat(timespec="seconds"), item.source,
                          stamp, stamp))
            extras.append((next_id, item.source, item.link, stamp))
            index.extend((band, next_id) for band in sketch(key))
            next_id += 1
        if len(items) >= 100_000:
            flush()
    if items:
        flush()
    db.close()
    print(f"  built {want:,} stored stories in {time.perf_counter() - started:.0f} s "
          f"({path.stat().st_size / 1e6:.0f} MB)", flush=True)


def new_items(texts: Texts) -> list[Item]:
    """1,000 new items: 100 rewrites of stories stored earlier (by seed), 900 fresh."""
    replay = Texts(SEED)       # the stored stories' texts, regenerated in order
    stored = [replay.story() for _ in range(1000)]
    items = []
    for n in range(1000):
        if n % 10 == 0:
            items.append(make_item(10**8 + n, "rewriter", *texts.rewrite(*stored[n])))
        else:
            items.append(make_item(10**8 + n, "fresh", *texts.story()))
    return items


def measure_new(path: str) -> None:
    """Child process: open the store, save the 1,000 new items; print the save's time,
    the part of it spent in story dedupe, peak RSS, joins and candidates verified."""
    items = new_items(Texts(SEED + 1))
    spent = [0.0]
    verified = [0]
    signature = store_module.Store._signature

    def counted(self: Store, stored_key: str) -> Any:
        verified[0] += 1
        return signature(self, stored_key)

    store_module.Store._signature = counted  # type: ignore[method-assign]
    with Store(path) as store:
        with dedupe_timed(spent):
            started = time.perf_counter()
            result = store.save_items(items, NOW)
            elapsed = time.perf_counter() - started
        joined = store.db.execute(
            "SELECT COUNT(*) FROM items WHERE source = 'rewriter' AND story != id").fetchone()[0]
    print(f"{elapsed:.3f} {spent[0]:.3f} {peak_rss_mb():.0f} {result.new} {joined} {verified[0]}")


def peak_rss_mb() -> float:
    """This process's own peak RSS. Linux carries ru_maxrss across exec, so a child
    started by a large parent would report the parent's size; VmHWM is the child's."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_new_against_stored(sizes: list[int], tmp: Path) -> None:
    print("(a) 1,000 new items against N stored stories in the window")
    path = tmp / "stored.sqlite3"
    texts = Texts(SEED)
    have = 0
    for size in sorted(sizes):
        build(path, texts, have, size)
        have = size
        trial = tmp / "trial.sqlite3"
        shutil.copyfile(path, trial)
        out = subprocess.run([sys.executable, __file__, "--measure", str(trial)],
                             capture_output=True, text=True, check=True).stdout.split()
        trial.unlink()
        elapsed, dedupe, rss, new, joined, verified = out
        print(f"  N = {size:>9,}: saved {new} items in {float(elapsed):.3f} s, of which story "
              f"dedupe {float(dedupe):.3f} s; peak RSS {rss} MB; {joined}/100 rewrites joined "
              f"their story; {int(verified) / int(new):.1f} candidates verified per item",
              flush=True)


def _timed(fn: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    """fn, adding its time to spent[0] (and its thread's CPU time to spent[1], when
    there); a timed call inside another counts once."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _depth[0]:
            return fn(*args, **kwargs)
        _depth[0] += 1
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started
            if len(spent) > 1:
                spent[1] += time.thread_time() - cpu
            _depth[0] -= 1
    return wrapper


_depth = [0]


@contextlib.contextmanager
def dedupe_timed(spent: list[float]) -> Iterator[None]:
    """Add the time every store spends in story dedupe to spent[0] while inside:
    keying, sketching, finding the story and writing the index."""
    patched = [(store_module.Store, name) for name in
               ("_find_stories", "_index_bands", "_index_story")]
    patched += [(dedupe_module.StoryKeyer, "__call__")]
    originals = [(owner, name, getattr(owner, name)) for owner, name in patched]
    sketch = store_module.sketch
    try:
        for owner, name, fn in originals:
            setattr(owner, name, _timed(fn, spent))
        store_module.sketch = _timed(sketch, spent)
        yield
    finally:
        for owner, name, fn in originals:
            setattr(owner, name, fn)
        store_module.sketch = sketch


@contextlib.contextmanager
def dedupe_parts(parts: dict[str, float]) -> Iterator[None]:
    """Add each part of story dedupe's time to parts[name] while inside: where the
    time goes, for whoever tries to make it shorter (the timers add a little)."""
    targets = [(dedupe_module.StoryKeyer, "__call__", "keying"),
               (store_module, "sketch", "sketching"),
               (store_module.Store, "_find_stories", "finding the story"),
               (store_module, "matching_stories", "verifying candidates"),
               (store_module.Store, "_index_bands", "writing index rows")]
    originals = [(owner, attr, getattr(owner, attr)) for owner, attr, _ in targets]

    def timed(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                parts[name] = parts.get(name, 0.0) + time.perf_counter() - started
        return wrapper

    try:
        for (owner, attr, fn), (_, _, name) in zip(originals, targets, strict=True):
            setattr(owner, attr, timed(fn, name))
        yield
    finally:
        for owner, attr, fn in originals:
            setattr(owner, attr, fn)


def bench_first_crawl(tmp: Path, sources: int = 500, per_source: int = 30,
                      breakdown: bool = False) -> None:
    print(f"(b) store-level first crawl: {sources} sources x {per_source} items")
    texts = Texts(SEED + 2)
    rng = random.Random(SEED + 3)
    batches: list[list[Item]] = []
    relevant_texts: list[tuple[str, str]] = []
    n = 0
    for s in range(sources):
        batch = []
        for _ in range(per_source):
            n += 1
            relevant = rng.random() < 1 / 3
            if relevant and relevant_texts and rng.random() < 0.1:
                title, lede = texts.rewrite(*rng.choice(relevant_texts))
            else:
                title, lede = texts.story()
                if relevant:
                    relevant_texts.append((title, lede))
            batch.append(make_item(n, f"src{s}", title, lede, relevant=relevant))
        batches.append(batch)
    spent = [0.0]
    started = time.perf_counter()
    with dedupe_timed(spent), Store(tmp / "crawl.sqlite3") as store:
        for batch in batches:
            store.save_items(batch, NOW)
        total = time.perf_counter() - started
        counts = store.count_items()
        items, stories = counts.total, counts.stories
    print(f"  saved {items:,} items ({stories:,} stories) in {total:.2f} s; story dedupe "
          f"{spent[0]:.2f} s = {100 * spent[0] / total:.1f}% of it", flush=True)
    if breakdown:
        parts: dict[str, float] = {}
        with dedupe_parts(parts), Store(tmp / "parts.sqlite3") as store:
            for batch in batches:
                store.save_items(batch, NOW)
        finding, verifying = parts.pop("finding the story"), parts["verifying candidates"]
        parts["index queries and the item's shingles"] = finding - verifying
        print("  the same crawl again, story dedupe's parts: " + "; ".join(
            f"{name} {seconds:.2f} s" for name, seconds in parts.items()), flush=True)


def bench_http_crawl(tmp: Path, sources: int = 500, port: int = 18400,
                     stories: bool = True) -> None:
    """The whole first crawl, HTTP and all, of the synthetic web of benchmarks/crawl.py
    with a third of the items relevant, in this process: story dedupe's share of it."""
    import crawl as crawlbench  # benchmarks/crawl.py, beside this file

    from monitor.cli import main as monitor
    print(f"(c) whole first crawl of {sources} html sources x 30 items over HTTP, "
          "a third relevant, " + ("real words, a tenth rewrites" if stories else "18 templates"))
    web = crawlbench.WebProcess(sources, 50, port, 1, 1 / 3, stories=stories)
    try:
        config = crawlbench.write_config(tmp / "html.yaml", "html", sources, 50, port, 16)
        spent = [0.0, 0.0]   # wall time in story dedupe, and its CPU time
        cwd = Path.cwd()
        os.chdir(tmp)
        try:
            with dedupe_timed(spent), contextlib.redirect_stdout(io.StringIO()):
                started, cpu = time.perf_counter(), time.process_time()
                code = monitor(["crawl", "--config", str(config)])
                total = time.perf_counter() - started
                cpu = time.process_time() - cpu
        finally:
            os.chdir(cwd)
        # The page workers' CPU: counted once they are stopped and waited for (the
        # synthetic web, also a child, still runs).
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        readpool._stop()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu += (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    finally:
        web.stop()
    with sqlite3.connect(tmp / "html.sqlite3") as db:
        items, relevant = db.execute("SELECT COUNT(*), SUM(relevant) FROM items").fetchone()
    # This process stored the items (the page workers are others): its peak is the
    # storing process's, and the benchmark's own part of it is small.
    print(f"  exit {code}; {items:,} items ({relevant:,} relevant) in {total:.2f} s; story "
          f"dedupe {spent[0]:.2f} s = {100 * spent[0] / total:.1f}% of it; peak RSS "
          f"{peak_rss_mb():.0f} MB; CPU {cpu:.2f} s (both processes), of which story dedupe "
          f"{spent[1]:.2f} s = {100 * spent[1] / cpu:.1f}%", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000",
                        help="stored story counts for (a), comma-separated")
    parser.add_argument("--parts", default="abc", help="which of (a), (b), (c) to run")
    parser.add_argument("--breakdown", action="store_true",
                        help="(b) once more, printing story dedupe's parts")
    parser.add_argument("--template", action="store_true",
                        help="(c) on the crawl benchmark's template items, not real words")
    parser.add_argument("--port", type=int, default=18400, help="loopback port for (c)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure_new(args.measure)
        return
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        if "b" in args.parts:
            bench_first_crawl(Path(tmp), breakdown=args.breakdown)
        if "c" in args.parts:
            bench_http_crawl(Path(tmp), port=args.port, stories=not args.template)
        if "a" in args.parts:
            bench_new_against_stored([int(s) for s in args.sizes.split(",")], Path(tmp))


if __name__ == "__main__":
    main()
