"""`monitor discover URL`: find the best way to read a site, and propose its entry.

Every candidate is a proposed `Source` (type, url, select) judged by running the
very extractor a crawl would run (`get_extractor`) and the pipeline's
`normalise` on what it fetched, so the entry printed is one whose reading was
seen to work. Requests go through the Fetcher (robots.txt, the private-network
guard, `max_bytes`, `timeout`, the per-host delay) and are capped at
MAX_REQUESTS per discover: probing a site must not look like a scan of it.
Retries are off: discover is interactive, and the user can run it again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.config.settings import Config, FetchSettings, Selectors, Source
from monitor.discoversections import page_sections
from monitor.errors import BlockedError, FetchError, HTTPStatusError, MonitorError, NotAllowedError
from monitor.extract import body_kind, embedded, get_extractor
from monitor.extract.bounds import parse_html
from monitor.extract.cleaning import safe_link
from monitor.extract.frames import frame_urls
from monitor.extract.splash import way_in
from monitor.fetch import Fetcher
from monitor.fetch.decode import declared_codec
from monitor.models import Document, Item, RawItem
from monitor.normalise import Dropped, normalise
from monitor.reasons import cause, cause_first

MAX_REQUESTS = 12        # pages fetched per discover (robots.txt, read once, on top)
MAX_SITEMAP_CHILDREN = 2
MAX_FRAMES_TRIED = 2     # same-site frames read as candidates (monitor.extract.frames)
FEED_PATHS = ("/feed/", "/rss.xml", "/atom.xml", "/rss", "/feed.xml", "/?feed=rss2")
WP_POSTS = "/wp-json/wp/v2/posts"
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/rdf+xml")
GOOD_SHARE = 0.5         # a feed or sitemap "has dates" when this share of items parse
# Rank of a kind when its dates parse: a feed (or an API) over a sitemap over a page.
TIER = {"feed": 3, "wordpress": 3, "sitemap": 2}


class Unreadable(MonitorError):
    """The site cannot be read at all (refused, blocked, disallowed): one line says why."""


@dataclass
class Candidate:
    """One way of reading the site, and what it gave."""

    kind: str                       # feed, wordpress, sitemap, embedded, auto, render
    source: Source                  # the entry it stands for
    how: str                        # where it was found, for the table
    items: list[Item] = field(default_factory=list)
    dated: int = 0                  # items whose source gave a date
    parsed: int = 0                 # ... that the date reader read
    newest: datetime | None = None
    error: str = ""
    notes: list[str] = field(default_factory=list)      # how the extractor read it
    warnings: list[str] = field(default_factory=list)   # what the user should check
    order: int = 0

    @property
    def tier(self) -> int:
        if not self.items:
            return 0
        dated = self.parsed / len(self.items) >= GOOD_SHARE
        return TIER.get(self.kind, 1) if dated else 1

    def rank(self) -> tuple[int, int, int, int]:
        return (self.tier, self.parsed, len(self.items), -self.order)


@dataclass
class Discovery:
    url: str
    title: str
    candidates: list[Candidate]
    requests: int
    tried: list[tuple[str, str]] = field(default_factory=list)   # (url, why nothing)
    # What the page's robots.txt asks between requests (its Crawl-delay, capped; 0 for
    # none): a crawl of the proposed source, and discover itself, wait so long.
    spacing: float = 0.0
    # (name, url) of the page's sections that link to listings of their own
    # (monitor.discoversections), none of them read here.
    sections: list[tuple[str, str]] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        usable = [c for c in self.candidates if c.items]
        return max(usable, key=Candidate.rank) if usable else None


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.netloc.lower()) == (pb.scheme, pb.netloc.lower())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _Prober:
    """The Fetcher with a request budget; every URL is fetched at most once."""

    def __init__(self, fetcher: Fetcher, settings: FetchSettings, page_url: str) -> None:
        self.fetcher = fetcher
        self.settings = settings
        self.page_url = page_url
        self.requests = 0
        self.seen: dict[str, Document | FetchError] = {}

    @property
    def spent(self) -> bool:
        return self.requests >= MAX_REQUESTS

    async def get(self, url: str, *, encoding: str | None = None,
                  render: bool = False) -> Document | FetchError:
        key = f"{url} {render}"
        if key in self.seen:
            return self.seen[key]
        if self.spent:
            return FetchError(f"not fetched: discover makes at most {MAX_REQUESTS} requests")
        self.requests += 1
        try:
            doc = await self.fetcher.fetch(url, self.settings, encoding=encoding, render=render,
                                           trusted=_same_origin(url, self.page_url))
            result: Document | FetchError = doc if isinstance(doc, Document) else FetchError(
                f"{url}: not modified")
        except FetchError as exc:
            result = exc
        self.seen[key] = result
        return result


async def discover(config: Config, url: str, *, fetcher: Fetcher | None = None,
                   now: datetime | None = None, allow_render: bool | None = None) -> Discovery:
    """Probe `url` in the issue's order; raise Unreadable when the page itself cannot be read."""
    now = now or datetime.now(UTC)
    settings = replace(config.fetch, retries=0)
    if fetcher is None:
        async with Fetcher(user_agent=config.user_agent,
                           concurrency=config.fetch.concurrency) as own:
            return await _discover(config, url, own, settings, now, allow_render)
    return await _discover(config, url, fetcher, settings, now, allow_render)


async def _discover(config: Config, url: str, fetcher: Fetcher, settings: FetchSettings,
                    now: datetime, allow_render: bool | None) -> Discovery:
    probe = _Prober(fetcher, settings, url)
    page = await probe.get(url)
    if isinstance(page, FetchError):
        raise Unreadable(_why_unreadable(page))
    order = iter(range(1000))
    candidates: list[Candidate] = []

    def judge(kind: str, source: Source, docs: list[Document], how: str) -> Candidate:
        candidate = _judge(kind, source, docs, how, config, now)
        candidate.order = next(order)
        candidates.append(candidate)
        return candidate

    encoding = _encoding_to_pin(page)
    kind = body_kind(page)
    if kind != "html":
        await _read_direct(kind, page, url, judge, probe)
        return Discovery(url, _host_title(url), candidates, probe.requests,
                         spacing=fetcher.robots_spacing(url))
    tree = parse_html(page.text or "")
    title = _site_title(tree) or _host_title(url)
    asked, splash = url, []
    # 0. A splash page in front of the site (monitor.extract.splash): the site is read
    # from the page its way in leads to, and that page's address is proposed.
    onward = way_in(tree, page.url, page.encoding)
    inner = await probe.get(onward) if onward else None
    if onward and isinstance(inner, Document) and body_kind(inner) == "html":
        splash = [(url, f"a splash page: read from the page it leads to, {onward}")]
        page, url = inner, onward
        tree = parse_html(page.text or "")
        title = _site_title(tree) or title
        encoding = _encoding_to_pin(page)
    root = _origin(page.url)

    # 1. Feeds the page links; 2. the usual feed paths (the first that works is enough:
    # they are one feed under several names).
    linked = _linked_feeds(tree, page.url)
    found_feed = False
    for feed_url in linked[:2]:
        found_feed |= await _try_feed(feed_url, "linked from the page", judge, probe)
    # 1b. auto on the pages of the site the page shows in frames (a frameset, a news
    # box in an iframe), read at their own URLs: the listing a user sees may be one
    # of them, and a frameset page has nothing else to offer.
    for frame_url in frame_urls(tree, page.url, page.encoding)[:MAX_FRAMES_TRIED]:
        framed = await probe.get(frame_url)
        if isinstance(framed, Document) and body_kind(framed) == "html":
            judge("auto", Source(name="x", url=frame_url, type="auto",
                                 encoding=_encoding_to_pin(framed)), [framed],
                  "auto on a page the site shows in a frame")
    if not found_feed:
        for path in FEED_PATHS:
            feed_url = urljoin(root, path)
            if feed_url in linked:
                continue
            if await _try_feed(feed_url, "usual feed path", judge, probe):
                break
    # 3. WordPress's REST API.
    wp_url = urljoin(root, WP_POSTS)
    doc = await probe.get(wp_url)
    if isinstance(doc, Document) and doc.text.lstrip().startswith("["):
        judge("wordpress", Source(name="x", url=wp_url, type="json",
                                  select=Selectors(**embedded.WORDPRESS_SELECT)), [doc],
              "WordPress REST API")
    # 4. Sitemaps: robots.txt's Sitemap: lines, else /sitemap.xml.
    sitemaps = await _robots_sitemaps(root, probe)
    for sitemap_url in (sitemaps or [urljoin(root, "/sitemap.xml")])[:2]:
        await _try_sitemap(sitemap_url, "robots.txt" if sitemaps else "usual sitemap path",
                           judge, probe)
    # 5. JSON embedded in the page; 6. auto on the HTML (no request: the page is in hand).
    for source, how, warning in _embedded_entries(page, tree, encoding):
        judged = judge("embedded", source, [page], how)
        if warning:
            judged.warnings.append(warning)
    judge("auto", Source(name="x", url=url, type="auto", encoding=encoding), [page],
          "auto on the page")
    # 7. A headless browser, only when nothing else worked.
    if not any(c.items for c in candidates) and _can_render(allow_render) and not probe.spent:
        rendered = await probe.get(url, render=True)
        if isinstance(rendered, Document):
            judge("render", Source(name="x", url=url, type="auto", render=True), [rendered],
                  "auto on the page after its scripts ran")
        else:
            candidates.append(Candidate("render", Source(name="x", url=url, type="auto",
                                                         render=True),
                                        "headless Chromium", error=str(rendered),
                                        order=next(order)))
    read = {c.source.url for c in candidates}
    sections = [(name, link) for name, link in page_sections(tree, page.url) if link not in read]
    return Discovery(asked, title, candidates, probe.requests,
                     splash + _tried(probe, candidates), spacing=fetcher.robots_spacing(url),
                     sections=sections)


def _tried(probe: _Prober, candidates: list[Candidate]) -> list[tuple[str, str]]:
    """The URLs fetched that gave no candidate, each with a short reason."""
    used = {c.source.url for c in candidates} | {probe.page_url}
    out = []
    for key, result in probe.seen.items():
        url = key.rsplit(" ", 1)[0]
        if url in used:
            continue
        if isinstance(result, HTTPStatusError):
            why = f"HTTP {result.status}"
        elif isinstance(result, FetchError):
            why = str(result)
        else:
            why = f"not a feed or sitemap ({result.content_type or 'no type'})"
        out.append((url, why))
    return out


Judge = Callable[[str, Source, list[Document], str], Candidate]


async def _try_feed(url: str, how: str, judge: Judge, probe: _Prober) -> bool:
    doc = await probe.get(url)
    if isinstance(doc, FetchError) or body_kind(doc) not in ("feed", "json"):
        return False
    return bool(judge("feed", Source(name="x", url=url, type="feed"), [doc], how).items)


async def _try_sitemap(url: str, how: str, judge: Judge, probe: _Prober) -> None:
    doc = await probe.get(url)
    if isinstance(doc, FetchError) or body_kind(doc) != "sitemap":
        return
    source = Source(name="x", url=url, type="sitemap")
    docs = [doc]
    follow = get_extractor("sitemap")(doc, source).follow if _is_index(doc) else []
    for child in follow[:MAX_SITEMAP_CHILDREN]:
        got = await probe.get(child)
        if isinstance(got, Document):
            docs.append(got)
    judge("sitemap", source, docs, how + (f" (index: read {len(docs) - 1} of "
                                          f"{len(follow)} sitemaps)" if follow else ""))


async def _read_direct(kind: str, doc: Document, url: str, judge: Judge,
                       probe: _Prober) -> None:
    """The URL given is itself a feed, a sitemap or a JSON API."""
    if kind == "feed":
        judge("feed", Source(name="x", url=url, type="feed"), [doc], "the URL itself")
    elif kind == "sitemap":
        await _try_sitemap(url, "the URL itself", judge, probe)
    elif kind == "json":
        head = doc.text.lstrip()[:2000]
        if "jsonfeed.org" in head:
            judge("feed", Source(name="x", url=url, type="feed"), [doc], "the URL itself")
        elif head.startswith("["):
            judge("wordpress", Source(name="x", url=url, type="json",
                                      select=Selectors(**embedded.WORDPRESS_SELECT)), [doc],
                  "the URL itself, as WordPress REST")
        judge("auto", Source(name="x", url=url, type="auto"), [doc], "auto on the JSON")


async def _robots_sitemaps(root: str, probe: _Prober) -> list[str]:
    """The `Sitemap:` lines of robots.txt, from the copy the Fetcher read for its rules."""
    try:
        found = await probe.fetcher.robots_sitemaps(root + "/", probe.settings)
    except FetchError:
        return []
    return list(dict.fromkeys(url for u in found if (url := safe_link(u, root))))


def _judge(kind: str, source: Source, docs: list[Document], how: str, config: Config,
           now: datetime) -> Candidate:
    """Read `docs` as `source` would be read in a crawl and count what came out."""
    candidate = Candidate(kind, source, how)
    extract = get_extractor(source.type)
    raws: list[RawItem] = []
    try:
        for doc in docs:
            extraction = extract(doc, source)
            raws.extend(extraction.items)
            candidate.notes.extend(extraction.notes)
            candidate.warnings.extend(extraction.warnings)
    except Exception as exc:  # a hostile page must not stop the other candidates
        candidate.error = str(exc) if isinstance(exc, MonitorError) else (
            f"could not be read: {type(exc).__name__}")
        return candidate
    untitled_ok = source.type == "sitemap"
    seen: set[str] = set()
    for raw in raws:
        item = normalise(raw, source="discover", tz=config.timezone, now=now,
                         require_title=not untitled_ok)
        if isinstance(item, Dropped) or item.identity in seen:
            continue
        seen.add(item.identity)
        candidate.items.append(item)
        if raw.published is not None or raw.date_text:
            candidate.dated += 1
        if not item.date_is_first_seen:
            candidate.parsed += 1
            if candidate.newest is None or item.published > candidate.newest:
                candidate.newest = item.published
    if untitled_ok and candidate.items and not any(i.title for i in candidate.items):
        # Plain sitemaps name no titles: a crawl reads each new page for its title.
        candidate.source = replace(source, fetch_article=True)
    if not candidate.items and not candidate.error:
        candidate.error = "no items"
    return candidate


def _is_index(doc: Document) -> bool:
    return "<sitemapindex" in (doc.text or "")[:4096].lower()


def _linked_feeds(tree: LexborHTMLParser, base: str) -> list[str]:
    found = []
    for link in tree.css("link[rel~=alternate][href]"):
        kind = (link.attributes.get("type") or "").lower().strip()
        href = link.attributes.get("href") or ""
        url = safe_link(href, base) if kind in FEED_TYPES else None
        if url:   # a malformed or non-web href is no feed to try
            found.append(url)
    return list(dict.fromkeys(found))


def _site_title(tree: LexborHTMLParser) -> str:
    """`og:site_name`, else `<title>`: what the site calls itself."""
    meta = tree.css_first('meta[property="og:site_name"][content]')
    text = meta.attributes.get("content") if meta is not None else None
    if not text:
        node = tree.css_first("title")
        text = node.text(deep=True) if node is not None else ""
    return " ".join((text or "").split())[:120]


def _host_title(url: str) -> str:
    return urlsplit(url).hostname or url


def _encoding_to_pin(doc: Document) -> str | None:
    """The codec to write as `encoding:` for a page not in UTF-8 that does not declare
    its charset in itself: a header or a guess may change; the entry then does not."""
    if declared_codec(doc.content):
        return None
    return None if doc.encoding.replace("_", "-").startswith(("utf-8", "ascii")) else (
        "tis-620" if doc.encoding == "cp874" else doc.encoding)


def _embedded_entries(page: Document, tree: LexborHTMLParser, encoding: str | None
                      ) -> list[tuple[Source, str, str | None]]:
    """A `type: json` entry for the list of articles in the page's embedded data, when
    the json source type can reach it: the first block (its default root) or
    `__NEXT_DATA__` (named by `script:`)."""
    out = []
    blocks = embedded.blocks(tree)   # the page as parsed once above
    for index, block in enumerate(blocks):
        if block.kind == "JSON-LD":
            continue      # auto reads JSON-LD itself; a JMESPath entry gains nothing
        script = None
        if index > 0:
            if block.kind != "__NEXT_DATA__":
                continue
            script = "#__NEXT_DATA__"
        found = embedded.find_list(block.data, page.url)
        if found is None:
            continue
        link = found.link or (f"{embedded.collection(page.url)}/{{{found.id_key}}}"
                              if found.id_key else None)
        select = Selectors(item=found.path, title=found.title, link=link, date=found.date,
                           script=script)
        guessed = None if found.link else (
            f"the data has no link field, so links are guessed as {link} (a listing's usual "
            "route): open one in a browser, and if it is wrong write the site's own link "
            "template in select.link")
        out.append((Source(name="x", url=page.url, type="json", select=select,
                           encoding=encoding), f"the page's {block.kind}", guessed))
        break
    return out


def _can_render(allowed: bool | None) -> bool:
    if allowed is not None:
        return allowed
    from monitor.fetch.render import chromium_path
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return chromium_path() is not None


def _why_unreadable(error: FetchError) -> str:
    """One line: why the page cannot be read, and what that means for a source."""
    if isinstance(error, BlockedError):
        return f"the site is blocked: {error}; a crawl would be blocked too"
    if isinstance(error, HTTPStatusError) and error.status in (401, 403):
        return (f"the site refuses to serve it: {error}; the monitor cannot read a site "
                f"that answers {error.status} to it")
    # An unreachable robots.txt also refuses the page (RFC 9309), but the site being
    # down or its name unknown is what the user must hear first.
    if isinstance(error, NotAllowedError) and cause(str(error)).startswith("disallowed by"):
        return f"robots.txt forbids it: {error}"
    return f"the page cannot be read: {cause_first(str(error))}"


def as_json(discovery: Discovery) -> dict[str, object]:
    best = discovery.best
    return {
        "url": discovery.url,
        "title": discovery.title,
        "requests": discovery.requests,
        "crawl_delay": discovery.spacing,
        "tried": [{"url": url, "why": why} for url, why in discovery.tried],
        "sections": [{"name": name, "url": url} for name, url in discovery.sections],
        "best": discovery.candidates.index(best) if best is not None else None,
        "candidates": [{
            "kind": c.kind, "type": c.source.type, "url": c.source.public_url, "how": c.how,
            "render": c.source.render,
            "select": {k: v for k, v in vars(c.source.select).items() if v}
            if c.source.select else None,
            "items": len(c.items),
            "dated": round(c.dated / len(c.items), 3) if c.items else 0.0,
            "parsed": round(c.parsed / len(c.items), 3) if c.items else 0.0,
            "newest": c.newest.isoformat() if c.newest else None,
            "samples": [i.title or i.link for i in c.items[:3]],
            "error": c.error or None,
            "warnings": c.warnings,
        } for c in discovery.candidates],
    }


def dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
