"""sources.yaml into a validated `Config`, or a ConfigError a user can act on.

All rules about keys, defaults and types live here (and in settings.py's
defaults), so the rest of the program trusts `Config` and never sees YAML.
Mistakes are collected rather than raised one by one: a user who mistyped
three keys should learn it from one `monitor check`, each with file, line and
the key's path (`sources.dga-news.interval`, or `sources[3].name` while a
source has no usable name yet; list positions count from 0).
"""

from __future__ import annotations

import difflib
import gc
import os
import re
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar, overload
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from monitor import DEFAULT_USER_AGENT
from monitor.config import units
from monitor.config.settings import (
    FORGET_UNMATCHED_AFTER,
    SMTP_SECURITY,
    SOURCE_KINDS,
    AlertTarget,
    Config,
    DigestSettings,
    FeedSettings,
    FetchSettings,
    Recipient,
    RequestSettings,
    Selectors,
    SmtpSettings,
    Source,
    TlsSettings,
    Topic,
)
from monitor.config.sourcetypes import SOURCE_TYPES, SourceKind
from monitor.config.units import (
    DURATION_UNITS,
    SLUG_RE,
    WEEKDAYS,
    parse_duration,
    parse_size,
)
from monitor.config.yamlnodes import (
    MAP_TAG,
    NULL_TAG,
    ConfigErrors,
    Invalid,
    NodeReader,
    Section,
    compose_text,
    detached,
    read_text,
)
from monitor.errors import ConfigError

__all__ = ["ConfigErrors", "load_config", "parse_duration", "parse_size"]

T = TypeVar("T")

SECRET_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::-)?\}")

# A file this long (about 2,000 sources) is read a source at a time, so that its
# whole node tree, some 30 times the file, is never held (see streaming.py).
# A shorter file's tree is under 16 MB, and libyaml composes it faster.
STREAM_FROM_CHARS = 512 * 1024

DEFAULT_TIMEZONE = "Asia/Bangkok"
DEFAULT_OUTPUT_DIR = "output"
DATABASE_NAME = "monitor.sqlite3"
# Beside sources.yaml, not in output_dir: whatever sits in output_dir is meant to be
# published, and the database holds recipients' addresses and fetched URLs.
DEFAULT_DATABASE = Path("data") / DATABASE_NAME

FETCH_KEYS = ("interval", "timeout", "max_bytes", "min_delay_per_host", "concurrency",
              "retries", "respect_robots", "allow_private_networks", "max_items",
              "max_articles")
TOP_KEYS = ("timezone", "output_dir", "database", "user_agent", "forget_unmatched_after",
            "fetch", "feed", "digest", "synonyms", "topics", "sources", "alerts")
FEED_KEYS = ("title", "link", "description", "language", "max_items")
DIGEST_KEYS = ("schedule", "from", "to", "smtp")
SMTP_KEYS = ("host", "port", "security", "username", "password", "timeout")
RECIPIENT_KEYS = ("address", "topics", "empty_weeks")
ALERT_KEYS = ("name", "url", "topics", "when", "health")
TOPIC_KEYS = ("id", "title", "any", "all", "none")
SOURCE_OWN_KEYS = ("name", "title", "url", "type", "topics", "keep_all", "fetch_article",
                   "encoding", "select", "tls", "request", "render", "kind")
TLS_KEYS = ("verify", "ca_bundle")
REQUEST_KEYS = ("method", "form")
REQUEST_METHODS = ("GET", "POST")
SOURCE_KEYS = SOURCE_OWN_KEYS + FETCH_KEYS
# Every key any source type accepts under `select:` (each type its own subset).
SELECT_KEYS = tuple(dict.fromkeys(k for t in SOURCE_TYPES.values() for k in t.select_keys))

# Where a key belongs when it turns up in the wrong section (typos are checked first).
MISPLACED: dict[str, str] = {
    **{k: "under 'digest: smtp:'" for k in SMTP_KEYS},
    **{k: "under 'digest:'" for k in DIGEST_KEYS},
    **{k: "under 'feed:'" for k in ("link", "description", "language", "max_items")},
    **{k: "on a topic, under 'topics:'" for k in ("id", "any", "all", "none")},
    **{k: "in a source's 'select:'" for k in ("item", "date", "summary")},
    **{k: "in a source's 'tls:'" for k in TLS_KEYS},
    **{k: "in a source's 'request:'" for k in REQUEST_KEYS},
    **{k: "on a source, under 'sources:'" for k in SOURCE_OWN_KEYS},
    **{k: "under 'fetch:' (or on a source, for that source only)" for k in FETCH_KEYS},
}


def load_config(path: Path | str, *, environ: Mapping[str, str] | None = None) -> Config:
    """Raises ConfigError naming file, line and key (`sources[2].select.item`,
    `sources.dga-news.interval`); ConfigErrors, one line each, for several mistakes."""
    file, shown = Path(path), str(path)
    text = read_text(file, shown)
    env = os.environ if environ is None else environ
    # The node tree of thousands of sources is hundreds of thousands of objects made
    # in one go, and the cycle collector walked them all again and again: more than
    # half the load of 10,000 sources. They hold no cycles; reference counts free them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        config = None
        if len(text) >= STREAM_FROM_CHARS and yaml.__with_libyaml__:
            config = _load_streaming(text, file, shown, env)
        return config if config is not None else _load(text, file, shown, env)
    finally:
        if collecting:
            gc.enable()


def _load(text: str, file: Path, shown: str, environ: Mapping[str, str]) -> Config:
    reader = NodeReader(shown, environ)
    config = _Loader(reader, file.absolute()).config(compose_text(text, shown))
    reader.raise_errors()
    return config


def _load_streaming(text: str, file: Path, shown: str,
                    environ: Mapping[str, str]) -> Config | None:
    """The config, each source converted as soon as it is composed; None wherever the
    outcome could differ from `_load`'s, which then reads the file again: a syntax
    error, a mistake that stops the reading, or `fetch:` or `topics:` written (again)
    after `sources:`."""
    from monitor.config.streaming import compose_streaming

    reader = NodeReader(shown, environ)
    loader = _Loader(reader, file.absolute())
    try:
        root = compose_streaming(text, "sources", loader.take_sources)
        if root is None:
            return None
        config = loader.config(root)
    except (yaml.YAMLError, RecursionError, ConfigError, _Restart):
        return None
    reader.raise_errors()
    return config


class _Restart(Exception):
    """The sources were converted with other settings than the file's final ones."""


@dataclass
class _Streamed:
    """The sources converted while the file was composed, and what they were read with."""

    node: SequenceNode
    fetch: FetchSettings
    topic_ids: set[str]
    seen: dict[str, int] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    count: int = 0


class _Loader:
    """One pass over the node tree; mistakes go to the reader, defaults fill the gaps."""

    def __init__(self, reader: NodeReader, path: Path) -> None:
        self.r = reader
        self.path = path
        self._streamed: _Streamed | None = None

    def config(self, root: Node) -> Config:
        try:
            top = self.r.section(root, "", TOP_KEYS, MISPLACED)
        except Invalid as exc:
            self.r.fail("", "the top level must be key: value lines such as `topics:` and "
                        f"`sources:`; {exc.message}", root)
        base = self.path.parent
        output_dir = top.get("output_dir", lambda n: self._path(n, base),
                             _resolve(Path(DEFAULT_OUTPUT_DIR), base))
        fetch = self._fetch(self._sub(top, "fetch", FETCH_KEYS), FetchSettings())
        topics = self._topics(top)
        return Config(
            path=self.path,
            timezone=top.get("timezone", self._value(units.parse_timezone),
                             ZoneInfo(DEFAULT_TIMEZONE)),
            output_dir=output_dir,
            database=top.get("database", lambda n: self._path(n, base),
                             _default_database(base, output_dir)),
            user_agent=top.get("user_agent", self.r.required_text, DEFAULT_USER_AGENT),
            forget_unmatched_after=top.get("forget_unmatched_after", self._forget_after,
                                           FORGET_UNMATCHED_AFTER),
            fetch=fetch,
            feed=self._feed(self._sub(top, "feed", FEED_KEYS)),
            digest=self._digest(self._sub(top, "digest", DIGEST_KEYS), {t.id for t in topics}),
            synonyms=top.get("synonyms", self._synonyms, ()),
            topics=topics,
            sources=self._sources(top, fetch, {t.id for t in topics}),
            alerts=self._alerts(top, {t.id for t in topics}),
        )

    def _sub(self, parent: Section, name: str, allowed: tuple[str, ...]) -> Section | None:
        """A nested mapping such as `fetch:`; None when absent, empty or not a mapping."""
        if name not in parent:
            return None
        key_node, node = parent.entries[name]
        if isinstance(node, ScalarNode) and node.tag == NULL_TAG:
            return None
        try:
            return self.r.section(node, parent.key(name), allowed, MISPLACED, key_node)
        except Invalid as exc:
            self.r.report(parent.key(name), exc.message, key_node)
            return None

    # -- fetch, feed, digest ------------------------------------------------

    def _fetch(self, section: Section | None, base: FetchSettings) -> FetchSettings:
        """`base` with the fetch keys given in `section` (the top-level `fetch:` or a source)."""
        if section is None:
            return base
        converters: dict[str, Callable[[Node], Any]] = {
            "interval": self._duration(allow_zero=False),
            "timeout": self._duration(allow_zero=False),
            "max_bytes": self._size,
            "min_delay_per_host": self._duration(allow_zero=True),
            "concurrency": lambda n: self.r.integer(n, minimum=1),
            "retries": lambda n: self.r.integer(n, minimum=0),
            "respect_robots": self.r.boolean,
            "allow_private_networks": self.r.boolean,
            "max_items": lambda n: self.r.integer(n, minimum=1),
            "max_articles": lambda n: self.r.integer(n, minimum=0),
        }
        changes = {name: section.get(name, convert, getattr(base, name))
                   for name, convert in converters.items() if name in section}
        return replace(base, **changes)

    def _feed(self, section: Section | None) -> FeedSettings:
        default = FeedSettings()
        if section is None:
            return default
        link = section.get("link", self._value(units.check_url), default.link)
        return FeedSettings(
            title=section.get("title", self.r.required_text, default.title),
            # A directory URL: without the slash, urljoin would drop its last segment.
            link=link if link.endswith("/") else link + "/",
            description=section.get("description", self.r.required_text, default.description),
            language=section.get("language", self._value(units.check_language), default.language),
            max_items=section.get("max_items", lambda n: self.r.integer(n, minimum=1),
                                  default.max_items),
        )

    def _digest(self, section: Section | None, topic_ids: set[str]) -> DigestSettings:
        default = DigestSettings()
        if section is None:
            return default
        recipients: tuple[Recipient, ...] = section.get(
            "to", lambda n: self._recipients(n, section.key("to"), topic_ids), ())
        weekday, hour, minute = section.get("schedule", self._value(units.parse_schedule),
                                            (default.weekday, default.hour, default.minute))
        return DigestSettings(
            schedule=f"{WEEKDAYS[weekday]} {hour:02d}:{minute:02d}",
            weekday=weekday, hour=hour, minute=minute,
            from_addr=section.get("from", self._value(units.check_email), default.from_addr),
            to=tuple(r.address for r in recipients),
            smtp=self._smtp(self._sub(section, "smtp", SMTP_KEYS)),
            recipients=tuple(r for r in recipients if r != Recipient(r.address)),
        )

    def _recipients(self, node: Node, key: str, topic_ids: set[str]) -> tuple[Recipient, ...]:
        """`to:` entries: an address, or {address, topics, empty_weeks}. One address
        written without brackets is what a user means by a list of one."""
        recipients = []
        for index, item in enumerate(self.r.items(node, single_ok=True)):
            if isinstance(item, MappingNode):
                section = self.r.section(item, f"{key}[{index}]", RECIPIENT_KEYS, MISPLACED)
                address = section.need("address", self._value(units.check_email),
                                       "missing: the recipient's email address")
                if address is not None:
                    recipients.append(Recipient(
                        address=address,
                        topics=section.get("topics", lambda n: self._each(
                            n, _topic_ref(topic_ids)), None),
                        empty_weeks=section.get("empty_weeks", self.r.boolean, False)))
                continue
            try:
                recipients.append(Recipient(self.r.parsed(item, units.check_email)))
            except Invalid as exc:
                raise Invalid(exc.message, item, subkey=f"[{index}]") from None
        return tuple(recipients)

    # -- alerts --------------------------------------------------------------

    def _alerts(self, top: Section, topic_ids: set[str]) -> tuple[AlertTarget, ...]:
        seen: dict[str, int] = {}
        targets = []
        nodes: list[Node] = top.get("alerts", self.r.items, [])
        for index, node in enumerate(nodes):
            section = self._entry(node, index, seen, "alerts", "name", ALERT_KEYS)
            if section is None:
                continue
            name = self._unique(section, "name", seen, "alert target")
            url = section.need("url", self._alert_url,
                               "missing: the target's Apprise URL, as ${LINE_URL}")
            no_time: tuple[int, int] | None = None
            when = section.get("when", self._value(_parse_when), ("new", no_time))
            if name is None or url is None:
                continue
            targets.append(AlertTarget(
                name=name, url=url, when=when[0], daily_at=when[1],
                topics=section.get("topics", lambda n: self._each(n, _topic_ref(topic_ids)),
                                   None),
                health=section.get("health", self.r.boolean, False)))
        return tuple(targets)

    def _alert_url(self, node: Node) -> str:
        """Only through `${...}`: an Apprise URL holds the service's token."""
        if isinstance(node, ScalarNode) and node.value and "${" not in node.value:
            raise Invalid("write the target as ${LINE_URL} (any variable name) and set that "
                          "variable: an Apprise URL holds a token, which never lives in "
                          "this file", node)
        url = self.r.required_text(node)
        if "://" not in url:
            raise Invalid("the variable must hold an Apprise URL such as line://TOKEN/TARGET "
                          "or json://host/path", node)
        return url

    def _smtp(self, section: Section | None) -> SmtpSettings:
        default = SmtpSettings()
        if section is None:
            return default
        return SmtpSettings(
            host=section.get("host", self.r.required_text, default.host),
            port=section.get("port", lambda n: self.r.integer(n, 1, 65535), default.port),
            security=section.get("security", self._choice(SMTP_SECURITY), default.security),
            username=section.get("username", self._optional_text, None),
            password=section.get("password", self._password, None),
            timeout=section.get("timeout", self._duration(allow_zero=False), default.timeout),
        )

    # -- topics --------------------------------------------------------------

    def _topics(self, top: Section) -> tuple[Topic, ...]:
        seen: dict[str, int] = {}
        nodes: list[Node] = top.get("topics", self.r.items, [])
        topics = [self._topic(node, index, seen) for index, node in enumerate(nodes)]
        return tuple(t for t in topics if t is not None)

    def _entry(self, node: Node, index: int, seen: dict[str, int], listing: str,
               slug_key: str, keys: tuple[str, ...]) -> Section | None:
        """Open one list entry, named by its slug while that is unique, else by position."""
        slug = _peek(node, slug_key)
        here = f"{listing}.{slug}" if slug and slug not in seen else f"{listing}[{index}]"
        try:
            return self.r.section(node, here, keys, MISPLACED)
        except Invalid as exc:
            self.r.report(here, exc.message, node)
            return None

    def _topic(self, node: Node, index: int, seen: dict[str, int]) -> Topic | None:
        section = self._entry(node, index, seen, "topics", "id", TOPIC_KEYS)
        if section is None:
            return None
        topic_id = self._unique(section, "id", seen, "topic")
        any_ = self._keywords(section, "any", groups=True)
        if "any" not in section:
            self.r.report(section.key("any"), "missing: a topic needs `any:`, keywords of "
                          "which at least one must match", section.node)
        elif not any_ and not self.r.has_error(section.key("any")):
            self.r.report(section.key("any"), "is empty: a topic needs at least one keyword",
                          section.value("any"))
        if topic_id is None:
            return None
        return Topic(id=topic_id, title=section.get("title", self.r.required_text, topic_id),
                     any=any_, all=self._keywords(section, "all"),
                     none=self._keywords(section, "none"))

    @overload
    def _keywords(self, section: Section, name: str) -> tuple[str, ...]: ...

    @overload
    def _keywords(self, section: Section, name: str, *, groups: Literal[True]
                  ) -> tuple[str | tuple[str, ...], ...]: ...

    def _keywords(self, section: Section, name: str, *, groups: bool = False
                  ) -> tuple[str | tuple[str, ...], ...]:
        """Every keyword checked, each bad one reported: a topic often has several.

        With `groups` (for `any:`), an entry may itself be a list: keywords that
        must all match together, e.g. an English phrase and a Thai context.
        """
        if name not in section:
            return ()
        try:
            items = self.r.items(section.value(name), single_ok=True)
        except Invalid as exc:
            self.r.report(section.key(name), exc.message, exc.node)
            return ()
        found: list[str | tuple[str, ...]] = []
        for index, item in enumerate(items):
            where = f"{section.key(name)}[{index}]"
            if groups and isinstance(item, SequenceNode):
                members = [self.r.attempt(f"{where}[{i}]",
                                          lambda n: self.r.parsed(n, _check_keyword), m, None)
                           for i, m in enumerate(item.value)]
                if len(members) < 2:
                    self.r.report(where, "a keyword group needs at least two keywords that "
                                  "must all match, e.g. [\"Digital ID\", \"Thailand\"]", item)
                elif all(m is not None for m in members):
                    found.append(tuple(m for m in members if m is not None))
                continue
            keyword = self.r.attempt(where, lambda n: self.r.parsed(n, _check_keyword),
                                     item, None)
            if keyword is not None:
                found.append(keyword)
        return tuple(found)

    def _synonyms(self, node: Node) -> tuple[tuple[str, ...], ...]:
        groups = []
        for index, group in enumerate(self.r.items(node)):
            terms = self.r.text_list(group)
            if len(terms) < 2:
                raise Invalid('a synonym group needs at least two terms, e.g. ["สพร.", "DGA"]',
                              group, subkey=f"[{index}]")
            groups.append(terms)
        return tuple(groups)

    # -- sources -------------------------------------------------------------

    def take_sources(self, before: list[tuple[Node, Node]],
                     node: SequenceNode) -> Callable[[Node], None] | None:
        """What converts each entry of `sources:` as it is composed (see streaming.py).

        A source depends on `fetch:` and on the topics' ids. They are read here from
        a copy of the keys before the list, by a reader whose mistakes are dropped:
        `config` reads the keys again, reports those, and checks that they came out
        the same.
        """
        probe = _Loader(NodeReader(self.r.shown_path, self.r.environ), self.path)
        try:
            top = probe.r.section(detached(MappingNode(MAP_TAG, before)), "", TOP_KEYS)
        except Invalid:
            return None
        fetch = probe._fetch(probe._sub(top, "fetch", FETCH_KEYS), FetchSettings())
        topic_ids = {t.id for t in probe._topics(top)}
        streamed = self._streamed = _Streamed(node, fetch, topic_ids)

        def take(entry: Node) -> None:
            source = self._source(entry, streamed.count, streamed.seen, fetch, topic_ids)
            streamed.count += 1
            if source is not None:
                streamed.sources.append(source)
        return take

    def _sources(self, top: Section, fetch: FetchSettings,
                 topic_ids: set[str]) -> tuple[Source, ...]:
        streamed = self._streamed
        if streamed is not None:
            if ("sources" not in top or top.value("sources") is not streamed.node
                    or (streamed.fetch, streamed.topic_ids) != (fetch, topic_ids)):
                raise _Restart
            return tuple(streamed.sources)
        seen: dict[str, int] = {}
        nodes: list[Node] = top.get("sources", self.r.items, [])
        sources = [self._source(node, index, seen, fetch, topic_ids)
                   for index, node in enumerate(nodes)]
        return tuple(s for s in sources if s is not None)

    def _source(self, node: Node, index: int, seen: dict[str, int], fetch: FetchSettings,
                topic_ids: set[str]) -> Source | None:
        section = self._entry(node, index, seen, "sources", "name", SOURCE_KEYS)
        if section is None:
            return None
        name = self._unique(section, "name", seen, "source")
        url = section.need("url", self._value(units.check_url),
                           "missing: the address of the feed, sitemap or listing page")
        kind = section.need("type", self._value(_check_type),
                            "missing: one of " + ", ".join(SOURCE_TYPES))
        topics = section.get("topics", lambda n: self._each(n, _topic_ref(topic_ids)), None)
        keep_all = section.get("keep_all", self.r.boolean, False)
        if topics == () and not keep_all:
            self.r.report(section.key("topics"), "is empty, so this source would never "
                          "publish anything; remove it to try every topic, or set "
                          "keep_all: true", section.value("topics"))
        select = self._selectors(section, kind)
        if "render" in section and "request" in section:
            self.r.report(section.key("request"), "cannot be combined with `render: true`, "
                          "which loads the page as a browser does, with a GET",
                          section.entries["request"][0])
        if name is None or url is None or kind is None:
            return None
        public_url, secrets = self.r.masked(section.value("url"))
        return Source(
            name=name, url=url, type=kind, public_url=public_url.strip(), secrets=secrets,
            title=section.get("title", self.r.required_text, name),
            topics=topics, keep_all=keep_all,
            fetch_article=section.get("fetch_article", self.r.boolean, False),
            encoding=section.get("encoding", self._value(units.parse_encoding), None),
            fetch=replace(self._fetch(section, fetch), tls=self._tls(section, url)),
            select=select,
            request=self._request(section),
            render=section.get("render", self.r.boolean, False),
            kind=section.get("kind", self._choice(SOURCE_KINDS), "news"),
        )

    def _tls(self, source: Section, url: str) -> TlsSettings:
        """`tls:` bound to the source's own host, so it never reaches the sites it links to."""
        section = self._sub(source, "tls", TLS_KEYS)
        if section is None:
            return TlsSettings()   # the usual checks: nothing to bind to a host
        host = (urlsplit(url).hostname or "") if url else ""
        verify = section.get("verify", self.r.boolean, True)
        bundle = section.get("ca_bundle", self._ca_bundle, None)
        if not verify and bundle is not None:
            self.r.report(section.key("verify"), "false turns every check off, so ca_bundle "
                          "would be ignored; keep only one of them", section.value("verify"))
        return TlsSettings(verify=verify, ca_bundle=bundle, host=host)

    def _ca_bundle(self, node: Node) -> Path:
        """A PEM file of CA certificates, relative to sources.yaml, checked now rather than
        at the first crawl."""
        path = self._path(node, self.path.parent)
        try:
            ssl.create_default_context(cafile=str(path))
        except FileNotFoundError:
            raise Invalid(f"no such file: {path}", node) from None
        except (ssl.SSLError, OSError, ValueError) as exc:
            raise Invalid(f"{path} is not a PEM file of CA certificates ({exc})",
                          node) from None
        return path

    def _request(self, source: Section) -> RequestSettings | None:
        section = self._sub(source, "request", REQUEST_KEYS)
        if section is None:
            return None
        method = section.get("method", self._value(_check_method), "GET")
        form: tuple[tuple[str, str], ...] = section.get("form", self._form, ())
        if form and method != "POST":
            self.r.report(section.key("form"), "is sent only with `method: POST`",
                          section.value("form"))
        return RequestSettings(method=method, form=form)

    def _form(self, node: Node) -> tuple[tuple[str, str], ...]:
        if not isinstance(node, MappingNode):
            raise Invalid("expected field: value lines, e.g. {__EVENTTARGET: \"\", page: 1}",
                          node)
        fields = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or not str(key_node.value):
                raise Invalid("a form field needs a plain name", key_node)
            value = self.r.text(value_node)
            fields.append((str(key_node.value), value or ""))
        return tuple(fields)

    def _unique(self, section: Section, key: str, seen: dict[str, int],
                what: str) -> str | None:
        """A required slug (`name`, `id`) that no earlier entry uses; `seen` maps it to a line."""
        value = section.need(key, self._value(units.check_slug),
                             f"missing: every {what} needs a unique `{key}:` slug")
        if value is None:
            return None
        if value in seen:
            self.r.report(section.key(key), f"{value!r} is already the {key} of the {what} "
                          f"at line {seen[value]}; each {what} needs its own",
                          section.value(key))
            return None
        seen[value] = section.node.start_mark.line + 1
        return value

    def _selectors(self, source: Section, kind: str | None) -> Selectors | None:
        key = source.key("select")
        record = SOURCE_TYPES.get(kind) if kind else None
        if record is None:
            return None
        if not record.select_keys:
            if "select" in source:
                takes = [t.name for t in SOURCE_TYPES.values() if t.select_keys]
                self.r.report(key, f"only for type {' or '.join(takes)}; a {kind} source finds "
                              "its items itself (remove `select:`, or change `type:`)",
                              source.entries["select"][0])
            return None
        first = record.select_required[0] if record.select_required else record.select_keys[0]
        example = _SELECT_EXAMPLES.get(f"{kind}.{first}") or _SELECT_EXAMPLES.get(
            first, f"required for type {kind}")
        if "select" not in source:
            self.r.report(key, f"missing: type {kind} needs `select:` with at least "
                          f"`{first}:`, {example}", source.node)
            return None
        section = self._sub(source, "select", record.select_keys)
        if section is None:
            if not self.r.has_error(key):
                self.r.report(f"{key}.{first}", f"missing: `select:` needs `{first}:`, {example}",
                              source.entries["select"][0])
            return None
        given, check = frozenset(section.entries), record.select_check

        def convert(key: str) -> Callable[[Node], str]:
            if check is None:
                return self.r.required_text
            return self._value(lambda text: (check(key, text, given), text)[1])

        values = {k: section.get(k, convert(k), None) for k in record.select_keys}
        for required in record.select_required:
            if values.get(required) is None and not self.r.has_error(f"{key}.{required}"):
                values[required] = section.need(
                    required, self.r.required_text,
                    f"missing: {example if required == first else 'required'}")
        if any(values.get(r) is None for r in record.select_required):
            return None
        return Selectors(**{k: v for k, v in values.items() if v is not None})

    # -- single values -------------------------------------------------------

    def _value(self, parse: Callable[[str], T]) -> Callable[[Node], T]:
        return lambda node: self.r.parsed(node, parse)

    def _each(self, node: Node, check: Callable[[str], T]) -> tuple[T, ...]:
        """A list (or one bare value) with `check` applied to every element."""
        values = []
        for index, item in enumerate(self.r.items(node, single_ok=True)):
            try:
                values.append(self.r.parsed(item, check))
            except Invalid as exc:
                raise Invalid(exc.message, item, subkey=f"[{index}]") from None
        return tuple(values)

    def _path(self, node: Node, base: Path) -> Path:
        return _resolve(Path(self.r.required_text(node)).expanduser(), base)

    def _optional_text(self, node: Node) -> str | None:
        text = self.r.text(node)
        return (text.strip() or None) if text is not None else None

    def _password(self, node: Node) -> str | None:
        """Only through `${...}`: a password in the file ends up in backups and git history.

        So the value must be one reference and nothing else: `${NAME:-hunter2}` or
        `x${NAME}` would put (part of) a literal secret back into the file.
        """
        if isinstance(node, ScalarNode) and node.value:
            if "${" not in node.value:
                raise Invalid("write the password as ${SMTP_PASSWORD} and set that variable "
                              "(or SMTP_PASSWORD_FILE); secrets never live in this file", node)
            if not SECRET_REFERENCE.fullmatch(node.value.strip()):
                raise Invalid("a password must be just ${NAME} (or ${NAME:-} to allow it "
                              "empty), with no default or other text: secrets never live "
                              "in this file", node)
        return self._optional_text(node)

    def _duration(self, *, allow_zero: bool) -> Callable[[Node], float]:
        def convert(node: Node) -> float:
            seconds = self.r.parsed(node, parse_duration, zero=0.0 if allow_zero else None)
            if seconds <= 0 and not allow_zero:
                raise Invalid("must be longer than 0s", node)
            return seconds
        return convert

    def _forget_after(self, node: Node) -> float | None:
        """A duration of at least a day, or `never`: sightings are recorded at most
        daily, and an item counts as gone only from a read a day after the last one,
        so a shorter time would say what the store cannot do."""
        if self.r.scalar(node).text.strip() == "never":
            return None
        seconds = self.r.parsed(node, parse_duration)
        if seconds < DURATION_UNITS["d"]:
            raise Invalid("must be 1d or longer, or `never`", node)
        return seconds

    def _size(self, node: Node) -> int:
        size = self.r.parsed(node, parse_size)
        if size <= 0:
            raise Invalid("must be more than 0 bytes", node)
        return size

    def _choice(self, choices: tuple[str, ...]) -> Callable[[Node], str]:
        def check(value: str) -> str:
            if value not in choices:
                raise ValueError(f"{value!r} is not one of: {', '.join(choices)}")
            return value
        return self._value(check)


_SELECT_EXAMPLES = {
    "item": "a CSS selector matching one element per item, e.g. \"div.news-list > div.item\"",
    "json.item": "a JMESPath expression giving the list of records, e.g. \"data.result\"",
}


def _parse_when(value: str) -> tuple[str, tuple[int, int] | None]:
    """`new`, or `daily HH:MM` (in `timezone`)."""
    words = value.split()
    if words == ["new"]:
        return "new", None
    if len(words) == 2 and words[0] == "daily":
        hour, _, minute = words[1].partition(":")
        if hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60 \
                and len(minute) == 2:
            return f"daily {int(hour):02d}:{minute}", (int(hour), int(minute))
    raise ValueError(f"{value!r} is not `new` or `daily HH:MM` (such as \"daily 08:00\")")


def _check_type(value: str) -> SourceKind:
    if value not in SOURCE_TYPES:
        meant = {"rss": "feed", "atom": "feed", "jsonfeed": "feed", "xml": "sitemap"}.get(
            value.lower().split()[0] if value.strip() else "")
        hint = f" (for {value!r} write {meant!r})" if meant else ""
        raise ValueError(f"{value!r} is not one of: {', '.join(SOURCE_TYPES)}{hint}")
    return SOURCE_TYPES[value].name


def _check_method(value: str) -> str:
    method = value.strip().upper()
    if method not in REQUEST_METHODS:
        raise ValueError(f"{value!r} is not one of: {', '.join(REQUEST_METHODS)}")
    return method


def _topic_ref(topic_ids: set[str]) -> Callable[[str], str]:
    def check(ref: str) -> str:
        if ref not in topic_ids:
            close = difflib.get_close_matches(ref, sorted(topic_ids), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            known = ", ".join(sorted(topic_ids)) or "none are defined"
            raise ValueError(f"unknown topic {ref!r}; {hint}the topics are: {known}")
        return ref
    return check


def _check_keyword(keyword: str) -> str:
    """The local check, then the matcher's own if it has one: it knows its syntax best."""
    units.check_keyword(keyword)
    try:
        from monitor.match import keyword_error
    except ImportError:
        return keyword
    problem = keyword_error(keyword)
    if problem:
        raise ValueError(str(problem))
    return keyword


def _peek(node: Node, key: str) -> str | None:
    """A mapping's `key` as written, before validation: to name the entry in error paths."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key and isinstance(value_node, ScalarNode) \
                    and SLUG_RE.fullmatch(value_node.value):
                return str(value_node.value)
    return None


def _default_database(base: Path, output_dir: Path) -> Path:
    """`data/monitor.sqlite3` beside sources.yaml; a database at the old default
    (inside output_dir) keeps being used, so an upgrade loses nothing, and
    `monitor check` says how to move it."""
    old = output_dir / DATABASE_NAME
    new = _resolve(DEFAULT_DATABASE, base)
    return old if old.exists() and not new.exists() else new


def _resolve(path: Path, base: Path) -> Path:
    return Path(os.path.normpath(path if path.is_absolute() else base / path))


# -- describe -----------------------------------------------------------------
