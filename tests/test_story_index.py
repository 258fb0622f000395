"""Story dedupe in the store: the candidate index on real SQLite files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

import feedparser
import pytest

from monitor.dedupe import CANDIDATES, StoryKey, StorySignature
from monitor.models import Item
from monitor.schema import MIGRATIONS
from monitor.store import Store
from tests.crawl_helpers import crawl, listing_source, write_config
from tests.httpserver import FixtureServer

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
TITLE = "ครม.อนุมัติร่างพระราชกฤษฎีกาวิธีการทางอิเล็กทรอนิกส์ ตามที่ ก.พ.ร. เสนอ"
REWRITE = "ด่วน! คณะรัฐมนตรีอนุมัติร่าง พ.ร.ฎ. วิธีการทางอิเล็กทรอนิกส์ ตามที่ ก.พ.ร. เสนอ - Thai PBS"
LEDE = ("คณะรัฐมนตรีมีมติอนุมัติร่างพระราชกฤษฎีกากำหนดหลักเกณฑ์และวิธีการทางอิเล็กทรอนิกส์ "
        "ตามที่สำนักงานคณะกรรมการพัฒนาระบบราชการเสนอ")
OTHER = "กรมการปกครองเปิดให้ทำบัตรประชาชนนอกเวลาราชการทุกเขตในกรุงเทพมหานคร"


def item(n: int, title: str, *, source: str = "dga", outlet: str | None = None,
         summary: str = "", relevant: bool = True, published: datetime = NOW) -> Item:
    url = f"https://example.org/{source}/{n}"
    topics = ("egov",) if relevant else ()
    return Item(source=source, url=url, link=url, title=title, summary=summary,
                published=published, date_is_first_seen=False, identity=url, outlet=outlet,
                topics=topics, matched_keywords=tuple("kw" for _ in topics))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "monitor.sqlite3"


def test_a_rewrite_by_another_outlet_joins_the_first_story(path: Path) -> None:
    with Store(path) as store:
        store.save_items([item(1, TITLE, source="matichon", summary=LEDE)], NOW)
        (before,) = store.entries(limit=5)
        store.save_items([item(2, REWRITE, source="thaipbs", summary=LEDE),
                          item(3, OTHER, source="thaipbs")], NOW + timedelta(hours=2))
        entries = store.entries(limit=5)
    story = next(e for e in entries if e.guid == before.guid)
    assert len(entries) == 2
    assert story.title == TITLE, "the story keeps its first item"
    assert [(r.source, r.link) for r in story.reports] == [
        ("matichon", "https://example.org/matichon/1"), ("thaipbs", "https://example.org/thaipbs/2")]
    updated = sqlite3.connect(path).execute(
        "SELECT updated FROM items WHERE guid = ?", (before.guid,)).fetchone()[0]
    assert updated == (NOW + timedelta(hours=2)).isoformat(timespec="seconds")


def test_each_items_shingles_are_built_once_while_it_is_in_memory(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new item's signature, built to verify its candidates, is kept: the items
    after it meet it as a candidate and do not build it again."""
    built: list[str] = []
    of = StorySignature.of.__func__   # type: ignore[attr-defined]

    def counted(cls: type[StorySignature], key: StoryKey) -> StorySignature:
        built.append(key.title)
        return of(cls, key)   # type: ignore[no-any-return]

    monkeypatch.setattr(StorySignature, "of", classmethod(counted))
    with Store(path) as store:
        for n, (outlet, tail) in enumerate((("matichon", ""), ("thaipbs", " วันนี้"),
                                             ("khaosod", " ล่าสุด"))):
            store.save_items([item(n, TITLE + tail, source=outlet, summary=LEDE)],
                             NOW + timedelta(hours=n))
        assert len({e.guid for e in store.entries(limit=5)}) == 1, "one story"
    # The first item meets no candidate and builds nothing; the second builds its
    # own and the first's; the third only its own.
    assert len(built) == len(set(built)) == 3, built


def test_the_index_survives_a_restart(path: Path) -> None:
    with Store(path) as store:
        store.save_items([item(1, TITLE, source="matichon", summary=LEDE)], NOW)
    with Store(path) as store:
        store.save_items([item(2, REWRITE, source="thaipbs", summary=LEDE)], NOW)
        assert len(store.entries(limit=5)) == 1


def test_google_news_items_from_two_outlets_are_one_story(path: Path) -> None:
    with Store(path) as store:
        store.save_items([item(1, TITLE, source="gnews", outlet="มติชน"),
                          item(2, REWRITE, source="gnews", outlet="Thai PBS")], NOW)
        (entry,) = store.entries(limit=5)
    assert [r.outlet for r in entry.reports] == ["มติชน", "Thai PBS"]


def test_one_outlet_repeating_itself_is_two_items(path: Path) -> None:
    with Store(path) as store:
        store.save_items([item(1, TITLE, source="gnews", outlet="มติชน"),
                          item(2, REWRITE, source="matichon", outlet="มติชน")], NOW)
        assert len(store.entries(limit=5)) == 2


def test_an_outlets_own_look_alikes_do_not_crowd_out_another_outlets_story(
        path: Path) -> None:
    # The ministry posts the headline under many notices of its own (same title,
    # ledes that differ at the end): each shares more index keys with its next
    # notice than the newspaper's report of it does, but none can be that
    # notice's story, being the ministry's own. Only the newspaper's can.
    own = [item(n, TITLE, source="ministry", summary=f"{LEDE} ประกาศฉบับที่ {n} "
                f"{'ก' * n}{'ข' * (20 - n)}") for n in range(1, 2 + CANDIDATES)]
    lede = f"{LEDE} โดยให้มีผลบังคับใช้ตั้งแต่วันถัดจากวันประกาศในราชกิจจานุเบกษาเป็นต้นไป"
    report = item(100, "หนังสือพิมพ์รายงาน: มติที่ประชุมวันนี้เรื่องกฎหมายใหม่", source="paper",
                  summary=lede)
    newest = item(99, TITLE, source="ministry", summary=lede)
    with Store(path) as store:
        store.save_items([report], NOW)
        store.save_items(own, NOW + timedelta(hours=1))
        store.save_items([newest], NOW + timedelta(hours=2))
        stories = dict(store.db.execute("SELECT identity, story FROM items"))
    assert stories[newest.identity] == stories[report.identity]
    assert all(stories[i.identity] != stories[report.identity] for i in own)


def test_stories_older_than_the_window_are_not_joined(path: Path) -> None:
    with Store(path) as store:
        store.save_items([item(1, TITLE, source="matichon", summary=LEDE)], NOW)
        store.save_items([item(2, REWRITE, source="thaipbs", summary=LEDE)],
                         NOW + timedelta(days=8))
        assert len(store.entries(limit=5)) == 2


def test_the_items_dates_decide_how_alike_they_must_be(path: Path) -> None:
    # Two outlets' real reports of one ruling (tests/data/stories_real.tsv): one story
    # when published on one day; three days apart, the same likeness is a follow-up.
    first = ("Thai PM Paetongtarn Shinawatra dismissed from office",
             "Thailand's Constitutional Court dismissed Prime Minister Paetongtarn Shinawatra "
             "from office on Friday for an ethics violation after only a year in power.")
    second = ("Thailand: Court removes PM Paetongtarn Shinawatra DW 08/29/2025",
              "\"Thailand's Constitutional Court said Friday that suspended Prime Minister "
              "Paetongtarn Shinawatra should be removed from office.")
    for n, later in enumerate((timedelta(hours=20), timedelta(days=3))):
        with Store(path.with_name(f"{n}.sqlite3")) as store:
            store.save_items([item(1, first[0], source="reuters", summary=first[1])], NOW)
            store.save_items([item(2, second[0], source="dw", summary=second[1],
                                   published=NOW + later)], NOW + later)
            assert len(store.entries(limit=5)) == (1 if later < timedelta(days=1) else 2)


def test_irrelevant_items_are_not_indexed(path: Path) -> None:
    with Store(path) as store:
        store.save_items([item(1, TITLE, source="matichon", relevant=False)], NOW)
        store.save_items([item(2, REWRITE, source="thaipbs")], NOW)
        assert len(store.entries(limit=5)) == 1
    rows = sqlite3.connect(path).execute(
        "SELECT DISTINCT i.source FROM story_index x JOIN items i ON i.id = x.item").fetchall()
    assert rows == [("thaipbs",)]


def test_a_failed_save_leaves_no_index_rows(path: Path) -> None:
    with Store(path) as store:
        broken = Item(source="x", url="u", link="u", title=TITLE, summary="",
                      published=None, date_is_first_seen=False, identity="u",  # type: ignore[arg-type]
                      topics=("egov",), matched_keywords=("kw",))
        with pytest.raises(AttributeError):
            store.save_items([item(1, OTHER), broken], NOW)
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM story_index").fetchone() == (0,)


def test_a_database_from_before_the_index_is_keyed_and_indexed(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO items (id, identity, guid, story, story_key, url, link, title, summary, "
        "published, source, relevant, first_seen, updated) VALUES "
        "(1, 'a', 'g', 1, 'old', 'a', 'a', ?, ?, ?, 'matichon', 1, ?, ?)",
        (TITLE, LEDE, NOW.isoformat(), NOW.isoformat(), NOW.isoformat()))
    db.commit()
    db.close()
    with Store(path) as store:
        store.save_items([item(2, REWRITE, source="thaipbs", summary=LEDE)], NOW)
        (entry,) = store.entries(limit=5)
    assert entry.guid == "g"


def test_keys_nearly_every_story_holds_are_not_looked_up(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stories that share a long stock phrase (the act's name) stay cheap to search:
    once a key is held by COMMON_KEY items, lookups skip it, so a new item that
    shares only the phrase meets no candidate; a rewrite still finds its story,
    even one stored before the phrase's keys turned common."""
    from monitor.dedupe import COMMON_KEY
    phrase = "พระราชบัญญัติการปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565"
    places = [f"{a}{b} {c}" for a in ("เชียงใหม่", "ขอนแก่น", "ภูเก็ต", "สงขลา", "ระยอง",
                                      "นครราชสีมา", "อุดรธานี", "พิษณุโลก", "ชลบุรี", "ลำปาง")
              for b in ("", " ฝั่งเหนือ", " ฝั่งใต้", " เขตเมือง", " เขตนอก",
                        " ชนบท", " ตัวเมือง")
              for c in ("เปิดรับคำขอออนไลน์", "ประกาศช่องทางติดต่อ", "อบรมเจ้าหน้าที่",
                        "ยกเลิกสำเนาเอกสาร", "ประชุมคณะทำงาน")]
    stored = [item(n, f"{phrase} อบจ.{place}", source=f"outlet{n}")
              for n, place in enumerate(places)]
    assert len(stored) > 4 * COMMON_KEY
    verified: list[str] = []
    signature = Store._signature

    def counted(self: Store, stored_key: str) -> object:
        verified.append(stored_key)
        return signature(self, stored_key)

    with Store(path) as store:
        store.save_items(stored, NOW)
        common = store.db.execute(
            "SELECT COUNT(*) FROM (SELECT band FROM story_index GROUP BY band "
            "HAVING COUNT(*) >= ?)", (COMMON_KEY,)).fetchone()[0]
        # ... and a key once common gains no rows: lookups would skip them anyway.
        largest = store.db.execute(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM story_index GROUP BY band)"
        ).fetchone()[0]
        assert largest == COMMON_KEY
        monkeypatch.setattr(Store, "_signature", counted)
        store.save_items([item(900, f"{phrase} กรมการปกครองแจ้งวันหยุดราชการ",
                               source="late")], NOW)
        # Without the skip, every stored story sharing a few phrase keys is verified.
        assert len(verified) <= 3, "only the stock phrase is shared: next to nothing to verify"
        first = stored[0]
        store.save_items([item(901, "ด่วน! " + first.title, source="rewriter")], NOW)
        joined = store.db.execute(
            "SELECT story FROM items WHERE url = 'https://example.org/rewriter/901'").fetchone()[0]
        first_id = store.db.execute("SELECT id FROM items WHERE url = ?",
                                    (first.url,)).fetchone()[0]
    assert common > 0, "the phrase's keys are counted as common"
    assert joined == first_id


def test_an_index_of_older_sketch_keys_is_rebuilt(path: Path) -> None:
    """A store indexed with another sketch (the shingle length changed) is indexed
    again when opened: its old keys go, and its stories are found by new items."""
    from monitor.dedupe import sketch, story_keyer
    before = next(n for n, script in enumerate(MIGRATIONS, start=1)
                  if "DELETE FROM story_index" in script) - 1
    db = sqlite3.connect(path)
    db.create_function("monitor_words", 1, lambda text: text or "")   # the search index's
    db.executescript("\n".join(MIGRATIONS[:before]) + f"\nPRAGMA user_version = {before};")
    key = story_keyer(())(TITLE, LEDE)
    db.execute(
        "INSERT INTO items (id, identity, guid, story, story_key, url, link, title, summary, "
        "published, source, relevant, first_seen, updated) VALUES "
        "(1, 'a', 'g', 1, ?, 'a', 'a', ?, ?, ?, 'matichon', 1, ?, ?)",
        (key.dumps(), TITLE, LEDE, NOW.isoformat(), NOW.isoformat(), NOW.isoformat()))
    db.executemany("INSERT INTO story_index (band, item) VALUES (?, 1)",
                   [(band,) for band in range(48)])      # keys of an older sketch
    db.commit()
    db.close()
    with Store(path) as store:
        bands = sorted(b for (b,) in store.db.execute("SELECT band FROM story_index"))
        assert bands == sorted(sketch(key))
        store.save_items([item(2, REWRITE, source="thaipbs", summary=LEDE)], NOW)
        (entry,) = store.entries(limit=5)
    assert entry.guid == "g"


# Three outlets' real reports of one event (tests/data/stories_real.tsv, group
# paetongtarn-elected-pm-2024-08-16): the first two are too unlike to merge, the
# third is like each of them.
BRIDGED_GROUP = "paetongtarn-elected-pm-2024-08-16"


def _bridged(outlets: tuple[str, str, str]) -> list[Item]:
    from tests.test_stories import load
    stories = [s for s in load()[0] if s.group == BRIDGED_GROUP]
    first, second, bridge = (next(s for s in stories if s.title.startswith(start))
                             for start in ("‘แพทองธาร‘", "อุ๊งอิ๊งค์ แพทองธาร", "ด่วน!!!"))
    return [item(n, s.title, source=outlet, summary=s.lede)
            for n, (s, outlet) in enumerate(zip((first, second, bridge), outlets, strict=True))]


def _stories(store: Store) -> list[int]:
    return [story for (story,) in store.db.execute("SELECT story FROM items ORDER BY id")]


def test_an_item_like_two_stories_makes_them_one(path: Path) -> None:
    first, second, bridge = _bridged(("thereporters", "amarin", "77kaoded"))
    with Store(path) as store:
        store.save_items([first], NOW)
        store.save_items([second], NOW + timedelta(hours=1))
        assert _stories(store) == [1, 2], "two outlets' wordings too unlike to merge"
        (alerted,) = [e for e in store.entries(limit=5) if e.title == second.title]
        store.mark_alerted("line", [2], NOW)
        store.save_items([bridge], NOW + timedelta(hours=2))
        assert _stories(store) == [1, 1, 1]
        (entry,) = store.entries(limit=5)
        # The event was sent to the target as the second story: not again as the first.
        assert store.unalerted("line", NOW - timedelta(days=1), None, limit=5) == []
        updated = store.db.execute("SELECT updated FROM items WHERE id = 1").fetchone()[0]
    assert entry.title == first.title and entry.guid != alerted.guid
    assert [r.source for r in entry.reports] == ["thereporters", "amarin", "77kaoded"]
    assert updated == (NOW + timedelta(hours=2)).isoformat(timespec="seconds")


def test_stories_of_one_outlet_are_not_made_one(path: Path) -> None:
    """One outlet's own items are never one story (see the test above for two)."""
    first, second, bridge = _bridged(("amarin", "amarin", "77kaoded"))
    with Store(path) as store:
        store.save_items([first], NOW)
        store.save_items([second], NOW + timedelta(hours=1))
        store.save_items([bridge], NOW + timedelta(hours=2))
        assert _stories(store) == [1, 2, 1]


def test_the_feed_shows_two_stories_as_one_once_an_item_bridges_them(
        tmp_path: Path, server: FixtureServer) -> None:
    """Real HTTP, a real crawl, feedparser reading feed.xml: the later entry leaves,
    the first keeps its guid and names every outlet."""
    first, second, bridge = _bridged(("thereporters", "amarin", "77kaoded"))

    def feed(*numbered: tuple[int, Item]) -> bytes:
        body = "".join(f"<item><title>{escape(i.title)}</title><link>{server.url(f'/n/{n}')}"
                       f"</link><description>{escape(i.summary)}</description>"
                       f"<pubDate>Fri, 16 Aug 2024 1{n}:00:00 +0700</pubDate></item>"
                       for n, i in numbered)
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>t</title><link>{server.url('/')}</link><description>d</description>"
                f"{body}</channel></rss>").encode()

    rss_type = "application/rss+xml"
    server.page("/a.xml", feed((1, first)), rss_type)
    server.page("/b.xml", feed((2, second)), rss_type)
    server.page("/c.xml", feed(), rss_type)
    config = write_config(tmp_path, "".join(
        f"  - name: {name}\n    url: {server.url(f'/{path}.xml')}\n    type: feed\n"
        "    keep_all: true\n"
        for name, path in (("thereporters", "a"), ("amarin", "b"), ("77kaoded", "c"))))
    # One at a time, so that the first story is the first outlet's.
    assert crawl(config, "--source", "thereporters") == 0
    assert crawl(config, "--source", "amarin") == 0
    before = {e.title: e.id for e in _entries(config)}
    assert set(before) == {first.title, second.title}
    server.page("/c.xml", feed((3, bridge)), rss_type)
    assert crawl(config) == 0
    (entry,) = _entries(config)
    assert (entry.title, entry.id) == (first.title, before[first.title])
    assert "also reported by" in entry.description
    assert all(server.url(f"/n/{n}") in entry.description for n in (2, 3))


def _entries(config: Path) -> list[feedparser.FeedParserDict]:
    parsed = feedparser.parse((config.parent / "out" / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return list(parsed.entries)


# -- rows of items older than the window go (Store.forget_story_keys) -------------------

RECURRING = "กรมการปกครองแจ้งกำหนดการให้บริการทะเบียนราษฎรผ่านระบบออนไลน์ในวันหยุดราชการ"


def _one_story(store: Store, *urls: str) -> bool:
    marks = ",".join("?" * len(urls))
    return len({story for (story,) in store.db.execute(
        f"SELECT story FROM items WHERE url IN ({marks})", urls)}) == 1


def test_a_headline_repeated_for_months_still_joins_todays_copies(path: Path) -> None:
    """An agency's notice repeated every few days (a holiday service, a monthly
    report) made its keys common once 64 items held them, though all but the last
    few had long left the window: two outlets' copies today then met no candidate
    and were two entries. With the old items' rows gone, they are one."""
    from monitor.dedupe import COMMON_KEY
    outcomes = []
    for forget in (False, True):
        with Store(path.with_name(f"{forget}.sqlite3")) as store:
            for n in range(COMMON_KEY + 6):
                when = NOW - timedelta(days=10 + n)
                store.save_items([item(n, RECURRING, source=f"outlet{n}", published=when)], when)
            if forget:
                assert store.forget_story_keys(NOW) == COMMON_KEY + 6
            store.save_items([item(900, RECURRING, source="today")], NOW)
            store.save_items([item(901, RECURRING, source="also")], NOW + timedelta(hours=1))
            outcomes.append(_one_story(store, "https://example.org/today/900",
                                       "https://example.org/also/901"))
    assert outcomes == [False, True]   # the premise, then the fix


def test_only_rows_of_items_older_than_the_window_go_and_each_item_is_read_once(
        path: Path) -> None:
    old, recent = NOW - timedelta(days=9), NOW - timedelta(days=6)
    with Store(path) as store:
        store.save_items([item(n, f"{TITLE} ครั้งที่ {n}", source=f"o{n}", summary=LEDE)
                          for n in range(5)], old)
        store.save_items([item(9, OTHER, source="late", relevant=False)], old)
        store.save_items([item(n, f"{REWRITE} รอบที่ {n}", source=f"r{n}", summary=LEDE)
                          for n in range(5, 8)], recent)
        rows_of = dict(store.db.execute(
            "SELECT i.source, COUNT(*) FROM story_index x JOIN items i ON i.id = x.item "
            "GROUP BY i.source").fetchall())
        assert store.forget_story_keys(NOW, limit=3) == 3         # a backlog in steps
        assert store.forget_story_keys(NOW) == 2
        assert store.forget_story_keys(NOW) == 0                  # read once: done
        left = dict(store.db.execute(
            "SELECT i.source, COUNT(*) FROM story_index x JOIN items i ON i.id = x.item "
            "GROUP BY i.source").fetchall())
        assert left == {f"r{n}": rows_of[f"r{n}"] for n in range(5, 8)}
        # A day past the window's edge: the recent ones go too.
        assert store.forget_story_keys(NOW + timedelta(days=3)) == 3
        assert store.db.execute("SELECT COUNT(*) FROM story_index").fetchone()[0] == 0
        assert store.entries(limit=10), "the items themselves stay"


def test_a_crawl_forgets_the_index_rows_of_items_past_the_window(
        tmp_path: Path, server: FixtureServer) -> None:
    server.page("/news", "<html><body>" + "".join(
        f'<div class="row"><h3><a href="/n/{n}">{escape(title)}</a></h3>'
        f'<span class="d">9 พ.ย. 2569</span></div>'
        for n, title in enumerate(["สพร. เปิดบริการทางรัฐ สำหรับประชาชนทั่วประเทศ",
                                   "ทางรัฐ เพิ่มบริการออนไลน์ ของกรมการปกครอง"]))
        + "</body></html>", "text/html; charset=utf-8")
    config = write_config(tmp_path, listing_source("agency", server.url("/news")))
    assert crawl(config) == 0
    database = tmp_path / "data" / "monitor.sqlite3"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM story_index").fetchone()[0] > 0
        db.execute("UPDATE items SET first_seen = '2020-01-01T00:00:00+00:00'")
    assert crawl(config) == 0
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM story_index").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM items WHERE relevant = 1").fetchone() == (2,)
