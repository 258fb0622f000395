"""`auto` on data rather than markup: a JSON body, or the JSON a page embeds.

A JSON API or a Next.js page names its articles outright (title, link, date
fields), which beats guessing from links; but the field names differ per site,
so `embedded.find_list` picks them by name and these functions turn the pick
into items and into notes that show the `type: json` entry doing the same
reading, for the user to paste when they want it fixed.
"""

from __future__ import annotations

import json
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from monitor.config.settings import Source
from monitor.errors import ExtractError
from monitor.extract import embedded
from monitor.extract.cleaning import epoch_date, parse_iso_aware
from monitor.models import Document, Extraction, RawItem

_JSONFEED = ("https://jsonfeed.org/version/1", "http://jsonfeed.org/version/1")


def read_json_body(doc: Document, source: Source) -> Extraction:
    """A JSON document given to `auto`: read its best list, and say which type fits."""
    try:
        data = json.loads(doc.text)
    except (ValueError, RecursionError) as exc:
        raise ExtractError(f"invalid JSON in {doc.url}: {exc}") from exc
    version = data.get("version") if isinstance(data, dict) else None
    if isinstance(version, str) and version.startswith(_JSONFEED):
        hint = "this is a JSON Feed: use type: feed"
    elif _is_wordpress(data):
        hint = ("this is WordPress's REST API: type: json with select: "
                + json.dumps(embedded.WORDPRESS_SELECT, ensure_ascii=False))
    else:
        hint = ""
    result = _read(data, doc.url, "a JSON body")
    if result is None:
        return Extraction(warnings=[
            f"{source.name}: {doc.url} is JSON with no list of titled records; "
            "use type: json with select: to name the records"],
            notes=[hint] if hint else [])
    notes = [f"{hint} (it reads the same items)"] if hint else []
    return Extraction(items=result.items, warnings=result.warnings,
                      notes=[*notes, *result.notes])


def read_embedded(doc: Document, tree: LexborHTMLParser | None = None) -> Extraction | None:
    """Items from the page's embedded data, when a block holds a list of articles
    (`tree`: the page parsed, when the caller has it)."""
    blocks = embedded.blocks((doc.text or "") if tree is None else tree)
    for block in blocks:
        if block.kind == "JSON-LD":
            records = embedded.ld_articles(block.data, doc.url)
            if records:
                return Extraction(items=[_raw(r) for r in records], notes=[
                    f"read the page's JSON-LD ({len(records)} articles named there)"])
            continue
        result = _read(block.data, doc.url, f"the page's {block.kind}")
        if result is not None and result.items:
            return result
    return None


def _read(data: Any, url: str, origin: str) -> Extraction | None:
    found = embedded.find_list(data, url)
    if found is None:
        return None
    records, dropped = embedded.read_records(found, url)
    if not records:
        return None
    select = {"item": found.path, "title": found.title}
    notes = [f"read {origin}: {len(records)} records at {found.path!r}, title {found.title!r}"]
    if found.link:
        select["link"] = found.link
    else:
        guess = f"{embedded.collection(url)}/{{{found.id_key}}}"
        select["link"] = guess
        guessed = (f"the data has no link field, so links are guessed as {guess} (a listing's "
                   "usual route): open one in a browser, and if it is wrong use type: json "
                   "with the site's own link template")
    if found.date_select:
        select["date"] = found.date_select
    notes.append("the same as type: json with select: "
                 + json.dumps(select, ensure_ascii=False))
    warnings = [f"skipped {dropped} records without a title or link"] if dropped else []
    if not found.link:
        warnings.append(guessed)
    return Extraction(items=[_raw(r) for r in records], notes=notes, warnings=warnings)


def _raw(record: embedded.Record) -> RawItem:
    return RawItem(title=record.title, link=record.link, summary=record.summary,
                   date_text=record.date,
                   published=parse_iso_aware(record.date) or epoch_date(record.date))


def _is_wordpress(data: Any) -> bool:
    return (isinstance(data, list) and bool(data) and isinstance(data[0], dict)
            and isinstance(data[0].get("title"), dict) and "rendered" in data[0]["title"]
            and "link" in data[0])
