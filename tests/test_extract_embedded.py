"""`auto` on data pages carry for their scripts: Next.js, Nuxt, JSON-LD, WordPress REST.

The Next.js and flight-data pages are real extracts (tests/fixtures/real-pages); the
JSON-LD and Nuxt pages are written here, since no real copy was available; the
WordPress REST body is a real one (DIP), served on loopback and read by `preview`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config.settings import Source
from monitor.errors import ExtractError
from monitor.extract.auto import extract
from monitor.models import Document, Extraction
from tests.crawl_helpers import write_config
from tests.httpserver import FixtureServer
from tests.realpages import ROOT, found_pairs, pages


def auto(html: str, url: str = "https://www.example.go.th/news") -> Extraction:
    doc = Document(url=url, content=html.encode(), text=html, encoding="utf-8",
                   content_type="text/html")
    return extract(doc, Source(name="t", url=url, type="auto"))


def test_next_data_page_is_read_from_its_data() -> None:
    page = pages()["main-parliament-einitiative-discovery.html"]
    result = extract(page.document(), Source(name="t", url=page.url, type="auto"))
    assert [i.title for i in result.items] == [t for t, _ in page.expected()]
    assert [i.date_text for i in result.items] == [i["date"] for i in page.items]
    assert result.notes[0].startswith("read the page's __NEXT_DATA__: 2 records at "
                                      "'props.pageProps.result.rows[]', title 'p_name'")
    # The data names no link: auto says its links are a guess and how to fix them.
    assert any("guessed as https://einitiative.parliament.go.th/draft-law-more/{p_id}" in w
               for w in result.warnings)


def test_next_flight_data_page_is_read_with_its_route() -> None:
    page = pages()["institution-administrative-court.html"]
    result = extract(page.document(), Source(name="t", url=page.url, type="auto"))
    assert found_pairs(result.items) == page.expected()
    assert result.notes[0].startswith("read the page's Next.js flight data")
    assert any("type: json with select:" in note for note in result.notes)


LD_PAGE = """<html><head><script type="application/ld+json">{ld}</script></head>
<body><div id="app"></div></body></html>"""


def test_json_ld_item_list_and_articles() -> None:
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "name": "สำนักงานพัฒนารัฐบาลดิจิทัล", "url": "https://www.dga.or.th/"},
        {"@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "item": {"@id": "https://www.dga.or.th/",
                                                          "name": "หน้าแรก"}}]},
        {"@type": "ItemList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "url": "https://www.dga.or.th/news/1",
             "name": "สพร. เปิดบริการแอปทางรัฐครบทุกจังหวัด"},
            {"@type": "ListItem", "position": 2, "item": {
                "@type": "NewsArticle", "headline": "ประกาศมาตรฐานรัฐบาลดิจิทัลฉบับใหม่",
                "url": "https://www.dga.or.th/news/2",
                "datePublished": "2026-11-18T10:00:00+07:00"}}]},
    ]}
    result = auto(LD_PAGE.format(ld=json.dumps(ld, ensure_ascii=False)),
                  "https://www.dga.or.th/news")
    assert found_pairs(result.items) == [
        ("สพร. เปิดบริการแอปทางรัฐครบทุกจังหวัด", "https://www.dga.or.th/news/1"),
        ("ประกาศมาตรฐานรัฐบาลดิจิทัลฉบับใหม่", "https://www.dga.or.th/news/2")]
    assert result.items[1].published is not None
    assert result.notes[0] == "read the page's JSON-LD (2 articles named there)"


def test_json_ld_of_the_page_itself_does_not_hide_its_listing() -> None:
    ld = {"@type": "WebPage", "name": "ข่าวสารทั้งหมดของสำนักงาน", "url": "https://x.go.th/news"}
    rows = "".join(f"<li><a href='/n/{i}'>ข่าวประชาสัมพันธ์ของสำนักงานฉบับที่ {i}</a></li>"
                   for i in range(3))
    html = LD_PAGE.format(ld=json.dumps(ld, ensure_ascii=False)).replace(
        '<div id="app"></div>', f"<ul>{rows}</ul>")
    result = auto(html, "https://x.go.th/news")
    assert [i.link for i in result.items] == [f"https://x.go.th/n/{i}" for i in range(3)]


def test_nuxt_state_when_it_is_plain_json() -> None:
    state = {"data": [{"news": [
        {"title": "กรมฯ เปิดระบบยื่นคำขออิเล็กทรอนิกส์", "url": "/news/10", "date": "2026-11-18"},
        {"title": "กรมฯ ประกาศรายชื่อผู้ผ่านการคัดเลือก", "url": "/news/9", "date": "2026-11-17"},
    ]}]}
    html = (f"<html><body><div id='__nuxt'></div><script>window.__NUXT__="
            f"{json.dumps(state, ensure_ascii=False)};</script></body></html>")
    result = auto(html, "https://www.example.go.th/news")
    assert found_pairs(result.items) == [
        ("กรมฯ เปิดระบบยื่นคำขออิเล็กทรอนิกส์", "https://www.example.go.th/news/10"),
        ("กรมฯ ประกาศรายชื่อผู้ผ่านการคัดเลือก", "https://www.example.go.th/news/9")]
    assert result.notes[0].startswith("read the page's __NUXT__")
    # A Nuxt state written as a function cannot be read without running it.
    fn = html.replace("window.__NUXT__=", "window.__NUXT__=(function(a){return ").replace(
        ";</script>", "}(1));</script>")
    assert auto(fn).items == []


def test_a_next_data_date_in_milliseconds_is_read() -> None:
    """Next.js pages built on a headless CMS give dates as JavaScript's milliseconds."""
    data = {"props": {"pageProps": {"news": [
        {"title": "กรมฯ เปิดระบบยื่นคำขออิเล็กทรอนิกส์", "slug": "/news/10",
         "createdAt": 1796601600000},
        {"title": "กรมฯ ประกาศรายชื่อผู้ผ่านการคัดเลือก", "slug": "/news/9",
         "createdAt": 1796515200000}]}}}
    html = (f"<html><body><script id='__NEXT_DATA__' type='application/json'>"
            f"{json.dumps(data, ensure_ascii=False)}</script></body></html>")
    result = auto(html)
    assert [i.published for i in result.items] == [datetime(2026, 12, 7, tzinfo=UTC),
                                                   datetime(2026, 12, 6, tzinfo=UTC)]


def test_a_json_feed_given_to_auto_says_use_feed() -> None:
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [
        {"id": "1", "title": "ข่าวประชาสัมพันธ์หนึ่ง", "url": "https://x.go.th/1"}]})
    doc = Document(url="https://x.go.th/feed.json", content=body.encode(), text=body,
                   encoding="utf-8", content_type="application/feed+json")
    result = extract(doc, Source(name="t", url=doc.url, type="auto"))
    assert result.notes[0].startswith("this is a JSON Feed: use type: feed")
    assert [i.title for i in result.items] == ["ข่าวประชาสัมพันธ์หนึ่ง"]


def test_wordpress_rest_endpoint_read_by_auto_and_preview_says_so(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = (ROOT / "pages" / "enforcement-dip.json").read_bytes()
    server.page("/wp-json/wp/v2/news", body, "application/json")
    config = write_config(tmp_path, f"""  - name: dip
    url: "{server.url('/wp-json/wp/v2/news')}"
    type: auto
    keep_all: true
""")
    assert main(["preview", "dip", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "how: this is WordPress's REST API" in out
    assert 'title.rendered' in out
    for item in pages()["enforcement-dip.json"].items:
        assert " ".join(item["title"].split()) in out
    assert "2026-09-16 15:43" in out, "WordPress's zoneless ISO dates are read"


def test_hostile_json_fails_or_reads_cleanly() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    doc = Document(url="https://x.go.th/api", content=deep.encode(), text=deep,
                   encoding="utf-8", content_type="application/json")
    with pytest.raises(ExtractError, match="invalid JSON"):
        extract(doc, Source(name="t", url=doc.url, type="auto"))
    page = f"<html><body><script id='__NEXT_DATA__' type='application/json'>{deep}</script>" \
           f"<script type='application/ld+json'>{deep}</script></body></html>"
    assert auto(page).items == []
    many = json.dumps([[{"title": f"ข่าวประชาสัมพันธ์ลำดับที่ {i}", "url": f"/n/{i}"}]
                       for i in range(20_000)])
    doc = Document(url="https://x.go.th/api", content=many.encode(), text=many,
                   encoding="utf-8", content_type="application/json")
    assert len(extract(doc, Source(name="t", url=doc.url, type="auto")).items) == 1
