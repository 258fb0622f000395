"""The words a /regex/ keyword cannot match without (monitor.text.literals).

The matcher searches a text for these first and meets the patterns only if one
is there, so a word that is not really necessary would hide a match. The
property test holds the reading to the `regex` engine that runs the keywords.
"""

from __future__ import annotations

import re
import string

import pytest
import regex
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from monitor.config.settings import Topic
from monitor.match import Matcher, TopicMatch
from monitor.text.literals import necessary_literals
from monitor.text.textnorm import normalise_text
from tests.test_shipped_sources import SHIPPED

FLAGS = regex.IGNORECASE | regex.VERSION0


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"\be-?visas?\b", {"visa"}),
    (r"\bdg awards?\b", {"dg award"}),
    (r"\bg-cloud\b|\bgovernment cloud\b", {"g-cloud", "government cloud"}),
    (r"สพร\.(?!\s*\d)", {"สพร."}),
    (r"(?<!national )(?<!nation )\bdigital (?:ids?|identity)\b", {"digital "}),
    (r"ยกเลิก.{0,20}สำเนา(?:บัตร|ทะเบียนบ้าน)", {"ยกเลิก"}),
    (r"(?:state|government) agencies", {" agencies"}),
    (r"(?:state|government)s?", {"state", "government"}),
    (r"abc+d", {"abc"}),                # "abc" and "cd" are both in every match
    (r"x{2,}yz", {"xyz"}),
    (r"a++bcd|efg{1,1}h", {"abcd", "efgh"}),  # possessive; exactly once
    (r"E-Filing", {"e-filing"}),        # lower case: the text is case-folded
    (r"[\]ab]cde|\(x\)", {"cde", "(x)"}),
    (r"\bid-\d+|abc", {"id-", "abc"}),
    (r"\bid\d+|abc", None),            # "id" is in too many texts to rule any out
])
def test_the_necessary_words_of_a_pattern(pattern: str, expected: set[str] | None) -> None:
    assert necessary_literals(pattern) == expected


@pytest.mark.parametrize("pattern", [
    r"\d{4}-\d{2}",             # nothing but "-", which is in most texts
    r"abc|",                    # an empty branch matches anywhere
    r"(?:abc)?d?",
    r"(\w)\1x",                 # a back-reference
    r"\p{Thai}+ภาษี",            # `regex` syntax
    r"(?i)abc",                 # an inline flag
    r"(?x) a b c",              # ... which may change what a space means
    r"abc{e<=1}",               # `regex` reads this as fuzzy: "abd" matches
    r"[[:alpha:]]abc",          # a POSIX class in `regex`
    r"(?>abc)",                 # an atomic group: not read here
    r"\nabc",                   # a letter escape
    r"abc)",
    r"(abc",
    "(?:" * 33 + "abc" + ")" * 33,   # deeper than MAX_GROUPS_DEEP: never a recursion error
    "(?:" * 5000 + "abc" + ")" * 5000,
])
def test_syntax_outside_the_subset_says_nothing(pattern: str) -> None:
    assert necessary_literals(pattern) is None


def test_groups_as_deep_as_read_still_give_words() -> None:
    assert necessary_literals("(?:" * 32 + "abc" + ")" * 32) == {"abc"}


def test_an_ascii_letter_matches_only_its_lower_case_in_case_folded_text() -> None:
    """Why the words are searched for case-sensitively: under IGNORECASE an ASCII
    letter also matches `K` (the Kelvin sign), `ſ` and capitals, none of which
    survives case folding; but `I` matches the dotless `ı`, which does, so an
    `I` is no literal."""
    folded = "".join(ch for ch in map(chr, range(0x80, 0x110000))
                     if not 0xD800 <= ord(ch) <= 0xDFFF and ch.casefold() == ch)
    unsure = {letter for letter in string.ascii_letters if regex.search(letter, folded, FLAGS)}
    assert unsure == {"I"}
    assert necessary_literals("DIGI") is None
    assert necessary_literals("DIGITAL") == frozenset({"tal"})


def _escaped(ch: str) -> str:
    return re.escape(ch)


# Few letters, so that random texts often match random patterns (the only way a
# wrong word shows); `I`, `K` and the letters case folding treats specially, too.
_CHARS = "abAIก-"
_REPEATS = st.sampled_from(["", "", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,3}", "+?",
                            "*?", "{,2}", "{1}", "{1,1}"])
_LETTERS = st.sampled_from(_CHARS).map(_escaped)
_ATOMS = st.one_of(
    st.tuples(_LETTERS, _REPEATS).map("".join),
    st.tuples(_LETTERS, _REPEATS).map("".join),
    st.tuples(_LETTERS, _REPEATS).map("".join),
    st.tuples(st.sampled_from([r"\d", r"\s", ".", "[ab]", "[^a]", "[ก-ข]", "[Ii]"]), _REPEATS)
    .map("".join),
    st.sampled_from([r"\b", r"\B", "^", "$", "(?<=a)", "(?<!b)", "(?=a)", "(?!b)"]),
)


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    sequence = st.lists(inner, min_size=2, max_size=4).map("".join)
    return st.one_of(
        sequence,
        sequence,
        sequence,
        st.lists(inner, min_size=2, max_size=3).map("|".join),
        st.tuples(inner, _REPEATS).map(lambda t: f"(?:{t[0]}){t[1]}"),
        st.tuples(inner, _REPEATS).map(lambda t: f"({t[0]}){t[1]}"),
    )


_ZERO_WIDTH = re.compile(r"\(\?<?[=!][ab]\)|\\[bB]|(?<!\[)\^|\$")
_PATTERNS = st.recursive(_ATOMS, _extend, max_leaves=10)


@settings(max_examples=500)
@given(st.data())
def test_every_match_holds_one_of_the_words(data: st.DataObject) -> None:
    """Texts drawn to match the pattern (by `re`'s reading) and drawn at random,
    case-folded as the matcher folds them: where `regex` finds a match, one of
    the words is there."""
    pattern = data.draw(_PATTERNS, label="pattern")
    need = necessary_literals(pattern, shortest=1)
    assume(need is not None)
    assert need is not None
    compiled = regex.compile(pattern, FLAGS)
    # Drawn without the zero-width atoms, which hypothesis can only meet by
    # filtering (too slowly); `regex` then judges the drawn text as it is.
    consuming = _ZERO_WIDTH.sub("", pattern)
    matching = st.from_regex(re.compile(consuming, re.IGNORECASE), fullmatch=True)
    texts = data.draw(st.lists(st.one_of(matching, st.text(alphabet="abAB iıİKſก-",
                                                            max_size=10)),
                               min_size=1, max_size=6), label="texts")
    for raw in texts:
        text = normalise_text(raw)
        try:    # random nested repeats can backtrack for minutes
            found = compiled.search(text, timeout=0.2)
        except TimeoutError:
            continue
        if found:
            assert any(word in text for word in need), (pattern, text, need)


def test_the_shipped_patterns_are_ruled_out_by_their_words() -> None:
    """Every prefiltered pattern of the shipped config names a word, so a text
    naming none of them is answered by one trie search."""
    matcher = Matcher(SHIPPED.topics, SHIPPED.synonyms)
    prefilter = matcher._prefilter
    assert prefilter is not None and prefilter.words is not None
    assert prefilter.rest is None


def test_a_pattern_without_words_still_matches_beside_ones_with_words() -> None:
    matcher = Matcher([
        Topic("visa", "visa", any=("/\\be-?visas?\\b/",)),
        Topic("code", "code", any=("/\\b\\d{4}-\\d{3}\\b/",)),
        Topic("cloud", "cloud", any=("/\\bg-cloud\\b/",)),
    ])
    assert matcher._prefilter is not None and matcher._prefilter.rest is not None
    assert matcher.match("form 2566-123 is out") == [TopicMatch("code", "/\\b\\d{4}-\\d{3}\\b/")]
    assert matcher.match("E-VISA opens") == [TopicMatch("visa", "/\\be-?visas?\\b/")]
    assert matcher.match("the G-Cloud and form 2566-123") == [
        TopicMatch("code", "/\\b\\d{4}-\\d{3}\\b/"), TopicMatch("cloud", "/\\bg-cloud\\b/")]
    assert matcher.match("EVISAS are issued") == [TopicMatch("visa", "/\\be-?visas?\\b/")]
    assert matcher.match("visas, not evisa2") == []
    assert matcher.match("nothing to see") == []
