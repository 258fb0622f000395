"""index.html: this week's highlights, recent items by topic, and every source's health.

Self-contained and locked down: a Content-Security-Policy allows nothing
remote and only the page's own inline style and script (by hash), so even a
scraped title that slipped past escaping could load or run nothing. The topic
chips filter with CSS alone (`:target`); the few lines of script only mark the
chosen chip. Laid out for a phone first: no table, nothing wider than the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup

from monitor.config.settings import Config
from monitor.health import Health
from monitor.models import Entry, Report
from monitor.publish.feeds import outlet_name
from monitor.publish.highlights import highlights
from monitor.publish.labels import error_gist, labels, state_label
from monitor.publish.render import csp_hash, render

PER_TOPIC = 30
HIGHLIGHT_DAYS = 7
FAILED_STATES = ("failing", "blocked")

STYLE = """
body { font-family: system-ui, "Noto Sans Thai", sans-serif; margin: 0 auto; max-width: 48rem;
       padding: 1rem; line-height: 1.6; color: #1b1b1b; background: #fff;
       overflow-wrap: anywhere; word-break: break-word; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; border-bottom: 2px solid #0b5394; padding-bottom: .2rem;
     margin-top: 2rem; }
h3 { font-size: 1rem; margin: .8rem 0 .2rem; }
ul.items, ul.sources, ul.links { list-style: none; padding: 0; }
ul.items li, ul.sources li { margin: 0 0 1rem; }
.meta { color: #555; font-size: .85rem; }
.first-seen { font-style: italic; }
.summary { margin: .2rem 0 0; }
.notice { border: 2px solid #b00020; background: #fdecee; padding: .6rem .8rem; margin: 1rem 0; }
.week { background: #f3f6fa; border-left: 4px solid #0b5394; padding: .4rem .8rem; }
.chips { display: flex; flex-wrap: wrap; gap: .4rem; margin: 1.5rem 0 0; }
.chips a { border: 1px solid #0b5394; border-radius: 1rem; padding: .1rem .7rem;
           text-decoration: none; }
.chips a[aria-current] { background: #0b5394; color: #fff; }
#topics:has(> .topic:target) > .topic:not(:target) { display: none; }
.state-ok { color: #1e7b34; } .state-failing, .state-blocked { color: #b00020; }
.state-broken { color: #a15c00; }
.tls-insecure { color: #b00020; background: #fff3cd; font-weight: bold; }
details { font-size: .8rem; color: #555; }
a { color: #0b5394; }
"""

# Marks the chip of the topic in the address (the filter itself is CSS).
SCRIPT = """
function mark() {
  for (const a of document.querySelectorAll('.chips a')) {
    const on = a.getAttribute('href') === (location.hash || '#topics');
    if (on) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
  }
}
addEventListener('hashchange', mark);
mark();
"""


def content_security_policy() -> str:
    return (f"default-src 'none'; style-src {csp_hash(STYLE)}; script-src {csp_hash(SCRIPT)}; "
            "img-src 'self'; base-uri 'none'; form-action 'self'")


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    entries: list[Entry]


@dataclass(frozen=True)
class HealthRow:
    title: str
    state: str
    state_label: str
    last_success: datetime | None
    items_last: int | None
    gist: str               # the last error's cause, in the page's language
    last_error: str | None  # the fetcher's own sentence, shown as a technical detail
    tls_insecure: bool = False   # `tls: {verify: false}`: shown as a warning


def index_html(config: Config, sections: list[Section], health: dict[str, Health],
               now: datetime, entries: list[Entry] | None = None) -> str:
    language = config.feed.language
    words = labels(language)
    titles = {s.name: s.display_title for s in config.sources}
    rows = []
    for source in config.sources:
        h = health.get(source.name) or Health(source.name, state="new")
        rows.append(HealthRow(source.display_title, h.state, state_label(h.state, language),
                              h.last_success, h.items_last,
                              error_gist(h.last_error, language), h.last_error,
                              source.tls_insecure))
    crawled = [health[s.name] for s in config.sources if s.name in health]
    all_failed = bool(crawled) and all(h.state in FAILED_STATES for h in crawled)
    recent = [e for e in (entries or []) if e.published >= now - timedelta(days=HIGHLIGHT_DAYS)]

    def outlet(report: Report) -> str:
        return outlet_name(report, titles)

    return render("index.html", {
        "feed": config.feed, "sections": sections, "health": rows, "now": now,
        "tz": config.timezone, "outlet": outlet, "t": words, "topics": config.topics,
        "highlights": highlights(config, recent, health, words["other"]),
        "all_failed": all_failed, "crawled": len(crawled),
        "style": Markup(STYLE), "script": Markup(SCRIPT), "csp": content_security_policy(),
    })
