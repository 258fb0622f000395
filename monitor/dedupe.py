"""Identity and story dedupe: pure functions of titles, ledes and URLs.

One URL, one item: an item's identity is its canonical URL, except where the
link is an opaque aggregator token (Google News) and the extractor supplied a
title-and-outlet identity instead.

One story, one entry. Outlets that report one event rewrite the headline
("backs" / "approves", `ครม.` / `คณะรัฐมนตรี`, their own prefix and suffix)
far more than the first paragraph, which often comes from the same press
release. So a story is compared on what survives republication: the title
and the lede (the summary, or the start of the main text), each

1. stripped of outlet noise (`ด่วน!`, `[คลิป]`, ` - Thai PBS`,
   `| มติชนออนไลน์`, a dateline such as `BANGKOK (AP) — `);
2. normalised as matching normalises (`monitor.text.textnorm`: Unicode, sara
   am, zero-width characters, case, Thai digits as Arabic digits);
3. folded through the matcher's equivalence groups (`monitor.equivalents`,
   with the config's `synonyms:`), so every spelling of an office or act is one;
4. reduced to letters and digits, spaces dropped (Thai has none between words,
   and where outlets put them differs).

The comparison is over character shingles (`SHINGLE` characters), which
works for Thai without a segmenter. See `same_story` for the measure; the
thresholds were chosen on the labelled real coverage that `tests/test_stories.py`
scores (README, "One story, one entry"). Time is part of the measure: outlets
cover one event within a day, while the look-alikes that must stay apart
(a preview and the event, an election and the royal endorsement two days
later, this year's edition of a ranking) are days apart; so two items published
within `CLOSE` of each other need less likeness than two further apart.

A text's bottom-k sketch (`sketch`) is its place in the candidate index,
so a new item meets only the stories that share several sketch keys with it
instead of every story in the window.
"""

from __future__ import annotations

import contextlib
import math
import re
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeAlias

from monitor.equivalents import BUILTIN_SYNONYMS, Equivalences
from monitor.text.textnorm import is_thai, normalise_text
from monitor.text.urls import canonical_url

__all__ = ["CANDIDATES", "COMMON_KEY", "Primed", "StoryKey", "StoryKeyer", "StorySignature",
           "band_keys", "item_identity", "matching_stories", "numbers_changed", "numbers_differ",
           "same_story", "similarity", "sketch", "slot_filled_differently", "story_keyer",
           "word_containment"]

SHINGLE = 3             # characters per shingle (3 measured best on the labelled data)
LEDE_CHARS = 200        # letters and digits of the lede compared: the first paragraph's worth

# Decision thresholds, chosen on tests/data/stories_real.tsv and
# story_negatives_real.tsv: the rule with the best recall among those whose
# pairwise precision is at least 0.97 over every same-language pair (positives:
# pairs within a group; negatives: the hard-negative pairs and every pair across
# groups). `python -m tests.test_stories` prints the figures.
TITLE_MIN = 0.75        # titles alone this similar are one story ...
LEDE_MIN = 0.725        # ... or ledes this similar, under titles at least LEDE_TITLE_MIN alike
LEDE_TITLE_MIN = 0.4    #     (one short stock sentence under different headlines is not one
LONG_LEDE = 100         #     story: headlines that only share the act's long name reach 0.39),
                        #     or a lede of LONG_LEDE shingles or more: a copied paragraph ...
BOTH_TITLE_MIN = 0.50   # ... or titles this similar whose ledes overlap at all.
BOTH_LEDE_MIN = 0.05
MIN_SHINGLES = 8        # a text shorter than this says too little to compare
# Titles that merge on their own likeness (no lede to back them) must not differ
# by a replaced run of SLOT characters on both sides (`slot_filled_differently`),
# differences fewer than SLOT_GAP equal characters apart counting as one run.
# Chosen on the Royal Gazette's titles of October 2026 (tests/data/ratchakitcha_*),
# distinct documents: of 171,209 pairs published within a day of each other, the
# title bar alone merged 34 (58 while long brackets were stripped as tags); with
# SLOT 2 it merges 8, and with SLOT_GAP 3 as well 2. The price is one labelled
# same-story pair: "elected Thailand's new prime minister" / "... 32nd Prime
# Minister" (isolated recall 0.154 to 0.150; the store's 0.319 is unchanged).
SLOT = 2
SLOT_GAP = 3
SLOT_CHARS = 200        # of each folded title (a real headline's key is shorter)

# Items published within CLOSE of each other (same or next calendar day) may also
# meet lower bars. Chosen on the dated labelled data fed through a real store
# (tests/test_stories.py, `store_evaluate`): of 253 same-story pairs with both
# dates, 245 lie within a day (0 days apart: 189, 1: 56, 2: 7, 3: 1), while the
# look-alikes the strict bars keep apart are mostly days or years apart. On a
# grid (ledes 0.3-0.6, both 0.25-0.35 over 0.1-0.2) these gave store-level recall
# 0.319 at precision 0.989; looser corners reached 0.34-0.37 at 0.971-0.989 and
# joined more wrong stories in benchmarks/stories.py's first crawl (recombined
# real words: 41 wrong joins here, 60 with both over 0.1, 33 at the strict bars).
# The lower bars need real ledes on both sides: a title alone, or a stock phrase
# under two headlines that share the act's long name ("หน่วยงานของรัฐต้องจัดให้มี
# ช่องทางอิเล็กทรอนิกส์", 38 shingles), is no evidence; no labelled pair needed
# shorter ledes. Headlines whose numbers differ keep the strict bars.
CLOSE = timedelta(hours=36)
CLOSE_LEDE_SHINGLES = 50       # both ledes at least this long, then:
CLOSE_LEDE_MIN = 0.4           # ledes this alike under titles that share something
CLOSE_LEDE_TITLE_MIN = 0.1     # (without it that first crawl joined 121 wrong, not 41),
CLOSE_BOTH_TITLE_MIN = 0.35    # or titles and ledes both moderately alike.
CLOSE_BOTH_LEDE_MIN = 0.15

# Rewrites: two reporters' own sentences about one event share its names and
# terms more than its characters (on the labelled data half the same-story pairs
# have titles and ledes under 0.3 trigram Jaccard). Within CLOSE, with real ledes
# on both sides, each headline's words (`word_containment`), weighted by rarity
# (`_rarity`), must be found in the other item's title or lede: at least
# REWRITE_CONTAINMENT of the weight, on both sides; and titles and ledes must
# still share characters (title plus lede trigram Jaccard REWRITE_LIKENESS, the
# ledes REWRITE_LEDE_MIN). Chosen on two halves of the labelled data (groups and
# negative pairs split by a crc32 of the group id / the pair's URLs), store level:
# these bars give half 0 precision 0.978 / recall 0.481 (0.964 / 0.290 without
# them), half 1 1.000 / 0.500 (from 1.000 / 0.378), all 0.978 / 0.484 (from
# 0.978 / 0.319). Only half 0's negatives ever merge, so only half 0 can place
# the containment bar: chosen on half 0 alone (0.55, likeness 0.4, the
# strictest of equals) half 1 scored 1.000 / 0.467; chosen on half 1 alone
# (0.45, the loosest tried) half 0 scored 0.968 / 0.497. At containment 0.5,
# different events a day apart merge ("Jailed former Thai PM Thaksin released
# on parole" / "Convicted former PM Thaksin to be released on Sunday";
# "Srettha Thavisin elected" / "Srettha gets royal endorsement"): precision
# 0.957. The lede bar is for text that shares a headline's phrase and nothing
# else: in benchmarks/stories.py (b)'s first crawl (recombined real words, all
# within a day) the rewrite bars without it joined 152 items to another event's
# story (35 before them); with 0.12, 38 (0.1: 41) at no labelled cost.
REWRITE_CONTAINMENT = 0.55
REWRITE_LIKENESS = 0.35
REWRITE_LEDE_MIN = 0.12
# A word's rarity, 0 (common) to 1 (unseen): from its count in the Thai National
# Corpus (PyThaiNLP's bundled word list, read offline). Latin words are not in
# it and count as rare from three letters. A table of this monitor's own stock
# words (the act's long name, "digital") was tried on top: no labelled pair and
# one crawl join changed, so it is not kept.
TNC_FLOOR = 50      # added to every corpus count: an unseen word is not infinitely rare
TNC_KEPT = 10       # words seen fewer times count as unseen (see _thai_frequencies)
# Of the spaced title, segmented when a rewrite is weighed: a real headline is
# shorter, and a hostile one must not cost the storing process more than a few ms.
SPACED_CHARS = 300

# The index: each text's SKETCH smallest shingle hashes (a bottom-k sketch), per
# title and per lede. Of the SKETCH smallest hashes of two texts' union, a share
# J (their Jaccard) lies in both, so texts at the decision bars (J >= 0.5) share
# about 12 keys and almost always MIN_SHARED uncommon ones, while texts that merely
# share common words rarely do. Cheap: one sort per text, no hash family. 24 keys,
# not 12: in titles that differ only in a place name ("... อบจ.เชียงใหม่ ..."),
# most of 12 keys fall on the shared phrase, turn common and are skipped, and too
# few are left to find a copy (tests/test_story_index.py).
SKETCH = 24
MIN_SHARED = 3          # uncommon keys (see COMMON_KEY)
# ... and at least one in SHARED_PART of the new item's uncommon keys. A copy of
# a long text shares many keys; a text sharing three of its 48 shares a phrase.
# Of the candidates verified in benchmarks/stories.py and the labelled store
# evaluation (before the rewrite bars), those sharing under one in seven of the
# item's keys never passed `same_story`: 0 of 17,532 in the first crawl (b), 0
# of 68 at 100,000 stored, 0 of 89 labelled. The rewrite bars merge texts that
# share words more than characters, and some share few of their 7-character
# shingles: a headline that adds its own words ("All 12 Boys & Coach Saved As
# The Tham Luang Cave Rescue Comes To An End" / "All 12 boys and coach rescued
# from Thai cave") shares three or four. With four keys and one in ten (at most
# five of 48), store-level recall was 0.513; with three and one in sixteen (three
# of 48), 0.542 at the same precision (0.979 / 0.980), nine labelled pairs more.
# The price is verification: (b) verified 38,161 candidates, not 27,009 (story
# dedupe 3.8 to 4.1 s -> 4.3 s), with the same 41 wrong joins and 544 of 547
# rewrites joined; at 100,000 stored, 1.8 candidates an item, not 0.6 (0.66 ->
# 0.80 s; 99 of 100 rewrites joined, not 97). Without a floor at all, no further
# labelled pair merges.
SHARED_PART = 16
# The sketch is taken over longer shingles than the comparison: 3 characters are
# often a whole common Thai word (การ, ของ, ที่), which would make every text a
# candidate of every other. Longer shingles span word ends, and a shingle across
# two words is far rarer than one inside a word, so fewer of a text's keys turn
# common (COMMON_KEY) as the window grows, while copies keep them. With 5
# characters, at 1,000,000 stored stories (benchmarks/stories.py) a rewrite and
# its story shared 3.5 uncommon keys on average and only 45 of 100 shared
# MIN_SHARED; with 7, 8.2 and 93 of 100 (97 at 100,000). 8 characters kept more
# at scale (98) but lost a labelled pair at store level (recall 0.311, not 0.319).
SKETCH_SHINGLE = 7
# A key already indexed for this many items is common (a stock phrase of every
# press release, the act's long name): lookups skip it and count only the rarer
# keys two texts share. Without this, a few keys that nearly every relevant item
# holds made each new item a candidate of a fixed share of the window, so the
# work per item grew with the store (benchmarks/stories.py: one key was held by
# 38% of 3,000 stored stories). With it, a lookup reads at most 2 * SKETCH *
# COMMON_KEY index rows, however large the store. Sketches stay a pure function
# of the text, so an item indexed before a key turned common is still found.
COMMON_KEY = 64
# Verified per new item at most, those sharing the most keys first. With 8, the
# first crawl of benchmarks/stories.py (b) verified 38,161 candidates and joined
# 46 items to another event's story; with 4, 19,722 and 40, the same 544 of 547
# rewrites joined, the same labelled figures, story dedupe in (c) 2.8 to 3.0 s
# against 3.3 to 3.5 s (alternated, three runs each), and at 100,000 stored 99 of
# 100 rewrites joined. With 2, store-level recall on the labelled coverage fell
# from 0.615 to 0.575: a bridging item (see `matching_stories`) needs room for
# both stories.
CANDIDATES = 4

# Everything but letters, digits and the Thai block (whose vowel and tone marks are
# not \w to Python's re, yet tell words apart).
_NOT_WORD = re.compile(r"[^\w\u0e00-\u0e7f]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SEPARATORS = r"(?:\s[-–—|:]{1,2}\s|\s?[|｜]\s?)"
# A short tail after a separator is an outlet's name (" - Thai PBS", "| มติชนออนไลน์").
_OUTLET_SUFFIX = re.compile(rf"{_SEPARATORS}(?P<tail>[^-–—|｜]{{1,40}})$")
# An exclamation or colon-ended tag up front ("ด่วน!", "ผลวินิจฉัย!", "BREAKING:").
_TAG_PREFIX = re.compile(r"^\s*(?:ด่วน|ข่าวด่วน|ด่วนที่สุด|breaking(?: news)?|update|live|"
                         r"คลิป|ชมคลิป|ผลวินิจฉัย|จับตา|สรุป|ล่าสุด)\s*[!:：]*\s+|"
                         r"^\s*[^\s!:：]{1,14}[!:：]+\s*", re.IGNORECASE)
# Short bracketed tags only ("[คลิป]", "[LIVE]", "【ภาพ】"): a longer bracket is the
# headline's own subject, as in the Royal Gazette's "... ขึ้นทะเบียนโบราณสถาน
# [โบราณสถานวัดสุคนธาราม]", where it is all that tells two documents apart.
_BRACKETED = re.compile(r"\[[^\]]{0,12}\]|【[^】]{0,12}】|\((?:คลิป|ชมคลิป|มีคลิป|video|photos?|"
                        r"ภาพ|ชมภาพ|live)\)", re.IGNORECASE)
# A dateline before the lede: "BANGKOK: ", "BANGKOK (AP) — ", "July 1 (UPI) -- ",
# "23 มกราคม 2569 - ", "ข่าวเย็นประเด็นร้อน - ".
_DATELINE = re.compile(r"^[^.!?\n]{1,40}?(?:\s[-–—]{1,2}\s|:\s)")
_TRAILING_DATE = re.compile(r"\s\d{1,2}/\d{1,2}/\d{2,4}$")
_NUMBER = re.compile(r"\d+")


def item_identity(link: str, identity: str | None = None) -> str:
    """Explicit identity first (aggregators), else the canonical URL."""
    return identity or canonical_url(link)


def clean_title(title: str) -> str:
    """The headline without the outlet's prefix, suffix and bracketed tags."""
    text = _BRACKETED.sub(" ", title).strip()
    text = _TRAILING_DATE.sub("", text)
    for _ in range(2):      # "ด่วน!! จับตา! ..."
        stripped = _TAG_PREFIX.sub("", text, count=1)
        if len(stripped) < len(text) / 2:
            break           # the "tag" was most of the headline
        text = stripped
    match = _OUTLET_SUFFIX.search(text)
    # ... unless what precedes is too short to be the headline on its own, or the
    # tail has no letter: "แผน ... พ.ศ. 2566 - 2570" ends in its own years.
    if (match and len(match.group("tail").split()) <= 5 and match.start() >= 12
            and any(char.isalpha() for char in match.group("tail"))):
        text = text[:match.start()]
    return text.strip()


def clean_lede(lede: str) -> str:
    """The first paragraph without a dateline or bracketed tags."""
    text = _BRACKETED.sub(" ", lede).strip()
    match = _DATELINE.match(text)
    if match and len(text) - match.end() >= 40:
        text = text[match.end():]
    return text


@dataclass(frozen=True)
class StoryKey:
    """Title and lede as compared: folded letters and digits, no spaces."""

    title: str
    lede: str
    # The title folded alike but with its spaces and punctuation kept: English
    # words are lost once spaces go, and the rewrite bars weigh the headline's
    # words. Not part of the key's identity.
    spaced: str = field(default="", compare=False)

    def dumps(self) -> str:
        """One string for the items.story_key column (a unit separator between the parts)."""
        return f"{self.title}\x1f{self.lede}\x1f{self.spaced}"

    @classmethod
    def loads(cls, stored: str) -> StoryKey:
        # Keys stored before the spaced part existed have two parts: no word bars for them.
        title, _, rest = stored.partition("\x1f")
        lede, _, spaced = rest.partition("\x1f")
        return cls(title, lede, spaced)


# Story keys and sketches a page-reading worker process (monitor.readpool) already
# computed, so that the process storing the items does not fold and hash them again:
# in a large first crawl that process is the bottleneck, and keying and sketching
# were about a third of its story dedupe.
Primed = dict[tuple[str, str, str], tuple["StoryKey", list[int]]]


class StoryKeyer:
    """A text's story key (see the module's steps 1 to 4), for one set of synonyms."""

    def __init__(self, synonyms: Sequence[Sequence[str]]) -> None:
        self._eq = Equivalences([*BUILTIN_SYNONYMS, *synonyms])
        self._primed: dict[tuple[str, str, str], StoryKey] = {}

    def keyed(self, title: str, summary: str = "", text: str = "") -> tuple[StoryKey, list[int]]:
        """The key and its sketch, as a worker computes them for `primed`."""
        key = self(title, summary, text)
        return key, sketch(key)

    @contextlib.contextmanager
    def primed(self, known: Primed) -> Iterator[None]:
        """While inside, keys and sketches of these texts come from `known`.

        Scoped to one save, like `monitor.text.words.primed` (see there why).
        """
        for texts, (key, keys) in known.items():
            self._primed[texts] = key
            _SKETCHES[key] = keys
        try:
            yield
        finally:
            self._primed.clear()
            _SKETCHES.clear()

    def _reduce(self, text: str) -> str:
        """The text normalised and folded, its spaces and punctuation still in."""
        folded = self._eq.fold(normalise_text(text))
        # Stray combining accents go; Thai vowel and tone marks (outside these blocks)
        # carry meaning and stay.
        return _COMBINING.sub("", folded)

    def __call__(self, title: str, summary: str = "", text: str = "") -> StoryKey:
        primed = self._primed.get((title, summary, text))
        if primed is not None:
            return primed
        lede = summary if summary.strip() else text[:LEDE_CHARS * 3]
        title_folded = self._reduce(clean_title(title))
        title_key = _letters(title_folded)
        lede_key = _letters(self._reduce(clean_lede(lede)))[:LEDE_CHARS]
        # Aggregators (Google News) repeat the headline as the summary: that is no lede.
        # (Google News: "headline  outlet"); nor is a lede the headline's start.
        if lede_key and (title_key.startswith(lede_key) or (
                lede_key.startswith(title_key) and len(lede_key) - len(title_key) <= 40)):
            lede_key = ""
        return StoryKey(title_key, lede_key, _spaced(title_folded)[:SPACED_CHARS])


@lru_cache(maxsize=8)
def story_keyer(synonyms: tuple[tuple[str, ...], ...] = ()) -> StoryKeyer:
    """The key function for a config's synonyms (cached: building it compiles the groups)."""
    return StoryKeyer(synonyms)


def _pieces(key: str, size: int = SHINGLE) -> frozenset[int]:
    """The shingles compared, as Python's own hashes of the substrings: stable within
    a process, which is all they need, as they live in memory only. Ints, unlike the
    strings, pack into an array for keeping (`StorySignature.compact`)."""
    if len(key) < size:
        return frozenset({hash(key)}) if key else frozenset()
    return frozenset(map(hash, [key[i:i + size] for i in range(len(key) - size + 1)]))


def _shingles(key: str, size: int = SHINGLE) -> frozenset[int]:
    """The shingles indexed: crc32, stable across runs and machines, as the index needs."""
    if len(key) < size:
        return frozenset({zlib.crc32(key.encode())}) if key else frozenset()
    data = key.encode("utf-32-le")      # fixed width: a shingle is a byte slice
    width = 4 * size
    return frozenset(zlib.crc32(data[i:i + width]) for i in range(0, len(data) - width + 4, 4))


# A signature's shingles: a set to compare against, or the same values in a flat
# array to keep (a set of them costs ten times the memory).
Shingles: TypeAlias = "frozenset[int] | array[int]"


@dataclass(frozen=True)
class StorySignature:
    """A story key's shingles, ready to compare and to index, and its headline's numbers."""

    title: Shingles
    lede: Shingles
    key: StoryKey = field(default=StoryKey("", ""), compare=False, repr=False)
    numbers: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @classmethod
    def of(cls, key: StoryKey) -> StorySignature:
        # Digit runs of the folded title (Thai digits are Arabic by then; a range
        # such as 2563-2565 reads as one run, which still differs from 2566-2570).
        return cls(_pieces(key.title), _pieces(key.lede), key,
                   frozenset(_NUMBER.findall(key.title)))

    def compact(self) -> StorySignature:
        """The same signature for keeping in memory: the store keeps thousands of
        stored stories' signatures, and as sets each takes about 24 KB (as sets of
        the substrings themselves, up to 37 KB), as arrays 2.5 KB. Compared against
        a new item's sets, as fast within a few microseconds."""
        return replace(self, title=_packed(self.title), lede=_packed(self.lede))


def _packed(shingles: Shingles) -> array[int]:
    packed: array[int] = array("q")
    packed.fromlist(list(shingles))   # twice as fast as array("q", shingles)
    return packed


def _jaccard(a: Shingles, b: Shingles) -> float:
    if len(a) < MIN_SHINGLES or len(b) < MIN_SHINGLES:
        return 0.0
    # The values of each side are distinct (an array is a compacted set): the set
    # side counts what the other side holds.
    if isinstance(a, frozenset):
        common = len(a.intersection(b))
    elif isinstance(b, frozenset):
        common = len(b.intersection(a))
    else:
        common = len(frozenset(a).intersection(b))
    return common / (len(a) + len(b) - common)


def similarity(a: StorySignature, b: StorySignature) -> tuple[float, float]:
    """(title Jaccard, lede Jaccard); 0 where either side has too little text."""
    return _jaccard(a.title, b.title), _jaccard(a.lede, b.lede)


def numbers_differ(a: StorySignature, b: StorySignature) -> bool:
    """Both headlines carry numbers and share none: "rank 73" against "rank 57",
    "4 days off" against "6 days off", the 2563-2565 plan against 2566-2570.
    Outlets reporting one event keep its figures; its look-alikes change them."""
    return bool(a.numbers) and bool(b.numbers) and a.numbers.isdisjoint(b.numbers)


def numbers_changed(a: StorySignature, b: StorySignature) -> bool:
    """Each headline carries a number the other lacks: "ครั้งที่ 13" against
    "ครั้งที่ 14" under one shared "พ.ศ. 2569". A number one outlet adds ("its
    32nd prime minister") is one-sided and does not count."""
    return bool(a.numbers - b.numbers) and bool(b.numbers - a.numbers)


def slot_filled_differently(a: StorySignature, b: StorySignature) -> bool:
    """The two headlines are one template with a different name in it.

    Government bodies publish the same announcement under one wording with
    their own name, place or subject in it: "ข้อบัญญัติองค์การบริหารส่วนตำบล
    สีสุก เรื่อง ..." and "... ตำบลหนองหลัก เรื่อง ...", "ประกาศนายทะเบียน
    มูลนิธิจังหวัดชลบุรี ..." and "... จังหวัดลพบุรี ...". Their titles are
    nearly identical, yet each is its own event. Rewrites of one headline add
    or drop words on one side, or change single characters (a typo, a
    spelling); a run of at least SLOT characters replaced on BOTH sides, or
    numbers changed on both sides, is a template filled in twice.
    """
    if numbers_changed(a, b):
        return True
    # Compared up to SLOT_CHARS: the alignment's cost grows with the product of
    # the lengths on repetitive text ("กกกก..."), and a hostile title must not
    # cost the storing process more than a few milliseconds.
    matcher = SequenceMatcher(None, a.key.title[:SLOT_CHARS], b.key.title[:SLOT_CHARS],
                              autojunk=False)
    # The matcher aligns letters two names happen to share ("ฆะมัง" / "วังน้ำขาว"
    # share "ัง"): differences separated by fewer than SLOT_GAP equal characters
    # are one replaced run.
    only_a = only_b = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" and i2 - i1 >= SLOT_GAP:
            only_a = only_b = 0
        elif op != "equal":
            only_a += i2 - i1
            only_b += j2 - j1
            if min(only_a, only_b) >= SLOT:
                return True
    return False


def same_story(a: StorySignature, b: StorySignature, apart: timedelta | None = None) -> bool:
    """One event: near-identical titles, or near-identical ledes, or both fairly alike.

    Headlines about one act share its long name, so a title alone must be
    very close; a lede (a sentence of the press release) is specific enough
    on its own at a lower bar; where both are moderately alike, two outlets
    rewrote one release. `apart` is the time between the two items' dates;
    within CLOSE lower bars apply as well (see CLOSE), unknown counts as far,
    and rewrites may merge on their headlines' rare words (see
    REWRITE_CONTAINMENT); the lower bars are not for headlines whose numbers
    differ (on the labelled data the veto removed false merges only there).
    """
    title, lede = similarity(a, b)
    long_lede = min(len(a.lede), len(b.lede)) >= LONG_LEDE
    if ((lede >= LEDE_MIN and (title >= LEDE_TITLE_MIN or long_lede))
            or (title >= BOTH_TITLE_MIN and lede >= BOTH_LEDE_MIN)):
        return True
    if (apart is not None and abs(apart) <= CLOSE and not numbers_differ(a, b)
            and min(len(a.lede), len(b.lede)) >= CLOSE_LEDE_SHINGLES
            and ((lede >= CLOSE_LEDE_MIN and title >= CLOSE_LEDE_TITLE_MIN)
                 or (title >= CLOSE_BOTH_TITLE_MIN and lede >= CLOSE_BOTH_LEDE_MIN)
                 or (title + lede >= REWRITE_LIKENESS and lede >= REWRITE_LEDE_MIN
                     and word_containment(a, b) >= REWRITE_CONTAINMENT))):
        return True
    # The titles alone: near-identical, and not one template filled in twice.
    return title >= TITLE_MIN and not slot_filled_differently(a, b)


def _letters(folded: str) -> str:
    """Letters and digits only: what the story key compares and a headline's words weigh."""
    return _NOT_WORD.sub("", folded).replace("_", "")


def _spaced(folded: str) -> str:
    # The separator of dumps() never occurs inside a part.
    return " ".join(folded.replace("\x1f", " ").split())


@lru_cache(maxsize=8192)
def _words(spaced: str) -> frozenset[str]:
    """The segmenter's words of a spaced text, letters and digits only."""
    # Imported here: the segmenter is loaded only when a rewrite is weighed.
    from monitor.text.words import words
    return frozenset(token for token in map(_letters, words(spaced)) if token)


@cache
def _thai_frequencies() -> tuple[dict[str, int], int]:
    """The corpus's counts of the words seen at least TNC_KEPT times, and the total.

    A word seen fewer times is as rare as an unseen one to within 1.2%; the
    corpus's 106,000 words cost the storing process 34 MB as PyThaiNLP's list,
    the 30,000 kept 3 MB, read line by line."""
    counts: dict[str, int] = {}
    total = 0
    for line in _corpus_lines():
        word, _, count = line.rstrip("\n").partition("\t")
        if count.isdigit():
            total += int(count)
            if int(count) >= TNC_KEPT:
                counts[word] = int(count)
    return counts, total


def _corpus_lines() -> Iterable[str]:
    from pythainlp.corpus import corpus_path, tnc
    path = Path(corpus_path()) / getattr(tnc, "_UNIGRAM_FILENAME", "tnc_freq.txt")
    if path.is_file():
        with path.open(encoding="utf-8") as handle:
            yield from handle
    else:   # another PyThaiNLP layout: its public list, at the memory cost above
        yield from (f"{word}\t{count}" for word, count in tnc.word_freqs())


# English function words: the Thai corpus rates Thai ones, nothing rates these. One
# headline's "says" or "after", absent from the other item, weighed as much as a
# name (with them at 0, store-level recall 0.484 -> 0.495, precision unchanged).
_ENGLISH_STOCK = frozenset((
    "the", "and", "for", "with", "from", "that", "this", "are", "was", "were", "has", "have",
    "had", "its", "will", "after", "over", "into", "new", "says", "said", "than", "but",
    "not", "all", "his", "her", "their", "who", "what", "when", "more", "about", "amid"))


@lru_cache(maxsize=65536)
def _rarity(word: str) -> float:
    """0 for a stock word, 1 for one never seen; digits and single letters say nothing
    (numbers have their own veto, `numbers_differ`)."""
    if len(word) < 2 or word.isdigit():
        return 0.0
    if not any(map(is_thai, word)):
        # "of", "to", "pm": too short to name anything; "the", "after": in every text.
        return 1.0 if len(word) >= 3 and word not in _ENGLISH_STOCK else 0.0
    counts, total = _thai_frequencies()
    return math.log(total / (counts.get(word, 0) + TNC_FLOOR)) / math.log(total / TNC_FLOOR)


def _contained(words: frozenset[str], key: StoryKey) -> float:
    # A word is found anywhere in the other item's folded title and lede: only
    # the headlines are segmented (a lede took four times as long, a third more
    # time in story dedupe), and a short word found inside a longer one is a
    # common word that weighs little.
    weight = sum(_rarity(word) for word in words)
    return (sum(_rarity(word) for word in words if word in key.title or word in key.lede)
            / weight if weight else 0.0)


def word_containment(a: StorySignature, b: StorySignature) -> float:
    """How much of each headline's weight of words the other item's headline and
    lede hold (the lower of the two): a rewrite names the same people, bodies and
    acts in its own sentence; a different event with the same cast adds its own."""
    if not a.key.spaced or not b.key.spaced:
        return 0.0
    return min(_contained(_words(a.key.spaced), b.key),
               _contained(_words(b.key.spaced), a.key))


def band_keys(signature: StorySignature) -> list[int]:
    """Index keys for the candidate search: see `sketch`."""
    return sketch(signature.key)


_SKETCHES: dict[StoryKey, list[int]] = {}   # primed by a worker (see StoryKeyer.primed)


def sketch(key: StoryKey) -> list[int]:
    """Index keys for the candidate search: the bottom-k sketch of title and of lede.

    Title and lede keys are kept apart (a different salt each), since
    `same_story` accepts a near-identical lede on its own terms. Taken from the
    key, not its signature: a new item needs its comparison shingles only when
    the index offers it a candidate.
    """
    primed = _SKETCHES.get(key)
    if primed is not None:
        return primed
    keys: list[int] = []
    for salt, text in ((1, key.title), (2, key.lede)):
        shingles = _shingles(text, SKETCH_SHINGLE)
        if len(shingles) < MIN_SHINGLES:
            continue
        # Signed 63-bit: SQLite's INTEGER, and distinct per salt.
        base = (salt << 32) - (1 << 62)
        keys.extend(base + h for h in sorted(shingles)[:SKETCH])
    return keys


def matching_stories(signature: StorySignature, origin: str, published: datetime,
                     candidates: Iterable[tuple[int, StorySignature, str, datetime]]
                     ) -> list[int]:
    """The candidate stories (id, signature, origin, published) of ANOTHER origin that
    are this story, earliest first, each once.

    One outlet republishing its own headline is a new item, not another outlet
    reporting it; URL dedupe already handles true repeats within a source.
    An item may match more than one story: two outlets' rewrites of one event
    that were too unlike each other to merge, bridged by a third outlet's
    wording (the store then makes them one).
    """
    found: list[int] = []
    for story, other, other_origin, other_published in sorted(candidates, key=lambda c: c[0]):
        if (story not in found and other_origin != origin
                and same_story(signature, other, published - other_published)):
            found.append(story)
    return found
