"""The `auto` source type: find the list of articles on a page by itself.

0. Data first: a JSON body, or JSON the page embeds for its scripts
   (`__NEXT_DATA__`, Next.js flight chunks, plain `__NUXT__`, JSON-LD), is read
   by `autodata` when it names articles; it wins over the links below when it
   names at least as many, unless its links had to be guessed.

No selectors are given, so otherwise the page's own repetition is the signal:

1. Candidate links: `<a href>`, `data-href`/`data-url` (buttons, clickable
   cards) or a URL in `title=`, resolved against `<base>`/the page URL, on the
   same registrable domain (`news.dga.or.th` ~ `www.dga.or.th`; `go.th` is a
   suffix, but one agency's list may hold another go.th site's item, such as
   a law.go.th hearing), not this page or home, not a tag/category/author/
   search/paging URL, and outside navigation: nav/menu/aside, a page-level
   header/footer (one inside article/section/main belongs to an item),
   landmark roles, or class/id words with nav, menu, header, footer, sidebar,
   breadcrumb, pager (an item's own part such as `entry-header`, a state such
   as `has-sidebar`, or a region wrapping the main content does not count).
   Its headline: a heading inside it, an inner `title=` holding the full text,
   its text without a glued date, view counter or "New" badge, or its own
   `title=`/`aria-label` when the text is short, cut with "..." or "read more"
   (then the headline is looked for in the item around it).
2. Item container: the nearest ancestor whose siblings of the same tag and
   similar classes hold links to other URLs (the `li`, `tr`, `article`,
   `views-row`, card column); links side by side in a repeated row belong to
   the row. Cards whose wrappers differ are matched by their own tag and
   classes. Digit runs and state tokens (odd, first, category-x) are ignored
   in classes, since CMSs number their rows. One link per container: its
   headline, not its category pill or "read more".
3. Groups: containers with one tag/class path to the root, in one parent
   region; a heading between two lists of one parent splits them ("ข่าว",
   then "เอกสารเผยแพร่"), unless both are dated (one list per day heading).
4. Score = sum of headline lengths (each capped at 120) x (1 + half the share
   of dated items), halved when the path says popular/related/widget. The
   best group of >= 2 distinct links, mostly on this site, wins (names under
   15 characters, as in a table of standards, only when no group of
   headlines exists); a link whose container has the winning path but no
   repeated sibling (a last card row of one), or that sits beside the chosen
   items in their parent (a featured card), joins it. A page with no group
   but one card (a heading, a date, one link) yields that item, with a warning.
5. Per item: the date as written nearby (`<time datetime>`, `<time>` text,
   datePublished, an element classed date/time/meta, else a date-like run in
   the item's text, else in the elements around the item's that hold no other
   item, else, in a list of bare links one a line, in the text beside the link
   on its line; the Thai date reader interprets it later) and a summary from
   the first other `<p>` or excerpt-classed element.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import cast
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.config.settings import Source
from monitor.extract.autodata import read_embedded, read_json_body
from monitor.extract.bounds import parse_html
from monitor.extract.cleaning import page_base, script_built_hint, scripted_address
from monitor.extract.headline import MIN_TITLE, strip_glue, unbadged, unglued
from monitor.extract.htmltext import (
    BLOCK_TAGS,
    COMPONENT,
    DATE_RE,
    DAY_MONTH,
    Block,
    class_words,
    extends,
    find_date_text,
    is_cut,
    summarize,
    text_blocks,
)
from monitor.extract.splash import read_behind, says_enter
from monitor.extract.viewall import NAME_CHARS, may_lead_to_all, view_all_name
from monitor.models import Document, Extraction, RawItem
from monitor.text.clean import clean_href, collapse
from monitor.text.urls import in_page_encoding, registrable_domain
from monitor.text.weekdays import WEEKDAY_NAMES

MIN_ITEMS, TITLE_CREDIT = 2, 120
LINK_CSS = ('a[href], [data-href], [data-url], [title^="http://"], [title^="https://"], '
            '[onclick]')
# Links read per page, in page order. A listing page has hundreds (a portal with a
# large menu, a few thousand); each costs about 0.1 ms to weigh, so a hostile or
# archive page of 90,000 links cost 10 s of the page worker (benchmarks/hostile_pages.py).
LINKS_READ = 5000
# Link texts that say "open it" rather than what it is: the headline is elsewhere in the item.
SHORT_HEADLINE = 6   # characters of the shortest line that may name a "read more" item
DATE_HEADING = 60    # characters of the longest heading of a day that items are grouped by
# What a line that is only a date may hold besides it: its weekday ("Friday, 18 August
# 2017", "วันศุกร์ที่ 18 สิงหาคม 2560"), which the date search leaves out.
_WEEKDAY = re.compile("|".join(sorted((re.escape(name) for names in WEEKDAY_NAMES
                                       for name in names), key=len, reverse=True))
                      + "|วัน|ที่", re.IGNORECASE)
# Also in brackets ("[รายละเอียด]"), a form to download ("ใบสมัคร") under a notice, and
# a file's own name ("job_ocs_25_8_60.pdf") as the link's text. What comes before
# the words is taken whole (`\W*+`): given back a character at a time, a link text of
# 5 MB of dots met the file-name alternative at each, and took 34 s.
READ_MORE = re.compile(
    r"^\W*+(?:อ่าน(?:ข่าว)?(?:ต่อ|เพิ่มเติม|ข้อมูลเพิ่มเติม|รายละเอียด)|(?:ดู)?รายละเอียด(?:เพิ่มเติม)?|"
    r"(?:ดู)?(?:ข้อมูล)?เพิ่มเติม|คลิก(?:ที่นี่|อ่าน|เพื่ออ่าน)?|ดาวน์โหลด|ใบสมัคร|"
    r"[^\s/\\]{1,80}\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|jpe?g|png|gif)|"
    r"read\s*more|more|details?|download|copy\s*link|view(?:\s*more)?|continue\s*reading|"
    r"see\s*more)\W*$", re.IGNORECASE)
_EMPTY_BRACKETS = re.compile(r"\[\s*+\]|\(\s*+\)|【\s*+】")
SHARED_SUFFIXES = ("go.th",)   # government sites link each other's items (law.go.th)
LISTING_SEGMENTS = frozenset({"tag", "tags", "category", "categories", "author", "authors",
                              "search", "label", "labels", "topic", "topics", "taxonomy"})
PAGING_KEYS = frozenset({"page", "paged", "pg", "pagenum", "pageno", "page_no", "start",
                         "offset", "tag", "cat", "category", "cat_id", "catid", "category_id",
                         "author", "s", "q", "search"})
NEUTRAL_KEYS = frozenset({"lang", "sort", "order", "per_page", "limit"})
HOME_PATHS = frozenset({"", "index.php", "index.html", "index.htm", "home", "th", "en",
                        "default.aspx", "main.php"})
ROLES = {"navigation": "navigation", "menu": "navigation", "menubar": "navigation",
         "search": "navigation", "banner": "header", "contentinfo": "footer",
         "complementary": "sidebar"}
STATE = ("odd", "even", "first", "last", "active", "current", "selected", "clearfix")
VOLATILE = ("category-", "tag-", "format-", "status-", "type-", "has-", "post-format", "no-")
# Spacing utilities (`mt10`, `pb-3`, `m-0`) and `no-margin`, `no-image` (VOLATILE): one
# item's wrapper may have one its siblings lack (a research institute's first news card).
_SPACING = re.compile(r"[mp][tblrxy]?-?#")
# A class that names a page's layout, not a region: Themify's `sidebar1` ("one
# sidebar", on the body and on the main list's wrapper alike), `sidebar-none`,
# `nosidebar`. (`has-sidebar` and the like are left out by class_words.)
_LAYOUT = re.compile(r"sidebar\d|no(?:n|ne)?sidebar|withoutsidebar")
# Lists that are not the newest, by what their classes say they are. Not "widget":
# it names the kind of container, and a WordPress theme's front-page "widget area"
# holds the home page's dated news (sidebars are rejected as regions, `_region_of`).
SIDE_LISTS = ("popular", "related", "trending", "recommend", "most")
SUMMARY_WORDS = ("excerpt", "summary", "desc", "teaser", "intro", "abstract", "lead")
DATE_WORDS = ("date", "time", "publish", "posted", "created", "meta")
# A line of a list of bare links ends at these (and at any block); what lies between
# is read for the link's date, at most LINE_SIBLINGS nodes each way.
LINE_ENDS = frozenset({"br", "hr"})
LINE_INLINE = frozenset({"b", "strong", "font", "span", "i", "em", "u", "small", "big"})
LINE_SIBLINGS = 6
# Levels above an item's element searched for its date when the element holds none:
# a card may put its headline in one box and its date in a row beside that box.
DATE_CLIMB = 3
# A line of a card that opens with a date and has fewer characters than this after
# it is the card's date and author or category line, not its headline.
META_LINE = 40
OWNED_BY_MANY = -1
# What breaks a link's text into lines (text_blocks): a card inside its link has some.
_LINE_TAGS = BLOCK_TAGS | {"br"}


@dataclass
class _Link:
    node: LexborNode
    order: int                        # position among the page's links
    url: str                          # absolute, fragment removed
    title: str
    container: LexborNode | None = None
    signature: tuple[str, ...] = ()   # tag/class path of the container to the root
    run: tuple[object, ...] = ()      # signature + where its list sits
    date: str | None = None
    kind: str = "headline"            # "headline", "short" (a name), "more" (read-more link)
    offsite: bool = False             # on another government site (law.go.th hearings)
    in_heading: bool = False
    # The title with the date glued to it, and that date: the title again when the item
    # turns out to have a date of its own elsewhere (see `_restore_dates`).
    dated_title: tuple[str, str] | None = None


def extract(doc: Document, source: Source) -> Extraction:
    """Items = data the page embeds for its scripts when it names the articles, else the
    repeated block of article links; notes say what was chosen and why."""
    text = doc.text or ""
    if text.lstrip()[:1] in ("{", "["):
        return read_json_body(doc, source)
    tree = parse_html(text or "<html></html>")
    data = read_embedded(doc, tree)   # first: reading the links marks up the tree
    links = read_links(doc, source, tree)
    if not links.items and not (data and data.items):
        # The listing may be in a frame or behind a splash page (monitor.extract.splash).
        behind = read_behind(tree, doc, "")
        if behind is not None:
            return replace(behind, notes=[*links.notes, *behind.notes])
    if data is None:
        return _with_hint(links, text)
    guessed = any("guessed" in warning for warning in data.warnings)
    if data.items and (not links.items or (len(data.items) >= len(links.items)
                                           and not guessed)):
        return Extraction(items=data.items, warnings=data.warnings, notes=[
            *data.notes, f"(the block of links found {len(links.items)} items)"])
    return _with_hint(Extraction(items=links.items, warnings=links.warnings, notes=[
        *links.notes, f"embedded data not used ({data.notes[0]})"]), text)


def _with_hint(found: Extraction, text: str) -> Extraction:
    """A page that gave nothing says so with the reason when it is a script's shell."""
    hint = "" if found.items else script_built_hint(text)
    if not hint:
        return found
    return replace(found, warnings=[f"{warning}; {hint}" for warning in found.warnings]
                   or [hint])


def read_links(doc: Document, source: Source,
               tree: LexborHTMLParser | None = None) -> Extraction:
    """The repeated block of article links of an HTML page (`tree`, the page parsed,
    when the caller has it; reading changes it)."""
    if tree is None:
        tree = parse_html(doc.text or "<html></html>")
    base = page_base(tree, doc.url)
    page, site = _key(doc.url), registrable_domain(urlsplit(doc.url).hostname or "")
    skipped: dict[str, int] = {}
    regions: dict[tuple[str, str], int] = {}
    cache: dict[int, tuple[str, str] | None] = {}
    links: list[_Link] = []
    # A script inside a link (Gatsby's image loader, in every card that is one link)
    # is no part of its text, which titles are read from.
    for code in tree.css("a script, a style, a template"):
        code.decompose()
    nodes = tree.css(LINK_CSS)
    for order, node in enumerate(nodes[:LINKS_READ]):
        href = _href(node)
        if href is None:
            continue
        url = in_page_encoding(_joined(base, clean_href(href)).split("#", 1)[0], doc.encoding)
        if not url:
            skipped["malformed links"] = skipped.get("malformed links", 0) + 1
            continue
        title, kind, in_heading, dated_title = _headline(node)
        reason = _url_problem(url, page, site)
        offsite = reason == "off-site" and _shared_public(url, site)
        if offsite:
            reason = _path_problem(url, page)
        if reason is None and kind == "short" and not _is_name(title):
            reason = "short text"
        if reason is None and len(title) <= NAME_CHARS:
            # A section's "ดูทั้งหมด" (its text, or an icon's title), a splash page's
            # "เข้าสู่เว็บไซต์": no item's headline, though they come in blocks.
            if ((kind != "headline" or may_lead_to_all(title))
                    and view_all_name(node.text(), node.attributes.get("title") or "")
                    is not None):
                reason = "'view all' links"
            elif says_enter(title):
                reason = "ways into the site"
        region = None if reason else _region_of(node, cache)
        if region:
            regions[region] = regions.get(region, 0) + 1
        elif reason:
            skipped[reason] = skipped.get(reason, 0) + 1
        else:
            links.append(_Link(node, order, url, title, kind=kind, offsite=offsite,
                               in_heading=in_heading, dated_title=dated_title))
    chosen, notes, warnings = _choose(links)
    notes += [f"rejected '{label}' ({why}, {_count(n)})"
              for (why, label), n in sorted(regions.items(), key=lambda kv: -kv[1])[:4]]
    if skipped:
        notes.append("ignored " + ", ".join(f"{n} {why}" for why, n in sorted(skipped.items())))
    if len(nodes) > LINKS_READ:
        notes.append(f"read the first {LINKS_READ:,} of the page's {len(nodes):,} links")
    if not chosen:
        # What else there was: links in menus and the like, and to other sites (a page
        # saved or mirrored elsewhere, a site that moved and links its old address).
        kinds: dict[str, int] = {}
        for (why, _), n in regions.items():
            kinds[why] = kinds.get(why, 0) + n
        aside = [f"{_count(n)} {_REGION_WORDS.get(why, 'in a ' + why)}" for why, n in
                 sorted(kinds.items(), key=lambda kv: -kv[1])]
        if skipped.get("off-site"):
            aside.append(f"{_count(skipped['off-site'])} to other sites")
        return Extraction(notes=notes, warnings=[
            f"{source.name}: no repeated block of article links found on {doc.url} "
            f"({'; '.join([_candidates(links), *aside])}); use type: html with select: to "
            "choose the items"])
    items = [RawItem(title=link.title, link=link.url, summary=_summary(link),
                     date_text=link.date) for link in chosen]
    return Extraction(items=items, notes=notes, warnings=warnings)


def _joined(base: str, href: str) -> str:
    """`href` resolved against `base`; "" when either will not parse: urljoin raises on
    a malformed IPv6 literal (`http://[::1`), and one such link must not cost the
    page its other items."""
    try:
        return urljoin(base, href)
    except ValueError:
        return ""


def _href(node: LexborNode) -> str | None:
    """Where an element links to: href (or the address its script opens: see
    cleaning.scripted_address), a data-href/data-url (buttons, clickable cards), a
    URL written only in its title attribute, or the address a clickable element's
    onclick opens."""
    attrs = node.attributes
    for name in ("href", "data-href", "data-url"):
        value = (attrs.get(name) or "").strip()
        if value:
            return (scripted_address(value, attrs.get("onclick")) if name == "href"
                    else None) or value
    title = (attrs.get("title") or "").strip()
    if title.startswith(("http://", "https://")):
        return title
    # A clickable card or row (`<div onclick="window.open('news_detail.php?id=1')">`).
    onclick = attrs.get("onclick")
    return scripted_address(None, onclick) if onclick else None


def _choose(links: list[_Link]) -> tuple[list[_Link], list[str], list[str]]:
    """The best-scoring group of at least MIN_ITEMS links, with notes on it and its rivals."""
    holders: dict[int, str] = {}      # element -> the first link URL under it
    spread: dict[int, set[str]] = {}  # element -> up to two distinct URLs under it
    for link in links:
        node: LexborNode | None = link.node
        while node is not None and node.tag not in ("html", "-document"):
            urls = spread.setdefault(node.mem_id, set())
            if len(urls) == 2:   # two links came up this way: every ancestor has both
                break
            holders.setdefault(node.mem_id, link.url)
            urls.add(link.url)
            node = node.parent
    chains = _Chains()
    alike: dict[tuple[int, str | None, frozenset[str]], int] = {}
    shapes = _shape_counts(links)
    for link in links:
        link.container = _container(link.node, holders, alike)
        if link.container is not None:
            link.signature = chains.signature(link.container)
            link.run = (link.signature, *_run_place(link.container))
        else:
            link.container = _shape_container(link.node, holders, shapes)
            if link.container is not None:
                link.signature = ("~" + _label_of(link.container, _classes(link.container)),)
                link.run = (link.signature,)
    links = _best_per_container(links)
    for link in links:
        if link.kind == "more" or is_cut(link.title):
            better = _headline_near(link, spread)
            if better:
                link.title, link.kind = better, "headline"
        if link.container is not None:
            link.date = _date_near(link.container, link.node)
    links = [link for link in links if link.kind != "more"]
    groups = _groups(links)
    ranked = sorted(groups, key=lambda key: _score(groups[key]), reverse=True)
    eligible = [key for key in ranked if _eligible(groups[key])]
    headlines = [key for key in eligible if _mean_title(groups[key]) >= MIN_TITLE]
    eligible = headlines or eligible
    warnings: list[str] = []
    if not eligible:
        single = _single_card(links, spread)
        if single is None:
            return [], [_best_refused(groups[key]) for key in ranked[:1]], []
        key = single.run
        groups[key] = [single]
        warnings.append("only one item found: a listing usually shows more; "
                        "check it with preview, or use type: html")
        eligible = [key]
    best = _first_of_template(eligible, groups)
    chosen = list(groups[best])
    runs = {link.run for link in chosen}
    seen = {link.node.mem_id for link in chosen}
    signature = cast("tuple[str, ...]", best[0])
    parents = {(ln.container.parent.mem_id, ln.container.tag) for ln in chosen
               if ln.container is not None and ln.container.parent is not None}
    # One item per element that joins, as per container (`_best_per_container`): a
    # blog page that shows each post whole has many links in each, and its item is
    # the post's headline.
    taken = {link.container.mem_id for link in chosen if link.container is not None}
    joining: dict[int, list[_Link]] = {}
    for link in links:
        through = None if link.node.mem_id in seen else _joins(
            link, signature, runs, parents, chains)
        if through is not None and through.mem_id not in taken:
            joining.setdefault(through.mem_id, []).append(link)
    chosen += [max(group, key=_headline_rank) for group in joining.values()]
    chosen += _leads(chosen, links)
    chosen.sort(key=lambda link: link.order)
    unique = list({link.url: link for link in reversed(chosen)}.values())[::-1]
    _dates_around(unique)
    _dates_in_headings(unique)
    _dates_on_lines(unique)
    _restore_dates(unique)
    dated = sum(1 for link in unique if link.date is not None)
    mean = sum(len(link.title) for link in unique) // len(unique)
    repeats = len({link.container.mem_id for link in chosen if link.container is not None})
    notes = [f"chose {len(unique)} links under '{_label(groups[best])}' (repeated {repeats}×, "
             f"mean text {mean} chars, dates on {dated})"]
    for key in [k for k in ranked if k != best][:3]:
        side = " (looks like a side list)" if _is_side(cast("tuple[str, ...]", key[0])) else ""
        score, bar = _score(groups[key]), _score(groups[best])
        why = (f"score {score:.0f} < {bar:.0f}" if score <= bar else
               f"score {score:.0f}, but a later list of the same template as the one read")
        notes.append(f"rejected '{_label(groups[key])}' ({_count(len(groups[key]))}, {why}){side}")
    return unique, notes, warnings


def _first_of_template(ranked: list[tuple[object, ...]],
                       groups: dict[tuple[object, ...], list[_Link]]) -> tuple[object, ...]:
    """The best group, or the first on the page of the lists made from its template
    that score nearly as well: a home page's boxes of one template (news, press, CSR,
    articles) lead with its own news, and a later box's longer titles (procurement
    notices') decided by a few points."""
    best = ranked[0]
    bar = _score(groups[best]) / SAME_TEMPLATE
    alike = [key for key in ranked
             if key == best or (key[0] == best[0] and _score(groups[key]) > bar)]
    return min(alike, key=lambda key: min(link.order for link in groups[key]))


def _eligible(group: list[_Link]) -> bool:
    """At least MIN_ITEMS distinct links, at least half of them on this site."""
    urls = {link.url: link.offsite for link in group}
    return len(urls) >= MIN_ITEMS and sum(urls.values()) * 2 <= len(urls)


def _best_refused(group: list[_Link]) -> str:
    """The note on the best group when none is eligible, with the reason it is not."""
    urls = {link.url: link.offsite for link in group}
    offsite = sum(urls.values())
    why = (f"{offsite} of its {len(urls)} addresses on other sites" if offsite else
           f"{_count(len(urls))}")
    return (f"no group of at least {MIN_ITEMS} links, most of them on this site (best: "
            f"'{_label(group)}', {why})")


def _mean_title(group: list[_Link]) -> float:
    return sum(len(link.title) for link in group) / len(group)


def _single_card(links: list[_Link], spread: dict[int, set[str]]) -> _Link | None:
    """A page that shows one item (a reduced listing, a first page of one): accepted only
    as a card, a box with a heading and a date around one on-site link."""
    cards = {}
    for link in links:
        box = _item_box(link, spread)
        if box is None or link.offsite or box.css_first("h1, h2, h3, h4, h5, h6") is None:
            continue
        if _date_near(box, link.node) and len(link.title) >= MIN_TITLE:
            cards[link.url] = link
    if len(cards) != 1:
        return None
    link = next(iter(cards.values()))
    box = _item_box(link, spread)
    assert box is not None
    link.container, link.signature = box, ("=" + _label_of(box),)
    link.run = (link.signature,)
    link.date = _date_near(box, link.node)
    return link


def _best_per_container(links: list[_Link]) -> list[_Link]:
    """One item per container: its headline link, not its category pill or share button.
    Several links to one URL are one item named by the first (a standard's Thai name
    before its English one), unless a later one is the heading."""
    members: dict[int, list[_Link]] = {}
    loose: list[_Link] = []
    for link in links:
        if link.container is None:
            loose.append(link)
        else:
            members.setdefault(link.container.mem_id, []).append(link)
    kept: set[int] = set()
    for group in members.values():
        named = [ln for ln in group if ln.kind != "more"] or group
        if len({ln.url for ln in group}) == 1:
            best = next((ln for ln in named if ln.in_heading), named[0])
        else:
            best = max(named, key=_headline_rank)
        kept.add(id(best))
    return [link for link in links if id(link) in kept] + loose


_PICTURE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp)$", re.IGNORECASE)


def _headline_rank(link: _Link) -> tuple[bool, bool, bool, int]:
    """Which of an item's links names it: a headline over a name, a page over its
    picture (a lightbox link titled like the item, before the link to the item's
    page), one in a heading, then the longest."""
    return (link.kind == "headline", not _PICTURE_FILE.search(urlsplit(link.url).path),
            link.in_heading, len(link.title))


def _groups(links: list[_Link]) -> dict[tuple[object, ...], list[_Link]]:
    """Links by list; same-shaped lists that are mostly dated are one list."""
    runs: dict[tuple[object, ...], list[_Link]] = {}
    for link in links:
        if link.container is not None:
            runs.setdefault(link.run, []).append(link)
    groups: dict[tuple[object, ...], list[_Link]] = {}
    for run, members in runs.items():
        dated = sum(1 for link in members if link.date) * 2 >= len(members)
        groups.setdefault((run[0], "dated") if dated else run, []).extend(members)
    return groups


def _score(group: list[_Link]) -> float:
    by_url = {link.url: link for link in group}
    credit = sum(min(len(link.title), TITLE_CREDIT) for link in by_url.values())
    dates = sum(1 for link in by_url.values() if link.date) / len(by_url)
    return credit * (1 + dates / 2) * (0.5 if _is_side(group[0].signature) else 1.0)


def _is_side(signature: tuple[str, ...]) -> bool:
    return any(word in part for part in signature for word in SIDE_LISTS)


def _count(n: int) -> str:
    return f"{n} link" if n == 1 else f"{n} links"


_REGION_WORDS = {"navigation": "in menus", "header": "in the page's header",
                 "footer": "in its footer", "sidebar": "in sidebars",
                 "breadcrumb": "in breadcrumbs", "pagination": "in paging"}


def _candidates(links: list[_Link]) -> str:
    """Why no block was found, counted as the notes count: in addresses on this site,
    since a card often links to its story two or three times (picture, headline,
    "read more") and a block mostly of other sites' links is not the site's list."""
    # A link that still says only "read more" had no headline found beside it.
    said = [link for link in links if link.kind != "more"]
    more = len({link.url for link in links if link.kind == "more"} - {ln.url for ln in said})
    links = said
    urls = {link.url: link.offsite for link in links}
    elsewhere = sum(urls.values())
    here = len(urls) - elsewhere
    also = (f"; {elsewhere} on other sites could" if elsewhere else "") + (
        f"; {more} say only \"read more\" with no headline found beside them" if more else "")
    if here < MIN_ITEMS:
        return (f"no link to this site could be a headline{also}" if not here else
                f"it links to only 1 address on this site that could be a headline{also}")
    most, beside = max(((len(group) - sum(group.values()), sum(group.values()))
                        for group in ({link.url: link.offsite for link in members}
                                      for members in _groups(links).values())),
                       default=(0, 0))
    if most < MIN_ITEMS:
        return (f"{here} addresses on this site could be headlines, no more than {most} "
                f"of them in one repeated block{also}")
    # Enough of them repeat, but their block is mostly other sites' links (`_eligible`).
    return (f"{here} addresses on this site could be headlines; the block holding {most} of "
            f"them also holds {beside} on other sites")


def _joins(link: _Link, signature: tuple[str, ...], runs: set[tuple[object, ...]],
           parents: set[tuple[int, str | None]], chains: _Chains) -> LexborNode | None:
    """The element through which a link outside the chosen group still belongs to it:
    one with the winning path (a last row of one), or one beside the chosen items, in
    the same parent and of the same kind (a featured card before the list). None for
    a link that does not belong."""
    if link.kind != "headline" or len(link.title) < MIN_TITLE:
        return None
    for anc in _ancestors(link.node, False):
        if chains.signature(anc) == signature:
            if link.date is None:
                link.date = _date_near(anc, link.node)
            return anc if (signature, *_run_place(anc)) in runs else None
    for anc in _ancestors(link.node, True):
        if anc.parent is not None and (anc.parent.mem_id, anc.tag) in parents:
            link.container = anc
            if link.date is None:
                link.date = _date_near(anc, link.node)
            return anc
    return None


def _date_near(box: LexborNode, anchor: LexborNode, *, card: bool = True) -> str | None:
    """The item's date as written: markup first, then a class that says so, then any
    text, then (with `card`) a line of a card inside its link that opens with one."""
    for node in box.css("time, [itemprop=datePublished]"):
        attrs = node.attributes
        value = collapse(attrs.get("datetime") or attrs.get("content") or "")
        text = collapse(node.text())
        if value or text:
            return value or find_date_text(text) or text
    for node in box.css("[class], [id]"):
        if any(w in word for words in class_words(node) for word in words for w in DATE_WORDS):
            plain = node.text()
            found = find_date_text(plain) or (
                _parted_date(node) if len(plain) <= PARTED_RAW else None)
            if found:
                return found
    skip = frozenset({anchor.mem_id} | {p.mem_id for p in box.css("p")
                                          if len(collapse(p.text())) >= 40})
    found = next(filter(None, (find_date_text(b.text) for b in text_blocks(box, skip))), None)
    if found is None and card:
        # A whole card inside its link: a line of it that opens with a date (see
        # _card_headline), not a date inside the headline.
        lines = text_blocks(anchor) if _has_lines(anchor) else []
        if len(lines) >= 2:
            found = next((collapse(m.group(0)) for m in map(DATE_RE.match,
                                                            (b.text for b in lines)) if m), None)
        else:   # a date glued to the link's own text, which its title leaves out, or
            # to its `title`, the full headline of a text cut short before the date
            found = (unglued(collapse(anchor.text()))[1]
                     or unglued(collapse(anchor.attributes.get("title") or ""))[1])
    return found


PARTED_CHARS = 40   # a calendar badge's text, its parts apart; a longer one is prose
PARTED_RAW = 1000   # ... and as written, indentation included


def _parted_date(node: LexborNode) -> str | None:
    """The date of an element that says it holds one, whose parts are elements of
    their own (a calendar badge: `<span>21</span><span>Mar</span><span>2018</span>`),
    read with its parts apart, the day and month alone included."""
    text = collapse(node.text(separator=" "))
    if len(text) > PARTED_CHARS:
        return None
    return find_date_text(text) or (text if DAY_MONTH.fullmatch(text) else None)


def _dates_around(chosen: list[_Link]) -> None:
    """Dates for the chosen links whose element holds none, from the elements around
    it, up to DATE_CLIMB levels, that hold no other chosen link.

    The element chosen for an item is the one its siblings repeat, and some cards
    repeat the headline's box inside a wrapper that also holds the date (ETDA's
    articles: `<div class=box><div class=title><a>...</a><p>...</p></div>
    <ul><li>10 ก.ย. 69</li><li>225</li></ul></div>`). A list's items are all dated
    or none is, so the dates are taken only when they date at least half of the
    undated ones: one item's stray date-like text is no pattern.
    """
    if len(chosen) < MIN_ITEMS or all(link.date is not None or link.container is None
                                      for link in chosen):
        return
    # Each link's ancestors, walked up until one another link's walk already took:
    # from there up, every ancestor holds two links or more (OWNED_BY_MANY). Each
    # ancestor is visited about once, however deep the page nests its lists.
    owner: dict[int, int] = {}
    for number, link in enumerate(chosen):
        node = link.node.parent
        while node is not None:
            taken = owner.setdefault(node.mem_id, number)
            if taken != number:
                owner[node.mem_id] = OWNED_BY_MANY
                break
            node = node.parent
    undated: list[_Link] = []
    found: list[str | None] = []
    for number, link in enumerate(chosen):
        if link.date is not None or link.container is None:
            continue
        undated.append(link)
        date = None
        if owner.get(link.container.mem_id) == number:
            for anc in _ancestors(link.container, False, DATE_CLIMB):
                if owner.get(anc.mem_id) != number:
                    break
                date = _date_near(anc, link.node, card=False)   # the link was asked
                if date:
                    break
        found.append(date)
    if sum(map(bool, found)) * 2 >= len(undated):
        for link, date in zip(undated, found, strict=True):
            link.date = date


def _restore_dates(chosen: list[_Link]) -> None:
    """A date glued to a title was taken for the item's and cut off; where the item
    shows another date of its own, the glued one was the headline's (an event's day:
    "แจ้งหยุดให้บริการน้ำประปา วันที่ 10 ธันวาคม 2569" under a posting date of 5
    December), and the title gets it back."""
    for link in chosen:
        if link.dated_title and link.date and collapse(link.date) != link.dated_title[1]:
            link.title = link.dated_title[0]


def _dates_in_headings(chosen: list[_Link]) -> None:
    """Dates for the chosen items that have none, from a heading of the day above them:
    Drupal's Views group a list by date (`<h3>Tuesday 20 March 2018</h3>`, that day's
    rows, the next day's heading, ...). One pass over the children of the items'
    parents: each item takes the last heading before it that is only a date."""
    boxes = {link.container.mem_id: (link, link.container) for link in chosen
             if link.date is None and link.container is not None}
    if not boxes:
        return
    undated = {mem_id: link for mem_id, (link, _) in boxes.items()}
    parents: dict[int, tuple[LexborNode, int]] = {}   # parent -> (it, undated items in it)
    for _, box in boxes.values():
        if box.parent is not None:
            parents[box.parent.mem_id] = (box.parent,
                                          parents.get(box.parent.mem_id, (box, 0))[1] + 1)
    found: dict[int, str] = {}
    for parent, left in parents.values():
        heading = None
        for child in parent.iter(include_text=False):
            if child.mem_id in undated:
                if heading:
                    found[child.mem_id] = heading
                left -= 1
                if not left:   # what follows the last item dates none
                    break
                continue
            text = _own_text(child)
            if text and len(text) <= DATE_HEADING and _only_date(text):
                heading = text
    if len(found) * 2 >= len(undated):   # a list's items are all dated or none is
        for mem_id, text in found.items():
            undated[mem_id].date = text


def _own_text(node: LexborNode) -> str:
    """An element's own text, or its first child element's (`<h3><span>...</span></h3>`):
    never the text of all it holds, which for a large block costs its whole size."""
    text = node.text(deep=False).strip()
    if not text:
        inner = next(node.iter(include_text=False), None)
        text = inner.text(deep=False).strip() if inner is not None else ""
    return collapse(text)


def _dates_on_lines(chosen: list[_Link]) -> None:
    """Dates for the chosen links that have none, from the text beside each link on its
    own line: a list of bare links, one a line (`<a>...</a> (10 ธ.ค. 2569)<br>`, as
    older sites list their news), has no item element to hold a date. Where lines are
    not broken, the text between two links could be either's: the side (after the
    link, or before it) that dates more of the list is taken for all of it."""
    undated = [link for link in chosen if link.date is None]
    if not undated:
        return
    after = [_date_beside(link.node, "next") for link in undated]
    before = [_date_beside(link.node, "prev") for link in undated]
    side = after if sum(map(bool, after)) >= sum(map(bool, before)) else before
    for link, date in zip(undated, side, strict=True):
        link.date = date


def _date_beside(anchor: LexborNode, step: str) -> str | None:
    """A date in the text beside the link (`step`: "next" after it, "prev" before it) up
    to a line break, a block or another link, out of inline elements that hold only it."""
    node = anchor
    while (node.parent is not None and node.parent.tag in LINE_INLINE
           and node.prev is None and node.next is None):
        node = node.parent
    parts: list[str] = []
    sibling = getattr(node, step)
    for _ in range(LINE_SIBLINGS):
        if sibling is None or sibling.tag in LINE_ENDS or sibling.tag in BLOCK_TAGS:
            break
        if sibling.tag != "-text" and (sibling.tag == "a" or sibling.css_first("a[href]")):
            break
        parts.append(sibling.text() or "")
        sibling = getattr(sibling, step)
    return find_date_text(collapse(" ".join(parts if step == "next" else parts[::-1])))


def _summary(link: _Link) -> str:
    box = link.container
    if box is None:
        return ""
    nodes = list(box.css("p")) + [n for n in box.css("[class]") if any(
        w in word for words in class_words(n) for word in words for w in SUMMARY_WORDS)]
    for node in nodes:
        text = collapse(node.text())
        if len(text) >= 20 and link.title not in text and _links_only_to(node, link.url):
            for more in node.css("a[href]")[:8]:   # "... read more" at the teaser's end
                said = collapse(more.text())
                if said and READ_MORE.match(said):
                    text = collapse(text.replace(said, " "))
            return summarize(text)
    return ""


def _links_only_to(node: LexborNode, url: str) -> bool:
    """Whether every link in `node` leads to `url`: a teaser that is itself a link to
    its story (Drupal's views) is the story's summary; one that links elsewhere is not."""
    return all(_joined(url, clean_href(a.attributes.get("href") or "")).split("#", 1)[0] == url
               for a in node.css("a[href]")[:8])


def _headline(node: LexborNode) -> tuple[str, str, bool, tuple[str, str] | None]:
    """(title, kind, inside a heading, the title with its glued date and that date) of
    a link as its own markup gives it.

    In order: a heading inside the link; an inner element whose `title` holds the
    full text (cards that cut the visible one); the link's text without a date,
    counter or badge glued to it; the link's `title` or `aria-label` when its text is
    short, cut with "..." or a read-more phrase (cleaned alike). Kind "more" means
    the headline must be looked for around the link, "short" a text under MIN_TITLE
    (a standard's name).
    """
    heading = node.css_first("h1, h2, h3, h4, h5, h6")
    in_heading = heading is not None or any(
        anc.tag in ("h1", "h2", "h3", "h4", "h5", "h6") for anc in _ancestors(node, False, 3))
    if heading is not None:
        source = _heading_text(heading)
        text, glued = unglued(source)
    else:
        # Lines inside the link (`<br>`, a `<div>` each) are parted by a space, as the
        # page shows them: "ประกาศ...ตัวอย่าง<br>เรื่อง ..." ran into "ตัวอย่างเรื่อง".
        lines = _lines(node)
        source = " ".join(line.text for line in lines) if lines else collapse(node.text())
        text = _card_headline(node, lines, dated=DATE_RE.search(source) is not None)
        glued = None
        if not text:
            text, glued = unglued(source)
    dated_title = (unbadged(source), glued) if glued else None
    for inner in node.css("[title]"):
        full = collapse(inner.attributes.get("title") or "")
        if len(full) >= MIN_TITLE and extends(full, collapse(inner.text())):
            text, dated_title = strip_glue(full), None
            break
    own = strip_glue(collapse(node.attributes.get("title") or ""))
    if own.startswith(("http://", "https://")):
        own = ""
    label = READ_MORE_PREFIX.sub("", collapse(node.attributes.get("aria-label") or ""))
    for alternative in (own, label):
        if len(alternative) >= MIN_TITLE and (len(text) < MIN_TITLE or READ_MORE.match(text)
                                              or extends(alternative, text)):
            return alternative, "headline", in_heading, None
    if not text or READ_MORE.match(text):
        return text, "more", in_heading, None
    return text, ("headline" if len(text) >= MIN_TITLE else "short"), in_heading, dated_title


def _heading_text(heading: LexborNode) -> str:
    """A heading's text without its secondary text (`<h3>Onboard Charger <small>a
    charger for ...</small></h3>`, a research institute's cards), when it has more."""
    whole = collapse(heading.text())
    small = [collapse(node.text()) for node in heading.css("small")[:4]]
    if not any(small):
        return whole
    main = whole
    for part in reversed(small):   # the secondary text follows the title: cut from the end
        before, found, after = main.rpartition(part) if part else ("", "", main)
        main = f"{before} {after}" if found else main
    main = collapse(main)
    return main or whole


READ_MORE_PREFIX = re.compile(r"^(?:อ่านเพิ่มเติม|อ่านต่อ|read more)\s*(?:…|\.{3})?\s*",
                              re.IGNORECASE)


def _has_lines(node: LexborNode) -> bool:
    """Whether an element's text falls in lines (a block or a break inside it): a walk
    that stops at the first, ten times as quick as a selector of thirty tags."""
    return any(inner.tag in _LINE_TAGS for inner in node.traverse())


def _lines(node: LexborNode) -> list[Block]:
    """A link's text as the lines it falls in (a break, a block inside it), or [] when
    it is one line. A link whose only child is its text, as most are, costs no more."""
    child = node.child
    if child is None or (child.tag == "-text" and child.next is None) or not _has_lines(node):
        return []
    return text_blocks(node)


def _card_headline(node: LexborNode, blocks: list[Block], dated: bool) -> str:
    """The headline of a whole card inside one link, read as one text with the rest
    of the card: the line its class calls the title (thaiastro.or.th's Gatsby cards:
    a category, an author and date, `div.Title`, an excerpt, all one link); else,
    in a card that shows a date (`dated`), the text without its lines that open with
    a date and say little more (under META_LINE characters), such as a line of date
    and author (sed.amlo.go.th: "04/09/2569 Post by กองกำกับ...", then the headline,
    then "เข้าชม 173"). A headline that opens with its date is longer. Empty when the
    link holds neither. `blocks`: its lines (`_lines`)."""
    if len(blocks) < 2:
        return ""
    titled = next((block.text for block in blocks if block.owner is not None
                   and _names_title(block.owner, node)), None)
    if titled:
        return strip_glue(titled)
    if not dated:
        return ""
    rest = [block.text for block in blocks
            if not ((found := DATE_RE.match(block.text))
                    and len(block.text) - found.end() < META_LINE)]
    if len(rest) == len(blocks) or not rest:
        return ""
    return strip_glue(collapse(" ".join(rest)))


_TITLE_WORDS = frozenset({"title", "headline", "heading", "topic"})


def _names_title(owner: LexborNode, card: LexborNode) -> bool:
    """Whether a line's element, or one between it and the card, has a class that
    calls it the title (`Title`, `news-title`, `entry-headline`; not `subtitle`)."""
    node: LexborNode | None = owner
    while node is not None and node is not card and node.mem_id != card.mem_id:
        if any(_TITLE_WORDS.intersection(words) for words in class_words(node)):
            return True
        node = node.parent
    return False


def _is_name(text: str) -> bool:
    """A short link text that can still be an item's name (ขนมไทย), not a number or icon."""
    return len(text) >= 2 and any(ch.isalpha() for ch in text)


def _shared_public(url: str, site: str) -> bool:
    """Both on a shared public suffix such as go.th: one agency lists another's item."""
    other = registrable_domain(urlsplit(url).hostname or "")
    return any(site.endswith("." + s) and other.endswith("." + s) for s in SHARED_SUFFIXES)


def _item_box(link: _Link, spread: dict[int, set[str]]) -> LexborNode | None:
    """The element that holds the whole item: the container, or the nearest ancestor
    (up to four levels above the link, never one that holds links elsewhere) that also
    holds a heading or a text line."""
    start = link.container or link.node
    for box in [start, *_ancestors(start, False, 4)]:
        if len(spread.get(box.mem_id, ())) > 1:
            break
        if box.css_first("h1, h2, h3, h4, h5, h6") is not None or _text_line(box, link.node):
            return box
    return link.container


def _headline_near(link: _Link, spread: dict[int, set[str]]) -> str:
    """The item's headline when its link says only "read more" or is cut: a heading of
    the item, else its first line of headline length outside any link."""
    box = _item_box(link, spread)
    if box is None:
        return ""
    # "อ่านข้อมูลเพิ่มเติม..." ends as a cut headline does, but nothing extends it.
    cut = link.kind != "more" and is_cut(link.title)
    for heading in box.css("h1, h2, h3, h4, h5, h6"):
        text = strip_glue(collapse(heading.text()))
        if len(text) >= MIN_TITLE and (not cut or extends(text, link.title)):
            return text
    line = _text_line(box, link.node)
    if line and (not cut or extends(line, link.title)):
        return line
    # A "read more" item whose only line is short or a date: some sites head each item
    # with its date alone (a Joomla blog of weekly notices, "2 สิงหาคม 2560"), and
    # that is what a reader knows it by.
    return _text_line(box, link.node, shortest=SHORT_HEADLINE) if link.kind == "more" else ""


def _text_line(box: LexborNode, anchor: LexborNode, shortest: int = 0) -> str:
    """The item's first line outside its links of headline length that is not only a
    date; with `shortest`, its first line of that length, whatever it is."""
    skip = frozenset({anchor.mem_id})
    for block in text_blocks(box, skip):
        # The link left out leaves its brackets behind: "... [<a>อ่านต่อ</a>]".
        text = collapse(_EMPTY_BRACKETS.sub(" ", block.text))
        text = text if shortest else strip_glue(text)
        if block.link_chars:
            continue
        if (len(text) >= shortest if shortest
                else len(text) >= MIN_TITLE and not _only_date(text)):
            return text
    return ""


def _only_date(text: str) -> bool:
    found = DATE_RE.search(text)
    if found is None:
        return False
    rest = _WEEKDAY.sub("", text[:found.start()] + text[found.end():])
    return not rest.strip(" ,.-:()[]|")


SAME_TEMPLATE = 2.0  # a template's first list is chosen when within this of its best
LEAD_SIBLINGS = 2   # elements before a list looked at for its lead story
LEAD_CLIMB = 2      # levels climbed from a list that is the first thing in its element
LEAD_LISTS = 16     # lists of one choice looked at so (a portal's boxes: 12)
OPEN_SHAPE = 3      # items that must agree before a part they write differently is open


def _leads(chosen: list[_Link], links: list[_Link]) -> list[_Link]:
    """Each list's lead story, set apart just before the list (a picture and a headline
    above the rest: Government House's newest story sat above its list and was missed,
    and so did the lead of each of a newspaper's section boxes): a headline link whose
    address has the shape of its list's items' (`_list_shape`), the only one in that
    element. A section's heading links to a listing, of another shape, or is too short
    for a headline.

    The element before the list is looked for beside the list's element, or beside the
    element that begins with it (a box's picture and list in two columns)."""
    taken = {link.node.mem_id for link in chosen}
    urls = {link.url for link in chosen}
    free = {link.node.mem_id: link for link in links
            if link.node.mem_id not in taken and link.kind == "headline"}
    lists: dict[int, tuple[LexborNode, list[str]]] = {}
    for ln in chosen:
        if ln.container is not None and ln.container.parent is not None:
            parent = ln.container.parent
            lists.setdefault(parent.mem_id, (parent, []))[1].append(ln.url)
    leads: list[_Link] = []
    for parent, items in list(lists.values())[:LEAD_LISTS]:
        shape = _list_shape(items)
        if shape is None:
            continue
        sibling, elements = _element_before(parent), 0
        while sibling is not None and elements < LEAD_SIBLINGS:
            if sibling.tag not in ("-text", "-comment"):
                elements += 1
                anchors = [sibling] if sibling.tag == "a" else sibling.css("a[href]")[:4]
                found = {free[a.mem_id].url: free[a.mem_id] for a in anchors
                         if a.mem_id in free}
                if len(found) == 1:
                    lead = next(iter(found.values()))
                    if _fits(_url_shape(lead.url), shape) and lead.url not in urls:
                        leads.append(lead)
                        urls.add(lead.url)
                    break
            sibling = sibling.prev
    return leads


def _element_before(node: LexborNode) -> LexborNode | None:
    """The sibling before `node`, or, when nothing but text stands before it, before the
    element it begins (up to LEAD_CLIMB levels)."""
    for _ in range(LEAD_CLIMB + 1):
        sibling = node.prev
        while sibling is not None and sibling.tag in ("-text", "-comment"):
            if (sibling.text_content or "").strip():
                return sibling
            sibling = sibling.prev
        if sibling is not None or node.parent is None:
            return sibling
        node = node.parent
    return None


_DIGITS = re.compile(r"[0-9]+")

# An address's shape: host, path segments with their numbers blanked, query keys.
_Shape = tuple[str, tuple[str, ...], str]
# A list's: the same, a segment its items write differently left open (None).
_ListShape = tuple[str, tuple[str | None, ...], str]


def _url_shape(url: str) -> _Shape:
    """An address with its numbers blanked and its query's values left out: the items of
    one list share one (`/news/contents/details/#`), their section's listing has another."""
    parts = urlsplit(url)
    keys = sorted(key for key, _ in parse_qsl(parts.query, keep_blank_values=True))
    return parts.netloc, tuple(_DIGITS.sub("#", parts.path).split("/")), "&".join(keys)


def _list_shape(urls: list[str]) -> _ListShape | None:
    """The shape most of a list's items have (None when no shape is most of them); with
    OPEN_SHAPE of them or more, a segment they write differently is open: a newspaper's
    box lists `/news/crime/#` beside `/news/regional/#`, a blog `/#/#/<slug>`."""
    shapes = [_url_shape(url) for url in urls]
    (host, length, keys), count = Counter(
        (host, len(path), keys) for host, path, keys in shapes).most_common(1)[0]
    if count * 2 <= len(shapes):
        return None
    paths = [path for h, path, k in shapes if (h, len(path), k) == (host, length, keys)]
    if len(paths) < OPEN_SHAPE:
        common = Counter(paths).most_common(1)[0]
        return (host, common[0], keys) if common[1] * 2 > len(shapes) else None
    return host, tuple(segments[0] if len(set(segments)) == 1 else None
                       for segments in zip(*paths, strict=True)), keys


def _fits(shape: _Shape, list_shape: _ListShape) -> bool:
    host, path, keys = shape
    want_host, want_path, want_keys = list_shape
    return (host, keys) == (want_host, want_keys) and len(path) == len(want_path) and all(
        want == segment or (want is None and segment != "")   # a folder is the listing
        for segment, want in zip(path, want_path, strict=True))


def _shape_counts(links: list[_Link]) -> dict[tuple[str | None, frozenset[str]], int]:
    """How many links sit under an element of each tag and class set (for cards whose
    wrappers differ, so that they are never siblings)."""
    urls: dict[tuple[str | None, frozenset[str]], set[str]] = {}
    for link in links:
        for anc in _ancestors(link.node, False, 6):
            classes = _classes(anc)
            if classes:
                urls.setdefault((anc.tag, classes), set()).add(link.url)
    return {shape: len(found) for shape, found in urls.items()}


def _shape_container(anchor: LexborNode, holders: dict[int, str],
                     shapes: dict[tuple[str | None, frozenset[str]], int]) -> LexborNode | None:
    """The nearest classed ancestor whose tag and classes recur around other links."""
    for anc in _ancestors(anchor, False, 6):
        classes = _classes(anc)
        if classes and anc.mem_id in holders and shapes.get((anc.tag, classes), 0) >= 2:
            return anc
    return None


def _key(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"),
                       parts.query, ""))


def _url_problem(url: str, page: str, site: str) -> str | None:
    """Why this URL cannot be an article of this listing, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "non-web links"
    if registrable_domain(parts.hostname or "") != site:
        return "off-site"
    return _path_problem(url, page)


def _path_problem(url: str, page: str) -> str | None:
    parts = urlsplit(url)
    segments = [s.lower() for s in parts.path.split("/") if s]
    if _key(url) == page or (len(segments) <= 1 and not parts.query
                             and (segments or [""])[0] in HOME_PATHS):
        return "links to this page or home"
    keys = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    # A listing word deep in a path is a CMS route (PRD: /content/category/detail/id/9/...).
    if any(seg in LISTING_SEGMENTS and len(segments) - i <= 3 for i, seg in enumerate(segments)) \
            or re.search(r"(^|/)page/\d+/?$", parts.path) \
            or (keys & PAGING_KEYS and keys <= PAGING_KEYS | NEUTRAL_KEYS):
        return "tag/category/paging"
    return None


def _region_of(anchor: LexborNode, outer: dict[int, tuple[str, str] | None]) -> \
        tuple[str, str] | None:
    """(why, label) of the outermost navigation region holding `anchor`, if any;
    `outer` keeps that of every node looked at, so each is looked at once."""
    pending: list[LexborNode] = []
    node: LexborNode | None = anchor
    while (node is not None and node.tag not in ("html", "-document")
           and node.mem_id not in outer):
        pending.append(node)
        node = node.parent
    found = outer.get(node.mem_id) if node is not None else None
    for each in reversed(pending):   # outermost first: an outer region wins
        if found is None:
            why = _region(each)
            found = (why, _label_of(each)) if why else None
        outer[each.mem_id] = found
    return found


def _region(node: LexborNode) -> str | None:
    tag = node.tag
    if tag in ("nav", "menu", "aside"):
        return "sidebar" if tag == "aside" else "navigation"
    if tag in ("header", "footer"):
        within = {anc.tag for anc in _ancestors(node, False)}
        return None if within & {"article", "section", "main"} else tag
    role = ROLES.get((node.attributes.get("role") or "").lower())
    if role or tag in ("html", "body"):
        return role
    for words in class_words(node):
        for word in words:
            why = ("navigation" if word.startswith("nav") or word.endswith("nav")
                   or "menu" in word else
                   "breadcrumb" if "breadcrumb" in word else
                   "pagination" if word in ("pager", "pagination", "paging") else
                   "sidebar" if "sidebar" in word and not _LAYOUT.match(word)
                   and "none" not in words else
                   next((p for p in ("header", "footer") if p in word
                         and words[0] not in COMPONENT), None))
            if why and node.css_first("article, main, [role=main]") is None:
                return why
    return None


def _ancestors(node: LexborNode, include_self: bool, most: int | None = None
               ) -> list[LexborNode]:
    """`node`'s ancestors below <html>, nearest first (at most `most` of them)."""
    result = [node] if include_self else []
    parent = node.parent
    while (parent is not None and parent.tag not in ("html", "-document")
           and (most is None or len(result) < most)):
        result.append(parent)
        parent = parent.parent
    return result


class _Chains:
    """What is read from the chains of ancestors of a page's links, once per node
    however many links sit under it. Walking each link's chain anew cost links x
    depth, and comparing each ancestor's signature depth x depth: 20,000 links
    under 500 nested elements took 25 s."""

    def __init__(self) -> None:
        self._lineages: dict[int, tuple[str, ...]] = {}
        self._signatures: dict[int, tuple[str, ...]] = {}

    def signature(self, container: LexborNode) -> tuple[str, ...]:
        """The container's tag/classes and its ancestors' tag/id/classes (own id is
        per item)."""
        known = self._signatures.get(container.mem_id)
        if known is None:
            own = (container.tag or "") + "".join(f".{c}" for c in sorted(_classes(container)))
            known = (own, *self._lineage(container.parent))
            self._signatures[container.mem_id] = known
        return known

    def _lineage(self, node: LexborNode | None) -> tuple[str, ...]:
        """The tag/id/classes of `node` and its ancestors below <html>, nearest first."""
        pending: list[LexborNode] = []
        while (node is not None and node.tag not in ("html", "-document")
               and node.mem_id not in self._lineages):
            pending.append(node)
            node = node.parent
        tail = self._lineages[node.mem_id] if node is not None and \
            node.mem_id in self._lineages else ()
        for each in reversed(pending):
            ident = re.sub(r"\d+", "#", each.attributes.get("id") or "")
            part = ((each.tag or "") + (f"#{ident}" if ident else "")
                    + "".join(f".{c}" for c in sorted(_classes(each))))
            tail = (part, *tail)
            self._lineages[each.mem_id] = tail
        return tail


def _container(anchor: LexborNode, holders: dict[int, str],
               alike: dict[tuple[int, str | None, frozenset[str]], int]) -> LexborNode | None:
    """The nearest ancestor with >= 2 alike siblings holding candidates to different URLs
    (two links to one PDF are one item, not a list); `alike` memoises
    the count per parent and shape: a listing of 800 rows is compared once, not 800 times)."""
    node = anchor
    while node.parent is not None and node.tag not in ("body", "html"):
        parent, key = node.parent, _classes(node)
        memo = (parent.mem_id, node.tag, key)
        if memo not in alike:
            alike[memo] = len({holders[s.mem_id] for s in parent.iter() if s.tag == node.tag
                               and s.mem_id in holders and _similar(_classes(s), key)})
        if alike[memo] >= 2:
            return _unless_row(node, anchor, holders, alike)
        node = parent
    return None


def _unless_row(node: LexborNode, anchor: LexborNode, holders: dict[int, str],
                alike: dict[tuple[int, str | None, frozenset[str]], int]) -> LexborNode:
    """Links side by side in one row (headline, "read more", category) are parts of
    the row, not items: when the link itself repeats and so does its parent, the
    parent is the item."""
    parent = node.parent
    if node.mem_id != anchor.mem_id or parent is None \
            or parent.parent is None or parent.tag in ("body", "html"):
        return node
    key = _classes(parent)
    memo = (parent.parent.mem_id, parent.tag, key)
    if memo not in alike:
        alike[memo] = len({holders[s.mem_id] for s in parent.parent.iter()
                           if s.tag == parent.tag and s.mem_id in holders
                           and _similar(_classes(s), key)})
    return parent if alike[memo] >= 2 else node


def _classes(node: LexborNode) -> frozenset[str]:
    """Class tokens that describe structure: digit runs as '#', states and terms left out."""
    tokens = (re.sub(r"\d+", "#", t) for t in (node.attributes.get("class") or "").lower().split())
    return frozenset(t for t in tokens if t.strip("#-_") and not t.startswith(VOLATILE)
                     and not t.endswith(STATE) and not _SPACING.fullmatch(t))


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    return a == b or (bool(a and b) and len(a & b) * 2 >= len(a | b))


def _run_place(container: LexborNode) -> tuple[int, int]:
    """Where the container's list sits: its grandparent and the heading-delimited stretch."""
    parent = container.parent
    grand = parent.parent if parent is not None else None
    if parent is None or grand is None:
        return (0, 0)
    stretch = 0
    for sibling in grand.iter():
        if sibling.mem_id == parent.mem_id:
            break
        stretch += sibling.tag in ("h1", "h2", "h3", "h4", "h5", "h6")
    return (grand.mem_id, stretch)


def _label(group: list[_Link]) -> str:
    """A CSS-like path a user can find in the page, up to the first named ancestor."""
    container = group[0].container
    assert container is not None
    parts = [_label_of(container, _classes(container))]
    for anc in _ancestors(container, False, 3):
        parts.append(_label_of(anc))
        if "." in parts[-1] or "#" in parts[-1]:
            break
    return " > ".join(reversed(parts))


def _label_of(node: LexborNode, structural: frozenset[str] | None = None) -> str:
    tokens = (node.attributes.get("class") or "").split()
    ident = node.attributes.get("id") or ""
    if structural is not None:   # an item: its stable classes, not its per-item id
        plain = [t for t in tokens if t.lower() in structural]
        tokens = plain or [t for t in tokens if re.sub(r"\d+", "#", t.lower()) in structural]
        ident = ""
    return (node.tag or "") + (f"#{ident}" if ident else "") + "".join(f".{t}" for t in tokens[:3])
