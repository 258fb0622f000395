"""A synthetic web of Thai listing pages, served on loopback for the crawl benchmark.

    python benchmarks/synthweb.py --sources 500 --hosts 50 --port 18080 --seed 1

Everything is deterministic from the seed. Source `i` lives on host
`loopback(i % hosts)` (127.0.0.1, 127.0.0.2, ..., 127.0.1.1 past 254 hosts) and
offers the same 30 items three ways:

    /s/<i>/          an HTML listing (~110 KB: navigation, sidebar, footer, scripts)
    /s/<i>/feed.xml  RSS 2.0
    /s/<i>/sitemap.xml

Every answer carries an ETag and Last-Modified and honours If-None-Match /
If-Modified-Since with 304. With `--cookies`, every host behaves as most agency
sites do (PHP, ASP.NET, load balancers): an answer to a request that brings no
cookie sets a session cookie. Control URLs (on any host):

    /_change?share=0.1   the first `share` of a shuffled source order gets 3 new items
    /_dynamic?share=1    that share of the html listings (the same shuffled order) now
                         answers every request 200 with no ETag or Last-Modified, and a
                         new token in the page each time (a visitor count, as many agency
                         CMSs show): new bytes, the same items
    /_latency?ms=100     delay every answer by this much from now on
    /_stats              JSON: answers by status, body bytes sent; /_reset zeroes them

The server is a small asyncio HTTP/1.1 server with keep-alive (not
http.server), so that it costs the benchmark little CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import random
import zlib
from email.utils import formatdate
from urllib.parse import parse_qs, urlsplit

THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.",
               "ต.ค.", "พ.ย.", "ธ.ค.")
SUBJECTS = ("กรมส่งเสริมการเกษตร", "เทศบาลตำบลบ้านใหม่", "องค์การบริหารส่วนจังหวัด",
            "สำนักงานสาธารณสุขจังหวัด", "กรมทางหลวงชนบท", "การประปาส่วนภูมิภาค",
            "สำนักงานเขตพื้นที่การศึกษา", "กรมการท่องเที่ยว", "ที่ทำการปกครองอำเภอ")
ACTIONS = ("ประชุมคณะทำงานประจำเดือน", "จัดกิจกรรมวันเด็กแห่งชาติ", "ประกาศรับสมัครพนักงานจ้าง",
           "ลงพื้นที่ตรวจเยี่ยมโครงการ", "ประกาศผลการจัดซื้อจัดจ้าง", "อบรมเชิงปฏิบัติการ",
           "แจ้งปิดปรับปรุงถนน", "รณรงค์ป้องกันไข้เลือดออก", "มอบทุนการศึกษา")
RELEVANT = ("เปิดบริการขอใบอนุญาตออนไลน์ตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์",
            "พัฒนาระบบรัฐบาลดิจิทัลร่วมกับ สำนักงานพัฒนารัฐบาลดิจิทัล")
ITEMS = 30
REWRITES = 0.1       # --stories: share of relevant items that rewrite a shared story
STORY_POOL = 250     # --stories: shared stories (about 2 rewrites each at 500 sources)
MAX_HOSTS = 254 * 256  # loopback addresses used (each host is a listening socket)


class Web:
    def __init__(self, sources: int, hosts: int, port: int, seed: int,
                 relevant: float, stories: bool = False, cookies: bool = False) -> None:
        self.sources, self.hosts, self.port, self.seed = sources, hosts, port, seed
        self.relevant = relevant
        self.stories = stories
        self.cookies = cookies
        self.generation = [0] * sources
        self.latency = 0.0
        self.stats: dict[str, int] = {}
        self._cache: dict[tuple[int, str], tuple[bytes, str, str, str]] = {}
        self._order = list(range(sources))
        random.Random(seed).shuffle(self._order)
        self._changes = 0
        self.dynamic: set[int] = set()
        self._requests = 0

    def host(self, i: int) -> str:
        return f"{loopback(i % self.hosts)}:{self.port}"

    def _items(self, i: int) -> list[tuple[str, str, str, str]]:
        """(link, title, Thai date, summary), newest first; generation g adds 3 items."""
        gen = self.generation[i]
        total = ITEMS + 3 * gen
        items = []
        for n in range(total - 1, total - 1 - ITEMS, -1):
            r = random.Random(f"{self.seed}:{i}:{n}")
            relevant = r.random() < self.relevant
            if relevant:
                title = f"{r.choice(SUBJECTS)} {r.choice(RELEVANT)} ครั้งที่ {n}"
            else:
                # The number is the item's own: drawn from the source's one sequence,
                # every older item was renamed whenever the page gained items.
                number = 1 + zlib.crc32(f"{self.seed}:{i}:{n}".encode()) % 99
                title = f"{r.choice(SUBJECTS)}{number} {r.choice(ACTIONS)} ครั้งที่ {n}"
            day = 1 + n % 28
            month = 1 + (n // 28) % 12
            date = f"{day} {THAI_MONTHS[month - 1]} 2569"
            summary = f"รายละเอียด{r.choice(ACTIONS)} ของ{r.choice(SUBJECTS)} ลำดับที่ {n}"
            if relevant and self.stories:
                title, summary = self._story(i, n, r)
            items.append((f"http://{self.host(i)}/s/{i}/n/{n}", title, date, summary))
        return items

    def _story(self, i: int, n: int, r: random.Random) -> tuple[str, str]:
        """A relevant item as real ones are (--stories): its own recombined real words,
        or, one time in REWRITES, another outlet's rewrite of one of STORY_POOL shared
        stories. The lede opens with a stock phrase naming the act, as press
        releases do, so that it matches a topic."""
        from realtext import Texts  # benchmarks/realtext.py, beside this file

        if r.random() < REWRITES:
            base = Texts(f"{self.seed}:story:{r.randrange(STORY_POOL)}").story()
            title, lede = Texts(f"{self.seed}:{i}:{n}").rewrite(*base)
        else:
            title, lede = Texts(f"{self.seed}:{i}:{n}").story()
        return title, f"{RELEVANT[n % len(RELEVANT)]} {lede}"

    def body(self, i: int, kind: str) -> tuple[bytes, str, str, str]:
        key = (i, kind)
        gen = self.generation[i]
        cached = self._cache.get(key)
        if cached is not None and cached[3] == str(gen):
            return cached
        items = self._items(i)
        if kind == "html":
            data, ctype = self._html(i, items), "text/html; charset=utf-8"
        elif kind == "feed":
            data, ctype = self._feed(i, items), "application/rss+xml; charset=utf-8"
        else:
            data, ctype = self._sitemap(items), "application/xml"
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        result = (data, ctype, etag, str(gen))
        self._cache[key] = result
        return result

    def _html(self, i: int, items: list[tuple[str, str, str, str]]) -> bytes:
        rng = random.Random(f"{self.seed}:{i}:noise")
        sub = "".join(f"<li><a href=/m/{j}>หน้าย่อย {j}</a></li>" for j in range(8))
        nav = "".join(f'<li><a href="/menu/{k}">{rng.choice(SUBJECTS)} เมนู {k}</a>'
                      f"<ul>{sub}</ul></li>" for k in range(40))
        side = "".join(f'<div class="widget"><h4>{rng.choice(ACTIONS)}</h4>'
                       f'<p>{rng.choice(SUBJECTS) * 3}</p><a href="/w/{k}">อ่านต่อ</a></div>'
                       for k in range(30))
        rows = "".join(
            f'<div class="news-item"><h3><a href="{link}">{title}</a></h3>'
            f'<span class="date">วันที่ {date}</span><p class="excerpt">{summary}</p></div>'
            for link, title, date, summary in items)
        footer = "".join(f'<a href="/f/{k}">{rng.choice(SUBJECTS)}</a> | ' for k in range(120))
        script = "var tracking = [" + ",".join(str(rng.random()) for _ in range(1500)) + "];"
        page = (f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">'
                f"<title>ข่าวประชาสัมพันธ์ {i}</title><script>{script}</script>"
                f"<style>{'.c{color:red}' * 400}</style></head><body>"
                f'<header><nav><ul class="menu">{nav}</ul></nav></header>'
                f'<main><div class="news-list">{rows}</div></main><aside>{side}</aside>'
                f"<footer>{footer}<p>สงวนลิขสิทธิ์ 2569</p></footer></body></html>")
        return page.encode()

    def _feed(self, i: int, items: list[tuple[str, str, str, str]]) -> bytes:
        entries = "".join(
            f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
            f"<description>{summary}</description>"
            f"<pubDate>{formatdate(1767225600 - n * 3600, usegmt=True)}</pubDate></item>"
            for n, (link, title, _date, summary) in enumerate(items))
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>ข่าว {i}</title><link>http://{self.host(i)}/s/{i}/</link>"
                f"<description>ข่าว</description>{entries}</channel></rss>").encode()

    def _sitemap(self, items: list[tuple[str, str, str, str]]) -> bytes:
        urls = "".join(f"<url><loc>{link}</loc><lastmod>2026-01-0{1 + n % 9}</lastmod></url>"
                       for n, (link, *_rest) in enumerate(items))
        return ('<?xml version="1.0" encoding="utf-8"?><urlset xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()

    def change(self, share: float) -> int:
        """Change the next `share` of sources (a rotating window of the shuffled order)."""
        count = round(self.sources * share)
        for k in range(count):
            self.generation[self._order[(self._changes + k) % self.sources]] += 1
        self._changes += count
        return count

    def answer(self, target: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path.startswith("/_"):
            if path == "/_change":
                changed = self.change(float(query.get("share", ["0.1"])[0]))
                return 200, str(changed).encode(), {}
            if path == "/_dynamic":
                share = float(query.get("share", ["1"])[0])
                self.dynamic = set(self._order[:round(self.sources * share)])
                return 200, str(len(self.dynamic)).encode(), {}
            if path == "/_latency":
                self.latency = float(query.get("ms", ["0"])[0]) / 1000
                return 200, b"ok", {}
            if path == "/_stats":
                return 200, json.dumps(self.stats).encode(), {}
            if path == "/_reset":
                self.stats = {}
                return 200, b"ok", {}
        pieces = path.strip("/").split("/")
        if len(pieces) >= 2 and pieces[0] == "s" and pieces[1].isdigit():
            i = int(pieces[1])
            rest = "/".join(pieces[2:])
            kind = {"": "html", "feed.xml": "feed", "sitemap.xml": "sitemap"}.get(rest)
            if i < self.sources and kind is not None:
                data, ctype, etag, gen = self.body(i, kind)
                if kind == "html" and i in self.dynamic:
                    self._requests += 1
                    return 200, data.replace(
                        b"</footer>", f"<p>ผู้เข้าชม {self._requests}</p></footer>".encode(),
                        1), {"Content-Type": ctype}
                modified = formatdate(1767225600 + int(gen) * 86400, usegmt=True)
                common = {"ETag": etag, "Last-Modified": modified}
                if self.cookies and "cookie" not in headers:
                    common["Set-Cookie"] = f"PHPSESSID={zlib.crc32(target.encode()):08x}; Path=/"

                if headers.get("if-none-match") == etag or (
                        "if-none-match" not in headers
                        and headers.get("if-modified-since") == modified):
                    return 304, b"", common
                return 200, data, {**common, "Content-Type": ctype}
            if i < self.sources and rest.startswith("n/"):
                return 200, ("<html><body><article><h1>ข่าว</h1><p>เนื้อหา</p></article>"
                             "</body></html>").encode(), {"Content-Type": "text/html"}
        return 404, b"not here", {"Content-Type": "text/plain"}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                _method, target, _version = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                if self.latency and not target.startswith("/_"):
                    await asyncio.sleep(self.latency)
                status, body, extra = self.answer(target, headers)
                if not target.startswith("/_"):
                    self.stats[str(status)] = self.stats.get(str(status), 0) + 1
                    self.stats["bytes"] = self.stats.get("bytes", 0) + len(body)
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                head_out = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}"]
                head_out += [f"{k}: {v}" for k, v in extra.items()]
                writer.write(("\r\n".join(head_out) + "\r\n\r\n").encode() + body)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        finally:
            writer.close()


def loopback(n: int) -> str:
    """The n-th host address (from 0): 127.0.0.1 to 127.0.0.254, then 127.0.1.1 and on
    (all of 127/8 is loopback on Linux), so that every source can have a host of its own."""
    if not 0 <= n < MAX_HOSTS:
        raise ValueError(f"at most {MAX_HOSTS} hosts")
    return f"127.0.{n // 254}.{1 + n % 254}"


async def serve(web: Web) -> None:
    servers = [await asyncio.start_server(web.handle, loopback(h), web.port, backlog=1024)
               for h in range(web.hosts)]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--relevant", type=float, default=0.02,
                        help="share of items about the act (these run story dedupe)")
    parser.add_argument("--stories", action="store_true",
                        help="relevant items of real words, a tenth of them rewrites "
                             "of one another across sources (for story dedupe)")
    parser.add_argument("--cookies", action="store_true",
                        help="every host sets a session cookie on a request without one")
    args = parser.parse_args()
    web = Web(args.sources, args.hosts, args.port, args.seed, args.relevant, args.stories,
              args.cookies)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(web))


if __name__ == "__main__":
    main()
