"""Trie-shaped patterns find exactly what an alternation of the same words finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.text import trie
from monitor.text.trie import trie_pattern

# Few letters, so that words share prefixes and occur inside each other and the texts.
LETTERS = st.sampled_from("กขคา.Ab ")
WORDS = st.lists(st.text(LETTERS, min_size=1, max_size=5), min_size=1, max_size=12)


@given(words=WORDS, text=st.text(LETTERS, max_size=40))
def test_a_trie_matches_where_and_what_the_longest_first_alternation_does(
        words: list[str], text: str) -> None:
    alternation = re.compile("|".join(map(re.escape, sorted(set(words), key=lambda w: -len(w)))))
    trie = re.compile(trie_pattern(words))
    assert [m.span() for m in trie.finditer(text)] == \
        [m.span() for m in alternation.finditer(text)]


def test_guards_apply_at_the_words_ends() -> None:
    latin = r"[A-Za-z]"
    pattern = re.compile(trie_pattern(
        ["DGA", "ดิจิทัล"], before=lambda c: f"(?<!{latin})" if c.isascii() else "",
        after=lambda c: f"(?!{latin})" if c.isascii() else ""))
    assert [m.group() for m in pattern.finditer("DGAX xDGA DGA รัฐบาลดิจิทัลไทย")] == \
        ["DGA", "ดิจิทัล"]


def test_no_words_is_refused_rather_than_matching_everywhere() -> None:
    with pytest.raises(ValueError, match="at least one"):
        trie_pattern(["", ""])


@given(words=WORDS, text=st.text(LETTERS, max_size=40))
def test_past_the_nesting_limit_the_alternation_finds_the_same(
        words: list[str], text: str) -> None:
    pattern = re.compile(trie_pattern(words))
    limit = trie.MAX_NESTING
    trie.MAX_NESTING = 1     # every trie of branching words falls back
    try:
        flat = re.compile(trie_pattern(words))
    finally:
        trie.MAX_NESTING = limit
    assert [m.span() for m in flat.finditer(text)] == [m.span() for m in pattern.finditer(text)]


def test_words_nesting_hundreds_deep_still_compile_and_find_the_longest() -> None:
    """Each word a prefix of the next would nest one group per word: beyond what
    Python (or `re`, which parses groups recursively) can take."""
    words = ["ก" * n for n in range(1, 601)] + ["ข" * 5000]
    pattern = re.compile(trie_pattern(words))
    assert pattern.search("x" + "ก" * 800).group() == "ก" * 600
    assert pattern.search("ข" * 5000).group() == "ข" * 5000
