"""Trie-shaped patterns find exactly what an alternation of the same words finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
