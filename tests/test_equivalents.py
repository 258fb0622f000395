"""The shared equivalence groups: folding for dedupe agrees with expansion for matching."""

from __future__ import annotations

import pytest

from monitor.equivalents import BUILTIN_SYNONYMS, Equivalences
from monitor.text.textnorm import normalise_text, squeezed

EQ = Equivalences(BUILTIN_SYNONYMS)


def fold(text: str) -> str:
    # Spaces between a Latin and a Thai word are the writer's choice; dedupe drops them.
    return EQ.fold(normalise_text(text)).replace(" ", "")


@pytest.mark.parametrize(("a", "b"), [
    ("ครม.เห็นชอบ พ.ร.ฎ.", "คณะรัฐมนตรีเห็นชอบพระราชกฤษฎีกา"),
    ("สำนักงาน ก.พ.ร. จัดงาน", "สำนักงานคณะกรรมการพัฒนาระบบราชการจัดงาน"),
    ("OPDC awards", "ก.พ.ร. awards"),
    ("DGA launches app", "Digital Government Development Agency launches app"),
    ("ค.ร.ม. อนุมัติ", "ครม.อนุมัติ"),
    ("มีผล 26 มี.ค.นี้", "มีผล 26 มีนาคมนี้"),
    ("29 ธ.ค.66 - 1 ม.ค.2567", "29 ธันวาคม 66 - 1 มกราคม 2567"),
])
def test_spellings_of_one_group_fold_alike(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(("a", "b"), [
    ("DGAX launches app", "DGA launches app"),       # a Latin member inside a longer word
    ("ครม.เห็นชอบ", "กปส.เห็นชอบ"),                 # different groups stay different
    ("ก.พ. ออกประกาศ", "กุมภาพันธ์ ออกประกาศ"),       # also the Civil Service Commission
])
def test_different_things_do_not_fold_alike(a: str, b: str) -> None:
    assert fold(a) != fold(b)


def test_config_groups_join_the_builtin_ones() -> None:
    eq = Equivalences([*BUILTIN_SYNONYMS, ("ทางรัฐ", "Tang Rat app")])
    assert eq.fold(normalise_text("Tang Rat app เปิดตัว")) == eq.fold(normalise_text("ทางรัฐ เปิดตัว"))


def test_every_variant_of_a_keyword_folds_to_the_same_text() -> None:
    form = squeezed(normalise_text("มติ ครม. เรื่อง พ.ร.บ. ของ สำนักงาน ก.พ.ร."))
    folded = {EQ.fold(v) for v in EQ.variants(form)}
    assert len(EQ.variants(form)) > 10
    assert folded == {EQ.fold(form)}
