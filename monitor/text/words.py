"""Thai words for search and for cutting text short, by PyThaiNLP's newmm segmenter.

Thai has no spaces between words, so both the search index and a summary cut
to one or two lines need the segmenter's word ends: an index of raw text would
find `ทางรัฐ` inside `ทางรัฐบาล`, and a cut at a character count can split a
word (or a vowel from its consonant). The matcher uses the same segmenter,
with its keywords added to the dictionary; here the default dictionary is
used, so search finds a query's words wherever the segmenter sees them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Mapping

from monitor.text.textnorm import normalise_text

__all__ = ["index_words", "primed", "shorten", "words"]


@functools.cache
def _segment() -> Callable[[str], list[str]]:
    # Imported on first use: PyThaiNLP takes a tenth of a second to import.
    from pythainlp.tokenize.newmm import segment

    from monitor.text.worddict import default_dictionary
    dictionary = default_dictionary()
    return lambda text: segment(text, custom_dict=dictionary)  # type: ignore[arg-type]


def words(text: str) -> list[str]:
    """The segmenter's tokens of `text`, spaces included as tokens of their own."""
    if not text:
        return []
    return list(_segment()(text))


# Index words a worker process (monitor.readpool) already computed for the texts
# being stored (see `primed`), so the storing process does not segment them again.
_PRIMED: dict[str, str] = {}


@contextlib.contextmanager
def primed(known: Mapping[str, str]) -> Iterator[None]:
    """While inside, `index_words` answers for these texts from `known`.

    Scoped to one save (`Store.save_items`, with `monitor.models.Prepared`).
    They used to stay until 20,000 texts had gathered; the words and story keys
    the store had already used then made the storing process of a first crawl
    of 3,000 sources, a third of the items relevant, peak at 464 MB, not 314 MB.
    """
    _PRIMED.update(known)
    try:
        yield
    finally:
        _PRIMED.clear()


def index_words(text: str) -> str:
    """Normalised text with a space at every word end: what the FTS5 index stores.

    unicode61 then splits on the spaces (and on punctuation), so each Thai word
    becomes one token and a query matches whole words only.
    """
    known = _PRIMED.get(text)
    if known is not None:
        return known
    normalised = normalise_text(text or "")
    if not normalised:
        return ""
    return " ".join(t for t in (w.strip() for w in words(normalised)) if t)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters of `text`, cut at a word end, with '…' when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    out = ""
    for token in words(text):
        if len(out) + len(token) > limit - 1:
            break
        out += token
    out = out.rstrip(" ,;:-–(")
    return (out or text[: limit - 1]) + "…"
