"""The `auto` source type: find the repeated block of article links on a listing page.

No selectors are given, so the page's own repetition is the signal:

1. Candidate links: `<a href>` resolved against `<base>`/the page URL, on the
   same registrable domain (`news.dga.or.th` ~ `www.dga.or.th`; `go.th` is a
   suffix), not this page or home, not a tag/category/author/search/paging
   URL, with headline-length text (>= 15 characters: Thai headlines have few
   spaces, so characters count, not words), and outside navigation: nav/
   menu/aside, a page-level header/footer (one inside article/section/main
   belongs to an item), landmark roles, or class/id words with nav, menu,
   header, footer, sidebar, breadcrumb, pager (an item's own part such as
   `entry-header`, a state such as `has-sidebar`, or a region wrapping the
   main content does not count).
2. Item container: the nearest ancestor whose siblings of the same tag and
   similar classes also hold candidates (the `li`, `tr`, `article`,
   `views-row`, card column). Digit runs and state tokens (odd, first,
   category-x) are ignored in classes, since CMSs number their rows.
3. Groups: containers with one tag/class path to the root, in one parent
   region; a heading between two lists of one parent splits them ("ข่าว",
   then "เอกสารเผยแพร่"), unless both are dated (one list per day heading).
4. Score = sum of headline lengths (each capped at 120) x (1 + half the share
   of dated items), halved when the path says popular/related/widget. The
   best group of >= 3 distinct links wins; a link whose container has the
   winning path but no repeated sibling (a last card row of one) joins it.
5. Per item: the date as written nearby (`<time datetime>`, `<time>` text,
   datePublished, an element classed date/time/meta, else a date-like run in
   the item's text; the Thai date reader interprets it later) and a summary
   from the first other `<p>` or excerpt-classed element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.config.settings import Source
from monitor.extract.htmltext import (
    COMPONENT,
    class_words,
    find_date_text,
    summarize,
    text_blocks,
)
from monitor.models import Document, Extraction, RawItem
from monitor.text.clean import collapse

MIN_TITLE, MIN_ITEMS, TITLE_CREDIT = 15, 3, 120
GENERIC_SLD = frozenset({"co", "or", "go", "ac", "in", "mi", "net", "com", "org", "gov", "edu"})
LISTING_SEGMENTS = frozenset({"tag", "tags", "category", "categories", "author", "authors",
                              "search", "label", "labels", "topic", "topics", "taxonomy"})
PAGING_KEYS = frozenset({"page", "paged", "pg", "start", "offset", "tag", "cat", "category",
                         "s", "q", "search"})
NEUTRAL_KEYS = frozenset({"lang", "sort", "order", "per_page", "limit"})
HOME_PATHS = frozenset({"", "index.php", "index.html", "index.htm", "home", "th", "en",
                        "default.aspx", "main.php"})
ROLES = {"navigation": "navigation", "menu": "navigation", "menubar": "navigation",
         "search": "navigation", "banner": "header", "contentinfo": "footer",
         "complementary": "sidebar"}
STATE = ("odd", "even", "first", "last", "active", "current", "selected", "clearfix")
VOLATILE = ("category-", "tag-", "format-", "status-", "type-", "has-", "post-format")
SIDE_LISTS = ("popular", "related", "widget", "trending", "recommend", "most")
SUMMARY_WORDS = ("excerpt", "summary", "desc", "teaser", "intro", "abstract", "lead")
DATE_WORDS = ("date", "time", "publish", "posted", "created", "meta")


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


def extract(doc: Document, source: Source) -> Extraction:
    """Items = the repeated block of article links; notes say what was chosen and why."""
    tree = LexborHTMLParser(doc.text or "<html></html>")
    base_node = tree.css_first("base[href]")
    base = doc.url if base_node is None else urljoin(doc.url, base_node.attributes["href"] or "")
    page, site = _key(doc.url), _site(urlsplit(doc.url).hostname or "")
    skipped: dict[str, int] = {}
    regions: dict[tuple[str, str], int] = {}
    cache: dict[int, tuple[str, str] | None] = {}
    links: list[_Link] = []
    for order, node in enumerate(tree.css("a[href]")):
        url = urljoin(base, (node.attributes.get("href") or "").strip()).split("#", 1)[0]
        title = _headline(node)
        reason = _url_problem(url, page, site) or ("short text" if len(title) < MIN_TITLE
                                                   else None)
        region = None if reason else _region_of(node, cache)
        if region:
            regions[region] = regions.get(region, 0) + 1
        elif reason:
            skipped[reason] = skipped.get(reason, 0) + 1
        else:
            links.append(_Link(node, order, url, title))
    chosen, notes = _choose(links)
    notes += [f"rejected '{label}' ({why}, {_count(n)})"
              for (why, label), n in sorted(regions.items(), key=lambda kv: -kv[1])[:4]]
    if skipped:
        notes.append("ignored " + ", ".join(f"{n} {why}" for why, n in sorted(skipped.items())))
    if not chosen:
        biggest = max((len(g) for g in _groups(links).values()), default=0)
        return Extraction(notes=notes, warnings=[
            f"{source.name}: no repeated block of article links found on {doc.url} "
            f"({_count(len(links))} could be headlines, the largest group has {biggest}); "
            "use type: html with select: to choose the items"])
    items = [RawItem(title=link.title, link=link.url, summary=_summary(link),
                     date_text=link.date) for link in chosen]
    return Extraction(items=items, notes=notes)


def _choose(links: list[_Link]) -> tuple[list[_Link], list[str]]:
    """The best-scoring group of at least MIN_ITEMS links, with notes on it and its rivals."""
    holders = {anc.mem_id for link in links for anc in _ancestors(link.node, True)}
    alike: dict[tuple[int, str | None, frozenset[str]], int] = {}
    for link in links:
        link.container = _container(link.node, holders, alike)
        if link.container is not None:
            link.signature = _signature(link.container)
            link.run = (link.signature, *_run_place(link.container))
            link.date = _date_near(link.container, link.node)
    groups = _groups(links)
    ranked = sorted(groups, key=lambda key: _score(groups[key]), reverse=True)
    eligible = [key for key in ranked if len({ln.url for ln in groups[key]}) >= MIN_ITEMS]
    if not eligible:
        return [], [f"no group of at least {MIN_ITEMS} links (best: '{_label(groups[key])}', "
                    f"{len({ln.url for ln in groups[key]})})" for key in ranked[:1]]
    best = eligible[0]
    chosen = list(groups[best])
    runs = {link.run for link in chosen}
    seen = {link.node.mem_id for link in chosen}
    signature = cast("tuple[str, ...]", best[0])
    chosen += [link for link in links
               if link.node.mem_id not in seen and _joins(link, signature, runs)]
    chosen.sort(key=lambda link: link.order)
    unique = list({link.url: link for link in reversed(chosen)}.values())[::-1]
    dated = sum(1 for link in unique if link.date is not None)
    mean = sum(len(link.title) for link in unique) // len(unique)
    repeats = len({link.container.mem_id for link in chosen if link.container is not None})
    notes = [f"chose {len(unique)} links under '{_label(groups[best])}' (repeated {repeats}×, "
             f"mean text {mean} chars, dates on {dated})"]
    for key in [k for k in ranked if k != best][:3]:
        side = " (looks like a side list)" if _is_side(cast("tuple[str, ...]", key[0])) else ""
        notes.append(f"rejected '{_label(groups[key])}' ({_count(len(groups[key]))}, score "
                     f"{_score(groups[key]):.0f} < {_score(groups[best]):.0f}){side}")
    return unique, notes


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


def _joins(link: _Link, signature: tuple[str, ...], runs: set[tuple[object, ...]]) -> bool:
    for anc in _ancestors(link.node, False):
        if _signature(anc) == signature:
            if link.date is None:
                link.date = _date_near(anc, link.node)
            return (signature, *_run_place(anc)) in runs
    return False


def _date_near(box: LexborNode, anchor: LexborNode) -> str | None:
    """The item's date as written: markup first, then a class that says so, then any text."""
    for node in box.css("time, [itemprop=datePublished]"):
        attrs = node.attributes
        value = collapse(attrs.get("datetime") or attrs.get("content") or "")
        text = collapse(node.text())
        if value or text:
            return value or find_date_text(text) or text
    for node in box.css("[class], [id]"):
        if any(w in word for words in class_words(node) for word in words for w in DATE_WORDS):
            found = find_date_text(node.text())
            if found:
                return found
    skip = frozenset({anchor.mem_id} | {p.mem_id for p in box.css("p")
                                          if len(collapse(p.text())) >= 40})
    return next(filter(None, (find_date_text(b.text) for b in text_blocks(box, skip))), None)


def _summary(link: _Link) -> str:
    box = link.container
    if box is None:
        return ""
    nodes = list(box.css("p")) + [n for n in box.css("[class]") if any(
        w in word for words in class_words(n) for word in words for w in SUMMARY_WORDS)]
    for node in nodes:
        text = collapse(node.text())
        if len(text) >= 20 and link.title not in text and node.css_first("a[href]") is None:
            return summarize(text)
    return ""


def _headline(node: LexborNode) -> str:
    text = collapse((node.css_first("h1, h2, h3, h4, h5, h6") or node).text())
    title_attr = collapse(node.attributes.get("title") or "")
    return title_attr if len(text) < MIN_TITLE <= len(title_attr) else text


def _site(host: str) -> str:
    """The registrable domain, with two-level suffixes (`go.th`, `co.uk`) kept whole."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) < 2 or labels[-1].isdigit() or ":" in host:
        return host.lower()
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in GENERIC_SLD else 2
    return ".".join(labels[-keep:])


def _key(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"),
                       parts.query, ""))


def _url_problem(url: str, page: str, site: str) -> str | None:
    """Why this URL cannot be an article of this listing, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "non-web links"
    if _site(parts.hostname or "") != site:
        return "off-site"
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


def _region_of(anchor: LexborNode, cache: dict[int, tuple[str, str] | None]) -> \
        tuple[str, str] | None:
    """(why, label) of the outermost navigation region holding `anchor`, if any."""
    found = None
    for node in _ancestors(anchor, True):
        if node.mem_id not in cache:
            why = _region(node)
            cache[node.mem_id] = (why, _label_of(node)) if why else None
        found = cache[node.mem_id] or found
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
                   "sidebar" if "sidebar" in word else
                   next((p for p in ("header", "footer") if p in word
                         and words[0] not in COMPONENT), None))
            if why and node.css_first("article, main, [role=main]") is None:
                return why
    return None


def _ancestors(node: LexborNode, include_self: bool) -> list[LexborNode]:
    result = [node] if include_self else []
    parent = node.parent
    while parent is not None and parent.tag not in ("html", "-document"):
        result.append(parent)
        parent = parent.parent
    return result


def _container(anchor: LexborNode, holders: set[int],
               alike: dict[tuple[int, str | None, frozenset[str]], int]) -> LexborNode | None:
    """The nearest ancestor with >= 2 alike siblings holding candidates (`alike` memoises
    the count per parent and shape: a listing of 800 rows is compared once, not 800 times)."""
    node = anchor
    while node.parent is not None and node.tag not in ("body", "html"):
        parent, key = node.parent, _classes(node)
        memo = (parent.mem_id, node.tag, key)
        if memo not in alike:
            alike[memo] = sum(1 for s in parent.iter() if s.tag == node.tag
                              and s.mem_id in holders and _similar(_classes(s), key))
        if alike[memo] >= 2:
            return node
        node = parent
    return None


def _classes(node: LexborNode) -> frozenset[str]:
    """Class tokens that describe structure: digit runs as '#', states and terms left out."""
    tokens = (re.sub(r"\d+", "#", t) for t in (node.attributes.get("class") or "").lower().split())
    return frozenset(t for t in tokens if t.strip("#-_") and not t.startswith(VOLATILE)
                     and not t.endswith(STATE))


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    return a == b or (bool(a and b) and len(a & b) * 2 >= len(a | b))


def _signature(container: LexborNode) -> tuple[str, ...]:
    """The container's tag/classes and its ancestors' tag/id/classes (own id is per item)."""
    parts = [(container.tag or "") + "".join(f".{c}" for c in sorted(_classes(container)))]
    for anc in _ancestors(container, False):
        ident = re.sub(r"\d+", "#", anc.attributes.get("id") or "")
        parts.append((anc.tag or "") + (f"#{ident}" if ident else "")
                     + "".join(f".{c}" for c in sorted(_classes(anc))))
    return tuple(parts)


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
    for anc in _ancestors(container, False)[:3]:
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
