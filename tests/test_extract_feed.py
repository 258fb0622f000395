"""The `feed` extractor on real-world-shaped fixtures, hostile ones included."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from monitor.config.settings import Source
from monitor.config.sourcetypes import SOURCE_TYPES
from monitor.errors import ExtractError
from monitor.extract import get_extractor
from monitor.extract.feed import google_news_identity, split_outlet
from monitor.extract.xmlsafe import strip_prolog
from monitor.models import Document, Extraction

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
FEED_URL = "https://www.example.go.th/rss/feed.xml"
GNEWS_URL = "https://news.google.com/rss/search?q=%22e-government%22&hl=th&gl=TH&ceid=TH:th"
ICT = timezone(timedelta(hours=7))


def make_doc(name: str, *, url: str = FEED_URL, content_type: str = "application/rss+xml",
             codec: str = "utf-8") -> Document:
    """A Document as the fetcher would hand it over (body decoded with `codec`)."""
    body = (FEEDS / name).read_bytes()
    return Document(url=url, content=body, text=body.decode(codec), encoding=codec,
                    content_type=content_type)


def text_doc(text: str, *, url: str = FEED_URL, content_type: str = "application/xml"
             ) -> Document:
    return Document(url=url, content=text.encode("utf-8", "surrogatepass"), text=text,
                    encoding="utf-8", content_type=content_type)


def run(doc: Document, source_url: str = FEED_URL) -> Extraction:
    return get_extractor("feed")(doc, Source(name="test", url=source_url, type="feed"))


def everything(extraction: Extraction) -> str:
    """Every string the extraction carries, to assert what must never appear in it."""
    return repr(extraction)


# --- the registry ----------------------------------------------------------------------

def test_registry_covers_every_configurable_source_type() -> None:
    for source_type in SOURCE_TYPES:
        assert callable(get_extractor(source_type))


def test_unknown_source_type_names_the_valid_ones() -> None:
    with pytest.raises(ExtractError) as info:
        get_extractor("rss")
    message = str(info.value)
    assert "'rss'" in message
    for source_type in SOURCE_TYPES:
        assert source_type in message


# --- well-formed feeds of every format -------------------------------------------------

# (fixture, content type, note naming the format, expected items as
#  (title, link, date_text, published or None, summary prefix))
FORMATS = [
    ("rss20_dga.xml", "application/rss+xml", "RSS 2.0", [
        ("สพร. จัดสัมมนาเผยแพร่ พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565",
         "https://www.dga.or.th/news/seminar-egov-act-2565/",
         "Wed, 09 Nov 2022 10:00:00 +0700", datetime(2022, 11, 9, 10, 0, tzinfo=ICT),
         "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) หรือ สพร. จัดสัมมนา เผยแพร่ความรู้ & "),
        # relative link resolved against the feed URL; a Buddhist-era year in pubDate
        # is not trusted as a structured date: the Thai reader gets the text.
        ("แอปพลิเคชัน ทางรัฐ เพิ่มบริการใหม่ 20 รายการ",
         "https://www.example.go.th/news/tangrat-new-services/",
         "Tue, 08 Nov 2565 16:30:00 +0700", None, "บริการภาครัฐผ่าน ทางรัฐ เพิ่มขึ้น"),
        # no zone written: the configured timezone applies, which only the pipeline knows
        ("ประกาศรายชื่อผู้ผ่านการคัดเลือก ตำแหน่งนักวิเคราะห์ระบบ",
         "https://www.dga.or.th/news/recruit-2565-11/", "Mon, 07 Nov 2022 09:00:00", None, ""),
        ("DGA เปิดตัว Digital ID ระยะที่ 2", "https://www.dga.or.th/news/digital-id-phase-2/",
         None, None, "ระบบพิสูจน์และยืนยันตัวตนทางดิจิทัล ระยะที่ 2"),
    ]),
    ("rss10_rdf.xml", "application/rdf+xml", "RSS 1.0", [
        ("พระราชกฤษฎีกากำหนดหลักเกณฑ์และวิธีการทางอิเล็กทรอนิกส์ พ.ศ. 2565",
         "https://www.krisdika.go.th/law/20221101", "2022-11-01T08:30:00+07:00",
         datetime(2022, 11, 1, 8, 30, tzinfo=ICT), "ประกาศในราชกิจจานุเบกษา เล่ม 139"),
        ("กฎกระทรวงว่าด้วยการขอรับบริการทางอิเล็กทรอนิกส์ พ.ศ. 2565",
         "https://www.krisdika.go.th/law/20221020", "2022-10-20", None, ""),
    ]),
    ("rss091.xml", "text/xml", "RSS 0.91", [
        ("Electronic Government Operations Act takes effect",
         "https://www.bangkokpost.com/tech/2430000/electronic-government-operations-act-takes-effect",
         None, None, "Agencies must offer e-services under the new law."),
        ("DGA pushes digital ID for civil servants",
         "https://www.bangkokpost.com/tech/2431111/dga-pushes-digital-id", None, None, ""),
    ]),
    ("atom_etda.xml", "application/atom+xml", "Atom 1.0", [
        # type="html" title reduced to text; relative href resolved against xml:base
        ("ETDA ชวนหน่วยงานรัฐใช้ ลายมือชื่ออิเล็กทรอนิกส์ & e-Document",
         "https://www.etda.or.th/th/newsevents/pr-news/e-signature-gov.aspx",
         "2022-11-10T08:45:00+07:00", datetime(2022, 11, 10, 8, 45, tzinfo=ICT),
         "แนวทางการใช้ลายมือชื่ออิเล็กทรอนิกส์ในงานสารบรรณ"),
        ("มาตรฐานการรักษาความมั่นคงปลอดภัยสำหรับบริการดิจิทัลภาครัฐ",
         "https://www.etda.or.th/th/newsevents/pr-news/security-standard.aspx",
         "2022-11-03T14:30:00Z", datetime(2022, 11, 3, 14, 30, tzinfo=UTC),
         "ร่างมาตรฐาน ขมธอ. เปิดรับฟังความคิดเห็น"),
    ]),
    ("jsonfeed11.json", "application/feed+json", "JSON Feed 1.1", [
        ("ภาคประชาสังคมตั้งคำถามต่อ ระบบ Digital ID ภาครัฐ",
         "https://prachatai.com/journal/2022/11/101500", "2022-11-09T13:20:00+07:00",
         datetime(2022, 11, 9, 13, 20, tzinfo=ICT), "นักวิชาการชี้ความเสี่ยงด้านข้อมูลส่วนบุคคล"),
        ("เปิดเวทีรับฟังความเห็น กฎกระทรวง e-Service",
         "https://www.example.go.th/journal/2022/11/101499", "2022-11-08T09:00:00", None,
         "กระทรวงดิจิทัลฯ เปิดรับฟังความคิดเห็น…"),
        ("นายกฯ มอบนโยบายรัฐบาลดิจิทัล", "https://www.thaigov.go.th/news/contents/details/60000",
         "2022-11-07T10:00:00Z", datetime(2022, 11, 7, 10, 0, tzinfo=UTC), "ข้อความ หลาย บรรทัด"),
    ]),
]


@pytest.mark.parametrize(("fixture", "content_type", "format_name", "expected"), FORMATS,
                         ids=[case[0] for case in FORMATS])
def test_each_feed_format_is_read_entry_by_entry(fixture: str, content_type: str,
                                                 format_name: str, expected: list) -> None:
    result = run(make_doc(fixture, content_type=content_type))
    assert f"read as {format_name}" in result.notes
    got = [(i.title, i.link, i.date_text, i.published) for i in result.items]
    assert got == [row[:4] for row in expected]
    for item, row in zip(result.items, expected, strict=True):
        assert item.summary.startswith(row[4])
        assert item.published is None or item.published.utcoffset() is not None
        assert "<" not in item.summary and "alert" not in item.summary


def test_json_feed_drops_untitled_and_unsafe_items_and_says_so() -> None:
    result = run(make_doc("jsonfeed11.json", content_type="application/feed+json"))
    assert result.warnings == ["dropped 1 entry with a link that is not http(s)",
                               "dropped 2 entries with no title"]
    assert [i.guid for i in result.items] == [
        "https://prachatai.com/journal/2022/11/101500", "101499", "ext"]


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", ""])
def test_json_feed_is_recognised_whatever_the_content_type(content_type: str) -> None:
    result = run(make_doc("jsonfeed11.json", content_type=content_type))
    assert len(result.items) == 3


@pytest.mark.parametrize("body", ['{"title": "not a feed"}', '{"version": 1, "items": []}',
                                  '{"version": "https://jsonfeed.org/version/1.1", "items": 5}',
                                  '{"version": "https://jsonfeed.org/version/1", '])
def test_json_that_is_not_a_json_feed_is_an_error(body: str) -> None:
    with pytest.raises(ExtractError, match="not a feed"):
        run(text_doc(body, content_type="application/json"))


# --- encodings -------------------------------------------------------------------------

@pytest.mark.parametrize("declared", ["TIS-620", "windows-874", "ISO-8859-11", "utf-8"])
def test_tis620_feed_decoded_by_the_fetcher_stays_thai(declared: str) -> None:
    body = (FEEDS / "tis620_rss.xml").read_bytes().replace(b"TIS-620", declared.encode())
    doc = Document(url="https://ratchakitcha.soc.go.th/rss.xml", content=body,
                   text=body.decode("cp874"), encoding="cp874", content_type="text/xml")
    result = run(doc)
    assert [i.title for i in result.items] == [
        "ประกาศสำนักนายกรัฐมนตรี เรื่อง มาตรฐานการให้บริการทางอิเล็กทรอนิกส์ พ.ศ. ๒๕๖๕",
        "พระราชกฤษฎีกาว่าด้วยการปฏิบัติราชการทางอิเล็กทรอนิกส์ “ฉบับที่ ๒”",
    ]
    assert result.items[0].summary == "เล่ม ๑๓๙ ตอนพิเศษ ๒๖๕ ง หน้า ๑๒"
    assert result.warnings == []
    assert "à¸" not in everything(result) and "\ufffd" not in everything(result)


# --- Google News -----------------------------------------------------------------------

def test_google_news_titles_lose_their_outlet_suffix_and_dedupe_on_title_and_outlet() -> None:
    result = run(make_doc("gnews_search.xml", url=GNEWS_URL), source_url=GNEWS_URL)
    got = [(i.title, i.outlet, i.identity) for i in result.items]
    assert got == [
        ("ครม.ไฟเขียว ร่างกฎกระทรวง ตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์", "ไทยรัฐ",
         "gnews:ครม.ไฟเขียว ร่างกฎกระทรวง ตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์|ไทยรัฐ"),
        # a " - " inside the headline stays: the <source> element names the outlet
        ("ดีอี - สพร. เร่งหน่วยงานรัฐ ทำ e-Service ให้ครบ", "มติชนออนไลน์",
         "gnews:ดีอี - สพร. เร่งหน่วยงานรัฐ ทำ e-service ให้ครบ|มติชนออนไลน์"),
        # no <source>: the last " - " suffix is the outlet
        ("Thailand's e-government law: what agencies must do", "Bangkok Post",
         "gnews:thailand's e-government law: what agencies must do|bangkok post"),
    ]
    assert all(i.link.startswith("https://news.google.com/rss/articles/") for i in result.items)
    assert all(i.summary == "" for i in result.items)
    assert result.items[0].published == datetime(2022, 11, 9, 7, 0, tzinfo=UTC)


def test_google_news_is_recognised_by_the_feed_link_too() -> None:
    # served through a proxy or a mirror: only the channel <link> says Google News
    result = run(make_doc("gnews_search.xml", url="https://mirror.example.org/gnews.xml"),
                 source_url="https://mirror.example.org/gnews.xml")
    assert result.items[0].outlet == "ไทยรัฐ"


def test_a_malformed_channel_link_is_no_reason_to_lose_the_feed() -> None:
    # urlsplit raises on an unclosed IPv6 literal; the link only says whether this is
    # Google News, and a feed that spoils it is still read.
    text = ('<rss version="2.0"><channel><title>x</title><link>http://[2001:db8::1</link>'
            '<item><title>ครม. มติวันนี้</title><link>https://www.thaigov.go.th/news/1</link>'
            '</item></channel></rss>')
    assert [item.link for item in run(text_doc(text)).items] == [
        "https://www.thaigov.go.th/news/1"]


def test_an_ordinary_feed_keeps_dashes_in_titles() -> None:
    text = ('<rss version="2.0"><channel><title>x</title><item><title>ครม. - มติวันนี้'
            '</title><link>https://www.thaigov.go.th/news/1</link></item></channel></rss>')
    item = run(text_doc(text)).items[0]
    assert (item.title, item.outlet, item.identity) == ("ครม. - มติวันนี้", None, None)


@pytest.mark.parametrize(("title", "hint", "expected"), [
    ("ข่าว A - ไทยรัฐ", "", ("ข่าว A", "ไทยรัฐ")),
    ("ข่าว - A - ไทยรัฐ", "ไทยรัฐ", ("ข่าว - A", "ไทยรัฐ")),
    ("ข่าว - A - ไทยรัฐ ออนไลน์", "ไทยรัฐ ออนไลน์", ("ข่าว - A", "ไทยรัฐ ออนไลน์")),
    ("ไม่มีชื่อสำนักข่าว", "", ("ไม่มีชื่อสำนักข่าว", None)),
    ("ไม่มีชื่อสำนักข่าว", "PPTV", ("ไม่มีชื่อสำนักข่าว", "PPTV")),
    (" - ไทยรัฐ", "", (" - ไทยรัฐ", None)),
])
def test_split_outlet(title: str, hint: str, expected: tuple[str, str | None]) -> None:
    assert split_outlet(title, hint) == expected


def test_google_news_identity_ignores_case_and_spacing() -> None:
    assert google_news_identity("DGA  เปิดตัว\nThaID", "Bangkok Post") == \
        google_news_identity("dga เปิดตัว thaid", "BANGKOK POST")
    assert google_news_identity("ข่าว", "ไทยรัฐ") != google_news_identity("ข่าว", "มติชน")


# --- hostile and broken input ----------------------------------------------------------

@pytest.mark.parametrize("fixture", ["billion_laughs.xml", "xxe.xml"])
def test_entity_declarations_are_never_expanded(fixture: str) -> None:
    started = time.perf_counter()
    result = run(make_doc(fixture))
    assert time.perf_counter() - started < 0.5
    assert "removed a DOCTYPE with an internal subset" in result.warnings[0]
    dump = everything(result)
    assert "lollol" not in dump
    assert "ข่าว ทางรัฐ" not in dump      # even a harmless-looking entity stays unexpanded
    assert "root:" not in dump and "/bin/" not in dump
    assert Path("/etc/passwd").read_text().splitlines()[0] not in dump
    assert "text with" not in dump
    assert len(result.items) == 1 and len(dump) < 2000


def test_a_doctype_after_the_root_element_is_not_expanded_either() -> None:
    text = ('<rss version="2.0"><!DOCTYPE x [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;">]>'
            '<channel><title>t</title><item><title>ข่าว &b;</title>'
            '<link>https://a.go.th/1</link></item></channel></rss>')
    dump = everything(run(text_doc(text)))
    assert "AAAAAAAAAA" not in dump


def test_strip_prolog_keeps_comments_and_stylesheets_but_not_declarations() -> None:
    text = ('\ufeff<?xml version="1.0" encoding="windows-874"?>\n<!-- note -->\n'
            '<?xml-stylesheet href="s.xsl"?>\n<!DOCTYPE rss PUBLIC "-//N//DTD RSS 0.91//EN" '
            '"http://my.netscape.com/rss-0.91.dtd">\n<rss/>')
    stripped, warnings = strip_prolog(text)
    assert stripped == '\n<!-- note -->\n<?xml-stylesheet href="s.xsl"?>\n\n<rss/>'
    assert warnings == []  # an external DTD reference alone is not suspicious


def test_a_truncated_feed_is_read_with_a_warning() -> None:
    result = run(make_doc("truncated.xml"))
    assert [i.link for i in result.items] == ["https://www.opdc.go.th/content/Nzk1Ng",
                                              "https://www.opdc.go.th/content/Nzk1NQ"]
    assert any("not well-formed" in w for w in result.warnings)


def test_control_characters_and_surrogates_never_reach_a_field() -> None:
    result = run(make_doc("control_chars.xml"))
    assert [(i.title, i.summary) for i in result.items] == [
        ("ประกาศสำนักงาน[31m ก.พ.ร.", "สรุปข่าว"), ("เปิดรับฟังความเห็น", "")]


def test_raw_lone_surrogates_in_the_decoded_text_are_removed() -> None:
    # e.g. a body decoded with surrogateescape; encoding it would otherwise raise
    text = ('<rss version="2.0"><channel><title>t</title><item><title>ข่าว\ud83d ใหม่\udc00'
            '</title><link>https://a.go.th/\udfff1</link><description>ก\x01ข</description>'
            '</item></channel></rss>')
    [item] = run(text_doc(text)).items
    assert (item.title, item.link, item.summary) == ("ข่าว ใหม่", "https://a.go.th/1", "กข")


def test_unsafe_links_and_untitled_entries_are_dropped_and_counted() -> None:
    result = run(make_doc("hostile_links.xml"))
    assert [(i.title, i.link) for i in result.items] == [
        ("ดีอี แถลงผลงานรัฐบาลดิจิทัล", "https://www.mdes.go.th/news/detail/6003")]
    assert result.warnings == ["dropped 4 entries with a link that is not http(s)",
                               "dropped 1 entry with no link",
                               "dropped 2 entries with no title"]


@pytest.mark.parametrize(("fixture", "content_type"), [
    ("not_a_feed.html", "text/html"), ("not_a_feed.html", "application/rss+xml")])
def test_a_document_that_is_not_a_feed_is_an_error(fixture: str, content_type: str) -> None:
    with pytest.raises(ExtractError, match=r"^not a feed: \S+ is an HTML page; use type: auto, "
                       r"or type: html with selectors$"):
        run(make_doc(fixture, content_type=content_type))


@pytest.mark.parametrize("text", ["", "   \n", "plain words, no markup", "<html></html>"])
def test_empty_or_markup_free_documents_are_not_feeds(text: str) -> None:
    with pytest.raises(ExtractError, match=r"^not a feed"):
        run(text_doc(text))


def test_an_empty_but_valid_feed_is_not_an_error() -> None:
    result = run(text_doc('<rss version="2.0"><channel><title>ว่าง</title></channel></rss>'))
    assert result.items == [] and result.warnings == []


def test_long_html_summaries_become_short_plain_text() -> None:
    paragraph = "<p>การปฏิบัติราชการทาง<b>อิเล็กทรอนิกส์</b> &amp; บริการ</p>\n" * 60
    text = ('<rss version="2.0"><channel><title>t</title><item><title>ยาว</title>'
            f'<link>https://a.go.th/1</link><description><![CDATA[{paragraph}]]></description>'
            '</item></channel></rss>')
    summary = run(text_doc(text)).items[0].summary
    assert len(summary) <= 500 and summary.endswith("…")
    # inline markup does not split a Thai word; paragraphs are separated
    assert summary.startswith("การปฏิบัติราชการทางอิเล็กทรอนิกส์ & บริการ การปฏิบัติ")


def test_a_byte_order_mark_does_not_hide_a_json_feed() -> None:
    text = "\ufeff" + (FEEDS / "jsonfeed11.json").read_text(encoding="utf-8")
    assert len(run(text_doc(text, content_type="application/json")).items) == 3


@pytest.mark.parametrize(("written", "trusted"), [
    ("Wed, 09 Nov 2022 10:00:00 GMT", True),
    ("Wed, 09 Nov 2022 10:00:00 +0700", True),
    ("2022-11-09T10:00:00+07:00", True),
    ("2022-11-09T10:00:00Z", True),
    ("Wed, 09 Nov 2022 10:00:00", False),      # zoneless: the configured timezone applies
    ("2022-11-09T10:00:00", False),
    ("Wed, 09 Nov 2565 10:00:00 +0700", False),  # a Buddhist-era year
    ("Thu, 01 Jan 1970 00:00:00 GMT", False),    # a CMS placeholder
])
def test_structured_dates_only_when_the_feed_states_a_zone(written: str, trusted: bool) -> None:
    text = ('<rss version="2.0"><channel><title>t</title><item><title>ข่าว</title>'
            f'<link>https://a.go.th/1</link><pubDate>{written}</pubDate></item></channel></rss>')
    [item] = run(text_doc(text)).items
    assert item.date_text == written
    assert (item.published is not None) is trusted


def test_a_permalink_guid_serves_as_the_link() -> None:
    text = ('<rss version="2.0"><channel><title>t</title><item><title>ข่าว</title>'
            '<guid isPermaLink="true">https://www.prd.go.th/th/content/category/detail/id/9/'
            'iid/123</guid></item></channel></rss>')
    [item] = run(text_doc(text)).items
    assert item.link == "https://www.prd.go.th/th/content/category/detail/id/9/iid/123"


def test_an_entry_with_only_an_attachment_links_to_it() -> None:
    """An agency's feed of announcements may carry each as an attached PDF and no
    page: feed readers offer the attachment, and so does the monitor. An entry's
    own page still comes first, and an attachment that is no http(s) URL is none."""
    text = ('<rss version="2.0"><channel><title>t</title>'
            '<item><title>ประกาศ หนึ่ง</title><enclosure url="https://www.abc.go.th/doc/1.pdf"'
            ' type="application/pdf" length="1"/></item>'
            '<item><title>ประกาศ สอง</title><link>https://www.abc.go.th/news/2</link>'
            '<enclosure url="https://www.abc.go.th/doc/2.pdf" type="application/pdf"'
            ' length="1"/></item>'
            '<item><title>ประกาศ สาม</title><enclosure url="javascript:alert(1)"'
            ' type="application/pdf" length="1"/></item></channel></rss>')
    result = run(text_doc(text))
    assert [(i.title, i.link) for i in result.items] == [
        ("ประกาศ หนึ่ง", "https://www.abc.go.th/doc/1.pdf"),
        ("ประกาศ สอง", "https://www.abc.go.th/news/2")]
    assert result.warnings == ["dropped 1 entry with a link that is not http(s)"]


def test_extractors_are_imported_only_when_a_type_is_used() -> None:
    """`monitor check` validates types from the registry without importing any extractor."""
    code = ("import sys; import monitor.config, monitor.config.sourcetypes; "
            "print(sorted(m for m in sys.modules if m.startswith('monitor.extract')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_a_description_escaped_twice_reads_as_text() -> None:
    """Some CMSs escape a description's HTML once more than RSS asks: decoded once, it
    still showed `<p>` and `</p>` around every summary of the feed."""
    feed = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            "<link>https://www.example.go.th/</link><description>d</description>"
            "<item><title>ประกาศ &amp;quot;ทางรัฐ&amp;quot;</title>"
            "<link>https://www.example.go.th/n/1</link>"
            "<description>&amp;lt;p&amp;gt;สพร. เปิด &amp;lt;strong&amp;gt;บริการใหม่"
            "&amp;lt;/strong&amp;gt; &amp;amp; ข้อมูล&amp;lt;/p&amp;gt;&amp;lt;br /&amp;gt;"
            "</description></item>"
            "<item><title>ข่าว</title><link>https://www.example.go.th/n/2</link>"
            "<description>&lt;p&gt;ราคา a &amp;lt; b ยังเป็นข้อความ&lt;/p&gt;</description></item>"
            "</channel></rss>")
    source = Source(name="f", url=FEED_URL, type="feed")
    items = get_extractor("feed")(text_doc(feed), source).items
    assert [i.title for i in items] == ['ประกาศ "ทางรัฐ"', "ข่าว"]
    assert [i.summary for i in items] == ["สพร. เปิด บริการใหม่ & ข้อมูล",
                                          "ราคา a < b ยังเป็นข้อความ"]


@pytest.mark.parametrize("atom", [False, True])
def test_links_written_with_backslashes_are_read_as_a_browser_reads_them(atom: bool) -> None:
    # A feed made on a Windows server. feedparser resolves links against the feed's own
    # address first, which put them under it (https://www.example.go.th/rss///www...).
    links = ["https:\\\\www.example.go.th\\news\\81", "\\news\\82", "news\\83.php?a=b\\c"]
    if atom:
        entries = "".join(f'<entry><title>ข่าว {n}</title><link rel="alternate" href="{link}"/>'
                          f"<id>urn:n{n}</id><updated>2026-12-0{n}T09:00:00+07:00</updated>"
                          "</entry>" for n, link in enumerate(links, 1))
        text = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{entries}</feed>'
    else:
        entries = "".join(f"<item><title>ข่าว {n}</title><link> {link} </link></item>"
                          for n, link in enumerate(links, 1))
        text = f'<rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'
    assert [item.link for item in run(text_doc(text)).items] == [
        "https://www.example.go.th/news/81", "https://www.example.go.th/news/82",
        "https://www.example.go.th/rss/news/83.php?a=b\\c"]


@pytest.mark.parametrize("fragment", ["<link ", "<link href='", "<link href='\\", "<link>\\"])
def test_mending_backslashed_links_stays_linear_on_hostile_feeds(fragment: str) -> None:
    # 200,000 characters of unclosed link tags: a first pattern took 35 s on "<link "
    # repeated, each try running to the end of the text.
    text = ('<rss version="2.0"><channel><title>t</title><item><title>ข่าว</title>'
            f"<link>https://www.example.go.th/n/1</link></item>{fragment * 20000}\\"
            "</channel></rss>")
    started = time.perf_counter()
    with contextlib.suppress(ExtractError):
        run(text_doc(text))
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("written", ["1732779312", "1732779312000"])
def test_a_pubdate_of_seconds_since_1970_is_read(written: str) -> None:
    # A PHP CMS printing its database's time as it is.
    text = ('<rss version="2.0"><channel><title>t</title><item><title>ข่าวประชาสัมพันธ์</title>'
            f"<link>https://www.example.go.th/n/1</link><pubDate>{written}</pubDate></item>"
            "</channel></rss>")
    [item] = run(text_doc(text)).items
    assert item.published == datetime(2024, 11, 28, 7, 35, 12, tzinfo=UTC)
