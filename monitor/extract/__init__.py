"""Extractors: one Document in, an Extraction of raw items out, one module per source type.

Every extractor is a pure function `(Document, Source) -> Extraction`: no
network, no database, no date interpretation beyond what the format states
in structured form. Which function reads which type is declared once, in
`monitor.config.sourcetypes`; this module only resolves and caches it.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable

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


__all__ = ["ExtractError", "Extractor", "get_extractor"]
