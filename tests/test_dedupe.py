"""One story, one entry: republished press releases are one story, different news is not."""

from __future__ import annotations

import pytest

from monitor.dedupe import StoryCandidate, find_story, same_story, story_key

SAME_STORY = [
    ("ครม.อนุมัติร่างพระราชกฤษฎีกาตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์",
     "ครม. อนุมัติร่างพระราชกฤษฎีกา ตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์"),
    ("สพร. เปิดตัวแอปทางรัฐเวอร์ชันใหม่ รองรับบริการกว่า 200 รายการ",
     "สพร.เปิดตัวแอป \"ทางรัฐ\" เวอร์ชันใหม่ รองรับบริการกว่า 200 รายการ!"),
    ("DGA launches new Tang Rat app version with 200 services",
     "DGA Launches New Tang Rat App Version With 200 Services"),
    ("ด่วน! สพร. เปิดตัวแอปทางรัฐเวอร์ชันใหม่ รองรับบริการภาครัฐกว่า 200 รายการทั่วประเทศ",
     "สพร. เปิดตัวแอปทางรัฐเวอร์ชันใหม่ รองรับบริการภาครัฐกว่า 200 รายการทั่วประเทศ"),
]

DIFFERENT_STORIES = [
    # Headlines about the act share its long name; what differs is the news.
    ("ครม. อนุมัติร่าง พ.ร.ฎ. ตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์",
     "ก.พ.ร. ชี้แจง พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์"),
    ("SAFE การปฏิบัติราชการทางอิเล็กทรอนิกส์", "TRUNCATED การปฏิบัติราชการทางอิเล็กทรอนิกส์"),
    ("สพร. เปิดตัวแอปทางรัฐเวอร์ชันใหม่", "ก.พ.ร. ประชุมคณะอนุกรรมการพัฒนาระบบราชการ"),
    ("ครม.อนุมัติร่างพระราชกฤษฎีกาฉบับที่ 1", "ศาลปกครองพิพากษาคดีที่ดินจังหวัดเชียงใหม่"),
    ("Cabinet approves e-government decree", "Cabinet approves rice subsidy scheme for farmers"),
]


@pytest.mark.parametrize(("a", "b"), SAME_STORY)
def test_republished_titles_are_one_story(a: str, b: str) -> None:
    assert same_story(story_key(a), story_key(b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT_STORIES)
def test_different_titles_are_different_stories(a: str, b: str) -> None:
    assert not same_story(story_key(a), story_key(b))


def test_a_source_repeating_itself_is_not_another_outlet() -> None:
    key = story_key(SAME_STORY[0][0])
    candidates = [StoryCandidate(7, story_key(SAME_STORY[0][1]), "matichon")]
    assert find_story(key, "matichon", candidates) is None
    assert find_story(key, "khaosod", candidates) == 7


def test_empty_titles_never_match() -> None:
    assert not same_story("", "")
