"""sources.yaml: what a correct file gives, and what each kind of mistake says.

Error cases are a table of small YAML files. The line a message must point at
is marked in the YAML itself with a `# <-` comment, so a reader sees at once
which line the user would be sent to.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor import DEFAULT_USER_AGENT
from monitor.config.describe import describe
from monitor.config.loader import ConfigErrors, load_config, parse_duration, parse_size
from monitor.config.settings import (
    Config,
    DigestSettings,
    FeedSettings,
    FetchSettings,
    Selectors,
    SmtpSettings,
)
from monitor.config.units import format_duration, format_size
from monitor.errors import ConfigError

SHIPPED = Path(__file__).resolve().parents[1] / "sources.yaml"
MARK = "# <-"

MINIMAL = """\
topics:
  - id: egov-act
    any: ["Electronic Government Operations Act"]
sources:
  - name: dga-news
    url: https://www.dga.or.th/feed/
    type: feed
"""


def write(tmp_path: Path, text: str, name: str = "my-sources.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> Config:
    return load_config(write(tmp_path, text), environ=environ or {})


def marked_line(text: str, mark: str = MARK) -> int:
    lines = textwrap.dedent(text).splitlines()
    return next(number for number, line in enumerate(lines, 1) if mark in line)


def error_of(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text, environ)
    return caught.value


# -- what a correct file gives ---------------------------------------------------

def test_shipped_sources_yaml_loads_without_any_environment() -> None:
    config = load_config(SHIPPED, environ={})
    assert config.path == SHIPPED
    assert "egov-act" in {t.id for t in config.topics}
    assert config.sources, "the shipped file defines no sources"
    for source in config.sources:
        assert source.url.startswith(("http://", "https://"))
        assert (source.select is not None) == (source.type in ("html", "json")), source.name
    summary = describe(config)
    assert all(source.name in summary for source in config.sources)
    kinds = {source.name: source.kind for source in config.sources}
    assert set(kinds.values()) == {"news"}, "kind defaults to news"
    # The Royal Gazette entry is shipped commented out (it cannot be proven);
    # uncommented, it heads the digest's highlights.
    gazette = SHIPPED.read_text("utf-8").split("# - name: royal-gazette", 1)[1][:400]
    assert "#   kind: regulation" in gazette


def test_defaults_fill_everything_not_written(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL)
    assert config.path == tmp_path / "my-sources.yaml"
    assert config.timezone.key == "Asia/Bangkok"
    assert config.output_dir == tmp_path / "output"
    assert config.database == tmp_path / "data" / "monitor.sqlite3"
    assert config.user_agent == DEFAULT_USER_AGENT
    assert config.fetch == FetchSettings()
    assert config.fetch.interval == 3600 and config.fetch.max_bytes == 5_000_000
    assert config.feed == FeedSettings()
    assert config.digest == DigestSettings()
    assert config.synonyms == ()
    (topic,) = config.topics
    assert (topic.id, topic.title, topic.all, topic.none) == ("egov-act", "egov-act", (), ())
    (source,) = config.sources
    assert source.title == "dga-news"
    assert source.topics is None
    assert (source.keep_all, source.fetch_article, source.encoding) == (False, False, None)
    assert source.fetch == FetchSettings()
    assert source.select is None


def test_every_key_of_the_product_example(tmp_path: Path) -> None:
    config = load(tmp_path, """\
        timezone: Asia/Tokyo
        output_dir: public
        database: state/monitor.db
        user_agent: "my-monitor/1.0"
        fetch:
          interval: 30m
          timeout: 1m30s
          max_bytes: 512KiB
          min_delay_per_host: 0
          concurrency: 4
          retries: 0
          respect_robots: false
          allow_private_networks: true
        feed:
          title: "Feed"
          link: "https://example.org/monitor"
          description: "About"
          language: no
          max_items: 50
        digest:
          schedule: "Friday 17:30"
          from: "Monitor <monitor@example.org>"
          to: ["a@example.org", "b@example.org"]
          smtp:
            host: mail.example.org
            port: 465
            security: ssl
        synonyms:
          - ["สำนักงานพัฒนารัฐบาลดิจิทัล", "สพร.", "DGA"]
        topics:
          - id: egov-act
            title: "พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565"
            any: ["การปฏิบัติราชการทางอิเล็กทรอนิกส์", "/e-?government act/"]
            all: [2565]
            none: ["ดิจิทัลวอลเล็ต"]
        sources:
          - name: dga-news
            title: "สพร."
            url: "https://www.dga.or.th/news/"
            type: html
            topics: [egov-act]
            keep_all: true
            fetch_article: true
            encoding: windows-874
            select:
              item: "div.news-list > div.item"
              title: "h3"
              link: "a::attr(href)"
              date: "span.date"
              summary: "p.excerpt"
        """)
    assert config.timezone.key == "Asia/Tokyo"
    assert config.output_dir == tmp_path / "public"
    assert config.database == tmp_path / "state" / "monitor.db"
    assert config.user_agent == "my-monitor/1.0"
    assert config.fetch == FetchSettings(
        interval=1800, timeout=90, max_bytes=512 * 1024, min_delay_per_host=0, concurrency=4,
        retries=0, respect_robots=False, allow_private_networks=True)
    # A served directory: the slash keeps urljoin from dropping "monitor".
    assert config.feed == FeedSettings(title="Feed", link="https://example.org/monitor/",
                                       description="About", language="no", max_items=50)
    assert config.digest == DigestSettings(
        schedule="fri 17:30", weekday=4, hour=17, minute=30,
        from_addr="Monitor <monitor@example.org>", to=("a@example.org", "b@example.org"),
        smtp=SmtpSettings(host="mail.example.org", port=465, security="ssl"))
    assert config.synonyms == (("สำนักงานพัฒนารัฐบาลดิจิทัล", "สพร.", "DGA"),)
    (topic,) = config.topics
    assert topic.any == ("การปฏิบัติราชการทางอิเล็กทรอนิกส์", "/e-?government act/")
    assert (topic.all, topic.none) == (("2565",), ("ดิจิทัลวอลเล็ต",))
    (source,) = config.sources
    assert (source.title, source.topics, source.keep_all, source.fetch_article) == (
        "สพร.", ("egov-act",), True, True)
    assert source.encoding == "cp874"  # Python has no codec named windows-874
    assert source.fetch == config.fetch
    assert source.select == Selectors(item="div.news-list > div.item", title="h3",
                                      link="a::attr(href)", date="span.date",
                                      summary="p.excerpt")


def test_a_source_overrides_fetch_keys_for_itself_only(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL.replace("    type: feed\n", """\
    type: feed
    interval: 6h
    respect_robots: false
    max_bytes: 10MB
  - name: other
    url: https://example.org/feed
    type: feed
""") + "fetch:\n  interval: 2h\n  timeout: 30s\n")
    top = FetchSettings(interval=7200, timeout=30)
    assert config.fetch == top
    overridden, plain = config.sources
    assert overridden.fetch == replace(top, interval=21600, respect_robots=False,
                                       max_bytes=10_000_000)
    assert plain.fetch == top


def test_paths_are_relative_to_the_file_not_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "etc").mkdir()
    monkeypatch.chdir(tmp_path / "etc")
    path = write(tmp_path / "etc", "output_dir: ../www\n" + MINIMAL)
    monkeypatch.chdir("/")
    config = load_config(path, environ={})
    assert config.output_dir == tmp_path / "www"
    assert config.database == tmp_path / "etc" / "data" / "monitor.sqlite3"


def test_friendly_shapes_a_user_expects(tmp_path: Path) -> None:
    """One recipient or one topic without brackets is a list of one; YAML merges work."""
    config = load(tmp_path, """\
        digest:
          to: team@example.org
        topics:
          - id: egov-act
            any: DGA
        sources:
          - &news
            name: one
            url: https://one.example/feed
            type: feed
            topics: egov-act
            interval: 2h
          - <<: *news
            name: two
            url: https://two.example/feed
        """)
    assert config.digest.to == ("team@example.org",)
    assert config.topics[0].any == ("DGA",)
    one, two = config.sources
    assert one.topics == two.topics == ("egov-act",)
    assert two.fetch.interval == 7200 and two.url == "https://two.example/feed"


# -- ${ENV} ---------------------------------------------------------------------

def test_env_variables_are_expanded_and_typed_as_if_written_plain(
        tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL.replace("https://www.dga.or.th/feed/",
                                            "https://${HOST}/feed?price=$${X}") + """\
digest:
  to: ["${TEAM}"]
  smtp:
    host: ${SMTP_HOST:-localhost}
    port: ${SMTP_PORT}
    username: ${SMTP_USERNAME:-}
    password: ${SMTP_PASSWORD}
""", environ={"HOST": "dga.example", "TEAM": "team@example.org", "SMTP_PORT": "2525",
              "SMTP_PASSWORD": "pw"})
    assert config.sources[0].url == "https://dga.example/feed?price=${X}"
    assert config.digest.to == ("team@example.org",)
    smtp = config.digest.smtp
    assert (smtp.host, smtp.port, smtp.username, smtp.password) == (
        "localhost", 2525, None, "pw")


@pytest.mark.parametrize(("environ", "expected"), [
    ({"SMTP_PASSWORD_FILE": "{secret}"}, "from-file"),
    ({"SMTP_PASSWORD_FILE": "{secret}", "SMTP_PASSWORD": "from-env"}, "from-env"),
], ids=["file-when-unset", "variable-wins"])
def test_secret_from_name_file(tmp_path: Path, environ: dict[str, str], expected: str) -> None:
    secret = tmp_path / "smtp"
    secret.write_text("  from-file\n", encoding="utf-8")
    environ = {k: v.format(secret=secret) for k, v in environ.items()}
    config = load(tmp_path, MINIMAL + "digest:\n  smtp:\n    password: ${SMTP_PASSWORD}\n",
                  environ)
    assert config.digest.smtp.password == expected


def test_an_unreadable_name_file_is_reported(tmp_path: Path) -> None:
    text = MINIMAL + "digest:\n  smtp:\n    password: ${SMTP_PASSWORD}  # <-\n"
    error = error_of(tmp_path, text, {"SMTP_PASSWORD_FILE": str(tmp_path / "missing")})
    assert error.line == marked_line(text) and error.key == "digest.smtp.password"
    assert f"cannot read SMTP_PASSWORD_FILE={tmp_path / 'missing'}" in str(error)


def test_secrets_never_appear_in_messages_or_describe(tmp_path: Path) -> None:
    environ = {"SMTP_USERNAME": "alice-login", "SMTP_PASSWORD": "hunter2-secret",
               "FEED_URL": "hunter2-secret"}
    text = MINIMAL + "digest:\n  smtp:\n    username: ${SMTP_USERNAME}\n" \
                     "    password: ${SMTP_PASSWORD}\n"
    summary = describe(load(tmp_path, text, environ))
    assert "with login" in summary
    assert "alice-login" not in summary and "hunter2" not in summary
    bad = text.replace("https://www.dga.or.th/feed/", "${FEED_URL}")
    message = str(error_of(tmp_path, bad, environ))
    assert "${FEED_URL}" in message and "hunter2" not in message


# -- mistakes -------------------------------------------------------------------
# (id, YAML with the expected line marked `# <-`, key, words the message must contain)

SOURCE = "sources:\n  - name: dga-news\n    url: https://www.dga.or.th/\n"
TOPICS = "topics:\n  - id: egov-act\n    any: [DGA]\n"
MISTAKES = [
    ("unknown-key", SOURCE + "    type: feed\n    intervall: 6h  # <-\n",
     "sources.dga-news.intervall", ["unknown key", "did you mean 'interval'"]),
    ("unknown-key-top", "fetch:\n  interval: 1h\nsoures:  # <-\n  - name: x\n",
     "soures", ["did you mean 'sources'"]),
    ("misplaced-key", "interval: 1h  # <-\n",
     "interval", ["belongs under 'fetch:'"]),
    ("unknown-key-no-match", "digest:\n  zzz: 1  # <-\n",
     "digest.zzz", ["valid keys here: from, schedule, smtp, to"]),
    ("wrong-type-int", 'fetch:\n  retries: "many"  # <-\n',
     "fetch.retries", ["expected a whole number", "'many'"]),
    ("wrong-type-float", "fetch:\n  concurrency: 2.5  # <-\n",
     "fetch.concurrency", ["expected a whole number"]),
    ("wrong-type-bool", SOURCE + '    type: feed\n    keep_all: "true"  # <-\n',
     "sources.dga-news.keep_all", ["expected true or false (without quotes)"]),
    ("wrong-type-bool-number", "fetch:\n  respect_robots: 1  # <-\n",
     "fetch.respect_robots", ["expected true or false"]),
    ("wrong-type-mapping", "fetch:  # <-\n  - interval: 1h\n",
     "fetch", ["expected a mapping", "got a list"]),
    ("wrong-type-list", "sources: dga-news  # <-\n",
     "sources", ["expected a list"]),
    ("wrong-type-list-block", "sources:  # <-\n  name: dga-news\n  type: feed\n",
     "sources", ["expected a list", "got a mapping"]),
    ("wrong-type-port", "digest:\n  smtp:\n    port: mail  # <-\n",
     "digest.smtp.port", ["expected a whole number"]),
    ("negative-number", "fetch:\n  retries: -1  # <-\n",
     "fetch.retries", ["at least 0", "-1"]),
    ("bad-duration", SOURCE + "    type: feed\n    interval: 6hours  # <-\n",
     "sources.dga-news.interval", ["'6hours' is not a duration", "30s, 15m, 6h, 1d"]),
    ("bare-number-duration", "fetch:\n  timeout: 20  # <-\n",
     "fetch.timeout", ["'20' is not a duration"]),
    ("zero-duration", "fetch:\n  interval: 0s  # <-\n",
     "fetch.interval", ["longer than 0s"]),
    ("negative-duration", "fetch:\n  min_delay_per_host: -2s  # <-\n",
     "fetch.min_delay_per_host", ["cannot be negative"]),
    ("bad-size", "fetch:\n  max_bytes: 5 megabytes  # <-\n",
     "fetch.max_bytes", ["'5 megabytes' is not a size", "512KB, 5MB"]),
    ("zero-size", "fetch:\n  max_bytes: 0MB  # <-\n",
     "fetch.max_bytes", ["more than 0 bytes"]),
    ("unknown-type", SOURCE + "    type: rss  # <-\n",
     "sources.dga-news.type", ["'rss' is not one of: feed, sitemap, html, auto", "'feed'"]),
    ("missing-type", "sources:\n  - name: dga-news  # <-\n    url: https://x.example/\n",
     "sources.dga-news.type", ["missing", "feed, sitemap, html, auto"]),
    ("missing-url", "sources:\n  - name: dga-news  # <-\n    type: feed\n",
     "sources.dga-news.url", ["missing"]),
    ("url-not-http", SOURCE.replace("https://www.dga.or.th/", "ftp://dga.or.th/  # <-")
     + "    type: feed\n", "sources.dga-news.url", ["'ftp://dga.or.th/'", "http"]),
    ("duplicate-source",
     "sources:\n  - name: dga-news  # first\n    url: https://x.example/\n    type: feed\n"
     "  - name: dga-news  # <-\n    url: https://y.example/\n    type: feed\n",
     "sources[1].name", ["'dga-news' is already", "line {first}"]),
    ("source-name-not-slug",
     "sources:\n  - name: DGA News  # <-\n    url: https://x.example/\n    type: feed\n",
     "sources[0].name", ["'DGA News' is not a slug"]),
    ("missing-env", SOURCE.replace("https://www.dga.or.th/", "https://${DGA_HOST}/  # <-")
     + "    type: feed\n", "sources.dga-news.url", ["DGA_HOST is not set", "DGA_HOST_FILE"]),
    ("unclosed-env", "user_agent: ${UA  # <-\n", "user_agent", ["unclosed '${'"]),
    ("html-without-select", "sources:\n  - name: dga-news  # <-\n    type: html\n"
     "    url: https://x.example/\n", "sources.dga-news.select", ["type html needs `select:`"]),
    ("select-without-item", SOURCE + "    type: html\n    select:  # <-\n      title: h3\n",
     "sources.dga-news.select.item", ["missing", "CSS selector"]),
    ("select-empty", SOURCE + "    type: html\n    select:  # <-\n",
     "sources.dga-news.select.item", ["missing"]),
    ("select-on-feed", SOURCE + "    type: feed\n    select:  # <-\n      item: div\n",
     "sources.dga-news.select", ["only for type html"]),
    ("unknown-topic", TOPICS + SOURCE + "    type: feed\n    topics: [egov-act, egov]  # <-\n",
     "sources.dga-news.topics[1]", ["unknown topic 'egov'", "did you mean 'egov-act'"]),
    ("empty-topics", TOPICS + SOURCE + "    type: feed\n    topics: []  # <-\n",
     "sources.dga-news.topics", ["never publish", "keep_all"]),
    ("bad-regex", "topics:\n  - id: egov-act\n    any: [DGA, '/(unclosed/']  # <-\n",
     "topics.egov-act.any[1]", ["'/(unclosed/'", "regular expression"]),
    ("regex-matches-everything", "topics:\n  - id: egov-act\n    none:\n"
     "      - '/x*/'  # <-\n    any: [DGA]\n",
     "topics.egov-act.none[0]", ["every item"]),
    ("topic-without-any", "topics:\n  - id: egov-act  # <-\n    all: [DGA]\n",
     "topics.egov-act.any", ["missing", "`any:`"]),
    ("topic-id-not-slug", "topics:\n  - id: egov_act!  # <-\n    any: [DGA]\n",
     "topics[0].id", ["not a slug"]),
    ("duplicate-topic", TOPICS.replace("[DGA]", "[DGA]  # first")
     + "  - id: egov-act  # <-\n    any: [x]\n",
     "topics[1].id", ["'egov-act' is already", "line 2"]),
    ("bad-schedule", 'digest:\n  schedule: "monday 8am"  # <-\n',
     "digest.schedule", ["`<weekday> HH:MM`", "mon, tue, wed"]),
    ("bad-schedule-hour", 'digest:\n  schedule: "mon 24:00"  # <-\n',
     "digest.schedule", ["`<weekday> HH:MM`"]),
    ("bad-timezone", "timezone: Asia/Bankok  # <-\n",
     "timezone", ["unknown time zone 'Asia/Bankok'", "did you mean 'Asia/Bangkok'"]),
    ("bad-smtp-security", "digest:\n  smtp:\n    security: tls  # <-\n",
     "digest.smtp.security", ["'tls' is not one of: none, starttls, ssl"]),
    ("password-in-file", "digest:\n  smtp:\n    password: hunter2  # <-\n",
     "digest.smtp.password", ["${SMTP_PASSWORD}", "never live in this file"]),
    ("bad-recipient", "digest:\n  to: [team@example.org, nobody]  # <-\n",
     "digest.to[1]", ["'nobody' is not an email address"]),
    ("max-items-zero", "feed:\n  max_items: 0  # <-\n", "feed.max_items", ["at least 1"]),
    ("unknown-encoding", SOURCE + "    type: feed\n    encoding: klingon  # <-\n",
     "sources.dga-news.encoding", ["unknown encoding 'klingon'", "tis-620"]),
    ("key-given-twice", "fetch:\n  interval: 1h  # first\n  interval: 2h  # <-\n",
     "fetch.interval", ["given twice", "line {first}"]),
    ("short-synonym-group", "synonyms:\n  - [DGA]  # <-\n",
     "synonyms[0]", ["at least two terms"]),
    ("bad-source-kind", SOURCE + "    type: feed\n    kind: law  # <-\n",
     "sources.dga-news.kind", ["'law' is not one of: regulation, news"]),
]


@pytest.mark.parametrize(("text", "key", "words"), [case[1:] for case in MISTAKES],
                         ids=[case[0] for case in MISTAKES])
def test_each_mistake_names_file_line_and_key(tmp_path: Path, text: str, key: str,
                                              words: list[str]) -> None:
    error = error_of(tmp_path, text)
    path, line = tmp_path / "my-sources.yaml", marked_line(text)
    assert f"{path}:{line}: {key}: " in str(error)
    assert (error.path, error.line, error.key) == (str(path), line, key)
    first = marked_line(text, "# first") if "# first" in text else None
    for word in words:
        assert word.replace("{first}", str(first)) in str(error)
    assert "Traceback" not in str(error)


SYNTAX_ERRORS = [
    ("bad-indent", "fetch:\n  interval: 1h\n timeout: 20s  # <-\n", "timeout: 20s",
     "indented differently"),
    ("colon-in-value", "sources:\n  - name: x\n    url: https://x: y  # <-\n",
     "url: https://x: y", "put it in quotes"),
    ("unclosed-quote", 'sources:\n  - name: x\n    url: "https://x  # <-\n', 'url: "https',
     "never closed"),
    ("tab", "fetch:\n\tinterval: 1h  # <-\n", "interval: 1h", "not allow tabs"),
]


@pytest.mark.parametrize(("text", "quoted", "hint"), [case[1:] for case in SYNTAX_ERRORS],
                         ids=[case[0] for case in SYNTAX_ERRORS])
def test_yaml_syntax_error_points_at_the_line(tmp_path: Path, text: str, quoted: str,
                                              hint: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    message = str(caught.value)
    assert message.startswith(f"{path}:{marked_line(text)}: YAML syntax error")
    assert quoted in message and hint in message  # the offending line is shown


@pytest.mark.parametrize(("text", "words"), [
    ("", "the file is empty"),
    ("# nothing but a comment\n", "the file is empty"),
    ("- a\n- b\n", "the top level must be key: value lines"),
    ("just text\n", "the top level must be key: value lines"),
    ("topics: " + "[" * 3000 + "]" * 3000 + "\nsources: []\n", "nest more deeply"),
    ("topics:\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(1, 3000)), "nest more deeply"),
], ids=["empty", "only-comments", "list", "scalar", "deep-flow", "deep-block"])
def test_a_file_without_a_mapping_is_refused(tmp_path: Path, text: str, words: str) -> None:
    error = error_of(tmp_path, text)
    assert str(error).startswith(str(tmp_path / "my-sources.yaml"))
    assert words in str(error)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.yaml", environ={})


def test_several_mistakes_are_reported_together_in_line_order(tmp_path: Path) -> None:
    text = """\
        timezone: Mars/Olympus
        fetch:
          retries: lots
        sources:
          - name: a
            url: https://a.example/
            type: rss
        """
    with pytest.raises(ConfigErrors) as caught:
        load(tmp_path, text)
    path = tmp_path / "my-sources.yaml"
    assert str(caught.value).splitlines() == [
        str(error) for error in caught.value.errors]
    assert [line.split(": ")[0] for line in str(caught.value).splitlines()] == [
        f"{path}:1", f"{path}:3", f"{path}:7"]
    assert (caught.value.line, caught.value.key) == (1, "timezone")


def test_check_command_prints_the_error_and_exits_2_without_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from monitor.cli import main

    path = write(tmp_path, SOURCE + "    type: feed\n    intervall: 6h\n")
    assert main(["check", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:5: sources.dga-news.intervall" in err and "Traceback" not in err


@pytest.mark.parametrize("pattern", ["[[:alpha:]]+ดิจิทัล", "[ก-ฮ--ะ]บริการ", "[ก&&ข]รัฐ"])
def test_ambiguous_set_syntax_is_refused_in_words_not_a_python_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], pattern: str) -> None:
    # Python only warns of these (on stderr, naming its own files), and `regex`,
    # which runs keywords, reads [[:alpha:]] as a POSIX class where `re` does not.
    from monitor.cli import main

    text = MINIMAL.replace('any: ["Electronic Government Operations Act"]',
                           f'any: ["/{pattern}/"]')
    path = write(tmp_path, text)
    assert main(["check", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}:3: topics.egov-act.any[0]: bad regular expression"), err
    assert "ambiguous" in err and "Warning" not in err and len(err.splitlines()) == 1, err


# -- describe -------------------------------------------------------------------

def test_describe_says_what_the_file_defines(tmp_path: Path) -> None:
    config = load(tmp_path, """\
        digest:
          schedule: "fri 17:00"
          to: [team@example.org, lead@example.org]
        topics:
          - id: egov-act
            any: [a, b]
            none: [c]
          - id: digital-government
            any: [DGA]
        sources:
          - name: dga-news
            url: https://www.dga.or.th/news/
            type: html
            interval: 6h
            keep_all: true
            respect_robots: false
            select: {item: div.item}
          - name: prachatai
            url: https://prachatai.com/rss.xml
            type: feed
            topics: [egov-act]
        """)
    text = describe(config)
    for expected in ["Asia/Bangkok", str(tmp_path / "output"),
                     str(tmp_path / "data" / "monitor.sqlite3"),
                     "egov-act", "3 keywords", "digital-government", "1 keywords",
                     "dga-news", "html", "every 6h", "https://www.dga.or.th/news/",
                     "keep_all", "robots.txt ignored",
                     "prachatai", "every 1h", "topics: egov-act",
                     "fri 17:00", "team@example.org, lead@example.org", "without login"]:
        assert expected in text, expected


# -- units ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "seconds"), [
    ("30s", 30), ("15m", 900), ("6h", 21600), ("1d", 86400), ("1h30m", 5400),
    ("1d 12h", 129600), ("1.5h", 5400), (" 2s ", 2), ("0s", 0),
])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "6", "6hours", "1H", "5ms", "30m1h", "1h1h", "-5s",
                                  "h", "1.s"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize(("text", "size"), [
    ("100B", 100), ("512KB", 512_000), ("5MB", 5_000_000), ("1GB", 10**9),
    ("512KiB", 524_288), ("1MiB", 1_048_576), ("1GiB", 2**30), ("5mb", 5_000_000),
    ("1.5KB", 1500), ("2 MB", 2_000_000),
])
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "5", "5 megabytes", "5Mbit", "-1MB", "1.5B", "MB"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"size|bytes"):
        parse_size(text)


@given(st.integers(min_value=0, max_value=10**8))
def test_durations_print_as_they_parse(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@given(st.integers(min_value=0, max_value=10**12))
def test_sizes_print_as_they_parse(size: int) -> None:
    assert parse_size(format_size(size)) == size
