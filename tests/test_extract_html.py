"""The `html` extractor: listing pages read with `select:` selectors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from monitor.config.settings import Selectors, Source
from monitor.errors import ExtractError
from monitor.extract import get_extractor
from monitor.extract.html import Selector
from monitor.models import Document, Extraction

PAGES = Path(__file__).parent / "fixtures" / "html"


def page(name: str, url: str) -> Document:
    body = (PAGES / name).read_bytes()
    return Document(url=url, content=body, text=body.decode("utf-8"), encoding="utf-8",
                    content_type="text/html")


def html_doc(markup: str, url: str = "https://www.example.go.th/news/list.php") -> Document:
    return Document(url=url, content=markup.encode(), text=markup, encoding="utf-8",
                    content_type="text/html")


def run(doc: Document, **select: str) -> Extraction:
    source = Source(name="test", url=doc.url, type="html", select=Selectors(**select))
    return get_extractor("html")(doc, source)


OPDC = "https://www.opdc.go.th/news/list.php"
ETDA = "https://www.etda.or.th/th/newsevents/list?page=1"
GAZETTE = "https://apprkj.soc.go.th/search?q=%E0%B8%AD%E0%B8%B4"
E_SIGN = "https://www.etda.or.th/th/newsevents/pr-news/e-signature-gov.aspx"
SECURITY = "https://www.etda.or.th/th/newsevents/pr-news/security-standard.aspx"

# (case id, fixture, page url, selectors, expected (title, link, date_text, summary),
#  expected warnings)
CASES: list[tuple[str, str, str, dict[str, str], list[tuple[Any, ...]], list[str]]] = [
    ("defaults-with-date-and-summary", "opdc_list.html", OPDC,
     {"item": "div.news-list > div.item", "date": "span.date", "summary": "p.excerpt"},
     [("ก.พ.ร. ประชุมคณะทำงาน พัฒนาระบบราชการ 4.0", "https://www.opdc.go.th/content/Nzk1Ng",
       "9 พ.ย. 65", "รายละเอียด การประชุม"),
      # relative to the page's directory; the repeated link (third item) is dropped
      ("แนวทางการประเมินตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์",
       "https://www.opdc.go.th/news/content/Nzk1NQ?lang=th#top",
       "วันที่ 8 พฤศจิกายน 2565", "")],
     ["skipped 1 item whose link points back to this page",
      "skipped 1 item without a title",
      "skipped 2 items without an http(s) link"]),
    ("base-href-attr-link-datetime-attr", "etda_cards.html", ETDA,
     {"item": "article.card", "title": "h3.card-title", "link": "h3 a::attr(href)",
      "date": "time::attr(datetime)", "summary": "p.excerpt"},
     [("ETDA ชวนหน่วยงานรัฐใช้ลายมือชื่ออิเล็กทรอนิกส์", E_SIGN, "2022-11-10T08:45:00+07:00",
       "แนวทางการใช้ ลายมือชื่อ อิเล็กทรอนิกส์ในงานสารบรรณ"),
      ("มาตรฐานความมั่นคงปลอดภัยบริการดิจิทัลภาครัฐ", SECURITY, "2022-11-03", "")],
     ["skipped 1 item without an http(s) link"]),
    ("default-title-of-an-image-link-comes-from-the-headline-link", "etda_cards.html", ETDA,
     {"item": "article.card", "date": "time"},   # its datetime, not "10 พ.ย. 2565"
     [("ETDA ชวนหน่วยงานรัฐใช้ลายมือชื่ออิเล็กทรอนิกส์", E_SIGN, "2022-11-10T08:45:00+07:00", ""),
      ("มาตรฐานความมั่นคงปลอดภัยบริการดิจิทัลภาครัฐ", SECURITY, "2022-11-03", ""),
      ("อ่านต่อ", "https://www.etda.or.th/th/newsevents/pr-news/untitled.aspx", None, "")],
     []),
    ("link-selector-without-attr-means-its-href", "etda_cards.html", ETDA,
     {"item": "article.card", "title": "h3", "link": "a.more"},
     [("ETDA ชวนหน่วยงานรัฐใช้ลายมือชื่ออิเล็กทรอนิกส์", E_SIGN + "?ref=more", None, ""),
      ("มาตรฐานความมั่นคงปลอดภัยบริการดิจิทัลภาครัฐ", SECURITY + "?ref=more", None, "")],
     ["skipped 1 item without a title"]),
    ("table-rows-with-thai-digits", "gazette_table.html", GAZETTE,
     {"item": "table.result tr", "title": "td:nth-child(2)", "date": "td:nth-child(4)"},
     [("ประกาศสำนักนายกรัฐมนตรี เรื่อง มาตรฐานการให้บริการทางอิเล็กทรอนิกส์ พ.ศ. ๒๕๖๕",
       "https://apprkj.soc.go.th/DATA/PDF/2565/E/265/T_0012.PDF", "๙ พฤศจิกายน ๒๕๖๕", ""),
      ("พระราชกฤษฎีกากำหนดหลักเกณฑ์และวิธีการทางอิเล็กทรอนิกส์ พ.ศ. ๒๕๖๕",
       "https://apprkj.soc.go.th/DATA/PDF/2565/A/065/T_0001.PDF", "๑ พฤศจิกายน ๒๕๖๕", "")],
     ["skipped 1 item without an http(s) link"]),   # the header row
    ("item-itself-via-bare-attr", "gazette_table.html", GAZETTE,
     {"item": "a.doc", "link": "::attr(href)", "title": "::attr(title)"},
     [("ประกาศสำนักนายกรัฐมนตรี เรื่อง มาตรฐานการให้บริการทางอิเล็กทรอนิกส์",
       "https://apprkj.soc.go.th/DATA/PDF/2565/E/265/T_0012.PDF", None, "")],
     ["skipped 1 item without a title"]),
    ("item-that-is-a-link-defaults", "gazette_table.html", GAZETTE,
     {"item": "a.doc"},
     [("ประกาศสำนักนายกรัฐมนตรี เรื่อง มาตรฐานการให้บริการทางอิเล็กทรอนิกส์ พ.ศ. ๒๕๖๕",
       "https://apprkj.soc.go.th/DATA/PDF/2565/E/265/T_0012.PDF", None, ""),
      ("พระราชกฤษฎีกากำหนดหลักเกณฑ์และวิธีการทางอิเล็กทรอนิกส์ พ.ศ. ๒๕๖๕",
       "https://apprkj.soc.go.th/DATA/PDF/2565/A/065/T_0001.PDF", None, "")],
     []),
]


@pytest.mark.parametrize(("fixture", "url", "select", "expected", "warnings"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_listing_pages(fixture: str, url: str, select: dict[str, str],
                       expected: list[tuple[Any, ...]], warnings: list[str]) -> None:
    result = run(page(fixture, url), **select)
    got = [(i.title, i.link, i.date_text, i.summary) for i in result.items]
    assert got == expected
    assert result.warnings == warnings
    assert all(i.published is None for i in result.items)  # dates are the Thai reader's job


def test_repeated_links_keep_the_first_and_say_so() -> None:
    result = run(page("opdc_list.html", OPDC), item="div.item")
    assert [i.title for i in result.items if i.link.endswith("/content/Nzk1Ng")] == [
        "ก.พ.ร. ประชุมคณะทำงาน พัฒนาระบบราชการ 4.0"]
    assert "kept the first of repeated links (1 duplicates skipped)" in result.notes


def test_zero_matches_is_a_warning_not_an_error() -> None:
    result = run(page("opdc_list.html", OPDC), item="div.x")
    assert result.items == []
    assert result.warnings == ["no element matched select.item 'div.x'"]


def test_base_href_that_is_not_http_is_ignored() -> None:
    markup = ('<html><head><base href="javascript:alert(1)//"></head><body>'
              '<ul><li><a href="detail/1">ข่าวหนึ่ง</a></li></ul></body></html>')
    [item] = run(html_doc(markup), item="li").items
    assert item.link == "https://www.example.go.th/news/detail/1"


def test_relative_base_href_resolves_against_the_page() -> None:
    markup = ('<html><head><base href="/th/"></head><body>'
              '<ul><li><a href="news/2">ข่าวสอง</a></li></ul></body></html>')
    result = run(html_doc(markup), item="li")
    assert result.items[0].link == "https://www.example.go.th/th/news/2"
    assert "links resolved against <base href> https://www.example.go.th/th/" in result.notes


def test_a_file_name_with_spaces_links_where_a_browser_goes() -> None:
    # Agencies upload documents named in words; a browser sends the space as %20.
    markup = ('<ul><li><a href="/uploads/ประกาศ สำนักงาน 2568.pdf">ประกาศ</a></li>'
              '<li><a href="\n  /n/3  ">ข่าวสาม</a></li></ul>')
    assert [i.link for i in run(html_doc(markup), item="li").items] == [
        "https://www.example.go.th/uploads/ประกาศ%20สำนักงาน%202568.pdf",
        "https://www.example.go.th/n/3"]


@pytest.mark.parametrize("href", ["mailto:pr@dga.or.th", "data:text/html,hi", "file:///etc/passwd",
                                  " JavaScript:alert(1)", "javascript\n:alert(1)"])
def test_non_http_links_are_skipped(href: str) -> None:
    markup = f'<ul><li><a href="{href}">ลิงก์</a></li><li><a href="/n/3">ข่าวสาม</a></li></ul>'
    result = run(html_doc(markup), item="li")
    assert [i.link for i in result.items] == ["https://www.example.go.th/n/3"]
    assert result.warnings == ["skipped 1 item without an http(s) link"]


def test_titles_are_cleaned_and_inline_markup_does_not_split_words() -> None:
    markup = ('<div class="i"><a href="/a">การปฏิบัติราชการทาง<b>อิเล็กทรอนิกส์</b>\n\t'
              'และ e<i>-Service</i>\x00\x1b\u00a0ใหม่</a><p>ย่อหน้า</p><p>สอง</p></div>')
    [item] = run(html_doc(markup), item="div.i", summary="p").items
    assert item.title == "การปฏิบัติราชการทางอิเล็กทรอนิกส์ และ e-Service ใหม่"
    assert item.summary == "ย่อหน้า"


def test_summaries_are_bounded() -> None:
    markup = f'<div class="i"><a href="/a">หัวข้อ</a><p>{"ข้อความยาว " * 200}</p></div>'
    [item] = run(html_doc(markup), item="div.i", summary="p").items
    assert len(item.summary) <= 500 and item.summary.endswith("…")


@pytest.mark.parametrize(("select", "message"), [
    ({"item": "div["}, "select.item 'div[' is not valid CSS"),
    ({"item": "li", "title": "h3 >"}, "select.title 'h3 >' is not valid CSS"),
    ({"item": "li::attr(href)"}, "must select elements"),
    ({"item": "::attr(href)"}, "must select elements"),
])
def test_bad_selectors_are_errors_that_name_the_key(select: dict[str, str],
                                                    message: str) -> None:
    with pytest.raises(ExtractError, match=re.escape(message)):
        run(html_doc('<ul><li><a href="/a">ข่าว</a></li></ul>'), **select)


def test_an_html_source_without_selectors_is_an_error() -> None:
    doc = html_doc("<p>x</p>")
    with pytest.raises(ExtractError, match="no `select:`"):
        get_extractor("html")(doc, Source(name="dga", url=doc.url, type="html"))


@pytest.mark.parametrize(("spec", "css", "attr"), [
    ("a::attr(href)", "a", "href"),
    ("time::attr(datetime)", "time", "datetime"),
    ("::attr(href)", "", "href"),
    ("div.x > a[href^='/n']::attr( data-url )", "div.x > a[href^='/n']", "data-url"),
    ("h3 a", "h3 a", None),
    ("  span.date  ", "span.date", None),
])
def test_selector_syntax(spec: str, css: str, attr: str | None) -> None:
    parsed = Selector.parse("link", spec)
    assert (parsed.css, parsed.attr) == (css, attr)


def test_block_elements_separate_words_and_scripts_are_not_text() -> None:
    markup = ('<div class="i"><a href="/a"><h4>หัวข้อข่าว</h4><span>อ่านต่อ</span></a>'
              '<div class="sum"><p>ย่อหน้าแรก</p><p>ย่อหน้าสอง</p>'
              '<script>var x = "โฆษณา";</script><style>p{}</style></div></div>')
    [item] = run(html_doc(markup), item="div.i", summary="div.sum").items
    assert item.title == "หัวข้อข่าว อ่านต่อ"
    assert item.summary == "ย่อหน้าแรก ย่อหน้าสอง"


@pytest.mark.parametrize("row", [
    '<a href="/n/{n}" title="{full}">{shown}</a>',                     # the link's tooltip
    '<a href="/n/{n}"><span class="t" title="{full}">{shown}</span></a>',  # the title's own
])
@pytest.mark.parametrize("title", [None, "span.t, a"])
def test_a_headline_the_listing_cut_short_is_read_whole_from_its_tooltip(
        row: str, title: str | None) -> None:
    """Listings cut long headlines with "..." and carry them whole in `title`."""
    full = "การประชุมคณะกรรมการพัฒนารัฐบาลดิจิทัล ครั้งที่ 3/2569 เพื่อพิจารณาแนวทางการให้บริการ"
    shown = full[:40] + "..."
    rows = "".join("<li>" + row.format(n=n, full=f"{full} ({n})", shown=shown) + "</li>"
                   for n in range(2))
    select = {"item": "li", **({"title": title} if title else {})}
    result = run(html_doc(f"<html><body><ul>{rows}</ul></body></html>"), **select)
    assert [item.title for item in result.items] == [f"{full} (0)", f"{full} (1)"]


def test_a_tooltip_that_is_not_the_headline_or_an_attribute_asked_for_is_kept() -> None:
    row = '<li><a href="/n/1" title="ดูรายละเอียด">ประกาศผลการประกวดราคา...</a></li>'
    assert [i.title for i in run(html_doc(f"<ul>{row}</ul>"), item="li").items] == [
        "ประกาศผลการประกวดราคา..."]
    row = '<li><a href="/n/1" title="ประกาศฉบับเต็ม">ประกาศ...</a> <b data-t="ประกาศ..."></b></li>'
    assert [i.title for i in run(html_doc(f"<ul>{row}</ul>"), item="li",
                                 title="b::attr(data-t)").items] == ["ประกาศ..."]


def test_a_time_elements_datetime_is_the_items_date() -> None:
    """WordPress writes the exact moment in <time datetime> and a day without a year,
    or "2 hours ago", as its text: the attribute is read, as `auto` reads it. An
    attribute asked for, or one that is no ISO date, leaves the choice to the user."""
    markup = ("<ul><li><a href='/n/1'>ข่าวหนึ่ง</a><span class='d'><time "
              "datetime='2026-12-07T10:30:00+07:00'>2 ชั่วโมงที่แล้ว</time></span></li>"
              "<li><a href='/n/2'>ข่าวสอง</a><span class='d'><time datetime='{{date}}'>"
              "6 ธ.ค. 2569</time></span></li></ul>")
    found = run(html_doc(markup), item="li", title="a", link="a::attr(href)", date=".d")
    assert [i.date_text for i in found.items] == ["2026-12-07T10:30:00+07:00", "6 ธ.ค. 2569"]
    by_time = run(html_doc(markup), item="li", title="a", link="a::attr(href)", date="time")
    assert [i.date_text for i in by_time.items] == ["2026-12-07T10:30:00+07:00", "6 ธ.ค. 2569"]
    asked = run(html_doc(markup), item="li", title="a", link="a::attr(href)",
                date="time::attr(datetime)")
    assert [i.date_text for i in asked.items] == ["2026-12-07T10:30:00+07:00", "{{date}}"]


def test_a_picture_link_is_titled_by_what_its_picture_says() -> None:
    # An agency's news grid of pictures: the alt text (or the link's aria-label) is the
    # headline a screen reader reads out; an alt that is a file name or says "picture"
    # names no headline, and such an item is skipped as untitled.
    markup = (
        '<ul class="grid">'
        '<li><a href="/n/1"><img src="/p/1.jpg" alt="ประชุมคณะกรรมการพัฒนารัฐบาลดิจิทัล"></a>'
        '<p><img src="/p/x.jpg" alt="ภาพบรรยากาศ"></p></li>'
        '<li><a href="/n/2" aria-label="อบรมการใช้แอปทางรัฐ"><img src="/p/2.jpg" alt="รูป"></a></li>'
        '<li><a href="/n/3"><img src="/p/3.jpg" alt="IMG_2041.JPG"></a></li>'
        '<li><a href="/n/4"><img src="/p/4.jpg" alt="banner-4"></a></li>'
        '<li><a href="/n/5"><img src="/p/5.jpg" alt="รูปภาพ"></a></li>'
        '<li><a href="/n/6"><img src="/p/6.jpg"></a></li>'
        '<li><a href="/n/7"><img src="/p/7.jpg" alt="กรมการปกครองแจงผลงาน2568"></a></li>'
        '</ul>')
    expected = [("ประชุมคณะกรรมการพัฒนารัฐบาลดิจิทัล", "https://www.example.go.th/n/1"),
                ("อบรมการใช้แอปทางรัฐ", "https://www.example.go.th/n/2"),
                ("กรมการปกครองแจงผลงาน2568", "https://www.example.go.th/n/7")]
    for select in ({"item": "li"}, {"item": "li", "title": "a"}):
        result = run(html_doc(markup), **select)
        assert [(i.title, i.link) for i in result.items] == expected, select
        assert result.warnings == ["skipped 4 items without a title"], select
    # Only a title is read from a picture: a summary cell of pictures is no summary.
    result = run(html_doc(markup), item="li", summary="p")
    assert [i.summary for i in result.items] == ["", "", ""]


def test_long_alt_texts_and_dotted_titles_are_judged_in_linear_time() -> None:
    """Hostile pages: whether an alt text is a file name tried every place for its
    digit, and whether a headline is cut short ("...") searched from every position;
    each took a second at 12,000 characters and grew with the square (these sizes
    ran into the test time limit)."""
    digits = "a" + "1" * 200_000 + "!"   # not a file name: the "!" is no part of one
    dots = "." * 200_000 + "x"           # ends in no ellipsis
    markup = (f'<ul><li><a href="/n/1"><img src="/p/1.jpg" alt="{digits}"></a></li>'
              f'<li><a href="/n/2">{dots}</a></li><li><a href="/n/3" '
              f'title="ข่าวประชาสัมพันธ์">ข่าว{"." * 200_000}</a></li></ul>')
    result = run(html_doc(markup), item="li")
    assert [item.title for item in result.items] == [digits, dots, "ข่าวประชาสัมพันธ์"]


SHELL_PAGE = ('<!doctype html><html lang="th"><head><title>กรมตัวอย่าง</title>'
              '<script src="/static/js/main.4f2a.js"></script></head><body>'
              '<noscript>You need to enable JavaScript to run this app.</noscript>'
              '<div id="root"><div class="spinner">กำลังโหลด</div></div></body></html>')


CARDS = "<html><body>" + "".join(
    f"<a href='/n/{i}'><div class='card'><h3>ข่าวประชาสัมพันธ์ที่ {i}</h3></div></a>"
    for i in range(3)) + "</body></html>"
ROWS = "<html><body>" + "".join(
    f"<div class='row' data-url='/n/{i}'><h3>ข่าวประชาสัมพันธ์ที่ {i}</h3></div>"
    for i in range(3)) + "</body></html>"

PICTURES = "<html><body>" + "".join(
    f"<div class='row'><a href='/n/{i}'><img src='/i/{i}.jpg'></a><p>ข่าวที่ {i}</p></div>"
    for i in range(3)) + "</body></html>"


@pytest.mark.parametrize(("page", "select", "hint"), [
    (CARDS, {"item": "div.card", "title": "h3"},
     'each item sits inside its link: make the <a> around it the item '
     '(e.g. select.item: "a:has(div.card)")'),
    (ROWS, {"item": "div.row", "title": "h3"},
     'the items hold no <a href>: name their link with select.link (e.g. "::attr(data-url)")'),
    (ROWS, {"item": "div.row", "title": "h3", "link": "a::attr(href)"},
     "select.link 'a::attr(href)' found no http(s) address in any item"),
    (PICTURES, {"item": "div.row"},
     "the items' links have no text (a picture without alt text?): name their title "
     "with select.title"),
    (PICTURES, {"item": "div.row", "title": "h3"},
     "select.title 'h3' found no text in any item"),
])
def test_items_none_of_which_is_read_say_what_to_try(
        page: str, select: dict[str, str], hint: str) -> None:
    # Cards wrapped in their link, rows whose link is an attribute, and picture
    # links are the real layouts behind "every item was filtered out".
    skipped = "a title" if page is PICTURES else "an http(s) link"
    assert run(html_doc(page), **select).warnings == [f"skipped 3 items without {skipped}",
                                                      hint]


def test_the_hinted_selectors_read_the_items() -> None:
    assert len(run(html_doc(CARDS), item="a:has(div.card)", title="h3").items) == 3
    assert len(run(html_doc(ROWS), item="div.row", title="h3",
                   link="::attr(data-url)").items) == 3
    assert len(run(html_doc(PICTURES), item="div.row", title="p").items) == 3


@pytest.mark.parametrize(("body", "what", "kind"), [
    ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><item>'
     "<title>ข่าว</title><link>https://www.example.go.th/n/1</link></item></channel></rss>",
     "a feed", "feed"),
    ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
     "<url><loc>https://www.example.go.th/n/1</loc></url></urlset>", "a sitemap", "sitemap"),
    ('  {"data": [{"title": "ข่าว", "url": "/n/1"}]}', "JSON", "json"),
])
def test_selectors_on_a_feed_sitemap_or_api_name_the_type_to_use(
        body: str, what: str, kind: str) -> None:
    # A user who pasted the site's RSS or API address under type: html.
    doc = html_doc(body)
    assert run(doc, item="div.row").warnings == [
        f"no element matched select.item 'div.row': {doc.url} is {what}; use type: {kind}"]


def test_a_page_its_scripts_build_says_so_when_nothing_is_found() -> None:
    # An agency portal built in the browser: its HTML holds no listing for any
    # selector, and the user's next step is the data it loads, or render: true.
    hint = ("the page shows only 9 characters of text and runs scripts: its listing is "
            "probably built by them. Read the data they load (the browser's Network tab; "
            "type: json or the fragment's URL), or set render: true")
    assert run(html_doc(SHELL_PAGE), item="li.news").warnings == [
        f"no element matched select.item 'li.news'; {hint}"]
    source = Source(name="portal", url="https://www.example.go.th/", type="auto")
    [warning] = get_extractor("auto")(html_doc(SHELL_PAGE, source.url), source).warnings
    assert warning.endswith(f"; {hint}") and "no repeated block of article links" in warning
    # A page with text of its own (a wrong selector), or without scripts, gets no hint.
    wordy = SHELL_PAGE.replace("กำลังโหลด", "ข่าวประชาสัมพันธ์ของกรม " * 20)
    assert run(html_doc(wordy), item="li.news").warnings == [
        "no element matched select.item 'li.news'"]
    static = SHELL_PAGE.replace('<script src="/static/js/main.4f2a.js"></script>', "")
    assert run(html_doc(static), item="li.news").warnings == [
        "no element matched select.item 'li.news'"]


@pytest.mark.parametrize("script", [
    'location.href = "https://www.example.ac.th/web2012/"\nvar moved = 1;',   # no semicolon
    "function Redirect() {\n window.location='https://www.example.ac.th/web2012/';\n}\n"
    "setTimeout('Redirect()', 1500);",
    'window.location.replace("https://www.example.ac.th/web2012/");',
])
def test_a_page_whose_script_only_moves_on_names_where_to(script: str) -> None:
    """Splash and moved-site pages (a university's, a newspaper's old address) send
    the browser on by script: the address is the advice, not render: true."""
    page = f"<html><head><script>{script}</script></head><body><img src='logo.gif'></body></html>"
    assert run(html_doc(page), item="li.news").warnings == [
        "no element matched select.item 'li.news'; the page shows only 0 characters of text "
        "and its script sends the browser on to https://www.example.ac.th/web2012/: use that "
        "address as the source's url"]
