"""`auto`, `html` and `json` on real Thai public pages (tests/fixtures/real-pages).

Each page is read as a Document whose URL is the real page's, so on-site links
stay on-site. `auto` must find at least 85% of the items a reader sees, with
exact titles and no navigation link; and every page that holds its items in
HTML, embedded data or JSON is read exactly by an entry written here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.config.settings import Selectors, Source
from monitor.extract import get_extractor
from monitor.extract.auto import extract as auto
from monitor.models import Extraction
from monitor.text.thaidate import parse_date
from tests.realpages import Page, found_pairs, pages
from tests.test_extract_json import ENTRIES as JSON_ENTRIES

AUTO_BAR = 0.85
# Pages whose items sit in HTML or in data embedded in the HTML (not feeds, not JSON APIs).
HTML_PAGES = sorted(name for name, page in pages().items() if page.kind == "html")

# The entry a user writes for each HTML page: (type, select).
ENTRIES: dict[str, tuple[str, dict[str, str]]] = {
    "pdpc-attachment.html": ("html", {
        "item": ".pdpc-attachment-box", "title": "h3.title",
        "link": "button[data-href]::attr(data-href)", "date": ".date"}),
    "blocked-tisi-community.html": ("html", {
        "item": "table[id$=GridView1] tr:has(a)", "title": "a[id$=HyperLink2]"}),
    "dsi-headlines.html": ("html", {
        "item": ".dsi-home-news-slider-title", "title": "a::attr(title)"}),
    "etda-articles.html": ("html", {
        "item": ".box-article-des2f", "title": ".title2f > a", "date": "ul.list-inline li",
        "summary": ".title2f > p"}),
    "enforcement-amlo-home.html": ("html", {
        "item": ".title-hilight2f, .home-boxthumbnailnews2f",
        "title": ".title-caption, .title-hilight2f > a",
        "date": ".news-date"}),
    "enforcement-customs.html": ("html", {"item": ".panel-news a[href]"}),
    "institution-administrative-court.html": ("json", {
        "item": "[0][3].content.list.data[]", "title": "title",
        "link": "/public-relations/public-relations-news/{uuid}", "date": "startDate"}),
    "institution-ccib.html": ("html", {
        "item": ".jXK9ad-SmKAyb", "title": "p:first-child span", "link": "a.XqQF9c"}),
    "institution-dopa.html": ("html", {
        "item": "article.news-list", "title": "a::attr(title)", "date": "p.date"}),
    "institution-moph.html": ("html", {
        "item": "article.update-card", "title": "h3 a", "link": "h3 a", "date": "time"}),
    "institution-nhso.html": ("html", {
        "item": ".uk-card-body", "title": ".article-title a", "link": ".article-title a",
        "date": "time::attr(datetime)"}),
    "institution-thaicert.html": ("html", {
        "item": "article.tc-cn-post-card", "title": "h3 a", "link": "h3 a",
        "date": ".tc-cn-meta > span:nth-of-type(2)"}),
    "main-house-section-77-discovery.html": ("html", {
        "item": ".item-77", "title": ".title_discussion > a", "link": ".title_discussion > a",
        "date": ".p-time"}),
    "main-ocs-news.html": ("html", {
        "item": "a[aria-label=gotocontent]", "title": "span[title]::attr(title)",
        "link": "::attr(href)"}),
    "main-parliament-einitiative-discovery.html": ("json", {
        "item": "props.pageProps.result.rows", "title": "p_name",
        "link": "https://einitiative.parliament.go.th/draftlaw-detail?id={p_id}&name={p_name}",
        "date": "p_last_update_date"}),
}


def read(page: Page, kind: str, select: dict[str, str] | None = None) -> Extraction:
    source = Source(name="real", url=page.url, type=kind,  # type: ignore[arg-type]
                    select=Selectors(**select) if select else None)
    return get_extractor(kind)(page.document(), source)


def test_every_html_and_json_page_has_an_entry() -> None:
    assert set(ENTRIES) == set(HTML_PAGES)
    assert set(JSON_ENTRIES) == {n for n, p in pages().items() if p.kind == "json"}


@pytest.mark.parametrize("name", HTML_PAGES)
def test_an_entry_reads_each_page_exactly(name: str) -> None:
    page = pages()[name]
    kind, select = ENTRIES[name]
    assert found_pairs(read(page, kind, select).items) == page.expected()


def test_auto_finds_most_items_with_exact_titles(capsys: pytest.CaptureFixture[str]) -> None:
    rows, expected_total, exact_total = [], 0, 0
    for name in HTML_PAGES:
        page = pages()[name]
        result = auto(page.document(), Source(name="real", url=page.url, type="auto"))
        found = found_pairs(result.items)
        expected = page.expected()
        exact = sum(1 for pair in expected if pair in found)
        titles = {title for title, _ in expected}
        extra = [pair for pair in found if pair[0] not in titles]
        rows.append((name, len(expected), len(found), exact, extra))
        expected_total += len(expected)
        exact_total += exact
    with capsys.disabled():
        print(f"\n{'page':<46} {'expected':>8} {'found':>6} {'exact':>6}")
        for name, n_expected, n_found, exact, extra in rows:
            print(f"{name:<46} {n_expected:>8} {n_found:>6} {exact:>6}"
                  + (f"  extra: {extra}" if extra else ""))
        print(f"{'total':<46} {expected_total:>8} {'':>6} {exact_total:>6} "
              f"({exact_total / expected_total:.0%})")
    assert all(not extra for *_, extra in rows), "auto took a link that is not an item"
    assert exact_total / expected_total >= AUTO_BAR


def _day(text: str | None) -> object:
    """The calendar day a date text names, as the crawl reads it (None if none)."""
    when = parse_date(text or "", tz=ZoneInfo("Asia/Bangkok"),
                      now=datetime(2026, 12, 7, tzinfo=UTC))
    return when.date() if when else None


DATED_PAGES = sorted(name for name in HTML_PAGES
                     if any(_day(item.get("date")) for item in pages()[name].items))


@pytest.mark.parametrize("name", DATED_PAGES)
def test_auto_reads_the_date_each_item_shows(name: str) -> None:
    """Wherever the page shows an item's full date, `auto` finds it: beside the
    headline's box too (ETDA's cards keep the date in a row next to it)."""
    page = pages()[name]
    result = auto(page.document(), Source(name="real", url=page.url, type="auto"))
    found = {" ".join(item.title.split()): _day(item.date_text) for item in result.items}
    shown = {" ".join(item["title"].split()): _day(item.get("date")) for item in page.items
             if _day(item.get("date"))}
    assert {title: found.get(title) for title in shown} == shown


def test_relative_links_of_a_fragment_resolve_against_the_fragment_url() -> None:
    page = pages()["main-house-section-77-discovery.html"]
    result = auto(page.document(), Source(name="real", url=page.url, type="auto"))
    assert [item.link for item in result.items] == [
        "https://www.parliament.go.th/section77/ajax/survey_detail.php?id=623",
        "https://www.parliament.go.th/section77/ajax/survey_detail.php?id=622"]
