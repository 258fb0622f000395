"""Deterministic Thai and English text recombined from the words of real headlines.

Used where a benchmark needs many distinct relevant items that are as alike,
and as unalike, as real ones: the story benchmarks (benchmarks/stories.py) and
the synthetic web's relevant items when it models story dedupe
(benchmarks/synthweb.py --stories). The words come from the Gazette titles
and the relevance set in tests/data/, so they have real vocabulary.
"""

from __future__ import annotations

import csv
import random
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = ("ด่วน! ", "[คลิป] ", "BREAKING: ", "")
SUFFIXES = (" - Thai PBS", " | มติชนออนไลน์", " - Bangkok Post", "")


@cache
def words() -> list[str]:
    """Every whitespace-separated word of the real headlines, repeats kept (real frequencies)."""
    found: list[str] = []
    for name, column in (("ratchakitcha_titles_2026-10.tsv", "title"), ("relevance.tsv", "text")):
        with (ROOT / "tests" / "data" / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                found.extend(row[column].split())
    return found


@cache
def vocabulary() -> list[str]:
    # Distinct words, drawn uniformly: drawn by their frequency, random texts were
    # 2.4 times as alike (title Jaccard 0.078 on average) as real headlines of
    # different events in tests/data/stories_real.tsv (0.033), which made every
    # text a candidate of every other and the benchmark measure nothing real.
    return sorted(set(words()))


class Texts:
    """Deterministic titles and ledes from recombined real words."""

    def __init__(self, seed: int | str) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = vocabulary()

    def phrase(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(self.vocabulary, k=self.rng.randint(low, high)))

    def story(self) -> tuple[str, str]:
        return self.phrase(5, 10), self.phrase(18, 30)

    def rewrite(self, title: str, lede: str) -> tuple[str, str]:
        """Another outlet's copy: a word or two changed, its own prefix and suffix, lede cut."""
        parts = title.split()
        for _ in range(self.rng.randint(1, 2)):
            parts[self.rng.randrange(len(parts))] = self.rng.choice(self.vocabulary)
        title = self.rng.choice(PREFIXES) + " ".join(parts) + self.rng.choice(SUFFIXES)
        lede_words = lede.split()
        return title, " ".join(lede_words[:self.rng.randint(len(lede_words) * 2 // 3,
                                                            len(lede_words))])
