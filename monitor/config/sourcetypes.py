"""Every source type, declared once.

A source type is a name users write in `type:`, the extractor that reads its
documents, and the `select:` keys it accepts. Config validation, the extract
registry and the README's table all come from `SOURCE_TYPES`, so adding a type
is one record here and one extractor module.

Extractors are named by dotted path and imported on first use: checking a
config must not pay for feedparser or the HTML parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SourceKind = Literal["feed", "sitemap", "html", "auto"]


@dataclass(frozen=True)
class SourceType:
    name: SourceKind
    summary: str                        # one line for `monitor check` and the README
    extractor: str                      # "module:function", `(Document, Source) -> Extraction`
    select_keys: tuple[str, ...] = ()   # keys allowed under `select:`; () means no `select:`
    select_required: tuple[str, ...] = ()   # of those, the ones a source must give


SOURCE_TYPES: dict[str, SourceType] = {
    t.name: t for t in (
        SourceType("feed", "RSS 0.9x/1.0/2.0, Atom or JSON Feed (Google News searches too)",
                   "monitor.extract.feed:extract"),
        SourceType("sitemap", "XML sitemap, sitemap index or Google News sitemap",
                   "monitor.extract.sitemap:extract"),
        SourceType("html", "a listing page read with CSS selectors under `select:`",
                   "monitor.extract.html:extract",
                   select_keys=("item", "title", "link", "date", "summary"),
                   select_required=("item",)),
        SourceType("auto", "a listing page whose block of article links the monitor finds itself",
                   "monitor.extract.auto:extract"),
    )
}


def source_type(name: str) -> SourceType:
    """The record of a type name; KeyError for an unknown one (config has said so already)."""
    return SOURCE_TYPES[name]
