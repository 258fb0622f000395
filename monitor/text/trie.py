"""Many literal strings as one regular expression, shaped as a trie.

Python's `re` tries the branches of an alternation one after another at every
position of the text, so a pattern of a few hundred spellings costs a few
hundred comparisons per position. Shared prefixes merged into one branch let
the engine give up on a position after a character or two: the matcher's
search for any keyword spelling took 7.0 us per headline as an alternation
and 1.2 us as a trie (`benchmarks/crawl_stages.py`'s web).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_Node = dict[str, "_Node"]


def _no_guard(_: str) -> str:
    return ""


# Branching levels rendered as nested groups at most. Python's `re` parses
# nested groups recursively, and so does the rendering below: words that are
# each a prefix of the next ("ก", "กก", "กกก", ... from a careless or hostile
# config) would nest a group per word, past what either can take.
MAX_NESTING = 100


class _TooDeep(Exception):
    pass


def trie_pattern(words: Iterable[str], *, before: Callable[[str], str] = _no_guard,
                 after: Callable[[str], str] = _no_guard) -> str:
    """A pattern matching any of `words`, the longest where several start at one place.

    `before(first)` and `after(last)` give look-arounds to put before a word
    starting with `first` and after one ending with `last` (for example: a Latin
    letter must not run on into another); by default there are none. Words
    nesting deeper than MAX_NESTING give the plain alternation, longest first,
    which finds the same.
    """
    unique = sorted({word for word in words if word})   # an empty word would match everywhere
    if not unique:
        raise ValueError("trie_pattern needs at least one non-empty word")
    root: _Node = {}
    for word in unique:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}          # a word ends here

    def branches(node: _Node, last: str, depth: int) -> str:
        if depth > MAX_NESTING:
            raise _TooDeep
        chain = []
        while len(node) == 1 and "" not in node:    # one way on: plain characters
            ((ch, node),) = node.items()
            chain.append(re.escape(ch))
            last = ch
        # The longer words through this node first, so the longest one wins.
        found = [re.escape(ch) + branches(child, ch, depth + 1)
                 for ch, child in sorted(node.items()) if ch]
        if "" in node:
            found.append(after(last))
        return "".join(chain) + (found[0] if len(found) == 1 else f"(?:{'|'.join(found)})")

    try:
        return "(?:" + "|".join(before(ch) + re.escape(ch) + branches(child, ch, 1)
                                for ch, child in sorted(root.items())) + ")"
    except _TooDeep:
        longest_first = sorted(unique, key=len, reverse=True)
        return "(?:" + "|".join(before(w[0]) + re.escape(w) + after(w[-1])
                                for w in longest_first) + ")"
