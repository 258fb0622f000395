"""`type: json`: every real JSON payload read with a `select:` a user would write."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import certifi
import pytest

from monitor.config.loader import load_config
from monitor.config.settings import Selectors, Source
from monitor.errors import ConfigError, ExtractError
from monitor.extract import get_extractor
from monitor.extract.embedded import WORDPRESS_SELECT
from monitor.extract.jsonapi import extract
from monitor.models import Document
from tests.crawl_helpers import crawl, published, write_config
from tests.httpserver import FixtureServer
from tests.realpages import ROOT, found_pairs, pages

# The entries a user writes for each real JSON payload (documented in the README).
ENTRIES: dict[str, dict[str, str]] = {
    # Bank of Thailand: rows under `results`, Thai dates ("14 ก.ย. 2569").
    "enforcement-bot.json": {"item": "results", "title": "listingTitle", "link": "pagePath",
                             "date": "issueDt"},
    # DBD: no link field; the article URL is built from the slug.
    "enforcement-dbd.json": {"item": "data.result", "title": "title",
                             "link": "https://www.dbd.go.th/news/{slug}", "date": "rawDate"},
    # DIP: WordPress REST (a top-level array; title.rendered).
    "enforcement-dip.json": {"item": "[]", "title": "title.rendered", "link": "link",
                             "date": "date"},
    # FDA: only rows with is_show == '1' are shown; link from table name and id.
    "enforcement-fda.json": {"item": "data[?is_show=='1']", "title": "title",
                             "link": "https://oryor.com/media/newsUpdate/{_table_name}/{id}",
                             "date": "publishDate"},
    # Court of Justice widget: JSON whose `html` field is the listing; CSS inside it.
    "institution-courts.json": {"html": "html", "item": ".infocard",
                                "title": ".detail-title a", "link": ".detail-title a::attr(href)",
                                "date": ".detail-date"},
    # DSpace search: nested rows, a date key with dots.
    "main-parliament-repository-discovery.json": {
        "item": "_embedded.searchResult._embedded.objects",
        "title": "_embedded.indexableObject.name", "link": "_links.indexableObject.href",
        "date": '_embedded.indexableObject.metadata."dc.date.issued"[0].value'},
}
JSON_PAGES = sorted(name for name, page in pages().items() if page.kind == "json")


def read(doc: Document, **select: str) -> Any:
    return extract(doc, Source(name="t", url=doc.url, type="json", select=Selectors(**select)))


def test_every_real_json_payload_has_an_entry() -> None:
    assert set(ENTRIES) == set(JSON_PAGES)


@pytest.mark.parametrize("name", JSON_PAGES)
def test_real_payload_gives_exactly_the_items_a_reader_sees(name: str) -> None:
    page = pages()[name]
    result = read(page.document(), **ENTRIES[name])
    assert found_pairs(result.items) == page.expected()
    for item, truth in zip(result.items, page.items, strict=True):
        # The date as shown (the court's also shows a view counter after a bar).
        assert (item.date_text or "").startswith(str(truth["date"]))


def test_wordpress_titles_lose_their_entities_and_tags() -> None:
    body = ('[{"title": {"rendered": "DGA &#8211; <b>\u0e17\u0e32\u0e07\u0e23\u0e31\u0e10</b>"},'
            ' "link": "https://www.dga.or.th/?p=1", "date": "2026-09-16T15:43:20"}]')
    doc = Document(url="https://www.dga.or.th/wp-json/wp/v2/posts", content=body.encode(),
                   text=body, encoding="utf-8", content_type="application/json")
    items = read(doc, item="[]", title="title", link="link", date="date").items
    assert [i.title for i in items] == ["DGA – ทางรัฐ"]


def test_records_without_title_or_safe_link_are_skipped_and_counted() -> None:
    body = ('{"rows": [{"t": "ข่าวหนึ่งของหน่วยงาน", "u": "/n/1"}, {"t": "", "u": "/n/2"},'
            ' {"t": "ข่าวสาม", "u": "javascript:alert(1)"}, {"t": "ข่าวสี่", "slug": null}]}')
    doc = Document(url="https://www.example.go.th/api", content=body.encode(), text=body,
                   encoding="utf-8", content_type="application/json")
    result = read(doc, item="rows", title="t", link="u")
    assert found_pairs(result.items) == [("ข่าวหนึ่งของหน่วยงาน", "https://www.example.go.th/n/1")]
    assert result.warnings == ["skipped 1 record without a title",
                               "skipped 2 records without an http(s) link"]
    template = read(doc, item="rows", title="t", link="/news/{slug}")
    assert template.items == [], "a template slot without a value gives no link"


@pytest.mark.parametrize(("body", "shape"), [
    ('{"status": "ok", "data": {"news": []}, "total": 0}',
     'its top level is an object with keys "status", "data", "total"'),
    ('{' + ", ".join(f'"k{i}": {i}' for i in range(10)) + '}',
     'its top level is an object with keys "k0", "k1", "k2", "k3", "k4", "k5", "k6", '
     '"k7", ...'),
    ('[{"หัวข้อ": "ข่าว", "ลิงก์": "/n/1"}, {}]',
     'its top level is a list of 2 of objects with keys "หัวข้อ", "ลิงก์"'),
    ("[1, 2, 3]", "its top level is a list of 3"),
    ('<html><body><script id="state" type="application/json">"maintenance"</script>',
     "its top level is a single value, not an object or a list"),
])
def test_an_item_expression_that_finds_nothing_shows_where_to_start(
        body: str, shape: str) -> None:
    """Users guess the path to the records: the warning names the keys at the top."""
    doc = Document(url="https://www.example.go.th/api", content=body.encode(), text=body,
                   encoding="utf-8", content_type="application/json")
    script = {"script": "#state"} if body.startswith("<") else {}
    assert read(doc, item="items", title="t", **script).warnings == [
        f"select.item 'items' matched nothing in {doc.url} ({shape})"]


def test_records_none_of_which_is_read_show_the_first_ones_keys() -> None:
    """A title or link expression that names no field: every record is skipped, and
    the user needs the fields there are, which the API's documentation seldom gives."""
    body = '{"data": [{"หัวข้อ": "ข่าวหนึ่ง", "ลิงก์": "/n/1"}, {"หัวข้อ": "ข่าวสอง"}]}'
    doc = Document(url="https://www.example.go.th/api", content=body.encode(), text=body,
                   encoding="utf-8", content_type="application/json")
    assert read(doc, item="data", title="title", link="url").warnings == [
        "skipped 2 records without a title",
        'the first record has keys "หัวข้อ", "ลิงก์"']
    assert read(doc, item='data[]."หัวข้อ"', title="title").warnings[-1] == (
        "the first record is not an object")
    # When any record is read, the expressions are right: no advice. (JMESPath
    # wants keys in other scripts quoted, as the warning writes them.)
    assert read(doc, item="data", title='"หัวข้อ"', link='"ลิงก์"').warnings == [
        "skipped 1 record without an http(s) link"]


def test_dates_given_as_counts_since_1970_are_read() -> None:
    """JavaScript's milliseconds (Next.js, Strapi), Unix seconds and ASP.NET's
    `/Date(...)/` are all UTC instants; a short number is an id, not a date."""
    body = ('{"rows": ['
            '{"t": "ข่าวหนึ่ง", "u": "/n/1", "d": 1796601600000},'
            '{"t": "ข่าวสอง", "u": "/n/2", "d": 1796601600},'
            '{"t": "ข่าวสาม", "u": "/n/3", "d": "/Date(1796601600000+0700)/"},'
            '{"t": "ข่าวสี่", "u": "/n/4", "d": 2569}]}')
    doc = Document(url="https://www.example.go.th/api", content=body.encode(), text=body,
                   encoding="utf-8", content_type="application/json")
    items = read(doc, item="rows", title="t", link="u", date="d").items
    instant = datetime(2026, 12, 7, tzinfo=UTC)
    assert [i.published for i in items] == [instant, instant, instant, None]


def test_next_data_page_is_read_with_a_link_template() -> None:
    page = pages()["main-parliament-einitiative-discovery.html"]
    result = read(page.document(), item="props.pageProps.result.rows", title="p_name",
                  link="https://einitiative.parliament.go.th/draftlaw-detail"
                       "?id={p_id}&name={p_name}", date="p_last_update_date")
    assert found_pairs(result.items) == page.expected()
    assert result.notes[0] == "read the page's __NEXT_DATA__"


def test_flight_data_page_is_read() -> None:
    page = pages()["institution-administrative-court.html"]
    result = read(page.document(), item="[0][3].content.list.data[]", title="title",
                  link="/public-relations/public-relations-news/{uuid}", date="startDate")
    assert found_pairs(result.items) == page.expected()
    assert result.items[0].published is not None, "ISO dates with a zone are read as such"


def test_a_json_body_that_is_not_json_fails_clearly() -> None:
    doc = Document(url="https://x.go.th/api", content=b"{oops", text="{oops", encoding="utf-8")
    with pytest.raises(ExtractError, match=r"invalid JSON in https://x\.go\.th/api"):
        read(doc, item="rows")
    html = "<html><body><p>nothing here</p></body></html>"
    page = Document(url="https://x.go.th/", content=html.encode(), text=html, encoding="utf-8")
    with pytest.raises(ExtractError, match="neither JSON nor a page with embedded JSON"):
        read(page, item="rows")


def _config(tmp_path: Path, select: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text("topics: [{id: t, any: [x]}]\nsources:\n  - name: bot\n"
                    "    url: https://www.bot.or.th/api\n    type: json\n"
                    f"    select:\n{select}", "utf-8")
    return path


def test_config_reads_json_selectors(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, "      item: \"data[?is_show=='1']\"\n"
                                           "      link: \"https://oryor.com/n/{id}\"\n"
                                           "      date: 'metadata.\"dc.date.issued\"[0].value'\n"))
    select = config.sources[0].select
    assert select == Selectors(item="data[?is_show=='1']", link="https://oryor.com/n/{id}",
                               date='metadata."dc.date.issued"[0].value')


@pytest.mark.parametrize(("select", "line", "key", "words"), [
    ("      item: results\n      date: metadata.dc.date.issued[0.value\n", 8,
     "sources.bot.select.date", ["not a valid JMESPath", "dc.date.issued"]),
    ("      item: \"data[?is_show=='1'\"\n", 7, "sources.bot.select.item", ["JMESPath"]),
    ("      item: rows\n      link: \"https://x.go.th/{}\"\n", 8, "sources.bot.select.link",
     ["empty {}"]),
    ("      item: rows\n      link: \"https://x.go.th/{a..b}\"\n", 8, "sources.bot.select.link",
     ["'a..b' is not a valid JMESPath"]),
    ("      title: t\n", 6, "sources.bot.select.item", ["JMESPath expression giving the list"]),
    (f"      item: \"{'(' * 3000}a{')' * 3000}\"\n", 7, "sources.bot.select.item",
     ["nests more deeply than a JMESPath expression"]),    # not a RecursionError
])
def test_config_rejects_bad_jmespath_in_one_line(tmp_path: Path, select: str, line: int,
                                                 key: str, words: list[str]) -> None:
    path = _config(tmp_path, select)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert len(message.splitlines()) == 1, message
    assert f"{path}:{line}" in message and key in message, message
    for word in words:
        assert word in message, message


def test_with_html_the_other_keys_are_css(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, "      html: html\n      item: div.infocard > a\n"))
    assert config.sources[0].select == Selectors(item="div.infocard > a", html="html")


@pytest.mark.parametrize("body", [
    '{"items": [{"title": "ข่าวกรมประชาสัมพันธ์", "url": "https://www.prd.go.th/n/1",'
    ' "date_published": "2026-11-18T09:30:00+07:00", "content_html": "<p>สรุป</p>"}]}',
    '[{"title": "ข่าวกรมประชาสัมพันธ์", "url": "https://www.prd.go.th/n/1",'
    ' "date_published": "2026-11-18T09:30:00+07:00", "content_html": "<p>สรุป</p>"}]',
])
def test_feed_reads_json_feed_items_without_a_version(body: str) -> None:
    from monitor.extract.feed import extract as feed

    doc = Document(url="https://www.prd.go.th/th/rss/page/contentjson/id/142/cid/33",
                   content=body.encode(), text=body, encoding="utf-8",
                   content_type="application/json")
    result = feed(doc, Source(name="prd", url=doc.url, type="feed"))
    assert found_pairs(result.items) == [("ข่าวกรมประชาสัมพันธ์", "https://www.prd.go.th/n/1")]
    assert result.items[0].summary == "สรุป" and result.items[0].published is not None
    assert result.notes == ["read as JSON Feed items without a version"]


def test_feed_sends_other_json_to_type_json() -> None:
    from monitor.extract.feed import extract as feed

    body = '{"results": [{"listingTitle": "x", "pagePath": "https://www.bot.or.th/n"}]}'
    doc = Document(url="https://www.bot.or.th/api", content=body.encode(), text=body,
                   encoding="utf-8", content_type="application/json")
    with pytest.raises(ExtractError, match="use type: json with select:"):
        feed(doc, Source(name="bot", url=doc.url, type="feed"))


def test_readme_difficult_site_examples_pass_check(tmp_path: Path) -> None:
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme[readme.index("## Difficult sites"):readme.index("## Configuration")]
    entries = [b for b in re.findall(r"```yaml\n(.+?)```", section, re.DOTALL)
               if b.startswith("  - name:")]
    assert len(entries) >= 3   # one per kind of difficult site, at least
    path = tmp_path / "sources.yaml"
    for bundle in re.findall(r"ca_bundle: \"?([^\"}\s]+)", "".join(entries)):
        (tmp_path / bundle).parent.mkdir(parents=True, exist_ok=True)
        # Any real CA file will do: check loads it.
        (tmp_path / bundle).write_bytes(Path(certifi.where()).read_bytes())
    path.write_text("topics: [{id: t, any: [x]}]\nsources:\n" + "".join(entries), "utf-8")
    config = load_config(path)
    assert len(config.sources) == len(entries)
    assert {"json", "html"} <= {s.type for s in config.sources}


def test_script_selector_names_the_json_on_a_page() -> None:
    html = ("<html><head><script>window.__STATE__ = {\"news\": [{\"name\": \"ประกาศสำนักงาน"
            "เรื่องบริการอิเล็กทรอนิกส์\", \"path\": \"/n/7\"}]};</script>"
            "<script id='__NEXT_DATA__' type='application/json'>{\"props\": {}}</script>"
            "</head><body></body></html>")
    doc = Document(url="https://www.example.go.th/news", content=html.encode(), text=html,
                   encoding="utf-8", content_type="text/html")
    result = read(doc, script="head > script:not([id])", item="news", title="name",
                  link="path")
    assert found_pairs(result.items) == [("ประกาศสำนักงานเรื่องบริการอิเล็กทรอนิกส์",
                                          "https://www.example.go.th/n/7")]
    with pytest.raises(ExtractError, match="found no JSON"):
        read(doc, script="script#missing", item="news")


def test_a_json_source_crawls_and_publishes(server: FixtureServer, tmp_path: Path) -> None:
    page = pages()["enforcement-bot.json"]
    server.page("/newslisting.json", (ROOT / "pages" / page.file).read_bytes(),
                "application/json")
    select = ENTRIES[page.file]
    config = write_config(tmp_path, f"""  - name: bot
    url: "{server.url('/newslisting.json')}"
    type: json
    keep_all: true
    select:
      item: {select['item']}
      title: {select['title']}
      link: {select['link']}
      date: {select['date']}
""")
    assert crawl(config) == 0
    assert published(config) == {title: link for title, link in page.expected()}


@pytest.mark.parametrize("kind", ["auto", "json"])
def test_wordpress_dates_are_read_from_date_gmt_as_utc(kind: str) -> None:
    # A site left on WordPress's default zone, UTC: `date` is UTC too, and read as
    # Bangkok time it was seven hours early. `date_gmt` is UTC on every site.
    body = json.dumps([
        {"title": {"rendered": "ประกาศรับสมัครบุคคลเพื่อเลือกสรรเป็นพนักงานจ้าง"},
         "link": "https://www.example.go.th/?p=28871", "date": "2023-12-19T02:53:48",
         "date_gmt": "2023-12-19T02:53:48"},
        {"title": {"rendered": "ประกาศผลการสอบคัดเลือกพนักงานจ้างตามภารกิจ"},
         "link": "https://www.example.go.th/?p=28872", "date": "2023-12-20T10:00:00",
         "date_gmt": None}])   # a draft's: no date_gmt, and `date` it is
    doc = Document(url="https://www.example.go.th/wp-json/wp/v2/posts", content=body.encode(),
                   text=body, encoding="utf-8", content_type="application/json")
    source = Source(name="t", url=doc.url, type=kind,
                    select=Selectors(**WORDPRESS_SELECT) if kind == "json" else None)
    items = get_extractor(kind)(doc, source).items
    assert [item.date_text for item in items] == ["2023-12-19T02:53:48Z", "2023-12-20T10:00:00"]
    assert items[0].published == datetime(2023, 12, 19, 2, 53, 48, tzinfo=UTC)
