"""The CPU steps of reading a fetched document: extract -> normalise -> match.

Pure functions of their arguments (no network, no database), kept apart from
monitor.pipeline so that a worker process (monitor.readpool) can run them
while importing only what they need, not the fetcher or the store.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.config.settings import Source, Topic
from monitor.dedupe import story_keyer
from monitor.digests import items_digest
from monitor.extract import body_kind, get_extractor
from monitor.extract.bounds import cap_feed, check_nesting
from monitor.match import REGEX_TIMEOUT, Matcher
from monitor.models import Document, Extraction, Item, Prepared, RawItem
from monitor.normalise import Dropped, normalise
from monitor.offload import Budget
from monitor.text.words import index_words


@functools.lru_cache(maxsize=4)
def matcher_for(topics: tuple[Topic, ...], synonyms: tuple[tuple[str, ...], ...]) -> Matcher:
    """Built once per process and topic set: `monitor run` crawls every few minutes."""
    return Matcher(topics, synonyms)


def extract(doc: Document, source: Source) -> tuple[Extraction, int]:
    """The extraction of one document, and how many of its items were left unread
    (feed entries cut off before parsing, rows past max_items).

    Bounds are checked on the text first: parsers are not linear on hostile input
    (HTML's where it is parsed, in bounds.parse_html).
    """
    cut = 0
    kind: str = source.type
    if kind == "auto":
        # A feed's or sitemap's URL under `type: auto` (the user's guess, or a page
        # that became one) is read as what it is, not searched for blocks of links.
        sniffed = body_kind(doc)
        kind = sniffed if sniffed in ("feed", "sitemap") else kind
    if kind == "feed":
        text, dropped = cap_feed(doc.text, source.fetch.max_items)
        if dropped:
            doc, cut = replace(doc, text=text), dropped
        # feedparser spends about 30 us on each element inside an entry: 200,000
        # nested <b> in one title took 6 s. No real feed nests 512 deep.
        check_nesting(doc.text, "the feed")
    extraction = get_extractor(kind)(doc, source)
    cut += extraction.unread
    if kind != source.type:
        extraction = replace(extraction, notes=[
            f"the page is a {kind}, read as type: {kind}", *extraction.notes])
    return extraction, cut


def normalise_all(raws: Sequence[RawItem], source: Source, tz: ZoneInfo, now: datetime,
                  budget: Budget) -> tuple[list[Item], list[Dropped]]:
    read: list[tuple[Item, str | None]] = []
    dropped: list[Dropped] = []
    for raw in raws:
        budget.check()
        result = normalise(raw, source=source.name, tz=tz, now=now,
                           require_title=not source.fetch_article)
        if isinstance(result, Dropped):
            dropped.append(result)
        else:
            read.append((result, raw.guid))
    # Some feeds give every entry one link (the site's home, its news page) and tell
    # them apart by guid alone, or not at all: all of such a link's items are then
    # known by it and their guid, or else their title, whichever of them comes first
    # today. (Known by the link alone, every new entry of a hand-made feed that links
    # each to the home page was the first one renamed, and never new.)
    links = Counter(item.identity for item, _ in read)
    items: list[Item] = []
    seen: set[str] = set()
    for item, guid in read:
        if links[item.identity] > 1 and (guid or item.title):
            told = f"guid={guid}" if guid else f"title={item.title}"
            item = replace(item, identity=f"{item.identity}#{told}")
        if item.identity in seen:   # one URL, one item, within a page too
            why = ("the same link and guid as an item before it" if guid else
                   "the same link and title as an item before it, and no guid of its own")
            dropped.append(Dropped(item.title, item.link, why))
        else:
            seen.add(item.identity)
            items.append(item)
    return items, dropped


def match_all(items: Sequence[Item], source: Source, matcher: Matcher, budget: Budget,
              warnings: list[str]) -> list[Item]:
    matched = []
    for item in items:
        budget.check()
        timed_out: list[str] = []
        matches = matcher.match(item.title, item.summary, item.text, only=source.topics,
                                timed_out=timed_out)
        # Most items match nothing and already say so: no copy (3 us each).
        matched.append(item if not matches and not item.topics and not item.matched_keywords
                       else replace(item, topics=tuple(m.topic for m in matches),
                                    matched_keywords=tuple(m.keyword for m in matches)))
        for keyword in dict.fromkeys(timed_out):
            warnings.append(f"keyword {keyword} took longer than {REGEX_TIMEOUT:g} s on "
                            f"{item.link} and counted as not matching")
    return matched


@dataclass
class PageRead:
    """One document read through to matched items, or only extracted when it
    names further documents (a sitemap index): those are read first."""

    extraction: Extraction                      # its raw items dropped once read through
    cut: int                                    # items left unread (see extract)
    found: int = 0                              # raw items the extractor found
    items: list[Item] | None = None             # None: only extracted
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # from matching
    prepared: Prepared = field(default_factory=Prepared)        # for the store, of these items
    # The digest of the items read (items_digest), when the next crawl may skip
    # them if they are the same; None when it must read them whatever they are.
    digest: str | None = None
    same: bool = False     # the items are those stored last time: nothing else was done


def read_page(doc: Document, source: Source, tz: ZoneInfo, now: datetime, budget: Budget,
              matcher: Matcher, cap: int, synonyms: tuple[tuple[str, ...], ...] = (),
              held: Callable[[Sequence[Item]], Collection[str]] | None = None,
              seed: bytes | None = None, last_digest: str | None = None) -> PageRead:
    """What read_source does with a source's only document, in one step.

    `held` names the relevant items the store already holds as they are
    (monitor.held): nothing is prepared for them. With `seed` (digest_seed), the
    items are digested; equal to `last_digest`, they are not read further.
    """
    budget.check()
    extraction, cut = extract(doc, source)
    if extraction.follow:
        return PageRead(extraction, cut, len(extraction.items))
    raws = extraction.items[:cap]
    digest = items_digest(seed, raws) if seed is not None else None
    if digest is not None and digest == last_digest:
        return PageRead(replace(extraction, items=[]), cut, len(extraction.items), [],
                        digest=digest, same=True)
    budget.check()
    items, dropped = normalise_all(raws, source, tz, now, budget)
    warnings: list[str] = []
    items = match_all(items, source, matcher, budget, warnings)
    if warnings:   # a keyword timed out: the next crawl must match these items again
        digest = None
    # The search index segments the texts of the items stored as relevant: done
    # here, in a worker, the storing process only looks them up (Prepared).
    stored = [item for item in items if item.topics or source.keep_all]
    if held is not None and stored:
        unchanged = held(stored)
        stored = [item for item in stored if item.identity not in unchanged]
    words = {text: index_words(text) for item in stored
             for text in (item.title, item.summary, item.text) if text}
    # So do their story keys and sketches (dedupe.story_keyer(...).primed), with the
    # config's synonyms, as the store folds them.
    keyer = story_keyer(synonyms)
    keys = {(item.title, item.summary, item.text): keyer.keyed(item.title, item.summary, item.text)
            for item in stored}
    # The raw items are not needed any more: not sending them back halves the reply.
    return PageRead(replace(extraction, items=[]), cut, len(extraction.items), items,
                    dropped, warnings, Prepared(words, keys), digest)
