"""Pages read in worker processes (monitor.readpool): the same items as in-process,
a budget still stops a source, and a run still stops at once on SIGTERM.

A crawl uses workers from readpool.MIN_SOURCES sources on; these tests lower it
so that a handful of sources on a fixture server is enough.
"""

from __future__ import annotations

import gzip
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from monitor import dedupe, pipeline, readpool
from monitor.config.loader import load_config
from monitor.dedupe import story_keyer
from monitor.text import words as text_words
from tests.crawl_helpers import crawl, listing_source, published, write_config
from tests.httpserver import FixtureServer, Response

TITLES = ["กรมการปกครองประชุมประจำเดือน", "สพร. เปิดบริการใหม่บนแอปทางรัฐ",
          "ประกาศตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565",
          "ดิจิทัลวอลเล็ตลงทะเบียนผ่านทางรัฐ", "อบต. จัดกิจกรรมวันเด็ก"]


def listing(site: int, rows: int = 12) -> bytes:
    items = "".join(
        f'<div class="row"><h3><a href="/s/{site}/n/{n}">{TITLES[(site + n) % len(TITLES)]} '
        f'{site}-{n}</a></h3><span class="d">{1 + n % 28} พ.ย. 2569</span>'
        f'<p>รายละเอียดเรื่องที่ {n}</p></div>' for n in range(rows))
    return (f"<html><body><nav>เมนู</nav><div class='list'>{items}</div>"
            "<footer>ติดต่อเรา</footer></body></html>").encode()


def sites(server: FixtureServer, count: int) -> str:
    entries = []
    for site in range(count):
        server.add(f"/s/{site}/", Response(200, listing(site),
                                           {"Content-Type": "text/html; charset=utf-8"}))
        entries.append(listing_source(f"site{site}", server.url(f"/s/{site}/"), summary="p"))
    return "".join(entries)


def stored(config: Path) -> list[tuple[object, ...]]:
    """Every item with its topics, and what the search index holds of it."""
    with sqlite3.connect(config.parent / "data" / "monitor.sqlite3") as db:
        return db.execute(
            "SELECT i.identity, i.title, i.summary, i.published, i.relevant, i.date_text, "
            "i.story_key, "
            "(SELECT group_concat(topic || ':' || keyword) FROM item_topics t "
            "WHERE t.item_id = i.id), f.title, f.summary, f.text "
            "FROM items i LEFT JOIN items_fts f ON f.rowid = i.id ORDER BY identity").fetchall()


@pytest.fixture
def with_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readpool, "MIN_SOURCES", 1)
    monkeypatch.setattr(readpool, "WORKERS", max(1, readpool.WORKERS))


def test_pages_read_in_a_worker_give_what_the_crawl_process_gives(
        server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = sites(server, 6)
    (tmp_path / "alone").mkdir()
    (tmp_path / "pooled").mkdir()
    alone = write_config(tmp_path / "alone", entries)
    monkeypatch.setattr(readpool, "MIN_SOURCES", 10**9)
    assert crawl(alone) == 0

    monkeypatch.setattr(readpool, "MIN_SOURCES", 1)
    monkeypatch.setattr(readpool, "WORKERS", max(1, readpool.WORKERS))
    monkeypatch.setattr(readpool, "QUEUED_PER_WORKER", 1000)   # never read in-process
    assert readpool.start(timeout=60), "a worker started"
    before = readpool.pages_read
    pooled = write_config(tmp_path / "pooled", entries)
    # The workers key the relevant items for story dedupe: this process only looks
    # the keys up (and would fold each text again if they did not).
    folded: list[str] = []
    fold = dedupe.StoryKeyer._reduce
    monkeypatch.setattr(dedupe.StoryKeyer, "_reduce",
                        lambda self, text: folded.append(text) or fold(self, text))
    # And the search index's words: segmented there, looked up here.
    segmented: list[str] = []
    segment = text_words.words
    monkeypatch.setattr(text_words, "words",
                        lambda text: segmented.append(text) or segment(text))
    assert crawl(pooled) == 0
    assert readpool.pages_read - before == 6, "every page was read by a worker"
    assert folded == [] and segmented == []
    # What the workers computed served its own page's save and is not kept after it
    # (a large crawl held tens of megabytes of it).
    assert text_words._PRIMED == {} and dedupe._SKETCHES == {}
    assert story_keyer(load_config(pooled).synonyms)._primed == {}

    rows = stored(pooled)
    assert len(rows) == 6 * 12
    assert rows == stored(alone)
    assert any(row[7] for row in rows), "some items matched a topic"
    assert any(row[8] for row in rows), "and are in the search index"
    # With the config's synonyms, as the store folds them: "สพร." is the DGA here.
    dga = story_keyer((("สำนักงานพัฒนารัฐบาลดิจิทัล", "สพร.", "DGA"),))("สพร.").title
    assert any(dga in str(row[6]) for row in rows if "สพร." in str(row[1]))
    # Which item heads a story depends on the order sources finish in, so the feeds
    # are compared by what they may hold: relevant stored items only.
    relevant = {row[1] for row in rows if row[4]}
    assert published(pooled) and set(published(pooled)) <= relevant


def test_a_budget_spent_in_a_worker_is_that_sources_error(
        server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], with_workers: None) -> None:
    config = write_config(tmp_path, sites(server, 2))
    assert readpool.start(timeout=60)
    monkeypatch.setattr(pipeline, "PROCESS_BUDGET", 0.0)
    sent, read = readpool.pages_sent, readpool.pages_read
    assert crawl(config, "-v") == 1
    assert (readpool.pages_sent - sent, readpool.pages_read - read) == (2, 0)
    out = capsys.readouterr().out
    assert out.count("took longer than its budget of 0 s") == 2, out
    # The workers are still there for the next crawl.
    monkeypatch.setattr(pipeline, "PROCESS_BUDGET", 30.0)
    assert readpool.start(timeout=60)
    before = readpool.pages_read
    assert crawl(config) == 0
    assert readpool.pages_read > before
    assert len(stored(config)) == 2 * 12


RUN_WITH_WORKERS = """
import sys
from monitor import readpool
from monitor.cli import main
readpool.MIN_SOURCES = 1
readpool.WORKERS = max(1, readpool.WORKERS)
readpool.QUEUED_PER_WORKER = 1000
raise SystemExit(main(["run", "--config", sys.argv[1]]))
"""


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found.update(int(p) for p in (task / "children").read_text().split())
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_sigterm_ends_a_run_and_its_busy_workers_at_once(
        server: FixtureServer, tmp_path: Path) -> None:
    """Workers reading a page do not hold up the exit, and none is left behind."""
    rows = 1_400   # a worker's while to read, yet small enough to go to one
    page = listing(0, rows)
    assert len(page.decode()) <= pipeline.OFFLOAD_CHARS
    server.add("/big/", Response(200, page, {"Content-Type": "text/html"}))
    entries = sites(server, 3) + f"""
  - name: big
    url: "{server.url('/big/')}"
    type: html
    interval: 1s
    max_items: {rows}
    respect_robots: false
    select:
      item: "div.row"
      title: "h3 a"
      link: "h3 a::attr(href)"
"""
    config = write_config(tmp_path, entries)
    log = tmp_path / "stderr.txt"
    process = subprocess.Popen([sys.executable, "-c", RUN_WITH_WORKERS, str(config)],
                               stdout=subprocess.DEVNULL, stderr=log.open("w"))
    try:
        deadline = time.monotonic() + 30
        while len(server.requests_for("/big/")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(server.requests_for("/big/")) >= 2, log.read_text("utf-8")
        workers = {pid for pid in _children(process.pid)
                   if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()}
        assert workers, "the run started a worker process"
        started = time.monotonic()
        process.terminate()
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
        time.sleep(0.5)
        assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()
                    and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    err = log.read_text("utf-8")
    assert "Traceback" not in err, err


def test_a_caller_that_stops_waiting_frees_the_workers_slot_later(
        monkeypatch: pytest.MonkeyPatch, with_workers: None) -> None:
    """The caller gives up when the budget is spent (plus GRACE); the page still
    counts as queued until its worker is done, even after the caller's loop has closed."""
    import asyncio
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from monitor.config.settings import Selectors, Source, Topic
    from monitor.models import Document
    from monitor.offload import Budget, BudgetExceeded

    assert readpool.start(timeout=60)
    monkeypatch.setattr(readpool, "GRACE", 0.0)
    source = Source(name="s", url="http://127.0.0.1/", type="html",
                    select=Selectors(item="div.row", title="h3 a", link="h3 a::attr(href)"))
    doc = Document(url="http://127.0.0.1/", content=b"", text=listing(0, 300).decode(),
                   encoding="utf-8", content_type="text/html")
    budget = Budget(0.0)   # spent: the caller stops waiting at once, the worker stops too
    sent, read = readpool.pages_sent, readpool.pages_read

    async def one() -> None:
        await readpool.read_in_worker(doc, source, ZoneInfo("Asia/Bangkok"),
                                      datetime.now(UTC), budget,
                                      (Topic("t", "t", ("ทางรัฐ",)),), (), 1000)

    with pytest.raises(BudgetExceeded):
        asyncio.run(one())
    assert readpool.pages_sent - sent == 1
    deadline = time.monotonic() + 30
    while readpool._in_flight and time.monotonic() < deadline:
        time.sleep(0.05)
    assert readpool._in_flight == 0
    assert readpool.pages_read == read, "the worker found the budget spent too"



def test_a_worker_stuck_past_its_budget_is_replaced_and_the_pages_behind_it_come_back(
        monkeypatch: pytest.MonkeyPatch, with_workers: None) -> None:
    """A page whose reading overruns its budget inside one long step never reaches a
    budget check: its worker would go on for as long as the step takes, and the
    pages queued behind it would wait out their own budgets and fail. STUCK after
    its caller gives up, the pool is killed; the queued page is handed back to be
    read by its caller, and the next page starts a new pool."""
    import asyncio
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from monitor.config.settings import Selectors, Source, Topic
    from monitor.models import Document
    from monitor.offload import Budget, BudgetExceeded

    monkeypatch.setattr(readpool, "WORKERS", 1)
    monkeypatch.setattr(readpool, "QUEUED_PER_WORKER", 1000)
    monkeypatch.setattr(readpool, "GRACE", 0.2)
    monkeypatch.setattr(readpool, "STUCK", 0.2)
    assert readpool.start(timeout=60)
    # A sitemap of 200,000 addresses (15 MB): read in one step of several seconds.
    slow = Document(url="http://127.0.0.1/", content=b"", encoding="utf-8",
                    content_type="application/xml",
                    text="<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>" + "".join(
                        f"<url><loc>http://127.0.0.1/n/{i}</loc><lastmod>2026-11-01</lastmod>"
                        "</url>" for i in range(200_000)) + "</urlset>")
    quick = Document(url="http://127.0.0.1/", content=b"", encoding="utf-8",
                     content_type="text/html", text=listing(0, 20).decode())
    many = Source(name="slow", url="http://127.0.0.1/", type="sitemap")
    html = Source(name="quick", url="http://127.0.0.1/", type="html",
                  select=Selectors(item="div.row", title="h3 a", link="h3 a::attr(href)"))
    topics = (Topic("t", "t", ("ทางรัฐ",)),)
    tz = ZoneInfo("Asia/Bangkok")
    sent, read = readpool.pages_sent, readpool.pages_read

    async def both() -> object:
        stuck = asyncio.create_task(readpool.read_in_worker(
            slow, many, tz, datetime.now(UTC), Budget(0.5), topics, (), 200))
        await asyncio.sleep(0.05)
        behind = asyncio.create_task(readpool.read_in_worker(
            quick, html, tz, datetime.now(UTC), Budget(30), topics, (), 200))
        with pytest.raises(BudgetExceeded):
            await stuck
        return await behind

    assert asyncio.run(both()) is None, "the page behind was read by the stuck worker"
    assert readpool.pages_sent - sent == 2 and readpool.pages_read == read
    assert readpool._in_flight == 0 and readpool._waiting == {}
    assert readpool.start(timeout=60), "a new pool serves the next page"

    async def again() -> object:
        return await readpool.read_in_worker(quick, html, tz, datetime.now(UTC), Budget(30),
                                             topics, (), 200)

    page = asyncio.run(again())
    assert page is not None and page.found == 20


def test_a_page_sent_as_its_pool_is_replaced_is_handed_back(
        monkeypatch: pytest.MonkeyPatch, with_workers: None) -> None:
    """Between taking the pool and queuing a page on it, another page's timer may have
    killed it: the page is read by its caller, not failed with the pool's error."""
    import asyncio
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from monitor.config.settings import Selectors, Source
    from monitor.models import Document
    from monitor.offload import Budget

    assert readpool.start(timeout=60)
    pool = readpool._pool
    assert pool is not None
    pool.terminate()   # as _replace_if_stuck does, before it lets the pool go
    source = Source(name="s", url="http://127.0.0.1/", type="html",
                    select=Selectors(item="div.row", title="h3 a", link="h3 a::attr(href)"))
    doc = Document(url="http://127.0.0.1/", content=b"", encoding="utf-8",
                   content_type="text/html", text=listing(0, 3).decode())
    in_flight = readpool._in_flight
    try:
        page = asyncio.run(readpool.read_in_worker(
            doc, source, ZoneInfo("Asia/Bangkok"), datetime.now(UTC), Budget(30), (), (), 200))
        assert page is None
        assert readpool._in_flight == in_flight and readpool._waiting == {}
    finally:
        readpool._stop()
    assert readpool.start(timeout=60), "a new pool for the next page"


def test_a_changed_page_prepares_only_what_the_store_lacks(
        server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-reading a page that gained items, the worker segments and keys only the new
    and renamed relevant items (monitor.held): the store holds the others as they
    are. What is stored and searchable is what a crawl without workers stores."""
    prepared: list[set[str]] = []
    read_in_worker = readpool.read_in_worker

    async def recording(*args: Any, **kwargs: Any) -> Any:
        page = await read_in_worker(*args, **kwargs)
        if page is not None:
            prepared.append({text for text in page.prepared.index_words if " 0-" in text})
            assert {key[0] for key in page.prepared.story_keys} == prepared[-1]
        return page

    monkeypatch.setattr(readpool, "read_in_worker", recording)
    renamed = f"{TITLES[1]} ฉบับแก้ไข 0-1"
    changed = listing(0).decode().replace(f"{TITLES[1]} 0-1<", f"{renamed}<").replace(
        "<div class='list'>", "<div class='list'>" + "".join(
            f'<div class="row"><h3><a href="/s/0/n/{n}">{TITLES[2]} 0-{n}</a></h3>'
            f'<span class="d">1 ธ.ค. 2569</span><p>ใหม่ {n}</p></div>' for n in (90, 91)))
    results = {}
    for name in ("alone", "pooled"):
        server.add("/s/0/", Response(200, listing(0), {"Content-Type": "text/html"}))
        (tmp_path / name).mkdir()
        config = write_config(tmp_path / name, sites(server, 1))
        pooled = name == "pooled"
        monkeypatch.setattr(readpool, "MIN_SOURCES", 1 if pooled else 10**9)
        monkeypatch.setattr(readpool, "WORKERS", max(1, readpool.WORKERS))
        monkeypatch.setattr(readpool, "QUEUED_PER_WORKER", 1000)   # never read in-process
        assert not pooled or readpool.start(timeout=60)
        assert crawl(config) == 0
        server.add("/s/0/", Response(200, changed.encode(), {"Content-Type": "text/html"}))
        assert crawl(config) == 0
        results[name] = stored(config)
    # Five of the page's twelve items are relevant: all five prepared at first; then
    # the two new ones and the renamed one, not the four stored as they are.
    assert prepared == [
        {f"{TITLES[1]} 0-{n}" for n in (1, 6, 11)} | {f"{TITLES[2]} 0-{n}" for n in (2, 7)},
        {f"{TITLES[2]} 0-90", f"{TITLES[2]} 0-91", renamed}]
    assert results["pooled"] == results["alone"]
    row = next(row for row in results["pooled"] if row[1] == renamed)
    assert row[8] == text_words.index_words(renamed), "the new title is searchable"


def test_the_database_file_alone_holds_the_crawl_while_a_worker_keeps_it_open(
        server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        with_workers: None) -> None:
    """The worker's read-only connection (monitor.held) outlives the crawl's, so the
    crawl's close is not the last one, which SQLite would checkpoint: the store
    checkpoints itself, and a copy of the database file alone is complete."""
    import shutil

    monkeypatch.setattr(readpool, "QUEUED_PER_WORKER", 1000)   # never read in-process
    assert readpool.start(timeout=60)
    config = write_config(tmp_path, sites(server, 3))
    assert crawl(config) == 0
    database = tmp_path / "data" / "monitor.sqlite3"
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(database, copy)       # the file alone, without its -wal
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 3 * 12


def test_a_gzip_sitemap_under_auto_is_read_by_the_worker(
        server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages go to the worker without their raw bytes; a gzip file that HTTP did not
    inflate arrives inflated, so `type: auto` there knows it for a sitemap."""
    news = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    urls = "".join(
        f"<url><loc>{server.url(f'/n/{n}')}</loc><news:news><news:publication_date>"
        f"2026-11-19T09:00:00+07:00</news:publication_date><news:title>{title}"
        f"</news:title></news:news></url>" for n, title in enumerate(TITLES))
    server.page("/news.xml.gz", gzip.compress(
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9" {news}>{urls}</urlset>'.encode()), "application/octet-stream")
    config = write_config(tmp_path, f"""  - name: gz
    url: "{server.url('/news.xml.gz')}"
    type: auto
""")
    monkeypatch.setattr(readpool, "MIN_SOURCES", 1)
    monkeypatch.setattr(readpool, "WORKERS", max(1, readpool.WORKERS))
    monkeypatch.setattr(readpool, "QUEUED_PER_WORKER", 1000)   # never read in-process
    assert readpool.start(timeout=60), "a worker started"
    before = readpool.pages_read
    assert crawl(config) == 0
    assert readpool.pages_read - before == 1, "the worker read it"
    assert len(stored(config)) == len(TITLES)
