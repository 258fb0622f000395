"""The normalise stage: what it strips from titles and summaries before anything is shown."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.models import Item, RawItem
from monitor.normalise import TITLE_LIMIT, normalise

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Bangkok")


def run(title: str, summary: str = "") -> Item:
    item = normalise(RawItem(title=title, link="https://www.example.go.th/n/1", summary=summary),
                     source="s", tz=TZ, now=NOW)
    assert isinstance(item, Item)
    return item


def test_bidi_overrides_and_isolates_are_removed() -> None:
    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    item = run(f"ประกาศ\u202eexe.fdp{controls} สำนักงาน", summary=f"\u2067สรุป\u2069ข่าว{controls}")
    assert item.title == "ประกาศexe.fdp สำนักงาน"
    assert item.summary == "สรุปข่าว"
    assert not any(c in item.title + item.summary for c in controls)


def test_thai_and_ordinary_marks_are_kept() -> None:
    # Left-to-right/right-to-left *marks* (U+200E/F) are not overrides; Thai combining
    # vowels and tone marks must survive untouched.
    assert run("กฎกระทรวง ฉบับที่ ๒ (พ.ศ. ๒๕๖๖)").title == "กฎกระทรวง ฉบับที่ ๒ (พ.ศ. ๒๕๖๖)"


def test_a_huge_title_is_cut_to_a_sane_length() -> None:
    item = run("ข่าว" * 250_000)                     # one megabyte-scale heading
    assert len(item.title) <= TITLE_LIMIT
    assert item.title.endswith("…")
    assert len(run("ข่าวสั้น").title) == len("ข่าวสั้น")


@pytest.mark.parametrize(("link", "written", "day"), [
    ("https://www.dga.or.th/2026/11/19/digital-id/", "2026/11/19", datetime(2026, 11, 19)),
    ("https://www.moi.go.th/news/2569/11/18/1234", "2569/11/18", datetime(2026, 11, 18)),
    ("https://a.go.th/2026/9/3/x.html", "2026/9/3", datetime(2026, 9, 3)),
    # Not a whole date, not a date at all, or one no page could have: first seen.
    ("https://a.go.th/wp-content/uploads/2026/05/notice.pdf", None, None),
    ("https://a.go.th/news/20261119", None, None),
    ("https://a.go.th/2026/13/07/x", None, None),
    ("https://a.go.th/2027/01/07/x", None, None),           # in the future
    ("https://a.go.th/2026/11/190/x", None, None),
])
def test_a_date_in_the_links_path_dates_an_item_the_page_left_undated(
        link: str, written: str | None, day: datetime | None) -> None:
    item = normalise(RawItem(title="ประกาศ", link=link), source="s", tz=TZ, now=NOW)
    assert isinstance(item, Item)
    assert item.date_text == written
    if day is None:
        assert item.date_is_first_seen and item.published == NOW
    else:
        assert not item.date_is_first_seen
        assert item.published == day.replace(tzinfo=TZ)


def test_a_date_the_page_gives_wins_over_the_links() -> None:
    item = normalise(RawItem(title="ประกาศ", link="https://a.go.th/2026/11/01/x",
                             date_text="19 พ.ย. 2569"), source="s", tz=TZ, now=NOW)
    assert isinstance(item, Item)
    assert item.published == datetime(2026, 11, 19, tzinfo=TZ) and item.date_text == "19 พ.ย. 2569"


def test_a_huge_date_cell_is_read_and_kept_only_at_its_start() -> None:
    # A date selector that lands on a megabyte of text: the date reader walks only
    # its start (it walked all of it), and only that start is stored and shown.
    cell = "ประกาศ 12 ม.ค. 2568 " * 50_000
    item = normalise(RawItem(title="ข่าว", link="https://www.example.go.th/n/1", date_text=cell),
                     source="s", tz=TZ, now=NOW)
    assert isinstance(item, Item)
    assert item.published == datetime(2025, 1, 12, tzinfo=TZ)
    assert item.date_text is not None and len(item.date_text) <= 300
    assert item.date_text.endswith("2568")      # cut at a space, no date read half
    # A date beyond the start is not looked for: real cells are a line long.
    late = normalise(RawItem(title="ข่าว", link="https://www.example.go.th/n/2",
                             date_text="ก" * 400 + " 12 ม.ค. 2568"), source="s", tz=TZ, now=NOW)
    assert isinstance(late, Item) and late.date_is_first_seen
