"""Every word the program itself writes on a page or in a digest, in Thai and English.

Pages and digests follow `feed.language`: Thai when it is `th`, English
otherwise. Scraped text (titles, outlets) is never translated; what the
program says about it is. A source's last error is an English sentence from
the fetcher, meant for `monitor status`: readers of a Thai page get its gist
in Thai (`error_gist`), and the sentence itself only as a technical detail.
"""

from __future__ import annotations

import re

LABELS: dict[str, dict[str, str]] = {
    "th": {
        "week_subject": "สรุปประจำสัปดาห์ {start} – {end}: {count} รายการ (สัปดาห์ที่ {number} ปี {year})",
        "this_week": "สัปดาห์นี้",
        "primary": "ประกาศในราชกิจจานุเบกษาและระเบียบของหน่วยงาน",
        "no_primary": "ไม่มีประกาศหรือระเบียบใหม่ในสัปดาห์นี้",
        "per_topic": "จำนวนตามหัวข้อ",
        "items": "{n} รายการ",
        "no_items": "ไม่มีรายการในสัปดาห์นี้",
        "first_seen": "พบครั้งแรก",
        "reported_by": "รายงานโดย",
        "also_reported": "รายงานด้วยโดย {n} แหล่งอื่น",
        "all_ok": "ทุกแหล่งข้อมูลดึงข้อมูลได้ตามปกติ ณ เวลาที่จัดทำสรุปนี้",
        "failing": ("มีแหล่งข้อมูล {n} จาก {total} แหล่งที่ดึงข้อมูลไม่สำเร็จตลอดสัปดาห์หรือ"
                    "ขณะจัดทำสรุปนี้ สรุปนี้จึงอาจขาดรายการจากแหล่งเหล่านั้น: {names}"),
        "other": "รายการอื่นจากแหล่งที่ติดตามทั้งหมด",
        "archive": "คลังสรุปประจำสัปดาห์",
        "archive_empty": "ยังไม่มีสรุปประจำสัปดาห์",
        "read_html": "อ่านแบบหน้าเว็บ",
        "read_text": "แบบข้อความ",
        "updated": "ปรับปรุงล่าสุด",
        "all_topics": "ทั้งหมด",
        "feeds": "ฟีดสำหรับโปรแกรมอ่านข่าว",
        "topic_feeds": "ฟีดรายหัวข้อ",
        "health_feed": "ฟีดสถานะแหล่งข้อมูล",
        "opml": "รายการฟีดทั้งหมด (OPML)",
        "sources": "สถานะแหล่งข้อมูล",
        "last_success": "ดึงสำเร็จล่าสุด",
        "never": "ยังไม่เคย",
        "items_last": "รายการในการดึงล่าสุด",
        "detail": "รายละเอียดทางเทคนิค",
        "tls_insecure": ("ไม่ตรวจสอบใบรับรอง TLS (tls: verify: false) "
                         "เนื้อหาจากแหล่งนี้อาจถูกปลอมแปลงระหว่างทาง"),
        "none_yet": "ยังไม่มีรายการ",
        "all_failed": ("ขณะนี้ดึงข้อมูลไม่สำเร็จจากทุกแหล่ง ({n} แหล่ง) รายการด้านล่างเป็นข้อมูลเดิม "
                       "ที่เก็บไว้ก่อนหน้า ดูสาเหตุได้ที่ส่วนสถานะแหล่งข้อมูล"),
        "filter": "เลือกหัวข้อ",
    },
    "en": {
        "week_subject": "Weekly digest {start} – {end}: {count} items ({label})",
        "this_week": "This week",
        "primary": "New instruments in the Royal Gazette and agencies' regulations",
        "no_primary": "No new instruments or regulations this week",
        "per_topic": "Items per topic",
        "items": "{n} items",
        "no_items": "No items this week",
        "first_seen": "first seen",
        "reported_by": "Reported by",
        "also_reported": "also reported by {n} more",
        "all_ok": "Every source was fetched normally when this digest was written",
        "failing": ("{n} of {total} sources could not be fetched all week or when this digest "
                    "was written, so it may miss their items: {names}"),
        "other": "Other items from the followed sources",
        "archive": "Weekly digest archive",
        "archive_empty": "No weekly digest yet",
        "read_html": "web page",
        "read_text": "text",
        "updated": "Updated",
        "all_topics": "All",
        "feeds": "Feeds for news readers",
        "topic_feeds": "Feeds per topic",
        "health_feed": "Source health feed",
        "opml": "All feeds (OPML)",
        "sources": "Health of the sources",
        "last_success": "Last success",
        "never": "never",
        "items_last": "items on the last crawl",
        "detail": "Technical detail",
        "tls_insecure": ("TLS certificate NOT checked (tls: verify: false): what this "
                         "source says may have been forged on the way"),
        "none_yet": "No items yet",
        "all_failed": ("No source could be fetched on the last attempts ({n} sources): the items "
                       "below are the ones stored before. See the sources' health for why."),
        "filter": "Choose a topic",
    },
}

STATES: dict[str, dict[str, str]] = {
    "th": {"ok": "ปกติ", "failing": "ดึงข้อมูลไม่สำเร็จ",
           "broken": "ไม่พบรายการ (หน้าเว็บอาจเปลี่ยนรูปแบบ)",
           "blocked": "ถูกระบบกันบอตของเว็บไซต์ปิดกั้น", "new": "ยังไม่ได้ดึงข้อมูล"},
    "en": {"ok": "ok", "failing": "failing", "broken": "broken (no items any more)",
           "blocked": "blocked by an anti-bot page", "new": "not crawled yet"},
}

# The fetcher's and extractors' English errors, by cause, most specific first.
_GISTS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), th, en) for pattern, th, en in (
        (r"cannot resolve|name or service|host not found|not known",
         "ไม่พบชื่อโดเมนของเว็บไซต์", "host not found"),
        (r"robots\.txt", "robots.txt ของเว็บไซต์ไม่อนุญาตหรือเข้าถึงไม่ได้",
         "robots.txt disallows or cannot be read"),
        (r"certificate|tls|ssl", "ใบรับรองความปลอดภัย (TLS) ของเว็บไซต์ตรวจสอบไม่ผ่าน",
         "the site's TLS certificate failed verification"),
        (r"timed? ?out|deadline", "เว็บไซต์ตอบช้าเกินกำหนดเวลา", "the site timed out"),
        (r"larger than|too large", "ข้อมูลที่ได้รับมีขนาดเกินกำหนด", "the response is too large"),
        (r"challenge|anti-bot|captcha|cloudflare",
         "เว็บไซต์แสดงหน้าตรวจสอบบอตแทนเนื้อหา", "the site answered with an anti-bot page"),
        (r"HTTP 4\d\d", "เว็บไซต์ปฏิเสธคำขอหรือไม่พบหน้าที่ระบุ (HTTP 4xx)",
         "the site refused the request or the page is gone (HTTP 4xx)"),
        (r"HTTP 5\d\d", "เซิร์ฟเวอร์ของเว็บไซต์ขัดข้อง (HTTP 5xx)", "the site's server failed (HTTP 5xx)"),
        (r"no items|yielded none|layout",
         "ไม่พบรายการในหน้าเว็บ รูปแบบหน้าอาจเปลี่ยนไป", "no items found: the layout may have changed"),
        (r"not a feed|not a sitemap|well-formed|parser|selector|select\.",
         "อ่านรูปแบบข้อมูลของแหล่งนี้ไม่ได้", "the source's content could not be read"),
        (r"connect|refused|reset|unreachable|cannot reach|failed",
         "เชื่อมต่อเว็บไซต์ไม่ได้", "cannot connect to the site"),
    ))


def labels(language: str) -> dict[str, str]:
    return LABELS["th" if language.lower().startswith("th") else "en"]


def state_label(state: str, language: str) -> str:
    table = STATES["th" if language.lower().startswith("th") else "en"]
    return table.get(state, table["failing"])


def error_gist(error: str | None, language: str) -> str:
    """The cause of a source's last error in the page's language, in a few words."""
    if not error:
        return ""
    thai = language.lower().startswith("th")
    for pattern, th, en in _GISTS:
        if pattern.search(error):
            return th if thai else en
    return "เกิดข้อผิดพลาดขณะดึงข้อมูล" if thai else "an error occurred while fetching"
