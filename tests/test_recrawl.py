"""The unchanged re-crawl: every source answers 304, so nothing is read, imported or
published that only changed pages need; anything that did change is published."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.crawl_helpers import conditional, crawl, write_config
from tests.httpserver import FixtureServer, Response

# What only a changed page (or a publish) needs; an all-304 crawl must not load them.
# The read worker's multiprocessing, and httpx's command line (click, pygments), are
# never needed by one.
HEAVY = ("jinja2", "feedgen", "lxml", "selectolax", "charset_normalizer", "monitor.publish",
         "monitor.extract.article", "monitor.normalise", "monitor.text.thaidate",
         "multiprocessing", "click", "pygments")


def two_sources(server: FixtureServer, tmp_path: Path) -> Path:
    server.add("/a.xml", conditional)
    server.add("/b.xml", conditional)
    return write_config(tmp_path, "".join(
        f"\n  - name: {name}\n    url: {server.url(f'/{name}.xml')}\n    type: feed\n"
        for name in ("a", "b")))


def outputs(config: Path) -> dict[str, int]:
    """Each output file's modification time, in nanoseconds."""
    out = config.parent / "out"
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def crawl_in_child(config: Path) -> tuple[str, list[str]]:
    """`monitor crawl` in a fresh interpreter: its output, and which HEAVY modules it loaded."""
    script = ("import sys, json\nfrom monitor.cli import main\n"
              f"code = main(['crawl', '--config', {str(config)!r}])\n"
              f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
              # the public roots (about 35 ms to load) are for https origins only
              "from monitor.fetch.tlstrust import context_for\n"
              "loaded += ['TLS roots'] * context_for.cache_info().currsize\n"
              "print(json.dumps(loaded))\n"
              "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=config.parent)
    assert done.returncode == 0, done.stderr
    *lines, loaded = done.stdout.splitlines()
    return "\n".join(lines), json.loads(loaded)


def test_an_unchanged_crawl_loads_no_publisher_or_extractor(server: FixtureServer,
                                                            tmp_path: Path) -> None:
    config = two_sources(server, tmp_path)
    first, loaded_first = crawl_in_child(config)
    assert "published to" in first
    assert {"jinja2", "feedgen", "monitor.publish"} <= set(loaded_first)   # the check can fail
    again, loaded = crawl_in_child(config)
    feeds = [r for r in server.log if r.path.endswith(".xml")]
    assert len(feeds) == 4 and all("if-none-match" in r.headers for r in feeds[2:])
    assert "nothing changed" in again
    assert loaded == []


def test_an_unchanged_crawl_leaves_the_outputs_as_they_were(server: FixtureServer,
                                                            tmp_path: Path) -> None:
    config = two_sources(server, tmp_path)
    assert crawl(config) == 0
    before = outputs(config)
    assert "feed.xml" in before and "sources.json" in before
    assert crawl(config) == 0
    assert outputs(config) == before


def test_a_newer_sources_file_is_published_though_no_source_changed(
        server: FixtureServer, tmp_path: Path) -> None:
    config = two_sources(server, tmp_path)
    assert crawl(config) == 0
    index = config.parent / "out" / "index.html"
    edited = config.stat().st_mtime_ns
    os.utime(index, ns=(edited - 10**10, edited - 10**10))   # sources.yaml edited since
    assert crawl(config) == 0
    published = index.stat().st_mtime_ns
    assert published > edited - 10**10
    assert crawl(config) == 0
    assert index.stat().st_mtime_ns == published   # and then it rests


def test_missing_outputs_are_written_on_an_unchanged_crawl(server: FixtureServer,
                                                           tmp_path: Path) -> None:
    config = two_sources(server, tmp_path)
    assert crawl(config) == 0
    (config.parent / "out" / "index.html").unlink()
    assert crawl(config) == 0
    assert (config.parent / "out" / "index.html").exists()


def test_a_source_recovering_with_a_304_is_published(server: FixtureServer,
                                                     tmp_path: Path) -> None:
    config = two_sources(server, tmp_path)
    assert crawl(config) == 0
    server.add("/b.xml", Response(503, b"down"))
    assert crawl(config) == 0
    sources = config.parent / "out" / "sources.json"
    states = {s["name"]: s["state"] for s in json.loads(sources.read_text("utf-8"))["sources"]}
    assert states == {"a": "ok", "b": "failing"}
    server.add("/b.xml", conditional)
    assert crawl(config) == 0      # b answers 304 again: its state changed, so publish
    states = {s["name"]: s["state"] for s in json.loads(sources.read_text("utf-8"))["sources"]}
    assert states == {"a": "ok", "b": "ok"}


def test_many_sources_read_their_state_in_batches(tmp_path: Path) -> None:
    """health_of and validators_of agree with the one-at-a-time reads, beyond one chunk."""
    from datetime import UTC, datetime

    from monitor.health import Health
    from monitor.models import Document
    from monitor.store import Store

    now = datetime(2026, 11, 1, tzinfo=UTC)
    names = [f"s{i}" for i in range(1200)]
    urls = [f"http://127.0.0.1/{i}" for i in range(1200)]
    with Store(tmp_path / "db.sqlite3") as store:
        with store.transaction():
            for i, (name, url) in enumerate(zip(names, urls, strict=True)):
                if i % 3 == 0:
                    continue   # never crawled: absent from both answers
                store.save_health(Health(name, last_attempt=now, items_last=i))
                doc = Document(url=url, content=b"", text="", encoding="utf-8",
                               content_type="text/html", status=200, fetched_at=now,
                               etag=f'"{i}"' if i % 2 else None,
                               last_modified=None if i % 2 else "Sun, 01 Nov 2026 00:00:00 GMT")
                store.save_validators(url, doc, now)
        healths = store.health_of(names)
        validators = store.validators_of(urls)
        assert len(healths) == len(validators) == 800
        assert healths == {n: h for n in names if (h := store.health(n)) is not None}
        assert validators == {u: v for u in urls if (v := store.validators(u)) is not None}


def test_an_unchanged_crawl_records_every_source_as_checked(server: FixtureServer,
                                                            tmp_path: Path) -> None:
    """The 304s' health is written in a batch: still written, every one."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from monitor.config.loader import load_config
    from monitor.store import Store

    config = two_sources(server, tmp_path)
    assert crawl(config) == 0
    database = load_config(config).database
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    with Store(database) as store:   # the times have one-second steps: set them back
        for health in store.all_health().values():
            store.save_health(replace(health, last_attempt=long_ago, last_success=long_ago))
    assert crawl(config) == 0
    with Store(database) as store:
        again = store.all_health()
    assert set(again) == {"a", "b"}
    assert all(h.state == "ok" and h.last_success and h.last_success > long_ago
               for h in again.values())
