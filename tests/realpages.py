"""The real-page corpus (tests/fixtures/real-pages): documents as fetched, and what a
reader sees on each, for the extractor tests."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

import yaml

from monitor.models import Document

ROOT = Path(__file__).parent / "fixtures" / "real-pages"
TYPES = {".json": "application/json", ".xml": "application/rss+xml", ".html": "text/html"}


@dataclass(frozen=True)
class Page:
    file: str
    kind: str
    url: str                       # the real page URL (what links resolve against)
    items: tuple[dict[str, Any], ...]

    def document(self) -> Document:
        raw = (ROOT / "pages" / self.file).read_bytes()
        suffix = Path(self.file).suffix
        return Document(url=self.url, content=raw, text=raw.decode("utf-8"), encoding="utf-8",
                        content_type=TYPES[suffix])

    def expected(self) -> list[tuple[str, str]]:
        """(title, absolute link) of each item; links as a reader's browser resolves them."""
        out = []
        for item in self.items:
            link = item["link"]
            if link is None:
                link = TEMPLATE_LINKS[self.file].format(**item)
            out.append((" ".join(item["title"].split()), same_link(browsed(self.url, link))))
        return out


# Items whose page gives no link: the truth names the fields the link is built from.
TEMPLATE_LINKS = {
    "enforcement-dbd.json": "https://www.dbd.go.th/news/{slug}",
    "enforcement-fda.json": "https://oryor.com/media/newsUpdate/media_news/{id}",
}


def browsed(page: str, link: str) -> str:
    """Where a browser goes from `link` on `page`: a backslash before the query is a
    slash in an http(s) URL (WHATWG URL standard), which urljoin does not know."""
    path, mark, rest = link.partition("?")
    path, hash_mark, fragment = path.partition("#")
    return urljoin(page, path.replace("\\", "/") + hash_mark + fragment + mark + rest)


def same_link(url: str) -> str:
    """One spelling of a URL for comparison: percent-encoding undone, default port gone."""
    return unquote(url).replace(":443/", "/")


@cache
def pages() -> dict[str, Page]:
    truth = yaml.safe_load((ROOT / "truth.yaml").read_text("utf-8"))
    found = {}
    for entry in truth["pages"]:
        url = entry["url"].split(" (")[0]     # "https://... (after POST intro_page=1)"
        found[entry["file"]] = Page(entry["file"], entry["kind"], url, tuple(entry["items"]))
    return found


def found_pairs(items: list[Any]) -> list[tuple[str, str]]:
    return [(" ".join(i.title.split()), same_link(i.link)) for i in items]
