"""Plain-text hygiene for anything scraped: controls out, whitespace folded, length bounded.

Scraped text goes into XML feeds, HTML pages and email: a stray control
character or lone surrogate makes a feed invalid (feedgen/lxml refuse it).
These are string functions with no knowledge of HTML or the pipeline, so
extractors and the normalise stage share them.
"""

from __future__ import annotations

import re
from urllib.parse import quote

SUMMARY_LIMIT = 500


# C0 controls except tab/newline, DEL, C1 controls, lone surrogates and the two
# non-characters XML 1.0 forbids. Carriage returns go too: fields are single
# logical strings, and "\r\n" has already been folded to "\n" before this runs.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# The same, keeping "\r": used on a whole document before it is parsed, where
# line ends are the parser's business.
_DOC_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

def strip_controls(text: str) -> str:
    """Remove characters no feed, page or mail may carry (see module docstring)."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n"))


_HREF_BREAKS = re.compile("[\t\n\r]")
_HREF_SPACE = re.compile(r"\s")
_HREF_QUERY = re.compile("[?#]")


def clean_href(href: str) -> str:
    """An http(s) href as a browser reads it (the WHATWG URL standard).

    Tabs and line breaks go wherever they are, and so do surrounding spaces and
    controls; a space inside stays, percent-encoded: Thai agencies name their
    files in words, and `ประกาศ 2568.pdf` is served as `ประกาศ%202568.pdf`.
    Before the query, a backslash is a slash, as sites built on Windows servers
    write them (`http://tcps.tisi.go.th/pub\\tcps1_52.pdf`).
    """
    text = slashed(strip_controls(_HREF_BREAKS.sub("", href)).strip())
    return _HREF_SPACE.sub(lambda space: quote(space.group(), safe=""), text)


def slashed(href: str) -> str:
    """`href` with each backslash before its query a slash, as a browser reads an
    http(s) address (`https:\\www.x.go.th\\news\\81`, `\\news\\82`)."""
    if "\\" not in href:
        return href
    cut = _HREF_QUERY.search(href)
    end = cut.start() if cut else len(href)
    return href[:end].replace("\\", "/") + href[end:]


def strip_document_controls(text: str) -> str:
    """Like strip_controls but keeps line ends; run on a whole body before parsing.

    Doing it before the XML parser sees the text lets a feed with one bad byte
    still be read strictly instead of falling back to the tolerant parser.
    """
    return _DOC_CONTROLS.sub("", text)


# Characters that show nothing and join or part nothing a reader sees: a zero-width
# space (Thai editors put them between words as line-break hints), a word joiner, a
# byte-order mark inside text. Left in a title, "ประกาศ\u200bเรื่อง" is another
# string than "ประกาศเรื่อง" to every comparison. (A zero-width joiner binds emoji,
# and stays.)
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


def collapse(text: str) -> str:
    """Single-space all whitespace (NBSP included), so layouts don't leak into titles,
    and drop invisible spacing characters."""
    if _clean(text):
        return text
    return " ".join(_INVISIBLE.sub("", strip_controls(text)).split())


def _clean(text: str) -> bool:
    """Nothing for strip_controls or a whitespace fold to do: most extracted strings.

    A printable string holds no control character, surrogate or non-character
    (all outside the printable categories), and no whitespace but the plain
    space; checked in C, where the fold costs a split and a join.
    """
    return (text.isprintable() and "  " not in text
            and not text.startswith(" ") and not text.endswith(" "))


def truncate(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """Shorten to `limit` characters, at a space when one is near the end.

    Thai has no spaces between words, so a hard cut is the fallback rather
    than cutting back to a distant space and losing most of the text.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


# Terminal control characters (C0 except tab, DEL, C1) and ANSI escape sequences:
# a hostile server's reason phrase or page title must not drive the user's terminal.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
                      r"|[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text safe to print on a terminal: escape sequences removed, control characters
    as spaces. Unlike strip_controls, this keeps the text's spacing readable."""
    return _ESCAPES.sub(lambda m: " " if len(m.group(0)) == 1 else "", text)
