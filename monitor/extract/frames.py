"""Pages that show their content in frames.

Older agency sites (a district's, a local government's) are often a
`<frameset>` of a banner, a menu and a main frame, or a home page whose news
box is an `<iframe>` of another page of the site. A browser draws those pages
inside the one at the address, so the listing a user sees there is in a page
of its own, and selectors written in the browser's inspector are the frame's.
A page in which a listing's selectors, or `auto`, found nothing is therefore
read through its frames: their pages are followed as further documents of the
source, as a sitemap index's children are (`Extraction.follow`), and each is
read as the page was. Only frames of the same site count: a video, a map or a
social feed embedded from elsewhere is no part of an agency's listing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urldefrag, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.cleaning import page_base, safe_link
from monitor.text.urls import in_page_encoding, registrable_domain

MAX_FRAMES = 4   # a frameset has two or three; more is a page of widgets
# A frame whose name, id or address says it holds the page's content or news comes
# first: a frameset's banner and menu frames come before its main one.
_MAIN = re.compile(r"main|content|body|center|centre|detail|news|ข่าว", re.IGNORECASE)


def frame_urls(tree: LexborHTMLParser, page_url: str, codec: str) -> list[str]:
    """The same-site pages that `tree` (the page at `page_url`, decoded with `codec`)
    shows in frames, each once, at most MAX_FRAMES: those that look like the main
    one first, then in the page's order."""
    found: dict[str, bool] = {}     # each URL: whether it looks like the main frame
    for node, url in site_frames(tree, page_url, codec):
        if url in found:
            continue
        named = " ".join(node.attributes.get(key) or "" for key in ("name", "id", "src"))
        found[url] = _MAIN.search(named) is not None
        if len(found) == MAX_FRAMES:
            break
    return sorted(found, key=lambda url: not found[url])   # stable: else page order


def site_frames(tree: LexborHTMLParser, page_url: str,
                codec: str) -> Iterator[tuple[LexborNode, str]]:
    """Each frame of `tree` that shows another page of the same site (its domain: a
    calendar host under the agency's own counts), with that page's address, in page
    order."""
    site = registrable_domain(urlsplit(page_url).hostname or "")
    page = urldefrag(page_url)[0]
    base = page_base(tree, page_url)
    for node in tree.css("frame[src], iframe[src]"):
        url = safe_link((node.attributes.get("src") or "").strip(), base)
        if url is None:
            continue
        url = in_page_encoding(urldefrag(url)[0], codec)
        if url != page and registrable_domain(urlsplit(url).hostname or "") == site:
            yield node, url


def through_frames_note(frames: list[str]) -> str:
    """What a page read through its frames says of it (`preview`, the crawl line)."""
    pages = "1 page" if len(frames) == 1 else f"{len(frames)} pages"
    return f"the page shows {pages} of its site in frames, read as well: {', '.join(frames)}"
