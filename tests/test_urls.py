"""One URL, one item: the variants a canonical URL must merge, and those it must not."""

from __future__ import annotations

import pytest

from monitor.text.urls import canonical_url, is_publishable

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
