"""Matching as the README's "Matching" section defines it, one table per rule.

Each table row is (keyword, text, expected): the keyword goes into a one-topic
Matcher's `any:` list and the text is matched against it, so a row reads the
way a user would check a keyword in `sources.yaml`.
"""

from __future__ import annotations

import functools
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pythainlp.tokenize.newmm import segment
from pythainlp.util import Trie

from monitor.config.settings import Topic
from monitor.match import Matcher, TopicMatch, keyword_error
from monitor.text.newmm_window import stops, window
from monitor.text.textnorm import (
    dropped_spaces,
    is_word_char,
    normalise_script,
    normalise_text,
    squeezed,
)
from monitor.text.worddict import WordDictionary, default_dictionary


def matches(keyword: str, text: str, synonyms: tuple[tuple[str, ...], ...] = ()) -> bool:
    return bool(Matcher([Topic("t", "t", (keyword,))], synonyms).match(text))


def check(keyword: str, text: str, expected: bool) -> None:
    assert matches(keyword, text) is expected, (
        f"keyword {keyword!r} {'should' if expected else 'should not'} match {text!r}")


# --- normalisation ------------------------------------------------------------

NORMALISATION = [
    pytest.param("Cafe\u0301", "café", id="nfc"),
    pytest.param("ท\u0e4d\u0e32งาน", "ทำงาน", id="sara-am"),
    pytest.param("น\u0e49\u0e4d\u0e32", "น้ำ", id="sara-am-after-tone-mark"),
    pytest.param("น\u0e4d\u0e49\u0e32", "น้ำ", id="sara-am-tone-mark-inside"),
    pytest.param("เเผนพัฒนาดิจิทัล", "แผนพัฒนาดิจิทัล", id="two-sara-e"),
    pytest.param("ทาง\u200bรัฐ", "ทางรัฐ", id="zero-width-space"),
    pytest.param("ทาง\u200cรัฐ\u200d", "ทางรัฐ", id="zero-width-non-joiner-and-joiner"),
    pytest.param("\ufeffทาง\u2060รัฐ", "ทางรัฐ", id="bom-and-word-joiner"),
    pytest.param("อิเล็ก\u00adทรอนิกส์", "อิเล็กทรอนิกส์", id="soft-hyphen"),
    pytest.param("พ.ศ. ๒๕๖๕", "พ.ศ. 2565", id="thai-digits"),
    pytest.param("ThaID DGA e-Service", "thaid dga e-service", id="case"),
    pytest.param("  ทางรัฐ \t\n  app\u00a0 ", "ทางรัฐ app", id="whitespace-collapsed"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALISATION)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected
    assert normalise_text(expected) == expected   # idempotent


# The same normalisations, seen through matching: text and keyword may be
# spelled differently and still meet.
NORMALISED_MATCHING = [
    pytest.param("น้ำประปา", "ค่าน\u0e4d\u0e49\u0e32ประปาออนไลน์", id="sara-am-in-text"),
    pytest.param("ท\u0e4d\u0e32เนียบรัฐบาล", "ที่ทำเนียบรัฐบาลวันนี้", id="sara-am-in-keyword"),
    pytest.param("แอปทางรัฐ", "เปิดตัว เเอปทางรัฐ เวอร์ชันใหม่", id="two-sara-e-in-text"),
    pytest.param("เเพลตฟอร์มดิจิทัล", "แพลตฟอร์มดิจิทัลภาครัฐ", id="two-sara-e-in-keyword"),
    pytest.param("ทางรัฐ", "แอป ทาง\u200bรัฐ", id="zero-width-in-text"),
    pytest.param("อิเล็กทรอนิกส์", "อิเล็ก\u00adทรอนิกส์", id="soft-hyphen-in-text"),
    pytest.param("พ.ศ. 2565", "พ.ศ. ๒๕๖๕", id="thai-digits-in-text"),
    pytest.param("Digital ID", "DIGITAL id", id="case"),
    pytest.param("Cafe\u0301", "café", id="nfc"),
]


@pytest.mark.parametrize(("keyword", "text"), NORMALISED_MATCHING)
def test_normalised_forms_match(keyword: str, text: str) -> None:
    check(keyword, text, True)


# --- whitespace -------------------------------------------------------------------

WHITESPACE = [
    ("พ.ร.บ.การปฏิบัติ", "พ.ร.บ. การปฏิบัติราชการ", True),
    ("พ.ร.บ. การปฏิบัติ", "พ.ร.บ.การปฏิบัติราชการ", True),
    ("พระราชบัญญัติ", "ตามพระราช บัญญัติ นี้", True),              # PDF-extracted
    ("การปฏิบัติราชการทางอิเล็กทรอนิกส์", "การปฏิบัติ ราชการ ทาง อิเล็กทรอนิกส์", True),
    ("พ.ศ. 2565", "พ.ศ.2565", True),
    ("Biz Portal", "Biz   Portal", True),
    ("Biz Portal", "BizPortal", False),                             # Latin spaces separate words
    ("BizPortal", "Biz Portal", False),
    ("Digital Government", "digital\ngovernment", True),
]


@pytest.mark.parametrize(("keyword", "text", "expected"), WHITESPACE)
def test_whitespace(keyword: str, text: str, expected: bool) -> None:
    check(keyword, text, expected)


def test_squeeze_keeps_spaces_only_between_latin_words() -> None:
    text = "พ.ร.บ. การ digital government 2565 x"
    assert (squeezed(text), dropped_spaces(text)) == (
        "พ.ร.บ.การdigital government 2565 x", frozenset({6, 9}))


@given(st.text(alphabet="ab1 กข.,-_é\u0e31\u0e48\u00a0'\"()Ⅻ²", max_size=24))
def test_squeeze_is_its_definition(raw: str) -> None:
    """squeezed and dropped_spaces are regular-expression passes; this is what they must compute,
    one space at a time."""
    text = normalise_text(raw)
    out: list[str] = []
    gaps: set[int] = set()
    for i, ch in enumerate(text):
        if ch == " " and not (is_word_char(text[i - 1]) and is_word_char(text[i + 1])):
            gaps.add(len(out))
        else:
            out.append(ch)
    assert (squeezed(text), dropped_spaces(text)) == ("".join(out), frozenset(gaps))


# --- whole words --------------------------------------------------------------------

TRAPS = [
    # ทางรัฐ (the app) is not ทางรัฐบาล ("the government side") nor ทางรัฐสภา
    ("ทางรัฐ", "ดาวน์โหลดแอปทางรัฐ", True),
    ("ทางรัฐ", "ทางรัฐบาลยืนยันเดินหน้าโครงการ", False),
    ("ทางรัฐ", "ยื่นกระทู้ถามทางรัฐสภา", False),
    # ไทยดี (ThaID) is not in ไทยดีขึ้น ("Thailand gets better")
    ("ไทยดี", "สมัครแอป ไทยดี วันนี้", True),
    ("ไทยดี", "เศรษฐกิจไทยดีขึ้น", False),
    ("ไทยดี", "ไทยดีขึ้น", False),
    # ก.พ.ร. is not the date 1 ก.พ. followed by รับทราบ
    ("ก.พ.ร.", "ก.พ.ร. รับทราบผลการประเมิน", True),
    ("ก.พ.ร.", "ที่ประชุมเมื่อ 1 ก.พ. รับทราบ", False),
    ("ก.พ.ร.", "1 ก.พ. รับทราบ", False),
    ("ก.พ.ร", "ที่ประชุมเมื่อ 1 ก.พ. รับทราบ", False),     # the same without the final dot
    ("ก.พ.ร", "มติ ก.พ.ร มีผลทันที", True),
    # Latin keywords end at word boundaries
    ("DGA", "DGA เปิดตัวบริการใหม่", True),
    ("DGA", "(DGA) Thailand", True),
    ("DGA", "ความร่วมมือกับDGAล่าสุด", True),
    ("DGA", "DGAP forum", False),
    ("DGA", "the xDGA index", False),
    ("DGA", "DGA2 model", False),
    ("e-Service", "ระบบe-Serviceของกรมที่ดิน", True),
    ("e-Service", "e-Services", False),
    ("ThaID", "แอปThaIDใหม่", True),
]


@pytest.mark.parametrize(("keyword", "text", "expected"), TRAPS)
def test_whole_words(keyword: str, text: str, expected: bool) -> None:
    check(keyword, text, expected)


def test_a_space_the_writer_typed_is_a_word_boundary() -> None:
    """Unspaced, newmm reads ไทย|ดีขึ้น; the space says ไทยดี ends there."""
    assert not matches("ไทยดี", "แอปไทยดีขึ้นอันดับ 1")
    assert matches("ไทยดี", "แอป ไทยดี ขึ้นอันดับ 1")


def test_configured_keywords_join_the_segmenter_dictionary() -> None:
    """The default dictionary alone reads ...ดิจิทัล|ไอ|ดีแล้ว, hiding the keyword's end."""
    assert matches("ดิจิทัลไอดี", "ประชาชนใช้ดิจิทัลไอดีแล้ว 10 ล้านคน")
    assert matches("ทางรัฐ", "เปิดทางรัฐใหม่")         # default: เปิดทาง|รัฐ


def test_word_dictionary_segments_like_pythainlps_trie() -> None:
    """The word set, alone or layered with a keyword's spellings, must give newmm
    exactly what one PyThaiNLP Trie of the same words would."""
    from pythainlp.corpus import thai_words

    extra = ["ทางรัฐ", "ไทยดี", "ก.พ.ร.", "การปฏิบัติราชการทางอิเล็กทรอนิกส์", "  ก  ", "รัฐบาล"]
    merged = Trie([*thai_words(), *extra])
    layered = WordDictionary(extra, base=default_dictionary())
    texts = ["ทางรัฐบาลไทยดีขึ้น", "1ก.พ.รับทราบก.พ.ร.รับทราบ", "แอปทางรัฐไทยดี",
             "พระราชบัญญัติการปฏิบัติราชการทางอิเล็กทรอนิกส์พ.ศ.2565", "ก", "กข",
             "ประชาชนติดต่อราชการได้ทางออนไลน์ abc 123"]
    for text in texts:
        assert segment(text, custom_dict=layered) == segment(text, custom_dict=merged)
        assert segment(text, custom_dict=default_dictionary()) == segment(text)
        for start in range(len(text)):
            assert layered.prefixes(text, start) == merged.prefixes(text, start), (text, start)
    assert "ทางรัฐ" in layered and "รัฐบาล" in layered and "ทางรัฐบ" not in layered
    assert "ก" in layered and "  ก  " not in layered and "" not in layered
    assert len(layered) == len(merged) == len(set(layered))


def test_word_dictionary_segments_real_titles_like_the_trie() -> None:
    """Every real Royal Gazette title of a month, word for word: the lookups skip
    word lengths by the words' first letters, which only real text exercises."""
    import csv
    from pathlib import Path

    trie = _default_trie()
    path = Path(__file__).parent / "data" / "ratchakitcha_titles_2026-10.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        titles = [normalise_text(row["title"]) for row in csv.DictReader(handle, delimiter="\t")]
    assert len(titles) > 800
    for title in titles:
        assert segment(title, custom_dict=default_dictionary()) == \
            segment(title, custom_dict=trie), title


# Pieces of words and whole ones of one to many letters, so that texts end, and
# words start, at every length the lookups treat apart.
_PIECES = ["ก", "า", "ร", "การ", "ประ", "ชา", "ชน", "ทาง", "รัฐ", "บาล", "ราชการ", "ดิจิทัล",
           "อิเล็กทรอนิกส์", "ไอดี", "ก.พ.ร.", " ", ".", "1", "a"]


@given(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join))
def test_word_dictionary_answers_every_position_as_the_trie(text: str) -> None:
    trie = _default_trie()
    for start in range(len(text) + 1):
        assert default_dictionary().prefixes(text, start) == trie.prefixes(text, start)


@functools.cache
def _default_trie() -> Trie:
    from pythainlp.corpus import thai_words
    return Trie(thai_words())


def test_a_keyword_inside_another_topics_longer_keyword_still_matches() -> None:
    """Every keyword's ends are judged with only its own spellings in the dictionary.

    With one shared dictionary the act's whole name was one word, so no
    boundary fell before ทางอิเล็กทรอนิกส์ inside it and topic b never matched.
    """
    topics = [Topic("a", "a", any=("พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์",)),
              Topic("b", "b", any=("ราชการ",), all=("ทางอิเล็กทรอนิกส์",))]
    title = "ประกาศตามพ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565"
    assert [m.topic for m in Matcher(topics).match(title)] == ["a", "b"]
    # ... and the other order of topics gives the same answer.
    assert [m.topic for m in Matcher(topics[::-1]).match(title)] == ["b", "a"]


@pytest.mark.parametrize(("keyword", "text", "expected"), [
    # The keyword is the last part of a dictionary compound: found.
    ("ราชการ", "ประชาชนติดต่อราชการได้ทางออนไลน์", True),
    # The compound runs on past the keyword's end: not found (a civil servant,
    # ข้าราชการพลเรือน, is one dictionary word).
    ("ราชการ", "ข้าราชการพลเรือน", False),
    ("ทางรัฐ", "ฝ่ายทางรัฐบาลแถลง", False),
    ("ไทยดี", "เศรษฐกิจไทยดีขึ้น", False),
    ("ราชการ", "ราชการไทย", True),
    ("รัฐบาล", "ทางรัฐบาล", True),
])
def test_compound_rule(keyword: str, text: str, expected: bool) -> None:
    """A keyword at the end of a compound matches; one cut off inside a word does not."""
    check(keyword, text, expected)


@pytest.mark.parametrize(("keyword", "text"), [
    ("รัฐบาลดิจิทัล", "แผนพัฒนารัฐบาลดิจิตอล"),
    ("รัฐบาลดิจิตอล", "แผนพัฒนารัฐบาลดิจิทัล"),
    ("การปฏิบัติราชการทางอิเล็กทรอนิกส์", "พ.ร.บ.การปฏิบัติราชการทางอิเล็คทรอนิกส์"),
    ("การปฏิบัติราชการทางอิเล็กทรอนิกส์", "พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิคส์"),
    ("แอปทางรัฐ", "ดาวน์โหลดแอพทางรัฐ"),
    ("ระบบอินเทอร์เน็ต", "ระบบอินเตอร์เน็ตของรัฐ"),
])
def test_transliteration_variants_are_built_in(keyword: str, text: str) -> None:
    check(keyword, text, True)


def test_a_group_in_any_needs_all_its_keywords() -> None:
    thai = "/\\bthailand\\b|[ก-ฮ]/"
    matcher = Matcher([Topic("t", "t", any=(("Digital Government", thai), "ThaID"))])
    assert matcher.match("Singapore's digital government index") == []
    assert matcher.match("Digital government plan", "Thailand's cabinet approved it") == [
        TopicMatch("t", "Digital Government + " + thai)]
    assert matcher.match("แผนรัฐ Digital Government") == [
        TopicMatch("t", "Digital Government + " + thai)]
    assert matcher.match("ThaID app") == [TopicMatch("t", "ThaID")]


# --- abbreviations and synonyms -------------------------------------------------------

ABBREVIATIONS = [
    ("พ.ร.บ.", "พระราชบัญญัติ"),
    ("พ.ร.บ.", "พรบ."),
    ("พ.ร.ฎ.", "พระราชกฤษฎีกา"),
    ("พ.ร.ก.", "พระราชกำหนด"),
    ("ครม.", "คณะรัฐมนตรี"),
    ("ก.พ.ร.", "สำนักงานคณะกรรมการพัฒนาระบบราชการ"),
    ("ก.พ.ร.", "สำนักงาน ก.พ.ร."),
    ("สพธอ.", "สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์"),
    ("สพธอ.", "ETDA"),
    ("สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์", "ETDA"),
    ("DGA", "สำนักงานพัฒนารัฐบาลดิจิทัล"),
    ("พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์", "พระราชบัญญัติการปฏิบัติราชการทางอิเล็กทรอนิกส์"),
    ("พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์", "พรบ. การปฏิบัติราชการทางอิเล็กทรอนิกส์"),
    ("มติ ครม.", "มติคณะรัฐมนตรี"),
]


@pytest.mark.parametrize(("short", "long"), ABBREVIATIONS)
@pytest.mark.parametrize("direction", ["keyword-short", "keyword-long"])
def test_abbreviations_are_equivalent(short: str, long: str, direction: str) -> None:
    keyword, text = (short, long) if direction == "keyword-short" else (long, short)
    check(keyword, f"ข่าว {text} วันนี้", True)


@pytest.mark.parametrize(("keyword", "text"), [
    ("ก.พ.ร.", "กพร. เปิดรับสมัครฝึกอาชีพ"),      # กพร. is the Department of Skill Development
    ("สำนักงานพัฒนารัฐบาลดิจิทัล", "สพร.10 อุบลราชธานี"),  # bare สพร. is ambiguous
    ("พ.ร.บ.", "พ.ร.ฎ."),
])
def test_ambiguous_abbreviations_are_not_equivalent(keyword: str, text: str) -> None:
    check(keyword, text, False)


def test_synonym_groups_substitute_both_ways() -> None:
    group = (("ศูนย์ราชการสะดวก", "GECC"),)
    assert matches("GECC", "เปิดศูนย์ราชการสะดวกแห่งใหม่", group)
    assert matches("ศูนย์ราชการสะดวก", "new GECC opens", group)
    assert not matches("GECC", "เปิดศูนย์ราชการสะดวกแห่งใหม่")


def test_synonyms_substitute_inside_keywords() -> None:
    group = (("แอป", "แอปพลิเคชัน"),)
    assert matches("แอปทางรัฐ", "แอปพลิเคชัน ทางรัฐ", group)
    assert not matches("แอปทางรัฐ", "แอปพลิเคชัน ทางรัฐ")


def test_synonym_groups_merge_with_builtin_ones() -> None:
    group = (("ETDA", "เอ็ตด้า"),)
    assert matches("สพธอ.", "เอ็ตด้าเตือนภัยออนไลน์", group)


# --- regular expressions -------------------------------------------------------------

REGEXES = [
    ("/e-?service/", "ระบบ eService ใหม่", True),
    ("/e-?service/", "ระบบ E-Service ใหม่", True),
    ("/DGA\\d+/", "dga2026 conference", True),              # upper case in the pattern too
    ("/พ\\.ศ\\. 25\\d\\d/", "พ.ศ. ๒๕๖๕", True),            # runs on normalised text: Thai digits
    ("/น้ำ/", "น\u0e4d\u0e49\u0e32ท่วม", True),
    ("/^ทางรัฐ$/", "ทางรัฐบาล", False),
    ("/\\bact\\b/", "the Act takes effect", True),
    ("/\\bact\\b/", "transaction", False),
]


@pytest.mark.parametrize(("keyword", "text", "expected"), REGEXES)
def test_regex_keywords(keyword: str, text: str, expected: bool) -> None:
    check(keyword, text, expected)


@pytest.mark.parametrize(("keyword", "problem"), [
    ("/(/", "not a valid regular expression"),
    ("/a*/", "matches the empty text"),
    ("//", "empty"),
    ("/dga/i", "flags"),
    ("", "empty"),
    ("   ", "empty"),
    ("\u200b", "invisible"),
    ("/" + "(?:" * 400 + "dga" + ")" * 400 + "/", "nests groups more deeply"),   # regex's limit
    ("/" + "(?:" * 3000 + "dga" + ")" * 3000 + "/", "nests groups more deeply"),  # re's too
    ("/[[:digit:]]+ ราย/", "ambiguous"),   # a POSIX class: re and regex read it differently
])
def test_keyword_error_explains(keyword: str, problem: str) -> None:
    error = keyword_error(keyword)
    assert error is not None and problem in error


@pytest.mark.parametrize("keyword", ["DGA", "ทางรัฐ", "/e-?service/", "/", "a/b/", "/news/abc"])
def test_keyword_error_accepts_valid_keywords(keyword: str) -> None:
    assert keyword_error(keyword) is None


def test_matcher_refuses_invalid_keywords() -> None:
    with pytest.raises(ValueError, match=r"topic 'x'.*not a valid regular expression"):
        Matcher([Topic("x", "x", ("ok",), none=("/(/",))])


# --- any / all / none, several texts, only= -------------------------------------------

RULE = Topic("act", "act", any=("พ.ร.บ.", "Royal Decree"), all=("ราชการ",),
             none=("ทางปกครอง",))

RULES = [
    (("พระราชบัญญัติการปฏิบัติราชการทางอิเล็กทรอนิกส์",), "พ.ร.บ."),
    (("Royal Decree on ราชการ services",), "Royal Decree"),
    (("พ.ร.บ. ใหม่",), None),                                       # `all` missing
    (("ราชการ ไทย",), None),                                         # no `any`
    (("พ.ร.บ.วิธีปฏิบัติราชการทางปกครอง",), None),                  # `none` present
    (("พ.ร.บ. ใหม่", "สำหรับ ราชการ ไทย"), "พ.ร.บ."),                # title + summary
    (("พ.ร.บ. ใหม่", "", "ราชการ ไทย ... ทางปกครอง"), None),         # `none` in main text
    (("ฉบับใหม่ พ.ร.", "บ. ราชการ ไทย"), None),                      # no keyword across texts
    # The headline decides when it matches by itself and names no `none:` word.
    (("พ.ร.บ. ราชการ ใหม่", "เทียบกับ ทางปกครอง"), "พ.ร.บ."),
    (("พ.ร.บ. ราชการ ใหม่", "", "ทางปกครอง"), "พ.ร.บ."),
    (("พ.ร.บ. ราชการ ทางปกครอง", "ข่าว"), None),                     # `none` in the headline
    (("ข่าวใหม่", "พ.ร.บ. ราชการ ทางปกครอง"), None),                  # matched below the headline
]


@pytest.mark.parametrize(("texts", "keyword"), RULES)
def test_any_all_none(texts: tuple[str, ...], keyword: str | None) -> None:
    expected = [TopicMatch("act", keyword)] if keyword else []
    assert Matcher([RULE]).match(*texts) == expected


def test_reports_the_first_matching_any_keyword_as_written() -> None:
    topic = Topic("t", "t", any=("ETDA", "สพธอ.", "ดิจิทัล"))
    assert Matcher([topic]).match("สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์ ดิจิทัล") == [
        TopicMatch("t", "ETDA")]


def test_topic_of_all_keywords_only() -> None:
    matcher = Matcher([Topic("t", "t", any=(), all=("ทางรัฐ", "ThaID"))])
    assert matcher.match("แอปทางรัฐ รองรับ ThaID") == [TopicMatch("t", "ทางรัฐ")]
    assert matcher.match("แอปทางรัฐ") == []


TOPICS = [Topic("a", "a", ("DGA",)), Topic("b", "b", ("ทางรัฐ",)), Topic("c", "c", ("ETDA",))]


@pytest.mark.parametrize(("only", "expected"), [
    (None, ["a", "b", "c"]),
    (("c", "a"), ["a", "c"]),        # config order, not the order of `only`
    (["b"], ["b"]),
    ("b", ["b"]),                    # a lone id, not its letters
    ((), []),
    (("unknown",), []),
])
def test_only_restricts_topics_in_config_order(only: tuple[str, ...] | str | None,
                                               expected: list[str]) -> None:
    result = Matcher(TOPICS).match("ETDA และ DGA เปิดแอปทางรัฐ", only=only)
    assert [m.topic for m in result] == expected


def test_empty_texts_match_nothing() -> None:
    assert Matcher(TOPICS).match() == []
    assert Matcher(TOPICS).match("", "   ") == []


def test_deterministic() -> None:
    text = "สพธอ. DGA แอปทางรัฐ ไทยดีขึ้น 1 ก.พ. รับทราบ"
    first = Matcher(TOPICS).match(text)
    assert all(Matcher(TOPICS).match(text) == first for _ in range(3))
    matcher = Matcher(TOPICS)
    assert all(matcher.match(text) == first for _ in range(3))


def test_patterns_joined_in_one_prefilter_still_match_each_on_its_own() -> None:
    """The one-search prefilter over `any:` patterns must never hide a match.

    A back-reference (renumbered by joining) and a global flag stay out of the
    alternation and are searched alone; a broad second keyword of a group is
    asked only after the first one.
    """
    thai = "/\\bthailand\\b|[ก-ฮ]/"
    matcher = Matcher([
        Topic("a", "a", any=("/\\b(g)-cloud\\b/", ("/e-?visas?/", thai))),
        Topic("b", "b", any=("/(\\w)\\1x/", "/(?a)\\bdga\\d\\b/", "/(?:ไทยดี)/")),
        Topic("c", "c", any=("ทางรัฐ",), all=("/แอป/",)),
    ])
    assert matcher._prefilter is not None   # the prefilter is in use
    assert matcher.match("nothing here", "ข่าวทั่วไป") == []
    assert matcher.match("the G-Cloud move") == [TopicMatch("a", "/\\b(g)-cloud\\b/")]
    assert matcher.match("e-visa for Thailand") == [TopicMatch("a", "/e-?visas?/ + " + thai)]
    assert matcher.match("e-visa for Singapore") == []
    assert matcher.match("aax code") == [TopicMatch("b", "/(\\w)\\1x/")]
    assert matcher.match("dga1 report") == [TopicMatch("b", "/(?a)\\bdga\\d\\b/")]
    assert matcher.match("แอป ไทยดี") == [TopicMatch("b", "/(?:ไทยดี)/")]
    assert matcher.match("แอป ทางรัฐ") == [TopicMatch("c", "ทางรัฐ")]
    # the same text asked twice (the headline veto asks again) gives the same answer
    assert matcher.match("G-Cloud", "G-Cloud") == [TopicMatch("a", "/\\b(g)-cloud\\b/")]


@given(st.text(alphabet="กขาำ\u0e4d\u0e32\u0e48\u0e49\u200b\u00ad\ufeff๑๒3aAe\u0301é \n",
               max_size=16))
def test_normalise_script_skips_only_steps_with_nothing_to_do(text: str) -> None:
    """Each step runs only when its characters occur; the result is that of all steps."""
    import unicodedata

    from monitor.text import textnorm

    everything = unicodedata.normalize("NFC", text.translate(textnorm._INVISIBLE))
    everything = textnorm._SPLIT_SARA_AM.sub("\\1\u0e33", everything)
    assert normalise_script(text) == everything.translate(textnorm._THAI_DIGITS)


def _cuts_agree(text: str, dictionary: WordDictionary) -> None:
    """Around every position, the words newmm cuts in the window are the whole text's
    words there: the same spans, from the window's start to its stop."""
    tokens = segment(text, custom_dict=dictionary)
    whole = _word_spans(tokens)
    found = stops(text, dictionary.letters)
    windows = {window(found, len(text), start, start + 1) for start in range(len(text))}
    for begin, stop in windows:
        last = stop - 1 if stop < len(text) else len(text)   # the kept character is not cut
        part = [(s + begin, e + begin) for s, e in
                _word_spans(segment(text[begin:stop], custom_dict=dictionary)) if e + begin <= last]
        assert part == [(s, e) for s, e in whole if begin <= s and e <= last], \
            (text, begin, stop)
        assert begin == 0 or any(e == begin for _, e in whole)


def _word_spans(tokens: list[str]) -> list[tuple[int, int]]:
    ends = list(itertools.accumulate(len(t) for t in tokens))
    return list(zip([0, *ends], ends, strict=False))


def test_windows_cut_real_titles_and_ledes_as_the_whole_text() -> None:
    """Every Royal Gazette title of a month and every labelled real lede, with the
    default dictionary and with a keyword's: the window rests on how newmm commits
    to its cuts (monitor.text.newmm_window), so a PyThaiNLP that cuts otherwise
    fails here."""
    import csv
    from pathlib import Path

    data = Path(__file__).parent / "data"
    with (data / "ratchakitcha_titles_2026-10.tsv").open(encoding="utf-8", newline="") as f:
        texts = [squeezed(normalise_text(r["title"])) for r in csv.DictReader(f, delimiter="\t")]
    lines = [line for line in (data / "stories_real.tsv").read_text("utf-8").splitlines()
             if not line.startswith("#")]
    texts += [squeezed(normalise_text(r["lede"] or r["title"]))
              for r in csv.DictReader(lines, delimiter="\t")]
    stopped = sum(bool(stops(t, default_dictionary().letters)) for t in texts)
    assert len(texts) > 1000 and stopped > 300, (len(texts), stopped)   # windows do occur
    keyword = WordDictionary(["ทางอิเล็กทรอนิกส์", "ก.พ.ร.(สำนักงาน)"], base=default_dictionary())
    for text in texts:
        _cuts_agree(text, default_dictionary())
        _cuts_agree(text, keyword)


def test_a_window_keeps_the_character_it_stops_at() -> None:
    """Thai clusters such as เ-ี-ย are one cluster only before a consonant or at the
    end of the text: cut just before the "(", "เปลี่ย" would be one word, while in
    the whole text newmm reads เป|ลี่|ย."""
    text = "ล้อเลื่อนเปลี่ย(ทดสอบ"
    assert segment(text[:text.index("(")], custom_dict=default_dictionary())[-1] == "เปลี่ย"
    _cuts_agree(text, default_dictionary())


_WINDOW_PIECES = [*_PIECES, "(", ")", "“", "”", ",", ":", "3", "7", "x", "Z", "เค", "ย์", "ีย",
                  "เรีย", "\u0e47"]


@given(st.lists(st.sampled_from(_WINDOW_PIECES), max_size=14).map("".join))
def test_windows_cut_generated_texts_as_the_whole_text(text: str) -> None:
    _cuts_agree(text, default_dictionary())
