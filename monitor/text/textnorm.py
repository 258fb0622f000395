"""Text normalisation shared by matching, dedupe and display.

Thai text reaches us in several byte-for-byte different spellings that a reader
sees as identical: sara am typed as nikhahit + sara aa (common in PDF
extraction and older keyboards), sara ae typed as two sara e (เเ for แ, which
fonts draw alike), zero-width spaces that CMSs insert as line-break hints, soft
hyphens, Thai digits, decomposed Unicode. Comparing raw strings would make a
keyword silently miss; so both the text and the keywords go through
`normalise_text` before any comparison.

`squeezed` goes one step further for matching only: in Thai, spaces separate
phrases rather than words and PDF extraction scatters them inside words, so
they carry no meaning for "does this keyword occur"; between two Latin words
or numbers they do, so those are kept.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["dropped_spaces", "is_thai", "is_word_char", "normalise_script", "normalise_text",
           "squeezed"]

# Invisible characters that only hint at line breaking or joining; a keyword
# must match whether or not a CMS sprinkled them into the text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# Thai digits ๐-๙ (U+0E50-U+0E59) read as ASCII digits, so "๒๕๖๕" finds "2565".
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# Sara am written as nikhahit (U+0E4D) + sara aa (U+0E32), possibly with the
# tone mark typed between them ("นํ้า"): the tone mark belongs before the vowel.
_SPLIT_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")

# Two sara e (U+0E40) never follow each other in Thai: typed so, they are sara ae.
_TWO_SARA_E = "\u0e40\u0e40"

_WHITESPACE = re.compile(r"\s+")
_HAS_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HAS_THAI_DIGIT = re.compile("[\u0e50-\u0e59]")


def normalise_text(text: str) -> str:
    """Return the canonical form under which text and keywords are compared.

    `normalise_script`, then case-folded (Thai has no case, Latin has), and
    whitespace runs (newlines and no-break spaces included) collapsed to one
    space and trimmed. Idempotent: normalising twice gives the same result.
    """
    # Case folding can emit decomposed sequences (e.g. for "İ"): compose after it.
    text = normalise_script(text.casefold())
    return _WHITESPACE.sub(" ", text).strip()


def normalise_script(text: str) -> str:
    """Unify how Thai is encoded, leaving case and whitespace alone.

    NFC; sara am composed; two sara e made sara ae; zero-width characters and
    soft hyphens removed; Thai digits to ASCII. This is the part that is safe on a
    regular expression too, where folding case would turn `\\D` into `\\d`.
    """
    # Each step only when its characters occur: str.translate with a table costs a
    # dictionary lookup per character, and most text needs none of these steps.
    if _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\u0e4d" in text:
        text = _SPLIT_SARA_AM.sub("\\1\u0e33", text)
    if _TWO_SARA_E in text:
        text = text.replace(_TWO_SARA_E, "\u0e41")
    if _HAS_THAI_DIGIT.search(text):
        text = text.translate(_THAI_DIGITS)
    return text


def is_thai(ch: str) -> bool:
    """True for a character of the Thai block (letters, vowels, marks, digits)."""
    return "\u0e00" <= ch <= "\u0e7f"


def is_word_char(ch: str) -> bool:
    """True for a letter or digit of a script that separates words with spaces.

    Such characters (Latin, digits, ...) form words whose ends are decided by
    their neighbours, unlike Thai, whose word ends only a segmenter can find.
    """
    return ch.isalnum() and not is_thai(ch)


# A space that does not stand between two word characters (see is_word_char):
# `[^\W_]` is exactly str.isalnum(), the Thai block taken out.
_WORD = r"[^\W_\u0e00-\u0e7f]"
_DROPPED_SPACE = re.compile(rf" (?:(?<!{_WORD} )|(?!{_WORD}))")


def squeezed(normalised: str) -> str:
    """Drop the spaces of normalised text except those between two word characters."""
    return _DROPPED_SPACE.sub("", normalised)


def dropped_spaces(normalised: str) -> frozenset[int]:
    """Where `squeezed` dropped a space, as positions in the squeezed text: the
    writer put a break there, which the matcher may trust as a word boundary
    even where the segmenter would not cut. A second pass, asked for only where
    a keyword's spelling occurs."""
    return frozenset(found.start() - before
                     for before, found in enumerate(_DROPPED_SPACE.finditer(normalised)))
