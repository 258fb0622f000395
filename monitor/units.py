"""Durations and sizes as people write them in sources.yaml (`6h`, `5MB`).

Kept apart from the config loader so the scheduler, the CLI and tests can parse
and print the same syntax without pulling in YAML handling.

Sizes: `KB`, `MB`, `GB` are decimal (1 KB = 1000 bytes), as disk and network
vendors count and as the default `5MB` in settings.py is meant; `KiB`, `MiB`,
`GiB` are binary (1 KiB = 1024 bytes) for those who want them. Unit letters are
case-insensitive for sizes (`5mb` is read as 5 MB: nobody limits a body in bits).

Durations: a number and one of `s`, `m`, `h`, `d`, or several such parts from
the largest unit down (`1h30m`, `1d12h`). Lower case only, because `M` reads as
"month" to many people and a silent surprise is worse than an error.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

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
