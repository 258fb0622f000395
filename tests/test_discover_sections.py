"""`monitor discover` on a home page of several sections names each section's own
listing (its "ดูทั้งหมด" link), so that the user can follow the one they want."""

from __future__ import annotations

import json
import re
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


def test_discovering_many_sites_counts_each_ones_sections(
        sites: object, tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    home, feed = sites(), sites()  # type: ignore[operator]
    home.page("/", HOME)
    feed.page("/", HOME)
    feed.page("/feed/", _rss(), "application/rss+xml; charset=utf-8")
    config = write_config(tmp_path, "")  # type: ignore[arg-type]
    capsys.readouterr()
    assert main(["discover", home.url("/"), feed.url("/"), "--config", str(config)]) == 0
    # side by side, either may be named first: the names are left out
    lines = sorted(re.sub(r" -> 127-0-0-1(-2)?", "", line)
                   for line in capsys.readouterr().err.splitlines() if line.startswith("found"))
    assert lines == sorted([
        f"found {home.url('/')}: auto, 3 items, 100% dated; the page shows 4 sections with "
        "listings of their own (--json, or discover on the page alone, names them)",
        f"found {feed.url('/')}: feed, 3 items, 100% dated"])


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
    # a name in quotation marks; a verb of watching
    ('<p><a href="/list"><span>อ่านข่าว "เตือนภัย สินค้าเกษตร" ทั้งหมด</span></a></p>',
     "เตือนภัย สินค้าเกษตร"),
    ('<p><a href="/list">ชมประมวลภาพกิจกรรมทั้งหมด</a></p>', "ประมวลภาพกิจกรรม"),
    # the section's heading opens its box; the lead item's headline, in a box whose
    # class says "title", and the list's headlines link to items; the button comes
    # last, after more siblings than are looked at counting the blanks between them
    ("""<div class="section">
       <h3 class="section_title">เศรษฐกิจ</h3>
       <div class="thumb"><a href="/n/9"><img src="9.jpg" alt=""></a></div>
       <div class="meta"><span>18 มีนาคม 2561</span> <span>607</span></div>
       <div class="post_text title-first"><h2><a href="/n/9">ข่าวนำของหมวด</a></h2></div>
       <ul><li><a href="/n/8"><h3>ข่าวที่สองของหมวดนี้</h3></a></li></ul>
       <a href="/list" class="button">ดูทั้งหมด</a>
     </div>""", "เศรษฐกิจ"),
    # the heading at the top of a box that also holds the list, the button after it
    ('<section><div class="container"><div class="title-box"><h3>ความเคลื่อนไหว</h3></div>'
     '<div class="grid"><a href="/n/1"><h4>ข่าวหนึ่ง</h4></a></div></div>'
     '<div class="button-control"><a href="/list">ทั้งหมด</a></div></section>',
     "ความเคลื่อนไหว"),
    # an icon link titled "ดูทั้งหมด" beside a heading a template indented at length,
    # after the same link in a copy of the panel (for phones) without the heading
    ('<div class="mobile"><a title="ดูทั้งหมด" href="/list"><i class="fa"></i></a></div>'
     '<div class="panel-heading clearfix">' + " " * 200 + '<span class="headtitle-2 col-9">\n'
     + " " * 300 + "ศาสตร์พระราชาสู่การพัฒนา อย่างยั่งยืน\n" + " " * 300 + '</span>'
     '<span class="col-3"><a title="ดูทั้งหมด" class="bg_angleRight" href="/list">'
     '<span class="fa fa-angle-right"></span></a></span></div>',
     "ศาสตร์พระราชาสู่การพัฒนา อย่างยั่งยืน"),
    # a heading before items headed alike, whose headings link to them
    ('<div class="box"><h4>ประกาศรับสมัครงาน</h4><ul><li><h4><a href="/n/1">รับสมัครพนักงาน'
     'ราชการตำแหน่งนักวิชาการคอมพิวเตอร์</a></h4></li><li><h4><a href="/n/2">รับสมัครลูกจ้าง'
     'ชั่วคราวตำแหน่งเจ้าหน้าที่ธุรการ</a></h4></li></ul></div><p><a href="/list">ดูทั้งหมด</a></p>',
     "ประกาศรับสมัครงาน"),
    # a name written beside the link, in a line of no heading, with decoration
    ('<div class="kc_text_block"><p style="text-align: center;">:: กิจกรรม มหาวิทยาลัย ::'
     '     <a href="/list">ดูทั้งหมด&gt;&gt;</a></p></div><ul><li><a href="/e/1">'
     "บรรยายพิเศษเรื่องนวัตกรรมการวิจัยของมหาวิทยาลัย</a></li></ul>", "กิจกรรม มหาวิทยาลัย"),
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


TABS = """<div class="newsBlc"><div class="head tab">
  <button class="tablinks" onclick="openTab(event, 'egp')">ข่าวจัดซื้อจัดจ้างจากระบบ e-GP</button>
  <button class="tablinks" onclick="openTab(event, 'own')">ข่าวจัดซื้อจัดจ้าง อบต.</button></div>
<div id="egp" class="tabcontent"><div class="viewall"><a href="/egp/list">ดูทั้งหมด</a></div></div>
<div id="own" class="tabcontent"><div class="viewall"><a href="/procure/list">ดูทั้งหมด</a></div>
</div></div>
<ul class="tabs-nav"><li><a href="#tab-1">ข่าวล่าสุด</a></li>
<li><a href="#tab-2">ข่าวฝึกอบรม</a></li></ul>
<div id="tab-1"><div class="inner"><p><a href="http://abt.go.th/news/">ดูทั้งหมด &gt;&gt;</a></p>
</div></div>
<div id="tab-2"><div class="inner"><p><a href="http://abt.go.th/training/">ดูทั้งหมด</a></p></div></div>
<h2>ข่าวเด่น</h2>
<div class="row tab-loop"><span id="t1">Breaking News</span><span id="t2">คนในข่าว</span>
</div><div id="rowbox1"><a href="/breaking">ดูทั้งหมด &gt;</a></div>"""


DEEP = "<div><div><table><tr><td><table><tr><td><div><div>{}</div></div></td></tr></table>" \
       "</td></tr></table></div></div>"
DEEP_TABS = (
    # tabs that open panels by links to their ids; "รายละเอียดทั้งหมด" names nothing
    '<div id="rotate"><ul><li><a href="#t01"><span>SPOTLIGHT</span></a></li>'
    '<li><a href="#t03"><span>EVENTS</span></a></li></ul>'
    '<div id="t01">' + DEEP.format('<a href="/news/cat?topic=01">รายละเอียดทั้งหมด</a>')
    + '</div><div id="t03">' + DEEP.format('<a href="/news/cat?topic=03">รายละเอียดทั้งหมด</a>')
    + "</div></div>"
    # Drupal's quick tabs: the tab and its panel share only their numbers
    '<div class="quicktabs_wrapper"><ul class="quicktabs_tabs"><li><a href="/front?'
    'quicktabs_3=0#quicktabs-3" id="quicktabs-tab-3-0">ภาคกลาง</a></li><li><a href="/front?'
    'quicktabs_3=1#quicktabs-3" id="quicktabs-tab-3-1">ภาคใต้</a></li></ul>'
    '<div id="quicktabs_tabpage_3_0">' + DEEP.format('<a href="/news/5">อ่านทั้งหมด</a>')
    + '</div><div id="quicktabs_tabpage_3_1">' + DEEP.format('<a href="/news/3">อ่านทั้งหมด</a>')
    + "</div></div>")


def test_a_tab_names_a_panel_deep_in_a_layout_or_numbered_like_it() -> None:
    tree = parse_html(f"<html><body>{DEEP_TABS}</body></html>")
    assert page_sections(tree, "https://www.abt.go.th/") == [
        ("SPOTLIGHT", "https://www.abt.go.th/news/cat?topic=01"),
        ("EVENTS", "https://www.abt.go.th/news/cat?topic=03"),
        ("ภาคกลาง", "https://www.abt.go.th/news/5"), ("ภาคใต้", "https://www.abt.go.th/news/3")]


def test_a_tab_names_the_panel_its_view_all_link_sits_in() -> None:
    """Tabs open panels by a script's argument or by a link to the panel's id; the
    page's links may name the site without www. or with http. A strip of tabs that
    names no panel names no section: its labels joined would be wrong, and a heading
    before the strip is not the panel's."""
    tree = parse_html(f"<html><body>{TABS}</body></html>")
    assert page_sections(tree, "https://www.abt.go.th/") == [
        ("ข่าวจัดซื้อจัดจ้างจากระบบ e-GP", "https://www.abt.go.th/egp/list"),
        ("ข่าวจัดซื้อจัดจ้าง อบต.", "https://www.abt.go.th/procure/list"),
        ("ข่าวล่าสุด", "http://abt.go.th/news/"), ("ข่าวฝึกอบรม", "http://abt.go.th/training/")]


@pytest.mark.parametrize("markup", [
    # an album's "ดูทั้งหมด" (all its photos) in a gallery of albums
    "<table><tr><td><img src='a.jpg'> กิจกรรมวันเด็ก</td>"
    "<td><a href='/gallery/5/'>ดูทั้งหมด</a></td></tr></table>",
    # a notice's "all details" as a PDF
    "<h2>ประกาศ</h2><p><a href='/files/notice.pdf'>รายละเอียดทั้งหมด</a></p>",
    # a grid whose items' titles follow their pictures' links, under a heading that is
    # a picture
    "<div><img src='heading.png'></div><div class='grid'><div class='item'><a href='/n/1'>"
    "<img src='1.jpg'></a><div class='title'>โครงการอบรมภาษาอังกฤษ รุ่นที่ 9</div></div>"
    "</div><div><a href='/downloads/'>view all</a></div>",
    # an album's card: its picture, its name and a link to all its photos
    "<div class='album'><img src='a.jpg'><span>กิจกรรมวันเด็กแห่งชาติ</span> "
    "<a href='/gallery/5/'>ดูทั้งหมด</a></div>",
    # a line of links: the words beside are another link's
    "<p><a href='/n/1'>ข่าวกิจกรรม</a> | <a href='/list'>ดูทั้งหมด</a></p>",
    # a row of video cards, whose titles link nowhere, under a heading that is a picture
    "<div class='col-md-6'><img src='banner/reporter.jpg'><div class='row'>"
    + "".join(f"<div class='col-md-6'><div class='callout'><h2 class='callout-title'>คลิปรายงาน"
              f"ข่าวมหาวิทยาลัย ตอนที่ {n}</h2><iframe src='https://video.example.com/{n}'>"
              "</iframe></div></div>" for n in (1, 2))
    + "</div><div class='col-md-12'><div><a href='/reporter'>อ่านทั้งหมด</a></div></div></div>",
])
def test_a_view_all_link_under_no_heading_or_to_a_file_is_no_section(markup: str) -> None:
    tree = parse_html(f"<html><body>{markup}</body></html>")
    assert page_sections(tree, "https://www.abt.go.th/") == []


def _box_with_tab(name: str, path: str) -> str:
    """A newspaper's box, from a template that gives every box's one tab the same id."""
    return (f'<div class="tabs variation_2"><div class="clearfix"><h3 class="section_title">'
            f'{name}</h3><div class="tabs_container"><ul class="tabs_nav"><li><a href="#tab-1">'
            'All</a></li></ul></div></div><div class="tabs_content"><div id="tab-1">'
            f'<div class="row"><div class="col-lg-6"><ul><li><a href="{path}/1">ข่าวแรกของหมวด'
            f'{name}ประจำวันนี้</a></li></ul></div><div class="col-lg-6"><a href="{path}" '
            'class="button">ดูทั้งหมด</a></div></div></div></div></div>')


def test_a_tab_id_every_box_repeats_names_no_panel() -> None:
    """Every tabbed box of a newspaper's home page opens its panel by `#tab-1`, as does
    the most-read box before them: the first tab's label named all their sections."""
    page = ('<ul class="tabs_nav"><li><a href="#tab-1"><h3>ข่าวที่มีผู้อ่านสูงสุด</h3></a></li>'
            '</ul><div class="tabs_content"><div id="tab-1"><ol><li><a href="/news/9">'
            "ข่าวที่มีผู้อ่านมากที่สุดของวันนี้</a></li></ol></div></div>"
            + _box_with_tab("ไอที &amp; ไอเดีย", "/it/list") + _box_with_tab("กีฬา", "/sport/list"))
    tree = parse_html(f"<html><body>{page}</body></html>")
    assert page_sections(tree, "https://www.abt.go.th/") == [
        ("ไอที & ไอเดีย", "https://www.abt.go.th/it/list"),
        ("กีฬา", "https://www.abt.go.th/sport/list")]


def test_a_tab_that_shows_a_page_in_a_frame_names_that_listing() -> None:
    """A university shows each kind of news as a page of its calendar's host, in a
    frame, a tab each. A frame in no tab, or of another site, names nothing."""
    page = ('<div id="horizontalTab"><ul><li><a href="#tab-1">ข่าวการศึกษา</a></li>'
            '<li><a href="#tab-2">ข่าวจัดซื้อจัดจ้าง</a></li><li><a href="#tab-3">วีดิทัศน์</a>'
            '</li></ul><div id="tab-1"><div class="row"><div class="col-md-9"><iframe '
            'name="news" src="http://calendar.abt.go.th/news.php?cid=3"></iframe></div></div>'
            '</div><div id="tab-2"><iframe src="/procure/list.php"></iframe></div>'
            '<div id="tab-3"><iframe src="https://www.youtube.com/embed/x"></iframe></div></div>'
            '<div><iframe src="/banner.php"></iframe></div>')
    tree = parse_html(f"<html><body>{page}</body></html>")
    assert page_sections(tree, "https://www.abt.go.th/") == [
        ("ข่าวการศึกษา", "http://calendar.abt.go.th/news.php?cid=3"),
        ("ข่าวจัดซื้อจัดจ้าง", "https://www.abt.go.th/procure/list.php")]


@pytest.mark.parametrize("skip", [
    '<a class="skip-link screen-reader-text" href="#content">Skip to content</a>',
    '<a href="#content">ข้ามไปยังเนื้อหา</a>',
])
def test_a_link_that_skips_to_the_content_names_no_section(skip: str) -> None:
    """A theme's "Skip to content", for screen readers, links to the id of the element
    that holds the whole page's content: taken for a tab, it named every section."""
    tree = parse_html(f'<html><body>{skip}<div id="content"><div class="box">'
                      '<h2>ข่าวประชาสัมพันธ์</h2><ul><li><a href="/n/1">ข่าวประชาสัมพันธ์ฉบับแรก'
                      '</a></li></ul><div class="more"><a href="/news/">ดูทั้งหมด</a></div>'
                      "</div></div></body></html>")
    assert page_sections(tree, "https://www.abt.go.th/") == [
        ("ข่าวประชาสัมพันธ์", "https://www.abt.go.th/news/")]


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


def test_headings_and_tabs_that_wrap_a_page_cost_little() -> None:
    """Names are read node by node: 500 nested tabs around a megabyte of text, and
    "view all" links under "headings" of ten thousand empty nodes, are passed over."""
    text = "คำ " * 300_000
    tabs = "<span onclick=\"show('p')\">" * 500 + text + "</span>" * 500
    boxes = "".join(f"<div class='heading'>{'<i></i>' * 5000}</div>"
                    f"<div id='p'><a href='/c/{n}'>ดูทั้งหมด</a></div>" for n in range(200))
    tree = parse_html(f"<html><body>{tabs}{boxes}</body></html>")
    started = time.perf_counter()
    assert page_sections(tree, "https://www.abt.go.th/") == []
    assert time.perf_counter() - started < 1
