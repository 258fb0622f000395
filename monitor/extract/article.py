"""Main text, title, publication date and summary of one article page (`fetch_article`).

A selectolax heuristic, chosen over trafilatura by measurement on the
fixtures in tests/fixtures/articles (measure.py there reruns it):
1. Metadata first, from the whole page: the header and meta blocks that carry
   it are exactly what the cleaning below leaves out.
2. Content root: the first of `CONTENT_SELECTORS` (schema.org, the classes
   Thai CMSs use) holding real paragraph text; else the element where
   unlinked text concentrates (each block credits its element, parent and
   grandparent, readability-style), discounted by link density.
3. Inside the root, boilerplate is left out by tag (nav, aside, form, ...) and
   class/id word (share, related, comment, ...), unless it holds most of the
   root's text: a wrapper called `print-area` must not take the article along.
4. Blocks break at block tags and `<br>` (old government pages separate
   paragraphs with `<br>` in one `<td>`); link-dominated blocks are dropped.
The tree is never mutated (left-out elements are ids the walker skips), so no
node is used after being freed. The paragraph walker, class words, date finder
and summary cut are shared with the `auto` extractor, in `htmltext`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.bounds import parse_html
from monitor.extract.htmltext import (
    COMPONENT,
    class_words,
    find_date_text,
    summarize,
    text_blocks,
)
from monitor.models import Document
from monitor.text.clean import collapse, truncate

MIN_ROOT_CHARS = 150      # a preferred selector must hold at least this much text
# The main text kept: a long news article or notice is a few thousand characters.
# Matching and the search index cut Thai text into words at a few microseconds
# a character, once per keyword dictionary and once for the index, on the
# storing process's loop; a 5 MB page of Thai text (about 1.7 million
# characters) cost tens of seconds there, holding up every other source.
TEXT_LIMIT = 30_000
CONTENT_SELECTORS = (
    "[itemprop=articleBody]", ".entry-content", ".post-content", ".article-content",
    ".article-body", ".field-name-body", ".field--name-body", ".news-detail",
    ".content-detail", ".detail-content", ".news-content", "#news-detail",
    "article", "[role=main]", "main",
)
DROP_TAGS = frozenset({"nav", "aside", "header", "footer", "form", "menu", "figure"})
# Class/id words of boilerplate: the first set matches whole words only (short or
# ambiguous), the second also inside a word (`jp-relatedposts`, `sharedaddy`).
DROP_WORDS = frozenset({
    "ad", "ads", "meta", "tag", "tags", "nav", "print", "pager", "author", "header",
    "footer", "banner", "hidden", "cookie", "subscribe", "recommend", "recommended",
})
DROP_PARTS = ("share", "sharing", "related", "comment", "social", "sidebar", "widget",
              "popular", "advert", "newsletter", "breadcrumb", "pagination", "navbar", "menu")
NOT_BODY = frozenset({"sidebar", "related", "popular", "widget", "footer", "comment"})
FURNITURE = NOT_BODY | {"header", "nav", "menu", "navbar", "breadcrumb"}


@dataclass(frozen=True)
class Article:
    text: str              # main text, plain, whitespace-collapsed paragraphs joined by "\n"
    title: str | None      # og:title / h1 / <title>
    date_text: str | None  # the publication date as written on the page
    summary: str           # the first sentences, up to about htmltext.SUMMARY_LIMIT chars


def extract_article(doc: Document) -> Article:
    """Read one fetched article page.

    A document that is not HTML (a PDF that a listing links to) gives an empty
    Article rather than an error: one such link must not fail a whole crawl.
    """
    kind = doc.content_type
    if kind and "html" not in kind and "xml" not in kind and not kind.startswith("text/"):
        return Article(text="", title=None, date_text=None, summary="")
    tree = parse_html(doc.text or "<html></html>", "the article page")
    body = tree.body
    title = _title(tree)
    date_text = _markup_date(tree)
    if body is None:
        return Article(text="", title=title, date_text=date_text, summary="")
    if date_text is None:
        date_text = _date_near_title(body, title)
    root = _content_root(body)
    if date_text is None:
        date_text = _first_date(b.text for b in text_blocks(root)[:12])
    lines: list[str] = []
    size = 0
    for block in text_blocks(root, _left_out(root)):
        if block.link_chars * 2 > len(block.text) or block.text in (title, date_text):
            continue
        if not lines or lines[-1] != block.text:
            lines.append(block.text)
            size += len(block.text) + 1
            if size > TEXT_LIMIT:
                break
    text = truncate("\n".join(lines), TEXT_LIMIT)
    return Article(text=text, title=title, date_text=date_text, summary=summarize(text))


def _first_date(texts: Iterable[str]) -> str | None:
    return next(filter(None, map(find_date_text, texts)), None)



def _title(tree: LexborHTMLParser) -> str | None:
    """og:title; else the headline, else the page title without the site name.

    The headline is the first heading or title-classed element outside page
    furniture that is not just a link; one that the <title> repeats wins,
    since a blog's name in its header is an <h1> too.
    """
    og = tree.css_first('meta[property="og:title"]')
    if og is not None and collapse(og.attributes.get("content") or ""):
        return collapse(og.attributes.get("content") or "")
    node = tree.css_first("title")
    page_title = collapse(node.text()) if node is not None else ""
    heads = []
    selector = "h1, h2, h3, [class*=title], [class*=headline], [class*=topic]"
    for order, head in enumerate(tree.css(selector)):
        text = collapse(head.text())
        link = head.css_first("a")
        if not 10 <= len(text) <= 300 or _in_region(head, FURNITURE) or (
                link is not None and collapse(link.text()) == text):
            continue
        if text in page_title:
            return text
        heads.append((head.tag != "h1", len(text) < 15, order, text))
    if heads:
        return min(heads)[3]
    for sep in (" | ", " - ", " – ", " :: "):
        first = page_title.split(sep, 1)[0]
        if sep in page_title and len(first) >= 10:
            return first
    return page_title or None


def _markup_date(tree: LexborHTMLParser) -> str | None:
    """A date the page states in markup, the most explicit kind first."""
    for selector, attr in (
        ('meta[property="article:published_time"]', "content"),
        ('meta[name="article:published_time"]', "content"),
        ('[itemprop="datePublished"][content]', "content"),
        ('[itemprop="datePublished"][datetime]', "datetime"),
        ('[itemprop="datePublished"]', ""),
    ):
        node = tree.css_first(selector)
        value = "" if node is None else collapse(
            (node.attributes.get(attr) or "") if attr else node.text())
        if value:
            return value
    for script in tree.css('script[type="application/ld+json"]'):
        found = _json_ld_date(script.text())
        if found:
            return found
    for node in tree.css("time"):
        value = collapse(node.attributes.get("datetime") or "") or collapse(node.text())
        if value and not _in_region(node, NOT_BODY):
            return value
    return None


def _json_ld_date(raw: str) -> str | None:
    try:
        pending = [json.loads(raw)]
    except (ValueError, RecursionError):   # broken or absurdly nested: no date from it
        return None
    while pending:
        item = pending.pop(0)
        if isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str) and value.strip():
                return value.strip()
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def _in_region(node: LexborNode, words: frozenset[str]) -> bool:
    """Inside aside/nav/footer or an element classed with one of `words`; an item's own
    parts (`entry-header`, `card-footer`) are not page regions."""
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.tag in ("aside", "nav", "footer") or any(
                w in words for token in class_words(parent) if token[0] not in COMPONENT
                for w in token):
            return True
        parent = parent.parent
    return False


def _date_near_title(body: LexborNode, title: str | None) -> str | None:
    """A date written as text next to the headline, as press releases do: nearest first,
    below before above, never from a sidebar or footer."""
    if not title:
        return None
    aside = frozenset(n.mem_id for n in body.css("aside, nav, footer"))
    texts = [b.text for b in text_blocks(body, aside)]
    at = next((i for i, text in enumerate(texts) if title[:40] in text), None)
    if at is None:
        return None
    order = [at + step for distance in range(1, 8) for step in (distance, -distance)]
    return _first_date(texts[i] for i in [at, *order] if 0 <= i < len(texts))


def _content_root(body: LexborNode) -> LexborNode:
    for selector in CONTENT_SELECTORS:
        best: tuple[int, LexborNode] | None = None
        for node in body.css(selector):
            size = sum(len(b.text) for b in text_blocks(node) if b.link_chars * 2 < len(b.text))
            if size >= MIN_ROOT_CHARS and (best is None or size > best[0]):
                best = (size, node)
        if best is not None:
            return best[1]
    return _densest(body)


def _densest(body: LexborNode) -> LexborNode:
    """The element where unlinked paragraph text concentrates."""
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for block in text_blocks(body):
        own = len(block.text) - block.link_chars
        node = block.owner
        if own < 25:
            continue
        for weight in (1.0, 1.0, 0.5):
            if node is None or node.tag == "html":
                break
            scores[node.mem_id] = scores.get(node.mem_id, 0.0) + own * weight
            nodes[node.mem_id] = node
            node = node.parent
    if not scores:
        return body

    def final(mem_id: int) -> tuple[float, int]:
        blocks = text_blocks(nodes[mem_id])
        total = sum(len(b.text) for b in blocks) or 1
        linked = sum(b.link_chars for b in blocks)
        return scores[mem_id] * (1 - linked / total), -total   # a tie goes to the smaller

    top = sorted(scores, key=scores.__getitem__, reverse=True)[:8]
    return nodes[max(top, key=final)]


def _left_out(root: LexborNode) -> frozenset[int]:
    """Boilerplate under `root`, by tag or class word, unless it holds most of the text."""
    total = len(collapse(root.text()))
    left_out = set()
    for node in root.traverse():
        if node.mem_id == root.mem_id or not node.tag or node.tag.startswith("-"):
            continue
        words = {w for token in class_words(node) for w in token}
        boilerplate = bool(words & DROP_WORDS) or any(
            part in word for word in words for part in DROP_PARTS)
        if (node.tag in DROP_TAGS or boilerplate) and len(collapse(node.text())) * 2 < total:
            left_out.add(node.mem_id)
    return frozenset(left_out)
