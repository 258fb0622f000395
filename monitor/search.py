"""Search the published archive: an SQLite FTS5 index of titles, summaries and main text.

Thai is indexed pre-segmented (monitor.text.words), so a query matches whole
words: `ทางรัฐ` finds "แอปทางรัฐ" but not "ทางรัฐบาล". Every term of the user's
query (a word, or words "in quotes") is segmented the same way and quoted as
an FTS5 phrase, so nothing a user types (`NEAR`, `AND`, `*`, parentheses,
stray quotes) is FTS5 syntax; the terms must all occur (AND).
The expression is bound as an SQL parameter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from monitor.config.settings import Config
from monitor.errors import StoreError
from monitor.models import Entry
from monitor.publish.render import render
from monitor.store import Store
from monitor.text.words import index_words

__all__ = ["Hit", "fts_query", "search", "search_html", "search_json"]

MAX_TERMS = 16          # a longer query is cut: it would not find more, only cost more
MAX_QUERY_CHARS = 500
BANGKOK = ZoneInfo("Asia/Bangkok")
_TERM = re.compile(r'"([^"]*)"|([^\s"]+)')   # a "quoted phrase" or a bare word


@dataclass(frozen=True)
class Hit:
    entry: Entry
    rank: float     # FTS5 bm25: lower is better


def fts_query(query: str) -> str | None:
    """The FTS5 expression for a user's query, or None when it holds no word."""
    phrases = []
    # FTS5 reads a string only up to a NUL; no control character is a word anyway.
    query = "".join(c if c.isprintable() else " " for c in query[:MAX_QUERY_CHARS])
    for quoted, bare in _TERM.findall(query)[:MAX_TERMS]:
        phrase = fts_phrase(quoted or bare)
        if phrase:
            phrases.append(phrase)
    return " AND ".join(phrases) if phrases else None


def fts_phrase(text: str) -> str | None:
    """`text` as one FTS5 phrase of its words: its words in this order, nothing else."""
    tokens = index_words(text).split()
    return '"' + " ".join(tokens).replace('"', '""') + '"' if tokens else None


def search(store_or_db: Store | Path | str, query: str, topic: str | None = None,
           since: date | datetime | None = None, limit: int = 50, *,
           tz: ZoneInfo = BANGKOK) -> list[Hit]:
    """Published stories matching every term of `query`, best first.

    `since` as a date means midnight of that day in `tz`.
    """
    expression = fts_query(query)
    if expression is None:
        return []
    if isinstance(since, date) and not isinstance(since, datetime):
        since = datetime.combine(since, time(0), tzinfo=tz)
    if isinstance(store_or_db, Store):
        return _run(store_or_db, expression, topic, since, limit)
    with Store(store_or_db) as store:
        return _run(store, expression, topic, since, limit)


def _run(store: Store, expression: str, topic: str | None, since: datetime | None,
         limit: int) -> list[Hit]:
    return [Hit(entry, rank) for entry, rank in
            store.search(expression, topic=topic, since=since, limit=limit)]


def search_html(query: str, hits: list[Hit], *, title: str, tz: ZoneInfo = BANGKOK) -> str:
    """A self-contained Thai results page; every scraped field autoescaped."""
    return render("search.html", {"query": query, "hits": hits, "title": title, "tz": tz})


def search_json(query: str, hits: list[Hit]) -> str:
    return json.dumps({
        "query": query,
        "count": len(hits),
        "results": [{
            "title": h.entry.title, "link": h.entry.link, "summary": h.entry.summary,
            "published": h.entry.published.isoformat(), "topics": list(h.entry.topics),
            "guid": h.entry.guid,
            "sources": [{"source": r.source, "link": r.link, "outlet": r.outlet}
                        for r in h.entry.reports],
        } for h in hits],
    }, ensure_ascii=False, indent=1)


def search_response(config: Config, path: str, accept: str = "") -> tuple[int, str, bytes]:
    """(status, content type, body) for GET /search?q=...[&topic=][&since=][&format=json].

    JSON when asked by `format=json` or an Accept header preferring it; HTML otherwise.
    """
    params = parse_qs(urlsplit(path).query)
    query = (params.get("q") or [""])[0][:MAX_QUERY_CHARS * 4]
    topic = (params.get("topic") or [""])[0] or None
    since_text = (params.get("since") or [""])[0]
    wants_json = (params.get("format") or [""])[0] == "json" or (
        "application/json" in accept and "text/html" not in accept)
    try:
        since = date.fromisoformat(since_text) if since_text else None
    except ValueError:
        since = None
    try:
        hits = search(config.database, query, topic=topic, since=since,
                      tz=config.timezone) if query.strip() else []
    except StoreError:
        return 503, "text/plain; charset=utf-8", b"the database is not readable"
    if wants_json:
        return 200, "application/json; charset=utf-8", search_json(query, hits).encode()
    return (200, "text/html; charset=utf-8",
            search_html(query, hits, title=config.feed.title, tz=config.timezone).encode())


def search_handler(config: Config) -> Callable[[str, str], tuple[int, str, bytes]]:
    """`/search` for `--serve`: the server knows paths and headers, this module the archive."""
    return lambda path, accept: search_response(config, path, accept)
