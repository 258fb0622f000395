"""Turning body bytes into text, by the charset rules the README states.

Order: the source's `encoding:` override, a byte-order mark, the Content-Type
header, the document's own declaration (`<meta>` anywhere in the head,
`<?xml?>`), detection, UTF-8.
The BOM comes before the header as browsers take it (WHATWG Encoding, "decode"):
a page saved in UTF-8 with a BOM by an editor, on a server that labels every
page TIS-620, is UTF-8.
Thai sites label the same code page four ways; Python knows `windows-874`
under none of its common spellings, and httpx and feedparser silently fall
back to something else, so every Thai label is mapped to cp874 here (cp874 is
TIS-620 plus the Windows additions, so it reads all of them).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from itertools import islice

# WHATWG's labels for windows-874, Python's aliases of its codecs, and the names
# Java servers send (`MS874`, `x-IBM874`: Java's own names for the code page).
_THAI = {"tis-620", "tis620", "tis_620", "iso-8859-11", "iso8859-11", "iso8859_11",
         "iso885911", "iso_8859-11", "thai", "windows-874", "x-windows-874", "windows874",
         "cp874", "dos-874", "ibm874", "x-ibm874", "ms874"}

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))

# Declarations are looked for in the head of the document only: a charset
# mentioned deep inside an article is content, not a declaration.
_PRESCAN = 8192
# A tag's attributes are looked through for at most this many bytes: a `<meta`
# that never closes must not make each later one scan to the end of the text.
_META = re.compile(rb"""<meta\b[^>]{0,1024}?charset\s*=\s*["']?\s*([\w.:-]+)""",
                   re.IGNORECASE)
# A `<meta>` after kilobytes of inline script or style in the head (old sites' menu
# scripts, analytics) is past the prescan; browsers still honour it (their parser
# meets it in the head, changes the encoding and parses again). Looked for up to
# `</head>`, within this many bytes, outside scripts, styles and comments.
_HEAD_SCAN = 64 * 1024
_HIDES = re.compile(rb"<(script|style)\b|<!--", re.IGNORECASE)
_XML = re.compile(rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)
_DETECT_SAMPLE = 256 * 1024


def codec_for(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when the label means nothing."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in _THAI:
        return "cp874"
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # codecs also knows base64, rot13, zlib...: a page declaring those is lying.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def media_type(content_type: str | None) -> str:
    """`text/html; charset=x` -> `text/html`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def header_charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def declared_codec(content: bytes) -> str | None:
    """What the document says about itself: a BOM, an XML declaration or a `<meta>`."""
    bom = _bom_codec(content)
    if bom is not None:
        return bom
    head = content[:_PRESCAN]

    def found() -> Iterator[re.Match[bytes] | None]:
        yield _XML.search(head)
        yield _META.search(head)
        yield _META.search(_late_head(content))   # only when the prescan found none

    for match in found():
        if match:
            named = codec_for(match.group(1).decode("ascii", "replace"))
            if named and named.startswith(("utf-16", "utf-32")):
                # Readable ASCII declaring UTF-16 cannot be UTF-16 (the HTML
                # standard's rule); the author meant UTF-8.
                return "utf-8"
            if named:
                return named
    return None


def _late_head(content: bytes) -> bytes:
    """The head past the prescan, without its scripts, styles and comments (a
    `<meta>` written inside a script is no declaration); b"" when the prescan
    saw the whole head. One pass: each hidden block is skipped to its end."""
    lower = content[:_HEAD_SCAN].lower()
    end = min((at for at in (lower.find(b"</head"), lower.find(b"<body")) if at >= 0),
              default=len(lower))
    if end <= _PRESCAN:
        return b""
    lower = lower[:end]
    kept: list[bytes] = []
    at = 0
    while (hidden := _HIDES.search(lower, at)) is not None:
        kept.append(lower[at:hidden.start()])
        closer = b"-->" if hidden.group(1) is None else b"</" + hidden.group(1)
        close = lower.find(closer, hidden.end())
        if close < 0:
            return b"".join(kept)
        at = close + len(closer)
    kept.append(lower[at:])
    return b"".join(kept)


def detected_codec(content: bytes) -> str | None:
    # Only pages that declare no charset come here; importing the detector cost
    # every start about 20 ms, a 304-only crawl included.
    from charset_normalizer import from_bytes

    best = from_bytes(content[:_DETECT_SAMPLE]).best()
    if best is None:
        return None
    codec = codec_for(best.encoding)
    if codec == "ascii":
        return "utf-8"  # ASCII is UTF-8; a later non-ASCII byte then still decodes sensibly
    return codec


def _valid(content: bytes, codec: str) -> bool:
    try:
        content.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


# A Thai letter in UTF-8 (U+0E00 to U+0E7F); this many make a body's Thai UTF-8.
_THAI_UTF8 = re.compile(rb"\xe0[\xb8\xb9][\x80-\xbf]")
THAI_LETTERS = 20


def _utf8_thai(content: bytes) -> bool:
    """Whether `content` is Thai text in UTF-8, whatever it says it is."""
    letters = _THAI_UTF8.finditer(content, 0, _DETECT_SAMPLE)
    return (next(islice(letters, THAI_LETTERS - 1, None), None) is not None
            and _valid(content, "utf-8"))


def _bom_codec(content: bytes) -> str | None:
    return next((codec for bom, codec in _BOMS if content.startswith(bom)), None)


def choose_codec(content: bytes, content_type: str | None, override: str | None) -> str:
    """Pick the codec; see the module docstring for the order and why."""
    chosen = codec_for(override) or _bom_codec(content)
    if chosen is None:
        chosen = codec_for(header_charset(content_type))
        if chosen == "utf-8" and not _valid(content, chosen):
            # Servers stamp "charset=UTF-8" on legacy TIS-620 pages by default;
            # bytes that are not UTF-8 at all prove that label wrong.
            chosen = None
    if chosen is None:
        chosen = declared_codec(content)
    if chosen == "cp874" and override is None and _utf8_thai(content):
        # A PHP template that still says windows-874 after its site moved to UTF-8:
        # Thai in UTF-8 under that label is the mojibake "เธ…" throughout, and Thai
        # text in TIS-620 is never valid UTF-8 at length.
        chosen = "utf-8"
    if chosen is None:
        chosen = detected_codec(content) if content else None
    chosen = chosen or "utf-8"
    if chosen == "utf-8" and content.startswith(codecs.BOM_UTF8):
        chosen = "utf-8-sig"
    return chosen


def decode(content: bytes, content_type: str | None, override: str | None = None
           ) -> tuple[str, str]:
    """Return (text, codec used); undecodable bytes become U+FFFD rather than an error."""
    codec = choose_codec(content, content_type, override)
    return content.decode(codec, errors="replace"), codec
