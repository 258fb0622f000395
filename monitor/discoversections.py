"""The sections a page shows, each with a link to a listing of its own ("ดูทั้งหมด").

An agency's or a local government's home page shows several sections (news,
notices, procurement, photo albums), five items each, and a source reads one
listing: `type: auto` on such a page takes one block and the others go unread,
without a word. `discover` names the sections whose "view all" links it finds,
so that the user can run it again on the listing to follow. Nothing is fetched
for this: the names and addresses come from the page in hand.

A section is named by its link's own words ("ข่าวประชาสัมพันธ์ทั้งหมด"), else by
the tab that shows its panel, else by the nearest heading before its link that
is not an item's headline. A tab whose panel is a frame of the site's (another
page shown inside this one) names that page as a section too. A section left
without a name is not listed: a "ดูทั้งหมด" under no heading is most often an
item's own ("all the album's photos"), and a name made of a whole strip of
tabs would be wrong.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.cleaning import safe_link
from monitor.extract.frames import site_frames
from monitor.extract.htmltext import class_words
from monitor.extract.viewall import NAME_CHARS, view_all_name
from monitor.text.clean import collapse
from monitor.text.urls import host_of, names_a_file

MOST_SECTIONS = 20
MOST_LINKS = 5000         # links looked at: a hostile page may hold millions
MOST_TABS = 2000          # elements looked at for the tabs that open panels
MOST_FRAMES = 40          # frames looked at for a tab's listing
CLIMB = 5                 # levels above a "view all" link searched for its heading
PANEL_CLIMB = 16          # ... and for the tab panel it sits in (CMS modules nest deep)
SIBLINGS = 8              # earlier sibling elements looked at, each level
FIRST_NODES = 100         # elements of such a sibling looked at for the heading it opens with
NAME_NODES = 40           # nodes of a heading or a tab read for its name
BLANKS = 10_000           # characters of one of its texts, blanks included
MOST_SEARCHES = 100       # headings and tabs looked for, a page
_GENERIC = frozenset({"", "ข่าว", "รายละเอียด", "ข้อมูล", "รายการ", "เรื่อง", "news", "post",
                      "posts", "article", "articles", "stories", "updates"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_WORDS = ("title", "heading", "head", "topic", "caption")
# What opens a tab's panel: its link to the panel's id, the id it controls, or a
# script called with the id ("openCity(event, 'egp')").
_TABS = ('a[href^="#"], [aria-controls], [data-target], [data-bs-target], [onclick], '
         'a[id*="tab"], a[id*="Tab"]')
# ... or a number they share: Drupal's quick tabs, `quicktabs-tab-2-0` for the panel
# `quicktabs_tabpage_2_0`.
_NUMBERS = re.compile(r"[0-9]+")
_QUOTED_ID = re.compile(r"""['"]([\w-]{1,80})['"]""")
# A link into the page that is no tab: "Skip to content" for screen readers, whose
# target is the page's whole content (every section would be named by it).
_SKIP_WORDS = frozenset({"skip", "screen", "sr", "visually", "hidden"})
_SKIP_TEXT = re.compile(r"^\W*(?:skip\b|ข้ามไป)", re.IGNORECASE)
# What decorates a name written beside its link (":: กิจกรรม ::", "ข่าวเด่น |").
_DECORATION = " :|-–—>»«<[](){}•·*"


def page_sections(tree: LexborHTMLParser, page_url: str) -> list[tuple[str, str]]:
    """(name, url) of each named section of the page that links to a listing of its
    own on the page's site (http or https, with www. or without), in page order;
    never the page itself."""
    site = _site(page_url)
    own = page_url.split("#", 1)[0]
    found: dict[str, str] = {}
    tabs: dict[str, str] | None = None
    named = searches = 0
    for count, link in enumerate(tree.css("a[href]")):
        if count >= MOST_LINKS or named >= MOST_SECTIONS or searches >= MOST_SEARCHES:
            break
        name = view_all_name(link.text(deep=True), link.attributes.get("title") or "")
        if name is None:
            continue
        url = safe_link(link.attributes.get("href") or "", page_url)
        if url is None:
            continue
        url = url.split("#", 1)[0]
        if url == own or found.get(url) or _site(url) != site or names_a_file(url):
            continue
        # A link's own name wins over one found by walking, which may be a neighbour's;
        # but the heading beside "ข่าวทั้งหมด" says which news.
        if name.lower() in _GENERIC:
            if tabs is None:
                tabs = _tab_labels(tree)
            searches += 1
            name = _tab_of(link, tabs) or _heading_before(link, url, page_url) or name
        found[url] = name
        named += bool(name)
    for url, name in _framed_tabs(tree, page_url, tabs):
        if named >= MOST_SECTIONS:
            break
        if url != own and not found.get(url):
            found[url] = name
            named += 1
    return [(name, url) for url, name in found.items() if name]


def _framed_tabs(tree: LexborHTMLParser, page_url: str,
                 tabs: dict[str, str] | None) -> list[tuple[str, str]]:
    """(url, tab label) of each frame of the page's own site (`site_frames`) that a tab
    shows: a university shows each kind of news as another page in a frame, a tab
    each. A frame in no tab (a video, a map, a banner) names nothing."""
    found = []
    for count, (frame, url) in enumerate(site_frames(tree, page_url, "utf-8")):
        if count >= MOST_FRAMES:
            break
        if tabs is None:
            tabs = _tab_labels(tree)
        label = _tab_of(frame, tabs)
        if label and not names_a_file(url):
            found.append((url, label))
    return found


def _site(url: str) -> str:
    host = host_of(url)
    return host[4:] if host.startswith("www.") else host


def _tab_labels(tree: LexborHTMLParser) -> dict[str, str]:
    """The label of the tab that opens each panel, by the panel's id. An id that tabs of
    different labels open names no panel: a template repeated down the page gives every
    box's panel one id (`#tab-1`), and the first tab's label is not theirs."""
    labels: dict[str, str] = {}
    clashing: set[str] = set()
    for count, tab in enumerate(tree.css(_TABS)):
        if count >= MOST_TABS:
            break
        label = _short_text(tab)
        if not label or _SKIP_TEXT.match(label) or any(
                word in _SKIP_WORDS for words in class_words(tab) for word in words):
            continue
        attrs = tab.attributes
        href = attrs.get("href") or ""
        ids = [href[1:] if href.startswith("#") else "",
               *(attrs.get("aria-controls") or "").split(),
               (attrs.get("data-target") or "").lstrip("#"),
               (attrs.get("data-bs-target") or "").lstrip("#"),
               *_QUOTED_ID.findall((attrs.get("onclick") or "")[:500])]
        numbered = _numbered(attrs.get("id") or "")
        for panel in (*ids, numbered):
            if panel and labels.setdefault(panel, label) != label:
                clashing.add(panel)
    for panel in clashing:
        del labels[panel]
    return labels


def _numbered(name: str) -> str:
    """The key a tab and its panel share when they are told apart only by numbers in
    ids that say "tab" ("" for any other id)."""
    if "tab" not in name.lower():
        return ""
    numbers = _NUMBERS.findall(name)
    return "tab " + ".".join(numbers) if numbers else ""


def _tab_of(link: LexborNode, tabs: dict[str, str]) -> str:
    """The label of the tab whose panel holds `link`, if any."""
    node = link.parent
    for _ in range(PANEL_CLIMB):
        if node is None or not tabs:
            break
        panel = node.attributes.get("id")
        label = (tabs.get(panel) or tabs.get(_numbered(panel))) if panel else None
        if label:
            return label
        node = node.parent
    return ""


def _heading_before(link: LexborNode, url: str, page_url: str) -> str:
    """The nearest heading before `link`: the heading it sits in ("ข่าวประชาสัมพันธ์
    <a>ดูทั้งหมด</a>"), or one among the earlier siblings of it and its ancestors, or
    the first in such a sibling. A heading that links elsewhere is an item's headline
    and is passed over; a strip of tabs ends the search."""
    own = collapse(link.text(deep=True))
    beside = _written_beside(link, own)
    if beside:
        return beside
    node: LexborNode | None = link
    for _ in range(CLIMB):
        if node is None or node.tag in ("body", "html"):
            break
        if node is not link and _is_heading(node) and not _is_tabs(node):
            name = _short_text(node)
            name = collapse(name.replace(own, " ")) if own else name
            if name:
                return name
        sibling, elements = node.prev, 0
        while sibling is not None and elements < SIBLINGS:
            if sibling.tag in ("-text", "-comment"):
                sibling = sibling.prev
                continue
            elements += 1
            if sibling.tag not in ("script", "style", "a"):
                if _is_tabs(sibling):
                    return ""
                heading = _first_heading(sibling)
                if heading is not None and not _is_tabs(heading):
                    name = _short_text(heading)
                    if name and not _links_elsewhere(heading, sibling, url, page_url):
                        return name
            sibling = sibling.prev
        node = node.parent
    return ""


def _written_beside(link: LexborNode, own: str) -> str:
    """A name written beside the link in a line of its own, in no heading
    ("<p>:: กิจกรรม มหาวิทยาลัย :: <a>ดูทั้งหมด>></a></p>"), when the line holds no
    other link and no picture (an album's card: its "ดูทั้งหมด" is the album's)."""
    line = link.parent
    if line is None or line.tag in ("body", "html", "li", "td") or _is_heading(line):
        return ""   # a heading is read by the walk; a list's row or a cell is an item's
    text = _short_text(line)   # first: it reads a few nodes at most, css all of them
    if not text or line.css_first("img") is not None or any(
            other.mem_id != link.mem_id for other in line.css("a[href]")):
        return ""
    name = collapse(text.replace(own, " ")) if own else text
    return name.strip(_DECORATION)


def _first_heading(box: LexborNode) -> LexborNode | None:
    """`box` when it is a heading, else the first heading in it when no link comes
    before that: a section's heading opens its box, where an item's title in a grid
    follows the item's picture link. A heading that another of its tag and class
    follows in the box, linking nowhere as it does, is the first item's title (a row
    of video cards)."""
    first: LexborNode | None = None
    for count, node in enumerate(box.traverse()):
        if count >= FIRST_NODES:
            break
        if first is None:
            if _is_heading(node):
                first = node
            elif node.tag == "a" and node.attributes.get("href"):
                break
        elif (node.tag == first.tag and node.attributes.get("class") == first.attributes.get(
                "class") and node.mem_id != first.mem_id and not _links_of(node, box)):
            return None
    return first




def _short_text(node: LexborNode) -> str:
    """`node`'s text when it is a name's length ("" when longer, or spread over more
    nodes than a name is): read node by node, so that a "heading" wrapping a whole
    page costs no more than a real one."""
    parts: list[str] = []
    size = 0
    for count, part in enumerate(node.traverse(include_text=True)):
        if count >= NAME_NODES:
            return ""
        if part.tag == "-text":
            text = part.text_content or ""
            # Templates indent a heading's text by many blanks, which are collapsed
            # below; what is not blank counts.
            if len(text) > BLANKS:
                return ""
            size += len(text.strip())
            if size > NAME_CHARS:
                return ""
            parts.append(text)
        elif part.tag in ("script", "style"):
            return ""
    name = collapse("".join(parts))
    return name if len(name) <= NAME_CHARS else ""


def _is_heading(node: LexborNode) -> bool:
    return node.tag in _HEADINGS or any(
        word in _HEADING_WORDS for words in class_words(node) for word in words)


def _is_tabs(node: LexborNode) -> bool:
    return any(word in ("tab", "tabs") for words in class_words(node) for word in words)


def _links_elsewhere(heading: LexborNode, within: LexborNode, url: str, page_url: str) -> bool:
    """Whether `heading` holds, or sits in (up to `within`), a link to another address
    than the section's `url`: an item's headline, not the section's."""
    return any((safe_link(a.attributes.get("href") or "", page_url) or "").split("#", 1)[0]
               != url for a in _links_of(heading, within))


def _links_of(heading: LexborNode, within: LexborNode) -> list[LexborNode]:
    """The links `heading` holds, and those it sits in up to `within`."""
    links = heading.css("a[href]")
    node: LexborNode | None = heading
    top = within.mem_id
    while node is not None:
        if node.tag == "a" and node.attributes.get("href"):
            links.append(node)
        if node.mem_id == top:
            break
        node = node.parent
    return links
