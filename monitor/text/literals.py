"""The strings a regular expression cannot match without.

Most crawled items match none of a config's /regex/ keywords, yet each text
had to be searched with all of them: one alternation of twenty patterns, tried
branch by branch at every position, about 10 us for a Thai headline, 25 us for
an English one and milliseconds for an article. Nearly every pattern names a
word it cannot match without (`\\be-?visas?\\b` needs `visa`). One search for
those words, as a trie (`monitor.text.trie`), rules most texts out in a
microsecond or two; only a text holding one of them meets the patterns.

`necessary_literals` reads a deliberately small part of the syntax, the part
Python's `re` and the `regex` module (which runs the keywords) read alike:
characters, escaped punctuation, classes without nested brackets, groups,
look-arounds, anchors and counted repeats. Anything else (back-references,
`\\p{...}`, inline flags, a `{` that is not a repeat, which `regex` reads as
fuzzy matching) makes it answer None, and that pattern is always searched.
Being unsure costs speed, never a match.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["necessary_literals"]

_SPECIAL = frozenset("\\.^$|?*+()[]{}")
_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")
_CLASS_ESCAPES = frozenset("dDsSwW")
_REPEAT = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")

# A word shorter than this is in most texts ("-", "id"): searching for it rules
# nothing out, and the pattern is better searched on its own (see the matcher).
SHORTEST = 3

Need = frozenset[str] | None    # one of these strings is in every match; None: nothing known


class _Unsupported(Exception):
    """Syntax outside the subset read here."""


class _Atom(NamedTuple):
    kind: str                   # "char", "class", "group" or "zero-width"
    char: str | None = None     # a char's literal (None: unsure, see _literal)
    need: Need = None           # a group's requirement


def _literal(ch: str) -> str | None:
    """`ch` as it is found in case-folded text, or None if that is unsure.

    ASCII and the Thai block only. What an ASCII letter matches under
    IGNORECASE (`K`, the Kelvin sign `K`, for `k`) is, once the text is
    case-folded, only its lower case (tests/test_literals.py checks every
    character), so the words can be searched for case-sensitively, which is
    eight times faster in `re`; except `I`, which matches the dotless `ı`.
    Any other character (a ligature, a letter whose case folding is longer)
    ends a run of literals, which stays sound.
    """
    if ch == "I":       # it matches the dotless "ı" too, which case folding keeps
        return None
    if ch.isascii():
        return ch.lower()
    if "\u0e00" <= ch <= "\u0e7f":
        return ch
    return None


def _best(candidates: list[frozenset[str]]) -> Need:
    """The most selective of several requirements that all hold: the longest shortest string."""
    if not candidates:
        return None
    return max(candidates, key=lambda need: (min(map(len, need)), -len(need)))


# Groups within groups read at most: each costs Python frames, and a real
# pattern nests a few (a config's hostile one is refused by `monitor check`).
MAX_GROUPS_DEEP = 32


class _Reader:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0
        self.depth = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self) -> str:
        ch = self.peek()
        if not ch:
            raise _Unsupported("unexpected end")
        self.pos += 1
        return ch

    def alternation(self) -> Need:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.sequence())
        known = [branch for branch in branches if branch is not None]
        if len(known) < len(branches):
            return None     # a branch with no word lets a match through without any
        return frozenset().union(*known)

    def sequence(self) -> Need:
        candidates: list[frozenset[str]] = []
        run = ""

        def close() -> None:
            nonlocal run
            if run:
                candidates.append(frozenset({run}))
            run = ""

        while self.peek() not in ("", "|", ")"):
            atom = self.atom()
            least, once = self.repeat()
            if atom.kind == "zero-width":
                continue        # consumes nothing: the characters around it are adjacent
            if least == 0:
                close()         # may be absent: nothing of it is needed
            elif atom.kind == "char" and atom.char is not None:
                run += atom.char
                if not once:    # "ab+c": "ab" and then "bc" are in every match
                    close()
                    run = atom.char
            else:
                close()
                if atom.need is not None:
                    candidates.append(atom.need)
        close()
        return _best(candidates)

    def repeat(self) -> tuple[int, bool]:
        """The least count of the repeat after an atom, and whether it is exactly one."""
        ch = self.peek()
        if ch in ("?", "*", "+"):
            self.pos += 1
            least, once = (1 if ch == "+" else 0), False
        elif ch == "{":
            found = _REPEAT.match(self.text, self.pos)
            if found is None:
                raise _Unsupported("a brace that is not a repeat")
            self.pos = found.end()
            least = int(found.group(1) or 0)
            most = found.group(3) if found.group(2) else found.group(1)
            once = least == 1 and most == "1"
        else:
            return 1, True
        if self.peek() in ("?", "+"):   # lazy or possessive: the same characters
            self.pos += 1
        return least, once

    def atom(self) -> _Atom:
        ch = self.take()
        if ch == "\\":
            escaped = self.take()
            if escaped in _ZERO_WIDTH_ESCAPES:
                return _Atom("zero-width")
            if escaped in _CLASS_ESCAPES:
                return _Atom("class")
            if escaped.isascii() and not escaped.isalnum():
                return _Atom("char", _literal(escaped))
            raise _Unsupported(f"escape \\{escaped}")
        if ch in ("^", "$"):
            return _Atom("zero-width")
        if ch == ".":
            return _Atom("class")
        if ch == "[":
            self.char_class()
            return _Atom("class")
        if ch == "(":
            return self.group()
        if ch in _SPECIAL:
            raise _Unsupported(f"{ch!r} where a character belongs")
        return _Atom("char", _literal(ch))

    def char_class(self) -> None:
        if self.peek() == "^":
            self.pos += 1
        if self.peek() == "]":      # a first "]" is a member
            self.pos += 1
        while (ch := self.take()) != "]":
            if ch == "[":
                raise _Unsupported("a bracket inside a class (a POSIX class or a set operation)")
            if ch == "\\":
                self.take()

    def group(self) -> _Atom:
        self.depth += 1
        if self.depth > MAX_GROUPS_DEEP:
            raise _Unsupported("groups nested too deeply")
        zero_width = False
        if self.peek() == "?":
            self.pos += 1
            ahead = self.text[self.pos:self.pos + 2]
            if ahead.startswith(":"):
                self.pos += 1
            elif ahead[:1] in ("=", "!") or ahead in ("<=", "<!"):
                zero_width = True
                self.pos += 1 if ahead[:1] in ("=", "!") else 2
            else:
                raise _Unsupported(f"group (?{ahead}")
        inner = self.alternation()
        if self.take() != ")":
            raise _Unsupported("unclosed group")
        self.depth -= 1
        return _Atom("zero-width") if zero_width else _Atom("group", need=inner)


def necessary_literals(pattern: str, shortest: int = SHORTEST) -> frozenset[str] | None:
    """Strings of which every match of `pattern` (IGNORECASE, on case-folded text)
    contains at least one, in lower case; None when the pattern says too little
    (`\\d+`, a word shorter than `shortest`) or uses syntax read nowhere here."""
    reader = _Reader(pattern)
    try:
        need = reader.alternation()
        if reader.pos != len(pattern):
            raise _Unsupported("an unmatched ')'")
    except _Unsupported:
        return None
    return need if need and min(map(len, need)) >= shortest else None
