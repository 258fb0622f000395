"""Pages that show their listing in frames (monitor.extract.frames), read as a browser
shows them: a frameset of banner, menu and main page, and a home page whose news box
is an iframe of another page of the site. Real servers on 127.0.0.1, real crawls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor import readpool
from monitor.cli import main
from monitor.extract.bounds import parse_html
from monitor.extract.frames import MAX_FRAMES, frame_urls
from tests.crawl_helpers import agency_source, crawl, published, write_config
from tests.httpserver import FixtureServer, Request, Response
from tests.test_discover import TITLES, _best, _discover, _listing, crawl_publishes_the_listing

FRAMESET = """<html><head><meta charset="utf-8"><title>องค์การบริหารส่วนตำบล</title></head>
<frameset rows="120,*"><frame src="top.php" name="top" scrolling="no">
<frameset cols="200,*"><frame src="menu.php" name="left"><frame src="main.php" name="main">
</frameset></frameset></html>"""
MENU = ("<html><body><a href='main.php' target='main'>หน้าหลัก</a> "
        "<a href='history.php' target='main'>ประวัติ</a></body></html>")
HOME = """<html><head><meta charset="utf-8"><title>เทศบาล</title></head><body>
<h1>ยินดีต้อนรับ</h1><p>เทศบาลตำบลตัวอย่าง</p>
<iframe src="https://www.youtube.com/embed/x" width="560"></iframe>
<iframe src="/news_box.php" width="100%" height="400"></iframe></body></html>"""


def _frameset_site(server: FixtureServer) -> None:
    server.page("/", FRAMESET)
    server.page("/top.php", "<html><body></body></html>")
    server.page("/menu.php", MENU)
    server.page("/main.php", _listing("utf-8"))


def _crawled_paths(server: FixtureServer) -> list[str]:
    return [request.path for request in server.log]


@pytest.mark.parametrize("kind", ["html", "auto"])
def test_a_frameset_is_read_through_its_frames(server: FixtureServer, tmp_path: Path,
                                               kind: str) -> None:
    _frameset_site(server)
    config = write_config(tmp_path, agency_source(server.url("/"), kind))
    crawl_publishes_the_listing(config, server)
    # Each frame once, and nothing the frames only link to.
    paths = _crawled_paths(server)
    assert sorted(paths) == sorted(["/", "/top.php", "/menu.php", "/main.php"]), paths


@pytest.mark.parametrize("kind", ["html", "auto"])
@pytest.mark.parametrize("upper", [False, True])   # old sites write <IFRAME SRC=...>
def test_a_listing_in_a_same_site_iframe_is_read_and_an_embedded_video_is_not(
        server: FixtureServer, tmp_path: Path, kind: str, upper: bool) -> None:
    home = HOME.replace("<iframe src=", "<IFRAME SRC=").replace("</iframe>", "</IFRAME>")
    server.page("/", home if upper else HOME)
    server.page("/news_box.php", _listing("utf-8"))
    config = write_config(tmp_path, agency_source(server.url("/"), kind))
    assert crawl(config) == 0   # the video's host is never asked: it is not this site
    assert all(title in published(config) for title in TITLES)
    assert _crawled_paths(server) == ["/", "/news_box.php"]


def test_a_page_whose_selectors_match_does_not_read_its_frames(
        server: FixtureServer, tmp_path: Path) -> None:
    server.page("/", _listing("utf-8").replace(
        "</body>", "<iframe src='/counter.php'></iframe></body>"))
    config = write_config(tmp_path, agency_source(server.url("/"), "html"))
    assert crawl(config) == 0
    assert all(title in published(config) for title in TITLES)
    assert _crawled_paths(server) == ["/"]


def test_frames_that_show_each_other_are_each_read_once(
        server: FixtureServer, tmp_path: Path) -> None:
    server.page("/", "<html><body><iframe src='/a.php'></iframe></body></html>")
    server.page("/a.php", "<html><body><iframe src='/b.php'></iframe></body></html>")
    server.page("/b.php", "<html><body><iframe src='/a.php'></iframe>"
                          "<iframe src='/'></iframe></body></html>")
    config = write_config(tmp_path, agency_source(server.url("/"), "auto"))
    assert crawl(config) == 0
    assert sorted(_crawled_paths(server)) == ["/", "/a.php", "/b.php"]


def test_a_frameset_keeps_no_validators_so_its_frames_are_read_each_crawl(
        server: FixtureServer, tmp_path: Path) -> None:
    """The frameset never changes (here it answers 304 to its ETag): were its ETag
    kept, the listing in its main frame would never be read again."""
    def frameset(request: Request) -> Response:
        if request.headers.get("if-none-match") == '"f1"':
            return Response(304, b"", {"ETag": '"f1"'})
        return Response(200, FRAMESET.encode(), {"Content-Type": "text/html; charset=utf-8",
                                                 "ETag": '"f1"'})
    server.add("/", frameset)
    server.page("/top.php", "<html><body></body></html>")
    server.page("/menu.php", MENU)
    server.page("/main.php", _listing("utf-8"))
    config = write_config(tmp_path, agency_source(server.url("/"), "html"))
    assert crawl(config) == 0
    later = "ทางรัฐ เปิดบริการ e-Service ยื่นคำร้องออนไลน์ทุกอำเภอ"
    server.page("/main.php", _listing("utf-8").replace(
        "<ul class=\"news\">", f'<ul class="news"><li class="item"><a href="/news/9">{later}'
                               '</a> <span class="date">11 พ.ย. 2569</span></li>'))
    assert crawl(config) == 0
    assert later in published(config)
    assert not any(r.headers.get("if-none-match") for r in server.requests_for("/"))


def test_discover_proposes_the_page_in_the_frame(server: FixtureServer, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _frameset_site(server)
    config = write_config(tmp_path, "")
    code, result = _discover(config, server.url("/"), capsys=capsys)
    assert code == 0, json.dumps(result, ensure_ascii=False)
    best = _best(result)
    assert (best["type"], best["url"], best["items"]) == ("auto", server.url("/main.php"), 3)


def test_which_frames_count() -> None:
    page = "http://www.abc.go.th/index.php"
    tree = parse_html("""<html><body>
        <iframe src="http://abc.go.th/banner.php#top"></iframe>
        <iframe src="https://www.youtube.com/embed/x"></iframe>
        <iframe src="http://dga.or.th/widget"></iframe>
        <iframe src="javascript:void(0)"></iframe>
        <iframe src="index.php"></iframe>
        <iframe src="banner.php"></iframe>
        <iframe src="/list.php?หมวด=ข่าว"></iframe>
        <iframe src="calendar.php"></iframe><iframe src="poll.php"></iframe>
        </body></html>""")
    found = frame_urls(tree, page, "cp874")
    assert found == ["http://www.abc.go.th/list.php?%CB%C1%C7%B4=%A2%E8%D2%C7",
                     "http://abc.go.th/banner.php", "http://www.abc.go.th/banner.php",
                     "http://www.abc.go.th/calendar.php"]
    assert len(found) == MAX_FRAMES


def test_a_framesets_main_frame_comes_first() -> None:
    page = "http://www.abc.go.th/"
    found = frame_urls(parse_html(FRAMESET), page, "utf-8")
    assert found == [page + "main.php", page + "top.php", page + "menu.php"]


def test_preview_says_which_frame_a_warning_is_of(server: FixtureServer, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _frameset_site(server)
    config = write_config(tmp_path, agency_source(server.url("/"), "html"))
    capsys.readouterr()
    assert main(["preview", "agency", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "the page shows 3 pages of its site in frames, read as well: " in out
    assert f"warning: {server.url('/top.php')}: no element matched select.item" in out
    assert "3 items, 3 match a topic" in out


@pytest.mark.parametrize("kind", ["html", "auto"])
@pytest.mark.parametrize("site", ["frameset", "iframe"])
def test_frames_are_read_alike_when_pages_go_to_a_worker(
        server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        kind: str, site: str) -> None:
    """A large crawl reads a source's only page in a worker process, which reads no
    further document: the frames come back to the crawl to be fetched and read."""
    monkeypatch.setattr(readpool, "MIN_SOURCES", 1)
    monkeypatch.setattr(readpool, "WORKERS", max(1, readpool.WORKERS))
    monkeypatch.setattr(readpool, "QUEUED_PER_WORKER", 1000)   # never read in-process
    assert readpool.start(timeout=60), "a worker started"
    if site == "frameset":
        _frameset_site(server)
    else:
        server.page("/", HOME)
        server.page("/news_box.php", _listing("utf-8"))
    before = readpool.pages_read
    config = write_config(tmp_path, agency_source(server.url("/"), kind))
    assert crawl(config) == 0
    assert readpool.pages_read > before, "a worker read pages"
    assert set(published(config)) == set(TITLES)
