"""index.html and the digest files: Thai dates, stories, health, and hostile text escaped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from selectolax.lexbor import LexborHTMLParser

from monitor.config.loader import load_config
from monitor.config.settings import Config
from monitor.errors import ConfigError
from monitor.health import Health
from monitor.models import Item
from monitor.publish import publish_all
from monitor.publish.digest import Week, build_digest, last_complete_week, parse_week, write_digest
from monitor.store import Store
from tests.crawl_helpers import TOPICS

BANGKOK = ZoneInfo("Asia/Bangkok")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์'


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "sources.yaml"
    path.write_text(f"""
feed:
  title: "ทดสอบ <b>monitor</b>"
  link: "https://monitor.example.org/"
{TOPICS}sources:
  - name: dga
    title: "สพร."
    url: "https://dga.example.org/feed"
    type: feed
  - name: matichon
    title: "มติชน"
    url: "https://matichon.example.org/feed"
    type: feed
    keep_all: true
""", "utf-8")
    return load_config(path)


def _item(n: int, title: str, published: datetime, *, source: str = "dga",
          topics: tuple[str, ...] = ("egov-act",), first_seen: bool = False,
          link: str | None = None) -> Item:
    url = link or f"https://dga.example.org/news/{n}"
    return Item(source=source, url=url, link=url, title=title, summary=f"สรุป <i>{n}</i>",
                published=published, date_is_first_seen=first_seen, identity=url,
                topics=topics, matched_keywords=tuple("k" for _ in topics))


def test_index_html_escapes_scraped_text_and_shows_thai_dates(config: Config) -> None:
    now = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
    with Store(config.database) as store:
        store.save_items([
            _item(1, HOSTILE, datetime(2026, 11, 9, 7, 30, tzinfo=UTC)),
            _item(2, "ข่าวไม่มีวันที่ การปฏิบัติราชการทางอิเล็กทรอนิกส์", now, first_seen=True,
                  link="javascript:alert(1)"),
            _item(3, "ข่าวทั่วไปจากมติชน", now - timedelta(days=1), source="matichon",
                  topics=()),
        ], now, keep_all=False)
        store.save_items([_item(3, "ข่าวทั่วไปจากมติชน", now - timedelta(days=1),
                                source="matichon", topics=())], now, keep_all=True)
        store.save_health(Health("dga", "broken", now, now, "<b>no items</b>", 0, 0, 5))
        publish_all(config, store, now=now)
    html = (config.output_dir / "index.html").read_text("utf-8")
    page = LexborHTMLParser(html)
    assert not page.css("main script") and not page.css("img"), "scraped markup must stay text"
    assert len(page.css("script")) == 1, "only the page's own script"
    assert "<b>no items</b>" not in html and "&lt;b&gt;no items&lt;/b&gt;" in html
    links = [a.attributes.get("href") for a in page.css("a")]
    assert "javascript:alert(1)" not in links
    text = page.body.text() if page.body else ""
    assert HOSTILE in text
    assert "9 พฤศจิกายน 2569" in text, "Buddhist-era date in Asia/Bangkok"
    assert "พบครั้งแรก" in text, "a first-seen date says so"
    assert "ข่าวทั่วไปจากมติชน" in text, "keep_all items are shown without a topic"
    assert "ไม่พบรายการ (หน้าเว็บอาจเปลี่ยนรูปแบบ)" in text, "the state in Thai"
    assert not any(h and h.startswith(("http://", "https://")) and "example.org" not in h
                   for h in links), "no external requests or links beyond the items"
    assert 'name="viewport"' in html


def test_week_labels_and_bounds() -> None:
    assert parse_week("2026-W47") == Week(2026, 47)
    with pytest.raises(ConfigError):
        parse_week("2026-W54")
    with pytest.raises(ConfigError):
        parse_week("last week")
    # Monday 2026-11-23 08:00 in Bangkok: the last complete week is W47 (16-22 Nov).
    now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert last_complete_week(now, BANGKOK) == Week(2026, 47)
    start, end = Week(2026, 47).bounds(BANGKOK)
    assert start == datetime(2026, 11, 16, tzinfo=BANGKOK)
    assert end - start == timedelta(days=7)
    # Sunday 23:30 in Bangkok still belongs to the week that ends that day.
    assert last_complete_week(datetime(2026, 11, 29, 16, 30, tzinfo=UTC), BANGKOK) == Week(
        2026, 47)


def test_digest_holds_the_weeks_entries_in_thai(config: Config) -> None:
    now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    inside = datetime(2026, 11, 16, 0, 30, tzinfo=BANGKOK)    # Monday just after midnight
    outside = datetime(2026, 11, 15, 23, 30, tzinfo=BANGKOK)  # the Sunday before
    with Store(config.database) as store:
        store.save_items([
            _item(1, "ในสัปดาห์ " + HOSTILE, inside),
            _item(2, "นอกสัปดาห์ การปฏิบัติราชการทางอิเล็กทรอนิกส์", outside),
        ], now)
        store.save_items([_item(3, "ในสัปดาห์ " + HOSTILE.replace("<script>", ""), inside,
                                source="matichon", link="https://matichon.example.org/1")],
                         now)
        digest = build_digest(config, store, Week(2026, 47), now)
    html_path, text_path = write_digest(config, digest)
    assert html_path.name == "2026-W47.html" and text_path.name == "2026-W47.txt"
    text = text_path.read_text("utf-8")
    assert "ในสัปดาห์" in text and "นอกสัปดาห์" not in text
    assert "16 พฤศจิกายน 2569" in digest.subject and "22 พฤศจิกายน 2569" in digest.subject
    assert "มติชน" in text and "https://matichon.example.org/1" in text, "also reported by"
    page = LexborHTMLParser(html_path.read_text("utf-8"))
    assert not page.css("script") and not page.css("img")
    assert digest.entries == 1


def test_index_html_flags_a_source_read_without_tls_checks(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(f"""{TOPICS}sources:
  - name: checked
    url: "https://a.example/"
    type: auto
  - name: unchecked
    title: "Self-signed agency"
    url: "https://b.example/"
    type: auto
    tls: {{verify: false}}
""", "utf-8")
    config = load_config(path)
    with Store(config.database) as store:
        publish_all(config, store, now=datetime(2026, 11, 20, tzinfo=UTC))
    page = LexborHTMLParser((config.output_dir / "index.html").read_text("utf-8"))
    warnings = page.css("#health li .tls-insecure")
    assert len(warnings) == 1
    flagged = warnings[0].parent
    assert flagged is not None and "Self-signed agency" in flagged.text()
    assert "verify: false" in warnings[0].text()
