"""Data a page carries for its own scripts, read without running them.

Script-built listings usually ship their rows inside the HTML: Next.js in
`<script id="__NEXT_DATA__">` (pages router) or in `self.__next_f.push(...)`
chunks (app router "flight" data), Nuxt in `window.__NUXT__=` when that is
plain JSON (not a function), and many CMSs in `application/ld+json` for search
engines. This module only finds and decodes those blocks; what counts as a
list of articles is decided by `records` (for `auto`) or by the user's
JMESPath (`type: json`).

Everything here is bounded: blocks larger than the document limit are not a
concern (the fetcher caps the body), but walking decoded JSON is capped by
node count and depth so that a hostile page cannot make `records` quadratic.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.extract.bounds import parse_html
from monitor.extract.cleaning import html_to_text, safe_link
from monitor.text.clean import collapse

_NUXT = re.compile(r"^\s*window\.__NUXT__\s*=\s*", re.DOTALL)
_FLIGHT_PUSH = re.compile(r"self\.__next_f\.push\(\s*(\[.*?\])\s*\)\s*;?\s*$", re.DOTALL)
_FLIGHT_ROW = re.compile(r"^([0-9a-zA-Z]+):(.*)$")
MAX_NODES = 200_000      # JSON values visited per document by `find_list`, `ld_articles`
MAX_DEPTH = 40
MAX_LISTS = 2_000        # lists of objects weighed per document

TITLE_WORDS = ("headline", "title", "name", "subject", "topic")
LINK_WORDS = ("url", "link", "href", "permalink", "pagepath", "path", "uri")
ID_WORDS = ("slug", "uuid", "id")
DATE_WORDS = ("published", "issue", "date", "created", "start", "time", "updated", "modified")
SUMMARY_WORDS = ("excerpt", "summary", "description", "abstract", "intro", "teaser")
_IMAGE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|ico)(?:\?|$)", re.IGNORECASE)
ARTICLE_TYPES = frozenset({"article", "newsarticle", "blogposting", "report", "webpage",
                           "scholarlyarticle", "reportagenewsarticle", "analysisnewsarticle",
                           "creativework", "event", "legislation"})


@dataclass(frozen=True)
class Block:
    """One decoded block of embedded data and where it came from (for notes)."""

    kind: str     # "__NEXT_DATA__", "Next.js flight data", "__NUXT__", "JSON-LD", "JSON script"
    data: Any


def blocks(page: str | LexborHTMLParser) -> list[Block]:
    """Every embedded JSON block of a page (its text, or its tree when the caller has
    parsed it already), in the order a reader would trust them."""
    tree = parse_html(page) if isinstance(page, str) else page
    found: list[Block] = []
    flight: list[Any] = []
    ld: list[Any] = []
    for script in tree.css("script"):
        text = script.text(deep=True) or ""
        kind = (script.attributes.get("type") or "").lower().strip()
        ident = script.attributes.get("id") or ""
        if ident == "__NEXT_DATA__":
            _append(found, "__NEXT_DATA__", text)
        elif kind == "application/ld+json":
            data = _loads(text)
            if data is not None:
                ld.append(data)
        elif "__next_f" in text:
            flight.extend(_flight_rows(text))
        elif "__NUXT__" in text and _NUXT.match(text):
            _append(found, "__NUXT__", _NUXT.sub("", text, count=1).rstrip().rstrip(";"))
        elif kind == "application/json":
            _append(found, "JSON script", text)
    if flight:
        found.append(Block("Next.js flight data", flight))
    if ld:
        found.append(Block("JSON-LD", ld))
    return found


def script_data(html: str, css: str) -> Any:
    """The JSON in the elements `css` selects: one element's value, or a list of them."""
    tree = parse_html(html)
    values = [v for v in (_loads(_strip_assignment(n.text(deep=True) or ""))
                          for n in tree.css(css)) if v is not None]
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def _strip_assignment(text: str) -> str:
    """`window.X = {...};` is how pages hand JSON to scripts; keep the JSON part."""
    match = re.match(r"^\s*(?:window\.|var\s+|let\s+|const\s+)?[\w$.]+\s*=\s*", text)
    if match and not text.lstrip().startswith(("{", "[")):
        text = text[match.end():]
    return text.strip().rstrip(";")


def _append(found: list[Block], kind: str, text: str) -> None:
    data = _loads(text)
    if data is not None:
        found.append(Block(kind, data))


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _flight_rows(script: str) -> list[Any]:
    """The JSON rows of Next.js app-router chunks: `push([1, "id:json\\n..."])`."""
    match = _FLIGHT_PUSH.search(script.strip())
    chunk = _loads(match.group(1)) if match else None
    if not (isinstance(chunk, list) and len(chunk) >= 2 and isinstance(chunk[1], str)):
        return []
    rows = []
    for line in chunk[1].splitlines():
        row = _FLIGHT_ROW.match(line)
        if row and row.group(2)[:1] in ("[", "{"):
            value = _loads(row.group(2))
            if value is not None:
                rows.append(value)
    return rows


# --- finding the list of articles in decoded JSON -------------------------------------

@dataclass
class Found:
    """A list of records that looks like articles, with the fields that were used."""

    path: str                   # JMESPath of the list from the block's root
    title: str                  # JMESPath of the title within one record
    link: str | None            # ... of the link, or None when the link is guessed
    id_key: str | None          # the field a guessed link is built from
    date: str | None
    summary: str | None
    records: list[dict[str, Any]] = field(default_factory=list)
    score: float = 0.0
    # The date field is WordPress's `date_gmt`: UTC, though written without a zone.
    utc: bool = False

    @property
    def date_select(self) -> str | None:
        """The date as `type: json` selects it (see WORDPRESS_DATE)."""
        return WORDPRESS_DATE if self.utc else self.date


@dataclass(frozen=True)
class Record:
    title: str
    link: str
    date: str | None
    summary: str


# WordPress's date as `type: json` reads it: `date_gmt` as UTC, else `date`.
WORDPRESS_DATE = "date_gmt && join('', [date_gmt, 'Z']) || date"
WORDPRESS_SELECT = {"item": "[]", "title": "title.rendered", "link": "link",
                    "date": WORDPRESS_DATE}   # `/wp-json/wp/v2/posts`, as discover proposes
_ZONED = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


def find_list(data: Any, page_url: str) -> Found | None:
    """The best list of dicts with headline-like titles, anywhere in `data`."""
    best: Found | None = None
    budget = [MAX_NODES]
    for path, records in _lists(data, "", 0, budget):
        found = _describe(path, records, page_url)
        if found is not None and (best is None or found.score > best.score):
            best = found
    return best


def read_records(found: Found, page_url: str) -> tuple[list[Record], int]:
    """The items of a found list, and how many records had no usable title or link."""
    items: list[Record] = []
    dropped = 0
    for record in found.records:
        flat = _flatten(record)
        title = _text(flat.get(found.title))
        if found.link is not None:
            link = safe_link(_scalar(flat.get(found.link)), page_url)
        elif found.id_key is not None and _scalar(flat.get(found.id_key)):
            link = safe_link(collection(page_url) + "/"
                             + quote(_scalar(flat.get(found.id_key)), safe=""), page_url)
        else:
            link = None
        if not title or link is None:
            dropped += 1
            continue
        date = _scalar(flat.get(found.date)) if found.date else ""
        if found.utc and date and not _ZONED.search(date):
            date += "Z"
        elif found.utc and found.date and not date:   # no date_gmt (a draft's): the site's own
            date = _scalar(flat.get(found.date.removesuffix("_gmt")))
        items.append(Record(title=title, link=link, date=date or None,
                            summary=_text(flat.get(found.summary)) if found.summary else ""))
    return items, dropped


def _lists(data: Any, path: str, depth: int, budget: list[int]
           ) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every list of objects under `data`, with its JMESPath, breadth bounded by `budget`."""
    out: list[tuple[str, list[dict[str, Any]]]] = []
    stack: list[tuple[Any, str, int]] = [(data, path, depth)]
    while stack and budget[0] > 0 and len(out) < MAX_LISTS:
        value, where, level = stack.pop()
        budget[0] -= 1
        if level > MAX_DEPTH:
            continue
        if isinstance(value, dict):
            for key, child in value.items():
                if isinstance(child, dict | list):
                    stack.append((child, f"{where}.{_quote(key)}" if where else _quote(key),
                                  level + 1))
        elif isinstance(value, list):
            dicts = [v for v in value if isinstance(v, dict)]
            if dicts:
                out.append((f"{where}[]" if where else "[]", dicts))
            for index, child in enumerate(value):
                if isinstance(child, dict | list):
                    stack.append((child, f"{where}[{index}]", level + 1))
    return out


def _quote(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else json.dumps(key)


def _flatten(record: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """Field paths of a record, down three levels; lists stand for their first element."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if not isinstance(key, str):
            continue
        path = f"{prefix}.{_quote(key)}" if prefix else _quote(key)
        if isinstance(value, dict) and "rendered" in value:     # WordPress REST
            flat[path] = value.get("rendered")
        elif isinstance(value, dict) and depth < 3:
            flat.update(_flatten(value, path, depth + 1))
        elif isinstance(value, list) and value and depth < 3:
            first = value[0]
            if isinstance(first, dict):
                flat.update(_flatten(first, f"{path}[0]", depth + 1))
            else:
                flat[f"{path}[0]"] = first
        else:
            flat[path] = value
    return flat


def _last(path: str) -> str:
    leaf = re.split(r"\.(?=[^.\"]*(?:\"[^\"]*\"[^.\"]*)*$)", path)[-1]
    return leaf.strip('"').split("[")[0].lower()


def _pick(fields: dict[str, list[Any]], words: tuple[str, ...],
          accept: Any) -> str | None:
    """The field whose last key best matches `words` (earlier word, shallower path wins)."""
    ranked = []
    for path, values in fields.items():
        leaf = _last(path)
        for rank, word in enumerate(words):
            if leaf == word or leaf.endswith(word) or leaf.startswith(word):
                if sum(1 for v in values if accept(v)) * 2 >= len(values):
                    exact = 0 if leaf == word else 1
                    ranked.append((rank, exact, path.count("."), path))
                break
    return min(ranked)[3] if ranked else None


def _describe(path: str, records: list[dict[str, Any]], page_url: str) -> Found | None:
    flats = [_flatten(r) for r in records[:50]]
    fields: dict[str, list[Any]] = {}
    for flat in flats:
        for key, value in flat.items():
            fields.setdefault(key, []).append(value)
    title = _pick(fields, TITLE_WORDS, lambda v: len(_text(v)) >= 8)
    if title is None:
        return None
    link = _pick(fields, LINK_WORDS, lambda v: _is_link(v, page_url))
    id_key = None if link else _pick(fields, ID_WORDS, lambda v: bool(_scalar(v)))
    if link is None and id_key is None:
        return None
    date = _pick(fields, DATE_WORDS, lambda v: bool(re.search(r"\d", _scalar(v))))
    # WordPress gives `date` in the site's own zone, which many leave at UTC, and
    # `date_gmt` beside it, always UTC: read as Bangkok time, `date` was seven hours
    # early on such a site.
    utc = date is not None and f"{date}_gmt" in fields
    date = f"{date}_gmt" if utc else date
    summary = _pick({k: v for k, v in fields.items() if k != title}, SUMMARY_WORDS,
                    lambda v: len(_text(v)) >= 20)
    titles = [_text(f.get(title)) for f in flats]
    mean = sum(min(len(t), 120) for t in titles) / max(1, len(titles))
    score = len(records) * mean * (1.5 if link else 1.0) * (1.2 if date else 1.0)
    return Found(path=path, title=title, link=link, id_key=id_key, date=date,
                 summary=summary, records=records, score=score, utc=utc)


def _is_link(value: Any, page_url: str) -> bool:
    text = _scalar(value)
    if not text or _IMAGE.search(text) or " " in text.strip():
        return False
    if not (text.startswith(("http://", "https://", "/")) or "/" in text):
        return False
    return safe_link(text, page_url) is not None


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value).strip()
    return ""


def _text(value: Any) -> str:
    if isinstance(value, dict) and "rendered" in value:
        value = value["rendered"]
    return html_to_text(value, limit=None) if isinstance(value, str) else ""


# --- JSON-LD -----------------------------------------------------------------------------

def ld_articles(data: list[Any], page_url: str) -> list[Record]:
    """Articles named by JSON-LD: ItemList members, and Article-like objects (anywhere,
    @graph included) other than the page itself."""
    items: dict[str, Record] = {}
    budget = [MAX_NODES]
    stack: list[tuple[Any, int]] = [(data, 0)]
    page = page_url.split("#")[0].rstrip("/")
    while stack and budget[0] > 0:
        value, level = stack.pop()
        budget[0] -= 1
        if level > MAX_DEPTH:
            continue
        if isinstance(value, list):
            stack.extend((v, level + 1) for v in reversed(value))
            continue
        if not isinstance(value, dict):
            continue
        kinds = value.get("@type")
        kinds = {str(k).lower() for k in (kinds if isinstance(kinds, list) else [kinds])}
        if "listitem" in kinds and isinstance(value.get("item"), dict):
            inner = dict(value["item"])
            inner.setdefault("url", value.get("url"))
            stack.append((inner, level + 1))
            continue
        if "listitem" in kinds or kinds & ARTICLE_TYPES:
            title = collapse(_text(value.get("headline") or value.get("name")))
            url = _scalar(value.get("url")) or _scalar(value.get("@id"))
            link = safe_link(url, page_url) if url else None
            if title and link and link.split("#")[0].rstrip("/") != page \
                    and not ({"webpage"} == kinds and "listitem" not in kinds):
                items.setdefault(link, Record(
                    title=title, link=link,
                    date=_scalar(value.get("datePublished")) or _scalar(
                        value.get("dateCreated")) or None,
                    summary=collapse(_text(value.get("description")))))
        for key, child in value.items():
            if key != "@context" and isinstance(child, dict | list):
                stack.append((child, level + 1))
    return list(items.values())


def collection(page_url: str) -> str:
    """The listing's path without query or trailing slash: where `/<id>` routes hang."""
    parts = urlsplit(page_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
