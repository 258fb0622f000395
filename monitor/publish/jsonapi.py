"""items.json and sources.json: the machine-readable outputs, each with its JSON Schema.

Field names here are a promise to other programs (documented in the README):
add fields freely, never rename or remove one without raising `version`.
Dates are ISO 8601 with the configured timezone's offset.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from monitor.config.settings import Config, Source
from monitor.health import Health
from monitor.models import Entry
from monitor.publish.feeds import outlet_name

VERSION = 1
ITEMS_FILE, ITEMS_SCHEMA = "items.json", "items.schema.json"
SOURCES_FILE, SOURCES_SCHEMA = "sources.json", "sources.schema.json"

Details = Mapping[int, tuple[str | None, list[tuple[str, str]]]]


def _when(value: datetime | None, config: Config) -> str | None:
    return value.astimezone(config.timezone).isoformat() if value else None


def items_json(config: Config, entries: Sequence[Entry], details: Details,
               now: datetime) -> str:
    titles = {s.name: s.display_title for s in config.sources}
    items = []
    for entry in entries:
        date_text, matches = details.get(entry.id, (None, []))
        items.append({
            "id": entry.guid,
            "title": entry.title,
            "url": entry.link,
            "summary": entry.summary,
            "published": _when(entry.published, config),
            "date_text": date_text,
            "date_is_first_seen": entry.date_is_first_seen,
            "first_seen": _when(entry.first_seen, config),
            "topics": list(entry.topics),
            "matched": [{"topic": t, "keyword": k} for t, k in matches],
            "outlets": [{"source": r.source, "name": outlet_name(r, titles), "url": r.link}
                        for r in entry.reports],
        })
    return _dump({"version": VERSION, "generated": _when(now, config),
                  "schema": urljoin(config.feed.link, ITEMS_SCHEMA), "items": items})


def sources_json(config: Config, health: Mapping[str, Health],
                 now: datetime) -> Iterator[str]:
    """The document in pieces, one source a line, for `write_atomic` to write as they
    come. Encoded whole with `indent`, json works in Python and, for 10,000 sources,
    held 28 MB of pieces to write a 3.6 MB file; a line at a time goes through the C
    encoder and holds one source."""
    head = _dump({"version": VERSION, "generated": _when(now, config),
                  "schema": urljoin(config.feed.link, SOURCES_SCHEMA)})
    yield head[:head.rindex("\n}")] + ',\n  "sources": ['
    separator = "\n    "
    for source in config.sources:
        yield separator + json.dumps(_source_record(source, health.get(source.name), config),
                                     ensure_ascii=False)
        separator = ",\n    "
    yield "\n  ]\n}\n" if config.sources else "]\n}\n"


def _source_record(source: Source, h: Health | None, config: Config) -> dict[str, Any]:
    return {
        "name": source.name,
        "title": source.display_title,
        "type": source.type,
        "url": source.public_url,
        "topics": list(source.topics) if source.topics is not None else None,
        "state": h.state if h else "new",
        "last_attempt": _when(h.last_attempt, config) if h else None,
        "last_success": _when(h.last_success, config) if h else None,
        "last_error": h.last_error if h else None,
        "consecutive_failures": h.consecutive_failures if h else 0,
        "items_last": h.items_last if h else None,
    }


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- schemas ------------------------------------------------------------------------

_DATE = {"type": "string", "format": "date-time"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date-time"}
_URL = {"type": "string", "format": "uri"}


def _document(config: Config, name: str, title: str, key: str,
              record: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": urljoin(config.feed.link, name),
        "title": title,
        "type": "object",
        "required": ["version", "generated", key],
        "properties": {
            "version": {"const": VERSION},
            "generated": _DATE,
            "schema": _URL,
            key: {"type": "array", "items": record},
        },
    }


def _record(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": sorted(properties), "properties": properties}


def items_schema(config: Config) -> str:
    item = _record({
        "id": {"type": "string", "description": "stable id, never changes with the title"},
        "title": {"type": "string"},
        "url": _URL,
        "summary": {"type": "string", "description": "plain text"},
        "published": {**_DATE, "description": "the date as read, or first_seen if none"},
        "date_text": {"type": ["string", "null"], "description": "the date as written"},
        "date_is_first_seen": {"type": "boolean"},
        "first_seen": _DATE,
        "topics": {"type": "array", "items": {"type": "string"}},
        "matched": {"type": "array", "items": _record({"topic": {"type": "string"},
                                                       "keyword": {"type": "string"}})},
        "outlets": {"type": "array", "minItems": 1, "items": _record({
            "source": {"type": "string"}, "name": {"type": "string"}, "url": _URL})},
    })
    return _dump(_document(config, ITEMS_SCHEMA, "Published stories", "items", item))


def sources_schema(config: Config) -> str:
    source = _record({
        "name": {"type": "string"},
        "title": {"type": "string"},
        "type": {"type": "string"},
        "url": {"type": "string", "description": "secrets from the environment shown as ***"},
        "topics": {"type": ["array", "null"], "items": {"type": "string"}},
        "state": {"enum": ["new", "ok", "failing", "broken", "blocked"]},
        "last_attempt": _NULLABLE_DATE,
        "last_success": _NULLABLE_DATE,
        "last_error": {"type": ["string", "null"]},
        "consecutive_failures": {"type": "integer", "minimum": 0},
        "items_last": {"type": ["integer", "null"], "minimum": 0},
    })
    return _dump(_document(config, SOURCES_SCHEMA, "Source health", "sources", source))
