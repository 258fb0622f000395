"""What a link's text carries besides its headline, and how it comes off.

Listings glue to a headline what is no part of it: the item's date, at either
end, bare or in brackets or after a label ("โพสต์เมื่อ ..."); a counter of views
or downloads; a badge, a mark or a bullet; a file's type and size. `unglued`
takes all of it off and gives the date back, as the item's; `unbadged` takes
off all but dates. What stays is the headline's own: a date its sentence says
("ณ วันที่ ...", "เป็นวันที่ ..."), the end of a range it opens, a date no
publication could have (a history column's 1913), words that only look like a
counter ("สัปดาห์ส่งเสริมการอ่าน 2569"), "ใหม่" ending a word ("เชียงใหม่").
Every pattern here reads scraped text, so each stays linear on any input:
the end patterns read only a text's last END_READ characters and start after a
non-blank.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from monitor.extract.htmltext import DATE_RE
from monitor.text.clean import collapse
from monitor.text.thaidate import parse_date

__all__ = ["MIN_TITLE", "strip_glue", "unbadged", "unglued"]

MIN_TITLE = 15   # characters of the shortest headline; a shorter text is a name

# A view counter, "New" badge or bare date glued to the start or end of a headline.
# Counters come in brackets or after a colon or bar, counting views, readers or
# downloads ("(อ่าน 25 คน)", ":อ่าน 11 คน", "[เปิดอ่าน 7 ครั้ง]", "(ผู้เข้าชม: 1,204)",
# "ดาวน์โหลด 25 ครั้ง", "👁 56"): left in, the title changed at every crawl. Their word
# is a word of its own ("สัปดาห์ส่งเสริมการอ่าน 2569" reads, it counts nothing), and a
# bare number counts only in brackets or after a bar ("ครบ 2 ครั้ง", "รับสมัคร 30
# คน" are the headline's own).
_COUNT_WORDS = (r"(?:จำนวน)?(?:ผู้เข้าชม|ผู้อ่าน|ผู้ชม|เข้าชม|ดาวน์โหลด)|เปิดอ่าน|อ่าน|ดู|views?|"
                r"hits?|reads?|downloads?|👁")
_COUNT = r"[0-9๐-๙][0-9๐-๙,]*+"
_COUNTER = re.compile(
    r"(?<!\s)\s*+(?:(?:[|•·]|:{1,2})\s*+)?(?:"
    rf"[(\[]\s*+(?:{_COUNT_WORDS})\s*+:?\s*+{_COUNT}\s*+(?:ครั้ง|คน|views?|reads?)?\s*+[)\]]"
    rf"|[(\[]\s*+{_COUNT}\s*+(?:ครั้ง|views?|reads?)\s*+[)\]]"
    rf"|(?<![\u0e00-\u0e7f])(?:{_COUNT_WORDS})\s*+:?\s*+{_COUNT}\s*+(?:ครั้ง|คน|views?|reads?)?"
    rf"|[|•·]\s*+{_COUNT}\s*+(?:ครั้ง|views?|reads?))\s*+$",
    re.IGNORECASE)

# A file's type and size after its title ("(PDF)", "[PDF, 1.2 MB]", "(ไฟล์ PDF ขนาด 1.2
# MB)", "(350 KB)", "ขนาดไฟล์ 2.5 MB", "ประกาศ....pdf"), as announcement lists write them;
# a link whose text is a file's name alone ("notice_25_8_60.pdf") says only "open it".
_FILE_LABEL = re.compile(
    r"(?<!\s)\s*+(?:[(\[]\s*+(?:ไฟล์\s*+)?(?:pdf|docx?|xlsx?|pptx?|zip|rar)?\s*+,?\s*+"
    r"(?:(?:ขนาด(?:ไฟล์)?\s*+)?[0-9][0-9.,]*+\s*+[kmg]b)?\s*+[)\]]"
    r"|(?:ขนาด(?:ไฟล์)?|ไฟล์)\s*+[0-9][0-9.,]*+\s*+[kmg]b|(?<=[\u0e00-\u0e7f)\]])\.(?:pdf|docx?|xlsx?))"
    r"\s*+$",
    re.IGNORECASE)

# Words after which a date ending a headline is its own ("... ณ วันที่ 1 กันยายน 2569",
# "บันทึก ... ลงวันที่ 30 พฤศจิกายน 2561", "รับสมัคร ... ถึง 7 ต.ค. 69"), not one a
# card glued to it: cut off, such headlines ended in "ณ" or "ถึง".
_DATE_IN_SENTENCE = re.compile(
    r"(?:ณ|ถึง|ลง|ลว\.|ตั้งแต่|เมื่อ|ภายใน|ประจำ|สิ้นสุด|จน|ก่อน|หลัง|ใน|เป็น|ระหว่าง|"
    r"\b(?:on|until|till|by|from|to|dated|of|since|before|after))\s*$", re.IGNORECASE)

# A label that says a date is when the item was posted or changed ("โพสต์เมื่อ",
# "(ประกาศเมื่อ ...)", "ปรับปรุงล่าสุด", "Posted"): such a date is the list's, though
# "เมื่อ" alone would make it the headline's.
_POSTED = re.compile(
    r"(?:โพสต์|ประกาศ|เผยแพร่|ลงประกาศ|ปรับปรุง(?:ล่าสุด)?|แก้ไข(?:ล่าสุด)?|อัปเดต|อัพเดท|"
    r"\b(?:posted|published|updated)(?:\s++on)?)(?:\s*+เมื่อ)?(?:\s*+วันที่)?\s*+:?\s*+$",
    re.IGNORECASE)
_RANGE_START = re.compile(r"(?<![0-9๐-๙])([0-9๐-๙]{1,2})\s*[-–—]\s*$")
_NUMBER_RUN = re.compile(r"[0-9๐-๙]+")
_ORDINAL = re.compile(r"(?:ครั้ง|ฉบับ|รุ่น|งวด|ชุด|หมู่|ข้อ|ลำดับ|ตอน|ปี)ที่\s*$|\b(?:no\.?|#)\s*$",
                      re.IGNORECASE)

# Thai has no spaces between words: "ใหม่" ending "เชียงใหม่" or "ปีใหม่" is no badge.
# Also bracketed ("[ด่วน]", "(ใหม่)"), "มาใหม่", and the pictures lists mark news with.
_MARKS = "🔥📢📣🆕⭐🌟❗★☆✪✦"
_BADGE = re.compile(
    r"(?<!\s)\s*+(?:\bnew\b|\bhot\b|(?<![\u0e00-\u0e7f])(?:มาใหม่|ใหม่|ด่วน)"
    rf"|[\[(](?:ด่วน|ใหม่|new|hot)[\])]|[{_MARKS}]+)!*+\s*+$", re.IGNORECASE)

# ... or before it: in English and shouted ("new!!! [22 ส.ค. 60]--ราคากลาง ...", "NEW
# ประกาศ ..."), bracketed ("[ด่วน] ..."), a mark or a bullet ("🔥 ...", "» ...", "• ...").
_LEADING_BADGE = re.compile(
    r"^\s*+(?:(?i:new|hot)!+|(?:NEW|HOT)(?=\s)|(?i:ใหม่)!+|[\[(](?i:ด่วน|ใหม่|new|hot)[\])]"
    rf"|[{_MARKS}»•·▶►▸]+)\s*+")
_CLOSING = {"[": "]", "(": ")"}


def strip_glue(text: str) -> str:
    """A headline without the counter, badge or date a card glued to its start or end."""
    return unglued(text)[0]


def unglued(text: str) -> tuple[str, str | None]:
    """(the headline without its glue, the date glued to it if any): a date at its
    start, or at its end, bare or in brackets ("... (7 ธ.ค. 2569)", as older
    lists write each link), unless the headline says it (_DATE_IN_SENTENCE) or no
    publication could have it (a column of history: "20 มี.ค.2456 สิ้นเจ้า...",
    1913)."""
    glued = None
    for _ in range(3):
        before = text
        text = unbadged(text)
        match, end = _leading_date(text)
        if match and len(text) - end >= MIN_TITLE and _publishable(match.group(0)):
            glued = glued or match.group(0)
            text = text[end:].lstrip(" -–—|:")
        match = _last_date(text)
        if (match and match.start() >= MIN_TITLE and _ends_glued(text, match)
                and _publishable(match.group(0))):
            glued = glued or match.group(0)
            text = _POSTED.sub("", text[:match.start()].rstrip()).rstrip(" -|:([")
        if text == before:
            break
    return text, collapse(glued) if glued else None


_UTC = ZoneInfo("UTC")
_LONG_AFTER = datetime(9000, 1, 1, tzinfo=UTC)


def _publishable(date: str) -> bool:
    """Whether a date could be a publication's (from 1990): an older one in a
    headline is what it is about. Whatever the future, which only the fetch time
    can judge, and extraction knows no time."""
    return parse_date(date, tz=_UTC, now=_LONG_AFTER) is not None


def unbadged(text: str) -> str:
    """The text without a badge, counter or file label at either end (its dates kept)."""
    for _ in range(3):
        before = text
        text = _LEADING_BADGE.sub("", _without_end(_BADGE, _without_end(
            _COUNTER, _without_end(_FILE_LABEL, text))))
        if text == before:
            break
    return text


END_READ = 100   # characters at a text's end a counter or badge is looked for in


def _without_end(pattern: re.Pattern[str], text: str) -> str:
    """`text` without what `pattern`, anchored at the end, finds there. Searched in
    the last END_READ characters only: searched from every position of the text, a
    pattern that may begin with blanks costs the square of a run of them (3,000
    spaces took the counter pattern minutes)."""
    cut = max(0, len(text) - END_READ)
    return text[:cut] + pattern.sub("", text[cut:])


def _leading_date(text: str) -> tuple[re.Match[str] | None, int]:
    """The date a text opens with, bare or in brackets ("[22 ส.ค. 60]"), and where
    it ends, its closing bracket included."""
    opening = text[:1]
    closing = _CLOSING.get(opening)
    match = DATE_RE.match(text, 1 if closing else 0)
    if match is None:
        return None, 0
    if closing is None:
        return match, match.end()
    end = len(text) - len(text[match.end():].lstrip())
    return (match, end + 1) if text[end:end + 1] == closing else (None, 0)


def _ends_glued(text: str, match: re.Match[str]) -> bool:
    """The date ends the text, or closes the bracket it opens, and the words before
    it do not make it part of the headline."""
    tail = text[match.end():].strip()
    opened = text[:match.start()].rstrip()
    labelled = _POSTED.search(opened)   # "... (ประกาศเมื่อ 5 ธ.ค. 2569)": the list's own
    if labelled:
        opened = opened[:labelled.start()].rstrip()
    if tail and not (tail in (")", "]") and opened.endswith({")": "(", "]": "["}[tail])):
        return False
    if tail:
        opened = opened[:-1]
    return bool(labelled) or not (_DATE_IN_SENTENCE.search(opened)
                                  or _ends_range(opened, match.group(0)))


def _ends_range(opened: str, date: str) -> bool:
    """Whether a date is the end of a range the text opens ("ระหว่างวันที่ 1-15 ธันวาคม
    2569", "9 - 10 ธ.ค. 69"): cut there, the title ended "... 1". The start is a day
    before the end's, and no ordinal ("ฉบับที่ 1 - 5 ธ.ค. 2569" is a headline, issue 1,
    and its date)."""
    start = _RANGE_START.search(opened)
    end = _NUMBER_RUN.search(date)
    return bool(start and end and 1 <= int(start.group(1)) < int(end.group(0))
                and not _ORDINAL.search(opened, 0, start.start()))


def _last_date(text: str) -> re.Match[str] | None:
    found = None
    for match in DATE_RE.finditer(text):
        found = match
    return found
