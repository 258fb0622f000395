"""Article main text, title, date and summary for `fetch_article`.

Each fixture in tests/fixtures/articles/ has a `<name>.expected.txt` beside it:
`# title:`, `# date:` and optional `# encoding:`, then body paragraphs that
must appear (`+`), boilerplate that must not (`-`) and lines that may (`~`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.extract.article import Article, extract_article
from monitor.extract.htmltext import find_date_text, summarize
from monitor.models import Document

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
PAGES = sorted(p.name.removesuffix(".expected.txt") for p in FIXTURES.glob("*.expected.txt"))


def load(name: str) -> tuple[Article, dict[str, str], dict[str, list[str]]]:
    header: dict[str, str] = {}
    lines: dict[str, list[str]] = {"+": [], "-": [], "~": []}
    for raw in (FIXTURES / f"{name}.expected.txt").read_text(encoding="utf-8").splitlines():
        if raw.startswith("# ") and ":" in raw:
            key, _, value = raw[2:].partition(":")
            header.setdefault(key.strip(), value.strip())
        elif raw[:2] in ("+ ", "- ", "~ "):
            lines[raw[0]].append(raw[2:])
    content = (FIXTURES / f"{name}.html").read_bytes()
    encoding = header.get("encoding", "utf-8")
    doc = Document(url=f"https://www.example.go.th/{name}", content=content,
                   text=content.decode(encoding), encoding=encoding, content_type="text/html")
    return extract_article(doc), header, lines


def page(html: str, content_type: str = "text/html") -> Article:
    return extract_article(Document(url="https://www.example.go.th/a/1", content=html.encode(),
                                    text=html, encoding="utf-8", content_type=content_type))


BODY = "<p>" + "หน่วยงานของรัฐต้องจัดให้มีช่องทางอิเล็กทรอนิกส์สำหรับประชาชน " * 4 + "</p>"
BODY2 = "<p>" + "คำขอที่ยื่นทางอิเล็กทรอนิกส์มีผลเช่นเดียวกับการยื่นด้วยกระดาษ " * 4 + "</p>"


def test_at_least_five_article_fixtures() -> None:
    assert len(PAGES) >= 5
    assert {"gov_press", "news", "wordpress", "table_body", "sidebars"} <= set(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_body_has_every_expected_paragraph(name: str) -> None:
    article, _, lines = load(name)
    paragraphs = article.text.split("\n")
    missing = [line for line in lines["+"] if line not in paragraphs]
    assert missing == []


@pytest.mark.parametrize("name", PAGES)
def test_body_has_no_navigation_footer_or_sidebar_text(name: str) -> None:
    article, _, lines = load(name)
    assert [line for line in lines["-"] if line in article.text] == []


@pytest.mark.parametrize("name", PAGES)
def test_body_is_only_body(name: str) -> None:
    article, _, lines = load(name)
    allowed = lines["+"] + lines["~"]
    assert [p for p in article.text.split("\n") if p not in allowed] == []


@pytest.mark.parametrize("name", PAGES)
def test_title_and_date_as_written(name: str) -> None:
    article, header, _ = load(name)
    assert article.title == header["title"]
    assert article.date_text == header["date"]


@pytest.mark.parametrize(("name", "where"), [
    ("news", "meta article:published_time"),
    ("wordpress", "<time datetime>"),
    ("sidebars", "<time> text"),
    ("drupal_node", "itemprop=datePublished"),
    ("gov_press", "Thai text under the title"),
    ("table_body", "Thai text under a <font> title"),
])
def test_each_date_source_is_read(name: str, where: str) -> None:
    article, header, _ = load(name)
    assert article.date_text == header["date"], where


def test_date_from_json_ld_graph() -> None:
    html = ('<html><head><script type="application/ld+json">{"@graph": [{"@type": "WebPage"},'
            '{"@type": "NewsArticle", "datePublished": "2022-11-09T10:00:00+07:00"}]}</script>'
            f"</head><body><article><h1>หัวข้อข่าว</h1>{BODY}</article></body></html>")
    assert page(html).date_text == "2022-11-09T10:00:00+07:00"


def test_broken_json_ld_is_ignored() -> None:
    html = ('<html><head><script type="application/ld+json">{"datePublished": </script></head>'
            f"<body><h1>หัวข้อข่าว</h1><p>วันที่ 7 ก.ค.2569</p>{BODY}</body></html>")
    assert page(html).date_text == "วันที่ 7 ก.ค.2569"


def test_sidebar_time_is_not_the_article_date() -> None:
    html = (f"<html><body><aside class='sidebar'><time datetime='2020-01-01'>1 ม.ค. 63</time>"
            f"</aside><h1>หัวข้อข่าว</h1><p>9 พ.ย. 65</p>{BODY}</body></html>")
    assert page(html).date_text == "9 พ.ย. 65"


def test_todays_date_above_the_title_loses_to_the_date_below_it() -> None:
    html = ("<html><body><div class='today'>วันพฤหัสบดีที่ 10 พฤศจิกายน 2565</div>"
            f"<h1>หัวข้อข่าว</h1><div class='info'>เผยแพร่ 9 พ.ย. 2565</div>{BODY}</body></html>")
    assert page(html).date_text == "9 พ.ย. 2565"


def test_summary_is_the_opening_cut_at_a_space() -> None:
    article, _, _ = load("gov_press")
    assert 150 <= len(article.summary) <= 300
    assert article.text.replace("\n", " ").startswith(article.summary)
    following = article.text.replace("\n", " ")[len(article.summary)]
    assert following == " ", "the cut must fall on a word boundary"


def test_summary_of_a_short_text_is_the_text() -> None:
    assert summarize("สั้น ๆ\nสองย่อหน้า") == "สั้น ๆ สองย่อหน้า"


def test_summary_prefers_a_paragraph_end() -> None:
    first = "ก" * 200
    assert summarize(f"{first}\n{'ข ' * 200}") == first


def test_summary_prefers_a_sentence_end_in_english() -> None:
    text = "The act took effect. " * 10 + "Agencies must " + "accept online requests " * 20
    result = summarize(text)
    assert result.endswith("The act took effect.")


def test_summary_does_not_split_a_date_or_an_abbreviation() -> None:
    text = "ขอบเขตของงาน " * 21 + "ลงวันที่ 9 พ.ย. 2565 ตามพ.ร.บ. การปฏิบัติราชการ " + "ต่อ " * 40
    result = summarize(text)
    assert len(result) <= 300
    assert not re.search(r"(\d|พ\.ย\.|พ\.ร\.บ\.)$", result), result


def test_summary_without_spaces_is_cut_hard_and_says_so() -> None:
    result = summarize("ก" * 400)
    assert result == "ก" * 300 + "…"


def test_text_without_markup_hints_falls_back_to_the_densest_block() -> None:
    menu = "".join(f"<a href='/m/{i}'>เมนูที่ {i} ของเว็บไซต์</a><br>" for i in range(30))
    poll = "<p>โปรดร่วมตอบแบบสำรวจความพึงพอใจต่อบริการออนไลน์ของสำนักงาน</p>"
    html = f"<html><body><div>{menu}{poll}</div><div><div>{BODY}{BODY2}</div></div></body></html>"
    article = page(html)
    assert "เมนูที่" not in article.text and "แบบสำรวจ" not in article.text
    assert article.text.count("หน่วยงานของรัฐ") == 4 and article.text.count("คำขอ") == 4


def test_a_wrapper_class_that_sounds_like_boilerplate_keeps_the_body() -> None:
    html = (f"<html><body><article><div class='print-area'>{BODY}{BODY2}</div>"
            "<div class='share'>แชร์</div></article></body></html>")
    article = page(html)
    assert article.text.count("หน่วยงานของรัฐ") == 4 and article.text.count("คำขอ") == 4
    assert "แชร์" not in article.text


def test_a_pdf_gives_an_empty_article_not_an_error() -> None:
    assert page("%PDF-1.7 " + "ข้อความ " * 50, content_type="application/pdf") == Article(
        text="", title=None, date_text=None, summary="")


def test_an_empty_page_gives_an_empty_article() -> None:
    article = page("")
    assert article == Article(text="", title=None, date_text=None, summary="")


@pytest.mark.parametrize(("text", "expected"), [
    ("โพสต์เมื่อ 9 พ.ย. 2565 โดย admin", "9 พ.ย. 2565"),
    ("(7 เม.ย.66)", "7 เม.ย.66"),
    ("วันพุธที่ 9 พฤศจิกายน 2565 เวลา 14.30 น. | อ่าน 5", "วันพุธที่ 9 พฤศจิกายน 2565 เวลา 14.30 น."),
    ("๙ พฤศจิกายน ๒๕๖๕", "๙ พฤศจิกายน ๒๕๖๕"),
    ("ปรับปรุง 09/11/2565 14:30", "09/11/2565 14:30"),
    ("2022-11-09T10:15:00+07:00", "2022-11-09T10:15:00+07:00"),
    ("Posted 19 June 2566", "19 June 2566"),
    ("อัปเดต 2 ชั่วโมงที่แล้ว", "2 ชั่วโมงที่แล้ว"),
    ("เมื่อวานนี้ 18:00", "เมื่อวานนี้ 18:00"),   # with its clock
    # an edit's date gives way to the posting's, whichever comes first; alone, it stays
    ("แก้ไขล่าสุด: 5 ธ.ค. 2569 | เผยแพร่: 1 ธ.ค. 2569", "1 ธ.ค. 2569"),
    ("ปรับปรุงข้อมูลล่าสุดเมื่อวันที่ 5 ธันวาคม 2569 โพสต์ 1 ธันวาคม 2569", "1 ธันวาคม 2569"),
    ("Updated on 5 Dec 2026 · Posted 1 Dec 2026", "1 Dec 2026"),
    ("Posted 1 Dec 2026 · Updated 5 Dec 2026", "1 Dec 2026"),
    ("แก้ไขล่าสุด 5 ธ.ค. 2569", "5 ธ.ค. 2569"),
    # a deadline is never when the item was published
    ("Deadline submission: 15 เมษายน 2561", None),
    ("กำหนดส่งบทคัดย่อ (Short abstract) ภายในวันที่ 31 มีนาคม 2561", None),
    ("หมดเขตรับสมัคร 31 มี.ค. 2561 | ประกาศ 1 มี.ค. 2561", "1 มี.ค. 2561"),
    ("ปิดรับสมัคร: 20/12/2569", None),
    ("เปิดรับสมัครตั้งแต่ 16 เม.ย. 2569 เป็นต้นไป", "16 เม.ย. 2569"),   # opening, not closing
    ("ฉบับที่ 5/2565", None),
    ("อัปเดต 2569/12/05 10:30 น.", "2569/12/05 10:30 น."),   # year first, as databases write
    ("https://www.abt.go.th/news/2025/12/05/budget", None),    # a path's parts are no date
    ("เลขรับ 2569/13/05", None),
    ("เลขที่ 108 ถนนรางน้ำ", None),
])
def test_find_date_text(text: str, expected: str | None) -> None:
    assert find_date_text(text) == expected
