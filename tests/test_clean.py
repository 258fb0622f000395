"""Plain-text hygiene: the shortcuts for already clean strings change nothing.

`collapse` and `safe_link` skip their clean-up when a string is printable and
has no stray space (most scraped titles and links); whatever the string, the
result must be that of the full clean-up.
"""

from __future__ import annotations

from urllib.parse import urljoin

from hypothesis import example, given, settings
from hypothesis import strategies as st

from monitor.extract.cleaning import safe_link
from monitor.text.clean import collapse, strip_controls
from monitor.text.urls import is_publishable

# Spaces of every kind, controls, a lone surrogate, XML's non-characters, Thai.
_AWKWARD = st.lists(st.sampled_from(
    [*"ab/:.?#=", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\x00", "\x1f", "\x7f",
     "\x85", "\ud800", "\ufffe", "\uffff", "ท", "\u200b"]),
    max_size=14).map("".join)


@settings(max_examples=500)
@given(_AWKWARD)
@example("a  b")
@example(" a")
@example("a ")
@example("a\u00a0b")
@example("a\x00b")
def test_collapse_is_the_full_fold(text: str) -> None:
    assert collapse(text) == " ".join(strip_controls(text).split())


@settings(max_examples=500)
@given(st.one_of(_AWKWARD, _AWKWARD.map("https://example.org/{}".format),
                 _AWKWARD.map("/news/{}".format)))
@example("/a b")
@example("/a\tb")
@example("/a\x00b")
@example(" ")
def test_safe_link_is_the_full_clean_up(href: str) -> None:
    base = "https://example.org/list/"
    cleaned = "".join(strip_controls(href).split())
    try:
        expected = urljoin(base, cleaned) if cleaned else None
    except ValueError:
        expected = None
    if expected is not None and not is_publishable(expected):
        expected = None
    assert safe_link(href, base) == expected
