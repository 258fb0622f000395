"""The digest's content: a golden text digest with its highlights, Thai-only labels.

Regenerate the golden file after an intended change with
`MONITOR_UPDATE_GOLDEN=1 .venv/bin/pytest -q tests/test_digest_content.py`
and read the diff before committing it.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from monitor.config.loader import load_config
from monitor.config.settings import Config
from monitor.health import Health
from monitor.models import Item
from monitor.publish.digest import Digest, Week, build_digest, write_digest
from monitor.publish.feeds import outlet_name
from monitor.store import Store
from monitor.text.words import words
from tests.crawl_helpers import TOPICS

GOLDEN = Path(__file__).parent / "golden" / "digest_2026-W47.txt"
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
LONG_SUMMARY = ("สำนักงานพัฒนารัฐบาลดิจิทัลเปิดให้ประชาชนยื่นคำขอใบอนุญาตผ่านแอปทางรัฐได้ครบทุกจังหวัด "
                "โดยไม่ต้องเดินทางไปที่สำนักงาน และสามารถติดตามสถานะคำขอได้ตลอดเวลาผ่านระบบอิเล็กทรอนิกส์"
                "ของหน่วยงานที่เกี่ยวข้องทั้งหมดทั่วประเทศตั้งแต่วันนี้เป็นต้นไป")


def _item(source: str, n: int, title: str, day: int, *, summary: str = "",
          topics: tuple[str, ...] = ("egov-act",)) -> Item:
    url = f"https://{source}.example.org/{n}"
    return Item(source=source, url=url, link=url, identity=url, title=title, summary=summary,
                published=datetime(2026, 11, day, 3, 0, tzinfo=UTC), date_is_first_seen=False,
                topics=topics, matched_keywords=tuple("k" for _ in topics))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "sources.yaml"
    path.write_text(f"""
feed:
  link: "https://monitor.example.org/"
{TOPICS}sources:
  - name: royal-gazette
    title: "ราชกิจจานุเบกษา"
    url: "https://gazette.example.org/"
    type: feed
    kind: regulation
  - name: dga
    title: "สพร."
    url: "https://dga.example.org/feed"
    type: feed
  - name: bangkok-post
    title: "Bangkok Post"
    url: "https://bangkokpost.example.org/feed"
    type: feed
  - name: matichon
    title: "มติชน"
    url: "https://matichon.example.org/feed"
    type: feed
""", "utf-8")
    return load_config(path)


def _digest(config: Config) -> Digest:
    story = "ครม. เห็นชอบร่างกฎกระทรวงตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์"
    with Store(config.database) as store:
        store.save_items([
            _item("royal-gazette", 1, "พระราชกฤษฎีกากำหนดหน่วยงานตามพระราชบัญญัติการปฏิบัติ"
                  "ราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565 (ฉบับที่ 2)", 17),
            _item("dga", 2, "DGA ขยายบริการบนแอปทางรัฐ", 18, summary=LONG_SUMMARY,
                  topics=("digital-government",)),
            _item("bangkok-post", 3, "Cabinet backs Electronic Government Operations Act rules",
                  19, summary="The cabinet approved two ministerial regulations."),
            _item("matichon", 4, story, 20, summary="ที่ประชุมคณะรัฐมนตรีมีมติเห็นชอบ"),
        ], NOW)
        store.save_items([_item("dga", 5, story, 20)], NOW)
        store.save_health(Health("bangkok-post", "failing", NOW, None,
                                 "HTTP 402 from https://bangkokpost.example.org/feed", 3))
        store.save_health(Health("dga", "ok", NOW, NOW, None, 0, 5, 5))
        return build_digest(config, store, Week(2026, 47), NOW)


def test_text_digest_matches_the_golden_file(config: Config) -> None:
    text = _digest(config).text
    if os.environ.get("MONITOR_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, "utf-8")
    assert text == GOLDEN.read_text("utf-8")


def test_highlights_come_first_and_summaries_end_on_a_word(config: Config) -> None:
    text = _digest(config).text
    this_week = text.index("== สัปดาห์นี้ ==")
    gazette = text.index("พระราชกฤษฎีกากำหนดหน่วยงาน")
    first_topic = text.index("== พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ (")
    assert this_week < gazette < text.index("จำนวนตามหัวข้อ") < first_topic
    assert "Bangkok Post" in text[this_week:first_topic], "the failing source is named"
    assert "1 จาก 4 แหล่ง" in text
    assert "- รัฐบาลดิจิทัล: 1 รายการ" in text
    cut = next(line.strip() for line in text.splitlines() if line.strip().startswith(
        LONG_SUMMARY[:20]))
    assert cut.endswith("…") and len(cut) <= 200
    prefix, tokens = cut[:-1], words(LONG_SUMMARY)
    ends = {len("".join(tokens[:i])) for i in range(len(tokens) + 1)}
    assert len(prefix) in ends, "cut at a word end of the segmenter"
    assert "สพร.: https://dga.example.org/5" in text and "มติชน: https://matichon.example.org/4" \
        in text, "every outlet of a story, with its link"
    assert "2569" in text and "2026" not in text, "Buddhist-era dates only"


def _names(config: Config, digest_entries: list[tuple[str, str]]) -> list[str]:
    """What may be in any language: text quoted from sources or from the configuration."""
    titles = {s.name: s.display_title for s in config.sources}
    names = [s.display_title for s in config.sources]
    names += [t.title for t in config.topics]
    names += [config.feed.title, config.feed.description]
    names += [text for pair in digest_entries for text in pair]
    with Store(config.database) as store:
        for entry in store.entries(limit=100):
            names += [outlet_name(r, titles) for r in entry.reports]
    return sorted({n for n in names if n}, key=len, reverse=True)


def test_a_thai_digest_has_no_english_but_names(config: Config) -> None:
    """Names are: source titles, outlet names, item titles and summaries (whole or cut),
    topic titles, the feed's title and description, and URLs. Everything else, every
    label the program writes, must be Thai."""
    digest = _digest(config)
    with Store(config.database) as store:
        quoted = [(e.title, e.summary) for e in store.entries(limit=100)]
    names = _names(config, quoted)
    page = LexborHTMLParser(digest.html)
    html_text = page.body.text() if page.body else ""
    for label, text in (("text", digest.text), ("html", html_text), ("subject", digest.subject)):
        rest = re.sub(r"https?://\S+", " ", text)
        for name in names:
            rest = rest.replace(name, " ")
        # A summary cut short is quoted too: drop any run that starts one.
        for _, summary in quoted:
            if summary:
                rest = re.sub(re.escape(summary[:15]) + r"\S*…", " ", rest)
        english = re.findall(r"[A-Za-z]+", rest)
        assert english == [], f"{label}: {english}"


def test_archive_lists_every_written_digest(config: Config) -> None:
    digest = _digest(config)
    write_digest(config, digest)
    with Store(config.database) as store:
        write_digest(config, build_digest(config, store, Week(2026, 46), NOW))
        write_digest(config, build_digest(config, store, Week(2025, 52), NOW))
    archive = config.output_dir / "digests" / "index.html"
    page = LexborHTMLParser(archive.read_text("utf-8"))
    weeks = [li.attributes.get("data-week") for li in page.css("li.week")]
    assert weeks == ["2026-W47", "2026-W46", "2025-W52"], "newest first, one line each"
    first = page.css_first("li.week")
    assert first is not None and "4 รายการ" in first.text()
    assert [a.attributes.get("href") for a in first.css("a")] == ["2026-W47.html",
                                                                 "2026-W47.txt"]
    for link in page.css("li.week a"):
        assert (archive.parent / (link.attributes.get("href") or "")).exists()


def test_labels_follow_the_feed_language(config: Config, tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(path.read_text("utf-8").replace(
        'feed:\n', 'feed:\n  language: en\n', 1), "utf-8")
    english = load_config(path)
    assert english.feed.language == "en"
    text = _digest(english).text
    assert "== This week ==" in text and "Items per topic" in text
    assert "สัปดาห์นี้" not in text and "รายงานโดย" not in text


def test_a_source_silent_all_week_is_named(config: Config) -> None:
    """ok now, but its last success was before the week: the digest may miss its items."""
    with Store(config.database) as store:
        store.save_health(Health("matichon", "ok", NOW, datetime(2026, 11, 10, tzinfo=UTC),
                                 None, 0, 5, 5))
    text = _digest(config).text
    line = next(x for x in text.splitlines() if "ดึงข้อมูลไม่สำเร็จ" in x)
    assert "2 จาก 4 แหล่ง" in line and "มติชน" in line and "Bangkok Post" in line
    assert "สพร." not in line, "a source that worked this week is not named"
