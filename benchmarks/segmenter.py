"""The segmenter's dictionary lookups on real Thai text: figures printed, not asserted.

    .venv/bin/python benchmarks/segmenter.py

Segments the real titles and ledes in tests/data/ (the Gazette titles, the
relevance sets, the story groups) with PyThaiNLP's newmm, once with its Trie
and once with monitor.text.worddict.WordDictionary, best of five rounds each
in this one process (the machine is noisy; the ratio is what to compare), and
checks that both give the same words. Also prints how many candidate word
lengths a lookup tries at a position of that text when lengths are grouped by
a word's first 2, 3, 4 or 5 letters (WordDictionary groups by HEAD).
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.text.textnorm import normalise_text  # noqa: E402
from monitor.text.worddict import HEAD, WordDictionary  # noqa: E402

COLUMNS = {"ratchakitcha_titles_2026-10.tsv": ("title",),
           "relevance_real.tsv": ("title", "lede"),
           "relevance.tsv": ("text",),
           "stories_real.tsv": ("title", "lede")}


def real_texts() -> list[str]:
    found: list[str] = []
    for name, columns in COLUMNS.items():
        with (ROOT / "tests" / "data" / name).open(encoding="utf-8", newline="") as handle:
            rows = csv.DictReader((line for line in handle if not line.startswith("#")),
                                  delimiter="\t")
            for row in rows:
                found.extend(normalise_text(row[c]) for c in columns if row.get(c))
    return found


def lengths_per_position(words: frozenset[str], texts: list[str], head: int) -> float:
    grouped: dict[str, set[int]] = {}
    for word in words:
        if len(word) >= head:
            grouped.setdefault(word[:head], set()).add(len(word))
    tried = positions = 0
    for text in texts:
        for start in range(len(text)):
            positions += 1
            tried += len(grouped.get(text[start:start + head], ()))
    return tried / positions


def best_of(rounds: int, work: Callable[[Any], object], dictionary: Any) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work(dictionary)
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize.newmm import segment
    from pythainlp.util import Trie

    texts = real_texts()
    words = frozenset(thai_words())
    print(f"{len(texts):,} real texts, {sum(map(len, texts)):,} characters")
    for head in (2, 3, 4, 5):
        mark = "  (HEAD)" if head == HEAD else ""
        print(f"  lengths tried per position, grouped by the first {head} letters: "
              f"{lengths_per_position(words, texts, head):.2f}{mark}")
    # newmm asks its dictionary only for `prefixes`; its annotation says Trie.
    dictionaries: dict[str, Any] = {"Trie": Trie(words), "WordDictionary": WordDictionary(words)}
    cut = {name: [segment(t, custom_dict=d) for t in texts] for name, d in dictionaries.items()}
    if cut["WordDictionary"] != cut["Trie"]:
        raise SystemExit("WordDictionary segments differently from the Trie")
    seconds: dict[str, float] = {}
    for name, dictionary in dictionaries.items():
        seconds[name] = best_of(5, lambda d: [segment(t, custom_dict=d) for t in texts],
                                dictionary)
    for name, value in seconds.items():
        print(f"  newmm with {name:<15} {value:6.3f} s CPU (best of 5), "
              f"{value / seconds['Trie']:.2f} x the Trie")


if __name__ == "__main__":
    main()
