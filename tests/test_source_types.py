"""Issue 4 end to end: sitemaps, `auto`, Google News and `fetch_article` through real crawls."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config.settings import Selectors, Source
from monitor.errors import ExtractError
from monitor.extract import get_extractor
from monitor.models import Document
from tests.crawl_helpers import crawl, published, rss, write_config
from tests.httpserver import FixtureServer, Response

ARTICLE = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2026-11-18T10:00:00+07:00">
<title>{title} | หน่วยงาน</title></head><body>
<nav><a href="/">หน้าแรก</a><a href="/news">ข่าว</a></nav>
<article><h1>{title}</h1>
<p>{body}</p>
<p>รายละเอียดเพิ่มเติมเกี่ยวกับการดำเนินงานของหน่วยงานในปีงบประมาณนี้ซึ่งมีหลายโครงการ</p>
</article><footer>ติดต่อสำนักงาน โทร 02-000-0000</footer></body></html>"""

BODY_ONLY = "หน่วยงานได้จัดทำระบบตามพระราชบัญญัติการปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565"


def article(title: str, body: str) -> str:
    return ARTICLE.format(title=title, body=body)


@pytest.mark.parametrize("kind", ["sitemap", "auto"])
def test_sitemap_index_news_sitemap_gzip_and_articles(server: FixtureServer, tmp_path: Path,
                                                      kind: str) -> None:
    """`type: auto` given a sitemap's URL reads it as one: its index, its gzip file."""
    news_ns = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    server.page("/sitemap_index.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{server.url('/news-sitemap.xml')}</loc><lastmod>2026-11-19</lastmod></sitemap>
  <sitemap><loc>{server.url('/pages.xml.gz')}</loc><lastmod>2026-11-18</lastmod></sitemap>
</sitemapindex>""", "application/xml", ETag='"index-1"')
    server.page("/news-sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" {news_ns}>
  <url><loc>{server.url('/news/1')}</loc><news:news>
    <news:publication><news:name>DGA</news:name><news:language>th</news:language></news:publication>
    <news:publication_date>2026-11-19T09:00:00+07:00</news:publication_date>
    <news:title>สพร. ขยายบริการแอปทางรัฐครอบคลุมทุกจังหวัด</news:title></news:news></url>
  <url><loc>{server.url('/news/2')}</loc><news:news>
    <news:publication><news:name>DGA</news:name><news:language>th</news:language></news:publication>
    <news:publication_date>2026-11-19T08:00:00+07:00</news:publication_date>
    <news:title>หน่วยงานจัดกิจกรรมวันเด็กแห่งชาติ</news:title></news:news></url>
</urlset>""", "application/xml")
    server.page("/pages.xml.gz", gzip.compress(f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{server.url('/page/9')}</loc><lastmod>2026-11-18T10:00:00+07:00</lastmod></url>
</urlset>""".encode()), "application/gzip")
    for path, title, body in [
        ("/news/1", "สพร. ขยายบริการแอปทางรัฐครอบคลุมทุกจังหวัด", "ข่าว"),
        ("/news/2", "หน่วยงานจัดกิจกรรมวันเด็กแห่งชาติ", "กิจกรรมสำหรับเด็ก"),
        ("/page/9", "หน่วยงานเปิดระบบยื่นคำขอใหม่", BODY_ONLY),
    ]:
        server.page(path, article(title, body))
    config = write_config(tmp_path, f"""  - name: dga-sitemap
    url: "{server.url('/sitemap_index.xml')}"
    type: {kind}
    fetch_article: true
""")
    assert crawl(config) == 0
    titles = published(config)
    assert set(titles) == {"สพร. ขยายบริการแอปทางรัฐครอบคลุมทุกจังหวัด",
                           "หน่วยงานเปิดระบบยื่นคำขอใหม่"}, "keyword only in the body matched"
    assert crawl(config) == 0
    for path in ("/news/1", "/news/2", "/page/9"):
        assert len(server.requests_for(path)) == 1, f"{path}: articles are never fetched twice"
    # The index keeps its validators: its lastmod says when the files it names change.
    again = server.requests_for("/sitemap_index.xml")[-1]
    assert again.headers.get("if-none-match") == '"index-1"'


def test_auto_given_a_feed_reads_it_as_a_feed(server: FixtureServer, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A user who writes `type: auto` for a feed's URL (served as text/html, as some
    agency servers label everything) gets its entries, not "no repeated block"."""
    server.page("/rss.php", rss(("ทางรัฐ เปิดบริการออกใบอนุญาตออนไลน์", server.url("/n/1")),
                                ("หน่วยงานจัดกิจกรรมวันเด็กแห่งชาติ", server.url("/n/2")),
                                ("สำนักงานพัฒนารัฐบาลดิจิทัล ลงนามความร่วมมือ", server.url("/n/3"))))
    config = write_config(tmp_path, f"""  - name: agency-rss
    url: "{server.url('/rss.php')}"
    type: auto
""")
    assert crawl(config) == 0
    assert published(config) == {
        "ทางรัฐ เปิดบริการออกใบอนุญาตออนไลน์": server.url("/n/1"),
        "สำนักงานพัฒนารัฐบาลดิจิทัล ลงนามความร่วมมือ": server.url("/n/3")}
    assert "no repeated block" not in capsys.readouterr().err
    assert main(["preview", "agency-rss", "--config", str(config)]) == 0
    assert "the page is a feed, read as type: feed" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["feed", "auto"])
@pytest.mark.parametrize("served", ["as a .gz file", "gzipped twice"])
def test_a_gzipped_feed_is_read_whatever_the_server_says(server: FixtureServer, tmp_path: Path,
                                                         kind: str, served: str) -> None:
    """A feed HTTP did not inflate (a `.gz` file, or a cache plugin's gzip gzipped again
    by the server) is read by `type: feed` and by `type: auto`; neither reader sends
    the user to the other."""
    body = gzip.compress(rss(("ทางรัฐ เปิดบริการออกใบอนุญาตออนไลน์", server.url("/n/1")),
                             ("หน่วยงานจัดกิจกรรมวันเด็กแห่งชาติ", server.url("/n/2"))))
    headers = ({"Content-Type": "application/gzip"} if served == "as a .gz file" else
               {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})
    if served == "gzipped twice":
        body = gzip.compress(body)
    server.add("/feed.xml.gz", Response(200, body, headers))
    config = write_config(tmp_path, f"""  - name: agency-rss
    url: "{server.url('/feed.xml.gz')}"
    type: {kind}
""")
    assert crawl(config) == 0
    assert published(config) == {"ทางรัฐ เปิดบริการออกใบอนุญาตออนไลน์": server.url("/n/1")}


AUTO_PAGE = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>ข่าว</title></head>
<body><header><nav class="menu"><ul>
<li><a href="/about">เกี่ยวกับสำนักงานและโครงสร้างองค์กรทั้งหมด</a></li>
<li><a href="/contact">ติดต่อสำนักงานและช่องทางการร้องเรียนต่าง ๆ</a></li></ul></nav></header>
<main><div class="news-grid">{items}</div></main>
<aside class="sidebar"><h3>ยอดนิยม</h3><ul>
<li><a href="/popular/1">ข่าวยอดนิยมประจำสัปดาห์ที่ผ่านมาของเว็บไซต์</a></li></ul></aside>
<footer><a href="/sitemap">แผนผังเว็บไซต์และนโยบายความเป็นส่วนตัว</a></footer></body></html>"""

AUTO_TITLES = [
    "ก.พ.ร. เร่งหน่วยงานจัดทำบริการตามกฎหมายว่าด้วยการปฏิบัติราชการทางอิเล็กทรอนิกส์",
    "ก.พ.ร. มอบรางวัลเลิศรัฐประจำปีแก่หน่วยงานดีเด่นทั่วประเทศ",
    "ก.พ.ร. จัดสัมมนาการพัฒนาระบบราชการสู่ระบบราชการ 4.0",
    "ก.พ.ร. ลงพื้นที่ติดตามศูนย์บริการประชาชนแบบเบ็ดเสร็จจังหวัดขอนแก่น",
]


def test_auto_listing_is_found_and_preview_says_why(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = "".join(
        f'<div class="card"><h3 class="card-title"><a href="/news/{n}">{title}</a></h3>'
        f'<span class="date">{10 + n} พ.ย. 2569</span></div>'
        for n, title in enumerate(AUTO_TITLES))
    server.page("/news", AUTO_PAGE.format(items=items))
    config = write_config(tmp_path, f"""  - name: opdc
    url: "{server.url('/news')}"
    type: auto
    keep_all: true
""")
    assert main(["preview", "opdc", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "how:" in out, "preview shows what auto chose and why"
    for title in AUTO_TITLES:
        assert title in out
    for trap in ("เกี่ยวกับสำนักงาน", "ข่าวยอดนิยม", "แผนผังเว็บไซต์"):
        assert trap not in out
    assert "egov-act (การปฏิบัติราชการทางอิเล็กทรอนิกส์)" in out
    assert "2569-11-10" not in out and "2026-11-10 00:00" in out, "Thai listing dates read"
    assert crawl(config) == 0
    assert set(published(config)) == set(AUTO_TITLES), "keep_all publishes every item"


GNEWS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>"การปฏิบัติราชการทางอิเล็กทรอนิกส์" - Google News</title>
<link>https://news.google.com/search?q=x&amp;hl=th</link><description>Google News</description>
{items}</channel></rss>"""
GNEWS_ITEM = """<item><title>{title} - {outlet}</title>
<link>https://news.google.com/rss/articles/{token}?oc=5</link>
<guid isPermaLink="false">{token}</guid><pubDate>Wed, 18 Nov 2026 02:00:00 GMT</pubDate>
<source url="https://{host}">{outlet}</source></item>"""


def test_google_news_outlets_and_title_dedupe(server: FixtureServer, tmp_path: Path) -> None:
    title = "ครม.ไฟเขียวร่างกฎกระทรวงตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์"
    first = GNEWS_ITEM.format(title=title, outlet="มติชน", token="CBMiAAA", host="matichon.co.th")
    server.page("/gnews", GNEWS.format(items=first), "application/rss+xml")
    config = write_config(tmp_path, f"""  - name: gnews
    url: "{server.url('/gnews')}"
    type: feed
""")
    assert crawl(config) == 0
    # Next crawl: the same story, same outlet, a new opaque token; and another outlet.
    again = GNEWS_ITEM.format(title=title, outlet="มติชน", token="CBMiBBB", host="matichon.co.th")
    other = GNEWS_ITEM.format(title=title, outlet="ข่าวสด", token="CBMiCCC", host="khaosod.co.th")
    server.page("/gnews", GNEWS.format(items=again + other), "application/rss+xml")
    assert crawl(config) == 0
    feed = (config.parent / "out" / "feed.json").read_text("utf-8")
    items = json.loads(feed)["items"]
    assert [i["title"] for i in items] == [title], "suffix removed, one entry"
    assert [a["name"] for a in items[0]["authors"]] == ["มติชน", "ข่าวสด"]


def test_preview_warns_about_selectors_dates_and_filtered_items(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.page("/empty", "<html><body><div class='news'><p>ไม่มีข่าว</p></div></body></html>")
    server.page("/undated", "<html><body>" + "".join(
        f'<div class="row"><a href="/d/{n}">ข่าวประชาสัมพันธ์ลำดับที่ {n} ของหน่วยงาน</a>'
        f'<span class="when">เร็ว ๆ นี้</span></div>' for n in range(3)) + "</body></html>")
    server.page("/unsafe", "<html><body>" + "".join(
        f'<div class="row"><a href="javascript:go({n})">ข่าวลำดับที่ {n}</a></div>'
        for n in range(2)) + "</body></html>")
    config = write_config(tmp_path, f"""  - name: empty
    url: "{server.url('/empty')}"
    type: html
    select: {{item: "div.item"}}
  - name: undated
    url: "{server.url('/undated')}"
    type: html
    select: {{item: "div.row", date: "span.when"}}
  - name: unsafe
    url: "{server.url('/unsafe')}"
    type: html
    select: {{item: "div.row"}}
""")
    assert main(["preview", "empty", "--config", str(config)]) == 0
    assert "no element matched select.item" in capsys.readouterr().out
    assert main(["preview", "undated", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "first seen" in out and "'เร็ว ๆ นี้'" in out
    assert "3 of 3 items have no readable date" in out
    assert "topics:  none (would be stored, not published)" in out
    assert main(["preview", "unsafe", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "warning:" in out and "0 items" in out


BODIES = {
    "html": "<!DOCTYPE html><html><head><title>ข่าว</title></head><body><ul>"
            "<li><a href='/n/1'>ข่าวประชาสัมพันธ์ของกรม</a></li></ul></body></html>",
    "feed": '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>t'
            "</title><item><title>ข่าว</title><link>https://www.example.go.th/n/1</link>"
            "</item></channel></rss>",
    "sitemap": '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
               'sitemap/0.9"><url><loc>https://www.example.go.th/n/1</loc></url></urlset>',
    "json": '{"data": [{"title": "ข่าว", "url": "/n/1"}]}',
}
WHAT = {"html": "an HTML page; use type: auto, or type: html with selectors",
        "feed": "a feed; use type: feed", "sitemap": "a sitemap; use type: sitemap",
        "json": "JSON; use type: json"}
NOT = {"feed": "not a feed", "sitemap": "not a sitemap", "json": "not JSON"}


@pytest.mark.parametrize(("kind", "body"), [
    ("feed", "html"), ("feed", "sitemap"), ("feed", "json"),
    ("sitemap", "html"), ("sitemap", "feed"), ("sitemap", "json"),
    ("json", "feed"), ("json", "sitemap")])
def test_a_source_of_the_wrong_type_is_told_the_right_one(kind: str, body: str) -> None:
    """A site's feed, sitemap, API or page address pasted under another type: the
    error names what the body is and the type that reads it (a sitemap given an
    HTML page used to say its DOCTYPE was a refused DTD)."""
    url = "https://www.example.go.th/x"
    doc = Document(url=url, content=BODIES[body].encode(), text=BODIES[body],
                   encoding="utf-8", content_type="text/html")
    select = Selectors(item="data", title="title", link="url") if kind == "json" else None
    with pytest.raises(ExtractError) as caught:
        get_extractor(kind)(doc, Source(name="s", url=url, type=kind, select=select))
    assert str(caught.value) == f"{NOT[kind]}: {url} is {WHAT[body]}"


XHTML_PROLOG = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD '
                'XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-'
                'transitional.dtd">\n<!-- ' + "แม่แบบหน้าข่าว " * 20 + "-->\n")


@pytest.mark.parametrize(("text", "kind"), [
    # A page's own tags come first, whatever its scripts or text say about feeds.
    (XHTML_PROLOG + '<html xmlns="http://www.w3.org/1999/xhtml"><head><script>'
     'var x = "<feed>";</script></head><body></body></html>', "html"),
    ("<html><body><pre><urlset> in a sitemap</pre></body></html>", "html"),
    # A PHP warning printed before the feed's XML, as agency servers do.
    ("<br />\n<b>Warning</b>: Undefined variable in /var/www/rss.php on line 3<br />\n"
     "<?xml version='1.0'?><rss version='2.0'><channel></channel></rss>", "feed"),
    ("<?xml version='1.0'?><rdf:RDF xmlns:rdf='x'></rdf:RDF>", "feed"),
    ("\ufeff<?xml version='1.0'?><sitemapindex></sitemapindex>", "sitemap"),
    (' [{"title": "ข่าว"}]', "json"),
])
def test_what_a_body_is(text: str, kind: str) -> None:
    from monitor.extract import body_kind

    doc = Document(url="https://www.example.go.th/x", content=text.encode(), text=text,
                   encoding="utf-8", content_type="text/html")
    assert body_kind(doc) == kind
