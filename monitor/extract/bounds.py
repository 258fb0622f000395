"""Bounds checked on a document's text before a parser sees it.

Parsers are not linear on hostile input: lexbor's tree builder costs about
depth x elements (100,000 nested `<div>`s take over 15 s), and feedparser
reads every entry of a feed before anyone can cap them. These checks are
linear scans of the text, so a hostile page costs milliseconds, not minutes.
"""

from __future__ import annotations

import re

from monitor.errors import ExtractError

# Real pages nest a few dozen elements deep; sloppy ones with unclosed inline
# tags a few hundred. Beyond this a page is refused, not read.
MAX_DEPTH = 512

# An opening or closing tag's name. `<x/>` is not self-closing in HTML (the
# parser ignores the slash), so it counts as an opening tag here too.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
# Elements that never nest (void) or whose end tag HTML lets a writer omit:
# counting them would make an ordinary sloppy page look deep.
_FLAT = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option",
    "optgroup", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rtc", "rp"})


def nesting_depth(text: str, stop_at: int = MAX_DEPTH) -> int:
    """Greatest element nesting in `text`, counted up to just past `stop_at`."""
    depth = deepest = 0
    flat = _FLAT
    for closing, name in _TAG.findall(text):
        if name in flat or name.lower() in flat:
            continue
        if closing:
            if depth:
                depth -= 1
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_at:
                    break
    return deepest


def check_nesting(text: str, what: str = "the page") -> None:
    """Raise ExtractError for markup nested deeper than MAX_DEPTH."""
    if nesting_depth(text) > MAX_DEPTH:
        raise ExtractError(f"{what} nests elements more than {MAX_DEPTH} deep; refused "
                           "rather than parsed (no real listing or article does)")


_ENTRY_END = re.compile(r"</(?:[A-Za-z][\w.-]*:)?(item|entry)\s*>")
_ROOT = re.compile(r"<(?:[A-Za-z][\w.-]*:)?(rss|feed|RDF)[\s>]")


def cap_feed(text: str, max_items: int) -> tuple[str, int | None]:
    """The feed cut after its `max_items`-th entry and closed again, and the number of
    entries cut off (None when nothing was cut; a lower bound is not needed)."""
    ends = _ENTRY_END.finditer(text)
    cut_at = None
    for count, match in enumerate(ends, start=1):
        if count == max_items:
            cut_at = match.end()
            break
    if cut_at is None:
        return text, None
    rest = sum(1 for _ in _ENTRY_END.finditer(text, cut_at))
    if not rest:
        return text, None
    root = _ROOT.search(text)
    kind = root.group(1) if root else "rss"
    closing = {"rss": "</channel></rss>", "feed": "</feed>"}.get(kind, "")
    if kind == "RDF":
        prefix = root.group(0)[1:-len("RDF") - 1] if root else ""
        closing = f"</{prefix}RDF>"
    return text[:cut_at] + closing, rest
