"""The sections a page shows, each with a link to a listing of its own ("ดูทั้งหมด").

An agency's or a local government's home page shows several sections (news,
notices, procurement, photo albums), five items each, and a source reads one
listing: `type: auto` on such a page takes one block and the others go unread,
without a word. `discover` names the sections whose "view all" links it finds,
so that the user can run it again on the listing to follow. Nothing is fetched
for this: the names and addresses come from the page in hand.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.cleaning import safe_link
from monitor.extract.htmltext import class_words
from monitor.text.clean import collapse
from monitor.text.urls import names_a_file

MOST_SECTIONS = 10
MOST_LINKS = 5000         # links looked at: a hostile page may hold millions
NAME_CHARS = 80           # a longer "heading" is a paragraph
CLIMB = 4                 # levels above a "view all" link searched for its heading
SIBLINGS = 8              # earlier siblings looked at, each level
# "ดูทั้งหมด", "ข่าวทั้งหมด", "อ่านข่าวประชาสัมพันธ์ทั้งหมด >>": what stands between the
# verb and "ทั้งหมด" names the section, in one word (a headline ending in "ทั้งหมด"
# has spaces in it). English: "View all", "See all news", "More news"; "more"
# alone, or "view more", leads to one item.
_VIEW_ALL_TH = re.compile(r"^\W*+(?:ดู|อ่าน|แสดง)?\s*+(\S{0,30}?)\s*+ทั้งหมด\W*+$")
_VIEW_ALL_EN = re.compile(
    r"^\W*+(?:(?:view|see|show)\s+all(?:\s+(?=[a-z]))?|(?:more|all)\s+(?=[a-z]))"
    r"((?:news|posts?|articles?|announcements?|notices?|events?|stories|updates|"
    r"press\s+releases?|activities|jobs?)?)\W*+$", re.IGNORECASE)
# WordPress themes title a widget's heading link "View all posts from category ข่าวประกาศ".
_CATEGORY_TITLE = re.compile(r"^view all posts (?:from|in) (?:category\s+)?(.{1,80})$",
                             re.IGNORECASE)
_GENERIC = frozenset({"", "ข่าว", "news", "post", "posts", "article", "articles", "stories",
                      "updates"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_WORDS = ("title", "heading", "head", "topic", "caption")


def page_sections(tree: LexborHTMLParser, page_url: str) -> list[tuple[str, str]]:
    """(name, url) of each section of the page that links to a listing of its own, in
    page order. Only named sections, listings on the page's own site, and never the
    page itself."""
    home = urlsplit(page_url)
    own = page_url.split("#", 1)[0]
    found: dict[str, str] = {}
    for count, link in enumerate(tree.css("a[href]")):
        if count >= MOST_LINKS or len(found) >= MOST_SECTIONS:
            break
        name = _view_all_name(link)
        if name is None:
            continue
        url = safe_link(link.attributes.get("href") or "", page_url)
        if url is None:
            continue
        url = url.split("#", 1)[0]
        parts = urlsplit(url)
        if (url == own or (parts.scheme, parts.netloc) != (home.scheme, home.netloc)
                or names_a_file(url)):
            continue
        if url not in found:
            # A link's own name wins over a heading found by walking, which may be a
            # neighbour's; but the heading beside "ข่าวทั้งหมด" says which news.
            found[url] = name if name.lower() not in _GENERIC else (
                _heading_before(link) or name)
    # A "ดูทั้งหมด" under no heading at all is most often an item's own ("all the
    # album's photos"), not a section's.
    return [(name, url) for url, name in found.items() if name]


def _view_all_name(link: LexborNode) -> str | None:
    """The section's name a "view all" link gives itself ("" when it gives none); None
    for any other link."""
    category = _CATEGORY_TITLE.match(collapse(link.attributes.get("title") or ""))
    if category:
        return category.group(1)
    text = collapse(link.text(deep=True))
    if len(text) > NAME_CHARS:
        return None
    match = _VIEW_ALL_TH.match(text) or _VIEW_ALL_EN.match(text)
    return None if match is None else (match.group(1) or "").strip()


def _heading_before(link: LexborNode) -> str:
    """The nearest heading before `link`: the heading it sits in ("ข่าวประชาสัมพันธ์
    <a>ดูทั้งหมด</a>"), or one among the earlier siblings of it and its ancestors."""
    own = collapse(link.text(deep=True))
    node: LexborNode | None = link
    for _ in range(CLIMB):
        if node is None or node.tag in ("body", "html"):
            break
        if node is not link and _is_heading(node):
            name = collapse(collapse(node.text(deep=True)).replace(own, " "))
            if 0 < len(name) <= NAME_CHARS:
                return name
        sibling = node.prev
        for _ in range(SIBLINGS):
            if sibling is None:
                break
            if sibling.tag not in _NOT_HEADINGS:
                name = collapse(sibling.text(deep=True))
                # A heading, or a short box holding one; a list of items before the link
                # may hold its headlines in <h3>s, and is longer.
                if 0 < len(name) <= NAME_CHARS and (
                        _is_heading(sibling) or sibling.css_first(_HEADING_INSIDE) is not None):
                    return name
            sibling = sibling.prev
        node = node.parent
    return ""


_HEADING_INSIDE = 'h1, h2, h3, h4, h5, h6, [class*="title"], [class*="heading"]'
_NOT_HEADINGS = frozenset({"-text", "-comment", "script", "style", "a"})


def _is_heading(node: LexborNode) -> bool:
    return node.tag in _HEADINGS or any(
        word in _HEADING_WORDS for words in class_words(node) for word in words)
