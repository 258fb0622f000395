"""`monitor discover` on a home page of several sections names each section's own
listing (its "ดูทั้งหมด" link), so that the user can follow the one they want."""

from __future__ import annotations

import json
import time

import pytest

from monitor.cli import main
from monitor.discoversections import MOST_SECTIONS, page_sections
from monitor.extract.bounds import parse_html
from tests.crawl_helpers import write_config
from tests.test_discover import THAI_DATES, TITLES, _rss

NEWS = "".join(f'<li><a href="/news/{n}">{t}</a> <span class="date">{THAI_DATES[n]}</span>'
               f' <a href="/news/{n}">อ่านต่อ</a></li>' for n, t in enumerate(TITLES))
TENDERS = "".join(
    f'<li><h3><a href="/tender/{n}">ประกาศประกวดราคาจ้างก่อสร้างถนนคอนกรีตเสริมเหล็กหมู่ที่ {n}'
    f"</a></h3></li>" for n in range(3))
HOME = f"""<html><head><meta charset="utf-8"><title>องค์การบริหารส่วนตำบลทดสอบ</title></head>
<body><nav><a href="/">หน้าแรก</a> <a href="/about">เกี่ยวกับเรา</a></nav>
<div class="box"><div class="box-title"><h2>ข่าวประชาสัมพันธ์</h2>
  <a href="/news/list/1">ดูทั้งหมด</a></div><ul class="news">{NEWS}</ul></div>
<section><h2>ประกาศจัดซื้อจัดจ้าง</h2><ul>{TENDERS}</ul>
  <p class="more"><a href="/procurement">ดูทั้งหมด &raquo;</a></p></section>
<aside><a href="/category/activities/" title="View all posts from category ภาพกิจกรรม">
  <h3 class="widget-title">ภาพกิจกรรม</h3></a></aside>
<div class="jobs"><a href="/jobs">ข่าวรับสมัครงานทั้งหมด</a></div>
<div><h4>Partner news</h4><a href="https://www.example.go.th/all">View all</a></div>
<div><h4>หน้าแรก</h4><a href="/#top">ดูทั้งหมด</a></div>
<p><a href="/news/list/1">ดูข่าวทั้งหมด</a></p>
</body></html>"""
SECTIONS = [("ข่าวประชาสัมพันธ์", "/news/list/1"), ("ประกาศจัดซื้อจัดจ้าง", "/procurement"),
            ("ภาพกิจกรรม", "/category/activities/"), ("ข่าวรับสมัครงาน", "/jobs")]


def test_a_home_page_names_its_sections_listings(sites: object, tmp_path: object,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/", HOME)
    config = write_config(tmp_path, "")  # type: ignore[arg-type]
    capsys.readouterr()
    assert main(["discover", server.url("/"), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    hint = out.index("the page shows sections that each have a listing of their own; "
                     "a source reads one page, so to follow a section, run discover on "
                     "its listing:")
    assert out[hint:].splitlines()[1:5] == [f"  {name}: {path}" for name, path in SECTIONS]
    assert "example.go.th" not in out[hint:], "another site's listing is no section"
    assert main(["discover", server.url("/"), "--config", str(config), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["sections"] == [{"name": name, "url": server.url(path)}
                                  for name, path in SECTIONS]


def test_no_hint_when_a_feed_reads_the_site(sites: object, tmp_path: object,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/", HOME)
    server.page("/feed/", _rss(), "application/rss+xml; charset=utf-8")
    config = write_config(tmp_path, "")  # type: ignore[arg-type]
    capsys.readouterr()
    assert main(["discover", server.url("/"), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "type: feed" in out
    assert "sections" not in out


@pytest.mark.parametrize(("markup", "name"), [
    # the heading is a box of its own, before the list and the link's paragraph
    ('<div class="hd"><span class="title">ข่าวกิจกรรม</span></div><ul><li>'
     '<a href="/n/1">ข่าวที่หนึ่งของหน่วยงานซึ่งยาวพอที่จะไม่ใช่หัวข้อของกล่องนี้เลยแม้แต่น้อย</a>'
     '</li></ul><div><a href="/list">ดูทั้งหมด</a></div>', "ข่าวกิจกรรม"),
    # the link inside the heading
    ('<h2>ประกาศ <a href="/list">[ดูทั้งหมด]</a></h2>', "ประกาศ"),
    # English, with its own noun and no heading
    ('<p><a href="/list">More news »</a></p>', "news"),
])
def test_each_sections_name(markup: str, name: str) -> None:
    tree = parse_html(f"<html><body><main>{markup}</main></body></html>")
    assert page_sections(tree, "https://www.abt.go.th/") == [
        (name, "https://www.abt.go.th/list")]


@pytest.mark.parametrize("text", [
    "อ่านต่อ", "more", "View more", "More details",
    "ผู้ว่าฯ สั่งปิดโรงเรียนในจังหวัดทั้งหมด",   # a headline that ends in "ทั้งหมด"
])
def test_links_to_one_item_are_no_sections(text: str) -> None:
    tree = parse_html(f'<html><body><h2>ข่าว</h2><a href="/n/1">{text}</a></body></html>')
    assert page_sections(tree, "https://www.abt.go.th/") == []


def test_a_view_all_link_under_no_heading_or_to_a_file_is_no_section() -> None:
    """An album's "ดูทั้งหมด" (all its photos) in a gallery of albums; a notice's "all
    details" as a PDF."""
    tree = parse_html("<html><body><table><tr><td><img src='a.jpg'> กิจกรรมวันเด็ก</td>"
                      "<td><a href='/gallery/5/'>ดูทั้งหมด</a></td></tr></table>"
                      "<h2>ประกาศ</h2><p><a href='/files/notice.pdf'>รายละเอียดทั้งหมด</a>"
                      "</p></body></html>")
    assert page_sections(tree, "https://www.abt.go.th/") == []


def test_a_page_of_countless_view_all_links_costs_little() -> None:
    links = "".join(f'<div><h3>หมวด {n}</h3><a href="/c/{n}">ดูทั้งหมด</a></div>'
                    for n in range(200_000))
    tree = parse_html(f"<html><body>{links}</body></html>")
    started = time.perf_counter()
    found = page_sections(tree, "https://www.abt.go.th/")
    assert time.perf_counter() - started < 2
    assert found[:2] == [("หมวด 0", "https://www.abt.go.th/c/0"),
                         ("หมวด 1", "https://www.abt.go.th/c/1")]
    assert len(found) == MOST_SECTIONS
