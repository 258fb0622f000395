"""Real pages spoiled at random still fail only as a source may fail.

Every fixture page (real extracts, feeds, sitemaps, listings) is cut, spliced
and sprinkled with hostile fragments (malformed URLs, control characters,
lone surrogates, deep nesting, entity tricks), then read as each source type
through `read_page` and saved in a real store. What may come out is items, or
one of the program's own errors (ExtractError, a spent budget): anything else
reaches the crawl as an "unexpected error" with a traceback, and fails the
source's other items with it. A link with an unclosed IPv6 bracket did exactly
that, found by this kind of feeding.

Hypothesis draws the spoiling; `derandomize` makes the same examples run on
every machine, so a failure here reproduces.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from monitor.config.loader import load_config
from monitor.config.settings import Selectors, Source
from monitor.errors import MonitorError
from monitor.models import Document
from monitor.offload import Budget, BudgetExceeded
from monitor.reading import matcher_for, read_page
from monitor.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PAGES = sorted(p for folder in ("real-pages/pages", "feeds", "sitemaps", "html", "auto")
               for p in (FIXTURES / folder).iterdir()
               if p.is_file() and p.suffix in (".html", ".xml", ".json"))
TEXTS = [p.read_text("utf-8", errors="replace") for p in PAGES]
HOSTILE = [
    '<a href="http://[2001:db8::1/x">ข่าวรัฐบาลดิจิทัล ฉบับพิเศษ</a>',
    '<base href="http://[x/">', "<link>http://[::1</link>", '<link href="http://[bad/"/>',
    "<loc>http://[::1/a</loc>", '<a href="javascript:alert(1)">x</a>', '<a href="//">x</a>',
    '<a href="http://a:99999/">x</a>', "\x00", "\ud800", "\u202e", "\ufeff", "&#0;", "&#xD800;",
    "&amp;amp;", "<![CDATA[", "]]>", "</title>", "<b>" * 600, "{\"a\":", "[" * 600,
    "๒๕๖๘", "31 ก.พ. 2568", "99999999999999999999", "พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์",
    '<?xml version="1.0" encoding="tis-620"?>', '<meta charset="utf-16">', "\x85", "\u2028",
]
KINDS = ["auto", "feed", "sitemap", "json", "html"]
URL = "https://www.example.go.th/news/"
TZ = ZoneInfo("Asia/Bangkok")


def source(kind: str) -> Source:
    if kind == "html":
        return Source(name="s", url=URL, type="html", select=Selectors(item="li", summary="p"))
    if kind == "json":
        return Source(name="s", url=URL, type="json",
                      select=Selectors(item="data", title="title", link="url"))
    return Source(name="s", url=URL, type=kind)


@st.composite
def spoiled(draw: st.DrawFn) -> str:
    text = TEXTS[draw(st.integers(0, len(TEXTS) - 1))]
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "insert", "cut", "drop", "repeat"]))
        if how == "insert":
            text = text[:at] + draw(st.sampled_from(HOSTILE)) + text[at:]
        elif how == "cut":
            text = text[:at]
        elif how == "drop":
            text = text[:at] + text[at + draw(st.integers(1, 400)):]
        else:
            text = text[:at] + text[max(0, at - 300):at] + text[at:]
    return text


CONFIG = load_config(ROOT / "sources.yaml")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("hostile") / "s.sqlite3") as opened:
        yield opened


@settings(max_examples=400, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=spoiled(), kind=st.sampled_from(KINDS))
# Each spoiling that once escaped, kept whatever hypothesis draws.
@example(text='<rss version="2.0"><channel><title>t</title><link>http://[::1</link><item>'
              f"<title>ข่าว</title><link>{URL}1</link></item></channel></rss>", kind="feed")
@example(text="<ul>" + "".join(f'<li><a href="/n/{i}">ข่าวรัฐบาลดิจิทัล ฉบับที่ {i}</a></li>'
                               for i in range(4)) + HOSTILE[0] + "</ul>", kind="auto")
def test_a_spoiled_page_yields_items_or_the_programs_own_error(
        store: Store, text: str, kind: str) -> None:
    doc = Document(url=URL, content=text.encode("utf-8", "surrogatepass"), text=text,
                   encoding="utf-8", content_type="text/html", status=200,
                   fetched_at=datetime.now(UTC))
    try:
        page = read_page(doc, source(kind), TZ, datetime.now(UTC), Budget(30),
                         matcher_for(CONFIG.topics, CONFIG.synonyms), 200, CONFIG.synonyms)
    except (MonitorError, BudgetExceeded):
        return
    if page.items:
        store.save_items(page.items, datetime.now(UTC), keep_all=True, prepared=page.prepared)
