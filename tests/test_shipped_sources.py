"""The shipped sources.yaml, proven: every source reads a copy of its document with the
entry exactly as shipped.

Where a real copy of the source's page or payload exists (tests/fixtures/real-pages),
the entry must give exactly the items a reader sees on it. Where none was available
the source is listed in NO_REAL_COPY with the written document it reads instead
(tests/fixtures/feeds, tests/fixtures/shipped); that checks the entry's shape only,
as its comment in sources.yaml says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config.loader import load_config
from monitor.config.settings import Source
from monitor.extract import get_extractor
from monitor.models import Document
from tests.realpages import found_pairs, pages

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = load_config(ROOT / "sources.yaml", environ={})

# Source -> the real extract of its document.
REAL_COPY = {
    "council-of-state-news": "main-ocs-news.html",
    "etda-news": "etda-official-rss-th.xml",
}
# Source -> (written document, content type): no real copy was available.
NO_REAL_COPY = {
    "dga-news": ("feeds/rss20_dga.xml", "application/rss+xml"),
    "dga-standards": ("feeds/rss20_dga.xml", "application/rss+xml"),
    "prd-news": ("shipped/prd_contentjson.json", "application/json"),
    "mdes-news": ("shipped/mdes_news.html", "text/html"),
    "prachatai": ("feeds/rss20_dga.xml", "application/rss+xml"),
    "matichon": ("feeds/rss20_dga.xml", "application/rss+xml"),
    "khaosod": ("feeds/rss20_dga.xml", "application/rss+xml"),
    "thairath": ("feeds/rss20_dga.xml", "application/rss+xml"),
    "the-standard": ("feeds/rss20_dga.xml", "application/rss+xml"),
    "bangkokbiznews": ("feeds/rss20_dga.xml", "application/rss+xml"),
    "bangkok-post": ("feeds/rss20_dga.xml", "application/rss+xml"),
    "blognone": ("feeds/atom_etda.xml", "application/atom+xml"),
    "gnews-egov-act-th": ("feeds/gnews_search.xml", "application/rss+xml"),
    "gnews-egov-act-en": ("feeds/gnews_search.xml", "application/rss+xml"),
    "gnews-dga": ("feeds/gnews_search.xml", "application/rss+xml"),
}
# Kept in sources.yaml commented out, each with its reason there.
NOT_SHIPPED = ("royal-gazette", "opdc-news", "thaigov-news")


def read(source: Source, doc: Document) -> list[tuple[str, str]]:
    result = get_extractor(source.type)(doc, source)
    assert result.warnings == [], result.warnings
    return found_pairs(result.items)


def test_every_shipped_source_has_a_fixture() -> None:
    names = {source.name for source in SHIPPED.sources}
    assert names == set(REAL_COPY) | set(NO_REAL_COPY)
    assert not set(REAL_COPY) & set(NO_REAL_COPY)


def test_unprovable_sources_stay_commented_out_with_a_reason() -> None:
    text = (ROOT / "sources.yaml").read_text("utf-8")
    for name in NOT_SHIPPED:
        assert f"  # - name: {name}\n" in text, name
        block = text[:text.index(f"  # - name: {name}\n")].rsplit("\n\n", 1)[-1]
        assert "NOT SHIPPED" in block, f"{name}: say why it is not shipped"


@pytest.mark.parametrize("name", sorted(REAL_COPY))
def test_entry_reads_its_real_copy_exactly(name: str) -> None:
    source = SHIPPED.source(name)
    assert source is not None
    page = pages()[REAL_COPY[name]]
    assert source.url == page.url, "the entry points at the page the copy came from"
    assert read(source, page.document()) == page.expected()


@pytest.mark.parametrize("name", sorted(NO_REAL_COPY))
def test_entry_reads_a_written_document_of_its_format(name: str) -> None:
    source = SHIPPED.source(name)
    assert source is not None
    path, content_type = NO_REAL_COPY[name]
    raw = (FIXTURES / path).read_bytes()
    doc = Document(url=source.url, content=raw, text=raw.decode("utf-8"), encoding="utf-8",
                   content_type=content_type)
    items = read(source, doc)
    assert len(items) >= 2
    assert all(title and link.startswith(("http://", "https://")) for title, link in items)
