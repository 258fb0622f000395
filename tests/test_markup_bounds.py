"""Markup on which lexbor's tree builder is not linear never reaches it as it is.

Besides depth (test_extract_auto), two counts cost lexbor their square, and it
holds the interpreter's lock meanwhile: the distinct attributes of one element
and the options of one <select>. A page of a few hundred KB of either took
seconds, and one of 5 MB, the most a page may be, would take hours, freezing
the crawl. `parse_html`, through which every HTML parse goes, refuses an
element with more than MAX_ATTRIBUTES attributes (however its tag is written
to look short) and reads the largest dropdowns as lists.

What these tests show is the outcome, not the time: `benchmarks/hostile_pages.py`
prints the times.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from monitor.errors import ExtractError
from monitor.extract.bounds import MAX_ATTRIBUTES, OPTION_WORK, parse_html, scan_tag
from monitor.extract.cleaning import html_to_text

# One element's attributes, written the ways HTML's tokenizer reads as separate
# attributes while a scan for long tags might not: a `<` in each name, a `>` in
# each quoted value, no blank between them, `/` between them.
SPELLINGS = {
    "plain": lambda n: " ".join(f"a{i}=1" for i in range(n)),
    "a < in each name": lambda n: " ".join(f"x<{i}" for i in range(n)),
    "a > in each value": lambda n: " ".join(f'a{i}=">"' for i in range(n)),
    "no blanks": lambda n: "".join(f'a{i}="1"' for i in range(n)),
    "slashes": lambda n: "/".join(f"a{i}" for i in range(n)),
}


def element(attributes: str) -> str:
    return f"<html><body><p>ข่าว</p><a {attributes}>ข่าวรัฐบาลดิจิทัล</a></body></html>"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_each_spelling_is_what_lexbor_reads_as_that_many_attributes(spelling: str) -> None:
    tree = LexborHTMLParser(element(SPELLINGS[spelling](300)))
    anchor = tree.css_first("a")
    assert anchor is not None and len(anchor.attributes) == 300


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_an_element_with_more_attributes_than_any_real_one_is_refused(spelling: str) -> None:
    with pytest.raises(ExtractError, match="a tag with more than 1,000 attributes; refused"):
        parse_html(element(SPELLINGS[spelling](MAX_ATTRIBUTES + 1)))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_an_end_tag_with_as_many_is_refused_too(spelling: str) -> None:
    """Lexbor reads an end tag's attributes before dropping them, at the same cost."""
    with pytest.raises(ExtractError, match="a tag with more than 1,000 attributes"):
        parse_html(f"<p>ข่าว</p {SPELLINGS[spelling](MAX_ATTRIBUTES + 1)}>")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_up_to_the_bound_the_element_is_read(spelling: str) -> None:
    anchor = parse_html(element(SPELLINGS[spelling](MAX_ATTRIBUTES))).css_first("a")
    assert anchor is not None and len(anchor.attributes) == MAX_ATTRIBUTES


@pytest.mark.parametrize("tag", [
    # Long tags with few attributes: an image inlined as data, a long inline style.
    '<img alt="แผนที่" src="data:image/png;base64,' + "iVBORw0KGgo" * 20_000 + '">',
    '<div style="' + "color: red; " * 10_000 + '">',
    # Many attributes of one name: lexbor keeps the first and is quick about it.
    "<a " + " ".join("a=1" for _ in range(30_000)) + ">",
    # A tag the page ends inside (a page cut short), of a few attributes.
    '<a href="/n/1" class="x',
])
def test_long_tags_of_few_distinct_attributes_are_read(tag: str) -> None:
    assert parse_html(f"<html><body><p>ข่าว</p>{tag}</body></html>").css_first("p") is not None


def options(count: int) -> str:
    return "".join(f'<option value="{i}">ตำบล {i}</option>' for i in range(count))


def test_a_dropdown_of_every_local_government_stays_a_dropdown() -> None:
    tree = parse_html(f"<form><select name='lao'>{options(7_850)}</select></form>")
    assert tree.css_first("select") is not None and len(tree.css("option")) == 7_850


def test_dropdowns_past_the_bound_are_read_as_lists() -> None:
    count = int(OPTION_WORK ** 0.5) + 1
    html = (f"<ul><li><a href='/n/1'>ข่าว</a></li></ul><SELECT name='x'>{options(count)}"
            "</SELECT><select name='y'><option>ก</option></select>")
    tree = parse_html(html)
    assert tree.css("select") == [] and len(tree.css("option")) == count + 1
    assert tree.css_first("ul li a") is not None   # the rest of the page as it was


def test_the_bound_adds_up_over_a_pages_dropdowns() -> None:
    half = int((OPTION_WORK / 2) ** 0.5)
    assert parse_html(f"<select>{options(half)}</select>" * 2).css_first("select") is not None
    assert parse_html(f"<select>{options(half + 2)}</select>" * 2).css_first("select") is None


@pytest.mark.parametrize("fragment", [
    "<div>" * 2_000 + "ประกาศ สพร. &amp; ฉบับใหม่" + "</div>" * 2_000,
    element(SPELLINGS["plain"](MAX_ATTRIBUTES + 1)),
])
def test_a_summary_no_tree_may_hold_is_still_read_as_its_text(fragment: str) -> None:
    text = html_to_text(fragment)
    assert ("ประกาศ สพร. & ฉบับใหม่" in text or "ข่าวรัฐบาลดิจิทัล" in text), text
    assert "<" not in text


# Pieces of tags as sloppy editors and hostile pages write them: quotes inside names,
# names that begin with `=`, values unquoted or never closed, `<` and `/` anywhere.
PIECES = ["a", "b", "C", "1", '"', "'", "=", " ", "/", "<", "\n", "x=", ' c="d"', "'q'", "&"]


@given(body=st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
@settings(max_examples=3000, derandomize=True)
def test_the_scan_ends_each_tag_and_counts_its_attributes_as_lexbor_does(body: str) -> None:
    """The bound is only as good as this agreement: a scan that ended tags elsewhere
    read a Joomla page's `<strong style="><b>...` (a quote opening no value) as one
    tag of 250 KB and 1,532 attributes, and refused a page lexbor reads at once."""
    text = f"<a {body}><i>m</i>"
    end, names = scan_tag(text, 0)
    tree = LexborHTMLParser(text)
    closed = end < len(text)
    assert closed == (tree.css_first("i") is not None)
    if closed:   # a tag the text ends inside is dropped by lexbor, and counts nothing
        anchor = tree.css_first("a")
        assert anchor is not None and len(anchor.attributes) == len(names), names


def test_a_quote_in_a_name_opens_no_value() -> None:
    # The shape of the Joomla page: an unclosed style value, whose closing quote is
    # the opening one of the next tag's value; then the page's text, words and quotes.
    page = ('<html><body><p><strong style="><b>ประกาศ</b></p><div align="center" '
            'style="text-align: left;">'
            + "".join(f'ประกาศ "ผลการประกวดราคา" ครั้งที่ {n} ' for n in range(1500))
            + '<a href="/n/1">ประกาศผลการประกวดราคาซื้อครุภัณฑ์</a></div></body></html>')
    tree = parse_html(page)
    anchor = tree.css_first("a")
    assert anchor is not None and anchor.attributes == {"href": "/n/1"}
