"""The `sitemap` source type: `<urlset>`, `<sitemapindex>`, Google News sitemaps.

Parsing goes through defusedxml with DTDs forbidden: the sitemap protocol has
no use for one, so a sitemap that declares entities is refused, not tamed.

A plain `<url>` entry has no title: its RawItem carries title "" on purpose.
Inventing one from the URL's last path segment would publish slugs such as
`news-detail.php` as headlines; the pipeline decides instead (it fetches the
page when the source has `fetch_article`, and otherwise treats the item as
untitled). Google News entries carry `news:title`, so they need no fetch.

A sitemap index yields no items, only `Extraction.follow`: the child sitemap
URLs, newest `lastmod` first, at most MAX_FOLLOW of them, because an index of
a large site lists hundreds of sitemaps of old archives that never change.
Children without a `lastmod` come after, the highest numbers in their names
first: WordPress's own index gives none, and lists `wp-sitemap-posts-post-1.xml`
(its oldest 2,000 posts) to `-40.xml` (the newest) in that order; names that
carry a date (`sitemap-2026-11.xml`) count up the same way.

A `.gz` sitemap served without Content-Encoding arrives inflated: the fetcher
inflates any body that is still a gzip file (monitor.fetch.limits).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TypeVar
from xml.etree.ElementTree import Element

from monitor.config.settings import Source
from monitor.errors import ExtractError
from monitor.extract import another_type
from monitor.extract.cleaning import parse_iso_aware, safe_link
from monitor.extract.xmlsafe import local_name, parse_xml, without_declaration
from monitor.models import Document, Extraction, RawItem
from monitor.text.clean import collapse, strip_document_controls

MAX_FOLLOW = 20
_DIGITS = re.compile(r"[0-9]+")

T = TypeVar("T")


def extract(doc: Document, source: Source) -> Extraction:
    """Read one sitemap or sitemap index; raise ExtractError when it is neither."""
    notes: list[str] = []
    data = without_declaration(strip_document_controls(doc.text))
    if not data.strip():
        raise ExtractError(f"not a sitemap: the document is empty ({doc.url})")
    warnings: list[str] = []
    try:
        root = parse_xml(data, "sitemap")
    except ExtractError as exc:
        wrong = another_type(doc, "sitemap")   # an HTML page's DOCTYPE is refused as a DTD
        if wrong:
            raise ExtractError(f"not a sitemap: {wrong}") from exc
        root, warning = _with_ampersands_escaped(data, exc)
        warnings.append(warning)
    kind = local_name(root.tag)
    if kind == "sitemapindex":
        found = _read_index(root, doc.url, notes)
        found.warnings[:0] = warnings
        return found
    if kind == "urlset":
        found = _read_urlset(root, doc.url, notes)
        found.warnings[:0] = warnings
        if found.items and not source.fetch_article and not any(i.title for i in found.items):
            # Every item would be dropped untitled, and the source would say only that.
            found.warnings.append("the sitemap names no titles: set fetch_article: true "
                                  "to read each new page's title")
        return found
    wrong = another_type(doc, "sitemap")
    raise ExtractError(f"not a sitemap: {wrong}" if wrong else
                       f"not a sitemap: the root element is <{kind}>, "
                       f"not <urlset> or <sitemapindex> ({doc.url})")


# An ampersand that begins no reference: hand-written generators put a page's query
# into <loc> as it is (`news.php?page=news&id=5`), and one such address made the whole
# sitemap unreadable, though its meaning is plain.
_BARE_AMPERSAND = re.compile(
    rb"&(?!(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,8});)")


def _with_ampersands_escaped(data: bytes, error: ExtractError) -> tuple[Element, str]:
    """The sitemap read with its bare ampersands escaped, and a warning that says so;
    `error` again when that does not make it well-formed."""
    repaired, count = _BARE_AMPERSAND.subn(b"&amp;", data)
    if not count:
        raise error
    try:
        root = parse_xml(repaired, "sitemap")
    except ExtractError:
        raise error from None
    return root, (f"not well-formed XML: {count} bare '&' in it (each should be written "
                  "&amp;); read as if escaped")


def _read_index(root: Element, base: str, notes: list[str]) -> Extraction:
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    skipped = 0
    for child in _children(root, "sitemap"):
        loc = safe_link(_text(child, "loc"), base)
        if loc is None:
            skipped += 1
        elif loc not in seen:
            seen.add(loc)
            found.append((loc, _text(child, "lastmod")))
    # Undated children, highest numbers first (see the module): a stable sort, so
    # names alike in their numbers keep their order; then the dated ones before them.
    by_number = sorted(found, key=lambda pair: _numbers(pair[0]), reverse=True)
    ordered = _newest_first(by_number, lambda pair: pair[1])
    follow = [loc for loc, _ in ordered[:MAX_FOLLOW]]
    notes.append(f"sitemap index of {len(found)} sitemaps")
    if len(found) > MAX_FOLLOW:
        notes.append(f"following the {MAX_FOLLOW} newest by lastmod (without one, by the "
                     f"numbers in their names); {len(found) - MAX_FOLLOW} older sitemaps "
                     "are not read")
    warnings = [f"skipped {skipped} sitemap entries without an http(s) <loc>"] if skipped else []
    return Extraction(follow=follow, warnings=warnings, notes=notes)


def _read_urlset(root: Element, base: str, notes: list[str]) -> Extraction:
    items: list[RawItem] = []
    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    news_count = 0
    for entry in _children(root, "url"):
        link = safe_link(_text(entry, "loc"), base)
        if link is None:
            skipped["without an http(s) <loc>"] += 1
            continue
        if link in seen:
            skipped["repeating an earlier <loc>"] += 1
            continue
        seen.add(link)
        news = next(_children(entry, "news"), None)
        title = outlet = ""
        date_text = _text(entry, "lastmod")
        if news is not None:
            news_count += 1
            title = _text(news, "title")
            date_text = _text(news, "publication_date") or date_text
            publication = next(_children(news, "publication"), None)
            outlet = _text(publication, "name") if publication is not None else ""
        items.append(RawItem(title=title, link=link, date_text=date_text or None,
                             published=parse_iso_aware(date_text), outlet=outlet or None))
    if news_count:
        notes.append(f"Google News sitemap: {news_count} entries with news:title")
    if any(item.date_text for item in items):
        items = _newest_first(items, lambda item: item.date_text or "")
        notes.append("entries ordered newest first by date")
    warnings = [f"skipped {count} {'entry' if count == 1 else 'entries'} {reason}"
                for reason, count in sorted(skipped.items())]
    return Extraction(items=items, warnings=warnings, notes=notes)


def _numbers(url: str) -> tuple[int, ...]:
    """The digit runs of a child sitemap's file name, as numbers: `-40.xml` after `-9.xml`."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    return tuple(int(run[:18]) for run in _DIGITS.findall(name))


def _children(element: Element | None, name: str) -> Iterator[Element]:
    """Direct children with this local name, whatever namespace (or none) they use."""
    if element is None:
        return iter(())
    return (child for child in element if local_name(child.tag) == name)


def _text(element: Element | None, name: str) -> str:
    child = next(_children(element, name), None)
    return collapse(child.text or "") if child is not None else ""


def _newest_first(entries: list[T], date_of: Callable[[T], str]) -> list[T]:
    """Sort by a W3C date, newest first; undated entries keep their order at the end.

    Zoneless dates are read as UTC here only to order them: the date itself
    reaches the pipeline as text, to be read in the configured timezone.
    """
    def key(entry: T) -> tuple[int, datetime]:
        text = date_of(entry).strip()
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return (0, datetime.min.replace(tzinfo=UTC))
        return (1, when if when.tzinfo else when.replace(tzinfo=UTC))

    return sorted(entries, key=key, reverse=True)
