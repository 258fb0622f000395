"""Abbreviations and synonyms that name the same thing, for matching and dedupe.

Thai official and news writing names one office, act or body several ways:
`ครม.` and `คณะรัฐมนตรี`, `สำนักงาน ก.พ.ร.` and its full name. Matching
expands a keyword into every spelling (`Equivalences.variants`); story dedupe
folds a text so that every spelling becomes one (`Equivalences.fold`). Both
use the one `Equivalences` built from the same groups, so a group added to
`BUILTIN_SYNONYMS` or to the config's `synonyms:` helps both at once.

A member is recognised at a position only when its Latin/digit ends do not
run on into more letters or digits (`DGA` is not inside `DGAX`); Thai ends
need no such check because the squeezed forms have no word breaks to test.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from monitor.text.textnorm import is_word_char, normalise_text, squeezed
from monitor.text.trie import trie_pattern

__all__ = ["BUILTIN_SYNONYMS", "Equivalences"]

# Standard abbreviations and names that mean the same thing in Thai official
# and news writing. Only unambiguous ones: `กพร.` is left out of the OPDC group
# because it is also the Department of Skill Development, and the bare `สพร.`
# out of the DGA group because it is also the Skill Development Institutes.
BUILTIN_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("พ.ร.บ.", "พระราชบัญญัติ", "พรบ.", "พ.ร.บ"),
    ("พ.ร.ฎ.", "พระราชกฤษฎีกา", "พรฎ.", "พ.ร.ฎ"),
    ("พ.ร.ก.", "พระราชกำหนด", "พรก.", "พ.ร.ก"),
    ("ครม.", "คณะรัฐมนตรี", "ค.ร.ม."),
    ("รมว.", "รัฐมนตรีว่าการ"),
    ("สนง.", "สำนักงาน"),
    ("ก.พ.ร.", "ก.พ.ร", "คณะกรรมการพัฒนาระบบราชการ", "สำนักงานคณะกรรมการพัฒนาระบบราชการ",
     "สำนักงาน ก.พ.ร.", "OPDC"),
    ("สพธอ.", "สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์", "ETDA",
     "Electronic Transactions Development Agency"),
    ("สำนักงานพัฒนารัฐบาลดิจิทัล", "DGA", "Digital Government Development Agency"),
    ("สคก.", "สำนักงานคณะกรรมการกฤษฎีกา", "Office of the Council of State"),
    ("กปส.", "กรมประชาสัมพันธ์"),
    ("ดศ.", "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", "กระทรวงดีอี", "MDES"),
    ("ปค.", "กรมการปกครอง", "DOPA"),
    ("ป.ป.ช.", "คณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ"),
    ("สคส.", "สำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล", "PDPC"),
    ("PDPA", "พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล"),
    ("สกมช.", "สำนักงานคณะกรรมการการรักษาความมั่นคงปลอดภัยไซเบอร์แห่งชาติ", "NCSA"),
    ("ราชกิจจานุเบกษา", "ราชกิจจาฯ"),
    # Transliterations that Thai writers spell several ways: one word each, so a
    # keyword written one way finds the others (inside longer keywords too).
    # Not synonyms a user should have to list.
    ("ดิจิทัล", "ดิจิตอล", "ดิจิตัล", "ดิจิทอล"),
    ("อิเล็กทรอนิกส์", "อิเล็คทรอนิกส์", "อิเล็กทรอนิคส์", "อิเล็คทรอนิคส์", "อิเลคทรอนิกส์",
     "อิเลคทรอนิคส์", "อิเลกทรอนิกส์", "อีเล็กทรอนิกส์"),
    ("แอป", "แอพ", "แอปฯ", "แอพฯ"),
    ("อินเทอร์เน็ต", "อินเตอร์เน็ต", "อินเตอร์เนต", "อินเทอร์เนต"),
    ("เว็บไซต์", "เว็บไซท์", "เว็ปไซต์", "เวบไซต์"),
    ("ออนไลน์", "ออนไลท์"),
    # Months and their standard abbreviations, as news dates write them ("26 มี.ค.",
    # "26 มีนาคม"). Not ก.พ.: it is also the Civil Service Commission.
    ("ม.ค.", "มกราคม"), ("มี.ค.", "มีนาคม"), ("เม.ย.", "เมษายน"), ("พ.ค.", "พฤษภาคม"),
    ("มิ.ย.", "มิถุนายน"), ("ก.ค.", "กรกฎาคม"), ("ส.ค.", "สิงหาคม"), ("ก.ย.", "กันยายน"),
    ("ต.ค.", "ตุลาคม"), ("พ.ย.", "พฤศจิกายน"), ("ธ.ค.", "ธันวาคม"),
)

# A keyword with several abbreviations multiplies out; beyond this many
# spellings the extra ones are improbable and only cost time.
MAX_VARIANTS = 256

# A letter or digit of a spaced script (is_word_char): alphanumeric, not Thai.
# `[^\W_]` is exactly str.isalnum() in Python's Unicode regular expressions.
_WORD_CHAR = r"[^\W_\u0e00-\u0e7f]"


class Equivalences:
    """Groups of interchangeable terms, merged where they share a member."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        for group in groups:
            forms = [squeezed(normalise_text(t)) for t in group]
            forms = [f for f in forms if f]
            for other in forms[1:]:
                a, b = find(forms[0]), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        classes: dict[str, set[str]] = {}
        for form in parent:
            classes.setdefault(find(form), set()).add(form)
        self._class_of = {f: tuple(sorted(c)) for c in classes.values() for f in c}
        # Longest first, so `สำนักงานคณะกรรมการพัฒนาระบบราชการ` wins over the
        # shorter member inside it and `พ.ร.บ.` over `พ.ร.บ`.
        self._forms = sorted(self._class_of, key=lambda f: (-len(f), f))
        # The shortest member stands for its group when folding: it adds the
        # fewest characters, so a shared act or office name weighs as little
        # as possible in a similarity of whole texts.
        self._canonical = {f: min(c, key=lambda m: (len(m), m))
                           for f, c in self._class_of.items()}
        # The lookahead on the members' first characters lets the engine skip most
        # positions without trying every alternative there (3x faster on news text).
        # The members as a trie, so that at each position only those that go on
        # with the text's next characters are tried, not all of them in turn (a
        # third of story dedupe's keying on news text). A trie tries longer
        # continuations before a member ends, so the longest member still wins.
        firsts = "".join(sorted({re.escape(f[0]) for f in self._forms}))
        self._members = re.compile(
            f"(?=[{firsts}]){_member_pattern(self._forms)}") if self._forms else None

    def variants(self, form: str) -> tuple[str, ...]:
        """Every spelling of a squeezed keyword, members substituted for each other."""
        pieces: list[tuple[str, ...]] = []
        i = 0
        while i < len(form):
            member = next((m for m in self._forms if form.startswith(m, i)
                           and ends_ok(form, i, i + len(m), m)), None)
            if member is None:
                pieces.append((form[i],))
                i += 1
            else:
                pieces.append(self._class_of[member])
                i += len(member)
        spellings = {form}
        for combo in itertools.islice(itertools.product(*pieces), MAX_VARIANTS):
            spellings.add("".join(combo))
        return tuple(sorted(spellings, key=lambda s: (s != form, s)))

    def fold(self, normalised: str) -> str:
        """The squeezed text with every member replaced by its group's canonical member.

        Scans left to right taking the longest member whose ends are valid at
        each position, exactly as `variants` splits a keyword, so two texts that
        differ only in which spelling they use fold to the same string.
        """
        text = squeezed(normalised)
        if self._members is None:
            return text
        return self._members.sub(lambda m: self._canonical[m.group()], text)

    def canonical(self, form: str) -> str:
        """The canonical member for a squeezed member (itself when in no group)."""
        return self._canonical.get(form, form)


def _member_pattern(forms: Iterable[str]) -> str:
    """The members as one trie-shaped pattern that enforces `ends_ok` by look-around."""
    return trie_pattern(
        forms,
        before=lambda first: f"(?<!{_WORD_CHAR})" if is_word_char(first) else "",
        after=lambda last: f"(?!{_WORD_CHAR})" if is_word_char(last) else "")


def ends_ok(text: str, start: int, end: int, word: str) -> bool:
    """Latin/digit ends must not run on into more letters or digits."""
    if is_word_char(word[0]) and start > 0 and is_word_char(text[start - 1]):
        return False
    return not (is_word_char(word[-1]) and end < len(text) and is_word_char(text[end]))
