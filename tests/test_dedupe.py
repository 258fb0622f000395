"""One story, one entry: what outlets change when they republish must not split a story.

Each row is two (title, lede) reports; the real-coverage figures are in
tests/test_stories.py, these are the single rules one at a time.
"""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest

from monitor.dedupe import (
    CLOSE,
    SLOT_CHARS,
    StoryKey,
    StorySignature,
    band_keys,
    clean_lede,
    clean_title,
    matching_stories,
    numbers_changed,
    numbers_differ,
    same_story,
    similarity,
    slot_filled_differently,
    story_keyer,
    word_containment,
)

LEDE = ("คณะรัฐมนตรีมีมติอนุมัติร่างพระราชกฤษฎีกากำหนดหลักเกณฑ์และวิธีการทางอิเล็กทรอนิกส์ "
        "ตามที่สำนักงานคณะกรรมการพัฒนาระบบราชการเสนอ เพื่อให้หน่วยงานของรัฐให้บริการประชาชน"
        "ผ่านระบบดิจิทัลภายใน 180 วัน")


DAY = datetime(2025, 3, 28, 9, 0, tzinfo=UTC)


def sig(title: str, lede: str = "", synonyms: tuple[tuple[str, ...], ...] = ()) -> StorySignature:
    return StorySignature.of(story_keyer(synonyms)(title, lede))


SAME = [
    pytest.param("ครม.อนุมัติร่าง พ.ร.ฎ. วิธีการทางอิเล็กทรอนิกส์ เสนอโดย สำนักงาน ก.พ.ร.", "",
                 "คณะรัฐมนตรีอนุมัติร่างพระราชกฤษฎีกาวิธีการทางอิเล็กทรอนิกส์ "
                 "เสนอโดยสำนักงานคณะกรรมการพัฒนาระบบราชการ", "", id="abbreviations"),
    pytest.param("ครม. อนุมัติ ร่างพระราชกฤษฎีกา วิธีการ ทางอิเล็กทรอนิกส์", "",
                 "ครม.อนุมัติร่างพระราชกฤษฎีกาวิธีการทางอิเล็กทรอนิกส์", "", id="spaces-moved"),
    pytest.param("ด่วน! ครม.อนุมัติร่างพระราชกฤษฎีกาวิธีการทางอิเล็กทรอนิกส์", "",
                 "ครม.อนุมัติร่างพระราชกฤษฎีกาวิธีการทางอิเล็กทรอนิกส์ - Thai PBS", "",
                 id="outlet-prefix-and-suffix"),
    pytest.param("[คลิป] ครม.อนุมัติร่างพระราชกฤษฎีกาวิธีการทางอิเล็กทรอนิกส์", "",
                 "ครม.อนุมัติร่างพระราชกฤษฎีกาวิธีการทางอิเล็กทรอนิกส์ | มติชนออนไลน์", "",
                 id="bracketed-tag-and-bar-suffix"),
    pytest.param("ครม.อนุมัติงบประมาณ ๒๕๖๙ ให้ ๑๒ กระทรวงทำระบบดิจิทัล", "",
                 "ครม.อนุมัติงบประมาณ 2569 ให้ 12 กระทรวงทำระบบดิจิทัล", "", id="thai-digits"),
    pytest.param("Cabinet backs e-government decree", "BANGKOK (AP) — " + LEDE,
                 "Cabinet approves decree on electronic methods", LEDE,
                 id="different-verb-same-lede"),
]

DIFFERENT = [
    # Two events sharing the act's long name: the name is not the news.
    pytest.param("ครม.อนุมัติแนวทางวิธีการทางอิเล็กทรอนิกส์ตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์",
                 "ก.พ.ร. รายงานผลการดำเนินการของหน่วยงานของรัฐตาม "
                 "พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์", id="same-act-other-news"),
    pytest.param("สพร. เปิดตัวแอปทางรัฐเวอร์ชันใหม่", "ก.พ.ร. ประชุมคณะอนุกรรมการพัฒนาระบบราชการ",
                 id="unrelated"),
    pytest.param("Cabinet approves e-government decree",
                 "Cabinet approves rice subsidy scheme for farmers", id="same-verb-other-news"),
]


@pytest.mark.parametrize(("title_a", "lede_a", "title_b", "lede_b"), SAME)
def test_republished_reports_are_one_story(title_a: str, lede_a: str, title_b: str,
                                           lede_b: str) -> None:
    assert same_story(sig(title_a, lede_a), sig(title_b, lede_b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_news_is_different_stories(a: str, b: str) -> None:
    assert not same_story(sig(a), sig(b))


def test_config_synonyms_fold_too() -> None:
    synonyms = (("ทางรัฐ", "Tang Rat"),)
    a, b = "สพร. เปิดตัวแอปทางรัฐเวอร์ชันใหม่ 2569", "สพร. เปิดตัวแอป Tang Rat เวอร์ชันใหม่ 2569"
    assert story_keyer(synonyms)(a) == story_keyer(synonyms)(b)
    assert story_keyer()(a) != story_keyer()(b)


@pytest.mark.parametrize(("raw", "clean"), [
    ("ด่วน!! ศาลสั่งยุบพรรค", "ศาลสั่งยุบพรรค"),
    ("ศาลสั่งยุบพรรค - Thai PBS", "ศาลสั่งยุบพรรค"),
    ("ศาลสั่งยุบพรรค | มติชนออนไลน์", "ศาลสั่งยุบพรรค"),
    ("Thailand: Court removes PM DW 08/29/2025", "Court removes PM DW"),
    # A separator inside the headline with a long tail is the headline's own.
    ("นายกฯยันไม่ได้รับสัญญาณ – มติ ครม.สั่งหน่วยงานรัฐให้บริการประชาชนผ่านแพลตฟอร์มดิจิทัล",
     "นายกฯยันไม่ได้รับสัญญาณ – มติ ครม.สั่งหน่วยงานรัฐให้บริการประชาชนผ่านแพลตฟอร์มดิจิทัล"),
    ("ด่วน!", "ด่วน!"),     # a "prefix" that is the whole headline stays
    # A tail without a letter is no outlet's name: the headline's own years.
    ("แผนพัฒนารัฐบาลดิจิทัลของประเทศไทย พ.ศ. 2566 - 2570",
     "แผนพัฒนารัฐบาลดิจิทัลของประเทศไทย พ.ศ. 2566 - 2570"),
])
def test_outlet_noise_leaves_the_headline(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean


def test_plans_of_different_years_from_one_start_are_two_stories() -> None:
    # The end year after " - " was cut as if it were an outlet's name, and two plans
    # from 2566 became one headline.
    assert not same_story(sig("ประกาศ เรื่อง แผนปฏิบัติการด้านดิจิทัล พ.ศ. 2566 - 2570"),
                          sig("ประกาศ เรื่อง แผนปฏิบัติการด้านดิจิทัล พ.ศ. 2566 - 2567"))


def test_a_dateline_leaves_the_lede() -> None:
    assert clean_lede("BANGKOK (AP) — " + LEDE) == LEDE
    assert clean_lede("July 1 (UPI) -- " + LEDE) == LEDE


def test_an_aggregator_summary_repeating_the_title_is_no_lede() -> None:
    key = story_keyer()("ครม.อนุมัติร่างพระราชกฤษฎีกา", "ครม.อนุมัติร่างพระราชกฤษฎีกา  มติชน")
    assert key.lede == ""


def test_a_key_survives_the_database_round_trip() -> None:
    key = story_keyer()("ครม.อนุมัติ", LEDE)
    assert StoryKey.loads(key.dumps()) == key
    assert StoryKey.loads(key.dumps()).spaced == key.spaced != ""


def test_a_key_stored_before_its_spaced_part_still_loads_without_word_bars() -> None:
    key = story_keyer()("Cabinet backs e-government decree", LEDE)
    old = StoryKey.loads(f"{key.title}\x1f{key.lede}")
    assert old == key and old.spaced == ""
    assert word_containment(StorySignature.of(old), StorySignature.of(key)) == 0.0
    assert word_containment(StorySignature.of(key), StorySignature.of(key)) == 1.0


def test_near_copies_share_index_bands_and_unrelated_news_does_not() -> None:
    a = sig("ครม.อนุมัติร่างพระราชกฤษฎีกาวิธีการทางอิเล็กทรอนิกส์", LEDE)
    b = sig("ด่วน! ครม. อนุมัติร่าง พ.ร.ฎ. วิธีการทางอิเล็กทรอนิกส์", LEDE + " ข่าวเพิ่มเติม")
    c = sig("Cabinet approves rice subsidy scheme for farmers",
            "The cabinet on Tuesday approved a subsidy for rice farmers in the north.")
    assert set(band_keys(a)) & set(band_keys(b))
    assert not set(band_keys(a)) & set(band_keys(c))


def test_a_kept_signature_is_small_and_compares_as_the_full_one() -> None:
    """The store keeps thousands of stored stories' signatures in memory: kept, one
    of a real headline and a full 200-character lede takes under 4 KB (as sets of
    the substrings, 31 KB), and measures exactly as the full one does."""
    title = "ครม.อนุมัติหลักการร่างพระราชกฤษฎีกาว่าด้วยวิธีการทางอิเล็กทรอนิกส์ของหน่วยงานของรัฐ"
    lede = ("กรุงเทพฯ คณะรัฐมนตรีมีมติอนุมัติหลักการร่างพระราชกฤษฎีกาตามที่สำนักงาน"
            "คณะกรรมการพัฒนาระบบราชการเสนอ กำหนดให้หน่วยงานของรัฐต้องจัดให้มีช่องทาง"
            "อิเล็กทรอนิกส์สำหรับประชาชนในการยื่นคำขอ การชำระค่าธรรมเนียม และการรับเอกสาร"
            "โดยไม่ต้องเดินทางมาติดต่อด้วยตนเอง ทั้งนี้ให้มีผลบังคับใช้ภายในหนึ่งปี")
    key = story_keyer(())(title, lede)
    assert len(key.lede) == 200
    full = StorySignature.of(key)
    tracemalloc.start()
    try:
        kept = StorySignature.of(key).compact()
        size = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(kept.title) + len(kept.lede) > 250
    assert size < 4 * 1024, size
    for other_title, other_lede in [(title, lede), ("ด่วน! " + title, lede[:120]),
                                    ("ครม.อนุมัติร่างพระราชกฤษฎีกาวิธีการทางอิเล็กทรอนิกส์", lede[40:]),
                                    ("กรมการปกครองเปิดให้ทำบัตรประชาชนนอกเวลาราชการ", "")]:
        other = sig(other_title, other_lede)
        assert similarity(other, kept) == similarity(other, full) == similarity(kept, other)
        assert similarity(kept, kept) == similarity(full, full)
        assert same_story(other, kept, timedelta(hours=3)) == \
            same_story(other, full, timedelta(hours=3))


def test_a_source_repeating_itself_is_not_another_outlet() -> None:
    a = sig("ครม.อนุมัติร่างพระราชกฤษฎีกาวิธีการทางอิเล็กทรอนิกส์", LEDE)
    assert matching_stories(a, "matichon", DAY, [(7, a, "matichon", DAY)]) == []
    assert matching_stories(a, "khaosod", DAY, [(9, a, "matichon", DAY), (7, a, "thairath", DAY),
                                                (9, a, "thairath", DAY)]) == [7, 9]


# Two outlets' real reports of one event (tests/data/stories_real.tsv, group
# paetongtarn-removed-2025-08-29): alike enough for one day, not for days apart.
REWRITE_A = ("Thai PM Paetongtarn Shinawatra dismissed from office",
             "Thailand's Constitutional Court dismissed Prime Minister Paetongtarn Shinawatra "
             "from office on Friday for an ethics violation after only a year in power.")
REWRITE_B = ("Thailand: Court removes PM Paetongtarn Shinawatra DW 08/29/2025",
             "\"Thailand's Constitutional Court said Friday that suspended Prime Minister "
             "Paetongtarn Shinawatra should be removed from office.")


def test_items_of_one_day_need_less_likeness_than_items_days_apart() -> None:
    a, b = sig(*REWRITE_A), sig(*REWRITE_B)
    assert same_story(a, b, timedelta(hours=5))
    assert same_story(a, b, -CLOSE)
    assert not same_story(a, b, CLOSE + timedelta(hours=1))
    assert not same_story(a, b), "an unknown distance counts as far"


def test_headlines_with_other_numbers_are_other_events() -> None:
    # After the real pair neg001 (the UN ranking of 2018, 73rd, and of 2020, 57th).
    lede_a = "ผลการจัดอันดับดัชนีรัฐบาลอิเล็กทรอนิกส์ขององค์การสหประชาชาติ ไทยขยับขึ้นจากครั้งก่อน"
    lede_b = "นายกรัฐมนตรียินดีที่ไทยได้รับการจัดอันดับดัชนีรัฐบาลอิเล็กทรอนิกส์ดีขึ้นจากครั้งก่อน"
    a = sig("ไทยได้อันดับ 73 ของโลก ดัชนีรัฐบาลอิเล็กทรอนิกส์ยูเอ็น", lede_a)
    b = sig("บิ๊กตู่ปลื้ม ไทยรั้งอันดับ 57 ของโลก ดัชนีรัฐบาลอิเล็กทรอนิกส์", lede_b)
    assert numbers_differ(a, b) and not same_story(a, b, timedelta(0))
    same_rank = sig("บิ๊กตู่ปลื้ม ไทยรั้งอันดับ 73 ของโลก ดัชนีรัฐบาลอิเล็กทรอนิกส์", lede_b)
    assert same_story(a, same_rank, timedelta(0))
    # Thai digits are the same numbers; one side without numbers is no conflict.
    assert not numbers_differ(a, sig("ไทยได้อันดับ ๗๓ ของโลก", lede_a))
    assert not numbers_differ(a, sig("ไทยได้อันดับดีขึ้นในการจัดอันดับดัชนีรัฐบาลอิเล็กทรอนิกส์"))


def test_within_a_day_a_lede_must_come_with_a_title_that_shares_something() -> None:
    # Real rewrites one day apart (REWRITE_A/B) join on their ledes; the same ledes
    # under unrelated headlines do not.
    lede_a, lede_b = REWRITE_A[1], REWRITE_B[1]
    assert same_story(sig(*REWRITE_A), sig(*REWRITE_B), timedelta(hours=20))
    assert not same_story(sig("Cabinet approves rice subsidy scheme for farmers", lede_a),
                          sig("Bangkok opens new flood tunnel", lede_b), timedelta(hours=20))


def test_within_a_day_a_title_alone_still_needs_the_strict_bar() -> None:
    # Headlines that share only the act's long name, with no lede to tell them apart.
    a = sig("ประกาศแนวทาง การปฏิบัติราชการทางอิเล็กทรอนิกส์")
    b = sig("รายงานผล การปฏิบัติราชการทางอิเล็กทรอนิกส์")
    assert not same_story(a, b, timedelta(0))


def test_within_a_day_a_stock_phrase_is_no_lede() -> None:
    # One site template's excerpt under two headlines that share the act's name.
    stock = "หน่วยงานของรัฐต้องจัดให้มีช่องทางอิเล็กทรอนิกส์"
    a = sig("กรมการขนส่งทางบกรับฟังความเห็นร่างประกาศตาม พ.ร.บ. การปฏิบัติราชการทางอิเล็กทรอนิกส์",
            stock)
    b = sig("กรมการปกครองออกแนวทางการให้บริการตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์", stock)
    assert not same_story(a, b, timedelta(0))


@pytest.mark.parametrize(("title_a", "title_b"), [
    # Real Royal Gazette titles of 1-8 October 2026, distinct documents each.
    ("ข้อบัญญัติองค์การบริหารส่วนตำบลฆะมัง เรื่อง อัตราค่าธรรมเนียมและยกเว้นค่าธรรมเนียม"
     "เกี่ยวกับการจัดการสิ่งปฏิกูล", "ข้อบัญญัติองค์การบริหารส่วนตำบลวังน้ำขาว เรื่อง "
     "อัตราค่าธรรมเนียมและยกเว้นค่าธรรมเนียมเกี่ยวกับการจัดการสิ่งปฏิกูล"),
    ("ประกาศกระทรวงการคลัง เรื่อง ผลการกู้เงินเพื่อให้กู้ต่อแก่การรถไฟแห่งประเทศไทย "
     "ในปีงบประมาณ พ.ศ. 2569 ครั้งที่ 13", "ประกาศกระทรวงการคลัง เรื่อง ผลการกู้เงินเพื่อให้"
     "กู้ต่อแก่การรถไฟแห่งประเทศไทย ในปีงบประมาณ พ.ศ. 2569 ครั้งที่ 14"),
    ("ประกาศกรมศิลปากร เรื่อง ขึ้นทะเบียนและกำหนดเขตที่ดินโบราณสถาน [โบราณสถานวัดสุคนธราราม]",
     "ประกาศกรมศิลปากร เรื่อง ขึ้นทะเบียนและกำหนดเขตที่ดินโบราณสถาน [โบราณสถานวัดศิริพุทธาราม]"),
])
def test_one_template_filled_in_twice_is_two_events(title_a: str, title_b: str) -> None:
    a, b = sig(title_a), sig(title_b)
    assert slot_filled_differently(a, b)
    assert not same_story(a, b, timedelta(0))


@pytest.mark.parametrize(("title_a", "title_b"), [
    # One outlet adds a word or a number, or spells a letter differently: still one story.
    ("ศาลรัฐธรรมนูญรับคำร้อง พิธา ถือหุ้นสื่อ พร้อมสั่งหยุดปฏิบัติหน้าที่ ส.ส.",
     "ด่วน! ศาลรัฐธรรมนูญรับคำร้อง พิธา ถือหุ้นสื่อ พร้อมสั่งหยุดปฎิบัติหน้าที่ ส.ส."),
    ("โปรดเกล้าฯ พระราชบัญญัติการปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565",
     "พระราชบัญญัติการปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565"),
    ("Thailand elects Paetongtarn Shinawatra as prime minister",
     "Thailand elects Paetongtarn Shinawatra as its 31st prime minister"),
])
def test_words_added_on_one_side_are_no_template(title_a: str, title_b: str) -> None:
    a, b = sig(title_a), sig(title_b)
    assert not slot_filled_differently(a, b)
    assert same_story(a, b, timedelta(0))


def test_numbers_changed_needs_a_new_number_on_both_sides() -> None:
    assert numbers_changed(sig("ครั้งที่ 13 พ.ศ. 2569"), sig("ครั้งที่ 14 พ.ศ. 2569"))
    assert not numbers_changed(sig("Anutin elected prime minister"),
                               sig("Anutin elected 32nd prime minister"))


def test_a_short_bracket_is_a_tag_a_long_one_is_the_subject() -> None:
    assert clean_title("[คลิป] ครม.อนุมัติร่าง") == "ครม.อนุมัติร่าง"
    subject = "ขึ้นทะเบียนโบราณสถาน [โบราณสถานวัดสุคนธราราม]"
    assert clean_title(subject) == subject


def test_the_template_check_reads_a_bounded_part_of_the_titles() -> None:
    # Its alignment costs the product of the lengths on repetitive text, so a
    # hostile title is compared up to SLOT_CHARS: past them, a slot goes unseen.
    stem = "ก" * SLOT_CHARS
    assert slot_filled_differently(sig(f"ข{stem} จังหวัดแพร่"), sig(f"ค{stem} จังหวัดน่าน")) is False
    assert slot_filled_differently(sig(f"จังหวัดแพร่ {stem}"), sig(f"จังหวัดน่าน {stem}"))


def test_word_rarity_comes_from_the_bundled_thai_corpus() -> None:
    """Stock words weigh little, names much, unseen words fully; only the corpus's
    words seen TNC_KEPT times or more are kept in memory, the total counts all."""
    from monitor.dedupe import TNC_KEPT, _rarity, _thai_frequencies

    counts, total = _thai_frequencies()
    assert total > 30_000_000 and 20_000 < len(counts) < 40_000
    assert min(counts.values()) >= TNC_KEPT
    assert _rarity("การ") < 0.4 < 0.6 < _rarity("ทักษิณ") < _rarity("คำที่ไม่มีในคลัง") == 1.0
    assert _rarity("the") == _rarity("12") == _rarity("pm") == 0.0 < _rarity("thaksin") == 1.0
