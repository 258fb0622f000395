"""robots.txt answers outlive the process: a crawl run by cron does not ask every site
again each time (monitor.fetch.robots, kept in the store), and RFC 9309's rules hold:
a good copy for 24 hours, an answer that means "try later" not at all."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.config.settings import FetchSettings
from monitor.errors import NotAllowedError
from monitor.fetch import Fetcher
from monitor.store import Store
from tests.httpserver import FixtureServer, Response

POLITE = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0, respect_robots=True)
NOON = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def process(database: Path, url: str, at: datetime) -> object:
    """One fetch by a new Fetcher over the database, as one `monitor crawl` process does."""
    async def go() -> object:
        with Store(database) as store:
            async with Fetcher(user_agent="monitor/1", now=lambda: at,
                               robots_memory=store) as fetcher:
                try:
                    return await fetcher.fetch(url, POLITE)
                except NotAllowedError as refused:
                    return refused
    return asyncio.run(go())


@pytest.fixture
def site(server: FixtureServer) -> FixtureServer:
    server.page("/news", "<p>ข่าว</p>")
    server.page("/private/news", "<p>ภายใน</p>")
    return server


def robots_asked(server: FixtureServer) -> int:
    return len(server.requests_for("/robots.txt"))


def test_a_later_process_uses_the_kept_robots_txt_for_a_day(
        site: FixtureServer, tmp_path: Path) -> None:
    site.add("/robots.txt", Response(200, b"User-agent: *\nDisallow: /private/\n"))
    db = tmp_path / "monitor.sqlite3"
    process(db, site.url("/news"), NOON)
    assert robots_asked(site) == 1
    later = process(db, site.url("/private/news"), NOON + timedelta(hours=23))
    assert isinstance(later, NotAllowedError), "the kept rules still apply"
    assert robots_asked(site) == 1
    assert site.requests_for("/private/news") == []
    process(db, site.url("/news"), NOON + timedelta(hours=25))
    assert robots_asked(site) == 2, "after a day it is asked again"


def test_no_robots_txt_is_kept_too(site: FixtureServer, tmp_path: Path) -> None:
    # A long "not found" page changes nothing: only a robots.txt's own bytes are kept.
    site.add("/robots.txt", Response(404, b"<p>not here</p>" * 10_000))
    db = tmp_path / "monitor.sqlite3"
    for hour in (0, 1, 2):
        process(db, site.url("/news"), NOON + timedelta(hours=hour))
    assert robots_asked(site) == 1
    assert len(site.requests_for("/news")) == 3


def test_an_answer_meaning_try_later_is_not_kept(site: FixtureServer, tmp_path: Path) -> None:
    site.add("/robots.txt", Response(503, b"busy"))
    db = tmp_path / "monitor.sqlite3"
    first = process(db, site.url("/news"), NOON)
    assert isinstance(first, NotAllowedError)
    process(db, site.url("/news"), NOON + timedelta(minutes=1))
    assert robots_asked(site) == 2


def test_a_huge_robots_txt_is_not_kept(site: FixtureServer, tmp_path: Path) -> None:
    site.add("/robots.txt", Response(200, b"User-agent: *\nAllow: /\n" + b"#" * 100_000))
    db = tmp_path / "monitor.sqlite3"
    process(db, site.url("/news"), NOON)
    process(db, site.url("/news"), NOON + timedelta(hours=1))
    assert robots_asked(site) == 2


def test_a_kept_copy_older_than_a_day_serves_while_the_site_is_unreachable(
        site: FixtureServer, tmp_path: Path) -> None:
    site.add("/robots.txt", [Response(200, b"User-agent: *\nDisallow: /private/\n"),
                             Response(503, b"busy")])
    db = tmp_path / "monitor.sqlite3"
    process(db, site.url("/news"), NOON)
    later = process(db, site.url("/news"), NOON + timedelta(days=2))
    assert robots_asked(site) == 2
    assert not isinstance(later, NotAllowedError), "the old copy, not 'disallow all'"


def test_two_crawls_by_cron_ask_for_robots_txt_once(server: FixtureServer,
                                                   tmp_path: Path) -> None:
    """Two `monitor crawl` runs in a row, as cron starts them: the second asks for
    the feed only."""
    from tests.crawl_helpers import crawl, rss, write_config

    server.add("/robots.txt", Response(200, b"User-agent: *\nDisallow: /private/\n"))
    server.add("/feed.xml", Response(200, rss(("ข่าว", server.url("/n/1"))),
                                     {"Content-Type": "application/rss+xml", "ETag": '"v1"'}))
    config = write_config(tmp_path, f"""
  - name: ministry
    url: {server.url("/feed.xml")}
    type: feed
""", fetch="""
  min_delay_per_host: 0s
  retries: 0
  timeout: 5s
  respect_robots: true
""")
    assert crawl(config) == 0
    assert crawl(config) == 0
    assert [r.path for r in server.log] == ["/robots.txt", "/feed.xml", "/feed.xml"]
