"""Identity and story dedupe: pure functions of titles and URLs.

One URL, one item: an item's identity is its canonical URL, except where the
link is an opaque aggregator token (Google News) and the extractor supplied a
title-and-outlet identity instead. One story, one entry: the same press
release republished by several outlets with small edits has near-identical
titles; character trigrams compare Thai (which has no spaces between words)
as well as English, and the overlap coefficient forgives an outlet's prefix
or suffix on the title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.text.textnorm import normalise_text
from monitor.text.urls import canonical_url

# Two titles are one story when this share of their trigrams agree. Headlines
# about the act share its long name, so the bar is high: a few words of
# difference make another story.
JACCARD_MIN = 0.8
OVERLAP_MIN = 0.9
OVERLAP_MIN_TRIGRAMS = 20   # containment only counts for titles long enough to be specific
OVERLAP_MIN_RATIO = 0.7     # ... and only when one adds little to the other (a prefix)

_NOT_WORD = re.compile(r"[^\w]+")


def item_identity(link: str, identity: str | None = None) -> str:
    """Explicit identity first (aggregators), else the canonical URL."""
    return identity or canonical_url(link)


def story_key(title: str) -> str:
    """A title reduced to what survives republication: letters and digits only."""
    text = normalise_text(title)
    # Latin accents go; Thai vowel and tone marks (also category M) carry meaning and stay.
    text = "".join(ch for ch in text
                   if unicodedata.category(ch)[0] != "M" or "\u0e00" <= ch <= "\u0e7f")
    return _NOT_WORD.sub("", text)


def _trigrams(key: str) -> frozenset[str]:
    if len(key) < 3:
        return frozenset({key}) if key else frozenset()
    return frozenset(key[i:i + 3] for i in range(len(key) - 2))


def same_story(key_a: str, key_b: str) -> bool:
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    a, b = _trigrams(key_a), _trigrams(key_b)
    common = len(a & b)
    if common / len(a | b) >= JACCARD_MIN:
        return True
    smaller, larger = sorted((len(a), len(b)))
    return (smaller >= OVERLAP_MIN_TRIGRAMS and smaller / larger >= OVERLAP_MIN_RATIO
            and common / smaller >= OVERLAP_MIN)


@dataclass(frozen=True)
class StoryCandidate:
    story: int      # the story's id (its first item's id)
    key: str
    source: str


def find_story(key: str, source: str, candidates: Iterable[StoryCandidate]) -> int | None:
    """The story a new item belongs to: an earlier item of ANOTHER source with the same story.

    One source republishing its own headline is a new item, not another outlet
    reporting it; URL dedupe already handles true repeats within a source.
    """
    for candidate in candidates:
        if candidate.source != source and same_story(key, candidate.key):
            return candidate.story
    return None
