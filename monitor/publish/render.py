"""One Jinja2 environment for every HTML and text output.

Autoescape is on for .html templates: scraped titles and summaries are
untrusted and reach the page only as escaped text. The text templates are
plain text and never go through a browser.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from monitor.text.thaidate import format_thai_date
from monitor.text.words import shorten


def _safe_href(url: str) -> str:
    """Only http(s) links become clickable; anything else is replaced by '#'."""
    return url if urlsplit(url).scheme.lower() in ("http", "https") else "#"


def _thai_date(value: datetime, tz: object = None, with_time: bool = False) -> str:
    if tz is not None:
        value = value.astimezone(tz)  # type: ignore[arg-type]
    return format_thai_date(value, style="long", with_time=with_time)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("monitor", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = _safe_href
    env.filters["thai_date"] = _thai_date
    env.filters["shorten"] = shorten
    return env


# Pages with only an inline <style>: nothing remote, nothing scripted.
CSP_NO_SCRIPT = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                 "base-uri 'none'; form-action 'self'")


def csp_hash(source: str) -> str:
    """The CSP source expression allowing exactly this inline <style> or <script> body."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def render(template: str, context: Mapping[str, object]) -> str:
    return environment().get_template(template).render(**context)
