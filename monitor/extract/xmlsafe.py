"""XML from strangers, made harmless before any parser sees it.

Two parsers read XML here. Sitemaps go through defusedxml, which refuses DTDs
outright. Feeds go through feedparser, whose SAX parser would expand entities
declared in a DOCTYPE internal subset (a billion-laughs feed costs it about a
second and a huge string before expat's amplification guard trips) and whose
own DOCTYPE filter keeps "safe-looking" internal entities. So before a feed is
handed over, every DOCTYPE in the prolog is cut out: no declarations, nothing
to expand, and an entity reference left behind stays literal text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as StdET
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from monitor.errors import ExtractError

_XML_DECL = re.compile(r"<\?xml\s[^>]*\?>")
_CHARREF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,8})|([0-9]{1,10}));")


def _skip_to(text: str, pos: int, end: str) -> int:
    """Index just past the next `end` from pos, or len(text) when it never comes."""
    found = text.find(end, pos)
    return len(text) if found < 0 else found + len(end)


def _doctype_end(text: str, pos: int) -> tuple[int, bool]:
    """End of the DOCTYPE starting at pos, and whether it had an internal subset.

    Quotes, comments and brackets are tracked so that a `>` or `]` inside a
    literal does not end the declaration early and leave half of it behind.
    """
    i, depth, subset = pos + len("<!DOCTYPE"), 0, False
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            i = _skip_to(text, i + 1, ch)
            continue
        if text.startswith("<!--", i):
            i = _skip_to(text, i + 4, "-->")
            continue
        if ch == "[":
            depth, subset = depth + 1, True
        elif ch == "]":
            depth = max(depth - 1, 0)
        elif ch == ">" and depth == 0:
            return i + 1, subset
        i += 1
    return len(text), subset


def strip_prolog(text: str) -> tuple[str, list[str]]:
    """Drop the XML declaration and every DOCTYPE before the root element.

    The declaration goes because the caller re-encodes the text as UTF-8 and
    says so: a stale `encoding="windows-874"` must not make a parser decode
    UTF-8 bytes as cp874. Returns the text and warnings worth showing a user.
    """
    warnings: list[str] = []
    out: list[str] = []
    i = 1 if text.startswith("\ufeff") else 0
    while i < len(text):
        if text[i].isspace():
            out.append(text[i])
            i += 1
        elif text.startswith("<?", i):
            end = _skip_to(text, i + 2, "?>")
            if not _XML_DECL.fullmatch(text, i, end):
                out.append(text[i:end])  # a processing instruction such as a stylesheet
            i = end
        elif text.startswith("<!--", i):
            end = _skip_to(text, i + 4, "-->")
            out.append(text[i:end])
            i = end
        elif text[i : i + 9].upper() == "<!DOCTYPE":
            i, subset = _doctype_end(text, i)
            if subset:
                warnings.append(
                    "removed a DOCTYPE with an internal subset: "
                    "entity declarations are never expanded"
                )
        else:
            break
    return "".join(out) + text[i:], warnings


def _allowed_char(code: int) -> bool:
    """What XML 1.0 allows as a character, minus controls no text field should carry."""
    if code in (0x9, 0xA, 0xD):
        return True
    return (0x20 <= code < 0x7F or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def drop_bad_charrefs(text: str) -> str:
    """Remove numeric character references to controls, surrogates or non-characters.

    `&#xD800;` is not just invalid XML: feedparser's tolerant parser crashes
    with UnicodeEncodeError on it. The raw characters themselves are removed
    by text.clean.strip_document_controls; this covers their escaped spelling.
    """
    def keep(match: re.Match[str]) -> str:
        code = int(match[1], 16) if match[1] else int(match[2])
        return match[0] if _allowed_char(code) else ""

    return _CHARREF.sub(keep, text)


def without_declaration(text: str) -> bytes:
    """UTF-8 bytes of already-decoded text, minus a BOM and the now-stale XML declaration.

    Unlike strip_prolog this keeps any DOCTYPE, so that parse_xml can refuse it.
    """
    text = text.removeprefix("\ufeff")
    match = _XML_DECL.match(text.lstrip())
    if match:
        text = text.lstrip()[match.end() :]
    return text.encode("utf-8")


def parse_xml(data: bytes, what: str = "document") -> StdET.Element:
    """Parse with defusedxml, refusing any DTD, entity declaration or external reference.

    Sitemaps and similar formats never need a DTD, so one is treated as hostile
    rather than tolerated; the error says so instead of a bare parser message.
    """
    try:
        root: StdET.Element = SafeET.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        return root
    except DefusedXmlException as exc:
        raise ExtractError(
            f"{what} refused: it declares a DTD or entities ({type(exc).__name__})"
        ) from exc
    except (StdET.ParseError, ExpatError, ValueError) as exc:
        raise ExtractError(f"not a well-formed {what}: {exc}") from exc


def local_name(tag: object) -> str:
    """Tag name without its `{namespace}`, so any sitemap namespace variant matches."""
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return tag.rsplit("}", 1)[-1]
