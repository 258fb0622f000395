"""Response heads as browsers read them, before h11 reads them as RFC 9112 says.

h11 refuses a whole response for one header line it cannot parse: a name
with a space or a slash in it (`X Powered By: PHP`, a CMS's debug line), a
space before the colon (`Content-Type : text/html; charset=tis-620`, as
hand-written PHP sends it), a continuation line first, `Transfer-Encoding:
chunked, chunked`. Browsers skip such a line, or read it with the space
trimmed, and show the page; so does the fetcher. A head h11 would accept is
passed on byte for byte; only a head it would refuse is rewritten, and only
the lines it would refuse.

The status line too: h11 takes exactly `HTTP/d.d ddd reason`, while embedded
and hand-written servers send `HTTP/1.1 200OK`, `HTTP/1.1  200 OK`, `http/1.0
200` or `HTTP/1 200 OK`, which browsers read (Chromium's ParseStatusLine: the
version's case and form are lenient, the code is the first three digits after
it, the reason is what follows).
"""

from __future__ import annotations

import re

# h11's own grammar (h11._abnf): a header line is a token, a colon, a value of
# visible characters and inner blanks; a line starting with a blank continues
# the one before.
_TOKEN = rb"[-!#$%&'*+.^_`|~0-9a-zA-Z]+"
_VALUE = rb"(?:[^\x00\s]+(?:[ \t]+[^\x00\s]+)*)?"
_FIELD = re.compile(_TOKEN + rb":[ \t]*" + _VALUE + rb"[ \t]*")
_FOLD = re.compile(rb"[ \t]+" + _VALUE + rb"[ \t]*")
# h11's status line (h11._abnf.status_line).
_STATUS = rb"HTTP/[0-9]\.[0-9] [0-9]{3}(?: (?:[ \t]|[^\x00\s])*)?"
# A whole head h11 accepts, in one match: a status line, then fields, each maybe
# continued on lines of its own, then the blank line.
_ACCEPTABLE = re.compile(_STATUS + rb"\r?\n(?:" + _FIELD.pattern + rb"\r?\n(?:"
                         + _FOLD.pattern + rb"\r?\n)*)*\r?\n")
# A status line as browsers read one: "HTTP" in any case, the version's digits
# however written (a missing minor is 0), blanks anywhere, the reason optional.
_LOOSE_STATUS = re.compile(rb"[ \t]*HTTP[ \t]*/?[ \t]*([0-9]{1,9})(?:\.([0-9]{1,9}))?[ \t]*"
                           rb"([0-9]{3})(?![0-9])[ \t]*([^\r\n]*)", re.I)
_NOT_IN_REASON = re.compile(rb"[\x00\x0b\x0c]")
_SPACED_NAME = re.compile(rb"(" + _TOKEN + rb")[ \t]+:")
_LINE_END = re.compile(rb"\r?\n")
# Transfer-Encoding as h11 takes it: one line, saying exactly "chunked". Servers
# also say it twice, on one line or two, or send the name with no value.
_TRANSFER_ENCODING = re.compile(rb"^transfer-encoding[ \t]*:[ \t]*([^\r\n]*)", re.I | re.M)
# A Content-Length that is no number at all (empty, a word) is read as absent, as
# browsers read it; lengths that disagree are left to h11, which refuses them as
# browsers do.
_CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*([^\r\n]*)", re.I | re.M)
_LENGTHS = re.compile(rb"[0-9]+(?:[ \t]*,[ \t]*[0-9]+)*[ \t]*")

HEAD_MOST = 64 * 1024   # bytes looked at for a head's end; past it h11 decides alone
# Interim heads (1xx) mended before a final one; past them h11 reads the rest alone.
# Servers send one or two; each new arrival looks at these again, so a server that
# trickles endless `100 Continue` heads must not make that grow.
INTERIM_MOST = 4


def head_end(data: bytes | bytearray, start: int = 0) -> int:
    """Where the head in `data` from `start` ends (after its blank line), or -1 if not yet."""
    crlf, lf = data.find(b"\r\n\r\n", start), data.find(b"\n\n", start)
    ends = [i + n for i, n in ((crlf, 4), (lf, 2)) if i >= 0]
    return min(ends) if ends else -1


def acceptable(data: bytes | bytearray, end: int, start: int = 0) -> bool:
    """Whether h11 takes the head `data[start:end]` as it is (the usual case: no copy
    made)."""
    if _ACCEPTABLE.fullmatch(data, start, end) is None:
        return False
    codings = _TRANSFER_ENCODING.findall(data, start, end)
    if codings and [c.strip().lower() for c in codings] != [b"chunked"]:
        return False
    return all(_LENGTHS.fullmatch(v) for v in _CONTENT_LENGTH.findall(data, start, end))


def interim(head: bytes | bytearray, start: int = 0) -> bool:
    """Whether the head at `start` is an interim answer (`100 Continue`, `103 Early
    Hints`), which the final answer's head follows; `101` ends HTTP on the connection."""
    status = _LOOSE_STATUS.match(head, start)
    return status is not None and status.group(3)[:1] == b"1" and status.group(3) != b"101"


def tidy(head: bytes) -> bytes:
    """`head` (status line to blank line) with the lines h11 would refuse mended or left out."""
    if acceptable(head, len(head)):
        return head
    lines = _LINE_END.split(head)
    codings = _TRANSFER_ENCODING.findall(head)
    chunked_only = _repeated_chunked(codings)   # then one line says it once
    kept = [_status_line(lines[0])]
    for line in lines[1:-2]:
        spaced = _SPACED_NAME.match(line)
        if spaced:
            line = spaced.group(1) + b":" + line[spaced.end():]
        coding = _TRANSFER_ENCODING.match(line)
        if coding and (chunked_only or not coding.group(1).strip()):
            if not chunked_only or b"Transfer-Encoding: chunked" in kept:
                continue
            line = b"Transfer-Encoding: chunked"
        length = _CONTENT_LENGTH.match(line)
        if length and not _LENGTHS.fullmatch(length.group(1)):
            continue
        if _FIELD.fullmatch(line) or (len(kept) > 1 and _FOLD.fullmatch(line)):
            kept.append(line)
    return b"\r\n".join(kept) + b"\r\n\r\n"


def _status_line(line: bytes) -> bytes:
    """The status line as h11 takes it, read as browsers read it; as it was if it is not
    one at all (h11 then refuses the answer, as it should)."""
    if re.fullmatch(_STATUS, line):
        return line
    loose = _LOOSE_STATUS.fullmatch(line)
    if loose is None:
        return line
    major, minor, code, reason = loose.groups()
    # As Chromium: 1.1 and later 1.x are 1.1; anything else (0.9, 2, no minor) is 1.0.
    version = b"1.1" if int(major) == 1 and minor is not None and int(minor) >= 1 else b"1.0"
    reason = _NOT_IN_REASON.sub(b" ", reason).strip()
    return b"HTTP/" + version + b" " + code + (b" " + reason if reason else b"")


def _repeated_chunked(values: list[bytes]) -> bool:
    """Whether Transfer-Encoding values, empty ones aside, say "chunked" and nothing else
    but not in the one way h11 takes (exactly once, one line)."""
    codings = [c.strip().lower() for value in values for c in value.split(b",")]
    said = [c for c in codings if c]
    return bool(said) and set(said) == {b"chunked"} and codings != [b"chunked"]
