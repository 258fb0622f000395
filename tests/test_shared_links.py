"""Feed entries that share one link and differ by guid are different items.

Some feeds link every entry to the site's home or its news page and tell the
entries apart by guid alone. "One URL, one item" kept the first of them and
dropped the rest without a word.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from monitor.cli import main
from tests.crawl_helpers import crawl, published, write_config
from tests.httpserver import FixtureServer, Response

TITLES = {"news-101": "ทางรัฐ เปิดบริการใหม่ ยื่นคำขอออนไลน์",
          "news-102": "ทางรัฐ เพิ่มบริการ e-Service อีก 20 รายการ",
          "news-103": "สำนักงานพัฒนารัฐบาลดิจิทัล จัดงานประจำปี",
          "news-104": "ทางรัฐ ขยายบริการไปยังองค์กรปกครองส่วนท้องถิ่น"}


def feed(home: str, guids: list[str | None]) -> bytes:
    entries = []
    for n, guid in enumerate(guids):
        number = int(guid[-1]) if guid else n   # its own title and date, wherever it stands
        entries.append(
            f"<item><title>{TITLES[guid or 'news-101']} ({number})</title><link>{home}</link>"
            + (f'<guid isPermaLink="false">{guid}</guid>' if guid else "")
            + f"<pubDate>Tue, 10 Nov 2026 0{number}:00:00 +0700</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t'
            f"</title><link>{home}</link><description>d</description>{''.join(entries)}"
            "</channel></rss>").encode()


def stored(tmp_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(tmp_path / "data" / "monitor.sqlite3") as db:
        return sorted(db.execute("SELECT identity, title FROM items"))


def test_entries_sharing_a_link_are_told_apart_by_guid_whatever_their_order(
        server: FixtureServer, tmp_path: Path) -> None:
    home = server.url("/")
    body = {"feed": feed(home, ["news-101", "news-102", "news-103"])}
    server.add("/rss", lambda _: Response(200, body["feed"],
                                          {"Content-Type": "application/rss+xml"}))
    config = write_config(tmp_path, f"""
  - name: agency
    url: "{server.url('/rss')}"
    type: feed
""")
    assert crawl(config) == 0
    first = stored(tmp_path)
    assert len(first) == 3 and len(published(config)) == 3
    # A new entry on top, the others in another order: one new item, none renamed.
    body["feed"] = feed(home, ["news-104", "news-103", "news-101", "news-102"])
    assert crawl(config) == 0
    again = stored(tmp_path)
    assert len(again) == 4 and set(first) <= set(again)


def test_entries_sharing_a_link_without_guids_are_told_apart_by_title(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A hand-made feed that links every entry to the home page and gives no guids:
    known by the link alone, each new entry was the first one renamed, never new."""
    home = server.url("/")
    body = {"feed": feed(home, [None, None])}
    server.add("/rss", lambda _: Response(200, body["feed"],
                                          {"Content-Type": "application/rss+xml"}))
    config = write_config(tmp_path, f"""
  - name: agency
    url: "{server.url('/rss')}"
    type: feed
""")
    assert crawl(config) == 0
    first = stored(tmp_path)
    assert [title for _, title in first] == [f"{TITLES['news-101']} (0)",
                                             f"{TITLES['news-101']} (1)"]
    # A third entry: one item more, the others as they were.
    body["feed"] = feed(home, [None, None, None])
    assert crawl(config) == 0
    again = stored(tmp_path)
    assert len(again) == 3 and set(first) <= set(again)
    assert f"{TITLES['news-101']} (2)" in published(config)
    # One entry twice, link and title alike, is one item, and preview says why.
    server.add("/rss", lambda _: Response(200, feed(home, [None, None]).replace(b"(1)", b"(0)"),
                                          {"Content-Type": "application/rss+xml"}))
    capsys.readouterr()
    assert main(["preview", "agency", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "1 items" in out
    assert "the same link and title as an item before it, and no guid of its own" in out
