"""One URL, one item: the variants a canonical URL must merge, and those it must not."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from monitor.extract.cleaning import safe_link
from monitor.text.urls import _canonical, canonical_url, is_plain, is_publishable

SAME = [
    ("https://www.dga.or.th/news/1", "HTTPS://WWW.DGA.OR.TH/news/1"),
    ("https://dga.or.th/news/1", "https://dga.or.th:443/news/1"),
    ("http://dga.or.th/news/1", "http://dga.or.th:80/news/1"),
    ("https://dga.or.th/news/1", "https://dga.or.th/news/1#comments"),
    ("https://dga.or.th/news/1", "https://dga.or.th/news/1/"),
    ("https://dga.or.th/news/1", "https://dga.or.th/news/1?utm_source=fb&utm_medium=social"),
    ("https://dga.or.th/news/1", "https://dga.or.th/news/1?fbclid=IwAR0abc"),
    ("https://dga.or.th/news/1", "https://dga.or.th/news/1?gclid=xyz"),
    ("https://dga.or.th/n?id=1&cat=2", "https://dga.or.th/n?cat=2&id=1"),
    ("https://dga.or.th/n?id=1", "https://dga.or.th/n?id=1&utm_campaign=x#top"),
    ("https://dga.or.th/ข่าว/1", "https://dga.or.th/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7/1"),
    ("https://dga.or.th/", "https://dga.or.th"),
    ("http://dga.or.th/news/1", "https://dga.or.th/news/1"),
    ("https://www.dga.or.th/news/1", "https://dga.or.th/news/1"),
]

DIFFERENT = [
    ("https://dga.or.th/news/1", "https://dga.or.th/news/2"),
    ("https://dga.or.th/n?id=1", "https://dga.or.th/n?id=2"),
    ("https://dga.or.th/News/1", "https://dga.or.th/news/1"),   # paths are case-sensitive
    ("https://dga.or.th:8443/news/1", "https://dga.or.th/news/1"),
    ("https://dga.or.th/news/1", "https://opdc.go.th/news/1"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_variants_of_one_url_are_one(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_urls_stay_different(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


@pytest.mark.parametrize(("url", "ok"), [
    ("https://dga.or.th/x", True),
    ("http://dga.or.th/x", True),
    ("javascript:alert(1)", False),
    ("JavaScript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("file:///etc/passwd", False),
    ("mailto:a@b.c", False),
    ("ftp://dga.or.th/x", False),
    ("https:///nohost", False),
    ("", False),
])
def test_only_http_links_are_publishable(url: str, ok: bool) -> None:
    assert is_publishable(url) is ok


@given(scheme=st.sampled_from(["http", "https"]),
       host=st.one_of(
           st.from_regex(r"(www\.)?[a-zA-Z0-9-]{1,12}(\.[a-z0-9-]{1,8}){0,3}\.?",
                         fullmatch=True),
           st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,4}", fullmatch=True)),
       port=st.one_of(st.none(), st.integers(0, 99999).map(str), st.sampled_from(
           ["80", "443", "080", "0443", "8080"])),
       path=st.one_of(st.none(), st.from_regex(r"/[A-Za-z0-9._~/-]{0,40}", fullmatch=True)))
@example(scheme="https", host="x.go.th", port=None, path="/news/../1")    # dot segments
@example(scheme="https", host="x.go.th", port=None, path="/news/./1")
@example(scheme="http", host="x.go.th", port=None, path="/.")
@settings(max_examples=3000)
def test_a_plain_link_gets_the_identity_the_whole_rule_gives(
        scheme: str, host: str, port: str | None, path: str | None) -> None:
    """canonical_url skips w3lib for links written only in characters it leaves as they are;
    the identity must be the one the whole rule gives (items stored before the shortcut
    keep theirs)."""
    url = f"{scheme}://{host}{':' + port if port is not None else ''}{path or ''}"
    assert canonical_url(url) == _canonical(url), url
    # ... and that resolving and checking it, which skip their parsing too, give theirs
    if is_plain(url):
        assert is_publishable(url)
        for base in ("https://x.go.th/news/", "http://x.go.th/"):
            assert safe_link(url, base) == urljoin(base, url)
