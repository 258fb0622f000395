"""Plain-text hygiene: the shortcuts for already clean strings change nothing.

`collapse` and `safe_link` skip their clean-up when a string is printable and
has no stray space (most scraped titles and links); whatever the string, the
result must be that of the full clean-up.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from monitor.extract.cleaning import safe_link
from monitor.text.clean import clean_href, collapse, strip_controls
from monitor.text.urls import is_publishable

# Spaces of every kind, controls, a lone surrogate, XML's non-characters, Thai.
_AWKWARD = st.lists(st.sampled_from(
    [*"ab/:.?#=", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\x00", "\x1f", "\x7f",
     "\x85", "\ud800", "\ufffe", "\uffff", "ท", "\u200b", "\\"]),
    max_size=14).map("".join)


@settings(max_examples=500)
@given(_AWKWARD)
@example("a  b")
@example(" a")
@example("a ")
@example("a\u00a0b")
@example("a\x00b")
def test_collapse_is_the_full_fold(text: str) -> None:
    assert collapse(text) == " ".join(strip_controls(text).replace("\u200b", "").split())


def test_collapse_drops_invisible_spacing_but_keeps_joiners() -> None:
    # A zero-width space between Thai words, a word joiner, a BOM inside text: none
    # shows, and each made a title another string to every comparison.
    assert collapse("ประกาศ\u200bเรื่อง\u2060การ\ufeffรับสมัคร\u200b") == "ประกาศเรื่องการรับสมัคร"
    assert collapse("ครอบครัว 👨\u200d👩\u200d👧") == "ครอบครัว 👨\u200d👩\u200d👧"


_URLISH = st.lists(st.sampled_from(
    ["http", "https", "HTTPS", "ftp", ":", "//", "/", "///", "example.org", "EXAMPLE.org",
     "[::1]", "[::1", ":8080", ":x", "?", "#", ";p", "a", "..", "%20", "@", "ท"]),
    max_size=8).map("".join)


@settings(max_examples=1000)
@given(st.one_of(_AWKWARD, _AWKWARD.map("https://example.org/{}".format),
                 _AWKWARD.map("/news/{}".format), _URLISH),
       st.sampled_from(["https://example.org/list/", "http://example.org/a?b#c",
                        "HTTP://Example.org:8080/"]))
@example("/a b", "https://example.org/list/")
@example("/a\tb", "https://example.org/list/")
@example("/a\x00b", "https://example.org/list/")
@example(" ", "https://example.org/list/")
@example("https://example.org/x?", "https://example.org/list/")     # urljoin drops the "?"
@example("http://example.org/x?", "https://example.org/list/")      # ... not across schemes
@example("https:///x", "https://example.org/list/")                 # no host: resolved
@example("https://[::1/x", "https://example.org/list/")             # unparseable
@example("http://:80/x", "https://example.org/list/")               # a port, no host
@example("HTTPS://Example.org/x;p?q#f", "https://example.org/list/")
def test_safe_link_is_the_full_clean_up(href: str, base: str) -> None:
    """The full clean-up, urljoin and is_publishable, whatever the link and page."""
    cleaned = clean_href(href)
    try:
        expected = urljoin(base, cleaned) if cleaned else None
    except ValueError:
        expected = None
    if expected is not None and not is_publishable(expected):
        expected = None
    assert safe_link(href, base) == expected


@pytest.mark.parametrize(("href", "link"), [
    # A space inside is part of the name: a browser sends it as %20.
    ("/files/ประกาศ 2568.pdf", "https://www.example.go.th/files/ประกาศ%202568.pdf"),
    ("/x?q=a b", "https://www.example.go.th/x?q=a%20b"),
    ("https://www.example.go.th/a b", "https://www.example.go.th/a%20b"),
    ("/a\u00a0b", "https://www.example.go.th/a%C2%A0b"),
    # Tabs and line breaks go wherever they are, surrounding spaces too.
    ("/news/\nview.php?id=1", "https://www.example.go.th/news/view.php?id=1"),
    ("/a\tb", "https://www.example.go.th/ab"),
    ("  /a/b \n", "https://www.example.go.th/a/b"),
    ("/a\x00b", "https://www.example.go.th/ab"),
    # Before the query a backslash is a slash (TISI's standards list links this way).
    ("http://tcps.tisi.go.th/pub\\tcps1_52.pdf", "http://tcps.tisi.go.th/pub/tcps1_52.pdf"),
    ("..\\files\\a.pdf?q=c\\d#e\\f", "https://www.example.go.th/files/a.pdf?q=c\\d#e\\f"),
])
def test_an_href_reads_as_a_browser_reads_it(href: str, link: str) -> None:
    assert safe_link(href, "https://www.example.go.th/list/") == link

