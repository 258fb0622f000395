"""Text, link and date hygiene shared by every extractor.

Scraped text goes into XML feeds, HTML pages and email: a stray control
character or lone surrogate makes a feed invalid (feedgen/lxml refuse it), a
`javascript:` link becomes an attack on the reader. Extractors clean at the
boundary so that no later stage has to wonder where a string came from.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlparse, urlunparse

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.errors import ExtractError
from monitor.extract.bounds import parse_html, tags_stripped
from monitor.text.clean import (
    SUMMARY_LIMIT,
    clean_href,
    collapse,
    truncate,
)
from monitor.text.thaidate import plausible_year
from monitor.text.urls import PUBLISHABLE_SCHEMES, is_plain, is_publishable

_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)
_MARKUP_HINT = re.compile(r"<[A-Za-z/!]|&(?:#\d+|#x[0-9A-Fa-f]+|\w+);")
_DROP_TAGS = "script, style, noscript, template, iframe, object"
# The tags of a news summary, as text after one decoding: markup escaped twice.
_ESCAPED_MARKUP = re.compile(r"</?(?:p|br|div|span|a|img|strong|b|i|em|u|ul|ol|li|table|tr|td|"
                             r"h[1-6]|font|center)(?:\s[^<>]*)?/?>", re.IGNORECASE)
# Elements that end a line when rendered; inline ones (b, span, a) do not.
_BLOCKS = ("address, article, aside, blockquote, br, dd, div, dl, dt, figcaption, figure, "
           "footer, h1, h2, h3, h4, h5, h6, header, hr, li, main, nav, ol, p, pre, section, "
           "table, td, th, tr, ul")



def mark_blocks(tree: LexborHTMLParser | LexborNode) -> None:
    """Put a line break after every block element and drop script-like ones.

    Text is then taken with no separator: a separator between all nodes would
    split words at inline markup (Thai `ทาง<b>อิเล็กทรอนิกส์</b>` would gain a
    space, `e<i>-Service</i>` would become `e -Service`), none would glue
    paragraphs and table cells together.
    """
    drop_hidden(tree)
    mark_line_ends(tree)


def drop_hidden(tree: LexborHTMLParser | LexborNode) -> None:
    """The first half of mark_blocks: script-like elements gone."""
    for node in tree.css(_DROP_TAGS):
        node.decompose()


def mark_line_ends(node: LexborHTMLParser | LexborNode) -> None:
    """The second half of mark_blocks, for the elements whose text is read: a listing
    page's navigation, sidebar and footer have more blocks than its items."""
    for block in node.css(_BLOCKS):
        block.insert_after("\n")


def node_text(node: LexborNode) -> str:
    """Visible text of an element of a tree prepared by mark_blocks, on one line."""
    return collapse(node.text(separator="") or "")


# An image's alt text that names the file or the kind of picture, not its subject:
# banners and thumbnails often carry "IMG_2041.jpg", "banner-3" or "รูปภาพ". Only
# Latin tokens with digits count as names: Thai writes a whole headline without a
# space ("กรมการปกครองแจงผลงาน2568").
# (The digit is asked by a lookahead: "[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*" tried every
# place for it, a second on an alt text of 12,000 characters.)
_FILE_NAME = re.compile(r"\S*\.(?:jpe?g|png|gif|webp|svg|bmp|tiff?)|(?=[A-Za-z0-9_-]*\d)"
                        r"[A-Za-z0-9_-]+", re.IGNORECASE)
_NO_SUBJECT = frozenset({"image", "img", "picture", "photo", "banner", "thumbnail", "thumb",
                         "icon", "logo", "ภาพ", "รูป", "รูปภาพ", "ภาพประกอบ", "ภาพข่าว"})


def image_name(node: LexborNode) -> str:
    """What a link or heading made of an image says, as a screen reader reads it out:
    its `aria-label`, else its images' alt text. An agency's news grid of pictures
    often has nothing else (`<a href="..."><img alt="ประชุม ..."></a>`). Alt text
    that is a file name or a word for "picture" names no headline and counts as none."""
    label = collapse(node.attributes.get("aria-label") or "")
    if label:
        return label
    for image in node.css("img[alt]"):
        alt = collapse(image.attributes.get("alt") or "")
        if (alt and any(ch.isalpha() for ch in alt) and not _FILE_NAME.fullmatch(alt)
                and alt.lower() not in _NO_SUBJECT):
            return alt
    return ""


# A page that shows fewer characters than this of its own, yet runs scripts, is the
# shell of an application that builds its listing in the browser (React, Vue, an
# agency portal's `<div id="app">`): no selector or link block is in its HTML.
SHELL_TEXT = 200
SCRIPT_READ = 20_000   # characters of each of a shell's scripts searched for a redirect
_SCRIPT_TAG = re.compile(r"<script\b", re.IGNORECASE)


def script_built_hint(text: str) -> str:
    """Why a page yielded no items when it is such a shell, else "": the user's next
    step is the data its scripts load, or a browser, not another selector. Only
    asked when nothing was found, so its second parse costs nothing otherwise."""
    if not _SCRIPT_TAG.search(text):
        return ""
    try:
        tree = parse_html(text)
    except ExtractError:
        return ""
    onward = script_redirect(tree)
    drop_hidden(tree)
    shown = collapse((tree.body or tree.root).text(separator=" ") if tree.root else "")
    if len(shown) >= SHELL_TEXT:
        return ""
    if onward:
        return (f"the page shows only {len(shown)} characters of text and its script sends "
                f"the browser on to {onward}: use that address as the source's url")
    return (f"the page shows only {len(shown)} characters of text and runs scripts: its "
            "listing is probably built by them. Read the data they load (the browser's "
            "Network tab; type: json or the fragment's URL), or set render: true")


def script_redirect(tree: LexborHTMLParser) -> str | None:
    """The address a shell's script sends the browser to (`location.href = "..."`,
    `location.replace("...")`), as written: splash and moved-site pages of agencies
    and universities do only that, and render: true would be the wrong advice."""
    for script in tree.css("script"):
        for found in _OPENS.finditer(script.text()[:SCRIPT_READ]):
            address = found.group(4) or found.group(6)   # a window.open opens another
            if address:
                return address
    return None


def html_to_text(fragment: str, limit: int | None = SUMMARY_LIMIT) -> str:
    """Reduce an HTML fragment to one line of plain text (tags gone, entities decoded).

    Markup escaped twice (`&amp;lt;p&amp;gt;`, as some CMSs write a feed's
    description) is still markup once decoded, and is read once more: readers
    were shown `<p>` and `</p>` around every summary of such a feed.
    """
    if not fragment:
        return ""
    if _MARKUP_HINT.search(fragment):
        fragment = _text_of(fragment)
        if _ESCAPED_MARKUP.search(fragment):
            fragment = _text_of(fragment)
    text = collapse(fragment)
    return truncate(text, limit) if limit else text


def _text_of(fragment: str) -> str:
    try:
        tree = parse_html(fragment, "a summary")
    except ExtractError:   # markup no real summary has: its text, without a tree
        return tags_stripped(fragment)
    mark_blocks(tree)
    root = tree.body or tree.root
    return root.text(separator="") if root is not None else ""


# A link that a script opens, as older agency sites write their news lists:
# `href="javascript:window.open('news_detail.php?id=1','_blank')"`, or `href="#"`
# with `onclick="location.href='detail.asp?id=1'"`. A click opens the address
# written in quotes; only such a literal, whole argument counts (one built by the
# script, `'news.php?id=' + id`, or a site's own function given no address,
# `openNews(1)`, is left alone). A pop-up helper given the address as its first
# argument opens it too: Dreamweaver's `MM_openBrWindow('news_detail.php?news_id=912',
# '', 'scrollbars=yes')`, in many local governments' old PHP sites, or a site's
# `popup('detail.php?id=5', 600, 500)`; only an address of a page (`.php`, `.asp`,
# `.html`, ...) counts there. A statement ends at a semicolon, a brace or a line's
# end (scripts need no semicolon). Groups 2, 4, 6 and 8: window.open's, location's
# assignment's, location.replace's or assign's (these two send the page itself
# on), and a helper's address.
_OPENS = re.compile(
    r"""\bwindow\.open\s*\(\s*(['"])([^'"<>\s\\]+)\1\s*[,)]"""
    r"""|\b(?:(?:window|document|self|top)\.)?location(?:\.href)?\s*=\s*(['"])"""
    r"""([^'"<>\s\\]+)\3\s*(?:[;}\n]|return\b|$)"""
    r"""|\blocation\.(?:replace|assign)\s*\(\s*(['"])([^'"<>\s\\]+)\5\s*\)"""
    r"""|\b[A-Za-z_$][\w$]{0,40}\s*\(\s*(['"])([^'"<>\s\\()]{1,500}?\.(?:php[0-9]?|aspx?|jsp|"""
    r"""cfm|s?html?|do)(?:\?[^'"<>\s\\]*)?)\7\s*[,)]""")


def scripted_address(href: str | None, onclick: str | None) -> str | None:
    """The address a link opens by script (see _OPENS), written as in the page; None
    when `href` is an address of its own or the script opens none it spells out."""
    href = (href or "").strip()
    scripts: tuple[str, ...]
    if href[:11].lower() == "javascript:":
        # A javascript: URL is percent-decoded before it runs; then the onclick, if any.
        scripts = (unquote(href[11:]), onclick or "")
    elif not href or href.startswith("#"):
        scripts = (onclick or "",)
    else:
        return None
    for script in scripts:
        found = _OPENS.search(script[:2000])
        if found is not None:
            return found.group(2) or found.group(4) or found.group(6) or found.group(8)
    return None


def safe_link(href: str | None, base: str) -> str | None:
    """Resolve `href` against `base`; None unless the result is an http(s) URL with a host.

    Only http and https links may ever be published (README, Security), so anything
    else (javascript:, data:, mailto:, file:) is treated as no link at all.
    """
    if not href:
        return None
    if not href.isprintable() or " " in href or "\\" in href:   # other spaces: unprintable
        href = clean_href(href)
        if not href:
            return None
    if is_plain(href):   # absolute, and resolving or checking it changes nothing
        return href
    try:
        if _ABSOLUTE.match(href):
            parts = urlparse(href)
            if parts.netloc:
                # What urljoin returns for an absolute link, without parsing the
                # base again for every link of the page; checked as is_publishable
                # would check it (a third of reading a feed went to the two).
                same = parts.scheme == _scheme(base)
                url = urlunparse(parts) if same else href
                return url if parts.scheme in PUBLISHABLE_SCHEMES and parts.hostname else None
        url = urljoin(base, href)
    except ValueError:
        return None
    return url if is_publishable(url) else None


def page_base(tree: LexborHTMLParser, url: str) -> str:
    """What a page's relative links resolve against: its `<base href>` when that is a
    usable http(s) URL, else the page's own URL."""
    node = tree.css_first("base[href]")
    return (safe_link(node.attributes.get("href"), url) if node else None) or url


@lru_cache(maxsize=64)
def _scheme(url: str) -> str:
    """A page's scheme, parsed once for all its links."""
    return urlparse(url).scheme


def aware_or_none(value: datetime) -> datetime | None:
    """Keep a datetime only when it carries a zone and a plausible year."""
    if value.tzinfo is None or value.utcoffset() is None:
        return None
    if not plausible_year(value.year):   # e.g. 2567 in an ISO field: the Thai reader decides
        return None
    return value


# A JSON API's date as a count since 1970: seconds or milliseconds (JavaScript's
# Date.now(), Next.js and Strapi), bare or as ASP.NET's `/Date(1796601600000)/`.
# Ten or thirteen digits only: a shorter number is an id or a year, not a date.
_EPOCH = re.compile(r"(?:/Date\()?(\d{10}|\d{13})(?:\.\d+)?(?:[+-]\d{4})?(?:\)/)?")


def epoch_date(text: str | None) -> datetime | None:
    """A date a JSON API gives as seconds or milliseconds since 1970 (always UTC;
    an ASP.NET offset only says how to show it), else None. For JSON fields
    alone: in a page's text such a number is more likely an id."""
    match = _EPOCH.fullmatch(text.strip()) if text else None
    if match is None:
        return None
    count = int(match.group(1))
    return aware_or_none(datetime.fromtimestamp(
        count / 1000 if len(match.group(1)) == 13 else count, UTC))


def parse_iso_aware(text: str | None) -> datetime | None:
    """An ISO 8601 / W3C datetime with an explicit zone, else None.

    A date without a zone is in the configured timezone, which an
    extractor does not know: such dates stay in `date_text` for the pipeline.
    """
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return aware_or_none(value)
