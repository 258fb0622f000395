"""Single values as people write them in sources.yaml: `6h`, `5MB`, `mon 08:00`, ...

Kept apart from the config loader so the scheduler, the CLI and tests can parse
and print the same syntax without pulling in YAML handling, and so each rule is
a plain function of a string, testable on its own.

Sizes: `KB`, `MB`, `GB` are decimal (1 KB = 1000 bytes), as disk and network
vendors count and as the default `5MB` in settings.py is meant; `KiB`, `MiB`,
`GiB` are binary (1 KiB = 1024 bytes) for those who want them. Unit letters are
case-insensitive for sizes (`5mb` is read as 5 MB: nobody limits a body in bits).

Durations: a number and one of `s`, `m`, `h`, `d`, or several such parts from
the largest unit down (`1h30m`, `1d12h`). Lower case only, because `M` reads as
"month" to many people and a silent surprise is worse than an error.
"""

from __future__ import annotations

import codecs
import difflib
import re
import warnings
from decimal import Decimal, InvalidOperation
from email.utils import parseaddr
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from monitor.text.weekdays import WEEKDAY_NAMES

DURATION_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
SIZE_UNITS = {
    "b": 1,
    "kb": 1000, "mb": 1000**2, "gb": 1000**3,
    "kib": 1024, "mib": 1024**2, "gib": 1024**3,
}

_NUMBER = r"\d+(?:\.\d+)?"
_DURATION_RE = re.compile(
    "".join(rf"(?:(?P<{unit}>{_NUMBER})\s*{unit}\s*)?" for unit in DURATION_UNITS)
)
_SIZE_RE = re.compile(rf"(?P<number>{_NUMBER})\s*(?P<unit>[A-Za-z]+)")

DURATION_HELP = "write a number and a unit: 30s, 15m, 6h, 1d, or parts like 1h30m"
SIZE_HELP = "write a number and a unit: 100B, 512KB, 5MB, 1GB (or KiB, MiB, GiB)"


def parse_duration(text: str) -> float:
    """Seconds in `text`; ValueError (with the accepted syntax) for anything else."""
    stripped = text.strip()
    if stripped.startswith("-"):
        raise ValueError(f"{text!r}: a duration cannot be negative")
    match = _DURATION_RE.fullmatch(stripped) if stripped else None
    if match is None or not any(match.groupdict().values()):
        raise ValueError(f"{text!r} is not a duration; {DURATION_HELP}")
    return float(sum(
        Decimal(amount) * DURATION_UNITS[unit]
        for unit, amount in match.groupdict().items() if amount is not None
    ))


def parse_size(text: str) -> int:
    """Bytes in `text`; ValueError (with the accepted syntax) for anything else."""
    if text.strip().startswith("-"):
        raise ValueError(f"{text!r}: a size cannot be negative")
    match = _SIZE_RE.fullmatch(text.strip())
    if match is None or match["unit"].lower() not in SIZE_UNITS:
        raise ValueError(f"{text!r} is not a size; {SIZE_HELP}")
    try:
        total = Decimal(match["number"]) * SIZE_UNITS[match["unit"].lower()]
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValueError(f"{text!r} is not a size; {SIZE_HELP}") from exc
    if total != total.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number of bytes")
    return int(total)


def format_duration(seconds: float) -> str:
    """The shortest spelling parse_duration reads back, so `monitor check` echoes the file."""
    if seconds <= 0:
        return "0s"
    whole = int(seconds)
    if whole != seconds:
        return f"{seconds:g}s"
    parts = []
    for unit, size in DURATION_UNITS.items():
        amount, whole = divmod(whole, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts)


def format_size(size: int) -> str:
    """The largest unit that divides `size` exactly, decimal units first."""
    for unit in ("GB", "MB", "KB", "GiB", "MiB", "KiB"):
        factor = SIZE_UNITS[unit.lower()]
        if size and size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size}B"


# -- other single values of sources.yaml ------------------------------------
# Each takes the text as written and returns the value, or raises ValueError
# whose message says what is wrong and what to write instead.

# `digest.schedule`'s weekdays, from the one table the date reader uses too.
_ENGLISH = tuple(tuple(n for n in names if n.isascii()) for names in WEEKDAY_NAMES)
WEEKDAYS = tuple(names[1] for names in _ENGLISH)          # mon, tue, ... as written back
_FULL_WEEKDAYS = tuple(names[0] for names in _ENGLISH)    # monday, tuesday, ...
_SCHEDULE_RE = re.compile(r"(?P<day>[A-Za-z]+)\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})")
SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?")
_LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# Labels Python has no codec for, though browsers and Thai sites use them.
_ENCODING_ALIASES = {"windows-874": "cp874", "x-windows-874": "cp874"}


def parse_schedule(text: str) -> tuple[int, int, int]:
    """`mon 08:00` as (weekday, hour, minute), Monday = 0 as in datetime.weekday()."""
    match = _SCHEDULE_RE.fullmatch(text.strip())
    day = match["day"].lower() if match else ""
    weekday = (WEEKDAYS.index(day) if day in WEEKDAYS else
               _FULL_WEEKDAYS.index(day) if day in _FULL_WEEKDAYS else None)
    if match is None or weekday is None or int(match["hour"]) > 23 \
            or int(match["minute"]) > 59:
        raise ValueError(f"{text!r} is not `<weekday> HH:MM`, e.g. \"mon 08:00\" (weekday: "
                         f"{', '.join(WEEKDAYS)}; 24-hour time)")
    return weekday, int(match["hour"]), int(match["minute"])


def parse_timezone(text: str) -> ZoneInfo:
    """An IANA zone; a near miss (`asia/bangkok`, `Asia/Bankok`) gets a suggestion."""
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    names = {name.lower(): name for name in _timezones()}
    close = difflib.get_close_matches(text.lower(), list(names), n=1)
    hint = f"did you mean {names[close[0]]!r}?" if close else "e.g. Asia/Bangkok"
    raise ValueError(f"unknown time zone {text!r}; {hint}")


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_slug(text: str) -> str:
    """Names and ids end up in file names, URLs and command lines: keep them plain."""
    if not SLUG_RE.fullmatch(text):
        raise ValueError(f"{text!r} is not a slug; use lowercase a-z, 0-9, '-' and '_', "
                         "starting and ending with a letter or digit (e.g. dga-news)")
    return text


def check_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname \
            or any(c.isspace() for c in text):
        raise ValueError(f"{text!r} is not an http:// or https:// URL")
    return text


def check_email(text: str) -> str:
    """An address, bare or as `Name <address>`; only the obvious slips are caught here."""
    address = parseaddr(text)[1]
    if "@" not in address or any(c.isspace() for c in address):
        raise ValueError(f"{text!r} is not an email address")
    return text


def check_language(text: str) -> str:
    if not _LANGUAGE_RE.fullmatch(text):
        raise ValueError(f"{text!r} is not a language code such as th or en")
    return text


def parse_encoding(text: str) -> str:
    """A codec name Python can decode with; `windows-874` becomes `cp874`."""
    if text.lower() in _ENCODING_ALIASES:
        return _ENCODING_ALIASES[text.lower()]
    try:
        codecs.lookup(text)
    except LookupError:
        raise ValueError(f"unknown encoding {text!r}; Thai sites use tis-620 (the same as "
                         "windows-874 and iso-8859-11) or utf-8") from None
    return text


def compile_regex(pattern: str) -> re.Pattern[str]:
    """re.compile, refusing set syntax Python says it may read differently one day.

    Python only warns of such sets (the POSIX class in `[[:alpha:]]`, a doubled
    `--` or `&&` inside `[...]`), and on standard error, which a user reads as
    a crash; `regex`, which runs the keyword, reads them differently today. So
    the warning becomes an re.error that says what to write instead.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        try:
            return re.compile(pattern)
        except FutureWarning as exc:
            raise re.error(
                f"ambiguous ({str(exc).lower()}): write \\[ for a bracket and escape a "
                "doubled -, &, ~ or | inside [...]; POSIX classes such as [:alpha:] are "
                "not supported, use \\w or a range such as [ก-๙]") from None


def check_keyword(keyword: str) -> str:
    """`/.../` is a regular expression; one that does not compile, or that matches
    the empty string (hence every item), is a mistake worth stopping for."""
    if len(keyword) >= 2 and keyword.startswith("/") and keyword.endswith("/"):
        try:
            compiled = compile_regex(keyword[1:-1])
        except re.error as exc:
            at = f" at position {exc.pos}" if exc.pos is not None else ""
            raise ValueError(f"bad regular expression {keyword!r}: {exc.msg}{at}") from None
        except RecursionError:  # re parses groups recursively
            from monitor.reasons import shorten  # the error path only: start-up stays lean
            raise ValueError(f"regular expression {shorten(keyword, 60)!r} nests groups "
                             "more deeply than the regular expression engines can read: "
                             "write it flatter") from None
        if compiled.search("") is not None:
            raise ValueError(f"regular expression {keyword!r} matches empty text, "
                             "so it would match every item")
    return keyword
