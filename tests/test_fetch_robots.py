"""robots.txt: RFC 9309 rules, status handling and caching, proven by the server log."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config.settings import FetchSettings
from monitor.errors import NotAllowedError
from monitor.fetch import Fetcher
from monitor.fetch import robots as robots_module
from monitor.fetch.robots import RobotsAnswer, RobotsCache, agent_token
from monitor.models import Document
from tests.crawl_helpers import write_config
from tests.httpserver import FixtureServer, Response

UA = "thai-egov-monitor/0.1.0 (+https://github.com/thai-egov-monitor/monitor)"
# The server stamps a request when its thread has parsed it; spacing is checked to
# within this.
JITTER = 0.02
POLITE = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0, respect_robots=True)


def robots(server: FixtureServer, text: str, status: int = 200) -> None:
    server.add("/robots.txt", Response(status, text.encode(), {"Content-Type": "text/plain"}))


async def _fetch_all(urls: list[str], settings: FetchSettings,
                     now: Callable[[], datetime] | None = None) -> list[object]:
    kwargs = {"now": now} if now else {}
    async with Fetcher(user_agent=UA, **kwargs) as fetcher:  # type: ignore[arg-type]
        results: list[object] = []
        for url in urls:
            try:
                results.append(await fetcher.fetch(url, settings))
            except NotAllowedError as exc:
                results.append(exc)
        return results


def fetch_all(urls: list[str], settings: FetchSettings = POLITE,
              now: Callable[[], datetime] | None = None) -> list[object]:
    return asyncio.run(_fetch_all(urls, settings, now))


def test_disallowed_path_is_never_requested(server: FixtureServer) -> None:
    robots(server, "User-agent: *\nDisallow: /private/\n")
    server.page("/private/page", "secret")
    [result] = fetch_all([server.url("/private/page")])
    assert isinstance(result, NotAllowedError)
    assert str(result) == (f"robots.txt disallows {server.url('/private/page')} "
                           "for thai-egov-monitor")
    assert server.requests_for("/private/page") == []
    [robots_request] = server.requests_for("/robots.txt")
    assert robots_request.headers["user-agent"] == UA


def test_wildcards_and_longest_match(server: FixtureServer) -> None:
    robots(server, "User-agent: *\n"
                   "Disallow: /*.pdf$\n"
                   "Disallow: /news/*/print\n"
                   "Allow: /docs/public/*.pdf$\n")
    for path in ("/files/a.pdf", "/files/a.pdf?download=1", "/docs/public/b.pdf",
                 "/news/2565/print", "/news/2565/view"):
        server.page(path.split("?")[0], "ok", content_type="text/plain")
    urls = [server.url(p) for p in ("/files/a.pdf", "/files/a.pdf?download=1",
                                    "/docs/public/b.pdf", "/news/2565/print",
                                    "/news/2565/view")]
    results = fetch_all(urls)
    allowed = [isinstance(r, Document) for r in results]
    assert allowed == [False, True, True, False, True]
    requested = {r.path for r in server.log}
    assert "/files/a.pdf" not in requested and "/news/2565/print" not in requested


def test_group_for_our_product_token_wins_over_star(server: FixtureServer) -> None:
    robots(server, "User-agent: *\nAllow: /\n\n"
                   "User-agent: thai-egov-monitor\nDisallow: /\n\n"
                   "User-agent: github\nAllow: /\n")   # a word in our UA comment: not us
    server.page("/", "home")
    [result] = fetch_all([server.url("/")])
    assert isinstance(result, NotAllowedError)
    assert server.requests_for("/") == []


def test_robots_404_allows_everything(server: FixtureServer) -> None:
    server.page("/page", "content")
    [result] = fetch_all([server.url("/page")])
    assert isinstance(result, Document)
    assert [r.path for r in server.log] == ["/robots.txt", "/page"]


def test_robots_500_disallows_everything(server: FixtureServer) -> None:
    robots(server, "oops", status=500)
    server.page("/page", "content")
    [result] = fetch_all([server.url("/page")])
    assert isinstance(result, NotAllowedError)
    assert "robots.txt answered HTTP 500" in str(result)
    assert "disallow all" in str(result)
    assert server.requests_for("/page") == []


def test_robots_unreachable_disallows_everything(server: FixtureServer) -> None:
    server.add("/robots.txt", Response(200, b"", delay=2.0))   # never answers in time
    server.page("/page", "content")
    settings = FetchSettings(min_delay_per_host=0, timeout=0.3, retries=0)
    [result] = fetch_all([server.url("/page")], settings)
    assert isinstance(result, NotAllowedError)
    assert "unreachable" in str(result)
    assert server.requests_for("/page") == []


def test_respect_robots_false_skips_robots(server: FixtureServer) -> None:
    robots(server, "User-agent: *\nDisallow: /\n")
    server.page("/page", "content")
    settings = FetchSettings(min_delay_per_host=0, respect_robots=False)
    [result] = fetch_all([server.url("/page")], settings)
    assert isinstance(result, Document)
    assert server.requests_for("/robots.txt") == []


def test_robots_is_cached_for_a_day(server: FixtureServer) -> None:
    robots(server, "User-agent: *\nDisallow: /no\n")
    server.page("/a", "a")
    clock = [datetime(2025, 1, 1, tzinfo=UTC)]

    async def scenario() -> None:
        async with Fetcher(user_agent=UA, now=lambda: clock[0]) as fetcher:
            await fetcher.fetch(server.url("/a"), POLITE)
            clock[0] += timedelta(hours=23)
            await fetcher.fetch(server.url("/a"), POLITE)
            assert len(server.requests_for("/robots.txt")) == 1
            clock[0] += timedelta(hours=2)
            await fetcher.fetch(server.url("/a"), POLITE)
            assert len(server.requests_for("/robots.txt")) == 2

    asyncio.run(scenario())


def test_concurrent_pages_share_one_robots_request(server: FixtureServer) -> None:
    server.add("/robots.txt", Response(200, b"User-agent: *\nAllow: /\n", delay=0.3))
    for i in range(5):
        server.page(f"/p{i}", "x")

    async def scenario() -> None:
        async with Fetcher(user_agent=UA) as fetcher:
            await asyncio.gather(*(fetcher.fetch(server.url(f"/p{i}"), POLITE)
                                   for i in range(5)))

    asyncio.run(scenario())
    assert len(server.requests_for("/robots.txt")) == 1


def test_redirect_hop_is_checked_against_robots(server: FixtureServer) -> None:
    robots(server, "User-agent: *\nDisallow: /private\n")
    server.add("/go", Response(302, b"", {"Location": "/private/x"}))
    server.page("/private/x", "secret")
    [result] = fetch_all([server.url("/go")])
    assert isinstance(result, NotAllowedError)
    assert server.requests_for("/private/x") == []


@pytest.mark.parametrize(("ua", "token"), [
    (UA, "thai-egov-monitor"),
    ("MyBot", "MyBot"),
    ("  spaced-bot/2 (x)", "spaced-bot"),
])
def test_agent_token(ua: str, token: str) -> None:
    assert agent_token(ua) == token


def test_rules_are_held_for_a_bounded_number_of_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scheduler running for months meets every outlet its aggregators link to: the
    least recently asked origin's rules are forgotten (and asked again when needed),
    and nothing is left behind per origin once its checks are done."""
    monkeypatch.setattr("monitor.fetch.robots.MAX_ORIGINS", 2)
    asked: list[str] = []

    async def fetch(url: str) -> RobotsAnswer:
        asked.append(url)
        await asyncio.sleep(0)
        return RobotsAnswer(status=200, body=b"User-agent: *\nDisallow: /x\n")

    async def go() -> RobotsCache:
        cache = RobotsCache(user_agent=UA, now=lambda: datetime(2026, 12, 6, tzinfo=UTC))
        for name in ("a", "b", "a", "c", "a", "b"):
            origin = f"https://{name}.go.th"
            # Several pages of one origin at once share its one robots.txt request.
            await asyncio.gather(*(cache.check(f"{origin}/{n}", origin, fetch)
                                   for n in range(3)))
        return cache

    cache = asyncio.run(go())
    # "a", asked last before "c", was kept; "b" was forgotten for "c", so asked again.
    assert [url.split("//")[1].split(".")[0] for url in asked] == ["a", "b", "c", "b"]
    assert len(cache._entries) == 2 and cache._locks == {}


def _asked_delay(text: str) -> float:
    async def answer(url: str) -> RobotsAnswer:
        return RobotsAnswer(status=200, body=text.encode())

    cache = RobotsCache(user_agent=UA, now=lambda: datetime(2026, 12, 7, tzinfo=UTC))
    return asyncio.run(cache.check("https://agency.go.th/news", "https://agency.go.th", answer))


@pytest.mark.parametrize(("text", "delay"), [
    ("User-agent: *\nCrawl-delay: 5\n", 5.0),
    ("User-agent: *\nCrawl-Delay: 2.5\nDisallow: /admin\n", 2.5),
    ("User-agent: thai-egov-monitor\nCrawl-delay: 3\n\nUser-agent: *\nCrawl-delay: 8\n", 3.0),
    ("User-agent: Googlebot\nCrawl-delay: 5\n\nUser-agent: *\nDisallow: /admin\n", 0.0),
    ("User-agent: *\nDisallow: /admin\n", 0.0),
    ("User-agent: *\nCrawl-delay: soon\n", 0.0),
    ("User-agent: *\nCrawl-delay: 86400\n", robots_module.MAX_CRAWL_DELAY),
])
def test_crawl_delay_is_read_from_our_group_and_capped(text: str, delay: float) -> None:
    assert _asked_delay(text) == delay


def _gaps(server: FixtureServer, paths: list[str], settings: FetchSettings) -> list[float]:
    """The time between the starts of the requests fetching `paths` made (robots.txt's
    among them)."""
    fetch_all([server.url(p) for p in paths], settings)
    starts = sorted(r.time for r in server.log)
    return [b - a for a, b in itertools.pairwise(starts)]


def test_crawl_delay_spaces_requests_to_the_host(server: FixtureServer) -> None:
    # Sites' administrators write how often a robot may come; the source asks for no
    # spacing of its own (min_delay_per_host 0), so only the Crawl-delay spaces them.
    robots(server, "User-agent: *\nCrawl-delay: 0.5\nDisallow: /admin\n")
    for path in ("/a", "/b", "/c"):
        server.page(path, path)
    gaps = _gaps(server, ["/a", "/b", "/c"], POLITE)
    assert len(gaps) == 3 and min(gaps) >= 0.5 - JITTER, gaps


def test_a_crawl_delay_longer_than_the_cap_is_held_to_it(
        server: FixtureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(robots_module, "MAX_CRAWL_DELAY", 0.4)
    robots(server, "User-agent: *\nCrawl-delay: 3600\n")
    server.page("/a", "a")
    server.page("/b", "b")
    gaps = _gaps(server, ["/a", "/b"], POLITE)
    assert len(gaps) == 2 and all(0.4 - JITTER <= gap < 3.0 for gap in gaps), gaps


def test_crawl_delay_is_ignored_with_robots(server: FixtureServer) -> None:
    robots(server, "User-agent: *\nCrawl-delay: 5\n")
    server.page("/a", "a")
    server.page("/b", "b")
    ignoring = FetchSettings(min_delay_per_host=0, timeout=5.0, retries=0, respect_robots=False)
    gaps = _gaps(server, ["/a", "/b"], ignoring)
    assert len(gaps) == 1 and gaps[0] < 2.0, gaps


@pytest.mark.parametrize(("text", "shown"), [
    ("User-agent: *\nCrawl-delay: 0.2\n", True),
    ("User-agent: *\nDisallow: /admin\n", False),
])
def test_preview_says_when_robots_txt_spaces_the_crawl(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        text: str, shown: bool) -> None:
    """A crawl of such a source takes longer than the user's own spacing says: preview
    tells them why before it goes live."""
    robots(server, text)
    server.page("/news", "<ul><li><a href='/n/1'>ข่าว พ.ร.บ.</a></li></ul>")
    config = write_config(tmp_path, f"""
  - name: agency
    url: "{server.url('/news')}"
    type: html
    select: {{item: "li", title: "a", link: "a::attr(href)"}}
""")
    capsys.readouterr()
    assert main(["preview", "agency", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    note = ("how: robots.txt asks 0.2 s between requests to 127.0.0.1 (Crawl-delay, kept up "
            "to 10 s), more than min_delay_per_host: each crawl's requests there are spaced so")
    assert (note in out) is shown, out
    assert "1 items" in out
