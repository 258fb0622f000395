"""What a page's items, and the settings that read them, hash to.

A crawl keeps, for each source, a digest of the items it last read and a
fingerprint of the settings that read them (the source's entry, the topics and
synonyms, the time zone, the program's version). The fingerprint decides
whether a conditional request may be sent at all: after an edit, a 304 would
keep the page from being read under the new settings. The digest lets a page
that answers 200 with the same items skip normalising, matching and storing.

Light on purpose: an unchanged crawl computes fingerprints for every source and
must not import the extractors or the matcher to do so.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from monitor.config.settings import Source, Topic
from monitor.models import RawItem

# Part of every items digest: bumped when reading the same items could store
# something else than it did (a change to normalising or matching), so that
# digests taken under the old rules never equal the new ones.
DIGEST_RULES = 1


def digest_seed(source: Source, tz: ZoneInfo, topics: tuple[Topic, ...],
                synonyms: tuple[tuple[str, ...], ...]) -> bytes:
    """What besides its items decides what reading a page stores: the source's
    settings, the topics and synonyms, the time zone, the program's version and
    that of the segmenter's dictionary."""
    # `repr` of the frozen settings is the same in every process (tuples, strings,
    # numbers); the source's URL is not in it, and a secret from the environment in
    # a form field is masked, so that no hash of one is kept.
    settings = source.redact(repr(source))
    return hashlib.blake2b(settings.encode("utf-8", "surrogatepass"), digest_size=16,
                           key=_shared_seed(tz, topics, synonyms)).digest()


@functools.lru_cache(maxsize=8)
def _shared_seed(tz: ZoneInfo, topics: tuple[Topic, ...],
                 synonyms: tuple[tuple[str, ...], ...]) -> bytes:
    """The part of every source's seed that is the config's: computed once per crawl."""
    from importlib import metadata

    def version(name: str) -> str:   # from the installed package's metadata, not an import
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "unknown"

    shared = repr((DIGEST_RULES, version("thai-egov-monitor"), version("pythainlp"),
                   str(tz), topics, synonyms))
    return hashlib.blake2b(shared.encode("utf-8", "surrogatepass"), digest_size=32).digest()


def items_digest(seed: bytes, raws: Sequence[RawItem]) -> str:
    """The digest of the items a page shows, as extracted, under `seed` (digest_seed).

    Equal to the one recorded when the source's items were last stored, the
    page holds nothing to store: its items were stored then, under the same
    settings. A server that sends no ETag or Last-Modified, or a page that
    changes on every request (a token, a clock, a view counter), thus costs a
    fetch and an extraction, not the normalising, matching and storing of
    every item again.
    """
    digest = hashlib.blake2b(seed, digest_size=16)
    for raw in raws:
        digest.update(repr(raw).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
