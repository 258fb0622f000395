"""The Thai date reader: a table of real-world strings, then properties over every format.

The month, weekday and format tables below are written out independently of
monitor.text.thaidate on purpose: a round trip through the module's own tables alone would
pass even if both the writer and the reader had the same month wrong.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from monitor.text.thaidate import format_thai_date, parse_date

BKK = ZoneInfo("Asia/Bangkok")
TABLE = Path(__file__).parent / "data" / "thai_dates.tsv"
FAST = settings(max_examples=250, deadline=None)

FULL = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
        "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
        "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
STEM = ("มกรา", "กุมภา", "มีนา", "เมษา", "พฤษภา", "มิถุนา",
        "กรกฎา", "สิงหา", "กันยา", "ตุลา", "พฤศจิกา", "ธันวา")
EN_FULL = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
WEEKDAY = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")  # Monday first
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


# --- the table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    line: int
    text: str
    expected: str | None
    why: str


def _unescape(text: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text).replace("\\t", "\t")


def load_table() -> tuple[datetime, ZoneInfo, list[Row]]:
    now: datetime | None = None
    tz: ZoneInfo | None = None
    rows: list[Row] = []
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("# now:"):
            now = datetime.fromisoformat(line.split(":", 1)[1].strip())
        elif line.startswith("# tz:"):
            tz = ZoneInfo(line.split(":", 1)[1].strip())
        if not line.strip() or line.startswith("#"):
            continue
        text, expected, *why = line.split("\t")
        rows.append(Row(number, _unescape(text), None if expected == "None" else expected,
                        why[0] if why else ""))
    assert now is not None and tz is not None, "the table must say its `now` and `tz`"
    return now, tz, rows


TABLE_NOW, TABLE_TZ, ROWS = load_table()


@pytest.mark.parametrize("row", ROWS, ids=[f"L{r.line}" for r in ROWS])
def test_real_world_strings(row: Row) -> None:
    got = parse_date(row.text, tz=TABLE_TZ, now=TABLE_NOW)
    assert (got.isoformat() if got else None) == row.expected, f"{row.text!r}: {row.why}"


def test_table_covers_the_contract() -> None:
    """Every example the README names is in the table, with enough around them."""
    inputs = {r.text for r in ROWS}
    contract = [
        "9 พ.ย. 65", "9 พ.ย. 2565", "7 ก.ค.2569", "(7 เม.ย.66)", "9 พฤศจิกายน 2565",
        "วันที่ 9 พ.ย. 65", "๙ พฤศจิกายน ๒๕๖๕", "09/11/2565", "9/11/65", "9-11-2565",
        "9.11.2565", "19 June 2566", "9 พฤศจิกายน พ.ศ. 25 6 5", "วันพุธที่ 9 พฤศจิกายน 2565",
        "9 พ.ย. 65 14:30 น.", "9 พ.ย. 65 14.30 น.", "9 พ.ย. 2565 เวลา 14.00 น.",
        "(7 เม.ย.66) ( 10:43 )", "9 Nov 2022", "Nov 9, 2022", "November 9, 2022 2:30 PM",
        "2 ชั่วโมงที่แล้ว", "5 นาทีที่ผ่านมา", "เมื่อวานนี้", "3 วันที่แล้ว", "2 hours ago",
        "31 ก.พ. 2565", "Wed, 09 Nov 2022 14:30:00 +0700",
    ]
    assert [c for c in contract if c not in inputs] == []
    assert len(ROWS) >= 60
    assert sum(r.expected is None for r in ROWS) >= 15


# --- writing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "with_time", "thai_digits", "expected"),
    [
        ("long", False, False, "9 พฤศจิกายน 2565"),
        ("short", False, False, "9 พ.ย. 2565"),
        ("short2", False, False, "9 พ.ย. 65"),
        ("long", True, False, "9 พฤศจิกายน 2565 14:05 น."),
        ("short2", True, True, "๙ พ.ย. ๖๕ ๑๔:๐๕ น."),
    ],
)
def test_format_thai_date(style: str, with_time: bool, thai_digits: bool, expected: str) -> None:
    value = datetime(2022, 11, 9, 14, 5, tzinfo=BKK)
    assert format_thai_date(value, style=style, with_time=with_time,
                            thai_digits=thai_digits) == expected


def test_format_pads_two_digit_years_and_rejects_unknown_styles() -> None:
    assert format_thai_date(datetime(2043, 1, 2), style="short2") == "2 ม.ค. 86"
    assert format_thai_date(datetime(2057, 1, 2), style="short2") == "2 ม.ค. 00"
    with pytest.raises(ValueError, match="style"):
        format_thai_date(datetime(2022, 1, 2), style="medium")


# --- reading: behaviour the table cannot show ----------------------------------------------


def test_answer_is_in_the_given_zone() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    utc = ZoneInfo("UTC")
    assert parse_date("9 พ.ย. 65", tz=utc, now=now) == datetime(2022, 11, 9, tzinfo=utc)
    got = parse_date("2022-11-09T14:30:00+07:00", tz=utc, now=now)
    assert got is not None and got.tzinfo == utc and got.hour == 7


def test_naive_now_is_taken_in_tz() -> None:
    got = parse_date("วันนี้", tz=BKK, now=datetime(2024, 5, 1, 9, 30))
    assert got == datetime(2024, 5, 1, 9, 30, tzinfo=BKK)


@pytest.mark.parametrize("junk", ["", "   ", None, 20221109, b"9 Nov 2022"])
def test_non_text_or_empty_is_none(junk: object) -> None:
    assert parse_date(junk, tz=BKK, now=TABLE_NOW) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 hourſ ago", None),
        ("9 Auguſt 2022", None),
        ("9 Aprıl 2022", None),  # not `9 Apr` followed by noise
        ("ſun 9 Nov 2022", datetime(2022, 11, 9, tzinfo=BKK)),  # no weekday to check
        ("1 weeK ago", TABLE_NOW - timedelta(weeks=1)),  # Kelvin sign: lower case is k
    ],
)
def test_unicode_case_folding_lookalikes(text: str, expected: datetime | None) -> None:
    """Unicode case folding makes `ſ` an `s` and `ı` an `i`: no table spells those, and they
    must neither raise nor be read as the English word they resemble."""
    assert parse_date(text, tz=BKK, now=TABLE_NOW) == expected


def test_future_slack_is_one_day() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=BKK)
    assert parse_date("2024-05-02T11:59", tz=BKK, now=now) is not None
    assert parse_date("2024-05-02T12:01", tz=BKK, now=now) is None


# --- properties ----------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31, 23, 59)
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=BKK))
# The reader's `now` must be after the date; how long after must not matter.
delays = st.integers(min_value=0, max_value=20 * 365 * 24 * 60).map(lambda m: timedelta(minutes=m))


@FAST
@given(moments, delays, st.sampled_from(["long", "short", "short2"]), st.booleans(),
       st.booleans())
def test_format_thai_date_reads_back(
    moment: datetime, delay: timedelta, style: str, with_time: bool, thai_digits: bool
) -> None:
    text = format_thai_date(moment, style=style, with_time=with_time, thai_digits=thai_digits)
    expected = moment if with_time else moment.replace(hour=0, minute=0)
    assert parse_date(text, tz=BKK, now=moment + delay) == expected, text


def _be(d: datetime) -> str:
    return str(d.year + 543)


def _be2(d: datetime) -> str:
    return _be(d)[2:]


# Independent ways Thai pages write the day itself.
THAI_DAYS = [
    lambda d: f"{d.day} {FULL[d.month - 1]} {_be(d)}",
    lambda d: f"{d.day} {FULL[d.month - 1]} {_be2(d)}",
    lambda d: f"{d.day} {ABBR[d.month - 1]} {_be(d)}",
    lambda d: f"{d.day:02d} {ABBR[d.month - 1]} {_be2(d)}",
    lambda d: f"{d.day} {ABBR[d.month - 1]}{_be(d)}",
    lambda d: f"({d.day} {ABBR[d.month - 1]}{_be2(d)})",
    lambda d: f"{d.day} {ABBR[d.month - 1].replace('.', '')} {_be(d)}",
    lambda d: f"{d.day} {ABBR[d.month - 1].rstrip('.')} {_be2(d)}",
    lambda d: f"{d.day} {STEM[d.month - 1]} {_be2(d)}",
    lambda d: f"{d.day} {FULL[d.month - 1]} พ.ศ. {_be(d)}",
    lambda d: f"{d.day} {FULL[d.month - 1]} พ.ศ. {_be(d)[:2]} {_be(d)[2]} {_be(d)[3]}",
    lambda d: f"{d.day:02d}/{d.month:02d}/{_be(d)}",
    lambda d: f"{d.day}/{d.month}/{_be2(d)}",
    lambda d: f"{d.day}-{d.month}-{_be(d)}",
    lambda d: f"{d.day}.{d.month}.{_be(d)}",
    lambda d: f"{d.day} {EN_FULL[d.month - 1]} {_be(d)}",
]
PREFIXES = [
    lambda d: "",
    lambda d: "วันที่ ",
    lambda d: f"วัน{WEEKDAY[d.weekday()]}ที่ ",
    lambda d: f"วัน{WEEKDAY[d.weekday()]} ที่ ",
    lambda d: f"{WEEKDAY[d.weekday()]} ",
    lambda d: "เผยแพร่: ",
]
CLOCKS = [
    lambda d: f"{d.hour:02d}:{d.minute:02d} น.",
    lambda d: f"{d.hour}.{d.minute:02d} น.",
    lambda d: f"เวลา {d.hour:02d}.{d.minute:02d} น.",
    lambda d: f"( {d.hour:02d}:{d.minute:02d} )",
    lambda d: f"{d.hour:02d}:{d.minute:02d}:00",
    lambda d: f"เวลา {d.hour}:{d.minute:02d}",
]


# What real pages put around a date.
BEFORE = ["", "โพสต์เมื่อ ", "ปรับปรุงล่าสุด ", "Posted on ", "| ", "\u00a0", "\u200b", "  "]
AFTER = ["", " |", " -", " โดย ผู้ดูแลระบบ", " อ่าน 1,234 ครั้ง", "\u00a0", "\u200b"]


@FAST
@given(moments, delays, st.sampled_from(THAI_DAYS), st.sampled_from(PREFIXES),
       st.one_of(st.none(), st.sampled_from(CLOCKS)), st.sampled_from([" ", " | ", " - "]),
       st.booleans(), st.booleans(), st.sampled_from(BEFORE), st.sampled_from(AFTER))
def test_every_thai_format_reads_back(
    moment: datetime, delay: timedelta, write_day, prefix, write_clock, glue: str,
    clock_first: bool, thai_digits: bool, before: str, after: str,
) -> None:
    text = prefix(moment) + write_day(moment)
    expected = moment.replace(hour=0, minute=0)
    if write_clock is not None:
        clock = write_clock(moment)
        text = f"{clock}{glue}{text}" if clock_first else f"{text}{glue}{clock}"
        expected = moment
    if thai_digits:
        text = text.translate(THAI_DIGITS)
    text = before + text + after
    assert parse_date(text, tz=BKK, now=moment + delay) == expected, text


INTERNATIONAL = [
    lambda d: d.isoformat(),
    lambda d: d.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    lambda d: d.strftime("%Y-%m-%d %H:%M"),
    lambda d: email.utils.format_datetime(d),
    lambda d: email.utils.format_datetime(d.astimezone(UTC), usegmt=True),
    lambda d: f"{d.day} {EN_FULL[d.month - 1][:3]} {d.year} {d.hour:02d}:{d.minute:02d}",
    lambda d: (f"{EN_FULL[d.month - 1]} {d.day}, {d.year} "
               f"{(d.hour % 12) or 12}:{d.minute:02d} {'PM' if d.hour >= 12 else 'AM'}"),
]


@FAST
@given(moments, delays, st.sampled_from(INTERNATIONAL))
@example(datetime(2022, 11, 9, 0, 5, tzinfo=BKK), timedelta(0), INTERNATIONAL[-1])  # 12:05 AM
@example(datetime(2022, 11, 9, 12, 5, tzinfo=BKK), timedelta(0), INTERNATIONAL[-1])  # 12:05 PM
def test_international_formats_read_back(moment: datetime, delay: timedelta, write) -> None:
    text = write(moment)
    assert parse_date(text, tz=BKK, now=moment + delay) == moment, text


RELATIVE = [
    ("{} นาทีที่แล้ว", 1), ("{} นาทีที่ผ่านมา", 1), ("{} ชั่วโมงที่แล้ว", 60),
    ("{} ชม.ที่แล้ว", 60), ("{} วันที่แล้ว", 24 * 60), ("{} สัปดาห์ที่แล้ว", 7 * 24 * 60),
    ("{} minutes ago", 1), ("{} hours ago", 60), ("{} days ago", 24 * 60),
]


@FAST
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
       st.sampled_from(RELATIVE), st.integers(min_value=1, max_value=500), st.booleans())
def test_relative_forms_count_back_from_now(
    now: datetime, form: tuple[str, int], amount: int, thai_digits: bool
) -> None:
    now = now.replace(tzinfo=BKK)
    template, minutes = form
    text = template.format(amount)
    if thai_digits:
        text = text.translate(THAI_DIGITS)
    assert parse_date(text, tz=BKK, now=now) == now - timedelta(minutes=amount * minutes), text


@pytest.mark.parametrize("part", ["1 นาที ", "1 ชม ", "1 minute, ", "2 hours and "])
def test_a_date_cell_of_relative_parts_without_an_end_is_refused_at_once(part: str) -> None:
    """A cell of "1 นาที " over and over, with no "ที่แล้ว": each space between parts
    could be matched two ways, and the reader tried them all (twenty parts took a
    second, thirty minutes). It is read as far as a date cell is, and refused."""
    text = (part * 300)[:300]
    assert parse_date(text, tz=BKK, now=datetime(2026, 12, 7, tzinfo=BKK)) is None


# Pieces of real dates, so random text often comes close to a date and exercises every path.
FRAGMENTS = st.sampled_from(
    [*FULL, *ABBR, *STEM, *WEEKDAY, "พ.ศ.", "ค.ศ.", "วันที่", "เวลา", "น.", "ที่แล้ว", "ago",
     "เมื่อวาน", "วันนี้", "ชั่วโมง", "นาที", "วัน", "GMT", "+0700", "-05:00", "Z", "T",
     "Nov", "May", "PM", "am", ":", ".", "/", "-", " ", ",", "(", ")", "\u00a0", "\u200b",
     "2565", "65", "๒๕๖๕", "9", "31", "29", "00", "24", "99", "1989", "2040", "14:30"]
)
THAI_TEXT = st.text(
    alphabet=st.one_of(st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B),
                       st.sampled_from("0123456789 .:/-+,()")),
    max_size=12,
)
# Almost-dates: plausible shapes with any numbers, so impossible days, out-of-range years and
# odd clocks and zones come up often rather than by luck.
MONTH_WORDS = st.one_of(st.sampled_from([*FULL, *ABBR, *STEM, *EN_FULL, "Nov"]),
                        st.integers(0, 14).map(str))
NEAR_DATES = st.builds(
    "{}{}{}{}{}{}{}".format,
    st.sampled_from(["", "วันที่ ", "วันพุธที่ ", "Wed, ", "เผยแพร่: "]),
    st.integers(0, 40).map(str),
    st.sampled_from([" ", "/", "-", ".", ""]),
    MONTH_WORDS,
    st.sampled_from([" ", "/", "-", ".", " พ.ศ. ", " ค.ศ. ", ", "]),
    st.one_of(st.integers(0, 99).map("{:02d}".format), st.integers(1000, 9999).map(str)),
    st.one_of(st.just(""), st.builds(" {}:{:02d}{}".format, st.integers(0, 30),
                                     st.integers(0, 70),
                                     st.sampled_from(["", " น.", " GMT", " +1400", " -0930"]))),
)
NOISE = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(FRAGMENTS, THAI_TEXT), max_size=14).map("".join),
    st.tuples(THAI_TEXT, NEAR_DATES, THAI_TEXT).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(NOISE, st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2045, 1, 1)))
def test_random_text_never_raises_nor_leaves_the_range(text: str, now: datetime) -> None:
    now = now.replace(tzinfo=BKK)
    got = parse_date(text, tz=BKK, now=now)
    if got is not None:
        assert got.tzinfo is not None
        assert datetime(1990, 1, 1, tzinfo=BKK) <= got <= now + timedelta(days=1), text


def test_repeated_texts_are_read_against_their_own_now_and_zone() -> None:
    """Dates are remembered per (text, zone, now): a relative phrase read again in a
    later crawl counts from the later fetch, and another zone gives its own answer."""
    bangkok, utc = ZoneInfo("Asia/Bangkok"), ZoneInfo("UTC")
    first = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
    later = first + timedelta(days=2)
    assert parse_date("เมื่อวาน", tz=bangkok, now=first) == datetime(
        2026, 3, 9, 12, 0, tzinfo=bangkok)
    assert parse_date("เมื่อวาน", tz=bangkok, now=later) == datetime(
        2026, 3, 11, 12, 0, tzinfo=bangkok)
    assert parse_date("5 มี.ค. 2569", tz=bangkok, now=first) == datetime(
        2026, 3, 5, tzinfo=bangkok)
    assert parse_date("5 มี.ค. 2569", tz=utc, now=first) == datetime(2026, 3, 5, tzinfo=utc)
    assert parse_date("5 มี.ค. 2569", tz=utc, now=first).tzinfo is utc  # type: ignore[union-attr]
