"""Decoding: header charset, then the document's declaration, then detection; Thai -> cp874."""

from __future__ import annotations

import asyncio
import codecs
import random

import pytest

from monitor.config.settings import FetchSettings
from monitor.fetch import Fetcher
from monitor.fetch.decode import codec_for, declared_codec, decode, media_type
from monitor.models import Document
from tests.httpserver import FixtureServer

UA = "thai-egov-monitor/test (+https://example.org/)"
QUICK = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0, respect_robots=False)
THAI = "ประกาศกระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม เรื่อง การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. ๒๕๖๕"
# Bytes 0x80-0x9F are the Windows additions to TIS-620 (here an en dash and
# curly quotes); they prove cp874 rather than tis-620 was used.
THAI_WINDOWS = THAI + " \u2013 \u201cข่าว\u201d"


def fetch(server: FixtureServer, body: bytes, content_type: str, *,
          encoding: str | None = None) -> Document:
    server.page("/doc", body, content_type=content_type)

    async def go() -> object:
        async with Fetcher(user_agent=UA) as fetcher:
            return await fetcher.fetch(server.url("/doc"), QUICK, encoding=encoding)

    doc = asyncio.run(go())
    assert isinstance(doc, Document)
    return doc


def html(head: str, text: str, codec: str) -> bytes:
    return (f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"
            .encode(codec))


def test_utf8_charset_in_header(server: FixtureServer) -> None:
    body = html("", THAI, "utf-8")
    doc = fetch(server, body, "Text/HTML; Charset=UTF-8")
    assert THAI in doc.text and doc.encoding == "utf-8"
    assert doc.content == body
    assert doc.content_type == "text/html"


def test_tis620_declared_only_in_meta(server: FixtureServer) -> None:
    doc = fetch(server, html('<meta charset="tis-620">', THAI_WINDOWS, "cp874"), "text/html")
    assert THAI_WINDOWS in doc.text and doc.encoding == "cp874"


def test_tis620_declared_in_meta_http_equiv(server: FixtureServer) -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=TIS-620">'
    doc = fetch(server, html(head, THAI, "cp874"), "text/html")
    assert THAI in doc.text and doc.encoding == "cp874"


@pytest.mark.parametrize("label", ["windows-874", "x-windows-874", "ISO-8859-11",
                                   "iso8859_11", "TIS620", "TIS-620", "cp874", "iso885911",
                                   "MS874", "x-IBM874", "thai"])
def test_thai_labels_in_header_decode_as_cp874(server: FixtureServer, label: str) -> None:
    doc = fetch(server, html("", THAI_WINDOWS, "cp874"), f"text/html; charset={label}")
    assert THAI_WINDOWS in doc.text and doc.encoding == "cp874"


@pytest.mark.parametrize(("head", "header"), [
    ('<meta charset="windows-874">', "text/html"),
    ("", "text/html; charset=TIS-620"),
])
def test_thai_in_utf8_under_a_thai_label_is_read_as_utf8(
        server: FixtureServer, head: str, header: str) -> None:
    # A template that still says windows-874 after its site moved to UTF-8: read as
    # labelled, every word was the mojibake "เธ...".
    doc = fetch(server, html(head, THAI, "utf-8"), header)
    assert THAI in doc.text and doc.encoding == "utf-8"
    # Only Thai at length tells: a few letters may be either, and the label stands.
    short = fetch(server, html(head, "ข่าว", "utf-8"), header)
    assert short.encoding == "cp874"
    # The source's own encoding: is the user's word, and stands.
    said = fetch(server, html(head, THAI, "utf-8"), header, encoding="tis-620")
    assert said.encoding == "cp874"


def test_an_xml_declaration_of_windows_874_over_utf8_thai_is_read_as_utf8() -> None:
    body = ('<?xml version="1.0" encoding="Windows-874" ?><rss version="2.0"><channel>'
            f"<item><title>{THAI}</title></item></channel></rss>").encode()
    text, codec = decode(body, "text/xml")
    assert THAI in text and codec == "utf-8"


def test_xml_declaration(server: FixtureServer) -> None:
    body = (f'<?xml version="1.0" encoding="windows-874"?><rss><channel><title>{THAI}'
            "</title></channel></rss>").encode("cp874")
    doc = fetch(server, body, "application/rss+xml")
    assert THAI in doc.text and doc.encoding == "cp874"
    assert doc.content_type == "application/rss+xml"


def test_no_declaration_is_detected(server: FixtureServer) -> None:
    body = html("", " ".join([THAI] * 5), "cp874")
    doc = fetch(server, body, "text/html")
    assert THAI in doc.text
    assert doc.encoding == "cp874"


def test_encoding_override_wins_over_header(server: FixtureServer) -> None:
    doc = fetch(server, html('<meta charset="utf-8">', THAI, "cp874"),
                "text/html; charset=utf-8", encoding="tis-620")
    assert THAI in doc.text and doc.encoding == "cp874"


def test_utf8_bom_wins_over_meta_and_is_stripped(server: FixtureServer) -> None:
    body = codecs.BOM_UTF8 + html('<meta charset="tis-620">', THAI, "utf-8")
    doc = fetch(server, body, "text/html")
    assert doc.text.startswith("<html>") and THAI in doc.text


@pytest.mark.parametrize(("bom", "codec"), [(codecs.BOM_UTF8, "utf-8"),
                                           (codecs.BOM_UTF16_LE, "utf-16-le")])
def test_a_bom_wins_over_the_header_as_browsers_take_it(
        server: FixtureServer, bom: bytes, codec: str) -> None:
    """A page an editor saved in UTF-8 with a BOM, on a server that labels every page
    TIS-620: browsers read it as the BOM says."""
    body = bom + html('<meta charset="tis-620">', THAI, codec)
    doc = fetch(server, body, "text/html; charset=tis-620")
    assert doc.text.startswith("<html>") and THAI in doc.text


def test_header_utf8_contradicted_by_bytes_falls_back_to_meta(server: FixtureServer) -> None:
    # A server default stamping UTF-8 on a legacy TIS-620 page.
    doc = fetch(server, html('<meta charset="tis-620">', THAI, "cp874"),
                "text/html; charset=UTF-8")
    assert THAI in doc.text and doc.encoding == "cp874"


def test_undetectable_bytes_fall_back_to_utf8_with_replacement() -> None:
    rng = random.Random(1)
    noise = bytes(rng.randrange(256) for _ in range(2000))
    text, codec = decode(b"<p>" + noise, "text/html; charset=bogus-label")
    assert codec == "utf-8"
    assert text.startswith("<p>") and "\ufffd" in text


def test_plain_ascii_reads_as_utf8() -> None:
    assert decode(b"plain ascii", None) == ("plain ascii", "utf-8")
    assert decode(b"", None) == ("", "utf-8")


@pytest.mark.parametrize(("label", "codec"), [
    ("TIS-620", "cp874"), ("tis620", "cp874"), ("ISO-8859-11", "cp874"),
    ("iso8859_11", "cp874"), ("windows-874", "cp874"), ("x-windows-874", "cp874"),
    ("cp874", "cp874"), ("iso885911", "cp874"), ("thai", "cp874"), ("MS874", "cp874"),
    ("x-IBM874", "cp874"), ('"utf-8"', "utf-8"), ("UTF8", "utf-8"), ("latin-1", "iso8859-1"),
    ("base64", None), ("rot13", None), ("no-such-charset", None), ("", None), (None, None),
])
def test_codec_for(label: str | None, codec: str | None) -> None:
    assert codec_for(label) == codec


@pytest.mark.parametrize(("head", "codec"), [
    (b'<meta charset="windows-874">', "cp874"),
    (b"<META CHARSET=tis-620>", "cp874"),
    (b'<meta content="text/html; charset=iso-8859-11" http-equiv="content-type">', "cp874"),
    (b'<meta charset="utf-16">', "utf-8"),     # ASCII bytes cannot be UTF-16
    (b'<?xml version="1.0" encoding="TIS-620"?>', "cp874"),
    (b"<p>no declaration here</p>", None),
    (b"\xff\xfe<\x00p\x00>\x00", "utf-16"),
])
def test_declared_codec(head: bytes, codec: str | None) -> None:
    assert declared_codec(head + b"<body></body>") == codec


def test_declaration_deep_in_the_body_is_content_not_a_declaration() -> None:
    body = b"<html>" + b" " * 10_000 + b'<p>write &lt;meta charset="tis-620"&gt;</p>'
    assert declared_codec(body) is None


@pytest.mark.parametrize(("header", "media"), [
    ("Text/HTML; charset=UTF-8", "text/html"), ("application/rss+xml", "application/rss+xml"),
    ("", ""), (None, ""),
])
def test_media_type(header: str | None, media: str) -> None:
    assert media_type(header) == media


# Kilobytes of inline script before the head's <meta>: old sites' menu scripts.
SCRIPT = "<script>" + "function MM_swapImage() { return 1; }\n" * 300 + "</script>"


def test_a_meta_after_the_prescan_is_read_as_browsers_read_it() -> None:
    """Browsers meet a late <meta charset> in the head while parsing, change the
    encoding and parse again; a few Thai words alone are too few to guess from."""
    page = (f"<html><head>{SCRIPT}<meta http-equiv='Content-Type' content='text/html; "
            f"charset=windows-874'></head><body><p>{THAI_WINDOWS}</p></body></html>")
    assert len(SCRIPT) > 8192
    assert decode(page.encode("cp874"), "text/html") == (page, "cp874")


@pytest.mark.parametrize("where", ["in a script", "in a comment", "in the body"])
def test_a_late_charset_outside_the_heads_markup_is_no_declaration(where: str) -> None:
    late = "<meta charset='koi8-r'>"
    head, body = {"in a script": (f"<script>document.write(\"{late}\")</script>", ""),
                  "in a comment": (f"<!-- {late} -->", ""),
                  "in the body": ("", late)}[where]
    # The body's case leaves out </head>, as HTML allows: the head ends at <body>.
    end = "" if body else "</head>"
    page = f"<html><head>{SCRIPT}{head}{end}<body>{body}<p>ข่าว</p></body></html>"
    assert decode(page.encode("utf-8"), "text/html")[1] != codec_for("koi8-r") == "koi8-r"
