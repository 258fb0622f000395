"""The weekly digest: one ISO week (Monday to Sunday in `timezone`), Thai first.

Written as digests/<YYYY>-W<ww>.html and .txt; the same two texts are what
the email carries, so what was sent can always be read again on disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from monitor.config.settings import Config
from monitor.errors import ConfigError, MailError
from monitor.mail import build_message
from monitor.mail import send as send_mail
from monitor.models import Report
from monitor.publish.atomic import write_atomic
from monitor.publish.feeds import outlet_name
from monitor.publish.highlights import highlights
from monitor.publish.labels import labels
from monitor.publish.render import CSP_NO_SCRIPT, render
from monitor.text.thaidate import format_thai_date

if TYPE_CHECKING:   # publish only reads what the store hands it
    from monitor.store import Store

MAX_ENTRIES = 500
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        start = datetime.combine(self.monday(), time(0), tzinfo=tz)
        end = datetime.combine(self.monday() + timedelta(days=7), time(0), tzinfo=tz)
        return start, end


def parse_week(text: str) -> Week:
    match = _WEEK.match(text.strip())
    if match:
        year, number = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            pass
        else:
            return Week(year, number)
    raise ConfigError(f"{text!r} is not an ISO week such as 2026-W47", key="--week")


def last_complete_week(now: datetime, tz: ZoneInfo) -> Week:
    iso = (now.astimezone(tz).date() - timedelta(days=7)).isocalendar()
    return Week(iso.year, iso.week)


@dataclass(frozen=True)
class Digest:
    week: Week
    subject: str
    html: str
    text: str
    entries: int


SUMMARY_CHARS = 200   # one or two lines of a phone screen


def build_digest(config: Config, store: Store, week: Week, now: datetime,
                 topics: tuple[str, ...] | None = None) -> Digest:
    """The week's digest; with `topics`, only those topics' sections (a recipient's own)."""
    start, end = week.bounds(config.timezone)
    entries = store.entries(limit=MAX_ENTRIES, since=start, until=end)
    if topics is not None:
        entries = [e for e in entries if set(e.topics) & set(topics)]
    words = labels(config.feed.language)
    titles = {s.name: s.display_title for s in config.sources}
    sections = []
    for topic in config.topics:
        if topics is not None and topic.id not in topics:
            continue
        chosen = [e for e in entries if topic.id in e.topics]
        sections.append({"id": topic.id, "title": topic.title, "entries": chosen})
    other = [e for e in entries if not e.topics]
    if other:
        sections.append({"id": "other", "title": words["other"], "entries": other})

    def outlet(report: Report) -> str:
        return outlet_name(report, titles)

    last_day = end - timedelta(days=1)
    context = {
        "feed": config.feed, "week": week, "start": start, "last_day": last_day,
        "sections": sections, "count": len(entries), "tz": config.timezone, "now": now,
        "outlet": outlet, "t": words, "summary_chars": SUMMARY_CHARS,
        "highlights": highlights(config, entries, store.all_health(), words["other"],
                                 succeeded_since=start),
        "subject": words["week_subject"].format(
            start=_day(start, config), end=_day(last_day, config), count=len(entries),
            number=week.number, year=week.year + 543, label=week.label),
    }
    html = render("digest.html", context)
    return Digest(week, str(context["subject"]), html, render("digest.txt", context),
                  len(entries))


def _day(value: datetime, config: Config) -> str:
    if config.feed.language.lower().startswith("th"):
        return format_thai_date(value.astimezone(config.timezone))
    return value.astimezone(config.timezone).strftime("%-d %B %Y")


def write_digest(config: Config, digest: Digest) -> tuple[Path, Path]:
    folder = config.output_dir / "digests"
    html_path = folder / f"{digest.week.label}.html"
    text_path = folder / f"{digest.week.label}.txt"
    write_atomic(html_path, digest.html)
    write_atomic(text_path, digest.text)
    write_archive(config)
    return html_path, text_path


# The count each digest page carries, so the archive can list weeks from the files alone.
_COUNT = re.compile(r'<meta name="monitor-entries" content="(\d+)">')


@dataclass(frozen=True)
class ArchiveLine:
    week: Week
    count: int | None
    html: str | None
    text: str | None


def write_archive(config: Config) -> Path:
    """digests/index.html: one line per written week, newest first, from the files on disk."""
    folder = config.output_dir / "digests"
    weeks: dict[str, ArchiveLine] = {}
    if folder.is_dir():
        for path in folder.iterdir():
            if path.suffix not in (".html", ".txt") or not _WEEK.match(path.stem):
                continue
            line = weeks.get(path.stem) or ArchiveLine(parse_week(path.stem), None, None, None)
            if path.suffix == ".html":
                found = _COUNT.search(path.read_text("utf-8", errors="replace")[:4000])
                line = ArchiveLine(line.week, int(found[1]) if found else line.count,
                                   path.name, line.text)
            else:
                line = ArchiveLine(line.week, line.count, line.html, path.name)
            weeks[path.stem] = line
    lines = sorted(weeks.values(), key=lambda w: (w.week.year, w.week.number), reverse=True)
    words = labels(config.feed.language)
    rows = []
    for line in lines:
        start, end = line.week.bounds(config.timezone)
        rows.append({"line": line, "range": f"{_day(start, config)} – "
                                            f"{_day(end - timedelta(days=1), config)}"})
    page = render("digest_archive.html", {"feed": config.feed, "rows": rows, "t": words,
                                          "csp": CSP_NO_SCRIPT})
    path = folder / "index.html"
    write_atomic(path, page)
    return path


@dataclass(frozen=True)
class Delivery:
    """What happened to one recipient's copy of a digest."""

    recipient: str
    status: Literal["sent", "already sent", "failed", "nothing for them"]
    error: str | None = None


def send_digest(config: Config, store: Store, digest: Digest, now: datetime, *,
                force: bool = False) -> list[Delivery]:
    """Email a written digest to every recipient who has not had this week yet.

    Returns what happened per recipient, for the command to print and the
    scheduler to log; a failing recipient never stops the others.
    """
    if not config.digest.to:
        raise ConfigError("no recipients: add digest.to", path=str(config.path),
                          key="digest.to")
    deliveries: list[Delivery] = []
    for recipient in config.digest.to:
        if store.digest_sent(digest.week.label, recipient) and not force:
            deliveries.append(Delivery(recipient, "already sent"))
            continue
        wants = config.digest.recipient(recipient)
        own = digest if wants.topics is None else build_digest(
            config, store, digest.week, now, topics=wants.topics)
        if own.entries == 0 and not wants.empty_weeks:
            deliveries.append(Delivery(recipient, "nothing for them"))
            continue
        message = build_message(subject=own.subject, sender=config.digest.from_addr,
                                recipient=recipient, text=own.text, html=own.html)
        try:
            send_mail(message, config.digest.smtp)
        except MailError as error:
            deliveries.append(Delivery(recipient, "failed", str(error)))
            continue
        store.mark_digest_sent(digest.week.label, recipient, now)
        deliveries.append(Delivery(recipient, "sent"))
    return deliveries
