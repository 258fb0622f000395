"""Story dedupe on real coverage: which pairs of real headlines and ledes are one story.

`tests/data/stories_real.tsv` holds groups of real items, each group one event
reported by several outlets (mostly general news), and
`tests/data/stories_domain_real.tsv` groups on the monitor's own subject
(digital government and its services); `tests/data/story_negatives_real.tsv`
holds pairs of real items that look alike but are different events (often days
or years apart), and `tests/data/story_sameday_real.tsv` and
`tests/data/story_sameday_domain_real.tsv` pairs of different events that two
outlets published on the same or the next day (what the time rule must not
merge). Every pair within a group is a positive; the negative pairs and every
pair across groups are negatives. Recall is reported for each file of groups.
Pairs of a Thai and an English item are counted apart: comparing characters
cannot see that a Thai headline and an English one tell one story.

Two evaluations:

- isolated pairs (`evaluate`): `same_story` on each pair, dates unknown, so at
  the strict bars;
- the store (`store_evaluate`), as a reader sees it: every labelled item goes,
  in date order, through a real `Store` (a SQLite file, the save path, the
  candidate index, the story window, the "another outlet" rule), each row's
  outlet as its outlet; two items are merged when they ended in one story.
  An undated row is taken as first seen with its group's first dated row (a
  group with no date at all gets a date of its own, far from the others). Each
  negative pair is fed on its own (30 days from the next), at its pages' dates;
  an unknown date is taken as the other item's date (the hardest case), and
  each item's outlet is its host.

The merger is held to pairwise precision: merging two different events hides
one of them from every reader, while a missed merge only shows a story twice.
The thresholds in `monitor.dedupe` are the best store-level recall found at
precision 0.97 or more. Print the figures and every miss:
`python -m tests.test_stories`.
"""

from __future__ import annotations

import csv
import itertools
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from monitor import store as store_module
from monitor.dedupe import StorySignature, same_story, similarity, story_keyer
from monitor.models import Item
from monitor.store import STORY_WINDOW, Store

DATA = Path(__file__).resolve().parent / "data"
MIN_PRECISION = 0.97
# The issue asks for recall 0.90. Within one language the character measure
# reaches 0.141 on isolated pairs (dates unknown: the strict bars; 0.150 on the
# general news groups alone) and, on the general news groups, 0.615 in the
# store, where items a day apart meet the lower bars and the rewrite bars
# (headlines' rare words held by the other item: dedupe.REWRITE_CONTAINMENT;
# 0.319 without them), and an item like two stories makes them one
# (Store._merge_stories; 0.542 without, 0.513 while the index also asked for 4
# shared keys: dedupe.MIN_SHARED). The rest are real rewrites ("elected" /
# "becomes", a different first sentence) whose likeness is no higher than that
# of the hard negatives (README, "One story, one entry"), in characters and in
# meaning: sentence embeddings added to the store's merges reach recall 0.89
# only at precision 0.835 (benchmarks/story_meaning.py).
MIN_RECALL = 0.14
MIN_STORE_RECALL = 0.61
# On the monitor's own subject the store merges fewer of the pairs (0.457, 7
# December 2026): outlets rewrite a scheme's news as freely ("สคส.สั่งปรับครั้งแรก
# จ่าย 7,000,000 บาท" / "ลงดาบ PDPA ครั้งแรก! สคส.สั่งปรับ 7 ล้าน"), and a
# government scheme makes different news on each day of its weeks.
MIN_DOMAIN_STORE_RECALL = 0.45
MIN_GROUPS = 60
MIN_NEGATIVE_PAIRS = 60
GROUPS = {"news": DATA / "stories_real.tsv", "domain": DATA / "stories_domain_real.tsv"}
NEGATIVES = DATA / "story_negatives_real.tsv"
SAME_DAY = (DATA / "story_sameday_real.tsv", DATA / "story_sameday_domain_real.tsv")
# Each negative pair meets only its partner: pairs are this far apart in time.
PAIR_SPACING = timedelta(days=30)
UNDATED_GROUPS_FROM = date(1990, 1, 1)


@dataclass(frozen=True)
class Story:
    group: str
    title: str
    lede: str
    url: str
    outlet: str = ""
    date: str = ""
    part: str = ""      # which file of GROUPS the item is from


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _negative_pairs(path: Path) -> list[tuple[Story, Story]]:
    return [(Story("-a", r["title_a"], r["lede_a"], r["url_a"],
                   urlsplit(r["url_a"]).hostname or "", r["date_a"]),
             Story("-b", r["title_b"], r["lede_b"], r["url_b"],
                   urlsplit(r["url_b"]).hostname or "", r["date_b"]))
            for r in _rows(path)]


def load() -> tuple[list[Story], list[tuple[Story, Story]]]:
    """The same-story items, and the negative pairs: look-alikes days or years apart,
    and different events published on the same or the next day."""
    stories = [Story(r["group"], r["title"], r["lede"], r["url"], r["outlet"], r["date"], part)
               for part, path in GROUPS.items() for r in _rows(path)]
    return stories, [pair for path in (NEGATIVES, *SAME_DAY) for pair in _negative_pairs(path)]


def _thai(story: Story) -> bool:
    return re.search("[ก-๙]", story.title) is not None


def pairs() -> Iterator[tuple[bool, bool, Story, Story]]:
    """(same story?, same language?, a, b) for every labelled pair."""
    stories, negatives = load()
    for a, b in itertools.combinations(stories, 2):
        yield a.group == b.group, _thai(a) == _thai(b), a, b
    for a, b in negatives:
        yield False, _thai(a) == _thai(b), a, b


def evaluate() -> Figures:
    """Figures over isolated pairs: `same_story` on each, dates unknown."""
    key = story_keyer(())
    signatures: dict[str, StorySignature] = {}

    def signature(story: Story) -> StorySignature:
        found = signatures.get(story.url + story.title)
        if found is None:
            found = signatures[story.url + story.title] = StorySignature.of(
                key(story.title, story.lede))
        return found

    tally = _Tally()
    for same, one_language, a, b in pairs():
        tally.add(same, one_language, same_story(signature(a), signature(b)), a, b)
    return tally.figures()


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float           # within a language
    cross: float            # recall across languages
    misses: list[str]

    def __str__(self) -> str:
        return (f"precision {self.precision:.3f}, recall within a language {self.recall:.3f}, "
                f"across languages {self.cross:.3f}")


class _Tally:
    """Pairwise counts, and each miss in words; pairs across languages are counted apart."""

    def __init__(self) -> None:
        self.tp = self.fn = self.fp = self.cross_tp = self.cross = 0
        self.misses: list[str] = []

    def add(self, same: bool, one_language: bool, merged: bool, a: Story, b: Story,
            wrong: str = "different events") -> None:
        if same and not one_language:
            self.cross += 1
            self.cross_tp += merged
        elif same:
            self.tp += merged
            self.fn += not merged
            if not merged:
                self.misses.append(f"missed, one story: {a.title} || {b.title}")
        elif merged:
            self.fp += 1
            self.misses.append(f"MERGED, {wrong}: {a.title} || {b.title}")

    def figures(self) -> Figures:
        tp, fp, fn = self.tp, self.fp, self.fn
        return Figures(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0,
                       self.cross_tp / self.cross if self.cross else 0.0,
                       sorted(self.misses, key=lambda line: not line.startswith("MERGED")))


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _item(row: str, story: Story, published: datetime) -> Item:
    # The row in the identity: one page may be labelled in two groups or two pairs.
    return Item(source="labelled", url=story.url, link=story.url, title=story.title,
                summary=story.lede, published=published, date_is_first_seen=False,
                identity=f"{row}:{story.url}", outlet=story.outlet, topics=("egov",),
                matched_keywords=("egov",))


def _feed(store: Store, dated: Sequence[tuple[datetime, Story]], row: str = "row") -> list[int]:
    """Save the stories one by one in date order (first seen = published); their story ids."""
    order = sorted(range(len(dated)), key=lambda i: dated[i][0])
    identities: dict[int, str] = {}
    for rank, i in enumerate(order):
        when, story = dated[i]
        item = _item(f"{row}{i}", story, when)
        # Seconds apart: the order of items of one day is the file's order.
        store.save_items([item], when + timedelta(seconds=rank))
        identities[i] = item.identity
    story_of = dict(store.db.execute("SELECT identity, story FROM items").fetchall())
    return [story_of[identities[i]] for i in range(len(dated))]


def _group_dates(stories: Sequence[Story]) -> dict[str, date]:
    first: dict[str, date] = {}
    for story in stories:
        if story.date:
            day = date.fromisoformat(story.date)
            first[story.group] = min(first.get(story.group, day), day)
    undated = sorted({s.group for s in stories} - set(first))
    for n, group in enumerate(undated):
        first[group] = UNDATED_GROUPS_FROM + n * PAIR_SPACING
    return first


@dataclass(frozen=True)
class StoreOutcome:
    """What a real store made of the labelled items: each item's story and when it was
    seen, and for each negative pair the store could meet, how far apart and whether
    it merged them."""

    stories: list[Story]
    seen: list[datetime]
    story_ids: list[int]
    negatives: list[tuple[Story, Story, timedelta, bool]]


def store_outcome(directory: Path) -> StoreOutcome:
    """Every labelled item saved, in date order, through a real Store (see the module)."""
    stories, negatives = load()
    first = _group_dates(stories)
    dated = [(_noon(date.fromisoformat(s.date) if s.date else first[s.group]), s)
             for s in stories]
    with Store(directory / "stories.sqlite3") as store:
        story_ids = _feed(store, dated)
    start = max(first.values()) + 2 * PAIR_SPACING
    met: list[tuple[Story, Story, timedelta, bool]] = []
    with Store(directory / "negatives.sqlite3") as store:
        for n, (a, b) in enumerate(negatives):
            day_a = date.fromisoformat(a.date or b.date) if a.date or b.date else None
            day_b = date.fromisoformat(b.date or a.date) if a.date or b.date else None
            apart = day_b - day_a if day_a and day_b else timedelta(0)
            if abs(apart) > STORY_WINDOW:
                continue        # never in one window: the store cannot merge them
            slot = _noon(start + n * PAIR_SPACING)
            ids = _feed(store, [(slot, a), (slot + apart, b)], row=f"pair{n}-")
            met.append((a, b, apart, ids[0] == ids[1]))
    return StoreOutcome(stories, [when for when, _ in dated], story_ids, met)


def tally_store(outcome: StoreOutcome, part: str | None = None) -> Figures:
    """Pairwise figures over the entries of `outcome`; with `part`, the pairs of that
    file of groups only (its recall; precision over its pairs across groups)."""
    tally = _Tally()
    stories, story_ids = outcome.stories, outcome.story_ids
    for i, j in itertools.combinations(range(len(stories)), 2):
        a, b = stories[i], stories[j]
        if part is None or a.part == b.part == part:
            tally.add(a.group == b.group, _thai(a) == _thai(b), story_ids[i] == story_ids[j],
                      a, b)
    if part is None:
        for a, b, _, merged in outcome.negatives:
            tally.add(False, _thai(a) == _thai(b), merged, a, b, "hard negative")
    return tally.figures()


def store_evaluate(directory: Path) -> Figures:
    """Pairwise figures over the entries a real store makes of the labelled items."""
    return tally_store(store_outcome(directory))


def test_labelled_data_is_large_enough_and_well_formed() -> None:
    stories, negatives = load()
    groups: dict[str, set[str]] = {}
    for story in stories:
        assert story.title.strip() and story.url.startswith("http"), story
        groups.setdefault(story.group, set()).add(story.url)
    assert len(groups) >= MIN_GROUPS
    assert all(len(urls) >= 2 for urls in groups.values())
    assert len(negatives) >= 2 * MIN_NEGATIVE_PAIRS
    for a, b in negatives:
        for day in (a.date, b.date):
            assert not day or date.fromisoformat(day), (a.url, day)
    # The same-day pairs are what the time rule (dedupe.CLOSE) must not merge:
    # dated on both sides, a day apart at most, two outlets.
    same_day = [pair for path in SAME_DAY for pair in _negative_pairs(path)]
    assert len(same_day) >= MIN_NEGATIVE_PAIRS
    for a, b in same_day:
        assert abs(date.fromisoformat(a.date) - date.fromisoformat(b.date)) <= timedelta(days=1)
        assert a.outlet != b.outlet, a.url
    assert len({s.group for s in stories if s.part == "domain"}) >= 30
    # A group of one file only, and no page labelled in both (it would be two items).
    assert not {s.group for s in stories if s.part == "news"} & {
        s.group for s in stories if s.part == "domain"}
    assert not {s.url for s in stories if s.part == "news"} & {
        s.url for s in stories if s.part == "domain"}


GAZETTE = DATA / "ratchakitcha_titles_2026-10.tsv"
# Of every pair of distinct Gazette documents published within a day of each
# other, at most this share may merge: 2 of 171,209 do now (58 did when the
# titles alone decided, and long brackets were stripped as outlet tags).
MAX_TEMPLATE_MERGES = 1 / 10_000


def test_one_template_filled_in_by_different_bodies_stays_apart() -> None:
    """Distinct Royal Gazette documents, as if two outlets carried each: never one story.

    Government bodies publish one wording with their own name in it (each
    sub-district's by-law, each province's foundation registrar, each bond
    auction's number). Thousands of local bodies' sites carry such titles;
    merged, all but one would vanish from the feed.
    """
    key = story_keyer(())
    rows = [(date.fromisoformat(r["date"]), StorySignature.of(key(r["title"])), r["title"])
            for r in csv.DictReader(GAZETTE.open(encoding="utf-8"), delimiter="\t")]
    close = merged = 0
    misses: list[str] = []
    for (day_a, a, title_a), (day_b, b, title_b) in itertools.combinations(rows, 2):
        if abs(day_b - day_a) <= timedelta(days=1):
            close += 1
            if same_story(a, b, day_b - day_a):
                merged += 1
                misses.append(f"MERGED: {title_a} || {title_b}")
    assert close > 100_000      # the test sees the many same-day documents it is about
    assert merged <= close * MAX_TEMPLATE_MERGES, "\n".join(misses)


def test_every_real_pair_over_one_first_paragraph_merges() -> None:
    """Outlets that print one press release under their own headlines ("backs" /
    "approves", their prefix and suffix) are one story: every labelled pair of
    one language whose ledes are at least half alike merges, at its dates."""
    copied = kinds()[COPIED]
    assert copied.total >= 20
    assert not copied.missed, "\n".join(copied.missed)


def test_merger_precision_and_recall_on_real_coverage() -> None:
    figures = evaluate()
    report = (f"isolated pairs: {figures} (min precision {MIN_PRECISION}, min recall "
              f"{MIN_RECALL})\n" + "\n".join(figures.misses))
    print(report)
    assert figures.precision >= MIN_PRECISION and figures.recall >= MIN_RECALL, report


def test_store_level_precision_and_recall_on_real_coverage(tmp_path: Path) -> None:
    outcome = store_outcome(tmp_path)
    figures, news, domain = (tally_store(outcome, part) for part in (None, "news", "domain"))
    report = (f"store: {figures}; general news: recall {news.recall:.3f} (min "
              f"{MIN_STORE_RECALL}); digital government: recall {domain.recall:.3f} (min "
              f"{MIN_DOMAIN_STORE_RECALL})\n" + "\n".join(figures.misses))
    print(report)
    assert figures.precision >= MIN_PRECISION, report
    assert news.recall >= MIN_STORE_RECALL and domain.recall >= MIN_DOMAIN_STORE_RECALL, report


def test_the_shared_key_floor_loses_no_labelled_merge(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Candidates sharing under one in SHARED_PART of an item's keys are not verified:
    on the labelled data that must cost no merge and add no wrong one, only spare
    work (at one in eight with 4 keys, the rewrite bars lost 3 pairs: dedupe.SHARED_PART).
    Which item of a group an item joins first may change, not how many pairs."""
    with_floor = store_evaluate(tmp_path / "floor")
    monkeypatch.setattr(store_module, "SHARED_PART", 10**9)   # MIN_SHARED alone
    without = store_evaluate(tmp_path / "none")
    changed = set(without.misses) ^ set(with_floor.misses)
    assert (with_floor.precision, with_floor.recall) == (without.precision, without.recall), \
        changed
    wrong = {line for line in with_floor.misses if line.startswith("MERGED")}
    assert wrong <= set(without.misses), changed


def _labelled(title: str) -> StorySignature:
    stories, negatives = load()
    found = next(s for s in [*stories, *(x for pair in negatives for x in pair)]
                 if s.title == title)
    return StorySignature.of(story_keyer(())(found.title, found.lede))


def test_a_rewrite_within_a_day_merges_on_its_rare_words() -> None:
    """Two outlets' own sentences about one event (title and lede each under 0.4
    trigram Jaccard) merge within CLOSE on the words they share; a different
    event of the same cast and day, or the same rewrite days apart, does not."""
    quit_call = _labelled("Thai PM Faces Calls To Quit After Leaked Phone Call")
    quit_row = _labelled("Thai PM faces growing calls to quit in Cambodia phone row")
    assert max(similarity(quit_call, quit_row)) < 0.4
    assert same_story(quit_call, quit_row, timedelta(hours=6))
    assert not same_story(quit_call, quit_row, timedelta(days=3))
    released = _labelled("Jailed former Thai PM Thaksin released on parole")
    to_be_released = _labelled("Convicted former PM Thaksin to be released on Sunday, "
                               "Srettha says")
    assert not same_story(released, to_be_released, timedelta(days=1))


COPIED = "ledes 0.5 alike or more"


@dataclass
class Kind:
    total: int = 0
    missed: list[str] = field(default_factory=list)


def kinds() -> dict[str, Kind]:
    """Same-language same-story pairs by how alike they are, and the ones not merged
    at their dates (an undated row at its group's first date)."""
    stories, _ = load()
    key = story_keyer(())
    first = _group_dates(stories)
    found: dict[str, Kind] = {}
    for a, b in itertools.combinations(stories, 2):
        if a.group != b.group or _thai(a) != _thai(b):
            continue
        sig_a, sig_b = (StorySignature.of(key(s.title, s.lede)) for s in (a, b))
        title, lede = similarity(sig_a, sig_b)
        name = (COPIED if lede >= 0.5 else
                "titles 0.5 alike or more" if title >= 0.5 else
                "title or lede 0.3 alike or more" if max(title, lede) >= 0.3 else
                "both under 0.3 (rewritten)")
        kind = found.setdefault(name, Kind())
        kind.total += 1
        day_a, day_b = (date.fromisoformat(s.date) if s.date else first[s.group]
                        for s in (a, b))
        if not same_story(sig_a, sig_b, day_b - day_a):
            kind.missed.append(f"{a.title} || {b.title}")
    return found


if __name__ == "__main__":
    for name, kind in kinds().items():
        print(f"{name}: {kind.total - len(kind.missed)} of {kind.total} pairs merge")
    isolated = evaluate()
    print(f"isolated pairs: {isolated}")
    print("\n".join(isolated.misses))
    with tempfile.TemporaryDirectory() as tmp:
        outcome = store_outcome(Path(tmp))
    figures = tally_store(outcome)
    print(f"store: {figures}")
    for part in GROUPS:
        print(f"  {part} groups: {tally_store(outcome, part)}")
    print("\n".join(figures.misses))
    sys.exit(0)
