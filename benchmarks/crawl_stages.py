"""What each step of a first crawl costs per item, in one process; prints a table.

    .venv/bin/python benchmarks/crawl_stages.py [--sources 500]

Fetches the synthetic web's N html listings once (benchmarks/synthweb.py), then
times, on those same pages, each step a first crawl takes after the fetch:
parsing (with the markup bounds: nesting, attributes) and selecting,
normalising (dates, URLs, text), matching, the search index's words, and
storing (a fresh SQLite file; story
keys and dedupe for the relevant items included). urlwatch does the fetch, one
CSS filter per page and one cache write per page, and none of the rest: these
figures say how much of the monitor's time is work urlwatch does not do at all.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.crawl import SELECT, WebProcess, floor_crawl, source_url  # noqa: E402
from monitor.config.settings import Selectors, Source  # noqa: E402
from monitor.models import Document  # noqa: E402

NORMALISE = "normalise (dates, URLs, text)"
MATCH = "match topics"
WORDS = "search index words (relevant items)"
STORE = "store (insert, story index, dedupe)"
NO_COUNTERPART = (NORMALISE, MATCH, WORDS, STORE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--port", type=int, default=18095)
    parser.add_argument("--relevant", type=float, default=0.02)
    parser.add_argument("--stories", action="store_true",
                        help="relevant items of real words, a tenth rewrites (as stories.py (c))")
    args = parser.parse_args()
    web = WebProcess(args.sources, args.hosts, args.port, 1, args.relevant, stories=args.stories)
    try:
        urls = [source_url(i, args.hosts, args.port, "html") for i in range(args.sources)]
        pages = []
        for url in urls:
            with urllib.request.urlopen(url, timeout=10) as answer:
                pages.append(Document(url=url, content=b"", text=answer.read().decode("utf-8"),
                                      encoding="utf-8", content_type="text/html", status=200,
                                      fetched_at=datetime.now(UTC)))
        cpu = time.process_time()
        asyncio.run(floor_crawl(urls, 16))
        fetch_cpu = time.process_time() - cpu
    finally:
        web.stop()
    stages(pages, fetch_cpu)


def stages(pages: list[Document], fetch_cpu: float) -> None:
    from monitor.config.loader import load_config
    from monitor.extract.html import read_listing
    from monitor.models import Prepared
    from monitor.offload import Budget
    from monitor.reading import match_all, matcher_for, normalise_all
    from monitor.store import Store
    from monitor.text.words import index_words

    config = load_config(ROOT / "sources.yaml")
    matcher = matcher_for(config.topics, config.synonyms)
    matcher.match("warm up", "", "")
    now = datetime.now(UTC)
    select = Selectors(**SELECT)
    sources = [Source(name=f"s{i}", url=p.url, type="html", select=select)
               for i, p in enumerate(pages)]
    spent: dict[str, float] = {}

    @contextlib.contextmanager
    def timing(name: str) -> Iterator[None]:
        started = time.process_time()
        yield
        spent[name] = spent.get(name, 0.0) + time.process_time() - started

    kept = []
    for page, source in zip(pages, sources, strict=True):
        with timing("bounds, parse and select (selectolax)"):
            extraction = read_listing(page, select)
        with timing(NORMALISE):
            items, _ = normalise_all(extraction.items, source, config.timezone, now, Budget(30))
        with timing(MATCH):
            matched = match_all(items, source, matcher, Budget(30), [])
        with timing(WORDS):   # as the read worker does: the storing side looks them up
            words = {text: index_words(text) for item in matched if item.topics
                     for text in (item.title, item.summary) if text}
        kept.append((matched, Prepared(words)))
    with tempfile.TemporaryDirectory() as tmp, \
            Store(Path(tmp) / "s.sqlite3", synonyms=config.synonyms) as store, \
            store.transaction():   # one, as a crawl commits many sources together
        for matched, prepared in kept:
            with timing(STORE):
                store.save_items(matched, now, prepared=prepared)
    count = sum(len(m) for m, _ in kept)
    relevant = sum(1 for m, _ in kept for i in m if i.topics)
    total = fetch_cpu + sum(spent.values())
    print(f"{len(pages)} html pages, {count} items ({relevant} relevant); CPU seconds, "
          "one process")
    print(f"  {'raw-fetch floor (fetch, selectolax items)':<42} {fetch_cpu:6.2f} s")
    for name, seconds in spent.items():
        print(f"  {name:<42} {seconds:6.2f} s  {seconds / count * 1e6:6.0f} us/item")
    beyond = sum(spent[name] for name in NO_COUNTERPART)
    print(f"  {'total':<42} {total:6.2f} s; steps urlwatch has no counterpart for "
          f"({', '.join(NO_COUNTERPART)}): {beyond:.2f} s, {beyond / total:.0%}")


if __name__ == "__main__":
    main()
