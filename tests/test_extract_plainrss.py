"""The fast plain-RSS reader must give exactly what feedparser gives, or stand aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config.settings import Source
from monitor.extract import feed as feed_module
from monitor.extract.plainrss import read_plain_rss
from monitor.extract.xmlsafe import strip_prolog
from monitor.models import Document, Extraction

FIXTURES = Path(__file__).parent / "fixtures"
URL = "https://www.example.go.th/rss/feed.xml"

ITEM = ("<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
        "<description>{summary}</description><pubDate>{date}</pubDate></item>")
PLAIN = {"title": "ประกาศ สพร. เรื่อง ระบบ e-Service", "link": "https://www.example.go.th/n/1",
         "guid": "https://www.example.go.th/n/1", "summary": "รายละเอียด  ของข่าว",
         "date": "Thu, 01 Jan 2026 09:30:00 +0700"}


def rss(*items: dict[str, str], head: str = '<rss version="2.0">', extra: str = "") -> str:
    body = "".join(ITEM.format(**{**PLAIN, **i}) for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?>{head}<channel><title>t</title>'
            f"<link>https://www.example.go.th/</link>{extra}{body}</channel></rss>")


def both(text: str, monkeypatch: pytest.MonkeyPatch, url: str = URL
         ) -> tuple[Extraction, Extraction]:
    doc = Document(url=url, content=text.encode("utf-8"), text=text, encoding="utf-8",
                   content_type="application/rss+xml")
    source = Source(name="t", url=url, type="feed")
    fast = feed_module.extract(doc, source)
    with monkeypatch.context() as m:
        m.setattr(feed_module, "read_plain_rss", lambda _text: None)
        slow = feed_module.extract(doc, source)
    return fast, slow


PLAIN_FEEDS = [
    rss(PLAIN),
    rss(PLAIN, {"link": "https://www.example.go.th/n/2?id=5&amp;p=1",
                "guid": "http://www.example.go.th/n/2"}),
    rss({"date": "Thu, 01 Jan 2026 02:30:00 GMT"}, {"date": "1 Jan 2026 02:30 UT",
                                                     "link": "http://a.example/x"}),
    rss({"title": "", "link": "https://www.example.go.th/n/3"}),       # dropped: no title
    rss({"date": "01 Jan 2569 09:30:00 +0700"}),                        # a Buddhist-era year
    rss({"summary": "   "}),
    rss(PLAIN, head='<rss version="2.0">\n<!-- a comment outside the channel -->'),
]


@pytest.mark.parametrize("text", PLAIN_FEEDS)
def test_plain_feeds_read_fast_and_the_same(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert read_plain_rss(strip_prolog(text)[0]) is not None   # the fast path is taken
    fast, slow = both(text, monkeypatch)
    assert fast == slow


NOT_PLAIN = [
    rss({"title": "e-Service &amp; more"}),                       # an entity in a title
    rss({"summary": "<![CDATA[<p>HTML <b>summary</b></p>]]>"}),   # markup
    rss({"link": "/n/relative"}),
    rss({"guid": "n2"}),                                          # resolved like a link
    rss({"guid": "urn:uuid:1f0e"}),
    rss({"link": "javascript:alert(1)"}),
    rss({"link": "http:///www.example.go.th/x"}),
    rss({"link": "https://www.example.go.th/ข่าว/1"}),
    rss({"date": "Thu, 01 Jan 2026 09:30:00 EST"}),
    rss({"date": "2026-01-01T09:30:00+07:00"}),
    rss({"date": "Sat, 31 Feb 2026 09:30:00 GMT"}),
    rss({"date": "Thu, 01 Jan 26 09:30:00 GMT"}),
    rss(PLAIN, head='<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        extra="<dc:creator>x</dc:creator>"),
    rss(PLAIN, head='<rss version="0.91">'),
    rss(PLAIN, head='<rss version="2.0" xml:base="https://other.example/">'),
    rss(PLAIN).replace("<title>ประกาศ", '<title type="html">ประกาศ'),
    rss(PLAIN).replace("</item>", "<link>https://www.example.go.th/n/9</link></item>"),
    rss(PLAIN).replace("</item>", "<enclosure url='https://x.example/a.mp3'/></item>"),
    rss(PLAIN).replace("</channel></rss>", "</channel>"),         # not well-formed
]


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_anything_unusual_is_left_to_feedparser(text: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert read_plain_rss(strip_prolog(text)[0]) is None
    fast, slow = both(text, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("path", sorted(
    p.relative_to(FIXTURES).as_posix() for p in [*FIXTURES.glob("feeds/*.xml"),
                                                 *FIXTURES.glob("site/*.xml"),
                                                 *FIXTURES.glob("real-pages/pages/*.xml")]))
def test_fixture_feeds_read_the_same_either_way(path: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    text = (FIXTURES / path).read_bytes().decode("utf-8", "replace")
    try:
        fast, slow = both(text, monkeypatch)
    except Exception as error:   # a fixture that is no feed fails both ways alike
        with monkeypatch.context() as m:
            m.setattr(feed_module, "read_plain_rss", lambda _text: None)
            with pytest.raises(type(error)):
                both(text, monkeypatch)
        return
    assert fast == slow
