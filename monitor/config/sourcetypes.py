"""Every source type, declared once.

A source type is a name users write in `type:`, the extractor that reads its
documents, and the `select:` keys it accepts. Config validation, the extract
registry and the README's table all come from `SOURCE_TYPES`, so adding a type
is one record here and one extractor module.

Extractors are named by dotted path and imported on first use: checking a
config must not pay for feedparser or the HTML parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

SourceKind = Literal["feed", "sitemap", "html", "auto", "json"]

# A check of one `select:` value: (key, value, keys given) -> None, ValueError if wrong.
SelectCheck = Callable[[str, str, frozenset[str]], None]


@dataclass(frozen=True)
class SourceType:
    name: SourceKind
    summary: str                        # one line for `monitor check` and the README
    extractor: str                      # "module:function", `(Document, Source) -> Extraction`
    select_keys: tuple[str, ...] = ()   # keys allowed under `select:`; () means no `select:`
    select_required: tuple[str, ...] = ()   # of those, the ones a source must give
    select_check: SelectCheck | None = None  # validates each value at load time


def is_link_template(value: str) -> bool:
    """A json `link:` written as a URL with `{field}` slots rather than an expression."""
    return value.lstrip().startswith(("http://", "https://", "/")) and "{" in value


def check_json_select(key: str, value: str, given: frozenset[str]) -> None:
    """JMESPath syntax of a `type: json` selector, caught by `monitor check` rather than
    at the first crawl. With `html:` given, the other keys are CSS (checked when read)."""
    import jmespath  # only configs with json sources pay for it
    from jmespath.exceptions import JMESPathError

    if key not in ("html", "script") and "html" in given:
        return
    if key == "script":      # a CSS selector for the <script> holding the data
        return
    expressions = [value]
    if key == "link" and is_link_template(value):
        expressions = [m.strip() for m in _template_slots(value)]
        if not expressions or not all(expressions):
            raise ValueError(f"link template {value!r} has an empty {{}}; write the item's "
                             "field inside, e.g. \"https://www.dbd.go.th/news/{slug}\"")
    for expression in expressions:
        try:
            jmespath.compile(expression)
        except JMESPathError as exc:
            detail = " ".join(str(exc).split())
            raise ValueError(f"{expression!r} is not a valid JMESPath expression ({detail}); "
                             "keys with dots or dashes are quoted: "
                             "metadata.\"dc.date.issued\"[0].value") from None
        except RecursionError:  # jmespath parses nested expressions recursively
            from monitor.reasons import shorten  # the error path only
            raise ValueError(f"{shorten(expression, 60)!r} nests more deeply than a JMESPath "
                             "expression can be read: write it flatter") from None


def _template_slots(template: str) -> list[str]:
    import re
    return re.findall(r"\{([^{}]*)\}", template)


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
        SourceType("auto", "a listing page whose block of article links the monitor finds itself "
                           "(a feed's or sitemap's URL is read as one)",
                   "monitor.extract.auto:extract"),
        SourceType("json", "a JSON API (or a page's embedded JSON) read with JMESPath "
                   "expressions under `select:`",
                   "monitor.extract.jsonapi:extract",
                   select_keys=("item", "title", "link", "date", "summary", "html", "script"),
                   select_required=("item",),
                   select_check=check_json_select),
    )
}


def source_type(name: str) -> SourceType:
    """The record of a type name; KeyError for an unknown one (config has said so already)."""
    return SOURCE_TYPES[name]
