"""Links a script opens, as older agency sites write their news lists: the address
spelled out in `javascript:window.open('...')` or in a `href="#"` link's onclick is
what a click opens, so it is the item's link (monitor.extract.cleaning.scripted_address).
Anything a script computes stays unread, and no `javascript:` link is ever published."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.extract.cleaning import scripted_address
from tests.crawl_helpers import agency_source, crawl, published, write_config
from tests.httpserver import FixtureServer
from tests.test_discover import THAI_DATES, TITLES

LINKS = [
    "href=\"javascript:window.open('news_detail.php?id=0','_blank','width=800,height=600')\"",
    "href=\"javascript:void(0)\" onclick=\"window.open('news_detail.php?id=1'); return false;\"",
    "href=\"#\" onclick=\"location.href='news_detail.php?id=2'\"",
]


def _page(links: list[str]) -> str:
    rows = "".join(f'<li class="item"><a {link}>{title}</a> <span class="date">{day}</span>'
                   "</li>" for link, title, day in zip(links, TITLES, THAI_DATES, strict=True))
    return ("<html><head><meta charset='utf-8'></head><body><nav><a href='/'>หน้าแรก</a>"
            f"</nav><ul class='news'>{rows}</ul></body></html>")


@pytest.mark.parametrize("kind", ["html", "auto"])
def test_items_whose_links_a_script_opens_link_to_what_a_click_opens(
        server: FixtureServer, tmp_path: Path, kind: str) -> None:
    server.page("/news/list.php", _page(LINKS))
    config = write_config(tmp_path, agency_source(server.url("/news/list.php"), kind))
    assert crawl(config) == 0
    assert published(config) == {title: server.url(f"/news/news_detail.php?id={n}")
                                 for n, title in enumerate(TITLES)}


def test_a_link_the_sites_own_function_opens_is_not_guessed(
        server: FixtureServer, tmp_path: Path) -> None:
    server.page("/news/list.php", _page([
        'href="javascript:openNews(0)"',
        "href=\"#\" onclick=\"window.open('news_detail.php?id=' + 1)\"",
        "href=\"javascript:window.open('news_detail.php?id=2')\""]))
    config = write_config(tmp_path, agency_source(server.url("/news/list.php"), "html"))
    assert crawl(config) == 0
    feed = published(config)
    assert feed == {TITLES[2]: server.url("/news/news_detail.php?id=2")}, feed
    assert not any(link.startswith("javascript") for link in feed.values())


def _cards(inner_link: bool) -> str:
    """News as clickable cards, the way a PHP template writes them."""
    cards = "".join(
        f"<div class='post-row item' onclick=\"window.open('news_detail.php?id={n}', "
        f"'_self')\" style='cursor: pointer'><img src='/img/{n}.jpg'><div class='body'>"
        + (f"<h4><a href='news_detail.php?id={n}'>{title}</a></h4>" if inner_link else
           f"<h4>{title}</h4>")
        + f"<span class='date'>{day}</span></div></div>"
        for n, (title, day) in enumerate(zip(TITLES, THAI_DATES, strict=True)))
    return ("<html><head><meta charset='utf-8'></head><body><nav><a href='/'>หน้าแรก</a>"
            f"<button onclick='toggleMenu()'>เมนู</button></nav><main>{cards}</main>"
            "</body></html>")


@pytest.mark.parametrize("kind", ["html", "auto"])
@pytest.mark.parametrize("inner_link", [False, True])
def test_clickable_cards_link_to_what_a_click_opens(
        server: FixtureServer, tmp_path: Path, kind: str, inner_link: bool) -> None:
    server.page("/news/list.php", _cards(inner_link))
    source = agency_source(server.url("/news/list.php"), kind).replace(
        '"li.item"', '"div.post-row"').replace('title: "a"', 'title: "h4"')
    config = write_config(tmp_path, source)
    assert crawl(config) == 0
    assert published(config) == {title: server.url(f"/news/news_detail.php?id={n}")
                                 for n, title in enumerate(TITLES)}


def test_a_card_whose_own_link_goes_nowhere_links_to_what_its_onclick_opens(
        server: FixtureServer, tmp_path: Path) -> None:
    cards = "".join(
        f"<div class='card' onclick=\"location.href='news_detail.php?id={n}'\">"
        f"<h4><a href='#'>{title}</a></h4><span>{day}</span></div>"
        for n, (title, day) in enumerate(zip(TITLES, THAI_DATES, strict=True)))
    server.page("/news/list.php", f"<html><body><main>{cards}</main></body></html>")
    config = write_config(tmp_path, agency_source(server.url("/news/list.php"), "html").replace(
        '"li.item"', '"div.card"'))
    assert crawl(config) == 0
    assert published(config) == {title: server.url(f"/news/news_detail.php?id={n}")
                                 for n, title in enumerate(TITLES)}


@pytest.mark.parametrize(("href", "onclick", "opens"), [
    ("javascript:window.open('a.php?id=1','_blank')", None, "a.php?id=1"),
    ("javascript:window.open(%27a.php%3Fid%3D1%27)", None, "a.php?id=1"),   # percent-encoded
    ("javascript:;", "location.replace('b.php')", "b.php"),
    ("#", 'window.location = "c.php";', "c.php"),
    ("#top", "document.location.href='d.php' ; return false", "d.php"),
    ("", "self.location='e.php'", "e.php"),
    ("news.php", "window.open('f.php')", None),         # a real href is what it opens
    ("javascript:openNews(3)", None, None),
    ("#", "window.open('g.php?id=' + id)", None),        # computed
    ("#", "if (ok) location.href = url;", None),
    ("#", "alert('location.href=\\'h.php\\'')", None),
    # Pop-up helpers given the page's address: Dreamweaver's, a site's own.
    ("javascript:MM_openBrWindow('news_detail.php?news_id=912','','scrollbars=yes')", None,
     "news_detail.php?news_id=912"),
    ("#", "MM_openBrWindow('news_detail.php?news_id=913','','width=600');return false;",
     "news_detail.php?news_id=913"),
    ("javascript:popup('detail.asp?id=5',600,500)", None, "detail.asp?id=5"),
    ("javascript:popup('detail.asp?id=' + id, 600)", None, None),    # computed
    ("javascript:showImage('photos/5.jpg')", None, None),            # not a page
    ("#", "loadTab('tab2')", None),
])
def test_what_address_a_script_opens(href: str, onclick: str | None, opens: str | None) -> None:
    assert scripted_address(href, onclick) == opens
