"""Logging for every command: quiet by default, timestamped, text or JSON lines.

Levels, as `monitor run` uses them: NOTICE for what an operator wants to see
in `docker logs` by default (start-up, a source changing state, a digest
sent), ERROR for each failure, INFO (`-v`) for every source's result and the
detail behind an error, and `-vv` for the libraries' own logs (APScheduler,
httpx). Lines are cut at 300 characters on a terminal, never in a file or pipe
(where a log collector wants the whole line).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from monitor.reasons import shorten
from monitor.text.clean import terminal_safe

NOTICE = 25
logging.addLevelName(NOTICE, "NOTICE")
TERMINAL_WIDTH = 300
LIBRARIES = ("apscheduler", "httpx", "httpcore", "asyncio")
# Fields a log call may pass through `extra=` that the JSON form carries as its own keys.
FIELDS = ("source", "state", "previous", "cause", "detail", "recipient", "week")


def _time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds")


class TextFormatter(logging.Formatter):
    def __init__(self, *, cut: bool) -> None:
        super().__init__()
        self.cut = cut

    def format(self, record: logging.LogRecord) -> str:
        message = terminal_safe(record.getMessage())
        if record.exc_info and record.levelno >= logging.ERROR:
            message += "\n" + self.formatException(record.exc_info)
        name = "" if record.name.startswith("monitor") else f"{record.name}: "
        line = f"{_time(record)} {record.levelname.lower()} {name}{message}"
        return shorten(line, TERMINAL_WIDTH) if self.cut and "\n" not in line else line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {"time": _time(record), "level": record.levelname.lower(),
                                   "logger": record.name, "message": record.getMessage()}
        for name in FIELDS:
            if name in record.__dict__:
                data[name] = record.__dict__[name]
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def setup_logging(verbosity: int = 0, form: str = "text", stream: TextIO | None = None) -> None:
    """0: NOTICE and up; 1: the monitor's INFO; 2: its DEBUG and the libraries' INFO."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    if form == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter(cut=_isatty(stream)))
    root = logging.getLogger()
    # Replace only our own handler: main() may run many times in one process (tests),
    # and a host's handlers (pytest's capture) are not ours to remove.
    for old in list(root.handlers):
        if getattr(old, "monitor_handler", False):
            root.removeHandler(old)
    handler.monitor_handler = True   # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbosity else NOTICE)
    logging.getLogger("monitor").setLevel(logging.DEBUG if verbosity >= 2 else logging.NOTSET)
    # A library's warnings are its own business until asked for (-vv): APScheduler
    # reports a late job at WARNING, which an operator cannot act on.
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.INFO if verbosity >= 2 else logging.ERROR)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
