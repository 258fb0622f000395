"""A session id a server writes into its links is neither an item's identity nor published.

Java servlet containers write `;jsessionid=...` into every link of the first
answer of a session (they cannot yet know whether the visitor keeps cookies),
as PHP's trans_sid and ASP.NET's cookieless sessions do in their own ways.
Every crawl begins a new session, so the same items came back under new
addresses: stored again, published again, with the monitor's session id in
every link.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.text.urls import canonical_url, without_session
from tests.crawl_helpers import crawl, listing_source, published, write_config
from tests.httpserver import FixtureServer, Request, Response

ROWS = ["สพร. เปิดบริการใหม่บนแอปทางรัฐ",
        "ประกาศตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565",
        "กรมการปกครองประชุมประจำเดือน"]


def servlet_listing(sessions: list[str]) -> Callable[[Request], Response]:
    """A listing that, like Tomcat, writes a new session's id into its links when the
    request brings no session cookie, and sets that cookie."""
    counter = itertools.count(1)

    def answer(request: Request) -> Response:
        cookie = request.headers.get("cookie", "")
        if "JSESSIONID=" in cookie:
            session, encoded = cookie.split("JSESSIONID=")[1].split(";")[0], ""
        else:
            session = f"{next(counter):08d}6725F461EB18FCE301077069"
            encoded = f";jsessionid={session}"
        sessions.append(session)
        rows = "".join(
            f'<div class="row"><h3><a href="/news/detail.do{encoded}?id={n}">{title}</a></h3>'
            f'<span class="d">{1 + n} พ.ย. 2569</span></div>' for n, title in enumerate(ROWS))
        return Response(200, f"<html><body>{rows}</body></html>".encode(),
                        {"Content-Type": "text/html; charset=utf-8",
                         "Set-Cookie": f"JSESSIONID={session}; Path=/; HttpOnly"})
    return answer


def test_items_keep_their_identity_across_sessions_and_no_session_id_is_published(
        server: FixtureServer, tmp_path: Path) -> None:
    sessions: list[str] = []
    server.add("/list/", servlet_listing(sessions))
    config = write_config(tmp_path, listing_source("agency", server.url("/list/")))
    assert crawl(config) == 0
    first = published(config)
    assert crawl(config) == 0
    assert len(set(sessions)) == 2, "each crawl began its own session"
    with sqlite3.connect(tmp_path / "data" / "monitor.sqlite3") as db:
        links = [row[0] for row in db.execute("SELECT link FROM items ORDER BY link")]
    assert links == [server.url(f"/news/detail.do?id={n}") for n in range(3)]
    assert published(config) == first
    assert len(first) == 2 and not any("jsessionid" in link.lower() for link in first.values())
    feed = (tmp_path / "out" / "feed.xml").read_text("utf-8")
    assert not any(session in feed for session in sessions)


@pytest.mark.parametrize(("url", "bare"), [
    ("https://www.example.go.th/news.do;jsessionid=6725F461EB18FCE30107706921C61012?id=5",
     "https://www.example.go.th/news.do?id=5"),
    ("https://www.example.go.th/news.do;JSESSIONID=a1b2.node01#top",
     "https://www.example.go.th/news.do#top"),
    ("https://www.example.go.th/(S(lit3py55t21z5v55vlm25s55))/default.aspx?id=3",
     "https://www.example.go.th/default.aspx?id=3"),
    ("https://www.example.go.th/(X(1)S(lit3py55t21z5v55vlm25s55))/news/view.aspx",
     "https://www.example.go.th/news/view.aspx"),
    ("https://www.example.go.th/index.php?PHPSESSID=9f8e7d6c5b4a3928&option=news&id=7",
     "https://www.example.go.th/index.php?option=news&id=7"),
    ("https://www.example.go.th/p.php?id=7&sid=9f8e7d6c5b4a39281706f5e4d3c2b1a0",
     "https://www.example.go.th/p.php?id=7"),
    ("https://www.example.go.th/p.php?osCsid=abc&zenid=def", "https://www.example.go.th/p.php"),
])
def test_a_session_id_is_removed_and_nothing_else(url: str, bare: str) -> None:
    assert without_session(url) == bare
    assert canonical_url(url) == canonical_url(bare)


@pytest.mark.parametrize("url", [
    "https://www.example.go.th/p.php?id=7&sid=12",               # a story's number
    "https://www.example.go.th/meeting.php?sessionid=25&day=2",  # a parliament's session
    "https://www.example.go.th/p.php?sid=annual-report-2567-full-text",
    "https://www.example.go.th/session/2567/news?a=1",
    "https://www.example.go.th/a;b=c/d?e=f",
    "https://www.example.go.th/(brackets)/x",
    "https://www.example.go.th/x?",
])
def test_what_is_not_a_session_id_stays(url: str) -> None:
    assert without_session(url) == url


def test_items_named_by_their_own_number_stay_apart() -> None:
    assert (canonical_url("https://www.example.go.th/p.php?sid=12")
            != canonical_url("https://www.example.go.th/p.php?sid=13"))
