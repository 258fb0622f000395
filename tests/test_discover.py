"""`monitor discover URL`: loopback sites of each kind get the right entry, the entry
passes check and a crawl with it publishes the site's items; `--write` keeps every
comment of the shipped sources.yaml; a site that refuses everything says why."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config.loader import load_config
from monitor.discover import discover
from monitor.discovershow import table
from tests.crawl_helpers import crawl, published, write_config
from tests.httpserver import FixtureServer, Request, Response
from tests.test_fetch_render import ITEMS, NEEDS_BROWSER, SHELL

ROOT = Path(__file__).resolve().parents[1]
TITLES = ["ทางรัฐ เปิดบริการ e-Service ใหม่สำหรับประชาชน",
          "สำนักงานพัฒนารัฐบาลดิจิทัล จัดสัมมนาสารบรรณอิเล็กทรอนิกส์",
          "ทางรัฐ เพิ่มบริการตรวจสอบสิทธิ์ผ่านแอป"]
DATES = ["2026-11-10T09:00:00+07:00", "2026-11-09T09:00:00+07:00", "2026-11-08T09:00:00+07:00"]
THAI_DATES = ["10 พ.ย. 2569", "9 พ.ย. 2569", "8 พ.ย. 2569"]


def _discover(config: Path, url: str, *extra: str,
              capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main(["discover", url, "--config", str(config), "--json", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out)


def _proposed_then_crawled(server: FixtureServer, url: str, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    """discover --write on an empty config; the file then loads and a crawl publishes."""
    config = write_config(tmp_path, "")
    code, result = _discover(config, url, "--write", capsys=capsys)
    assert code == 0, result
    assert result["written"] == str(config)
    loaded = load_config(config)
    assert [s.name for s in loaded.sources] == ["127-0-0-1"]
    assert main(["check", "--config", str(config)]) == 0
    assert crawl(config) == 0
    feed = published(config)
    for title in TITLES:
        assert title in feed, (title, feed)
    return result


def _best(result: dict[str, object]) -> dict[str, object]:
    candidates = result["candidates"]
    assert isinstance(candidates, list) and isinstance(result["best"], int)
    best = candidates[result["best"]]
    assert isinstance(best, dict)
    return best


def _rss() -> bytes:
    items = "".join(f"<item><title>{t}</title><link>/{n}/</link>"
                    f"<pubDate>{['Tue, 10', 'Mon, 09', 'Sun, 08'][n]} Nov 2026 09:00:00 +0700"
                    "</pubDate></item>" for n, t in enumerate(TITLES))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>W</title>'
            f"<link>/</link><description>d</description>{items}</channel></rss>").encode()


def test_a_wordpress_site_with_unlinked_feed_and_rest_api(sites: object, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/", '<html><head><title>สำนักงานทดสอบ – WordPress</title>'
                '<link rel="stylesheet" href="/wp-content/themes/x/style.css"></head>'
                "<body><p>ยินดีต้อนรับ</p></body></html>")
    server.page("/feed/", _rss(), "application/rss+xml; charset=utf-8")
    # A site on WordPress's default zone, UTC: `date` and `date_gmt` alike.
    utc = [datetime.fromisoformat(day).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
           for day in DATES]
    posts = [{"title": {"rendered": t}, "link": server.url(f"/{n}/"), "date": utc[n],
              "date_gmt": utc[n]} for n, t in enumerate(TITLES)]
    server.page("/wp-json/wp/v2/posts", json.dumps(posts, ensure_ascii=False),
                "application/json")
    result = _proposed_then_crawled(server, server.url("/"), tmp_path, capsys)
    best = _best(result)
    assert (best["type"], best["url"]) == ("feed", server.url("/feed/"))
    kinds = {c["kind"]: c for c in result["candidates"]}  # type: ignore[union-attr]
    assert kinds["wordpress"]["items"] == 3 and kinds["wordpress"]["parsed"] == 1.0
    assert result["title"] == "สำนักงานทดสอบ – WordPress"
    assert len(server.log) <= 12, [r.path for r in server.log]


def test_a_sitemap_named_only_in_robots_txt(sites: object, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/", "<html><head><title>Agency</title></head><body><p>hello</p></body></html>")
    server.page("/robots.txt", "User-agent: *\nAllow: /\nSitemap: /maps/posts.xml\n",
                "text/plain")
    urls = "".join(f"<url><loc>{server.url(f'/news/{n}.html')}</loc>"
                   f"<lastmod>{DATES[n]}</lastmod></url>" for n in range(3))
    server.page("/maps/posts.xml", '<?xml version="1.0"?><urlset xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                "application/xml")
    for n, title in enumerate(TITLES):
        server.page(f"/news/{n}.html", f"<html><head><title>{title}</title></head>"
                    f"<body><article><h1>{title}</h1><p>{title} รายละเอียด</p></article>"
                    "</body></html>")
    result = _proposed_then_crawled(server, server.url("/"), tmp_path, capsys)
    best = _best(result)
    assert (best["type"], best["url"]) == ("sitemap", server.url("/maps/posts.xml"))
    assert "fetch_article: true" in str(result["entry"])


def test_a_nextjs_page_gets_a_json_entry(sites: object, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    rows = [{"id": n, "headline": t, "url": f"/drafts/{n}", "updated": DATES[n]}
            for n, t in enumerate(TITLES)]
    data = {"props": {"pageProps": {"result": {"rows": rows}}}, "page": "/drafts"}
    server.page("/drafts", '<html><head><title>Drafts</title></head><body><div id="__next">'
                '</div><script id="__NEXT_DATA__" type="application/json">'
                f"{json.dumps(data, ensure_ascii=False)}</script></body></html>")
    result = _proposed_then_crawled(server, server.url("/drafts"), tmp_path, capsys)
    best = _best(result)
    assert best["type"] == "json"
    assert best["select"] == {"item": "props.pageProps.result.rows[]", "title": "headline",
                              "link": "url", "date": "updated"}
    assert best["parsed"] == 1.0


LISTING = """<html><head><meta charset="{charset}"><title>ข่าวประชาสัมพันธ์</title></head><body>
<nav><a href="/">หน้าแรก</a> <a href="/about">เกี่ยวกับเรา</a></nav>
<ul class="news">{rows}</ul><footer><a href="/contact">ติดต่อ</a></footer></body></html>"""


def _listing(charset: str) -> str:
    rows = "".join(f'<li class="item"><a href="/news/{n}">{t}</a> <span class="date">'
                   f"{THAI_DATES[n]}</span></li>" for n, t in enumerate(TITLES))
    return LISTING.format(charset=charset, rows=rows)


def crawl_publishes_the_listing(config: Path, server: FixtureServer) -> None:
    """A crawl of `config` publishes `_listing`'s items, each at its own link."""
    assert crawl(config) == 0
    feed = published(config)
    assert set(feed) == set(TITLES), feed
    assert feed == {title: server.url(f"/news/{n}") for n, title in enumerate(TITLES)}


def test_a_plain_listing_gets_auto(sites: object, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/news", _listing("utf-8"))
    result = _proposed_then_crawled(server, server.url("/news"), tmp_path, capsys)
    best = _best(result)
    assert (best["type"], best["items"], best["parsed"]) == ("auto", 3, 1.0)


def test_a_tis620_listing_gets_auto(sites: object, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/news", _listing("tis-620").encode("cp874"), "text/html; charset=tis-620")
    result = _proposed_then_crawled(server, server.url("/news"), tmp_path, capsys)
    best = _best(result)
    assert best["type"] == "auto" and best["items"] == 3
    assert best["samples"] == TITLES


def test_a_site_answering_403_to_everything_says_why(sites: object, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]

    def refuse(request: Request) -> Response:
        return Response(403, b"Forbidden", {"Content-Type": "text/plain"})

    server._respond_for = refuse  # type: ignore[method-assign]
    config = write_config(tmp_path, "")
    capsys.readouterr()
    assert main(["discover", server.url("/news"), "--config", str(config)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "403" in lines[0] and "refuses" in lines[0], lines
    assert len(server.log) <= 3, "nothing more is tried on a site that refuses the page"


def test_a_site_whose_robots_txt_disallows_says_so(sites: object, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/robots.txt", "User-agent: *\nDisallow: /\n", "text/plain")
    server.page("/news", _listing("utf-8"))
    code, result = _discover(write_config(tmp_path, ""), server.url("/news"), capsys=capsys)
    assert code == 1 and result["readable"] is False
    assert "robots.txt" in str(result["reason"])
    assert server.requests_for("/news") == []



def test_a_site_that_cannot_be_reached_says_so_not_that_robots_forbids(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unreachable robots.txt refuses the page (RFC 9309), but the cause is the site."""
    code, result = _discover(write_config(tmp_path, ""), "http://127.0.0.1:9/news",
                             capsys=capsys)
    assert code == 1 and result["readable"] is False
    reason = str(result["reason"])
    assert reason.startswith("the page cannot be read: connection refused: 127.0.0.1 ("), reason
    assert "forbids" not in reason

def test_the_terminal_table_and_the_entry(sites: object, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/news", _listing("utf-8").replace("ข่าวประชาสัมพันธ์",
                                                   "ข่าว ${SMTP_PASSWORD} \x1b[31m"))
    config = write_config(tmp_path, "")
    assert main(["discover", server.url("/news"), "--config", str(config),
                 "--name", "agency-news"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out, "no colour in a pipe, and no escape from the page"
    assert "auto on the page" in out and "- " + TITLES[0] in out
    assert "also tried: /feed/ (HTTP 404), /rss.xml (HTTP 404)" in out
    assert '  - name: agency-news\n    title: "ข่าว $${SMTP_PASSWORD}' in out
    assert config.read_text("utf-8").endswith("sources:\n"), "nothing written without --write"


def test_write_refuses_a_duplicate_name(sites: object, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/news", _listing("utf-8"))
    config = write_config(tmp_path, f'  - name: news\n    url: "{server.url("/x")}"\n'
                                    "    type: auto\n")
    before = config.read_text("utf-8")
    assert main(["discover", server.url("/news"), "--config", str(config), "--name", "news",
                 "--write"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert config.read_text("utf-8") == before


def test_write_keeps_every_comment_of_the_shipped_file(sites: object, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/news", _listing("utf-8"))
    config = tmp_path / "sources.yaml"
    # The shipped politeness (2 s per host) would make a test of ten requests slow;
    # only that value changes, every comment and line stays.
    shipped = (ROOT / "sources.yaml").read_text("utf-8")
    config.write_text(shipped.replace("min_delay_per_host: 2s", "min_delay_per_host: 0s", 1),
                      "utf-8")
    original = config.read_text("utf-8")
    assert main(["discover", server.url("/news"), "--config", str(config), "--write",
                 "--name", "agency-news"]) == 0
    text = config.read_text("utf-8")
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    after = iter(text.splitlines())
    for comment in comments:   # every comment line, still there and in order
        assert any(line == comment for line in after), comment
    names = [s.name for s in load_config(config).sources]
    assert names[-1] == "agency-news" and len(names) == len(load_config(
        ROOT / "sources.yaml").sources) + 1
    assert text.startswith(original.split("# <<< SOURCES")[0])
    assert text.endswith("# <<< SOURCES\n"), "the entry goes inside the list"
    assert text.split("# <<< SOURCES")[0].endswith(
        '    interval: 2h\n\n  - name: agency-news\n    title: "ข่าวประชาสัมพันธ์"\n'
        f'    url: "{server.url("/news")}"\n    type: auto\n'), "after a blank line, as the others"


@NEEDS_BROWSER
def test_a_page_built_by_script_gets_render_when_nothing_else_works(
        sites: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/", SHELL.replace("PORT", str(server.port)))
    server.page("/api/news.json", ITEMS, "application/json")
    config = write_config(tmp_path, "", fetch="""
  min_delay_per_host: 0s
  retries: 0
  timeout: 30s
  allow_private_networks: true
""")
    code, result = _discover(config, server.url("/"), "--write", capsys=capsys)
    assert code == 0, result
    best = _best(result)
    assert (best["type"], best["render"], best["items"]) == ("auto", True, 2)
    assert "render: true" in str(result["entry"])
    assert crawl(config) == 0
    assert set(published(config)) == {"ทางรัฐ เปิดบริการใหม่ผ่านแอป",
                                      "สพร. แนะนำระบบสารบรรณอิเล็กทรอนิกส์"}


def test_a_linked_feed_comes_first_and_the_usual_paths_are_not_probed(
        sites: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/", '<html><head><title>x</title><meta property="og:site_name" '
                'content="กรมตัวอย่าง"><link rel="alternate" type="application/rss+xml" '
                'href="/services/news.rss"></head><body>' + _listing("utf-8") + "</body></html>")
    server.page("/services/news.rss", _rss(), "application/rss+xml")
    code, result = _discover(write_config(tmp_path, ""), server.url("/"), capsys=capsys)
    assert code == 0
    best = _best(result)
    assert (best["type"], best["how"]) == ("feed", "linked from the page")
    assert result["title"] == "กรมตัวอย่าง"
    assert server.requests_for("/feed/") == [] and server.requests_for("/rss.xml") == []
    assert len(server.requests_for("/robots.txt")) == 1, "robots.txt is read once"


def test_malformed_feed_and_sitemap_links_are_passed_over(
        sites: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # urljoin raises on an unclosed IPv6 literal: a page's or robots.txt's bad link
    # is no candidate, and the rest of the site is still read.
    server = sites()  # type: ignore[operator]
    server.page("/news", _listing("utf-8").replace(
        "</title>", '</title><link rel="alternate" type="application/rss+xml" '
        'href="http://[2001:db8::1/rss">'))
    server.page("/robots.txt", "User-agent: *\nAllow: /\nSitemap: http://[x/map.xml\n",
                "text/plain")
    code, result = _discover(write_config(tmp_path, ""), server.url("/news"), capsys=capsys)
    assert code == 0, result
    assert _best(result)["type"] == "auto"


def test_colours_only_when_asked_for_a_terminal(sites: object, tmp_path: Path) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/news", _listing("utf-8"))
    config = load_config(write_config(tmp_path, ""))
    found = asyncio.run(discover(config, server.url("/news"), allow_render=False))
    assert "\x1b[32m" in table(found, config, colour=True)
    assert "\x1b" not in table(found, config, colour=False)


def test_a_challenge_page_is_named(sites: object, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]

    def wall(request: Request) -> Response:
        return Response(403, b"<html><title>Just a moment...</title></html>",
                        {"Content-Type": "text/html", "cf-mitigated": "challenge"})

    server._respond_for = wall  # type: ignore[method-assign]
    code, result = _discover(write_config(tmp_path, ""), server.url("/"), capsys=capsys)
    assert code == 1 and "Cloudflare challenge" in str(result["reason"])


def test_discover_needs_no_sources_file_and_checks_the_name(
        sites: object, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/news.rss", _rss(), "application/rss+xml")   # the URL is itself a feed:
    monkeypatch.chdir(tmp_path)     # one request (the default 2 s per host keeps it slow)
    assert main(["discover", server.url("/news.rss")]) == 0
    out = capsys.readouterr().out
    assert "type: feed" in out and "the URL itself" in out
    assert list(tmp_path.iterdir()) == [], "nothing was written"
    config = write_config(tmp_path, "")
    assert main(["discover", server.url("/news.rss"), "--config", str(config),
                 "--name", "Not A Slug"]) == 2
    err = capsys.readouterr().err
    assert "--name" in err and "not a slug" in err and len(err.strip().splitlines()) == 1


def test_a_wordpress_rest_url_given_directly(sites: object, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    # A site on WordPress's default zone, UTC: `date` and `date_gmt` alike.
    utc = [datetime.fromisoformat(day).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
           for day in DATES]
    posts = [{"title": {"rendered": t}, "link": server.url(f"/{n}/"), "date": utc[n],
              "date_gmt": utc[n]} for n, t in enumerate(TITLES)]
    server.page("/wp-json/wp/v2/posts", json.dumps(posts, ensure_ascii=False),
                "application/json")
    result = _proposed_then_crawled(server, server.url("/wp-json/wp/v2/posts"), tmp_path,
                                    capsys)
    best = _best(result)
    assert best["type"] == "json" and best["select"] == {
        "item": "[]", "title": "title.rendered", "link": "link",
        "date": "date_gmt && join('', [date_gmt, 'Z']) || date"}
    assert datetime.fromisoformat(str(best["newest"])) == datetime.fromisoformat(DATES[0])


def test_a_google_news_sitemap_behind_an_index_at_the_usual_path(
        sites: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    server.page("/", "<html><head><title>Agency</title></head><body><p>hi</p></body></html>")
    server.page("/sitemap.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.'
                'sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>'
                f'{server.url("/news-sitemap.xml")}</loc></sitemap></sitemapindex>',
                "application/xml")
    entries = "".join(
        f"<url><loc>{server.url(f'/n/{n}')}</loc><news:news><news:publication><news:name>A"
        "</news:name><news:language>th</news:language></news:publication>"
        f"<news:publication_date>{DATES[n]}</news:publication_date><news:title>{t}"
        "</news:title></news:news></url>" for n, t in enumerate(TITLES))
    server.page("/news-sitemap.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps'
                '.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/'
                f'sitemap-news/0.9">{entries}</urlset>', "application/xml")
    result = _proposed_then_crawled(server, server.url("/"), tmp_path, capsys)
    best = _best(result)
    assert (best["type"], best["url"], best["parsed"]) == ("sitemap", server.url("/sitemap.xml"),
                                                          1.0)
    assert "fetch_article" not in str(result["entry"]), "news sitemaps name their titles"


def test_the_entry_goes_at_the_end_of_the_list_whatever_follows_it() -> None:
    from monitor.config.settings import Source
    from monitor.discoverentry import appended
    source = Source(name="new", url="https://x.go.th/", type="auto")
    text = ("# head\nsources:\n    - name: a   # first\n      url: u\n      type: feed\n"
            "    # a commented-out source\n\n# between\nalerts:\n  - name: x\n")
    assert appended(text, source) == (
        "# head\nsources:\n    - name: a   # first\n      url: u\n      type: feed\n"
        "    # a commented-out source\n"
        '    - name: new\n      url: "https://x.go.th/"\n      type: auto\n'
        "\n# between\nalerts:\n  - name: x\n")
    assert appended("topics: []\n", source).endswith("sources:\n  - name: new\n"
                                                      '    url: "https://x.go.th/"\n'
                                                      "    type: auto\n")


def test_a_guessed_link_is_a_warning_under_the_entry(sites: object, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    server = sites()  # type: ignore[operator]
    rows = [{"p_id": n, "p_name": t, "p_date": DATES[n]} for n, t in enumerate(TITLES)]
    data = {"props": {"pageProps": {"result": {"rows": rows}}}}
    server.page("/drafts", '<html><body><script id="__NEXT_DATA__" type="application/json">'
                f"{json.dumps(data, ensure_ascii=False)}</script></body></html>")
    assert main(["discover", server.url("/drafts"), "--config",
                 str(write_config(tmp_path, ""))]) == 0
    out = capsys.readouterr().out
    assert 'link: "http://127.0.0.1:' in out and '/drafts/{p_id}"' in out
    assert "warning: the data has no link field, so links are guessed" in out


def test_discover_says_when_robots_txt_spaces_the_requests(
        sites: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A site that asks for a Crawl-delay makes discover (and every crawl) slower than
    the user's own spacing: the user is told why."""
    server = sites()  # type: ignore[operator]
    server.page("/news", _listing("utf-8"))
    server.add("/robots.txt", Response(200, b"User-agent: *\nCrawl-delay: 0.05\n",
                                       {"Content-Type": "text/plain"}))
    config = write_config(tmp_path, "")
    code, result = _discover(config, server.url("/news"), capsys=capsys)
    assert code == 0 and result["crawl_delay"] == 0.05
    assert main(["discover", server.url("/news"), "--config", str(config)]) == 0
    assert ("robots.txt asks 0.05 s between requests to 127.0.0.1 (Crawl-delay, kept up to "
            "10 s): discover waited so, and each crawl will.") in capsys.readouterr().out
