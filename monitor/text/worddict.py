"""A segmenter dictionary as a set of words, for PyThaiNLP's newmm.

newmm asks its dictionary one question only: which words start at this
position of the text (`prefixes`). PyThaiNLP answers it with a Trie of one
Python object per letter of its ~62,000 words: about 0.4 s to build and
about 76 MB, paid by every process that segments anything. A set of the
words answers the same question by slicing: the words starting at `start`
are the slices `text[start:start + n]` found in the set, for the lengths `n`
of the dictionary's words that begin with the same three letters. The set
already exists (PyThaiNLP's corpus is a frozenset), so building this costs one
pass over it (tens of milliseconds) and little memory; a segmentation costs
about a quarter more than with the Trie.

The answers are the Trie's, in the Trie's order (shortest first), so a
segmentation with either is the same.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Set


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
        # The lengths of the words of each three-letter start, shortest first: a
        # lookup per length that occurs, not per letter of the longest word (81
        # letters). Three letters, not two: a start has 3 lengths on average, not 8,
        # and newmm asks at every position of every text it cuts (segmenting real
        # headlines took 1.24 times as long as with the Trie, not 1.40).
        lengths: dict[str, set[int]] = {}
        for word in self._words:
            if len(word) > 2:
                lengths.setdefault(word[:3], set()).add(len(word))
        self._lengths = {head: tuple(sorted(found)) for head, found in lengths.items()}

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
        words = self._words
        first = text[start:start + 1]
        found = [first] if first in words else []
        pair = text[start:start + 2]
        if len(pair) == 2 and pair in words:
            found.append(pair)
        room = len(text) - start
        for length in self._lengths.get(text[start:start + 3], ()):
            if length > room:
                break
            candidate = text[start:start + length]
            if candidate in words:
                found.append(candidate)
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
