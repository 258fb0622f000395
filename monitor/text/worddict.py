"""A segmenter dictionary as a set of words, for PyThaiNLP's newmm.

newmm asks its dictionary one question only: which words start at this
position of the text (`prefixes`). PyThaiNLP answers it with a Trie of one
Python object per letter of its ~62,000 words: about 0.4 s to build and
about 76 MB, paid by every process that segments anything. A set of the
words answers the same question by slicing: the words starting at `start`
are the slices `text[start:start + n]` found in the set, for the lengths `n`
of the dictionary's words that begin with the same four letters. The set
already exists (PyThaiNLP's corpus is a frozenset), so building this costs one
pass over it (about 0.1 s, most of it grouping the lengths by first letters)
and little memory; a segmentation costs
about a tenth more than with the Trie.

The answers are the Trie's, in the Trie's order (shortest first), so a
segmentation with either is the same.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Set

# Letters of a word's start that group the lengths looked up (see __init__);
# `_own_prefixes` looks the words shorter than this up one by one, unrolled.
HEAD = 4


class WordDictionary:
    """The words of a segmenter dictionary, optionally layered over another one.

    Layering lets each matcher keyword have the default dictionary plus its
    own spellings without copying the 62,000 default words per keyword.
    """

    def __init__(self, words: Iterable[str], base: WordDictionary | None = None) -> None:
        # PyThaiNLP's Trie strips each word and never reports the empty one.
        own = {w.strip() for w in words}
        own.discard("")
        self._base = base
        self._words: Set[str] = frozenset(w for w in own if base is None or w not in base)
        # The lengths of the words of each HEAD-letter start, shortest first: a
        # lookup per length that occurs, not per letter of the longest word (81
        # letters); shorter words are looked up directly. newmm asks at every
        # position of every text it cuts; at a position of real text, the words
        # starting with its first two letters have 5.2 lengths on average, with
        # its first three 2.4, with four 1.0 (benchmarks/segmenter.py).
        lengths: dict[str, set[int]] = {}
        for word in self._words:
            if len(word) >= HEAD:
                lengths.setdefault(word[:HEAD], set()).add(len(word))
        self._lengths = {head: tuple(sorted(found)) for head, found in lengths.items()}
        # Every character of every word (monitor.text.newmm_window).
        self.letters: frozenset[str] = frozenset("".join(self._words)).union(
            base.letters if base is not None else ())

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """The words that start at `start` in `text`, shortest first (as Trie.prefixes)."""
        found = self._own_prefixes(text, start)
        if self._base is None:
            return found
        below = self._base.prefixes(text, start)
        if not found:
            return below
        return sorted(found + below, key=len) if below else found

    def _own_prefixes(self, text: str, start: int) -> list[str]:
        # Unrolled for the words shorter than HEAD: a loop costs more than they do.
        words = self._words
        room = len(text) - start
        word = text[start:start + 1]
        found = [word] if word in words else []
        if room >= 2:
            word = text[start:start + 2]
            if word in words:
                found.append(word)
            if room >= 3:
                word = text[start:start + 3]
                if word in words:
                    found.append(word)
        for length in self._lengths.get(text[start:start + HEAD], ()):
            if length > room:
                break
            word = text[start:start + length]
            if word in words:
                found.append(word)
        return found

    def __contains__(self, word: object) -> bool:
        return word in self._words or (self._base is not None and word in self._base)

    def __iter__(self) -> Iterator[str]:
        yield from sorted(self._words)
        if self._base is not None:
            yield from self._base

    def __len__(self) -> int:
        return len(self._words) + (len(self._base) if self._base is not None else 0)


@functools.cache
def default_dictionary() -> WordDictionary:
    """PyThaiNLP's default word list (imported on first use: a tenth of a second)."""
    from pythainlp.corpus import thai_words
    return WordDictionary(thai_words())
