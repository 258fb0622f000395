"""The `auto` extractor on five CMS-like listing layouts and on the traps around them.

Each fixture in tests/fixtures/auto/ has a `<name>.expected.txt` beside it:
`# url:` (where the page was "fetched"), optional `# encoding:`, `# chose:`
(the path the notes must name) and `# first-date:`, then the article links.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from monitor.config.settings import Source
from monitor.errors import ExtractError
from monitor.extract.auto import extract
from monitor.extract.headline import unglued
from monitor.models import Document, Extraction

FIXTURES = Path(__file__).parent / "fixtures" / "auto"
LAYOUTS = sorted(p.name.removesuffix(".expected.txt") for p in FIXTURES.glob("*.expected.txt"))


def load(name: str) -> tuple[Document, dict[str, str], list[str]]:
    header: dict[str, str] = {}
    links: list[str] = []
    for line in (FIXTURES / f"{name}.expected.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and ":" in line:
            key, _, value = line[2:].partition(":")
            header.setdefault(key.strip(), value.strip())
        elif line.strip() and not line.startswith("#"):
            links.append(line.strip())
    raw = (FIXTURES / f"{name}.html").read_bytes()
    encoding = header.get("encoding", "utf-8")
    doc = Document(url=header["url"], content=raw, text=raw.decode(encoding),
                   encoding=encoding, content_type="text/html")
    return doc, header, links


def run(html: str, url: str = "https://www.example.go.th/news/") -> Extraction:
    doc = Document(url=url, content=html.encode(), text=html, encoding="utf-8",
                   content_type="text/html")
    return extract(doc, Source(name="test", url=url, type="auto"))


def listing(*rows: str, extra: str = "") -> str:
    """A minimal listing page: one <ul> of the given <li> bodies, plus anything else."""
    items = "".join(f"<li>{row}</li>" for row in rows)
    return f"<html><body><nav><a href='/about'>เกี่ยวกับสำนักงานและผู้บริหาร</a></nav>" \
           f"<div id='content'><ul>{items}</ul></div>{extra}</body></html>"


def headline(i: int) -> str:
    return f"ข่าวประชาสัมพันธ์การปฏิบัติราชการทางอิเล็กทรอนิกส์ ฉบับที่ {i}"


def test_at_least_five_layouts_are_covered() -> None:
    assert {"wordpress", "drupal", "table", "cards", "plain_list"} <= set(LAYOUTS)


@pytest.mark.parametrize("name", LAYOUTS)
def test_layout_recall_and_no_false_positives(name: str) -> None:
    doc, _, expected = load(name)
    found = [item.link for item in extract(doc, Source(name=name, url=doc.url, type="auto")).items]
    recall = sum(1 for link in expected if link in found) / len(expected)
    assert recall >= 0.9, f"{name}: recall {recall:.2f}, missed {set(expected) - set(found)}"
    assert [link for link in found if link not in expected] == []
    assert len(found) == len(set(found)), "links must be deduplicated"
    assert 8 <= len(expected) <= 15


@pytest.mark.parametrize("name", LAYOUTS)
def test_notes_say_what_was_chosen_and_what_was_rejected(name: str) -> None:
    doc, header, _ = load(name)
    result = extract(doc, Source(name=name, url=doc.url, type="auto"))
    assert result.warnings == []
    chose = result.notes[0]
    assert chose.startswith(f"chose {len(result.items)} links under '{header['chose']}'")
    assert "mean text" in chose and "dates on" in chose
    assert any(note.startswith("rejected '") for note in result.notes[1:])


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_item_has_its_own_date_and_title(name: str) -> None:
    doc, header, _ = load(name)
    items = extract(doc, Source(name=name, url=doc.url, type="auto")).items
    assert items[0].date_text == header["first-date"]
    assert all(item.date_text for item in items)
    assert all(len(item.title) >= 15 and "\n" not in item.title for item in items)


def test_summary_comes_from_a_paragraph_of_the_item() -> None:
    doc, _, _ = load("drupal")
    items = extract(doc, Source(name="d", url=doc.url, type="auto")).items
    assert items[0].summary.startswith("ผู้แทนส่วนราชการกว่า 300 คน")
    assert items[2].summary == ""            # that row has no body field
    assert all(item.title not in item.summary for item in items)


def test_navigation_regions_are_named_in_the_notes() -> None:
    doc, _, _ = load("wordpress")
    notes = extract(doc, Source(name="wp", url=doc.url, type="auto")).notes
    assert "rejected 'aside#secondary.widget-area' (sidebar, 7 links)" in notes
    assert any(n.startswith("rejected 'header#masthead.site-header' (header") for n in notes)


def test_a_page_without_a_repeated_block_yields_nothing_and_warns() -> None:
    html = (
        "<html><body><header><a href='/'>หน้าแรกของสำนักงาน</a></header>"
        "<article><h1>ประกาศสำนักงาน เรื่อง การให้บริการทางอิเล็กทรอนิกส์</h1>"
        "<p>ดูรายละเอียดเพิ่มเติมได้ที่ <a href='/docs/announce-2565.pdf'>"
        "เอกสารประกาศฉบับเต็มของสำนักงาน</a></p></article></body></html>"
    )
    result = run(html)
    assert result.items == []
    assert len(result.warnings) == 1
    assert "no repeated block of article links" in result.warnings[0]
    assert "select:" in result.warnings[0]


def test_the_warning_counts_addresses_as_the_notes_do() -> None:
    # One story linked from its heading and its teaser, twice over: four links, one
    # address. Counting links said "4 links could be headlines, the largest group
    # has 0", which no reader could square with the page.
    card = (f"<div class='card'><h3><a href='/n/1'>{headline(1)}</a></h3>"
            f"<p><a href='/n/1'>{headline(1)} โดยละเอียด</a></p></div>")
    result = run(f"<html><body><div id='main'>{card}{card}</div></body></html>")
    assert result.items == []
    assert "(it links to only 1 address on this site that could be a headline)" \
        in result.warnings[0]


def test_a_block_of_other_sites_links_is_named_as_such() -> None:
    # The user's URL is on one agency's site; the rows link to another's (a shared
    # system, or the wrong URL pasted): the block is found, and refused for that.
    rows = [f"<a href='https://www.other.go.th/n/{i}'>{headline(i)}</a>" for i in (1, 2, 3)]
    result = run(listing(*rows))
    assert result.items == []
    assert ("(no link to this site could be a headline; 3 on other sites could; 1 link in "
            "menus)") in result.warnings[0]
    assert result.notes[0].startswith("no group of at least 2 links, most of them on this "
                                      "site (best: 'div#content > ul > li', 3 of its 3 "
                                      "addresses on other sites)")
    mixed = run(listing(*rows, *[f"<a href='/n/{i}'>{headline(i)}</a>" for i in (4, 5)]))
    assert ("(2 addresses on this site could be headlines; the block holding 2 of them also "
            "holds 3 on other sites; 1 link in menus)") in mixed.warnings[0]
    apart = run(listing(*rows, f"<a href='/n/4'>{headline(4)}</a>",
                        extra=f"<div class='x'><a href='/n/5'>{headline(5)}</a></div>"))
    assert ("(2 addresses on this site could be headlines, no more than 1 of them in one "
            "repeated block; 3 on other sites could; 1 link in menus)") in apart.warnings[0]


def test_two_alike_items_are_a_listing() -> None:
    # Real listings are often cut to a few rows (a home page's two newest items).
    result = run(listing(f"<a href='/n/1'>{headline(1)}</a>", f"<a href='/n/2'>{headline(2)}</a>"))
    assert [item.title for item in result.items] == [headline(1), headline(2)]


def test_one_bare_link_is_not_a_listing() -> None:
    result = run(listing(f"<a href='/n/1'>{headline(1)}</a>"))
    assert result.items == [] and result.warnings


@pytest.mark.parametrize(("href", "kept"), [
    ("/news/view/1", True),
    ("/?p=4871", True),                                   # WordPress post id
    ("/index.php?page=news&id=5", True),                  # a route, not paging
    ("/th/content/category/detail/id/9/iid/140112", True),  # PRD article under "category"
    ("https://news.example.go.th/story/9", True),         # same registrable domain
    ("/tag/egov-act", False),
    ("/category/news/", False),
    ("/category/news/page/2/", False),
    ("/news/?page=2", False),
    ("/taxonomy/term/12", False),
    ("/search?q=digital", False),
    # Local governments' PHP lists: a category and its pages, beside an item of it.
    ("/news.php?cat_id=2", False),
    ("/news.php?cat_id=1&pagenum=2", False),
    ("/news_detail.php?cat_id=1&news_id=912", True),
    ("/?author=1", False),
    # go.th is a suffix, not a site; but agencies list each other's items (a hearing on
    # law.go.th among a ministry's news), so a row of the list on another go.th site stays.
    ("https://www.other.go.th/news/1", True),
    ("https://www.other.co.th/news/1", False),
    ("https://www.facebook.com/sharer.php?u=x", False),
    ("javascript:void(0)", False),
    ("mailto:pr@example.go.th", False),
    ("#top", False),
    ("/", False),
])
def test_which_urls_can_be_articles(href: str, kept: bool) -> None:
    rows = [f"<a href='/n/{i}'>{headline(i)}</a>" for i in range(1, 4)]
    rows.append(f"<a href='{href}'>{headline(99)}</a>")
    titles = [item.title for item in run(listing(*rows)).items]
    assert (headline(99) in titles) is kept
    assert headline(1) in titles


def test_short_link_text_is_not_a_headline() -> None:
    rows = [f"<a href='/n/{i}'>{headline(i)}</a>" for i in range(1, 4)]
    rows.append("<a href='/n/77'>อ่านต่อ</a>")
    links = [item.link for item in run(listing(*rows)).items]
    assert "https://www.example.go.th/n/77" not in links
    assert len(links) == 3


def test_relative_links_resolve_against_base_href() -> None:
    html = listing(*[f"<a href='view.php?id={i}'>{headline(i)}</a>" for i in range(3)])
    html = html.replace("<body>", "<head><base href='https://www.example.go.th/old/'></head><body>")
    links = [item.link for item in run(html, "https://www.example.go.th/list.php").items]
    assert links == [f"https://www.example.go.th/old/view.php?id={i}" for i in range(3)]


def test_hrefs_with_spaces_read_as_a_browser_reads_them() -> None:
    rows = [f"<a href='/files/ประกาศ ฉบับที่ {i}.pdf'>{headline(i)}</a>" for i in range(3)]
    assert [item.link for item in run(listing(*rows)).items] == [
        f"https://www.example.go.th/files/ประกาศ%20ฉบับที่%20{i}.pdf" for i in range(3)]


def test_a_malformed_link_or_base_costs_the_page_nothing_else() -> None:
    # urljoin raises on an unclosed IPv6 literal: one such href, or a <base href>,
    # anywhere on a page must not fail the whole source.
    rows = [f"<a href='/n/{i}'>{headline(i)}</a>" for i in range(3)]
    rows.append(f"<a href='http://[2001:db8::1/n/9'>{headline(9)}</a>")
    result = run(listing(*rows))
    assert [item.link for item in result.items] == [
        f"https://www.example.go.th/n/{i}" for i in range(3)]
    assert any("1 malformed links" in note for note in result.notes), result.notes
    html = listing(*rows[:3]).replace("<body>", "<head><base href='http://[x/'></head><body>")
    assert [item.link for item in run(html).items] == [
        f"https://www.example.go.th/n/{i}" for i in range(3)]


def test_fragments_are_dropped_and_links_deduplicated() -> None:
    rows = [f"<a href='/n/{i}'>{headline(i)}</a> <a href='/n/{i}#comments'>"
            f"แสดงความคิดเห็นเกี่ยวกับเรื่องนี้ {i}</a>" for i in range(4)]
    items = run(listing(*rows)).items
    assert [item.link for item in items] == [f"https://www.example.go.th/n/{i}" for i in range(4)]
    assert items[0].title == headline(0)


def test_lists_under_date_headings_are_one_listing() -> None:
    days = "".join(
        f"<h3>{day} พ.ย. 2565</h3><ul>"
        + "".join(f"<li><a href='/n/{day}{i}'>{headline(day * 10 + i)}</a> "
                  f"<span>{day} พ.ย. 2565</span></li>" for i in range(2))
        + "</ul>" for day in (9, 8, 7))
    html = f"<html><body><div id='content'>{days}</div></body></html>"
    assert len(run(html).items) == 6


def test_an_unmarked_side_list_loses_to_the_main_list() -> None:
    side = "<div class='box-popular'><ol>" + "".join(
        f"<li><a href='/pop/{i}'>{headline(50 + i)}</a></li>" for i in range(7)) + "</ol></div>"
    rows = [f"<a href='/n/{i}'>{headline(i)}</a> <span>{i + 1} พ.ย. 2565</span>" for i in range(4)]
    result = run(listing(*rows, extra=side))
    assert [item.link.rsplit("/", 2)[-2] for item in result.items] == ["n"] * 4
    assert any("looks like a side list" in note for note in result.notes)


def test_deeply_nested_markup_is_read_to_the_bound_and_refused_past_it() -> None:
    rows = "".join(f"<li><a href='/n/{i}'>{headline(i)}</a></li>" for i in range(3))

    def nested(depth: int) -> str:
        return f"<html><body>{'<div>' * depth}<ul>{rows}</ul>{'</div>' * depth}</body></html>"

    assert len(run(nested(500)).items) == 3   # walked without exhausting recursion
    with pytest.raises(ExtractError, match="nests elements more than 512 deep"):
        run(nested(1500))


DAYS = ["7 ธ.ค. 2569", "5 ธ.ค. 2569", "1 ธ.ค. 2569"]


@pytest.mark.parametrize("row", [
    "<img src='dot.gif'> <a href='/n/{n}'><font color='red'>{title}</font></a>"
    " <img src='new.gif'> ({day})<br>",                      # the date after, a line each
    "[{day}] <b><a href='/n/{n}'>{title}</a></b><br>\n",      # before
    "<a href='/n/{n}'>{title}</a> ({day}) ",                  # after, lines not broken
    "{day} - <a href='/n/{n}'>{title}</a> &nbsp; ",           # before, lines not broken
])
@pytest.mark.parametrize("around", ["<table><tr><td>{}</td></tr></table>",
                                    "<marquee direction='up' scrollamount='2'>{}</marquee>"])
def test_a_list_of_bare_links_takes_each_date_from_its_own_line(row: str, around: str) -> None:
    """Older sites list their news as bare links, one a line, the date beside each
    (in a table cell or a scrolling marquee): no element holds one item."""
    rows = "".join(row.format(n=n, title=headline(n), day=day) for n, day in enumerate(DAYS))
    result = run(f"<html><body><p><a href='/'>หน้าแรก</a></p>{around.format(rows)}"
                 "</body></html>")
    assert [(item.title, item.date_text) for item in result.items] == [
        (headline(n), day) for n, day in enumerate(DAYS)]


def test_a_line_without_a_date_takes_none_from_the_next_line() -> None:
    rows = (f"<a href='/n/0'>{headline(0)}</a><br>"
            f"[{DAYS[1]}] <a href='/n/1'>{headline(1)}</a><br>"
            f"[{DAYS[2]}] <a href='/n/2'>{headline(2)}</a><br>")
    result = run(f"<html><body><div>{rows}</div></body></html>")
    assert [item.date_text for item in result.items] == [None, DAYS[1], DAYS[2]]


def test_a_date_glued_to_a_headline_is_the_items_not_the_headlines() -> None:
    rows = [f"<a href='/n/{n}'>{headline(n)} <span class='date'>{day}</span></a>"
            for n, day in enumerate(DAYS)]
    assert [(item.title, item.date_text) for item in run(listing(*rows)).items] == [
        (headline(n), day) for n, day in enumerate(DAYS)]


@pytest.mark.parametrize("form", ["{title} ({day})", "{title} [{day}]", "{title} - {day}",
                                  "{day} {title}", "[{day}]--{title}", "new!!! [{day}]--{title}",
                                  "({day}) {title} NEW!!"])
def test_a_date_in_the_links_own_text_is_the_items(form: str) -> None:
    """Older lists write each link as "headline (7 ธ.ค. 2569)": the title kept the
    date, in its brackets, and the item had none."""
    rows = [f"<a href='/n/{n}'>{form.format(title=headline(n), day=day)}</a>"
            for n, day in enumerate(DAYS)]
    assert [(item.title, item.date_text) for item in run(listing(*rows)).items] == [
        (headline(n), day) for n, day in enumerate(DAYS)]


@pytest.mark.parametrize("ending", [
    "ณ จุดบริการอำเภอ ณ วันที่ 1 กันยายน 2569",      # bora.dopa.go.th
    "ลงวันที่ 30 พฤศจิกายน 2561",                      # thaibma.or.th: cut at "ลง|วันที่"
    "รับสมัคร 30 อัตรา ตั้งแต่บัดนี้ถึง 7 ต.ค. 69",      # doe.go.th
])
def test_a_date_the_headline_says_stays_in_it(ending: str) -> None:
    """A date after "ณ", "ลง", "ถึง" is part of the sentence: cut off, the headline
    ended in a preposition."""
    rows = [f"<a href='/n/{n}'>{headline(n)} {ending} <span class='badge'>New</span></a>"
            for n in range(3)]
    assert [item.title for item in run(listing(*rows)).items] == [
        f"{headline(n)} {ending}" for n in range(3)]


def test_wordpress_dates_in_thai_with_the_month_first_are_read() -> None:
    """A WordPress block writes its `M j, Y` date format in Thai: "ก.ค. 6, 2026"; its
    `F jS, Y` with English ordinals: "พฤศจิกายน 30th, 2016"."""
    days = ["ก.ค. 6, 2026", "พ.ค. 26, 2026", "พฤศจิกายน 30th, 2016", "มีนาคม 2nd, 2016"]
    cards = "".join(
        f"<div class='ultp-block-item post-id-{n}'><div class='ultp-block-content'>"
        f"<h3 class='ultp-block-title'><a href='/n/{n}'>{headline(n)}</a></h3>"
        f"<div class='ultp-block-meta'><span class='ultp-block-date'>\n{day}</span></div>"
        f"</div></div>" for n, day in enumerate(days))
    result = run(f"<html><body><div class='ultp-block-items-wrap'>{cards}</div></body></html>")
    assert [item.date_text for item in result.items] == days


def test_a_relative_date_is_read_whole() -> None:
    """ryt9.com: "11 ชั่วโมง 5 นาทีที่แล้ว" was found as "5 นาทีที่แล้ว", and an item
    eleven hours old read as five minutes old."""
    ages = ["1 ชั่วโมง 4 นาทีที่แล้ว", "11 ชั่วโมง 5 นาทีที่แล้ว", "2 days, 3 hours ago"]
    rows = "".join(f"<div class='headline'><h3><a href='/s/{n}'>{headline(n)}</a></h3>"
                   f"<span class='src'>สำนักข่าวอินโฟเควสท์ (IQ) -- {age}</span></div>"
                   for n, age in enumerate(ages))
    result = run(f"<html><body><div id='home-top-left'>{rows}</div></body></html>")
    assert [item.date_text for item in result.items] == ages


@pytest.mark.parametrize("days", [["15-10-2025", "14-10-2025"], ["15.10.2568", "14.10.2568"]])
def test_dates_with_dashes_or_dots_and_a_whole_year_are_found(days: list[str]) -> None:
    """Sanook's cards date items "15-10-2025": undated, its news ranked below a video
    carousel dated "3 นาทีที่แล้ว"."""
    rows = [f"<a href='/n/{n}'>{headline(n)}</a><span><i class='icon-time'></i> {day}</span>"
            for n, day in enumerate(days)]
    assert [item.date_text for item in run(listing(*rows)).items] == days


def linked_card(n: int, first: str, views: int = 173) -> str:
    """A whole card inside its link, with no heading (sed.amlo.go.th)."""
    return (f"<div class='col-md-4'><a href='/n/{n}'><div class='well'>"
            f"<div class='small'>{first}</div><div class='text-center'><div></div></div>"
            f"<div> {headline(n)} </div><div><span class='pull-right'>เข้าชม {views}</span>"
            f"</div></div></a></div>")


def test_a_cards_line_of_date_and_author_is_not_its_headline() -> None:
    cards = "".join(linked_card(n, f"{day} Post by กองกำกับและตรวจสอบ")
                    for n, day in enumerate(["04/09/2569", "26/08/2569", "20/08/2569"]))
    result = run(f"<html><body><div class='row'>{cards}</div></body></html>")
    assert [(item.title, item.date_text) for item in result.items] == [
        (headline(0), "04/09/2569"), (headline(1), "26/08/2569"), (headline(2), "20/08/2569")]


def test_a_cards_headline_that_opens_with_its_date_is_kept() -> None:
    opening = "วันที่ 4 ก.ย. 2569 ประชุมคณะกรรมการพัฒนารัฐบาลดิจิทัล ครั้งที่ 9 ณ ทำเนียบรัฐบาล"
    cards = "".join(linked_card(n, opening) for n in range(3))
    result = run(f"<html><body><div class='row'>{cards}</div></body></html>")
    said = opening.removeprefix("วันที่ 4 ก.ย. 2569 ")    # a leading date is glue, as before
    assert [item.title for item in result.items] == [f"{said} {headline(n)}" for n in range(3)]


def boxed(n: int, date: str = "") -> str:
    """A card as ETDA's articles list them: the headline's box repeats, in wrappers
    that differ from card to card, and the date sits in a row beside the box (in
    the box's own wrapper, or one level further out)."""
    head = (f"<div class='box'><div class='head'><a href='/n/{n}'>{headline(n)}</a>"
            f"<p>สรุปข่าวสั้น ๆ</p></div>")
    stats = f"<ul class='stats'><li>{date}</li><li>{225 + n}</li></ul>" if date else ""
    wrapper = ("col", "thumb", "wide", "feature")[n % 4]
    if n % 2:
        return f"<div class='{wrapper}'>{head}</div><div class='views'>{stats}</div></div>"
    return f"<div class='{wrapper}'>{head}{stats}</div></div>"


def test_a_date_beside_the_headlines_box_is_the_items() -> None:
    """The elements around an item's that hold no other item are searched for its
    date too."""
    cards = "".join(boxed(n, day) for n, day in enumerate(DAYS))
    result = run(f"<html><body><div class='row'>{cards}</div></body></html>")
    assert [(item.title, item.date_text) for item in result.items] == [
        (headline(n), day) for n, day in enumerate(DAYS)]


def test_a_date_around_the_whole_list_is_no_items() -> None:
    """The climb stops at the first element that holds another item: a date in the
    list's heading, or the page's, belongs to no one item."""
    cards = "".join(boxed(n) for n in range(3))
    result = run(f"<html><body><div class='row'><h2>ข่าว ณ วันที่ {DAYS[0]}</h2>{cards}"
                 f"</div><p>ปรับปรุง {DAYS[1]}</p></body></html>")
    assert [item.date_text for item in result.items] == [None, None, None]


def test_one_items_stray_date_around_its_box_is_not_taken() -> None:
    """A list's items are all dated or none is: one date beside one card of four is
    no pattern (a note, a deadline in a badge), so none is taken from around."""
    cards = "".join(boxed(n, DAYS[0] if n == 1 else "") for n in range(4))
    result = run(f"<html><body><div class='row'>{cards}</div></body></html>")
    assert [item.date_text for item in result.items] == [None] * 4


def test_a_page_of_more_links_than_any_listing_is_read_to_a_bound() -> None:
    """Each link costs about 0.1 ms to weigh: a page of 90,000 (an archive, or a
    hostile page) cost 10 s. The block is chosen from the page's first links."""
    from monitor.extract.auto import LINKS_READ

    rows = [f"<a href='/n/{i}'>{headline(i)}</a>" for i in range(LINKS_READ + 3_000)]
    found = run(listing(*rows))
    assert [item.link for item in found.items] == [
        f"https://www.example.go.th/n/{i}" for i in range(LINKS_READ - 1)]  # after the menu's
    assert f"read the first {LINKS_READ:,} of the page's {LINKS_READ + 3_001:,} links" \
        in found.notes


def test_a_blog_page_of_whole_posts_under_a_layout_class() -> None:
    """A WordPress theme (Themify) names its layout in classes: `sidebar1` ("one
    sidebar") on the body and on the wrapper of the posts, which was taken for a
    sidebar and the posts refused. Each post is shown whole, links and all: its
    item is its headline, not every link of its body, nor its author's page."""
    def post(n: int, sticky: str = "") -> str:
        body = "".join(f"<p><a href='/wp-content/uploads/form{n}-{k}.pdf'>ดาวน์โหลดใบสมัครและ"
                       f"รายละเอียดโครงการ ชุดที่ {k}</a></p>" for k in range(3))
        return (f"<div id='post-{n}' class='post-{n} post type-post hentry {sticky} post'>"
                f"<div class='post-content'><h2 class='post-title'><a href='/?p={n}'>"
                f"{headline(n)}</a></h2><p class='post-meta'>โดย <a href='/?author=1'>admin"
                f"</a></p><div class='entry-content'>{body}</div></div></div>")
    page = ("<html><body class='home blog sidebar1'><div id='headerwrap'><nav>"
            "<a href='/?page_id=2'>เกี่ยวกับภาควิชา</a></nav></div>"
            "<div id='layout' class='pagewidth'><div id='content' class='list-post'>"
            "<div id='loops-wrapper' class='loops-wrapper sidebar1 list-post'>"
            f"{post(1, 'sticky')}{post(2)}{post(3)}{post(4)}"
            # A post of pictures, its headline link empty: not its author's page.
            "<div id='post-5' class='post-5 post type-post hentry post'><div class="
            "'post-content'><h2 class='post-title'><a href='/?p=5'></a></h2><p class="
            "'post-meta'>โดย <a href='/?author=1'>admin</a></p><div class='entry-content'>"
            "<p><a href='/wp-content/uploads/a.jpg'><img src='/wp-content/uploads/a.jpg'>"
            "</a></p></div></div></div></div></div>"
            "<aside id='sidebar'><a href='/?page_id=9'>ติดต่อภาควิชาเศรษฐศาสตร์</a></aside>"
            "</div></body></html>")
    result = run(page)
    assert [item.link for item in result.items] == [
        f"https://www.example.go.th/?p={n}" for n in (1, 2, 3, 4)], result.notes
    assert [item.title for item in result.items] == [headline(n) for n in (1, 2, 3, 4)]


def _joomla_blog(headings: list[str], more: str = "อ่านข้อมูลเพิ่มเติม...") -> str:
    """Joomla 1.0's blog layout, as many agency sites still run it: each item a table
    of its heading, then a table of author, date, text and a "read more" link, the
    only link of the item."""
    items = "".join(
        f"<div><table class='contentpaneopen'><tr><td class='contentheading' width='100%'>"
        f"{heading}</td></tr></table><table class='contentpaneopen'><tr><td colspan='2'>"
        f"<span class='small'>เขียนโดย admin</span></td></tr><tr><td colspan='2' "
        f"class='createdate'>Friday, {18 - n} August 2017</td></tr><tr><td colspan='2'>"
        f"<img src='/images/stories/{n}.jpg'></td></tr><tr><td colspan='2'><a href='index.php?"
        f"option=com_content&amp;task=view&amp;id={88 - n}&amp;Itemid=42' class='readon'>"
        f"{more}</a></td></tr></table></div>" for n, heading in enumerate(headings))
    return ("<html><body><table><tr><td><div class='mainlevel-nav'><a href='index.php?option="
            "com_content&amp;task=category&amp;id=20'>Activity</a><a href='index.php?option="
            "com_extcalendar'>Event</a><a href='index.php?option=com_contact'>Contact us</a>"
            "</div></td><td><table class='blog'><tr><td valign='top'>"
            f"{items}</td></tr></table></td></tr></table></body></html>")


@pytest.mark.parametrize("more", ["อ่านข้อมูลเพิ่มเติม...", "[รายละเอียด]", "อ่านข่าวต่อ »",
                                  "เพิ่มเติม", "ใบสมัคร", "notice_25_8_60.pdf"])
def test_an_items_only_link_saying_read_more_takes_the_heading_beside_it(more: str) -> None:
    # The heading sits in a table of its own, beside the one holding the link; the
    # link's text ended in "..." as a cut headline does, and was taken for one.
    result = run(_joomla_blog([headline(1), headline(2), headline(3)], more))
    assert [item.title for item in result.items] == [headline(1), headline(2), headline(3)]
    assert result.items[0].link.endswith("task=view&id=88&Itemid=42")


def test_a_line_of_weekday_and_date_is_no_headline_but_a_heading_of_a_date_is() -> None:
    # Some sites head each notice with its date alone; the item's line of weekday and
    # date ("Friday, 18 August 2017") is its date, not its headline.
    headings = ["2 สิงหาคม 2560", "26 กรกฎาคม 2560", "19 กรกฎาคม 2560"]
    result = run(_joomla_blog(headings))
    assert [item.title for item in result.items] == headings


def test_a_read_more_link_ending_in_dots_takes_the_headline_not_the_first_line() -> None:
    # "อ่านต่อ..." ends as a cut headline does; no line "extends" it, and the card's
    # first line is its category.
    cards = "".join(f"<div class='card'><span class='cat'>กิจกรรม</span>"
                    f"<p>{headline(n)}</p><a href='/n/{n}'>อ่านต่อ...</a></div>"
                    for n in (1, 2, 3))
    result = run(f"<html><body><div id='main'>{cards}</div></body></html>")
    assert [item.title for item in result.items] == [headline(n) for n in (1, 2, 3)]


def test_links_that_say_only_read_more_are_named_when_nothing_is_found() -> None:
    cards = "".join(f"<div class='card'><img src='/i/{n}.jpg'><a href='/n/{n}'>อ่านต่อ</a></div>"
                    for n in range(3))
    result = run(f"<html><body><div id='main'>{cards}</div></body></html>")
    assert result.items == []
    assert ('(no link to this site could be a headline; 3 say only "read more" with no '
            "headline found beside them)") in result.warnings[0]


@pytest.mark.parametrize("dated", [True, False])
def test_a_card_that_is_one_link_is_titled_by_its_title_line_not_its_script(dated: bool) -> None:
    """A Gatsby site: each card one link holding an image loader's inline script, a
    category, an author and date, the title (`div.Title`) and an excerpt. Titles
    were the script's text; without it, the whole card run together."""
    def card(n: int) -> str:
        meta = (f"<div class='Metadata'><span class='Author'>ธรรมฤทธิ์ ลิขิตธีรเมธ</span> · "
                f"<span class='Date'>{n} ม.ค. 2569</span></div>" if dated else "")
        return (f"<a class='ArticleCard' href='/articles/a-{n}'><div class='FeaturedImage'>"
                "<script>const t=\"undefined\"!=typeof HTMLImageElement&&\"loading\"in "
                "HTMLImageElement.prototype;if(t){}</script><noscript><img src='/i.jpg'>"
                f"</noscript></div><div class='Text'><div class='SourceInstanceName'>บทความ"
                f"</div>{meta}<div class='Title'>{headline(n)}</div><div class='Excerpt'>"
                "วันที่ 27 มิถุนายน ยานได้จุดจรวดควบคุมทิศทางเพื่อปรับทิศทางเข้าสู่วงโคจร</div></div></a>")
    result = run(f"<html><body><div class='Articles'>{card(1)}{card(2)}{card(3)}</div>"
                 "</body></html>")
    assert [item.title for item in result.items] == [headline(n) for n in (1, 2, 3)]
    if dated:
        assert [item.date_text for item in result.items] == [f"{n} ม.ค. 2569" for n in (1, 2, 3)]


def test_a_script_inside_a_link_is_no_part_of_its_title() -> None:
    rows = [f"<a href='/n/{n}'><span class='pic'><script>window.lazy&&lazy.load({n});</script>"
            f"</span><span>{headline(n)}</span></a>" for n in (1, 2, 3)]
    assert [item.title for item in run(listing(*rows)).items] == [
        headline(n) for n in (1, 2, 3)]


def test_an_items_page_wins_over_its_picture_titled_alike() -> None:
    # Drupal Views: a lightbox link to the cover picture, titled like the item, then
    # the date, then the link to the item's page.
    rows = [f"<div class='views-field-field-cover-fid'><a class='imagefield-fancybox' "
            f"href='/files/cover/{n}.jpg' title='{headline(n)}'><img src='/files/cover/{n}"
            f"_thumb.jpg'></a></div><div class='views-field-phpcode'>2{n}/06/2554</div>"
            f"<div class='views-field-nid'><a href='/node/53{n}'>{headline(n)}</a></div>"
            for n in (1, 2, 3)]
    result = run(listing(*rows))
    assert [item.link for item in result.items] == [
        f"https://www.example.go.th/node/53{n}" for n in (1, 2, 3)]
    assert [item.date_text for item in result.items] == [f"2{n}/06/2554" for n in (1, 2, 3)]



def test_a_webboards_two_digit_dates_are_read() -> None:
    """A university webboard dates each topic "11-06-17": 2082 topics, 3 dated."""
    rows = "".join(f"<tr><td>{900 - n}</td><td><a href='/webboard/topic.php?id={900 - n}'>"
                   f"{headline(n)}</a></td><td>admin</td><td>1{n}-06-17</td><td>12/3</td></tr>"
                   for n in range(3))
    result = run(f"<html><body><table class='board'>{rows}</table></body></html>")
    assert [item.date_text for item in result.items] == ["10-06-17", "11-06-17", "12-06-17"]



def test_a_read_more_link_leaves_no_empty_brackets_in_the_headline_beside_it() -> None:
    rows = [f"<p>{headline(n)} ... [<a href='/n/{n}'>อ่านต่อ</a>]</p>" for n in (1, 2, 3)]
    result = run(f"<html><body><div id='news'>{''.join(rows)}</div></body></html>")
    assert [item.title for item in result.items] == [f"{headline(n)} ..." for n in (1, 2, 3)]


@pytest.mark.parametrize(("written", "title"), [
    # "ใหม่" and "ด่วน" end Thai words as well as badges; Thai has no spaces.
    ("ประชุมคณะกรรมการจังหวัดเชียงใหม่", "ประชุมคณะกรรมการจังหวัดเชียงใหม่"),
    ("ซ่อมแซมถนนสายบ้านใหม่ หมู่ที่ 4", "ซ่อมแซมถนนสายบ้านใหม่ หมู่ที่ 4"),
    ("ขอเชิญร่วมงานประเพณีปีใหม่", "ขอเชิญร่วมงานประเพณีปีใหม่"),
    ("ขออนุมัติจัดซื้อกรณีเร่งด่วน", "ขออนุมัติจัดซื้อกรณีเร่งด่วน"),
    ("ประกาศรับสมัครพนักงานจ้าง <span class='badge'>ใหม่</span>",
     "ประกาศรับสมัครพนักงานจ้าง"),
    # Marks and bullets lists put before or after a headline, bracketed badges.
    ("🔥 ประกาศรับสมัครพนักงานจ้าง", "ประกาศรับสมัครพนักงานจ้าง"),
    ("» ประกาศรับสมัครพนักงานจ้าง", "ประกาศรับสมัครพนักงานจ้าง"),
    ("[ด่วน] ประกาศรับสมัครพนักงานจ้าง", "ประกาศรับสมัครพนักงานจ้าง"),
    ("NEW ประกาศรับสมัครพนักงานจ้าง", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง มาใหม่", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง (ใหม่) ★", "ประกาศรับสมัครพนักงานจ้าง"),
    # ... while an English headline's "New", and an official grade of urgency, stay.
    ("New rules for the digital ID card announced", "New rules for the digital ID card announced"),
    ("ประกาศรับสมัครพนักงานจ้าง (ด่วนที่สุด)", "ประกาศรับสมัครพนักงานจ้าง (ด่วนที่สุด)"),
    # A counter of readers changes at every crawl, and so did the title.
    ("ประกาศรับสมัครพนักงานจ้าง (อ่าน 25 คน)", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง :อ่าน 11 คน", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง [เปิดอ่าน 7 ครั้ง]", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง (ผู้ชม 18)", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง จำนวน 30 คน", "ประกาศรับสมัครพนักงานจ้าง จำนวน 30 คน"),
    ("ประกาศรับสมัครพนักงานจ้าง (ผู้เข้าชม: 1,204)", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง [ดาวน์โหลด 15 ครั้ง]", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง ดาวน์โหลด 25 ครั้ง", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง :: ผู้ชม 15", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง | 1,234 ครั้ง", "ประกาศรับสมัครพนักงานจ้าง"),
    ("ประกาศรับสมัครพนักงานจ้าง 👁 56", "ประกาศรับสมัครพนักงานจ้าง"),
    # ... but a word that reads, or a number of times, is the headline's own.
    ("สัปดาห์ส่งเสริมการอ่าน 2569", "สัปดาห์ส่งเสริมการอ่าน 2569"),
    ("รณรงค์ฉีดวัคซีนไข้หวัดใหญ่ ครบ 2 ครั้ง", "รณรงค์ฉีดวัคซีนไข้หวัดใหญ่ ครบ 2 ครั้ง"),
    # A file's type and size leave it too.
    ("ประกาศผลการสอบคัดเลือกพนักงานจ้าง (PDF)", "ประกาศผลการสอบคัดเลือกพนักงานจ้าง"),
    ("ประกาศผลการสอบคัดเลือกพนักงานจ้าง [PDF, 1.2 MB]", "ประกาศผลการสอบคัดเลือกพนักงานจ้าง"),
    ("ประกาศผลการสอบคัดเลือกพนักงานจ้าง (ไฟล์ PDF ขนาด 1.2 MB)",
     "ประกาศผลการสอบคัดเลือกพนักงานจ้าง"),
    ("ประกาศผลการสอบคัดเลือกพนักงานจ้าง ขนาดไฟล์ 350 KB", "ประกาศผลการสอบคัดเลือกพนักงานจ้าง"),
    ("ประกาศผลการสอบคัดเลือกพนักงานจ้าง.pdf", "ประกาศผลการสอบคัดเลือกพนักงานจ้าง"),
    ("แผนพัฒนาท้องถิ่น (พ.ศ. 2566-2570) (ฉบับที่ 2)", "แผนพัฒนาท้องถิ่น (พ.ศ. 2566-2570) (ฉบับที่ 2)"),
])
def test_badges_and_counters_leave_a_headline_and_its_words_stay(written: str, title: str) -> None:
    rows = [f"<a href='/n/{n}'>{written}</a> <span>{n} ธ.ค. 2569</span>" for n in (1, 2, 3)]
    assert [item.title for item in run(listing(*rows)).items] == [title] * 3


@pytest.mark.parametrize("days", [("Tuesday 20 March 2018", "Monday 19 March 2018"),
                                  ("วันอังคารที่ 20 มีนาคม 2561", "วันจันทร์ที่ 19 มีนาคม 2561"),
                                  ("20 มี.ค. 61", "19 มี.ค. 61")])
def test_items_grouped_under_headings_of_the_day_take_their_date(days: tuple[str, str]) -> None:
    """Drupal's Views group a list by day: a heading, that day's rows, the next
    heading. The rows carry no date of their own."""
    def rows(numbers: range) -> str:
        return "".join(f"<div class='views-row'><span class='field-content'><a href='/journal/"
                       f"{n}'><h3>{headline(n)}</h3></a></span></div>" for n in numbers)
    page = (f"<html><body><div class='view-content'><h3>{days[0]}</h3>{rows(range(0, 3))}"
            f"<h3>{days[1]}</h3>{rows(range(3, 5))}</div></body></html>")
    result = run(page)
    assert [item.date_text for item in result.items] == [days[0]] * 3 + [days[1]] * 2


@pytest.mark.parametrize("form", [
    "20 มี.ค.2456 สิ้นเจ้าอุตรการโกศล กับคำสาบานรักของเจ้าหลวง ({n})",   # a column of history
    "({n}) คณะราษฎรเปลี่ยนแปลงการปกครองแผ่นดินสยาม 24 มิถุนายน 2475",
])
def test_a_date_no_publication_could_have_stays_in_the_headline(form: str) -> None:
    rows = [f"<a href='/history/{n}'><h4>{form.format(n=n)}</h4><div class='time'>"
            f"{n} วันที่ผ่านมา</div></a>" for n in (1, 2, 3)]
    result = run(listing(*rows))
    assert [item.title for item in result.items] == [form.format(n=n) for n in (1, 2, 3)]
    assert [item.date_text for item in result.items] == [f"{n} วันที่ผ่านมา" for n in (1, 2, 3)]



def test_the_warning_counts_links_in_menus_and_to_other_sites() -> None:
    # A page saved or mirrored elsewhere, or a site that moved and links its old
    # address: "no link to this site" alone sent users looking for selectors.
    rows = [f"<a href='https://www.old-agency.go.th/n/{n}'>{headline(n)}</a>" for n in (1, 2)]
    page = ("<html><body><header><a href='/a'>หน้าแรกของหน่วยงาน</a><a href='/b'>เกี่ยวกับเรา"
            "ของหน่วยงาน</a></header><ul>" + "".join(f"<li>{row}</li>" for row in rows)
            + "<li><a href='https://www.facebook.com/agency'>ติดตามเราได้ทางเฟซบุ๊ก</a></li>"
            "</ul></body></html>")
    result = run(page, url="https://www.new-agency.com/news/")
    assert ("(no link to this site could be a headline; 2 links in the page's header; "
            "3 links to other sites)") in result.warnings[0]


@pytest.mark.parametrize("blanks", [" " * 200_000, " :" * 100_000, " (" * 100_000])
def test_the_glue_patterns_stay_linear_on_blanks(blanks: str) -> None:
    # Texts reach them collapsed; a counter pattern of three optional blanks in a row
    # took minutes on 3,000 spaces, searched from every position, were one not.
    started = time.perf_counter()
    assert unglued(f"{headline(1)}{blanks}(อ่าน 25 คน)")[0].startswith(headline(1))
    assert unglued(f"{headline(1)}{blanks}ฉบับที่ 2")[0].endswith("ฉบับที่ 2")
    assert time.perf_counter() - started < 1


def test_a_link_text_of_dots_is_weighed_in_linear_time() -> None:
    # Whether a link says only "read more" (or is a file's name) gave the run before
    # its words back a character at a time: 5 MB of dots took 34 s; these, seconds.
    dots = "." * 400_000
    rows = [f"<a href='/n/{n}'>{headline(n)}</a>" for n in (1, 2, 3)]
    started = time.perf_counter()
    result = run(listing(*rows, f"<a href='/n/9'>{dots}</a>"))
    assert time.perf_counter() - started < 1.5
    assert [item.link.rsplit("/", 1)[1] for item in result.items][:3] == ["1", "2", "3"]


@pytest.mark.parametrize(("opening", "closing"), [("<br>", ""), ("<br/>", ""),
                                                  ("<div>", "</div>"), ("<p>", "</p>")])
def test_lines_inside_a_link_are_parted_by_a_space(opening: str, closing: str) -> None:
    rows = [f"<a href='/n/{n}'><span>ประกาศองค์การบริหารส่วนตำบลตัวอย่าง</span>{opening}เรื่อง "
            f"ผลการประชุมสภา สมัยที่ {n}{closing}</a> <span>{n} ธ.ค. 2569</span>" for n in (1, 2, 3)]
    assert [item.title for item in run(listing(*rows)).items] == [
        f"ประกาศองค์การบริหารส่วนตำบลตัวอย่าง เรื่อง ผลการประชุมสภา สมัยที่ {n}" for n in (1, 2, 3)]


@pytest.mark.parametrize("title", [
    "แจ้งหยุดให้บริการน้ำประปา วันที่ 10 ธันวาคม 2569",
    "ขอเชิญร่วมงานวันรัฐธรรมนูญ 10 ธันวาคม 2569",
    "ประชุมคณะกรรมการพัฒนาท้องถิ่น 4 ธ.ค. 69",
])
def test_a_date_ending_a_headline_stays_when_the_item_has_its_own(title: str) -> None:
    # The item's own date is beside the link; the one in the headline is an event's.
    links = [f"<a href='/n/{n}'>ครั้งที่ {n} {title}</a> <span class='date'>{n} ธ.ค. 2569</span>"
             for n in (1, 2, 3)]
    result = run(listing(*links))
    assert [item.title for item in result.items] == [f"ครั้งที่ {n} {title}" for n in (1, 2, 3)]
    assert [item.date_text for item in result.items] == [f"{n} ธ.ค. 2569" for n in (1, 2, 3)]
    # Without one, the glued date is the item's, and leaves the title.
    bare = run(listing(*[f"<a href='/n/{n}'>ครั้งที่ {n} {title}</a>" for n in (1, 2, 3)]))
    assert all(item.date_text and item.date_text in title for item in bare.items)
    assert all(not item.title.endswith(bare.items[0].date_text or "") for item in bare.items)


@pytest.mark.parametrize("title", [
    "รับสมัครเข้าร่วมโครงการฝึกอบรมอาชีพ ระหว่างวันที่ 1-15 ธันวาคม 2569",
    "แจ้งปิดปรับปรุงระบบสารสนเทศของหน่วยงาน 9 - 10 ธ.ค. 69",
    "เลื่อนการประชุมสภาองค์การบริหารส่วนตำบลเป็นวันที่ 12 ธันวาคม 2569",
    "ประกาศผู้ชนะการเสนอราคา จ้างซ่อมแซมถนน ลว. 3 ธ.ค. 69",
])
def test_a_date_the_headline_says_stays_whole_with_no_other(title: str) -> None:
    # The end of a range was cut, leaving "... ระหว่างวันที่ 1"; so were dates after
    # "เป็น" and "ลว." (ลงวันที่).
    result = run(listing(*[f"<a href='/n/{n}'>({n}) {title}</a>" for n in (1, 2, 3)]))
    assert [item.title for item in result.items] == [f"({n}) {title}" for n in (1, 2, 3)]


def test_a_title_attribute_is_cleaned_as_the_text_is() -> None:
    # The full headline in the link's title, with the file label and date the list
    # glues to it; the text cut with "...".
    full = "ผลการประชุมคณะกรรมการบริหารงานจังหวัดแบบบูรณาการ ครั้งที่"
    rows = [f"<a href='/n/{n}' title='{full} {n}/2569 (PDF) (28 พ.ย. 2569)'>{full[:30]}...</a>"
            for n in (1, 2, 3)]
    assert [item.title for item in run(listing(*rows)).items] == [
        f"{full} {n}/2569" for n in (1, 2, 3)]


@pytest.mark.parametrize("ending", ["โพสต์เมื่อ 28 พ.ย. 69", "(ประกาศเมื่อ 28 พ.ย. 2569)",
                                    "(ปรับปรุงล่าสุด 28 พ.ย. 2569)", "(Posted 28 Nov 2026)",
                                    "ประกาศวันที่ 28 พ.ย. 2569"])
def test_a_date_labelled_as_the_posting_is_the_items(ending: str) -> None:
    # "เมื่อ" keeps a date in a sentence; "โพสต์เมื่อ" labels the list's own.
    result = run(listing(*[f"<a href='/n/{n}'>{headline(n)} {ending}</a>" for n in (1, 2, 3)]))
    assert [item.title for item in result.items] == [headline(n) for n in (1, 2, 3)]
    assert all(item.date_text and "28" in item.date_text for item in result.items)


@pytest.mark.parametrize("days", [["วันนี้ 09:15 น.", "วันนี้ เวลา 08.30 น.", "เมื่อวาน 18:00"],
                                  ["5 ธ.ค. 09:30", "4 ธ.ค. 18:00 น.", "3 ธันวาคม 14:05"]])
def test_todays_and_this_years_dates_with_their_clock_are_found(days: list[str]) -> None:
    # News lists date today's items "วันนี้ 09:15 น." and this year's "5 ธ.ค. 09:30";
    # the second was read as "5 ธ.ค. 09", a year 09.
    rows = [f"<a href='/n/{n}'>{headline(n)}</a> <span class='time'>{day}</span>"
            for n, day in enumerate(days)]
    assert [item.date_text for item in run(listing(*rows)).items] == days


def test_a_date_cell_that_shows_the_last_edit_first_gives_the_posting_date() -> None:
    """A CMS that shows "แก้ไขล่าสุด" before "เผยแพร่": the item was published on the
    second date; the first would make an old notice new in the feed."""
    rows = [f"<a href='/n/{n}'>{headline(n)}</a><div class='meta'>แก้ไขล่าสุด: 5 ธ.ค. 2569 | "
            f"เผยแพร่: {n + 1} พ.ย. 2569</div>" for n in range(4)]
    result = run(listing(*rows))
    assert [item.date_text for item in result.items] == [f"{n + 1} พ.ย. 2569" for n in range(4)]


def test_dates_written_year_first_are_found() -> None:
    rows = [f"<span class='date'>2569/11/{n + 10}</span> <a href='/n/{n}'>{headline(n)}</a>"
            for n in range(4)]
    result = run(listing(*rows))
    assert [item.date_text for item in result.items] == [f"2569/11/{n + 10}" for n in range(4)]
    assert [item.title for item in result.items] == [headline(n) for n in range(4)]


def test_a_view_all_link_is_no_item() -> None:
    """A ministry's picture news ends its table with a row ".. Click to See More Picture
    News", long enough to pass for a headline; a section's icon link, titled."""
    rows = [f"<tr><td><a href='/pic/{n}'>{headline(n)}</a></td></tr>" for n in range(6)]
    page = ("<html><body><table class='detail'>" + "".join(rows) +
            "<tr><td><div class='title'><a href='picture_news.php'>.. Click to See More "
            "Picture News</a></div></td></tr></table>"
            "<a title='ดูทั้งหมด' href='/news/index'><span class='fa'></span></a>"
            "<p><a href='/news/back' title='ข่าวรัฐบาลดิจิทัล ย้อนหลัง'>ย้อนหลัง »</a></p>"
            "</body></html>")
    result = run(page)
    assert [item.title for item in result.items] == [headline(n) for n in range(6)]
    assert any("3 'view all' links" in note for note in result.notes), result.notes


def test_a_date_glued_to_the_full_title_of_a_cut_headline_is_the_items() -> None:
    """The visible text is cut before the date ("..."); the link's title holds the whole
    headline, the date glued to its end (the Fridays of March 2018)."""
    titles = ["สรุปประเด็นนายกรัฐมนตรีกล่าวในรายการศาสตร์พระราชา สู่การพัฒนาอย่างยั่งยืน",
              "รองนายกรัฐมนตรีเป็นประธานการประชุมคณะกรรมการนโยบายรัฐบาลดิจิทัล",
              "นายกรัฐมนตรีพบปะกลุ่มนักธุรกิจไทยที่เข้าร่วมการประชุมสุดยอดอาเซียน",
              "คณะรัฐมนตรีเห็นชอบแนวทางการให้บริการประชาชนผ่านระบบอิเล็กทรอนิกส์"]
    rows = [f"<div class='b1'><a title='{title}  วันศุกร์ที่ {2 + 7 * n} มีนาคม 2561' "
            f"href='/n/{n}'>{title[:40]}...</a></div>" for n, title in enumerate(titles)]
    result = run("<html><body><div class='news'>" + "".join(rows) + "</div></body></html>")
    assert [(item.title, item.date_text) for item in result.items] == [
        (title, f"วันศุกร์ที่ {2 + 7 * n} มีนาคม 2561") for n, title in enumerate(titles)]


@pytest.mark.parametrize(("badge", "expected"), [
    # a calendar badge: the day large, the month below, no year
    ("<div class='date'><span class='day'>{day}</span><span class='month'>Mar</span></div>",
     "{day} Mar"),
    ("<div class='post-date'><b>{day}</b><small>มี.ค.</small></div>", "{day} มี.ค."),
    # ... with its year, every part an element of its own
    ("<div class='date'><span>{day}</span><span>Mar</span><span>2018</span></div>",
     "{day} Mar 2018"),
])
def test_a_date_whose_parts_are_elements_of_their_own_is_found(badge: str,
                                                              expected: str) -> None:
    """Items dated this way looked undated, and a block of undated service links beat
    the news beside it (the civil service commission's home page)."""
    rows = [f"<article>{badge.format(day=21 - n)}<h4><a href='/blog/{n}'>{headline(n)}</a>"
            "</h4></article>" for n in range(4)]
    result = run("<html><body><section>" + "".join(rows) + "</section></body></html>")
    assert [item.date_text for item in result.items] == [
        expected.format(day=21 - n) for n in range(4)]


def test_a_day_and_month_alone_are_no_date_outside_a_date_element() -> None:
    rows = [f"<li><a href='/n/{n}'>{headline(n)}</a> <span>{n + 1} Mar</span></li>"
            for n in range(4)]
    assert [item.date_text for item in run(listing(*rows)).items] == [None] * 4


def test_a_deadline_beside_a_headline_is_not_its_date() -> None:
    """A university's events list: under each headline, when abstracts are due. Taken
    for the item's date, it dated the news weeks ahead of its publication."""
    rows = [f"<li class='body_lnk'><a href='/news/{n}'><h2>{headline(n)}</h2></a></li>"
            f"<li class='body'>Deadline submission: {15 + n} เมษายน 2561</li>" for n in range(4)]
    result = run("<html><body><ul class='news'>" + "".join(rows) + "</ul></body></html>")
    assert [item.title for item in result.items] == [headline(n) for n in range(4)]
    assert [item.date_text for item in result.items] == [None] * 4


LEAD_TITLES = ["รองนายกรัฐมนตรีแถลงผลการประชุมแก้ปัญหาการทำประมงผิดกฎหมาย",
               "รองนายกรัฐมนตรีเป็นประธานการประชุมคณะกรรมการนโยบายปาล์มน้ำมันแห่งชาติ",
               "ไทยย้ำความสำคัญของการสร้างความเชื่อมโยงทุกมิติบนพื้นฐานกติกา",
               "ไทยและออสเตรเลียจับมือเดินหน้าความสัมพันธ์ทั้งในกรอบอาเซียน",
               "นายกรัฐมนตรีพบปะกลุ่มนักธุรกิจไทยที่เข้าร่วมการประชุมสุดยอด"]


def _panel(before_list: str) -> str:
    rows = "".join(f"<div class='b1'><a href='/news/contents/details/{10858 - n}'>{title}</a>"
                   "</div><div><hr></div>" for n, title in enumerate(LEAD_TITLES[1:]))
    return (f"<html><body><div class='panel'><div class='panel-heading'>ข่าวทำเนียบรัฐบาล "
            f"</div><div class='panel-body'>{before_list}<div class='item-news'>{rows}</div>"
            "</div></div></body></html>")


def test_a_lists_lead_story_set_apart_above_it_is_its_first_item() -> None:
    """Government House shows its newest story above the list, with a picture and a
    heading of its own: the repeated block left it out."""
    lead = (f"<div class='image'><img src='10867.jpg'></div><h3 class='news-1'><a href="
            f"'/news/contents/details/10867'>{LEAD_TITLES[0]}</a></h3>")
    result = run(_panel(lead))
    assert [item.title for item in result.items] == LEAD_TITLES
    assert result.items[0].link == "https://www.example.go.th/news/contents/details/10867"


@pytest.mark.parametrize("before_list", [
    # the section's own heading, linking to its listing
    "<h3><a href='/news/contents/index/21'>ข่าวทำเนียบรัฐบาลทั้งหมดของสำนักงาน</a></h3>",
    # a row of links of the items' shape: a pager, a menu; which would be the lead?
    "<p><a href='/news/contents/details/1'>ข่าวทำเนียบรัฐบาลฉบับก่อนหน้านี้ทั้งปี</a> "
    "<a href='/news/contents/details/2'>ข่าวทำเนียบรัฐบาลฉบับถัดไปของปีนี้</a></p>",
])
def test_what_stands_above_a_list_without_being_its_lead_stays_out(before_list: str) -> None:
    result = run(_panel(before_list))
    assert [item.title for item in result.items] == LEAD_TITLES[1:]


def test_a_dated_list_in_a_front_page_widget_area_is_no_side_list() -> None:
    """A university's WordPress theme puts its home page's sections, the dated news
    among them, in a "widget area" below the main column: taken for a sidebar by that
    word, the news lost to an undated carousel of featured stories."""
    featured = "".join(
        f"<div class='item list-item'><a href='/?p={900 + n}'><img src='{n}.jpg'></a><h3>"
        f"<a href='/?p={900 + n}'>นิสิตคว้ารางวัลชนะเลิศการแข่งขันระดับประเทศ ครั้งที่ {n}</a></h3></div>"
        for n in range(6))
    news = "".join(
        f"<div class='latest-news-item'><h3 class='latest-news-title'><a href='/?p={800 + n}'>"
        f"ข่าวรอบรั้วมหาวิทยาลัย อบรมบุคลากร รุ่นที่ {n}</a></h3><div class='latest-news-meta'><span "
        f"class='posted-on'><a href='/?p={800 + n}'>{23 - n} มี.ค. 2018</a></span></div></div>"
        for n in range(8))
    page = (f"<html><body><div id='primary'><main><div class='owl-carousel list-post'>{featured}"
            "</div></main></div><div id='front-page-home-sections' class='widget-area'>"
            f"<h2 class='section-title'>รอบรั้ว</h2><div class='latest-news-wrapper'>{news}"
            "</div></div></body></html>")
    result = run(page)
    assert [item.title for item in result.items] == [
        f"ข่าวรอบรั้วมหาวิทยาลัย อบรมบุคลากร รุ่นที่ {n}" for n in range(8)]
    assert [item.date_text for item in result.items] == [f"{23 - n} มี.ค. 2018" for n in range(8)]


def test_a_headings_secondary_text_is_no_part_of_the_title() -> None:
    """A research institute's cards: `<h3>Onboard Charger <small>a description</small>`.
    The description made every title a paragraph long."""
    cards = "".join(
        f"<a href='/research/{n}.html' class='item'><img src='{n}.jpg'><h3>ระบบต้นแบบหมายเลข {n}"
        f" สำหรับหน่วยงานรัฐ <small>ผลงานวิจัยที่พัฒนาขึ้นเพื่อใช้งานจริงในหน่วยงานภาครัฐ รุ่นที่ {n}"
        "</small></h3></a>" for n in range(4))
    result = run(f"<html><body><div class='items four-col'>{cards}</div></body></html>")
    assert [item.title for item in result.items] == [
        f"ระบบต้นแบบหมายเลข {n} สำหรับหน่วยงานรัฐ" for n in range(4)]


@pytest.mark.parametrize("extra", [["no-margin", "", "", ""], ["", "", "mt10", ""],
                                   ["", "pb-3", "", ""]])
def test_a_spacing_class_on_one_items_wrapper_keeps_it_in_the_list(extra: list[str]) -> None:
    """The first news card's wrapper alone said `no-margin`: the news counted three
    items, not four, and lost to a row of research showcases above it."""
    showcase = "".join(
        f"<a href='/research/{n}.html' class='item'><h3>ผลงานวิจัยเด่นของสำนักงานด้านรัฐบาลดิจิทัล"
        f" ชิ้นที่ {n}</h3></a>" for n in range(4))
    cards = "".join(
        f"<div class='col-sm-6 {extra[n]}'><div class='items one-col'><a href='/news/pr/{n}.html'"
        f" class='item'><img src='{n}.jpg'><h3>{headline(n)}</h3></a></div></div>"
        for n in range(4))
    result = run(f"<html><body><div class='showcase'>{showcase}</div>"
                 f"<div class='news'><div class='row'>{cards}</div></div></body></html>")
    assert [item.title for item in result.items] == [headline(n) for n in range(4)]


def test_a_sections_folder_above_its_list_is_no_lead() -> None:
    """The section's heading links to its folder (`/social/highlight/`), whose items
    are files in it (`/social/highlight/<name>.html`): the last part, open among the
    items, is empty in the folder's address."""
    rows = "".join(f"<a href='/social/highlight/{name}.html' class='item'><h3>{headline(n)}"
                   "</h3></a>" for n, name in enumerate(["reading", "dams", "schools", "awards"]))
    page = ("<html><body><div class='box'><a href='/social/highlight/'><h2 class='sec-title'>"
            "เรื่องเด่นเพื่อสังคมของสำนักงาน</h2></a><div class='row'><div class='items'>"
            f"{rows}</div></div></div></body></html>")
    assert [item.title for item in run(page).items] == [headline(n) for n in range(4)]


def _module(name: str, titles: list[str], first_id: int) -> str:
    """A box of a Joomla news module, one template for each of a home page's boxes."""
    rows = "".join(f"<li class='{('even', 'odd')[n % 2]}'><div><h4><a href='/index.php?option="
                   f"com_content&view=article&id={first_id + n}'>{title}</a></h4></div></li>"
                   for n, title in enumerate(titles))
    return (f"<div class='span6'><h3 class='feature-header'>{name}</h3><div class='nspMain'>"
            f"<ul class='nspList nspCol1'>{rows}</ul></div></div>")


OWN_NEWS = [f"กฟผ. ร่วมลงนามความร่วมมือด้านพลังงานหมุนเวียนกับมหาวิทยาลัย ครั้งที่ {n}"
            for n in range(5)]
PRESS = [f"ข่าวแจกสื่อมวลชน: การไฟฟ้าชี้แจงข้อเท็จจริงกรณีการก่อสร้างโรงไฟฟ้าแห่งใหม่ ฉบับที่ {n}"
         for n in range(5)]
TENDERS = [f"ประกาศประกวดราคาซื้อครุภัณฑ์คอมพิวเตอร์และอุปกรณ์ต่อพ่วงสำหรับสำนักงานใหญ่ ด้วยวิธี"
           f"ประกวดราคาอิเล็กทรอนิกส์ (e-bidding) เลขที่ {n}" for n in range(5)]


def test_of_a_home_pages_boxes_of_one_template_the_first_is_read() -> None:
    """A state enterprise's home page shows its own news, then press releases, then
    procurement notices, each a box of one module: the longest titles (a notice's)
    chose the box. Boxes of one template are peers; the page leads with its news."""
    page = ("<html><body><div class='row-fluid'>" + _module("ข่าวภารกิจ", OWN_NEWS, 100)
            + _module("ข่าวสื่อมวลชน", PRESS, 200) + "</div><div class='row-fluid'>"
            + _module("ประกาศจัดซื้อจัดจ้าง", TENDERS, 300) + "</div></body></html>")
    result = run(page)
    assert [item.title for item in result.items] == OWN_NEWS
    assert sum("a later list of the same template as the one read" in note
               for note in result.notes) == 2, result.notes


def test_a_first_box_far_weaker_than_the_best_of_its_template_is_not_read() -> None:
    page = ("<html><body><div class='row-fluid'>" + _module("ลิงก์", ["เว็บไซต์กระทรวงพลังงาน",
                                                                     "เว็บไซต์กระทรวงการคลัง"], 90)
            + _module("ข่าวสื่อมวลชน", PRESS, 200) + "</div></body></html>")
    assert [item.title for item in run(page).items] == PRESS


TEASERS = [f"สำนักงานจัดประชุมรับฟังความคิดเห็นต่อร่างแนวทางการให้บริการดิจิทัล ครั้งที่ {n}"
           for n in range(4)]


@pytest.mark.parametrize("teaser", [
    # Drupal's views: the teaser is itself a link to the story
    "<div class='views-field-teaser'><div class='field-content'><a href='/journal/{n}'>{text}"
    "</a></div></div>",
    # a teaser ending in a link to the story that says "read more"
    "<p>{text} <a href='/journal/{n}' class='read-more'> read more <i class='icon'></i></a></p>",
])
def test_a_teaser_that_links_to_its_story_is_its_summary(teaser: str) -> None:
    rows = [f"<div class='views-row'><span class='views-field-title'><a href='/journal/{n}'>"
            f"{headline(n)}</a></span>{teaser.format(n=n, text=TEASERS[n])}</div>"
            for n in range(4)]
    result = run("<html><body><div class='view-content'>" + "".join(rows) + "</div></body></html>")
    assert [item.summary for item in result.items] == TEASERS


@pytest.mark.parametrize("elsewhere", ["/topic/{n}", "http://[::{n}"])   # ... or nowhere
def test_a_teaser_that_links_elsewhere_is_no_summary(elsewhere: str) -> None:
    rows = [f"<div class='views-row'><a href='/journal/{n}'>{headline(n)}</a><div class='teaser'>"
            f"<a href='{elsewhere.format(n=n)}'>{TEASERS[n]}</a></div></div>" for n in range(4)]
    result = run("<html><body><div class='view-content'>" + "".join(rows) + "</div></body></html>")
    assert [item.summary for item in result.items] == [""] * 4


SECTIONS = {"politics": "การเมือง", "regional": "ภูมิภาค", "economy": "เศรษฐกิจ"}


def _box(number: int, category: str, lead_column: str) -> str:
    """A newspaper's section box: its name and a link to all of it, then the lead's
    picture and headline in one column and the rest of the box in the next."""
    rows = "".join(
        f"<li><a href='/news/{kind}/{number * 100 + n}'><div class='row'>"
        f"<h4>{headline(number * 10 + n)}</h4><div class='time'>{n + 1} ชั่วโมงที่ผ่านมา</div>"
        "</div></a></li>"
        for n, kind in enumerate((category, "crime", category, "today")))
    return (f"<div class='col-md-4'><div class='topic-section'><span>{SECTIONS[category]}</span>"
            f"<a href='/news/{category}' class='view-all'>ดูทั้งหมด &gt;&gt;</a></div>"
            f"<div class='row'><div class='col-xs-12'>{lead_column}</div>"
            f"<div class='col-xs-12'><ul class='list-unstyled top-bordered'>{rows}</ul></div>"
            "</div></div>")


def _lead_picture(number: int, kind: str) -> str:
    return (f"<div class='img-wrap'><a href='/news/{kind}/{number * 100 + 99}' class='a-thumb'>"
            f"<div class='caption'>เรื่องเด่นของหมวดที่ {number}: {headline(number)}</div>"
            f"<img src='/thumb/{number}.jpg'></a></div>")


def test_each_section_boxs_lead_beside_its_list_is_its_first_item() -> None:
    """A newspaper's home page: each section's box shows its newest story as a picture
    with a caption, in a column of its own before the column of the box's list, and
    the lead's section is not always the one most of the list is from."""
    boxes = "".join(_box(n, category, _lead_picture(n, kind)) for n, (category, kind) in
                    enumerate([("politics", "foreign"), ("regional", "regional"),
                               ("economy", "economy")], start=1))
    result = run(f"<html><body><div class='row'>{boxes}</div></body></html>")
    titles = [item.title for item in result.items]
    for n in (1, 2, 3):
        lead = f"เรื่องเด่นของหมวดที่ {n}: {headline(n)}"
        assert titles[titles.index(lead) + 1] == headline(n * 10), titles
    assert len(titles) == 15


@pytest.mark.parametrize("lead_column", [
    # the box's own listing, a link of another shape
    "<h3><a href='/news/economy'>ข่าวเศรษฐกิจทั้งหมดของหนังสือพิมพ์ฉบับนี้</a></h3>",
    # an advertisement: another site's address
    "<a href='https://shop.example.com/promo/1'>โปรโมชั่นพิเศษสำหรับสมาชิกหนังสือพิมพ์</a>",
    # a story of another kind of address than the list's
    "<a href='/gallery/photo/77'>ภาพข่าวประจำวันของหนังสือพิมพ์ฉบับนี้ทั้งหมด</a>",
])
def test_what_stands_beside_a_boxs_list_without_being_its_lead_stays_out(
        lead_column: str) -> None:
    result = run(f"<html><body><div class='row'>{_box(3, 'economy', lead_column)}</div>"
                 "</body></html>")
    assert [item.title for item in result.items] == [headline(30 + n) for n in range(4)]
