"""A page that answers only 304 is asked in full once every one to two days.

A server can keep answering 304 while its page changes (an ETag of the
template, a Last-Modified of the script). The crawls below run against a
real server whose ETag never changes, with the stored time of the page's
last full answer moved back in the real SQLite file, as days passing would.
"""

from __future__ import annotations

import sqlite3
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.models import Validators
from monitor.pipeline import REVALIDATE_AFTER, _conditional
from tests.crawl_helpers import crawl, published, write_config
from tests.httpserver import FixtureServer
from tests.test_same_items import ROWS, entry, validating


def asked_in_full(server: FixtureServer) -> list[bool]:
    return ["if-none-match" not in r.headers for r in server.requests_for("/list/")]


def age(config: Path, days: float) -> None:
    """Move the page's last full answer `days` back."""
    with sqlite3.connect(config.parent / "data" / "monitor.sqlite3") as db:
        (fetched,) = db.execute("SELECT fetched FROM fetch_state").fetchone()
        earlier = datetime.fromisoformat(fetched) - timedelta(days=days)
        db.execute("UPDATE fetch_state SET fetched = ?", (earlier.isoformat(),))


def test_a_page_a_server_wrongly_calls_unchanged_is_read_within_two_days(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(ROWS)
    server.add("/list/", validating(rows))   # the same ETag whatever the page shows
    config = write_config(tmp_path, entry(server))
    assert crawl(config) == 0
    rows.insert(0, "สพร. เปิดศูนย์บริการดิจิทัลแห่งใหม่ ทางรัฐ")
    assert crawl(config) == 0
    assert rows[0] not in published(config)   # 304: the new item is not seen yet
    age(config, 0.9)
    assert crawl(config) == 0
    assert asked_in_full(server) == [True, False, False]
    age(config, 1.2)   # 2.1 days in all: past any page's due time
    capsys.readouterr()
    assert crawl(config) == 0
    assert asked_in_full(server) == [True, False, False, True]
    assert rows[0] in published(config)
    assert crawl(config) == 0   # and conditional again, from this answer on
    assert asked_in_full(server)[-1] is False


def test_a_page_asked_in_full_that_shows_the_same_items_is_unchanged(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.add("/list/", validating(list(ROWS)))
    config = write_config(tmp_path, entry(server))
    assert crawl(config) == 0
    age(config, 2.1)
    capsys.readouterr()
    assert crawl(config) == 0
    assert asked_in_full(server) == [True, True]
    assert "unchanged     seen    3" in capsys.readouterr().out


def test_the_due_time_is_spread_over_a_day_by_url() -> None:
    answered = datetime(2026, 12, 1, tzinfo=UTC)
    last = Validators(etag='"v1"', items_digest="d", answered=answered)
    urls = [f"https://site{n}.go.th/news" for n in range(200)]
    spreads = [timedelta(seconds=zlib.crc32(u.encode()) % 86400) for u in urls]
    assert max(spreads) - min(spreads) > timedelta(hours=20)   # not all due in one crawl
    for url, spread in zip(urls, spreads, strict=True):
        due = answered + REVALIDATE_AFTER + spread
        before = _conditional(last, url, due - timedelta(seconds=1))
        after = _conditional(last, url, due)
        assert before == last
        assert after == Validators(items_digest="d", answered=answered)
    assert _conditional(None, urls[0], answered) is None
    no_time = Validators(etag='"v1"')   # stored before the time was kept: as it was
    assert _conditional(no_time, urls[0], answered + timedelta(days=9)) == no_time
