"""The project's own reader and writer of dates as Thai (and international) sites write them.

General date libraries misread Thai pages: they keep 2565 as the year, read `65` as 2065 and
lose the minutes of `14.30 น.`. This module knows the Buddhist era (BE = CE + 543), Thai month
names in their many spellings, Thai digits, weekday prefixes and relative phrases.

How it reads: the text is normalised (Thai digits, invisible characters, whitespace), then
searched with a few regular expressions built from named parts (weekday, day, month, era, year,
clock, zone), most specific first; every span that matched is blanked so a later, looser pattern
cannot read the same digits again. Whatever surrounds a date (`โพสต์เมื่อ`, `|`, `Posted on`)
is simply never matched. A wrong publication date is worse than none (the item would sort
wrongly and the digest would put it in the wrong week), so any contradiction - two different
dates, a weekday that disagrees, 31 ก.พ. - makes the answer None rather than a guess.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from monitor.text.weekdays import WEEKDAY_NAMES

__all__ = ["WEEKDAY_NAMES", "format_thai_date", "is_plausible", "parse_date", "plausible_year"]

BE_OFFSET = 543
BE_YEARS_FROM = 2400          # a year from here on is Buddhist era, whatever the month's language
EARLIEST = datetime(1990, 1, 1)  # wall time in the caller's zone; nothing older is believable
FUTURE_SLACK = timedelta(days=1)  # clocks and zones differ; more than this ahead is a misreading

# Thai letters and marks; a month or weekday name followed by one is part of a longer word.
_TH = "\u0e01-\u0e5b"
# Around a Latin word: no letter of any script but Thai (Thai runs words together without
# spaces, so a Thai letter next to `Nov` says nothing, while `Novel` is not November).
_START = r"(?<![^\W\d_\u0e00-\u0e7f])"
_END = r"(?![^\W\d_\u0e00-\u0e7f])"

# (canonical full name, other spellings seen in the wild, abbreviation letters). The
# abbreviation is written with or without dots and spaces: ม.ค. / ม.ค / มค / ม. ค.
_THAI_MONTHS: tuple[tuple[str, tuple[str, ...], tuple[str, str]], ...] = (
    ("มกราคม", ("มกรา",), ("ม", "ค")),
    ("กุมภาพันธ์", ("กุมภาพันธ", "กุมภา"), ("ก", "พ")),
    ("มีนาคม", ("มีนา",), ("มี", "ค")),
    ("เมษายน", ("เมษา",), ("เม", "ย")),
    ("พฤษภาคม", ("พฤษภา",), ("พ", "ค")),
    ("มิถุนายน", ("มิถุนา",), ("มิ", "ย")),
    ("กรกฎาคม", ("กรกฏาคม", "กรกฎา", "กรกฏา"), ("ก", "ค")),  # ฏ for ฎ is a common misspelling
    ("สิงหาคม", ("สิงหา",), ("ส", "ค")),
    ("กันยายน", ("กันยา",), ("ก", "ย")),
    ("ตุลาคม", ("ตุลา",), ("ต", "ค")),
    ("พฤศจิกายน", ("พฤศจิกา", "พฤศจิ"), ("พ", "ย")),
    ("ธันวาคม", ("ธันวา",), ("ธ", "ค")),
)
_ENGLISH_MONTHS: tuple[tuple[str, ...], ...] = (
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
    ("october", "oct"), ("november", "nov"), ("december", "dec"),
)


def _key(word: str) -> str:
    """Dots, spaces and case carry no meaning in a month or weekday name."""
    return re.sub(r"[.\s]", "", word).lower()


def _alternation(patterns: list[tuple[str, str]]) -> str:
    """Longest spelling first, so `มกราคม` is not read as `มกรา` plus noise."""
    return "|".join(p for _, p in sorted(patterns, key=lambda sp: -len(sp[0])))


_MONTH_BY_KEY: dict[str, int] = {}
_thai_month_patterns: list[tuple[str, str]] = []
for _number, (_full, _others, _letters) in enumerate(_THAI_MONTHS, start=1):
    for _name in (_full, *_others):
        _MONTH_BY_KEY[_name] = _number
        _thai_month_patterns.append((_name, rf"{_name}(?![{_TH}])"))
    _MONTH_BY_KEY["".join(_letters)] = _number
    # The lookahead also refuses a dot, so `ก.พ.ร.` (an agency) is not February.
    _thai_month_patterns.append(
        ("".join(_letters), r"\.? ?".join(_letters) + rf"\.?(?![{_TH}.])")
    )
_english_month_patterns: list[tuple[str, str]] = []
for _number, _names in enumerate(_ENGLISH_MONTHS, start=1):
    for _name in _names:
        _MONTH_BY_KEY[_name] = _number
        _english_month_patterns.append((_name, rf"{_name}{_END}\.?"))
_WEEKDAY_BY_KEY = {_key(name): number
                   for number, names in enumerate(WEEKDAY_NAMES) for name in names}

_EN_MONTH = _alternation(_english_month_patterns)
_ANY_MONTH = _alternation(_thai_month_patterns + _english_month_patterns)
_WEEKDAY_NAMES = _alternation([(n, re.escape(n) + _END) for n in _WEEKDAY_BY_KEY])

# Named parts the date patterns are built from.
_WD = rf"(?:(?:วัน ?)?(?P<wd>{_WEEKDAY_NAMES})\.?(?: ?ที่)?[ ,]{{0,2}})?"
# Not after a digit, dot, colon, slash or dash: `1-3 พ.ย.` is a range and `14:30` is a clock.
_DAY = r"(?<![0-9.:/\-])(?P<day>[0-3]?[0-9])(?![0-9])(?:st|nd|rd|th)?"
_SEP_DM = r"[ ,\-/]{0,3}(?:(?:of|เดือน) ?)?"
_SEP = r"[ ,\-/]{0,3}"
_ERA = rf"พ\.? ?ศ\.?|ค\.? ?ศ\.?|(?:b\.? ?e|c\.? ?e|a\.? ?d){_END}\.?"
# Stray spaces inside a year (`พ.ศ. 25 6 5`, from PDFs) are believed only after an era marker
# and only for a 25xx year, so `พ.ศ. 65 14:30` stays a two-digit year followed by a time.
_YEAR = (
    rf"(?:(?P<era>{_ERA}) ?(?P<year>2 ?5 ?[0-9] ?[0-9]|[0-9]{{4}}|[0-9]{{2}})"
    r"|(?P<year_plain>[0-9]{4}|[0-9]{2}))(?![0-9]|[:.][0-9])"  # `July 5 10:43`: 10 is an hour
)
# A number right after a year-less day and month would be a year we could not read.
_NO_YEAR = rf"(?!{_SEP}(?:{_ERA}|[0-9]+(?![0-9]*[:.][0-9])))"
_CLOCK = (
    r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,][0-9]{1,9})?)?"
)

_ISO = re.compile(
    r"(?<![0-9.:/\-])(?P<year_plain>[0-9]{4})(?P<sep>[-/.])(?P<mon>[0-9]{1,2})(?P=sep)"
    rf"(?P<day>[0-9]{{1,2}})(?![0-9])(?:[t ]{_CLOCK}(?![0-9])"
    rf"(?P<zone> ?(?:z|[+-][0-9]{{2}}(?::?[0-9]{{2}})?|utc|gmt)(?![0-9]){_END})?)?"
)
_NA = rf"(?:นาฬิกา|น\.|น(?![{_TH}]))"  # นาฬิกา, o'clock
# Day first always (Thai usage); `น.` right after would make it a clock such as 12.10.15 น.
_NUMERIC = re.compile(
    rf"{_WD}(?<![0-9.:/\-])(?P<day>[0-9]{{1,2}})(?P<sep>[/.\-])(?P<mon>[0-9]{{1,2}})(?P=sep)"
    rf"(?P<year_plain>[0-9]{{4}}|[0-9]{{2}})(?![0-9]|[.:/\-][0-9]| ?{_NA})",
)
_DAY_MONTH_YEAR = re.compile(rf"{_WD}{_DAY}{_SEP_DM}(?P<month>{_ANY_MONTH}){_SEP}{_YEAR}")
# A comma or space must part day and year, or `Nov 2565` would read as 25 Nov (25)65.
_MONTH_DAY_YEAR = re.compile(
    rf"{_WD}(?P<month>{_EN_MONTH})[ ,\-]{{0,2}}(?P<day>[0-3]?[0-9])(?![0-9])(?:st|nd|rd|th)?"
    rf"(?:, ?| ){_YEAR}",
)
# Thai month names in the English order, as WordPress writes its `M j, Y` and `F jS, Y`
# formats in Thai ("ก.ค. 6, 2026", "พฤศจิกายน 30th, 2016"). Only with the comma: Thai
# writes the day first otherwise.
_THAI_MONTH_DAY_YEAR = re.compile(
    rf"{_WD}(?P<month>{_alternation(_thai_month_patterns)}) ?(?P<day>[0-3]?[0-9])(?![0-9])"
    rf"(?:st|nd|rd|th)?, ?{_YEAR}",
)
_DAY_MONTH = re.compile(rf"{_WD}{_DAY}{_SEP_DM}(?P<month>{_ANY_MONTH}){_NO_YEAR}")
_MONTH_DAY = re.compile(
    rf"{_WD}(?P<month>{_EN_MONTH})[ ,\-]{{0,2}}(?P<day>[0-3]?[0-9])(?![0-9])"
    rf"(?:st|nd|rd|th)?{_END}{_NO_YEAR}",
)

_UNIT_SECONDS: dict[str, int | None] = {
    "วินาที": 1, "นาที": 60, "ชั่วโมง": 3600, "ชม": 3600, "วัน": 86400, "สัปดาห์": 604800,
    "อาทิตย์": 604800, "เดือน": None, "ปี": None,
    "second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600, "h": 3600,
    "day": 86400, "d": 86400, "week": 604800, "wk": 604800, "w": 604800,
    "month": None, "year": None, "yr": None,
}  # None: a month or a year ago is too vague to be a publication date
_UNIT = _alternation(
    [(u, u if re.match(f"[{_TH}]", u) else rf"{u}s?{_END}") for u in _UNIT_SECONDS]
    + [("ชม.", r"ชม\.?")]
)
# A number not glued to other digits nor ending a range (`2-3 วันก่อน` is vague), or
# `a`/`an`/`one` as a word (so `and` is not `an d`).
_AMOUNT_SRC = rf"(?:(?<![0-9\-])[0-9]{{1,4}}|{_START}(?:an?|one)(?= ))"
# Each space between parts is matched one way only, and at most four parts are read
# (days, hours, minutes, seconds): with two optional spaces a part and a run of
# parts, "1 นาที " twenty times over took a second to refuse, thirty minutes.
_AGO = re.compile(
    rf"(?P<parts>(?:{_AMOUNT_SRC} ?(?:{_UNIT}),? ?(?:and )?){{1,4}})"
    rf"(?:ที่แล้ว|ที่ผ่านมา|มาแล้ว|ก่อน|ago{_END})",
)
_AMOUNT = re.compile(rf"(?P<n>{_AMOUNT_SRC}) ?(?P<unit>{_UNIT})")
_DAY_WORDS = {"วานซืน": 2, "เมื่อวานซืน": 2, "เมื่อวาน": 1, "เมื่อวานนี้": 1, "วานนี้": 1,
              "yesterday": 1, "วันนี้": 0, "today": 0}
_DAY_WORD = re.compile(
    rf"{_START}(?:{_alternation([(w, w) for w in _DAY_WORDS])}){_END}"
)
_JUST_NOW = re.compile(
    rf"เมื่อสักครู่|เมื่อครู่|เมื่อกี้|เมื่อกี๊|{_START}(?:just now|moments? ago){_END}"
)

_ZONE = (
    r"(?:(?:gmt|utc|ut)(?: ?[+-] ?[0-9]{1,2}(?::?[0-9]{2})?)?"
    r"|[+-][0-9]{2}:?[0-9]{2}|z|ict|[ecmp][sd]t)"
)
# A clock anywhere in the text. `14.30` needs `น.`, `เวลา` or am/pm to be a clock (it could
# be a number); the hour alone needs `เวลา ... น.` or am/pm. A range `14.30-16.30 น.` gives
# its start.
_TIME = re.compile(
    r"(?P<vela>เวลา ?)?(?<![0-9.:])(?P<hour>[0-9]{1,2})(?:(?P<tsep>[:.])(?P<minute>[0-9]{2})"
    r"(?:(?P=tsep)(?P<second>[0-9]{2})(?:[.,][0-9]{1,9})?)?)?(?![0-9])"
    rf"(?P<ampm> ?[ap]\.?m\.?{_END})?"
    rf"(?P<zone>[ (]{{0,2}}{_ZONE}{_END}\)?)?"
    r"(?: ?- ?[0-9]{1,2}[:.][0-9]{2})?"
    rf"(?P<na> ?{_NA})?",
)
_NAMED_ZONES = {"": 0, "z": 0, "ut": 0, "utc": 0, "gmt": 0, "ict": 420, "est": -300,
                "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
                "pst": -480, "pdt": -420}  # minutes east of UTC; US names as RFC 822 defines

_CHAR_MAP: dict[int, str | None] = {0x0E50 + i: str(i) for i in range(10)}  # Thai digits
_CHAR_MAP |= {0xFF10 + i: str(i) for i in range(10)}  # full-width digits
_CHAR_MAP |= {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}  # invisible
_CHAR_MAP |= {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"}  # dashes


class _Unreadable(Exception):
    """The text names a date that cannot be right; parse_date answers None instead of guessing."""


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    second: int
    zone: tzinfo | None  # None: the caller's zone


@dataclass(frozen=True)
class _Found:
    """One date the text names: a calendar day, perhaps with its own clock, or an instant."""

    day: date
    clock: _Clock | None = None
    instant: datetime | None = None  # `2 ชั่วโมงที่แล้ว` names an instant, not a day
    relative: bool = False


_CLOCK_BEFORE_YEAR = re.compile(
    r"(?P<wd>\b[a-z]{3},?) (?P<month>[a-z]{3}) (?P<day>[0-3]?[0-9]) "
    r"(?P<clock>[0-9]{2}:[0-9]{2}:[0-9]{2} [a-z]{2,5}(?:[+-][0-9]{1,2}(?::?[0-9]{2})?)?) "
    r"(?P<year>[0-9]{4})\b")


def _normalise(text: str) -> str:
    """One spelling for what renders alike, so the patterns stay few. Lower case here rather
    than re.IGNORECASE, whose Unicode folding lets `ſ` match `s` and `ı` match `i`, so that
    `Auguſt` would match a month no table spells."""
    text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP).lower()
    text = re.sub(r"\s+", " ", text).strip()
    # Java's Date.toString and Unix `date` write the year last, after the clock and
    # zone ("thu nov 28 14:35:12 ict 2024"), as feeds of Java CMSs carry it: the
    # day, month and year go together first, as RFC 822 has them.
    return _CLOCK_BEFORE_YEAR.sub(r"\g<wd> \g<day> \g<month> \g<year> \g<clock>", text)


def _year(digits: str, era: str | None) -> int:
    """CE year from the written one: two digits are BE 25xx, unless that would be
    before EARLIEST, where they can only be CE 20xx (a webboard's "11-06-17", an
    English-style "11/06/17"); four digits above 2400 are BE whatever the language
    around them (DGA writes `19 June 2566`); an era marker that contradicts the
    number is an error, not a hint."""
    digits = digits.replace(" ", "")
    number = int(digits)
    marker = _key(era or "")
    buddhist, christian = marker in ("พศ", "be"), marker in ("คศ", "ce", "ad")
    if len(digits) == 2:
        if christian:
            raise _Unreadable
        year = 2500 + number - BE_OFFSET
        return 2000 + number if year < EARLIEST.year and not buddhist else year
    if number > 2400:
        if christian:
            raise _Unreadable
        return number - BE_OFFSET
    if buddhist:
        raise _Unreadable
    return number


def _zone(raw: str) -> tzinfo:
    text = raw.strip(" ()").replace(" ", "").lower()
    m = re.fullmatch(r"([a-z]*)(?:([+-])([0-9]{1,2}):?([0-9]{2})?)?", text)
    if not m or m[1] not in _NAMED_ZONES:
        raise _Unreadable
    minutes = _NAMED_ZONES[m[1]]
    if m[2]:
        hours, extra = int(m[3]), int(m[4] or 0)
        if hours > 14 or extra > 59:
            raise _Unreadable
        minutes += (hours * 60 + extra) * (1 if m[2] == "+" else -1)
    return timezone(timedelta(minutes=minutes))


def _clock(m: re.Match[str]) -> _Clock | None:
    """The clock a match names, None when the match is only a number after all."""
    g = m.groupdict()
    ampm, na, vela = g.get("ampm"), g.get("na"), g.get("vela")
    if g["minute"] is None and not ampm and not (vela and na):
        return None
    if g.get("tsep") == "." and not (na or vela or ampm):
        return None
    hour, minute, second = int(g["hour"]), int(g["minute"] or 0), int(g["second"] or 0)
    if ampm:
        if not 1 <= hour <= 12:
            raise _Unreadable
        hour = hour % 12 + (12 if ampm.strip().lower().startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _Unreadable
    zone = None
    raw = g.get("zone")
    # `10:00-12:00` is a range, not 10:00 at UTC-12: a bare offset glued to a clock counts
    # only after seconds, as ISO 8601 and RFC 3339 write it.
    if raw and not (raw[0] in "+-" and g["second"] is None and m.re is _TIME):
        zone = _zone(raw)
    return _Clock(hour, minute, second, zone)


def _calendar_day(m: re.Match[str], year: int) -> date:
    g = m.groupdict()
    month = int(g["mon"]) if g.get("mon") else _MONTH_BY_KEY[_key(g["month"])]
    day = date(year, month, int(g["day"]))  # ValueError for 31 ก.พ.
    if g.get("wd") and _WEEKDAY_BY_KEY[_key(g["wd"])] != day.weekday():
        raise _Unreadable
    return day


class _Reader:
    """One reading of one text: finds every date, relative phrase and clock, then decides."""

    def __init__(self, text: str, tz: tzinfo, now: datetime) -> None:
        self.work = text
        self.tz = tz
        self.now = now

    def _matches(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        """Matches of a pattern on what is left, blanked so no later pattern reads them again
        (in one pass: blanking each match by rebuilding the text cost matches x length,
        33 s for a 2 MB date cell)."""
        found: list[re.Match[str]] = []

        def blank(match: re.Match[str]) -> str:
            found.append(match)
            return " " * (match.end() - match.start())

        self.work = pattern.sub(blank, self.work)
        return found

    def _absolute(self) -> list[_Found]:
        found: list[_Found] = []
        for m in self._matches(_ISO):
            try:  # digits in this shape that are no date (1234-56-78) are not a claim
                day = _calendar_day(m, _year(m["year_plain"], None))
            except ValueError:
                continue
            found.append(_Found(day, _clock(m) if m["hour"] else None))
        for m in self._matches(_NUMERIC):
            try:
                day = _calendar_day(m, _year(m["year_plain"], None))
            except ValueError:
                continue
            found.append(_Found(day))
        for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _THAI_MONTH_DAY_YEAR):
            for m in self._matches(pattern):
                year = _year(m["year"] or m["year_plain"], m["era"])
                found.append(_Found(_calendar_day(m, year)))  # 31 ก.พ. raises: a claim
        for pattern in (_DAY_MONTH, _MONTH_DAY):
            for m in self._matches(pattern):
                found.append(_Found(self._recent(m)))
        return found

    def _recent(self, m: re.Match[str]) -> date:
        """A day and month without a year, as listings show this year's news: the latest such
        day that is not in the future."""
        latest = self.now.date() + FUTURE_SLACK
        for year in (self.now.year, self.now.year - 1):
            try:
                day = _calendar_day(m, year)
            except ValueError:  # 29 ก.พ. outside a leap year
                continue
            if day <= latest:
                return day
        raise _Unreadable

    def _relative(self) -> list[_Found]:
        found: list[_Found] = []
        for m in self._matches(_AGO):
            seconds = 0
            for amount in _AMOUNT.finditer(m["parts"]):
                unit = _UNIT_SECONDS[_key(amount["unit"]).rstrip("s")]
                if unit is None:
                    break
                n = amount["n"].lower()
                seconds += unit * (int(n) if n.isdigit() else 1)
            else:
                instant = self.now - timedelta(seconds=seconds)
                found.append(_Found(instant.date(), instant=instant, relative=True))
        for m in self._matches(_DAY_WORD):
            day = self.now.date() - timedelta(days=_DAY_WORDS[m[0].lower()])
            found.append(_Found(day, relative=True))
        for _ in self._matches(_JUST_NOW):
            found.append(_Found(self.now.date(), instant=self.now, relative=True))
        return found

    def read(self) -> datetime | None:
        absolute = self._absolute()
        relative = self._relative()
        # A relative phrase next to an absolute date is page furniture (`ข่าววันนี้`).
        candidates = absolute or relative
        clocks = [c for c in map(_clock, _TIME.finditer(self.work)) if c is not None]
        if len({c.day for c in candidates}) != 1:
            return None  # nothing, or two different days: which one is the publication?
        chosen = candidates[0]
        if chosen.instant is not None:
            return chosen.instant
        clock = chosen.clock or (clocks[0] if clocks else None)
        if clock is None:
            if chosen.relative:  # `เมื่อวาน` alone: same clock time that day
                return datetime.combine(chosen.day, self.now.timetz())
            return datetime.combine(chosen.day, time(), tzinfo=self.tz)
        moment = time(clock.hour, clock.minute, clock.second)
        return datetime.combine(chosen.day, moment, tzinfo=clock.zone or self.tz)


def plausible_year(year: int) -> bool:
    """A Common Era year a publication date may have; above it, a Buddhist-era year
    written where a CE one belongs (an ISO field holding 2567), or a CMS placeholder."""
    return EARLIEST.year <= year < BE_YEARS_FROM


def is_plausible(value: datetime, now: datetime, tz: tzinfo) -> bool:
    """A publication date worth believing: from 1990 (in `tz`) to a day after `now`.

    Also applied to the dates feeds give in structured form, so every date the
    program stores passes the same test.
    """
    return EARLIEST.replace(tzinfo=tz) <= value <= now + FUTURE_SLACK


def parse_date(text: str, *, tz: ZoneInfo, now: datetime) -> datetime | None:
    """Read a date as Thai and international sites write it. Returns an aware datetime, or None
    when unreadable, in the future by more than a day relative to `now`, or before 1990.
    Never raises.

    `now` is the fetch time: relative phrases count back from it, and a date far beyond it
    can only be a misreading. A date without a zone is in `tz`; a day without a time is
    midnight in `tz`. The answer is expressed in `tz`.
    """
    if not isinstance(text, str) or not isinstance(now, datetime):
        return None
    if len(text) > _CACHED_LENGTH:
        return _parse_date(text, tz, now)
    return _parse_date_cached(text, tz, now)


# A listing shows a few dates for many items, and every source of a crawl shares
# `now`: most texts are read once per crawl, not once per item. Only short texts
# (a date cell, not an article) are kept, so the cache stays a few hundred KB.
_CACHED_LENGTH = 200


@functools.lru_cache(maxsize=4096)
def _parse_date_cached(text: str, tz: tzinfo, now: datetime) -> datetime | None:
    return _parse_date(text, tz, now)


def _parse_date(text: str, tz: tzinfo, now: datetime) -> datetime | None:
    try:
        now = (now if now.tzinfo else now.replace(tzinfo=tz)).astimezone(tz)
        found = _Reader(_normalise(text), tz, now).read()
        if found is None:
            return None
        found = found.astimezone(tz)
        return found if is_plausible(found, now, tz) else None
    except (_Unreadable, ValueError, OverflowError):
        return None  # year 0, a day past 9999: impossible dates are unreadable, not errors


_STYLES = ("long", "short", "short2")


def format_thai_date(
    value: datetime, *, style: str = "long", with_time: bool = False, thai_digits: bool = False
) -> str:
    """e.g. '9 พฤศจิกายน 2565' (long) or '9 พ.ย. 2565' (short) / '9 พ.ย. 65' (short2), BE years;
    with time '14:30 น.'

    The value is written in its own zone: convert it to the reader's zone first. Formal Thai
    writing keeps the day unpadded and the clock in 24 hours with `น.`; `thai_digits` gives
    the numerals official documents use.
    """
    if style not in _STYLES:
        raise ValueError(f"style must be one of {', '.join(_STYLES)}, not {style!r}")
    full, _, letters = _THAI_MONTHS[value.month - 1]
    year = value.year + BE_OFFSET
    if style == "long":
        text = f"{value.day} {full} {year}"
    else:
        abbreviation = ".".join(letters) + "."
        year_text = f"{year % 100:02d}" if style == "short2" else str(year)
        text = f"{value.day} {abbreviation} {year_text}"
    if with_time:
        text += f" {value.hour:02d}:{value.minute:02d} น."
    if thai_digits:
        text = text.translate({ord(str(i)): chr(0x0E50 + i) for i in range(10)})
    return text
