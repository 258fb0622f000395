"""A splash page in front of a site (monitor.extract.splash): a greeting for a royal
occasion or a festival with a button into the site, standing for weeks at the
address a source or `discover` was given. Real servers on 127.0.0.1, real crawls;
the markup is written here, in the shapes such pages take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config.settings import Source
from monitor.extract.auto import extract as auto_extract
from monitor.extract.bounds import parse_html
from monitor.extract.splash import MOST_CLICKABLE, MOST_LINKS, way_in
from monitor.models import Document
from tests.crawl_helpers import agency_source, crawl, published, write_config
from tests.httpserver import FixtureServer
from tests.test_discover import _best, _discover, _listing, crawl_publishes_the_listing

PAGE = "https://www.abc.go.th/"
GREETING = ("<p>ขอพระองค์ทรงพระเจริญ ด้วยเกล้าด้วยกระหม่อม ขอเดชะ ข้าพระพุทธเจ้า "
            "คณะผู้บริหาร พนักงานและเจ้าหน้าที่องค์การบริหารส่วนตำบล</p>")


def _splash(way_in_link: str, *others: str) -> str:
    return (f"<html><head><meta charset='utf-8'><title>อบต.ตัวอย่าง</title></head>"
            f"<body style='background:#000'><div class='intro'>"
            f"<img src='images/intro/5dec2569.jpg' alt='ทรงพระเจริญ'>{GREETING}"
            f"{''.join(others)}{way_in_link}</div></body></html>")


BLESSING = "<a href='blessing.php'>ลงนามถวายพระพรออนไลน์</a>"
SOCIAL = "<a href='https://www.facebook.com/abt.example'><img src='fb.png'></a>"
HOME = "https://www.abc.go.th/index.php?mode=home"


@pytest.mark.parametrize("link", [
    "<a href='index.php?mode=home'><img src='images/btn.png' alt='เข้าสู่เว็บไซต์'></a>",
    "<a href='index.php?mode=home'>คลิกเพื่อเข้าสู่เว็บไซต์</a>",
    "<a href='index.php?mode=home'>เข้าสู่หน้าหลัก</a>",
    "<div class='ud-home-button'><a href='index.php?mode=home'>ไปสู่หน้าหลัก</a></div>",
    "<a href='index.php?mode=home'><img src='images/btnEnter.png'></a>",
    "<a href='index.php?mode=home'><img src='/intro/to-web.png' alt=''></a>",
    "<a href='index.php?mode=home'>ENTER SITE »</a>",
    "<a href='index.php?mode=home' title='Skip intro'>&gt;&gt;</a>",
    "<map name='m'><area shape='rect' coords='0,0,80,20' href='index.php?mode=home' "
    "alt='เข้าสู่เว็บไซต์'></map>",
    "<button type='button' onclick=\"location.href='index.php?mode=home'\">"
    "เข้าสู่เว็บไซต์</button>",
    "<input type='button' value='เข้าสู่เว็บไซต์' "
    "onclick=\"window.location='index.php?mode=home';\">",
])
def test_the_way_in_is_the_link_that_says_it_leads_in(link: str) -> None:
    page = _splash(link, BLESSING, SOCIAL)
    assert way_in(parse_html(page), PAGE, "utf-8") == HOME


def test_a_greeting_that_moves_on_by_itself_leads_in() -> None:
    timed = ("<script>setTimeout(function () { window.location.href = 'index.php?mode=home'; "
             "}, 8000);</script>")
    page = _splash("", BLESSING, SOCIAL).replace("</body>", f"{timed}</body>")
    assert way_in(parse_html(page), PAGE, "utf-8") == HOME
    # A link that says it leads in comes first; a move to another site is no way in.
    linked = page.replace("</div><script>", "<a href='th/'>เข้าสู่เว็บไซต์</a></div><script>")
    assert linked != page and way_in(parse_html(linked), PAGE, "utf-8") == PAGE + "th/"
    elsewhere = page.replace("index.php?mode=home", "https://www.other.go.th/")
    assert way_in(parse_html(elsewhere), PAGE, "utf-8") is None


def test_a_picture_that_is_the_only_link_of_the_site_is_the_way_in() -> None:
    page = _splash("<a href='index.php?mode=home'><img src='images/intro2569.jpg'></a>", SOCIAL)
    assert way_in(parse_html(page), PAGE, "utf-8") == HOME
    # ... but not beside another link of the site: which would be a guess.
    assert way_in(parse_html(page.replace(SOCIAL, BLESSING)), PAGE, "utf-8") is None


def test_of_a_thai_and_an_english_way_in_the_first_is_taken() -> None:
    page = _splash("<a href='th/index.php'>เข้าสู่เว็บไซต์</a> | "
                   "<a href='en/index.php'>Enter site</a>")
    assert way_in(parse_html(page), PAGE, "utf-8") == PAGE + "th/index.php"


@pytest.mark.parametrize("page", [
    # A listing gone, answered 200 with a way home in words: its absence must show.
    "<html><body><h1>ไม่พบหน้าที่ต้องการ</h1><a href='/index.php'>กลับหน้าแรก</a></body></html>",
    "<html><body><h1>ไม่พบหน้าที่ต้องการ</h1><a href='/index.php'>กลับไปสู่หน้าหลัก</a>"
    "</body></html>",
    # An app's shell: its only link of the site hidden until its script runs.
    "<html ng-app='web'><body><ui-view></ui-view><div class='row' style='display: none'>"
    "<a href='/kingrama9'><img src='/banner.jpg'></a></div><script src='/app.js'></script>"
    "</body></html>",
    _splash("<div hidden><a href='index.php?mode=home'>เข้าสู่เว็บไซต์</a></div>", BLESSING),
    # A home page: more links of its own than a splash page has.
    _splash("<a href='index.php?mode=home'>เข้าสู่เว็บไซต์</a>",
            *(f"<a href='/menu/{n}'>เมนู {n}</a>" for n in range(MOST_LINKS))),
    # The button leads to another site, or is a picture of the centre's logo.
    _splash("<a href='https://www.other.go.th/'>เข้าสู่เว็บไซต์</a>", BLESSING),
    _splash("<a href='index.php?mode=home'><img src='images/center.png'></a>", BLESSING),
    # More to click than any greeting has (a hostile page of one link, repeated).
    _splash("<a href='index.php?mode=home'>เข้าสู่เว็บไซต์</a>" * (MOST_CLICKABLE + 1)),
    # A button to a file, or to the page itself.
    _splash("<a href='/docs/greeting.pdf'>เข้าสู่เว็บไซต์</a>", BLESSING),
    _splash("<a href='/#top'>เข้าสู่เว็บไซต์</a>", BLESSING),
])
def test_no_way_in(page: str) -> None:
    assert way_in(parse_html(page), PAGE, "utf-8") is None


def _site(server: FixtureServer) -> None:
    server.page("/", _splash("<a href='index.php?mode=home'><img src='images/btn.png' "
                             "alt='เข้าสู่เว็บไซต์'></a>", BLESSING, SOCIAL))
    server.page("/index.php", _listing("utf-8"))


def test_ways_in_side_by_side_are_no_listing_of_two_items() -> None:
    """A splash page whose ways in are one per language, each a text of its own: the
    pair was a block of two links to `auto`, which published "เข้าสู่เว็บไซต์" and
    "Enter site" as headlines and never read the site."""
    page = _splash("<p><a href='th/index.aspx' style='font-size:18px'>เข้าสู่เว็บไซต์</a> "
                   "<span>|</span> <a href='en/index.aspx' style='font-size:18px'>Enter site"
                   "</a></p>")
    doc = Document(url=PAGE, content=page.encode(), text=page, encoding="utf-8",
                   content_type="text/html")
    read = auto_extract(doc, Source(name="splash", url=PAGE, type="auto"))
    assert read.items == []
    assert read.follow == [PAGE + "th/index.aspx"]


@pytest.mark.parametrize("kind", ["html", "auto"])
def test_a_source_behind_a_splash_page_is_read_through_its_way_in(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        kind: str) -> None:
    _site(server)
    config = write_config(tmp_path, agency_source(server.url("/"), kind))
    crawl_publishes_the_listing(config, server)
    # The way in, once; not the book of blessings, nor the other site.
    assert [request.path for request in server.log] == ["/", "/index.php?mode=home"]
    capsys.readouterr()
    assert main(["preview", "agency", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert ("the page is a splash page in front of the site; read the page it leads to: "
            f"{server.url('/index.php?mode=home')}") in out
    assert "3 items" in out


def test_a_page_gone_is_not_read_through_its_link_home(
        server: FixtureServer, tmp_path: Path) -> None:
    server.page("/", _listing("utf-8"))
    server.page("/news/list.php", "<html><body><h1>ไม่พบหน้าที่ต้องการ</h1>"
                                  "<a href='/'>กลับหน้าแรก</a></body></html>")
    config = write_config(tmp_path, agency_source(server.url("/news/list.php"), "auto"))
    crawl(config)
    assert [request.path for request in server.log] == ["/news/list.php"]
    assert published(config) == {}


def test_discover_reads_the_site_from_behind_its_splash_page(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _site(server)
    config = write_config(tmp_path, "")
    code, result = _discover(config, server.url("/"), capsys=capsys)
    assert code == 0, json.dumps(result, ensure_ascii=False)
    best = _best(result)
    inner = server.url("/index.php?mode=home")
    assert (best["type"], best["url"], best["items"]) == ("auto", inner, 3)
    assert result["url"] == server.url("/")
    assert {"url": server.url("/"), "why": f"a splash page: read from the page it leads to, "
                                           f"{inner}"} in result["tried"]
