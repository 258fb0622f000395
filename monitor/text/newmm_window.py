"""The part of a text around an occurrence that newmm cuts as it cuts the whole text.

The matcher asks whether a keyword's ends are word ends, and answering it
meant segmenting the whole text (a headline, a lede, an article) once per
keyword: about 1 ms per lede, most of the cost of matching relevant items.
Only the words around the occurrence matter, and newmm (PyThaiNLP's
dictionary-based maximal matching, version 5) decides them within stretches
that it commits to one by one. A stretch ends at a position every way of
cutting the text passes through; newmm then emits its words and starts
afresh, as if the text began there.

Such a position is known without segmenting: a character `q` that is not
Thai, follows a Thai character and occurs in no dictionary word.
- No dictionary word crosses it (none holds the character), no run of
  non-Thai characters crosses it (the one before it would hold a Thai
  character), and an unknown stretch is cut short there (newmm stops
  skipping at non-Thai text), so every way of cutting passes through `q`.
- Thai character clusters, where newmm may cut, never hold it, and restart
  there; a cluster rule that looks one character ahead sees `q` itself.

So newmm run on `text[begin:]`, `begin` the nearest such position at or
before the occurrence, cuts as it cuts the whole text from `begin`; and run
on `text[begin:q + 1]`, `q` the nearest one at or after the occurrence, kept
as the last character so that the look-ahead sees what the whole text has,
it cuts as the whole text does up to `q`. tests/test_match.py holds the
windowed cuts to the whole text's on every Royal Gazette title of a month
and every labelled lede, on generated texts, and on a text where leaving `q`
out changes the cuts, so a PyThaiNLP release that changes the algorithm
fails there, not silently. "Thai" is the Unicode block newmm's own pattern
for non-Thai text excludes (U+0E00 to U+0E7F).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence, Set


@functools.lru_cache(maxsize=64)
def _stop_pattern(letters: frozenset[str]) -> re.Pattern[str]:
    others = "".join(sorted(re.escape(ch) for ch in letters if not "\u0e00" <= ch <= "\u0e7f"))
    return re.compile(f"(?<=[\u0e00-\u0e7f])[^\u0e00-\u0e7f{others}]")


def stops(text: str, letters: Set[str]) -> list[int]:
    """Where newmm always cuts `text` and starts afresh, ascending: each character
    that is not Thai, follows a Thai one and occurs in none of the dictionary's
    words (`letters`: every character of them)."""
    return [m.start() for m in _stop_pattern(frozenset(letters)).finditer(text)]


def window(stops: Sequence[int], length: int, start: int, end: int) -> tuple[int, int]:
    """(begin, stop): newmm cuts `text[begin:stop]` as it cuts the whole text (of
    `length`) from `begin` up to the last character, which is kept so that the
    cluster rules look ahead at what the whole text has; `begin <= start` and
    `end < stop` unless the window runs to the text's end. Found by bisection: a
    text with thousands of candidates costs no scan per candidate."""
    before = bisect_right(stops, start)
    after = bisect_left(stops, max(end, 1))
    return (stops[before - 1] if before else 0,
            stops[after] + 1 if after < len(stops) else length)
