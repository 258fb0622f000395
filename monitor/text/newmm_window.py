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

So newmm run on `text[begin:]` (the nearest such position at or before the
occurrence) cuts as it cuts the whole text from `begin`, and run on
`text[begin:stop + 1]` (the nearest one at or after the occurrence, kept as
the last character so that the look-ahead sees what the whole text has)
cuts as the whole text does up to `stop`. tests/test_match.py holds the
windowed cuts to the whole text's on every Royal Gazette title of a month
and on generated texts, so a PyThaiNLP release that changes the algorithm
fails there, not silently.
"""

from __future__ import annotations

from collections.abc import Set

from monitor.text.textnorm import is_thai


def _stops_here(text: str, q: int, letters: Set[str]) -> bool:
    ch = text[q]
    return not is_thai(ch) and ch not in letters and is_thai(text[q - 1])


def window(text: str, start: int, end: int, letters: Set[str]) -> tuple[int, int]:
    """(begin, stop): segment `text[begin:stop]` and offset its cuts by `begin` for the
    whole text's cuts between `begin` and `end` (`stop` is past the character kept).

    `letters` are every character of the dictionary's words.
    """
    begin = 0
    for q in range(min(start, len(text) - 1), 0, -1):
        if _stops_here(text, q, letters):
            begin = q
            break
    stop = len(text)
    for q in range(max(end, 1), len(text)):
        if _stops_here(text, q, letters):
            stop = q + 1
            break
    return begin, stop
