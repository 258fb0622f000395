"""Scraped text stays text in every written feed, read back with sanitising OFF."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser

from monitor.config.loader import load_config
from monitor.config.settings import Config, Source
from monitor.extract import get_extractor
from monitor.models import Document, Item
from monitor.publish import publish_all
from monitor.store import Store
from tests.crawl_helpers import TOPICS

IMG = "<img src=x onerror=alert(1)>"
SCRIPT_TITLE = "<script>alert('t')</script> พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์"
NOW = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "sources.yaml"
    path.write_text(f"""
feed:
  link: "https://monitor.example.org/"
{TOPICS}sources:
  - name: dga
    url: "https://dga.example.org/feed"
    type: feed
""", "utf-8")
    return load_config(path)


def _elements(fragment: str) -> list[str]:
    """Tags an HTML reader would build from `fragment`."""
    body = LexborHTMLParser(f"<body>{fragment}</body>").body
    return [node.tag for node in body.traverse() if node.tag not in ("body", "-text")] \
        if body else []


def _publish(config: Config, summary: str, title: str = SCRIPT_TITLE) -> None:
    item = Item(source="dga", url="https://dga.example.org/n/1",
                link="https://dga.example.org/n/1", title=title, summary=summary,
                published=NOW, date_is_first_seen=False, identity="https://dga.example.org/n/1",
                topics=("egov-act",), matched_keywords=("k",))
    with Store(config.database) as store:
        store.save_items([item], NOW)
        publish_all(config, store, now=NOW)


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", "topics/egov-act.xml"])
def test_feed_summaries_and_titles_are_text_not_elements(config: Config, name: str) -> None:
    _publish(config, f"สรุป {IMG} & ท้าย")
    parsed = feedparser.parse((config.output_dir / name).read_bytes(), sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    entry = parsed.entries[0]
    summary = entry.summary_detail
    if summary.type == "text/html":
        assert _elements(summary.value) == [], summary.value
        shown = LexborHTMLParser(f"<body>{summary.value}</body>").body.text()  # type: ignore[union-attr]
    else:
        assert summary.type == "text/plain"
        shown = summary.value
    assert f"สรุป {IMG} & ท้าย" in shown, "the reader shows the text exactly as scraped"
    assert entry.title_detail.type == "text/plain"
    assert entry.title == SCRIPT_TITLE


def test_json_feed_has_only_plain_text_fields(config: Config) -> None:
    _publish(config, f"สรุป {IMG}")
    feed = json.loads((config.output_dir / "feed.json").read_text("utf-8"))
    item = feed["items"][0]
    assert "content_html" not in item and "summary" in item
    assert IMG in item["content_text"] and item["title"] == SCRIPT_TITLE


def test_cdata_in_a_source_feed_arrives_as_plain_text_and_leaves_escaped(config: Config
                                                                           ) -> None:
    hostile = ("<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
               "<link>https://dga.example.org/</link><description>d</description><item>"
               "<title>ข่าว</title><link>https://dga.example.org/n/1</link>"
               "<description><![CDATA[<p>ก่อน</p><img src=x onerror=alert(1)>"
               "&lt;script&gt;alert(2)&lt;/script&gt;<script>alert(3)</script>]]>"
               "</description></item></channel></rss>")
    doc = Document(url="https://dga.example.org/feed", content=hostile.encode(),
                   text=hostile, encoding="utf-8", content_type="application/rss+xml")
    source = Source(name="dga", url="https://dga.example.org/feed", type="feed")
    summary = get_extractor("feed")(doc, source).items[0].summary
    assert "<img" not in summary and "alert(3)" not in summary, "markup is dropped, not kept"
    assert "ก่อน" in summary
    _publish(config, summary)
    parsed = feedparser.parse((config.output_dir / "feed.xml").read_bytes(),
                              sanitize_html=False)
    assert _elements(parsed.entries[0].summary) == []


THAI_LINK = "https://ข่าว.example.org/ข่าว/พ.ร.บ. ใหม่?หัวข้อ=รัฐบาลดิจิทัล#ย่อหน้า"
THAI_URI = ("https://xn--22c8e6a1f.example.org/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7/"
            "%E0%B8%9E.%E0%B8%A3.%E0%B8%9A.%20%E0%B9%83%E0%B8%AB%E0%B8%A1%E0%B9%88"
            "?%E0%B8%AB%E0%B8%B1%E0%B8%A7%E0%B8%82%E0%B9%89%E0%B8%AD="
            "%E0%B8%A3%E0%B8%B1%E0%B8%90%E0%B8%9A%E0%B8%B2%E0%B8%A5%E0%B8%94%E0%B8%B4%E0%B8%88"
            "%E0%B8%B4%E0%B8%97%E0%B8%B1%E0%B8%A5#%E0%B8%A2%E0%B9%88%E0%B8%AD%E0%B8%AB%E0%B8%99"
            "%E0%B9%89%E0%B8%B2")


def test_a_link_with_thai_in_it_is_published_as_a_uri(config: Config) -> None:
    """RSS and JSON Feed take URLs, which are ASCII: a Thai host, path, query or
    fragment is written as browsers send it (IDNA, UTF-8 percent-encoding)."""
    item = Item(source="dga", url=THAI_LINK, link=THAI_LINK, title=SCRIPT_TITLE, summary="",
                published=NOW, date_is_first_seen=False, identity=THAI_LINK,
                topics=("egov-act",), matched_keywords=("k",))
    with Store(config.database) as store:
        store.save_items([item], NOW)
        publish_all(config, store, now=NOW)
    out = config.output_dir
    for name in ("feed.xml", "atom.xml"):
        [entry] = feedparser.parse((out / name).read_bytes()).entries
        assert entry.link == THAI_URI, name
    [item_json] = json.loads((out / "feed.json").read_text("utf-8"))["items"]
    assert item_json["url"] == THAI_URI
    assert [o["url"] for o in json.loads((out / "items.json").read_text("utf-8"))["items"][0][
        "outlets"]] == [THAI_URI]
    assert f'href="{THAI_URI}"' in (out / "index.html").read_text("utf-8")
    assert THAI_URI.isascii()
