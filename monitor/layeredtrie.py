"""A segmenter dictionary made of PyThaiNLP's default one plus a few words of our own.

Kept apart from monitor.match so that importing the matcher does not import
PyThaiNLP: a crawl in which nothing is new never segments anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pythainlp.util import Trie


class LayeredTrie(Trie):
    """PyThaiNLP's cached default dictionary plus our own words, without copying it.

    Building a Trie of the ~62,000 default words takes a noticeable fraction
    of a second; newmm only ever asks `prefixes`, so answering from both tries
    gives the same segmentation as one merged Trie at the cost of the extras only.
    """

    def __init__(self, base: Trie, extra: Iterable[str]) -> None:
        super().__init__(extra)
        self._base = base

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        own = super().prefixes(text, start)
        if not own:
            return self._base.prefixes(text, start)
        return sorted(set(own).union(self._base.prefixes(text, start)), key=len)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (super().__contains__(key) or key in self._base)

    def __iter__(self) -> Iterator[str]:
        seen = set(super().__iter__())
        yield from sorted(seen)
        yield from (w for w in self._base if w not in seen)

    def __len__(self) -> int:
        return len(self._base) + sum(1 for w in super().__iter__() if w not in self._base)
