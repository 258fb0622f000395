"""Links to a whole listing (monitor.extract.viewall): what `auto` leaves out of a
listing's items and `discover` names sections by."""

from __future__ import annotations

import pytest

from monitor.extract.viewall import view_all_name


@pytest.mark.parametrize(("text", "title", "name"), [
    ("ดูทั้งหมด", "", ""),
    ("[ดูทั้งหมด]", "", ""),
    ("ข่าวประชาสัมพันธ์ทั้งหมด >>", "", "ข่าวประชาสัมพันธ์"),
    ('อ่านข่าว "เตือนภัย" ทั้งหมด', "", "เตือนภัย"),
    ("ชมประมวลภาพกิจกรรมทั้งหมด", "", "ประมวลภาพกิจกรรม"),
    ("View all", "", ""),
    ("View All News »", "", "News"),
    ("More news", "", "news"),
    (".. Click to See More Picture News", "", "Picture News"),
    ("", "ดูทั้งหมด", ""),                          # an icon, titled
    ("ภาพกิจกรรม", "View all posts from category ภาพกิจกรรม", "ภาพกิจกรรม"),
    # back issues, a newspaper's section pane's footer: the title names the section
    ("บทความย้อนหลัง..", "", "บทความ"),
    ("ย้อนหลัง »", "เศรษฐกิจ / การเมือง ย้อนหลัง", "เศรษฐกิจ / การเมือง"),
    ("ดูทั้งหมด", "ดูข่าวประชาสัมพันธ์ทั้งหมด", "ข่าวประชาสัมพันธ์"),
    ("ดูทั้งหมด", "ดูทั้งหมด", ""),
])
def test_a_view_all_link_and_the_name_it_gives(text: str, title: str, name: str) -> None:
    assert view_all_name(text, title) == name


@pytest.mark.parametrize(("text", "title"), [
    ("more", ""), ("View more", ""), ("More details", ""), ("อ่านต่อ", ""),
    ("ผู้ว่าฯ สั่งปิดโรงเรียนในจังหวัดทั้งหมด", ""),   # a headline ending in "ทั้งหมด"
    ("ครม.อนุมัติจ่ายเงินเดือนข้าราชการย้อนหลัง", ""),  # ... or in "ย้อนหลัง"
    ("ข่าวประชาสัมพันธ์", "ดูทั้งหมด"),               # its words say otherwise
    ("ดูทั้งหมด" * 20, ""),                            # too long for a label
])
def test_other_links_are_no_view_all_links(text: str, title: str) -> None:
    assert view_all_name(text, title) is None
