"""The fixture site of the end-to-end tests: feeds and listings in every encoding.

Each listing variant has its own titles, so a decoding mistake in one of them
shows up as a missing entry rather than hiding behind another variant's copy.
"""

from __future__ import annotations

from pathlib import Path

from tests.crawl_helpers import TOPICS
from tests.httpserver import FixtureServer

SITE = Path(__file__).parent / "fixtures" / "site"

# variant path -> (encoding written, Content-Type header, <meta> declaration, titles)
LISTINGS: dict[str, tuple[str, str, str, tuple[str, str, str]]] = {
    "utf8": ("utf-8", "text/html; charset=utf-8", '<meta charset="utf-8">', (
        "กรมการปกครองออกแนวทางการให้บริการตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์",
        "กรมการปกครองจัดกีฬาสีประจำปีของบุคลากร",
        "กรมการปกครองอบรมระบบสารบรรณอิเล็กทรอนิกส์ให้ปลัดอำเภอทั่วประเทศ",
    )),
    "tis-header": ("cp874", "text/html; charset=TIS-620", "", (
        "กรมที่ดินประกาศหลักเกณฑ์การยื่นคำขอทางอิเล็กทรอนิกส์ตามกฎหมายว่าด้วยการปฏิบัติราชการทางอิเล็กทรอนิกส์",
        "กรมที่ดินมอบโฉนดให้ประชาชนในพื้นที่ห่างไกล",
        "กรมที่ดินเริ่มใช้สารบรรณอิเล็กทรอนิกส์ครบทุกสำนักงานที่ดินจังหวัด",
    )),
    "tis-meta": ("cp874", "text/html",
                 '<meta http-equiv="Content-Type" content="text/html; charset=tis-620">', (
        "กรมสรรพากรชี้แจงการปฏิบัติราชการทางอิเล็กทรอนิกส์ในการรับคำร้องของผู้เสียภาษี",
        "กรมสรรพากรเตือนผู้มีเงินได้ยื่นแบบก่อนกำหนด",
        "สรรพากรภาค 5 ปรับงานเอกสารเข้าสู่สารบรรณอิเล็กทรอนิกส์เต็มรูปแบบ",
    )),
    "win874": ("cp874", "text/html; charset=windows-874", "", (
        "กรมการขนส่งทางบกรับฟังความเห็นร่างประกาศตาม พ.ร.บ. การปฏิบัติราชการทางอิเล็กทรอนิกส์",
        "กรมการขนส่งทางบกรณรงค์ขับขี่ปลอดภัยช่วงเทศกาล",
        "ขนส่งจังหวัดทดลองระบบสารบรรณอิเล็กทรอนิกส์ เชื่อมโยงเอกสารระหว่างสาขา",
    )),
}


def listing_page(variant: str) -> bytes:
    encoding, _, meta, titles = LISTINGS[variant]
    html = (SITE / "listing.html").read_text("utf-8").replace("<!--META-->", meta)
    originals = (
        "ประกาศสำนักงาน เรื่อง แนวทางการจัดทำบริการทางอิเล็กทรอนิกส์ตาม "
        "พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ PREFIX",
        "PREFIX จัดกีฬาสีประจำปีของบุคลากร",
        "PREFIX อบรมการใช้ระบบสารบรรณอิเล็กทรอนิกส์ให้เจ้าหน้าที่",
    )
    for original, title in zip(originals, titles, strict=True):
        assert original in html
        html = html.replace(original, title)
    return html.encode(encoding)


def serve_site(server: FixtureServer) -> None:
    server.page("/rss.xml", (SITE / "rss.xml").read_bytes(), "application/rss+xml")
    server.page("/atom.xml", (SITE / "atom.xml").read_bytes(), "application/atom+xml")
    server.page("/feed.json", (SITE / "feed.json").read_bytes(), "application/feed+json")
    for variant, (_, content_type, _, _) in LISTINGS.items():
        server.page(f"/{variant}/", listing_page(variant), content_type)


def config_yaml(server: FixtureServer, output: Path) -> str:
    listing_sources = "".join(f"""
  - name: list-{variant}
    title: "Listing {variant}"
    url: "{server.url(f'/{variant}/')}"
    type: html
    select:
      item: "div.news-list > div.item"
      title: "h3"
      link: "h3 a::attr(href)"
      date: "span.date"
      summary: "p.excerpt"
""" for variant in LISTINGS)
    return f"""
timezone: Asia/Bangkok
output_dir: {output}
fetch:
  min_delay_per_host: 0s
  retries: 0
  timeout: 5s
  allow_private_networks: true
feed:
  title: "Test monitor"
  link: "https://monitor.example.org/"
{TOPICS}
sources:
  - name: news-rss
    title: "ข่าวตัวอย่าง RSS"
    url: "{server.url('/rss.xml')}"
    type: feed
  - name: etda-atom
    title: "ETDA Atom"
    url: "{server.url('/atom.xml')}"
    type: feed
  - name: opdc-json
    title: "OPDC JSON Feed"
    url: "{server.url('/feed.json')}"
    type: feed
{listing_sources}"""


def expected_titles() -> dict[str, set[str]]:
    """Published title -> its topics: the entries the feeds must hold, and nothing else."""
    expected = {
        "ครม.เห็นชอบร่างพระราชกฤษฎีกาตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565":
            {"egov-act"},
        "สพร. เปิดบริการใหม่บนแอปทางรัฐ ยื่นคำขอออนไลน์ได้ทันที": {"digital-government"},
        "ETDA briefs agencies on the Electronic Government Operations Act": {"egov-act"},
        "ก.พ.ร. ติดตามการให้บริการ e-Service ของหน่วยงานตามกฎหมายว่าด้วยการปฏิบัติราชการทาง"
        "อิเล็กทรอนิกส์": {"egov-act", "digital-government"},
    }
    for _, _, _, (act, _, saraban) in LISTINGS.values():
        expected[act] = {"egov-act"}
        expected[saraban] = {"digital-government"}
    return {" ".join(k.split()): v for k, v in expected.items()}
