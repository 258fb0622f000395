"""A splash page in front of a site, and its way in.

Thai agencies and local governments put an intro page in front of their
sites for royal birthdays, mourning periods and festivals: a portrait or a
greeting, perhaps a book of blessings to sign, and a button "เข้าสู่เว็บไซต์"
("enter the website"). It stands at the address users know for weeks, and a
browser's user clicks through it; a source at that address found no items
for as long, and `discover` on the site's root proposed nothing.

So a page in which nothing was found, and which is such a page, is read
through its way in, as a page is read through its frames (`Extraction.follow`):
the page the button leads to is read as the source's own, with a note
saying so, and `discover` reads the site from there. A splash page links to
few addresses of its own site, and one of them says that it leads in (its
text, its picture's alt or file name), or its script moves on to one after a
while, or a picture is the only one. Anything else that yields nothing (a
list built by scripts, a page of links elsewhere, one that moves to another
site) keeps its warning.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.cleaning import page_base, safe_link, script_redirect, scripted_address
from monitor.extract.frames import frame_urls, through_frames_note
from monitor.models import Document, Extraction
from monitor.text.clean import collapse
from monitor.text.urls import in_page_encoding, names_a_file, registrable_domain

# Addresses of its own site a splash page links to at most: the way in, a book of
# blessings, the agency's pages elsewhere. A home page links to dozens.
MOST_LINKS = 8
# ... and elements one may click, whatever they lead to: a hostile page of 90,000
# links to one address would otherwise cost a second to look through.
MOST_CLICKABLE = 200
# Words that say a link leads into the site. Thai: "เข้าสู่เว็บไซต์", "เข้าสู่หน้าหลัก",
# "เข้าสู่หน้าเว็บไซต์", "คลิกเพื่อเข้าสู่เว็บไซต์", "เข้าเว็บไซต์", "ไปสู่หน้าหลัก" (a
# newspaper's cover page of advertising; not "กลับไปสู่...", back, nor "ไปหน้าแรก", a
# pager's first page), "ข้ามหน้านี้";
# English only as the whole text ("Enter", "Enter Site", "Skip intro »").
_ENTER_WORDS = re.compile(
    r"เข้า(?:สู่|ยัง|ที่)?\s*(?:หน้า\s*)?(?:เว็บ|หน้าหลัก|หน้าแรก)"
    r"|(?<!กลับ)ไป(?:สู่|ยัง|ที่)\s*(?:หน้า\s*)?(?:เว็บ|หน้าหลัก)|ข้าม\s*(?:หน้านี้|อินโทร)"
    r"|^\W*(?:enter|skip|continue)(?:\s+(?:to\s+)?(?:the\s+)?(?:main\s+)?"
    r"(?:web\s*site|site|home\s*page|intro))?\W*$", re.IGNORECASE)
ENTER_CHARS = 30          # a longer text that says "เข้าสู่เว็บไซต์" is a headline about one


def says_enter(text: str) -> bool:
    """Whether a link's whole text is a way into the site ("เข้าสู่เว็บไซต์", "Enter
    site"): never an item's headline, whatever block it sits in."""
    text = collapse(text)
    return len(text) <= ENTER_CHARS and _ENTER_WORDS.search(text) is not None


# ... or its picture's file name: enter.png, btnEnter.png, bt_enter.gif, to-web.png,
# skip.jpg (not "center.png").
_ENTER_FILE = re.compile(r"(?:^|[^a-z]|btn|bt|go|to)(?:enter|entry|entrance|skip)|to[-_]?web",
                         re.IGNORECASE)
_CLICKABLE = "a[href], area[href], [onclick]"
PICTURE, ENTERS = 1, 2     # what a link is, ranked: a picture alone, a way in by its words


def read_behind(tree: LexborHTMLParser, doc: Document, why: str) -> Extraction | None:
    """What to read of a page in which nothing was found (`why`) when its content is
    in other pages of its site: those it shows in frames (monitor.extract.frames),
    else a splash page's way in. None when neither. `why` ("" for none) leads the
    note."""
    frames = frame_urls(tree, doc.url, doc.encoding)
    if frames:
        return Extraction(follow=frames, notes=[_joined(why, through_frames_note(frames))])
    onward = way_in(tree, doc.url, doc.encoding)
    if onward:
        return Extraction(follow=[onward], notes=[_joined(why, splash_note(onward))])
    return None


def _joined(why: str, note: str) -> str:
    return f"{why}; {note}" if why else note


def way_in(tree: LexborHTMLParser, page_url: str, codec: str) -> str | None:
    """The address a splash page (`tree`, the page at `page_url` decoded with `codec`)
    leads into its site by, or None when it is no splash page."""
    site = registrable_domain(urlsplit(page_url).hostname or "")
    page = urldefrag(page_url)[0]
    base = page_base(tree, page_url)
    addresses: dict[str, int] = {}     # each on-site address: ENTERS, PICTURE or 0
    clickable = tree.css(_CLICKABLE)
    if len(clickable) > MOST_CLICKABLE:
        return None
    for node in clickable:
        url = _address(node, base)
        if url is None or _hidden(node):
            continue
        url = in_page_encoding(urldefrag(url)[0], codec)
        if (url == page or registrable_domain(urlsplit(url).hostname or "") != site
                or names_a_file(url)):
            continue
        addresses[url] = max(addresses.get(url, 0), _kind(node))
        if len(addresses) > MOST_LINKS:
            return None
    entering = [url for url, kind in addresses.items() if kind == ENTERS]
    if entering:   # of several (a Thai site and an English one), the first
        return entering[0]
    # A greeting that moves on by itself after a while (`setTimeout(...)` setting
    # `location`): the fetcher follows only a page that does nothing else at once.
    moved = script_redirect(tree)
    onward = safe_link(moved, base) if moved else None
    if onward is not None:
        onward = in_page_encoding(urldefrag(onward)[0], codec)
        if onward != page and registrable_domain(urlsplit(onward).hostname or "") == site:
            return onward
    # The whole picture as the way in, and no other link of the site. A page that
    # links home in words alone ("กลับหน้าแรก": a listing gone, answered 200) is not
    # one: its listing's absence must show.
    only = list(addresses.items())
    return only[0][0] if len(only) == 1 and only[0][1] == PICTURE else None


def splash_note(url: str) -> str:
    """What a page read through its way in says of it (`preview`, the crawl line)."""
    return f"the page is a splash page in front of the site; read the page it leads to: {url}"


def _address(node: LexborNode, base: str) -> str | None:
    attributes = node.attributes
    href = attributes.get("href")
    written = scripted_address(href, attributes.get("onclick")) or (href or "").strip()
    return safe_link(written, base) if written else None


_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _hidden(node: LexborNode) -> bool:
    """Whether a link is hidden from the reader (an app's shell hides its markup until
    its script runs: no way in that a reader could click)."""
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "html", "-document"):
        attributes = current.attributes
        if "hidden" in attributes or _HIDING.search(attributes.get("style") or ""):
            return True
        current = current.parent
    return False


def _kind(node: LexborNode) -> int:
    """ENTERS for a link that says it leads into the site, PICTURE for one that is
    only a picture, else 0."""
    attributes = node.attributes
    own = collapse(node.text(separator=" "))
    texts = [own, attributes.get("title") or "", attributes.get("aria-label") or "",
             attributes.get("value") or "", attributes.get("alt") or ""]
    pictures = node.css("img") if node.tag != "img" else [node]
    for picture in pictures:
        texts.append(picture.attributes.get("alt") or "")
        if _ENTER_FILE.search((picture.attributes.get("src") or "").rsplit("/", 1)[-1]):
            return ENTERS
    if any(_ENTER_WORDS.search(collapse(text)) for text in texts if text):
        return ENTERS
    return PICTURE if pictures and not own else 0
