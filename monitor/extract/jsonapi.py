"""The `json` source type: a JSON API, or the JSON a page embeds, read with JMESPath.

`select.item` is a JMESPath expression giving the list of records (a filter
such as `data[?is_show=='1']` drops rows the site hides); `title`, `link`,
`date` and `summary` are expressions evaluated on one record. Defaults:
title `title` (WordPress's `title.rendered` is understood), link `url || link`.
A `link` that starts with `http://`, `https://` or `/` and holds `{...}` is a
template: each `{expression}` is replaced by its value on the record,
percent-encoded (`"https://www.dbd.go.th/news/{slug}"`); a relative result is
resolved against the document URL.

`html:` names a field holding an HTML listing (a widget that returns markup
inside JSON). Then `item`, `title`, `link`, `date` and `summary` are CSS
selectors, exactly as for `type: html`, applied to that HTML.

When the document is an HTML page rather than JSON, the root is the page's
embedded data: the element `script:` selects (a CSS selector), else the first of
`__NEXT_DATA__`, `__NUXT__`, Next.js flight rows (a list), JSON-LD (a list).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import quote

import jmespath
from jmespath.exceptions import JMESPathError

from monitor.config.settings import Selectors, Source
from monitor.config.sourcetypes import is_link_template
from monitor.errors import ExtractError
from monitor.extract import another_type, embedded
from monitor.extract.cleaning import epoch_date, html_to_text, parse_iso_aware, safe_link
from monitor.extract.html import read_listing
from monitor.models import Document, Extraction, RawItem
from monitor.text.clean import collapse, strip_document_controls

DEFAULT_TITLE = "title"
DEFAULT_LINK = "url || link"
_SLOT = re.compile(r"\{([^{}]*)\}")


def extract(doc: Document, source: Source) -> Extraction:
    """Read the records of one JSON document (or of a page's embedded JSON)."""
    select = source.select
    if select is None:
        raise ExtractError(f"source {source.name!r} has type json but no `select:`")
    data, origin = load_root(doc, select.script)
    notes = [f"read {origin}"]
    if select.html:
        return _html_inside(doc, data, select, notes)
    records = _search("item", select.item, data)
    if records is None:
        return Extraction(notes=notes, warnings=[
            f"select.item {select.item!r} matched nothing in {doc.url} ({_shape(data)})"])
    if not isinstance(records, list):
        records = [records]
    items: list[RawItem] = []
    dropped: Counter[str] = Counter()
    unread = 0
    for at, record in enumerate(records):
        if len(items) == source.fetch.max_items:
            unread = len(records) - at
            break
        item = _record(record, select, doc.url)
        if isinstance(item, str):
            dropped[item] += 1
        else:
            items.append(item)
    notes.append(f"{len(records)} records matched select.item {select.item!r}")
    warnings = [f"skipped {n} {'record' if n == 1 else 'records'} {why}"
                for why, n in sorted(dropped.items())]
    if not items and records:
        # Every record skipped: the title or link expression names no field of them.
        first = records[0]
        warnings.append("the first record " + (f"has {_keys(first)}" if isinstance(first, dict)
                                               else "is not an object"))
    return Extraction(items=items, warnings=warnings, notes=notes, unread=unread)


SHAPE_KEYS = 8


def _keys(value: dict[str, Any]) -> str:
    names = [json.dumps(k, ensure_ascii=False) for k in list(value)[:SHAPE_KEYS]]
    more = ", ..." if len(value) > SHAPE_KEYS else ""
    return f"keys {', '.join(names)}{more}" if names else "no keys"


def _shape(data: Any) -> str:
    """The top of a JSON value in a few words, for a `select.item` that found nothing:
    the keys a user's expression must start from."""
    if isinstance(data, dict):
        return f"its top level is an object with {_keys(data)}"
    if isinstance(data, list):
        first = data[0] if data else None
        of = f" of objects with {_keys(first)}" if isinstance(first, dict) else ""
        return f"its top level is a list of {len(data)}{of}"
    return "its top level is a single value, not an object or a list"


def load_root(doc: Document, script: str | None) -> tuple[Any, str]:
    """The JSON value JMESPath starts from, and a phrase saying where it came from."""
    text = strip_document_controls(doc.text).removeprefix("\ufeff").strip()
    if text[:1] in ("{", "["):
        try:
            return json.loads(text), "a JSON body"
        except (ValueError, RecursionError) as exc:
            raise ExtractError(f"invalid JSON in {doc.url}: {exc}") from exc
    if script:
        data = embedded.script_data(text, script)
        if data is None:
            raise ExtractError(f"select.script {script!r} found no JSON in {doc.url}")
        return data, f"the JSON in {script!r}"
    found = embedded.blocks(text)
    if not found:
        wrong = another_type(doc, "json", "html")
        if wrong:
            raise ExtractError(f"not JSON: {wrong}")
        raise ExtractError(f"{doc.url} is neither JSON nor a page with embedded JSON "
                           "(__NEXT_DATA__, __NUXT__, Next.js flight data, JSON-LD); "
                           "use type: html or type: auto")
    return found[0].data, f"the page's {found[0].kind}"


def _search(key: str, expression: str, data: Any) -> Any:
    try:
        return jmespath.search(expression, data)
    except JMESPathError as exc:   # config checked the syntax; this is a runtime type error
        raise ExtractError(f"select.{key} {expression!r}: {' '.join(str(exc).split())}") from exc


def _record(record: Any, select: Selectors, base: str) -> RawItem | str:
    title = html_to_text(_text(_search("title", select.title or DEFAULT_TITLE, record)),
                         limit=None)
    if not title:
        return "without a title"
    raw_link = (_fill(select.link, record) if select.link and is_link_template(select.link)
                else _text(_search("link", select.link or DEFAULT_LINK, record)))
    link = safe_link(raw_link, base)
    if link is None:
        return "without an http(s) link"
    date_text = collapse(_text(_search("date", select.date, record))) if select.date else ""
    summary = (html_to_text(_text(_search("summary", select.summary, record)))
               if select.summary else "")
    return RawItem(title=title, link=link, summary=summary, date_text=date_text or None,
                   published=parse_iso_aware(date_text) or epoch_date(date_text))


def _fill(template: str, record: Any) -> str:
    """A link template with each `{expression}` replaced by its encoded value; empty
    when a slot has no value (a link to the listing itself would be wrong)."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        text = _text(_search("link", match.group(1).strip(), record))
        missing = missing or not text
        return quote(text, safe="")

    link = _SLOT.sub(value, template)
    return "" if missing else link


def _text(value: Any) -> str:
    """JSON values as text: strings and numbers; WordPress `{"rendered": ...}`; the first
    of a list; anything else is missing."""
    if isinstance(value, dict) and "rendered" in value:
        value = value["rendered"]
    if isinstance(value, list):
        value = next((v for v in value if v not in (None, "")), None)
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value).strip()
    return ""


def _html_inside(doc: Document, data: Any, select: Selectors, notes: list[str]) -> Extraction:
    assert select.html is not None
    value = _search("html", select.html, data)
    parts = value if isinstance(value, list) else [value]
    markup = "\n".join(p for p in parts if isinstance(p, str))
    if not markup.strip():
        return Extraction(notes=notes, warnings=[
            f"select.html {select.html!r} holds no HTML string in {doc.url}"])
    inner = Document(url=doc.url, content=markup.encode("utf-8"), text=markup,
                     encoding="utf-8", content_type="text/html")
    css = Selectors(item=select.item, title=select.title, link=select.link,
                    date=select.date, summary=select.summary)
    result = read_listing(inner, css)
    return Extraction(items=result.items, warnings=result.warnings,
                      notes=[*notes, f"HTML from select.html {select.html!r}", *result.notes])
