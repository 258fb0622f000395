"""Bounds checked on a document's text before a parser sees it.

Parsers are not linear on hostile input: lexbor's tree builder costs about
depth x elements (100,000 nested `<div>`s take over 15 s), and feedparser
reads every entry of a feed before anyone can cap them. These checks are
linear scans of the text, so a hostile page costs milliseconds, not minutes.
Every HTML parse of fetched text goes through `parse_html`, which applies them.
"""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser

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


# Whether a tag name, as written, is in _FLAT: every tag of every page is looked up,
# and lower-casing each one cost a tenth of the scan. Hostile pages may write any
# number of names, so only the first ones are kept.
_IS_FLAT: dict[str, bool] = {}
_NAMES_KEPT = 4096


def nesting_depth(text: str, stop_at: int = MAX_DEPTH) -> int:
    """Greatest element nesting in `text`, counted up to just past `stop_at`."""
    depth = deepest = 0
    known = _IS_FLAT
    for closing, name in _TAG.findall(text):
        flat = known.get(name)
        if flat is None:
            flat = name.lower() in _FLAT
            if len(known) < _NAMES_KEPT:
                known[name] = flat
        if flat:
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


# Lexbor also spends time on the square of two counts. Each new attribute of a tag
# is compared with the ones before it: 40,000 distinct ones on one element took
# 4.8 s (on an end tag, where they mean nothing, 160,000 took 3.3 s), and lexbor
# keeps the interpreter's lock all the while, so nothing else in the process runs.
# No real tag has a hundred.
MAX_ATTRIBUTES = 1000
# The text walked as HTML's tokenizer walks it, tag by tag, with quoted values whole
# (a `>` inside one does not end its tag), up to the first tag of more than
# MAX_ATTRIBUTES units: only such a tag can hold that many attributes, each being
# at least one unit (a name with its value). One C-level match per page;
# the usual tags (end tags, then tags without quotes) are tried first. A quote opens
# a value only after `=`: in a name it is one more character of the name, and
# counting it as an opening made a Joomla page's `<strong style="><b>...<div
# align="center" ...>` look like one tag of 250 KB and 1,532 attributes, where
# lexbor reads a tag of three. A value runs to its closing quote, or to the text's
# end, as the tokenizer's does; a name or unquoted value counts a unit every 64
# characters, so a long run cannot pass for one attribute.
_UNIT = (r"""[\s/]++|[^\s/>][^\s/>=]{0,63}+"""
         r"""(?:\s*+=\s*+(?:"[^"]*+"?|'[^']*+'?|[^\s>]{0,64}+))?""")
_UNITS = "{0," + str(MAX_ATTRIBUTES) + "}+"
_UP_TO_LONG_TAG = re.compile(
    r"(?:[^<]++"
    r"|</[A-Za-z][^>\"']" + _UNITS + ">"
    r"|<[A-Za-z](?:[^>\"']" + _UNITS + ">|(?:" + _UNIT + ")" + _UNITS + ">)"
    r"|</[A-Za-z](?:" + _UNIT + ")" + _UNITS + ">"
    r"|<(?!/?[A-Za-z]))*+")
_TAG_NAME = re.compile(r"[^\s/>]*+")
_TAG_BODY = re.compile("(?:" + _UNIT + ")*+")
# An attribute as the tokenizer reads one: a name (which may begin with `=`) up to a
# blank, `/`, `>` or `=`, then perhaps `=` and a value.
_ATTRIBUTE = re.compile(
    r"""([^\s/>][^\s/>=]*+)(?:\s*+=\s*+(?:"[^"]*+"?|'[^']*+'?|[^\s>]*+))?""")
# And each new option of a <select> visits the ones before it: 40,000 in one took
# 10 s. A dropdown of every local government (7,850) is conceivable on a real page;
# past 10,000 options' worth of that work (a sum of squares, about 0.4 s), the
# selects are read as the lists they are, as <div>s, which costs only their length.
# A page of no more options than that in all cannot pass it: most are not looked at.
MOST_OPTIONS = 10_000
OPTION_WORK = MOST_OPTIONS ** 2
_SELECT_PARTS = re.compile(r"<(/?)(select|option)(?=[\s/>])", re.IGNORECASE)
_SELECT = re.compile(r"<(/?)select(?=[\s/>])", re.IGNORECASE)
# Markup that cannot be trusted to a tree, reduced to its text: a tag also ends at
# the next `<`, so the scan stays linear.
_ANY_TAG = re.compile(r"<[^<>]*+>?")


def parse_html(text: str, what: str = "the page") -> LexborHTMLParser:
    """`text` as a tree, once its nesting and attributes are known to be bounded
    (ExtractError otherwise) and its largest dropdowns made lists."""
    check_nesting(text, what)
    _check_attributes(text, what)
    if _many_options(text) and _option_work(text) > OPTION_WORK:
        text = _SELECT.sub(r"<\1div", text)
    return LexborHTMLParser(text)


def tags_stripped(text: str) -> str:
    """The text of markup `parse_html` refused, without a tree: tags dropped whole,
    character references read."""
    return html.unescape(_ANY_TAG.sub(" ", text))


def _check_attributes(text: str, what: str) -> None:
    at = 0
    while (at := _end(_UP_TO_LONG_TAG, text, at)) < len(text):
        # A tag of more units than any real one, or one the text ends inside.
        end, names = scan_tag(text, at, MAX_ATTRIBUTES + 1)
        if len(names) > MAX_ATTRIBUTES:
            raise ExtractError(f"{what} has a tag with more than {MAX_ATTRIBUTES:,} "
                               "attributes; refused rather than parsed (no real page has one)")
        at = end + 1


def scan_tag(text: str, at: int, most: int | None = None) -> tuple[int, set[str]]:
    """Where the tag that opens at `at` (its `<`) ends, at its `>` or the text's end, and
    its distinct attribute names (up to `most`), as HTML's tokenizer reads them."""
    name_end = _end(_TAG_NAME, text, at + (2 if text[at + 1:at + 2] == "/" else 1))
    body_end = _end(_TAG_BODY, text, name_end)
    names: set[str] = set()
    for attribute in _ATTRIBUTE.finditer(text, name_end, body_end):
        names.add(attribute.group(1).lower())
        if len(names) == most:
            break
    return body_end, names


def _end(pattern: re.Pattern[str], text: str, at: int) -> int:
    """Where `pattern`, which matches the empty string too, stops matching from `at`."""
    match = pattern.match(text, at)
    return at if match is None else match.end()


def _many_options(text: str) -> bool:
    """Whether `text` has more than MOST_OPTIONS options (each at least `<option>`)."""
    return (len(text) > len("<option>") * MOST_OPTIONS
            and text.lower().count("<option") > MOST_OPTIONS)


def _option_work(text: str) -> int:
    """The sum, over the page's selects, of the square of their options."""
    work = options = 0
    for closing, name in _SELECT_PARTS.findall(text):
        if name.lower() == "option":
            options += not closing
        else:   # a select opens or closes: the options counted so far were one list
            work += options * options
            options = 0
    return work + options * options


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
