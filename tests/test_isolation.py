"""Hostile sizes and shapes stay cheap: item caps, deep nesting, ReDoS keywords,
and a second crawl on a busy database."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config.settings import FetchSettings, Selectors, Source, Topic
from monitor.extract.bounds import MAX_DEPTH, cap_feed, nesting_depth
from monitor.match import Matcher, keyword_error
from monitor.models import Document
from monitor.reading import extract
from tests.crawl_helpers import crawl, published, write_config
from tests.httpserver import FixtureServer, Response


def big_feed(n: int) -> bytes:
    items = "".join(f"<item><title>ข่าว {i}</title><link>http://127.0.0.1/n/{i}</link></item>"
                    for i in range(n))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t'
            f"</title><link>http://127.0.0.1/</link>{items}</channel></rss>").encode()


def test_a_100000_item_feed_is_capped_and_a_second_crawl_waits(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = big_feed(100_000)
    server.add("/big", lambda _: Response(200, body, {"Content-Type": "application/rss+xml"}))
    server.add("/small", lambda _: Response(200, big_feed(3),
                                            {"Content-Type": "application/rss+xml"}))
    config = write_config(tmp_path, f"""
  - name: big
    url: "{server.url('/big')}"
    type: feed
    max_bytes: 50MB
    respect_robots: false
  - name: small
    url: "{server.url('/small')}"
    type: feed
    respect_robots: false
""")
    codes: list[int] = []
    started = time.monotonic()
    other = threading.Thread(target=lambda: codes.append(crawl(config, "--source", "small")))
    other.start()
    codes.append(crawl(config))
    other.join(30)
    assert time.monotonic() - started < 30
    assert codes == [0, 0]
    out = capsys.readouterr().out
    assert "capped at 1000 of 100000 items: max_items" in out


def _rows(count: int, *, linked: int) -> str:
    """A listing page: `linked` rows with a link, then rows without one."""
    return "<html><body><ul>" + "".join(
        f"<li><a href='/n/{i}'>ข่าวประชาสัมพันธ์ ฉบับที่ {i}</a></li>" if i < linked
        else f"<li>ประกาศ ฉบับที่ {i}</li>" for i in range(count)) + "</ul></body></html>"


def test_rows_past_max_items_are_counted_not_read() -> None:
    """A page of 150,000 rows cost its reader 6 s for the 1,000 a crawl keeps: the
    rows past max_items are not read (rows that would be skipped for want of a
    link are not even looked at), only counted, as a feed's entries are."""
    url = "https://www.example.go.th/news/"
    fetch = FetchSettings(max_items=50)
    html = _rows(60, linked=50)
    listing = Source(name="s", url=url, type="html", fetch=fetch,
                     select=Selectors(item="li", title="a", link="a::attr(href)"))
    records = json.dumps([{"title": f"ข่าว {i}", "url": f"/n/{i}" if i < 50 else None}
                          for i in range(60)])
    api = Source(name="s", url=url, type="json", fetch=fetch,
                 select=Selectors(item="[]", title="title", link="url"))
    for source, body in ((listing, html), (api, records)):
        doc = Document(url=url, content=body.encode(), text=body, encoding="utf-8",
                       content_type="text/html")
        extraction, unread = extract(doc, source)
        assert (len(extraction.items), unread) == (50, 10), source.type
        assert extraction.warnings == [], source.type
        # Under the bound, the same rows are read and skipped as before.
        whole, unread = extract(doc, replace(source, fetch=FetchSettings(max_items=100)))
        assert (len(whole.items), unread) == (50, 0)
        rows = "items" if source.type == "html" else "records"
        assert whole.warnings == [f"skipped 10 {rows} without an http(s) link"]


def test_a_page_of_20000_rows_is_capped(server: FixtureServer, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    server.add("/all", lambda _: Response(200, _rows(20_000, linked=20_000).encode(),
                                          {"Content-Type": "text/html; charset=utf-8"}))
    config = write_config(tmp_path, f"""
  - name: all-notices
    url: "{server.url('/all')}"
    type: html
    max_items: 50
    respect_robots: false
    select: {{item: "li", title: "a", link: "a::attr(href)"}}
""")
    assert crawl(config) == 0
    assert "capped at 50 of 20000 items: max_items" in capsys.readouterr().out


_RSS = '<rss version="2.0"><channel><title>t</title>{}</channel></rss>'


@pytest.mark.parametrize(("kind", "content_type", "body", "what"), [
    ("auto", "text/html", "<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000,
     "the page"),
    # feedparser spends some 30 us on each element of an entry: 100,000 nested
    # ones took 3 s of a worker, and a 5 MB feed of them most of a minute.
    ("feed", "application/rss+xml", _RSS.format(
        "<item><title>" + "<b>" * 100_000 + "DGA" + "</b>" * 100_000 + "</title>"
        "<link>http://127.0.0.1/a</link></item>"), "the feed"),
    ("feed", "application/rss+xml", _RSS.format(
        "<item><title>DGA</title><link>http://127.0.0.1/a</link><description>"
        + "<div>" * 100_000 + "</div>" * 100_000 + "</description></item>"), "the feed"),
], ids=["page", "feed-nested-title", "feed-nested-description"])
def test_deep_nesting_is_refused_quickly(server: FixtureServer, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str], kind: str,
                                         content_type: str, body: str, what: str) -> None:
    server.add("/deep", lambda _: Response(200, body.encode(), {"Content-Type": content_type}))
    config = write_config(tmp_path, f"""
  - name: deep
    url: "{server.url('/deep')}"
    type: {kind}
    respect_robots: false
""")
    started = time.monotonic()
    crawl(config)
    assert time.monotonic() - started < 2
    assert f"{what} nests elements more than {MAX_DEPTH} deep" in capsys.readouterr().out


def test_nesting_depth_ignores_void_and_optional_end_tags() -> None:
    page = "<div><p>a<p>b<ul><li>x<li>y</ul><br><img src=x></div>" * 1000
    assert nesting_depth(page) == 2
    titles = '<article>' + '<div class="title">t' * 10_000 + "</div>" * 10_000
    assert nesting_depth(titles) > MAX_DEPTH


def test_cap_feed_closes_the_document() -> None:
    text, cut = cap_feed(big_feed(10).decode(), 4)
    assert cut == 6
    assert text.endswith("</item></channel></rss>") and text.count("<item>") == 4
    assert cap_feed(big_feed(3).decode(), 4) == (big_feed(3).decode(), None)


def test_check_refuses_nested_quantifiers(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert keyword_error("/(a+)+$/") is not None
    assert keyword_error("/e-?service/") is None
    config = tmp_path / "sources.yaml"
    config.write_text('topics:\n  - id: t\n    title: T\n    any: ["/(a+)+$/"]\nsources: []\n',
                      "utf-8")
    assert main(["check", "--config", str(config)]) == 2
    assert "repeats a repetition" in capsys.readouterr().err


def test_check_refuses_a_pattern_nested_too_deeply(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The regular expression engines parse groups recursively: a hostile keyword
    nesting thousands of them is one line of `monitor check`, not a traceback."""
    deep = "(?:" * 3000 + "dga" + ")" * 3000
    config = tmp_path / "sources.yaml"
    config.write_text(f'topics:\n  - id: t\n    title: T\n    any: ["/{deep}/"]\nsources: []\n',
                      "utf-8")
    assert main(["check", "--config", str(config)]) == 2
    error = capsys.readouterr().err
    assert "nests groups more deeply" in error and "Traceback" not in error
    assert len(error.splitlines()) == 1 and len(error) < 400


def test_keywords_and_synonyms_thousands_of_characters_long_still_match() -> None:
    """A pasted paragraph as a keyword, or a list of every prefix of a word, is a
    slow keyword, not a crash of every crawl (the patterns used to be built, and
    parsed, one nested group per character)."""
    long_thai, long_latin = "ก" * 3000, "x" * 3000
    matcher = Matcher([Topic("t", "T", any=(long_thai, long_latin))],
                      [("ข" * 3000, "DGA"), tuple("ค" * n for n in range(1, 400))])
    assert [m.topic for m in matcher.match(f"DGA {long_thai}")] == ["t"]
    assert [m.topic for m in matcher.match(f"a {long_latin} b")] == ["t"]
    assert matcher.match("DGA " + "ก" * 2999) == []


def article_source(server: FixtureServer, tmp_path: Path, page: bytes) -> Path:
    """A config of one feed source with `fetch_article`, whose one relevant item links
    to `page`."""
    server.add("/article", lambda _: Response(200, page, {"Content-Type": "text/html"}))
    feed = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t'
            f"</title><link>{server.url('/')}</link><item><title>ประกาศตาม พ.ร.บ."
            f"การปฏิบัติราชการทางอิเล็กทรอนิกส์</title><link>{server.url('/article')}</link>"
            "</item></channel></rss>").encode()
    server.add("/feed", lambda _: Response(200, feed, {"Content-Type": "application/rss+xml"}))
    return write_config(tmp_path, f"""
  - name: article-source
    url: "{server.url('/feed')}"
    type: feed
    fetch_article: true
    respect_robots: false
""")


def test_an_article_page_of_nested_titles_costs_little(
        server: FixtureServer, tmp_path: Path) -> None:
    """10,000 nested class=title elements took minutes in the article reader: now the
    page is refused before parsing, and the item is kept from its feed alone."""
    deep = ("<html><body>" + '<div class="title">' * 10_000 + "ข่าว" + "</div>" * 10_000
            + "</body></html>").encode()
    config = article_source(server, tmp_path, deep)
    started = time.monotonic()
    assert crawl(config) == 0
    assert time.monotonic() - started < 2
    assert server.requests_for("/article"), "the article page was fetched"
    assert published(config), "the item is published from its feed"


def test_a_5mb_article_of_thai_text_is_read_only_as_far_as_the_text_limit(
        server: FixtureServer, tmp_path: Path) -> None:
    """An article page of 1.5 million Thai characters (4.5 MB, under max_bytes) whose
    words hold a keyword's spelling everywhere: cutting it into words for matching
    and for the search index took tens of seconds on the crawl's loop. Only the
    first TEXT_LIMIT characters are kept, matched and indexed."""
    from monitor.extract.article import TEXT_LIMIT

    body = "ทางรัฐบาลพัฒนาระบบราชการ" * 60_000
    page = f"<html><body><article><p>{body}</p></article></body></html>".encode()
    config = article_source(server, tmp_path, page)
    started = time.monotonic()
    assert crawl(config) == 0
    assert time.monotonic() - started < 10
    assert published(config), "the item is published"
    import sqlite3
    with sqlite3.connect(tmp_path / "data" / "monitor.sqlite3") as db:
        (text,) = db.execute("SELECT text FROM items").fetchone()
    assert 0.9 * TEXT_LIMIT < len(text) <= TEXT_LIMIT
    assert body.startswith(text.rstrip("…"))


def test_a_text_repeating_a_keyword_inside_longer_words_costs_linear_time() -> None:
    """An article that says ทางรัฐบาล 20,000 times: each is a candidate for the keyword
    ทางรัฐ whose end is no word end. The text is cut into words once, and each
    candidate is then a lookup: answering it per candidate was quadratic (minutes)."""
    from monitor.config.settings import Topic
    from monitor.match import Matcher

    matcher = Matcher([Topic("app", "app", ("ทางรัฐ",))])
    started = time.monotonic()
    assert matcher.match("ข่าวรัฐบาล", "", "ทางรัฐบาล" * 20_000) == []
    assert matcher.match("ข่าวรัฐบาล", "", "ทางรัฐบาล" * 20_000 + " แอปทางรัฐ") != []
    assert time.monotonic() - started < 10
