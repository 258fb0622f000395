"""Extractors: one Document in, an Extraction of raw items out, one module per source type.

Every extractor is a pure function `(Document, Source) -> Extraction`: no
network, no database, no date interpretation beyond what the format states
in structured form. The registry is a plain dict so that adding a source type
is one line here and one module beside this file.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from monitor.errors import ExtractError
from monitor.extract import feed, html, sitemap
from monitor.models import Document, Extraction
from monitor.settings import Source

Extractor = Callable[[Document, Source], Extraction]


def _auto(doc: Document, source: Source) -> Extraction:
    """Defer to monitor.extract.auto, imported on first use.

    It is written separately and pulls in heavier heuristics; importing it
    lazily keeps this registry importable (and the other types usable) on its own.
    """
    try:
        module = importlib.import_module("monitor.extract.auto")
    except ModuleNotFoundError as exc:
        if exc.name != "monitor.extract.auto":
            raise
        raise ExtractError("the auto source type is not available in this build") from exc
    result: Extraction = module.extract(doc, source)
    return result


EXTRACTORS: dict[str, Extractor] = {
    "feed": feed.extract,
    "sitemap": sitemap.extract,
    "html": html.extract,
    "auto": _auto,
}


def get_extractor(source_type: str) -> Extractor:
    """The extractor of a source type; an unknown type names the valid ones."""
    try:
        return EXTRACTORS[source_type]
    except KeyError:
        valid = ", ".join(sorted(EXTRACTORS))
        raise ExtractError(
            f"unknown source type {source_type!r}; valid types are: {valid}"
        ) from None


__all__ = ["EXTRACTORS", "ExtractError", "Extractor", "get_extractor"]
