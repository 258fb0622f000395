"""Extractors: one Document in, an Extraction of raw items out, one module per source type.

Every extractor is a pure function `(Document, Source) -> Extraction`: no
network, no database, no date interpretation beyond what the format states
in structured form. Which function reads which type is declared once, in
`monitor.config.sourcetypes`; this module only resolves and caches it.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from typing import Literal

from monitor.config.settings import Source
from monitor.config.sourcetypes import SOURCE_TYPES
from monitor.errors import ExtractError
from monitor.models import Document, Extraction

Extractor = Callable[[Document, Source], Extraction]


@functools.cache
def get_extractor(source_type: str) -> Extractor:
    """The extractor of a source type; an unknown type names the valid ones."""
    record = SOURCE_TYPES.get(source_type)
    if record is None:
        valid = ", ".join(sorted(SOURCE_TYPES))
        raise ExtractError(f"unknown source type {source_type!r}; valid types are: {valid}")
    module_name, _, function = record.extractor.partition(":")
    extractor: Extractor = getattr(importlib.import_module(module_name), function)
    return extractor


BodyKind = Literal["json", "sitemap", "feed", "html"]
# The root elements, as found anywhere in the first 4 KB: a PHP warning printed
# before a feed's XML declaration is common on agency servers. An HTML page's own
# tags come before anything its scripts or text say about feeds.
_SITEMAP_ROOT = re.compile(r"<(?:urlset|sitemapindex)\b")
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:rdf)\b")
_HTML_PAGE = re.compile(r"<(?:!doctype\s+html|html|head|body)[\s>]")


def body_kind(doc: Document) -> BodyKind:
    """What a body is, from its first 4 KB, whatever its Content-Type says: agency
    servers label feeds text/html and pages text/xml, and users write the URL of a
    feed where a page was expected."""
    head = (doc.text or "")[:4096].lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("{", "[")):
        return "json"
    page = _HTML_PAGE.search(head)
    before = page.start() if page else len(head)
    if _SITEMAP_ROOT.search(head, 0, before):
        return "sitemap"
    if _FEED_ROOT.search(head, 0, before):
        return "feed"
    return "html"


_WHAT = {"html": "an HTML page", "feed": "a feed", "sitemap": "a sitemap", "json": "JSON"}
_USE = {"html": "type: auto, or type: html with selectors", "feed": "type: feed",
        "sitemap": "type: sitemap", "json": "type: json"}


def another_type(doc: Document, *readable: BodyKind) -> str | None:
    """What the body plainly is and the type that reads it ("URL is a feed; use
    type: feed"), when it is none of `readable`.

    Asked only once a source's reader has found nothing: users paste a site's
    feed, sitemap or API address under the wrong type, and the reader's own
    complaint (a DTD refused, no root element, no element matched) sends them
    looking in the wrong place. None when the body's kind is not plain."""
    kind = body_kind(doc)
    if kind in readable or (kind == "html" and not _HTML_PAGE.search(
            (doc.text or "")[:4096].lower())):
        return None
    return f"{doc.url} is {_WHAT[kind]}; use {_USE[kind]}"


__all__ = ["BodyKind", "ExtractError", "Extractor", "another_type", "body_kind",
           "get_extractor"]
