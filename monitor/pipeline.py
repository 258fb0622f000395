"""The one place that chains fetch -> extract -> normalise -> match -> dedupe -> store.

`read_source` is everything up to storing and is shared by `crawl` and
`preview` (which stores nothing), so what a user previews is exactly what a
crawl would keep. A failure in one source is caught here and becomes that
source's health; it never reaches another source.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import zlib
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal, TypeVar
from urllib.parse import urlsplit

from monitor import readpool
from monitor.config.settings import Config, Source, Topic
from monitor.digests import digest_seed, items_digest
from monitor.errors import ExtractError, MonitorError
from monitor.extract import body_kind
from monitor.fetch import Fetcher
from monitor.health import Health, SourceState, after_failure, after_success
from monitor.models import Document, Item, NotModified, Prepared, RawItem, Validators
from monitor.offload import Budget, step
from monitor.reasons import one_line
from monitor.store import Store
from monitor.writebatch import WriteBatch, batch_for

# What reads a changed page (selectolax, the date reader, the matcher) is imported
# when a page needs reading: a crawl where every source answers 304 never does.
if TYPE_CHECKING:
    from pathlib import Path

    from monitor.extract.article import Article
    from monitor.match import Matcher
    from monitor.normalise import Dropped
    from monitor.progress import Progress
    from monitor.reading import PageRead

log = logging.getLogger(__name__)

MAX_FOLLOW = 20          # child sitemaps read per crawl
PREVIEW_ARTICLES = 10    # article pages `preview` fetches at most
# Seconds a source's extract, normalise and match steps may take per crawl. Far
# above any real page (milliseconds); it stops what the other bounds miss.
PROCESS_BUDGET = 30.0
# Above these sizes a step runs in a worker thread (monitor.offload), so that
# it cannot hold up other sources' fetches, schedules or a shutdown.
OFFLOAD_CHARS = 300_000
OFFLOAD_ITEMS = 200
NOTE_CHARS = 200         # of the crawl line's note on why a page yielded nothing
# A page that has answered only 304 for this long, and a part of it again that
# depends on its URL, is asked unconditionally once (see `_conditional`).
REVALIDATE_AFTER = timedelta(days=1)
R = TypeVar("R")

__all__ = ["SourceRead", "SourceResult", "crawl", "matcher_for", "read_source"]


def matcher_for(topics: tuple[Topic, ...], synonyms: tuple[tuple[str, ...], ...]) -> Matcher:
    """The matcher for these topics, built once per process (monitor.reading)."""
    from monitor.reading import matcher_for as built

    return built(topics, synonyms)


@dataclass
class SourceRead:
    """What one source yielded on one fetch, before anything is stored."""

    source: Source
    not_modified: bool = False
    found: int = 0                                  # items the extractor found
    items: list[Item] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    capped: int | None = None                       # max_items, when it cut the items
    prepared: Prepared | None = None                # a worker's work for storing the items
    # The settings that read the page (digests.digest_seed), recorded with the validators.
    read_with: str | None = None
    # The digest of the items read (digests.items_digest), recorded with the validators
    # when they are stored; None: the next crawl reads them whatever they are.
    digest: str | None = None
    same_items: bool = False    # the items stored last time, under the same settings

    @property
    def cut(self) -> Document | None:
        """The first page read that the server ended early (see Document.cut)."""
        return next((doc for doc in self.documents if doc.cut is not None), None)


# A source's state after the crawl; "not modified" when the server said 304, and
# "unchanged" when the page showed the items stored last time (digests.items_digest).
ResultStatus = SourceState | Literal["not modified", "unchanged"]


@dataclass(frozen=True)
class SourceResult:
    """One source's crawl; monitor.report makes it a line of output or log."""

    source: str
    status: ResultStatus
    seen: int = 0
    new: int = 0
    matched: int = 0
    error: str | None = None
    note: str | None = None
    # Whether the outputs may show something new; False only for a 304 that left the
    # source's health as it was (bar the times), so an unchanged crawl publishes nothing.
    changed: bool = True

    @property
    def failed(self) -> bool:
        return self.status in ("failing", "blocked")


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.netloc.lower()) == (pb.scheme, pb.netloc.lower())


async def read_source(
    source: Source,
    config: Config,
    fetcher: Fetcher,
    matcher: Matcher | Callable[[], Matcher],
    *,
    now: datetime,
    validators: Callable[[str], Validators | None] | None = None,
    is_new: Callable[[Sequence[Item]], Collection[str]] | None = None,
    article_limit: int | None = None,
    workers: bool = False,
) -> SourceRead:
    """Fetch and read one source. Raises MonitorError subclasses for the caller to report.

    With `workers`, an ordinary page is read in a worker process (monitor.readpool)
    with the config's own topics, so `matcher` must be the one built from them.
    """
    read = SourceRead(source)
    seed = digest_seed(source, config.timezone, config.topics, config.synonyms)
    read.read_with = seed.hex()
    last = validators(source.url) if validators else None
    if last is not None and last.read_with != read.read_with:
        # Stored under other settings (an edited selector or topic, an upgrade): a 304
        # would keep the page from being read under these until the site changed it.
        last = None
    last = _conditional(last, source.url, now)
    first = await fetcher.fetch(
        source.url, source.fetch, encoding=source.encoding, trusted=True,
        validators=last, request=source.request, render=source.render)
    if isinstance(first, NotModified):
        read.not_modified = True
        return read
    from monitor.normalise import Dropped
    from monitor.reading import PageRead, extract, match_all, normalise_all
    last_digest = last.items_digest if last else None
    budget = Budget(PROCESS_BUDGET)
    cap = source.fetch.max_items
    raws: list[RawItem] = []
    queue: list[Document] = [first]
    followed = 0
    asked = {source.url, first.url}
    read_through: PageRead | None = None
    while queue:
        doc = queue.pop(0)
        read.documents.append(doc)
        page = None
        if (workers and not raws and not queue and not source.fetch_article
                and len(doc.text) <= OFFLOAD_CHARS):
            page = await readpool.read_in_worker(doc, source, config.timezone, now, budget,
                                                 config.topics, config.synonyms, cap,
                                                 _resolved(config.database), seed, last_digest)
            if page is not None and page.same:
                read.found, read.digest, read.same_items = page.cut + page.found, page.digest, True
                return read
        if page is None:
            extraction, cut = await step(budget, len(doc.text) > OFFLOAD_CHARS,
                                         extract, doc, source)
            page = PageRead(extraction, cut, len(extraction.items))
        elif page.items is not None:
            read_through = page
        read.found += page.cut + page.found
        raws.extend(page.extraction.items)
        # A followed document's warnings say which it is (a frame, a child sitemap).
        read.warnings.extend(page.extraction.warnings if doc is first else
                             [f"{doc.url}: {warning}" for warning in page.extraction.warnings])
        read.notes.extend(page.extraction.notes)
        for url in page.extraction.follow:
            if url in asked:
                continue    # frames that show each other, a sitemap listed twice
            if followed == MAX_FOLLOW:
                break
            followed += 1
            asked.add(url)
            child = await fetcher.fetch(url, source.fetch, encoding=source.encoding,
                                        trusted=_same_origin(url, source.url), referrer=doc.url)
            if isinstance(child, Document):
                queue.append(child)
    if read.found > cap:
        read.capped = cap
        read.warnings.append(f"{read.found} items found; only the first {cap} were read "
                             "(max_items)")
    if read_through is not None and read_through.items is not None:
        read.items, read.dropped = read_through.items, read_through.dropped
        read.warnings.extend(read_through.warnings)
        read.prepared, read.digest = read_through.prepared, read_through.digest
        return _checked(read)
    read.digest = items_digest(seed, raws[:cap])
    if read.digest == last_digest:
        read.same_items = True
        return read
    read.items, read.dropped = await step(
        budget, min(cap, len(raws)) > OFFLOAD_ITEMS,
        normalise_all, raws[:cap], source, config.timezone, now, budget)
    if source.fetch_article:
        fresh = set(is_new(read.items)) if is_new else {i.identity for i in read.items}
        targets = [i for i in read.items if i.identity in fresh]
        limit = min(source.fetch.max_articles,
                    len(targets) if article_limit is None else article_limit)
        if len(targets) > limit and article_limit is None:
            read.warnings.append(f"{len(targets)} new items; articles fetched for the first "
                                 f"{limit} only (max_articles)")
        enriched = await asyncio.gather(
            *(_with_article(item, source, fetcher, config, now, budget,
                            read.documents[0].url) for item in targets[:limit]))
        by_identity = {i.identity: i for i in enriched}
        read.items = [by_identity.get(i.identity, i) for i in read.items]
        for item in read.items:
            if not item.title:
                read.dropped.append(Dropped("", item.link, "no title, even on its page"))
        read.items = [i for i in read.items if i.title]
    timed_out: list[str] = []
    read.items = await step(budget, len(read.items) > OFFLOAD_ITEMS,
                            match_all, read.items, source,
                            matcher() if callable(matcher) else matcher, budget, timed_out)
    if timed_out:   # a keyword timed out: the next crawl must match these items again
        read.warnings.extend(timed_out)
        read.digest = None
    return _checked(read)


@functools.lru_cache(maxsize=8)
def _resolved(database: Path) -> Path:
    """The database's real path, told to the page worker (monitor.held), once per
    process: resolving it for every page walked the file system each time, and
    each of those system calls let the worker pool's threads take the interpreter
    from the crawl (0.08 s of a 500-source first crawl's loop, in a py-spy profile)."""
    return database.resolve()


def _validated(read: SourceRead) -> Document:
    """The source's own answer, as its validators are to be kept: a page read through
    its frames (monitor.extract.frames) keeps none, since the frameset or the home page
    stays the same while the pages in its frames change (a 304 would hide them); a
    sitemap index's `lastmod` says when its children change."""
    own = read.documents[0]
    if len(read.documents) > 1 and body_kind(own) != "sitemap":
        return replace(own, etag=None, last_modified=None)
    return own


def _checked(read: SourceRead) -> SourceRead:
    if read.found and not read.items:
        read.warnings.append("every item was filtered out (see the dropped items)")
    cut = read.cut
    if cut is not None:
        # What did not arrive may hold items: the next crawl reads the page again.
        read.digest = None
        read.warnings.append(_cut_short(cut))
    return read


def _cut_short(doc: Document) -> str:
    return f"read what arrived: the server ended {doc.url} early ({doc.cut})"


async def _with_article(item: Item, source: Source, fetcher: Fetcher, config: Config,
                        now: datetime, budget: Budget, listed_on: str) -> Item:
    """The item completed from its own page (asked for as a click on the listing
    `listed_on` asks for it); on failure, the item as it was."""
    try:
        doc = await fetcher.fetch(item.link, source.fetch, trusted=False, referrer=listed_on)
    except MonitorError as error:
        log.warning("%s: article %s not read: %s", source.name, item.link, error)
        return item
    if not isinstance(doc, Document):
        return item
    try:
        article = await step(budget, len(doc.text) > OFFLOAD_CHARS, _read_article, doc)
    except ExtractError as error:
        log.warning("%s: article %s not read: %s", source.name, item.link, error)
        return item
    changes: dict[str, object] = {"text": article.text}
    if not item.title and article.title:
        changes["title"] = " ".join(article.title.split())
    if not item.summary and article.summary:
        changes["summary"] = article.summary
    if item.date_is_first_seen and article.date_text:
        from monitor.normalise import read_date
        published = read_date(RawItem(title="", link="", date_text=article.date_text),
                              tz=config.timezone, now=now)
        if published is not None:
            changes.update(published=published, date_is_first_seen=False,
                           date_text=article.date_text)
    return replace(item, **changes)  # type: ignore[arg-type]


def _read_article(doc: Document) -> Article:
    from monitor.extract.article import extract_article
    return extract_article(doc)


# Sources in progress at once, per request the fetcher may have in flight. Starting
# every source at once kept a suspended chain of coroutines (about 15 KB) per source
# waiting for its host's turn, so peak memory grew with the number of sources.
SOURCES_PER_SLOT = 8


def by_host_turns(sources: Sequence[Source]) -> list[int]:
    """Indexes of `sources`, one per host in turn (in order within each host).

    A bounded window over this order spans as many hosts as it can, so sources
    of one slow or polite host do not fill it while other hosts sit idle.
    """
    queues: dict[str, list[int]] = {}
    for index, source in enumerate(sources):
        queues.setdefault((urlsplit(source.url).hostname or "").lower(), []).append(index)
    order: list[int] = []
    turn = 0
    lanes = list(queues.values())
    while lanes:
        order.extend(lane[turn] for lane in lanes)
        turn += 1
        lanes = [lane for lane in lanes if len(lane) > turn]
    return order


async def bounded(sources: Sequence[Source], one: Callable[[Source], Awaitable[R]],
                  limit: int) -> list[R]:
    """`one(source)` for every source, at most `limit` at a time; results in config order."""
    results: dict[int, R] = {}
    turns = iter(by_host_turns(sources))

    async def worker() -> None:
        for index in turns:   # shared: each worker takes the next source in turn
            results[index] = await one(sources[index])

    await asyncio.gather(*(worker() for _ in range(min(limit, len(sources)))))
    return [results[i] for i in range(len(sources))]


async def crawl(config: Config, store: Store, sources: Sequence[Source] | None = None,
                *, now: datetime | None = None, fetcher: Fetcher | None = None,
                progress: Progress | None = None) -> list[SourceResult]:
    """One crawl of the given sources (all by default); every source gets a result.

    `monitor run` passes its long-lived fetcher so politeness spans crawls;
    `monitor crawl` a progress line, told when each source starts and ends.
    """
    now = now or datetime.now(UTC)
    chosen = list(config.sources if sources is None else sources)
    # Built when the first changed page needs it: a crawl of 304s never does.
    matcher = functools.partial(matcher_for, config.topics, config.synonyms)
    limit = SOURCES_PER_SLOT * config.fetch.concurrency
    batch = batch_for(store)
    health = store.health_of([s.name for s in chosen])
    validators = store.validators_of([s.url for s in chosen])
    workers = readpool.wanted(len(config.sources))

    async def one(source: Source, used: Fetcher) -> SourceResult:
        if progress is not None:
            progress.start(source.name)
        try:
            return await _crawl_one(source, config, store, batch, used, matcher, now,
                                    health.get(source.name), validators.get, workers)
        finally:
            if progress is not None:
                progress.finish(source.name)

    with batch.crawling():
        if fetcher is not None:
            used = fetcher
            return await bounded(chosen, lambda s: one(s, used), limit)
        async with Fetcher(user_agent=config.user_agent, concurrency=config.fetch.concurrency,
                           robots_memory=store) as own:
            return await bounded(chosen, lambda s: one(s, own), limit)


def _conditional(last: Validators | None, url: str, now: datetime) -> Validators | None:
    """`last`, without ETag and Last-Modified once the page has answered only 304 for
    between one and two days (REVALIDATE_AFTER, spread by URL so that sources first
    crawled together are not all asked in full in one crawl).

    A server can answer 304 wrongly for ever: a Last-Modified of the script, not of
    the listing it prints, an ETag of the template. Trusted without end, such
    validators would freeze a source at "not modified" while its page changes. The
    unconditional answer costs one full response; if it shows the items stored last
    time, the digest makes it `unchanged`, and nothing more is done.
    """
    if last is None or last.answered is None or not (last.etag or last.last_modified):
        return last
    spread = timedelta(seconds=zlib.crc32(url.encode()) % int(REVALIDATE_AFTER.total_seconds()))
    if now - last.answered < REVALIDATE_AFTER + spread:
        return last
    return replace(last, etag=None, last_modified=None)


def _shown(health: Health | None) -> Health | None:
    """What the outputs show of a health, bar the times of the last attempt and success."""
    return None if health is None else replace(health, last_attempt=None, last_success=None)


def _note(read: SourceRead) -> str | None:
    """What the crawl line adds. A page that yielded no item says why, as `preview`
    does (no element matched the selector, every link pointed back to the page):
    "ok, seen 0" alone told someone adding a site nothing."""
    if read.capped:
        return f"capped at {read.capped} of {read.found} items: max_items"
    cut = read.cut
    if cut is not None:
        return one_line(_cut_short(cut), NOTE_CHARS)
    if not read.items and read.warnings:
        return one_line("; ".join(dict.fromkeys(read.warnings)), NOTE_CHARS)
    return None


async def _crawl_one(source: Source, config: Config, store: Store, batch: WriteBatch,
                     fetcher: Fetcher, matcher: Callable[[], Matcher], now: datetime,
                     previous: Health | None,
                     validators: Callable[[str], Validators | None],
                     workers: bool) -> SourceResult:
    try:
        read = await read_source(
            source, config, fetcher, matcher, now=now, validators=validators,
            is_new=lambda items: ({i.identity for i in items}
                                  - store.known(i.identity for i in items)),
            workers=workers)
    except Exception as error:  # one source's failure must never stop the others
        if not isinstance(error, MonitorError):
            log.exception("%s: unexpected error", source.name)
        # Errors quote URLs, and a source URL may carry an API key from the environment.
        health = after_failure(previous, source.name, now, error, redact=source.redact)
        batch.join()
        store.save_health(health)
        return SourceResult(source.name, health.state, error=health.last_error)
    if read.not_modified or read.same_items:
        # Nothing to store: a 304, or the items stored last time (digests.items_digest).
        health = after_success(previous, source.name, now, None)
        batch.join()
        if read.same_items:   # the answer's own validators, for the next request
            with store.transaction():
                store.save_validators(source.url, _validated(read), now, read.digest,
                                      read.read_with)
                store.save_health(health)
        else:
            store.save_health(health)
        return SourceResult(source.name, "not modified" if read.not_modified else "unchanged",
                            seen=read.found if read.same_items else 0,
                            changed=_shown(health) != _shown(previous))
    note = _note(read)
    health = after_success(previous, source.name, now, read.found, note)
    # A source's writes go in together, after all its work is done, in the batch's
    # transaction (monitor.writebatch): a second monitor waits at most half a second.
    batch.join()
    with store.transaction():
        saved = store.save_items(read.items, now, keep_all=source.keep_all,
                                 prepared=read.prepared)
        # An empty page more likely lost its layout than its items; one cut short
        # may list more than arrived.
        if read.items and read.cut is None:
            store.record_read(source.name, now)
        # Only the source's own URL is fetched conditionally: child sitemaps and
        # articles are read once per change of the listing anyway.
        store.save_validators(source.url, _validated(read), now, read.digest,
                              read.read_with if read.digest else None)
        store.save_health(health)
    return SourceResult(source.name, health.state, seen=len(read.items), new=saved.new,
                        matched=saved.new_relevant, error=health.last_error, note=note)
