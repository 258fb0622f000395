"""Thai-aware, deterministic topic matching.

A keyword matches as a whole word. Latin words are delimited by what surrounds
them, but Thai is written without spaces between words, so a plain substring
test would find `ทางรัฐ` (the government app) inside `ทางรัฐบาล` ("the
government side"). The matcher therefore finds candidate occurrences by
substring search in squeezed text (see `monitor.text.textnorm.squeezed`) and accepts
one only when both of its ends are word boundaries:

- an end made of a Latin letter or digit must not touch another one;
- an end made of a Thai character must fall on a cut of PyThaiNLP's newmm
  segmenter, whose dictionary is the default one plus that keyword's own
  spellings (so the segmenter knows the keyword as a word, and no other topic's
  keyword hides it: see `_Text`), or where the writer put a space;
- an end made of punctuation (`ก.พ.ร.`, `(DGA)`) delimits itself.

Whole words are the segmenter's words, so a keyword that is only part of a
dictionary compound does not match inside it: `ราชการ` is not found in
`ติดต่อราชการ`, which the dictionary holds as one word. Configure the longer
form, or a `/regex/` where a plain substring is really meant.

Segmenting is the expensive step, so it runs only for texts with a Thai
candidate whose ends the writer's spaces do not settle, once per text and
keyword, and only over the stretch around the candidate that newmm cuts as it
cuts the whole text (`monitor.text.newmm_window`). Everything here is a pure function of the topics
and the text: the same input always gives the same output, in config order.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import regex

from monitor.config.settings import Topic
from monitor.config.units import compile_regex
from monitor.equivalents import BUILTIN_SYNONYMS, Equivalences
from monitor.reasons import shorten
from monitor.text.literals import necessary_literals
from monitor.text.newmm_window import stops, window
from monitor.text.textnorm import (
    dropped_spaces,
    is_thai,
    is_word_char,
    normalise_script,
    normalise_text,
    squeezed,
)
from monitor.text.trie import trie_pattern

if TYPE_CHECKING:
    from monitor.text.worddict import WordDictionary

__all__ = ["BUILTIN_SYNONYMS", "Matcher", "TopicMatch", "keyword_error"]

# A /regex/ keyword runs through the `regex` module with this time limit per
# search: backtracking can be exponential, and `check` refuses only the
# patterns it can recognise (nested quantifiers). A search that times out
# counts as no match and is reported as a warning for that item.
REGEX_TIMEOUT = 0.1

@dataclass(frozen=True)
class TopicMatch:
    """A topic an item belongs to, with the keyword that put it there.

    The keyword is reported as the user wrote it, so `monitor preview` can
    show why an item matched in the terms of their own sources.yaml.
    """

    topic: str      # topic id
    keyword: str    # the configured keyword (as written in sources.yaml) that matched


def _is_regex(keyword: str) -> bool:
    return len(keyword) >= 2 and keyword.startswith("/") and keyword.endswith("/")


def _compile(keyword: str) -> regex.Pattern[str]:
    """Compile a /regex/ keyword to run on normalised (case-folded) text.

    The pattern gets the Unicode clean-up but not case folding, which would
    turn `\\D`, `\\S`, `\\W` into their opposites; IGNORECASE does that job.
    Python's `re` syntax is checked first (it is what the README promises);
    `regex` runs it, because only it can stop a search after a time limit.
    """
    source = normalise_script(keyword[1:-1])
    compile_regex(source)
    return regex.compile(source, regex.IGNORECASE | regex.VERSION0)


def _nested_quantifier(keyword: str) -> bool:
    """A repeat inside a repeat, such as `(a+)+`: the shape of catastrophic backtracking."""
    from re import _parser  # type: ignore[attr-defined]

    def children(name: str, arg: Any) -> list[Any]:
        if name == "SUBPATTERN":
            return [arg[-1]]
        if name == "BRANCH":
            return list(arg[1])
        if name in ("ASSERT", "ASSERT_NOT"):
            return [arg[1]]
        return []

    def walk(items: Any, inside: bool) -> bool:
        for op, arg in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                repeats = arg[1] > 1
                if (repeats and inside) or walk(arg[2], inside or repeats):
                    return True
            elif any(walk(sub, inside) for sub in children(name, arg)):
                return True
        return False

    return walk(_parser.parse(normalise_script(keyword[1:-1])), False)


def keyword_error(keyword: str) -> str | None:
    """Say why a configured keyword cannot work, or None when it can.

    Config validation calls this so a user learns about a broken keyword when
    they run `monitor check`, not as a topic that silently never matches.
    """
    if not keyword.strip():
        return "the keyword is empty"
    if _is_regex(keyword):
        if len(keyword) == 2:
            return "the regular expression // is empty; it would match every item"
        try:
            pattern = _compile(keyword)
            nested = _nested_quantifier(keyword)
        except (re.error, regex.error) as exc:
            return f"{keyword} is not a valid regular expression: {exc}"
        except RecursionError:  # both engines parse groups recursively
            return (f"{shorten(keyword, 60)} nests groups more deeply than the regular expression "
                    "engines can read: write it flatter")
        if nested:
            return (f"{keyword} repeats a repetition (like (a+)+), which can take exponential "
                    "time on some titles: write it without the nested quantifier")
        if pattern.search("") is not None:
            return f"{keyword} matches the empty text, so it would match every item"
        return None
    if re.fullmatch(r"/.+/[aimsux]{1,3}", keyword):
        return (f"{keyword} looks like a regular expression with flags; flags are not "
                "supported (matching ignores case already): write it as /.../")
    if not squeezed(normalise_text(keyword)):
        return "the keyword contains only invisible characters"
    return None


@dataclass(frozen=True)
class _Keyword:
    written: str                        # as in sources.yaml, reported back in TopicMatch
    pattern: regex.Pattern[str] | None  # for /regex/ keywords
    variants: tuple[str, ...] = ()      # squeezed spellings, for the others
    words: tuple[str, ...] = ()         # the Thai spellings, added to the segmenter's dictionary
    prefiltered: bool = False           # a /regex/ in Matcher's one-search prefilter


@dataclass(frozen=True)
class _Group:
    """An `any:` entry: one keyword, or a bracketed list whose keywords must all match."""

    keywords: tuple[_Keyword, ...]

    @property
    def written(self) -> str:
        return " + ".join(k.written for k in self.keywords)


@dataclass(frozen=True)
class _Rule:
    topic: str
    any: tuple[_Group, ...]
    all: tuple[_Keyword, ...]
    none: tuple[_Keyword, ...]


# Where a window of a text begins in it, and its words: each word's end -> its start,
# both counted from the window's start.
Cut = tuple[int, dict[int, int]]


class _Text:
    """One text prepared for matching; segmented only if a Thai end needs it.

    Each keyword's ends are judged on a segmentation whose dictionary is the
    default one plus that keyword's own spellings only. One shared dictionary
    of every configured keyword would let topics interfere: with the act's
    whole name in it, no boundary falls before `ทางอิเล็กทรอนิกส์` inside the
    name, so a topic that asks for `ทางอิเล็กทรอนิกส์` alone would miss it.
    """

    def __init__(self, raw: str, segmenter: Callable[[str, int, int, tuple[str, ...]], Cut],
                 timed_out: list[str] | None = None,
                 prefilter: _Prefilter | None = None) -> None:
        self.timed_out = timed_out
        self.normalised = normalise_text(raw)
        self.squeezed = squeezed(self.normalised)
        self._gaps: frozenset[int] | None = None    # where the writer broke: on first need
        self._segmenter = segmenter
        # A rule asks about the same keyword several times (any, all, the veto on
        # the headline), and topics repeat keywords: each is answered once per text.
        self._answers: dict[str, bool] = {}
        self._prefilter = prefilter
        self._pattern_possible: bool | None = None

    def _written_break(self, pos: int) -> bool:
        if pos in (0, len(self.squeezed)):
            return True
        if self._gaps is None:
            self._gaps = dropped_spaces(self.normalised)
        return pos in self._gaps

    def _thai_ends_ok(self, start: int, end: int, keyword: _Keyword,
                      thai_start: bool, thai_end: bool) -> bool:
        """Word boundaries at a Thai occurrence's ends, by the compound rule.

        The end must be a boundary: `ทางรัฐ` is not in `ทางรัฐบาล`, where the
        word runs on past it. The start may also fall inside a dictionary
        compound that ends exactly where the keyword ends, so `ราชการ` is
        found in `ติดต่อราชการ` (contacting government agencies): Thai
        compounds put the head first, and the keyword is then the whole of
        the compound's last part.
        """
        if (not thai_start or self._written_break(start)) and \
                (not thai_end or self._written_break(end)):
            return True
        begin, starts = self._segmenter(self.squeezed, start, end, keyword.words)
        first, last = start - begin, end - begin     # in the window that was cut
        if thai_end and not (self._written_break(end) or last in starts):
            return False
        if not thai_start or self._written_break(start) or first == 0 or first in starts:
            return True
        return starts.get(last, first) < first

    def _latin_end_ok(self, inner: str, outer_index: int) -> bool:
        if is_word_char(inner):
            return not (0 <= outer_index < len(self.squeezed)
                        and is_word_char(self.squeezed[outer_index]))
        return True   # punctuation (`ก.พ.ร.`, `(DGA)`) delimits itself

    def contains(self, keyword: _Keyword) -> bool:
        answer = self._answers.get(keyword.written)
        if answer is None:
            answer = self._answers[keyword.written] = self._contains(keyword)
        return answer

    def may_match_patterns(self) -> bool:
        """False when no prefiltered /regex/ keyword can match: one timed search, not one each.

        Each timed search costs microseconds of set-up, more than most searches
        themselves; most items match none of the patterns.
        """
        if self._pattern_possible is None:
            try:
                self._pattern_possible = (self._prefilter is None
                                          or self._prefilter.possible(self.normalised))
            except TimeoutError:   # each pattern is then tried, and times out, on its own
                self._pattern_possible = True
        return self._pattern_possible

    def _contains(self, keyword: _Keyword) -> bool:
        if keyword.pattern is not None:
            if keyword.prefiltered and not self.may_match_patterns():
                return False
            try:
                return keyword.pattern.search(self.normalised, timeout=REGEX_TIMEOUT,
                                              concurrent=True) is not None
            except TimeoutError:
                if self.timed_out is not None:
                    self.timed_out.append(keyword.written)
                return False
        text = self.squeezed
        for variant in keyword.variants:
            thai_start, thai_end = is_thai(variant[0]), is_thai(variant[-1])
            start = text.find(variant)
            while start != -1:
                end = start + len(variant)
                if ((thai_start or self._latin_end_ok(variant[0], start - 1))
                        and (thai_end or self._latin_end_ok(variant[-1], end))
                        and self._thai_ends_ok(start, end, keyword, thai_start, thai_end)):
                    return True
                start = text.find(variant, start + 1)
        return False


class Matcher:
    """Decides which topics an item belongs to; build once, reuse for every item."""

    def __init__(self, topics: Sequence[Topic], synonyms: Sequence[Sequence[str]] = ()) -> None:
        equivalences = Equivalences([*BUILTIN_SYNONYMS, *synonyms])

        def prepare(topic_id: str, written: str) -> _Keyword:
            error = keyword_error(written)
            if error is not None:
                raise ValueError(f"topic {topic_id!r}, keyword {written!r}: {error}")
            if _is_regex(written):
                return _Keyword(written, _compile(written))
            variants = equivalences.variants(squeezed(normalise_text(written)))
            words = tuple(v for v in variants if any(map(is_thai, v)))
            return _Keyword(written, None, variants, words)

        def group(topic_id: str, entry: str | Sequence[str]) -> _Group:
            written = (entry,) if isinstance(entry, str) else tuple(entry)
            return _Group(tuple(prepare(topic_id, k) for k in written))

        self._rules = tuple(
            _Rule(
                topic=t.id,
                any=tuple(group(t.id, k) for k in t.any),
                all=tuple(prepare(t.id, k) for k in t.all),
                none=tuple(prepare(t.id, k) for k in t.none),
            )
            for t in topics
        )
        # Most crawled items match nothing. One search for every spelling of every
        # plain keyword at once rules them out before the per-keyword checks.
        every = [k for rule in self._rules
                 for k in (*(k for g in rule.any for k in g.keywords), *rule.all, *rule.none)]
        spellings = {v for k in every for v in k.variants}
        self._any_spelling = re.compile(trie_pattern(spellings)) if spellings else None
        # Every item is searched for each `any:` entry's first keyword; the rest of
        # an entry, and `all:` and `none:`, only after that one is found. Those tend
        # to be broad ("any Thai letter"), which would make the alternation useless.
        self._prefilter, prefiltered = _prefilter(
            {g.keywords[0].written: g.keywords[0].pattern for rule in self._rules
             for g in rule.any if g.keywords[0].pattern is not None})
        if prefiltered:
            self._rules = tuple(_Rule(
                topic=r.topic,
                any=tuple(_Group(tuple(_mark(k, prefiltered) for k in g.keywords))
                          for g in r.any),
                all=tuple(_mark(k, prefiltered) for k in r.all),
                none=tuple(_mark(k, prefiltered) for k in r.none)) for r in self._rules)
        # When every rule's first question is a plain keyword or a prefiltered
        # pattern, an item with no spelling and no pattern hit matches no topic.
        firsts = [g.keywords[0] for r in self._rules for g in r.any] + \
            [r.all[0] for r in self._rules if not r.any and r.all]
        self._decided_by_prefilters = all(k.pattern is None or k.written in prefiltered
                                          for k in firsts)
        self._dictionaries: dict[tuple[str, ...], WordDictionary] = {}
        self._segmented = functools.lru_cache(maxsize=2048)(self._words_ending)
        self._stops = functools.lru_cache(maxsize=256)(stops)

    @property
    def has_patterns(self) -> bool:
        """Whether any keyword is a /regex/, whose searches may each take up to REGEX_TIMEOUT."""
        return any(k.pattern is not None for rule in self._rules
                   for k in (*(k for g in rule.any for k in g.keywords), *rule.all, *rule.none))

    def _dictionary(self, words: tuple[str, ...]) -> WordDictionary:
        # A keyword's dictionary is built on its first Thai boundary question, not in
        # __init__: a crawl where nothing is new, or no Thai keyword is near, never pays.
        dictionary = self._dictionaries.get(words)
        if dictionary is None:
            dictionary = self._dictionaries[words] = _dictionary(words)
        return dictionary

    def _segmenter(self, text: str, start: int, end: int, words: tuple[str, ...]) -> Cut:
        """The segmenter's words of `text` around `text[start:end]`, as the whole text's
        (monitor.text.newmm_window): a lede is cut once per keyword, and only there."""
        letters = self._dictionary(words).letters
        begin, stop = window(self._stops(text, letters), len(text), start, end)
        return begin, self._segmented(text[begin:stop], words)

    def _words_ending(self, text: str, words: tuple[str, ...]) -> dict[int, int]:
        from pythainlp.tokenize.newmm import segment  # a crawl with nothing new never needs it
        tokens = segment(text, custom_dict=self._dictionary(words))  # type: ignore[arg-type]
        ends = list(itertools.accumulate(map(len, tokens)))
        return dict(zip(ends, [0, *ends], strict=False))

    def match(self, *texts: str, only: Collection[str] | None = None,
              timed_out: list[str] | None = None) -> list[TopicMatch]:
        """Topics whose rules hold over the texts (title, summary, main text), in config order.

        A keyword may occur in any one of the texts, never across two of them.
        `only` restricts to those topic ids (a source's `topics:`). A /regex/
        keyword whose search timed out is appended to `timed_out`.
        """
        if isinstance(only, str):   # a lone id, not a collection of its letters
            only = (only,)
        prepared = [_Text(t, self._segmenter, timed_out, self._prefilter)
                    for t in texts if t and t.strip()]
        spelled = self._any_spelling is not None and any(
            self._any_spelling.search(t.squeezed) for t in prepared)
        if (not spelled and self._decided_by_prefilters
                and not any(t.may_match_patterns() for t in prepared)):
            return []
        title = prepared[0] if texts and texts[0] and texts[0].strip() else None

        def found(keyword: _Keyword, within: Sequence[_Text] = prepared) -> bool:
            if keyword.pattern is None and not spelled:
                return False
            return any(t.contains(keyword) for t in within)

        def vetoed(rule: _Rule) -> bool:
            """A `none:` word rejects the item, unless the headline alone decides.

            A headline that matches the topic by itself and names none of the
            `none:` words says what the story is about; a `none:` word further
            down is then context ("the ทางรัฐ app, which also ran the wallet
            registration"), not the subject.
            """
            if not any(found(k) for k in rule.none):
                return False
            if title is None or any(found(k, (title,)) for k in rule.none):
                return True
            headline_hit = any(all(found(k, (title,)) for k in g.keywords) for g in rule.any) \
                if rule.any else bool(rule.all)
            return not (headline_hit and all(found(k, (title,)) for k in rule.all))

        matches: list[TopicMatch] = []
        for rule in self._rules:
            if only is not None and rule.topic not in only:
                continue
            hit: _Group | _Keyword | None
            if rule.any:
                hit = next((g for g in rule.any if all(map(found, g.keywords))), None)
            else:  # a topic of `all:` keywords only: they alone decide
                hit = rule.all[0] if rule.all and found(rule.all[0]) else None
            if hit is None or not all(found(k) for k in rule.all):
                continue
            if vetoed(rule):
                continue
            matches.append(TopicMatch(rule.topic, hit.written))
        return matches


def _mark(keyword: _Keyword, prefiltered: Collection[str]) -> _Keyword:
    return replace(keyword, prefiltered=True) if keyword.written in prefiltered else keyword


# A back-reference counts groups, which an alternation of several patterns renumbers;
# a global inline flag such as (?a) would reach the other patterns.
_UNJOINABLE = re.compile(r"\\[1-9]|\\g<|\(\?P=|\(\?[a-zA-Z]+\)")


@dataclass(frozen=True)
class _Prefilter:
    """One question for all the prefiltered /regex/ keywords: can any of them match?

    The patterns' necessary words (`monitor.text.literals`) are searched first,
    as one trie with `re`: a text holding none of them can match only the
    patterns that have none (`rest`). Only a text holding one meets the
    alternation of every pattern, in `regex` with its time limit.
    """

    every: regex.Pattern[str]
    words: re.Pattern[str] | None
    rest: regex.Pattern[str] | None

    def possible(self, text: str) -> bool:
        """Whether a prefiltered keyword may match the normalised `text` (may time out)."""
        pattern: regex.Pattern[str] | None = self.every
        if self.words is not None and self.words.search(text) is None:
            pattern = self.rest
        return pattern is not None and pattern.search(
            text, timeout=REGEX_TIMEOUT, concurrent=True) is not None


def _alternation(patterns: Collection[regex.Pattern[str]]) -> regex.Pattern[str]:
    return regex.compile("|".join(f"(?:{p.pattern})" for p in patterns),
                         regex.IGNORECASE | regex.VERSION0)


def _prefilter(patterns: dict[str, regex.Pattern[str]]
               ) -> tuple[_Prefilter | None, frozenset[str]]:
    """The prefilter of the /regex/ keywords, and which keywords it stands for.

    No match of the alternation means no match of any of them. A pattern that
    cannot join (a back-reference, a group name used twice) is left out and
    always searched on its own.
    """
    joinable = {w: p for w, p in patterns.items() if not _UNJOINABLE.search(p.pattern)}
    if len(joinable) < 2:
        return None, frozenset()
    needs = {w: necessary_literals(p.pattern) for w, p in joinable.items()}
    words = {word for need in needs.values() if need for word in need}
    unread = [joinable[w] for w, need in needs.items() if need is None]
    try:
        every = _alternation(list(joinable.values()))
        rest = _alternation(unread) if unread else None
    except regex.error:
        return None, frozenset()
    # Case-sensitive: the text is case-folded and the words are lower case (see
    # `necessary_literals`); re with IGNORECASE took 11 us a headline, not 1.3.
    gate = re.compile(trie_pattern(words)) if words else None
    return _Prefilter(every, gate, rest), frozenset(joinable)


def _dictionary(words: Sequence[str]) -> WordDictionary:
    """The default dictionary plus one keyword's spellings; reads PyThaiNLP's on first use."""
    from monitor.text.worddict import WordDictionary, default_dictionary
    return WordDictionary(words, base=default_dictionary())
