"""The `sitemap` extractor: urlsets, indexes, Google News sitemaps, hostile XML."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from monitor.config.settings import Source
from monitor.errors import ExtractError
from monitor.extract import get_extractor
from monitor.extract.sitemap import MAX_FOLLOW
from monitor.models import Document, Extraction

SITEMAPS = Path(__file__).parent / "fixtures" / "sitemaps"
ICT = timezone(timedelta(hours=7))


def doc_of(body: bytes, url: str = "https://www.mdes.go.th/sitemap.xml",
           content_type: str = "application/xml") -> Document:
    """As the fetcher hands it over."""
    text = body.decode("utf-8", "replace")
    return Document(url=url, content=body, text=text, encoding="utf-8",
                    content_type=content_type)


def fixture(name: str, url: str = "https://www.mdes.go.th/sitemap.xml") -> Document:
    return doc_of((SITEMAPS / name).read_bytes(), url)


def run(doc: Document) -> Extraction:
    return get_extractor("sitemap")(doc, Source(name="test", url=doc.url, type="sitemap"))


URLSET_EXPECTED = [
    ("https://www.mdes.go.th/news/detail/6003", "2022-11-09T16:20:00+07:00",
     datetime(2022, 11, 9, 16, 20, tzinfo=ICT)),
    # a date without time or zone orders the entries but is no structured instant
    ("https://www.mdes.go.th/news/detail/6001", "2022-11-07", None),
    ("https://www.mdes.go.th/news/detail/5990", "2022-11-01T09:00:00+07:00",
     datetime(2022, 11, 1, 9, 0, tzinfo=ICT)),
    ("https://www.mdes.go.th/about", None, None),       # undated: last
]


def test_urlset_entries_newest_first_with_empty_titles() -> None:
    result = run(fixture("urlset.xml"))
    assert [(i.link, i.date_text, i.published) for i in result.items] == URLSET_EXPECTED
    # no invented titles: the pipeline fetches the page or treats it as untitled
    assert all(i.title == "" and i.outlet is None for i in result.items)
    assert result.warnings == ["skipped 1 entry repeating an earlier <loc>",
                               "skipped 1 entry without an http(s) <loc>",
                               "the sitemap names no titles: set fetch_article: true to "
                               "read each new page's title"]
    # Without fetch_article every item would be dropped untitled; with it, no advice.
    doc = fixture("urlset.xml")
    reading = Source(name="test", url=doc.url, type="sitemap", fetch_article=True)
    assert get_extractor("sitemap")(doc, reading).warnings == result.warnings[:2]


def test_an_already_decompressed_xml_gz_is_read_as_plain_xml() -> None:
    # served with Content-Encoding: gzip, the fetcher has inflated it already
    result = run(fixture("urlset.xml", url="https://www.mdes.go.th/sitemap.xml.gz"))
    assert len(result.items) == 4


def test_google_news_sitemap() -> None:
    result = run(fixture("news_sitemap.xml", url="https://www.thaipbs.or.th/sitemap-news.xml"))
    got = [(i.title, i.link, i.date_text, i.published, i.outlet) for i in result.items]
    assert got == [
        ("ทางรัฐ เพิ่มบริการ ยื่นภาษีออนไลน์", "https://www.thaipbs.or.th/news/content/321050",
         "2022-11-10T06:30:00+07:00", datetime(2022, 11, 10, 6, 30, tzinfo=ICT), "ไทยพีบีเอส"),
        ("ครม.เห็นชอบร่าง พ.ร.ฎ. ออกตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์",
         "https://www.thaipbs.or.th/news/content/321000", "2022-11-09T08:15:00+07:00",
         datetime(2022, 11, 9, 8, 15, tzinfo=ICT), "ไทยพีบีเอส"),
        ("DGA แนะประชาชนใช้ ThaID", "https://www.thaipbs.or.th/news/content/320900",
         "2022-11-08", None, "ไทยพีบีเอส"),
    ]
    assert "Google News sitemap: 3 entries with news:title" in result.notes


def test_sitemap_index_follows_the_newest_children_bounded() -> None:
    result = run(fixture("sitemap_index.xml", url="https://www.thaigov.go.th/sitemap.xml"))
    assert result.items == []
    assert len(result.follow) == MAX_FOLLOW == 20
    dates = [url.rsplit("sitemap-news-", 1)[1].removesuffix(".xml") for url in result.follow]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == "2022-11-09" and "2022-01-01" not in dates
    assert "https://www.thaigov.go.th/sitemap-pages.xml" not in result.follow  # undated: last
    assert result.warnings == ["skipped 1 sitemap entries without an http(s) <loc>"]
    assert any("6 older sitemaps are not read" in note for note in result.notes)


def test_a_small_index_follows_every_child_dated_first() -> None:
    body = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>/sitemap-pages.xml</loc></sitemap>
      <sitemap><loc>https://www.dga.or.th/post-sitemap1.xml</loc>
               <lastmod>2021-06-01T10:00:00+00:00</lastmod></sitemap>
      <sitemap><loc>https://www.dga.or.th/post-sitemap2.xml</loc>
               <lastmod>2022-11-09T10:00:00+07:00</lastmod></sitemap>
    </sitemapindex>"""
    result = run(doc_of(body, url="https://www.dga.or.th/sitemap_index.xml"))
    assert result.follow == ["https://www.dga.or.th/post-sitemap2.xml",
                             "https://www.dga.or.th/post-sitemap1.xml",
                             "https://www.dga.or.th/sitemap-pages.xml"]


@pytest.mark.parametrize("body", [
    # no namespace at all, and an odd prefix for the standard one
    b"<urlset><url><loc>https://a.go.th/1</loc><lastmod>2022-01-01</lastmod></url></urlset>",
    b'<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<sm:url><sm:loc>https://a.go.th/1</sm:loc><sm:lastmod>2022-01-01</sm:lastmod></sm:url>"
    b"</sm:urlset>",
    # Google's old 0.84 namespace
    b'<urlset xmlns="http://www.google.com/schemas/sitemap/0.84"><url>'
    b"<loc>https://a.go.th/1</loc><lastmod>2022-01-01</lastmod></url></urlset>",
])
def test_namespace_variants(body: bytes) -> None:
    [item] = run(doc_of(body)).items
    assert (item.link, item.date_text) == ("https://a.go.th/1", "2022-01-01")


def test_entity_declarations_are_refused() -> None:
    started = time.perf_counter()
    with pytest.raises(ExtractError, match="refused: it declares a DTD"):
        run(fixture("entity_bomb.xml"))
    assert time.perf_counter() - started < 0.5


def test_a_dtd_without_entities_is_refused_too() -> None:
    body = (b'<!DOCTYPE urlset SYSTEM "file:///etc/passwd">'
            b"<urlset><url><loc>https://a.go.th/1</loc></url></urlset>")
    with pytest.raises(ExtractError, match="DTD"):
        run(doc_of(body))


@pytest.mark.parametrize(("body", "message"), [
    (b"<!DOCTYPE html><html><body><a href='/x'>x</a></body></html>",
     "is an HTML page; use type: auto"),
    (b"<rss version='2.0'><channel></channel></rss>", "is a feed; use type: feed"),
    (b"<?xml version='1.0'?><feeds><x/></feeds>", "root element is <feeds>"),
    (b"", "empty"),
    (b"<urlset><url><loc>https://a.go.th/1</loc>", "not a well-formed sitemap"),
])
def test_documents_that_are_not_sitemaps(body: bytes, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        run(doc_of(body))


def test_bare_ampersands_in_addresses_are_read_as_escaped_with_a_warning() -> None:
    # A hand-written generator puts each page's query into <loc> as it is.
    body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            b'schemas/sitemap/0.9"><url><loc>https://a.go.th/index.php?page=news&id=5</loc>'
            b"<lastmod>2026-11-30</lastmod></url><url><loc>https://a.go.th/index.php?"
            b"page=news&amp;id=4&#38;x=1&lang=th</loc></url></urlset>")
    found = run(doc_of(body))
    assert [item.link for item in found.items] == [
        "https://a.go.th/index.php?page=news&id=5",
        "https://a.go.th/index.php?page=news&id=4&x=1&lang=th"]
    assert found.warnings[0] == ("not well-formed XML: 2 bare '&' in it (each should be "
                                 "written &amp;); read as if escaped")
    # Escaping them mends nothing else: with another fault, the first is reported.
    with pytest.raises(ExtractError, match=r"not well-formed \(invalid token\): line 2"):
        run(doc_of(body.replace(b"</loc><lastmod>", b"</lo><lastmod>")))
    index = (b"<sitemapindex><sitemap><loc>https://a.go.th/sitemap.php?part=1&y=2026</loc>"
             b"</sitemap></sitemapindex>")
    found = run(doc_of(index))
    assert (found.follow, len(found.warnings)) == (["https://a.go.th/sitemap.php?part=1&y=2026"], 1)


def test_declared_encoding_does_not_fight_the_decoded_text() -> None:
    body = ('<?xml version="1.0" encoding="windows-874"?>\n<urlset xmlns:news='
            '"http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://a.go.th/1</loc>'
            "<news:news><news:title>ประกาศ\x01ใหม่</news:title></news:news></url></urlset>")
    doc = Document(url="https://a.go.th/sitemap.xml", content=body.encode("cp874"), text=body,
                   encoding="cp874", content_type="text/xml")
    [item] = run(doc).items
    assert item.title == "ประกาศใหม่"


def test_an_index_without_lastmod_follows_the_highest_numbered_children() -> None:
    """WordPress's own index (wp-sitemap.xml) has no lastmod, and lists its post
    sitemaps oldest first: following the first 20 never read a new post on a site of
    more than 40,000."""
    children = ([f"wp-sitemap-posts-post-{n}.xml" for n in range(1, 46)]
                + ["wp-sitemap-posts-page-1.xml", "wp-sitemap-taxonomies-category-1.xml",
                   "wp-sitemap-users-1.xml"])
    body = ('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
        f"<sitemap><loc>https://www.dga.or.th/{name}</loc></sitemap>" for name in children)
        + "</sitemapindex>").encode()
    result = run(doc_of(body, url="https://www.dga.or.th/wp-sitemap.xml"))
    assert [url.rsplit("/", 1)[1] for url in result.follow] == [
        f"wp-sitemap-posts-post-{n}.xml" for n in range(45, 25, -1)]
    assert any("by the numbers in their names" in note for note in result.notes)


def test_dated_children_come_first_and_dates_in_names_count_up() -> None:
    body = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://a.go.th/sitemap-2025-12.xml</loc></sitemap>
      <sitemap><loc>https://a.go.th/sitemap-2026-2.xml</loc></sitemap>
      <sitemap><loc>https://a.go.th/sitemap-2026-11.xml</loc></sitemap>
      <sitemap><loc>https://a.go.th/sitemap-pages.xml</loc></sitemap>
      <sitemap><loc>https://a.go.th/news.xml</loc><lastmod>2020-01-01</lastmod></sitemap>
    </sitemapindex>"""
    result = run(doc_of(body, url="https://a.go.th/sitemap.xml"))
    assert result.follow == ["https://a.go.th/news.xml", "https://a.go.th/sitemap-2026-11.xml",
                             "https://a.go.th/sitemap-2026-2.xml",
                             "https://a.go.th/sitemap-2025-12.xml",
                             "https://a.go.th/sitemap-pages.xml"]
