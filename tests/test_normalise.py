"""The normalise stage: what it strips from titles and summaries before anything is shown."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

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
