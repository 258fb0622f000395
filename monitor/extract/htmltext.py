"""Text helpers for HTML pages, shared by the `article` and `auto` extractors.

Both read pages that carry no selectors, so both need the same notions: what a
visual paragraph is (`text_blocks`, breaking at block tags and `<br>`), what a
class/id says about an element (`class_words`), what a date written in Thai or
English looks like (`DATE_RE`, `find_date_text`) and where to cut a summary
(`summarize`). Keeping them here, rather than in either extractor, means the
two cannot drift apart and neither extractor depends on the other. Character
hygiene (`collapse`, control characters) lives in `cleaning`, as for every
extractor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from monitor.text.clean import collapse

SUMMARY_LIMIT = 300       # summarize's cut, in characters
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "select",
                       "textarea", "button", "iframe", "object"})
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "td", "th", "tr", "li", "ul", "ol", "dl", "dt",
    "dd", "table", "tbody", "thead", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "figure", "figcaption", "header", "footer", "nav", "aside", "form", "address", "center",
    "body", "html",
})
# A class token starting with one of these names a part of one item, not a page region.
COMPONENT = frozenset({"entry", "post", "card", "article", "item", "news", "node", "teaser",
                       "panel", "media", "content", "views", "list"})
# A class token starting with one of these describes state, not a region: `has-sidebar`.
MODIFIERS = frozenset({"has", "no", "with", "without", "is", "layout"})

def _before_ellipsis(title: str) -> str | None:
    """A headline a listing cut short ("..." or "…" at its end) without the ellipsis;
    None when it has none. By string methods: the pattern this was, searched from
    every position, cost a second on a "title" of 12,000 dots."""
    text = title.rstrip()
    if text.endswith("…"):
        return text[:-1].rstrip()
    if text.endswith("..."):
        return text.rstrip(".").rstrip()
    return None


def is_cut(title: str) -> bool:
    """Whether a listing cut this headline short (it ends with an ellipsis)."""
    return _before_ellipsis(title) is not None


def extends(full: str, shown: str) -> bool:
    """`shown` is `full` cut short with an ellipsis (or `full` itself)."""
    cut = _before_ellipsis(shown)
    if cut is None:
        cut = shown
    return bool(cut) and full.startswith(cut) and (full == shown or cut != shown)


_DIGIT = "[0-9๐-๙]"
_MONTHS = (
    "มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|"
    "พฤศจิกายน|ธันวาคม|"
    + "|".join(rf"{a}\.\s?{b}\.?" for a, b in (
        ("ม", "ค"), ("ก", "พ"), ("มี", "ค"), ("เม", "ย"), ("พ", "ค"), ("มิ", "ย"),
        ("ก", "ค"), ("ส", "ค"), ("ก", "ย"), ("ต", "ค"), ("พ", "ย"), ("ธ", "ค")))
)
_EN_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_TIME = rf"(?:\s*,?\s*(?:เวลา\s*)?{_DIGIT}{{1,2}}[:.]{_DIGIT}{{2}}(?:\s*น\.)?)?"
_CLOCK = rf"\s*(?:เวลา\s*)?{_DIGIT}{{1,2}}[:.]{_DIGIT}{{2}}(?![0-9๐-๙])(?:\s*น\.)?"
# Every date below starts with a digit or one of these letters (a Thai month's, วัน,
# เมื่อวาน, an English month's): the engine skips other positions at once, where it
# tried every alternative (a third of the search's time).
DATE_RE = re.compile(
    rf"(?<![0-9๐-๙])(?=[0-9๐-๙วเมกพสตธJFMASOND])(?:"
    rf"(?:วัน(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)?ที่\s*)?"
    rf"{_DIGIT}{{1,2}}\s*(?:{_MONTHS})\s*(?:พ\.ศ\.\s*)?{_DIGIT}{{2,4}}(?![0-9๐-๙]|[:.][0-9๐-๙])"
    rf"{_TIME}"
    rf"|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}"
    rf"(?:[T ][0-9]{{2}}:[0-9]{{2}}(?::[0-9]{{2}})?(?:Z|[+-][0-9]{{2}}:?[0-9]{{2}})?)?"
    rf"|{_DIGIT}{{1,2}}/{_DIGIT}{{1,2}}/{_DIGIT}{{2,4}}(?![0-9๐-๙]){_TIME}"
    # ... year first, as databases write them ("2569/12/05"), not in a path
    rf"|(?<![/\w])(?:19|20|25)[0-9]{{2}}/(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12][0-9]|3[01])"
    rf"(?![0-9๐-๙/]){_TIME}"
    # "15-10-2025", "15.10.2568": with dashes or dots only with a whole year, a real
    # day and month and nothing joined before, since "1-3" is a range, "12.10.15" a
    # clock and "1248-1-30-2561" a document's number.
    rf"|(?<![-.])(?:0?[1-9]|[12][0-9]|3[01])([-.])(?:0?[1-9]|1[0-2])\1[0-9]{{4}}"
    rf"(?![0-9๐-๙]){_TIME}"
    # ... or with two digits each, as a webboard writes them ("11-06-17").
    rf"|(?<![-.])(?:0[1-9]|[12][0-9]|3[01])-(?:0[1-9]|1[0-2])-[0-9]{{2}}(?![0-9๐-๙.-]){_TIME}"
    rf"|[0-9]{{1,2}}\s+{_EN_MONTH},?\s+[0-9]{{4}}|{_EN_MONTH}\s+[0-9]{{1,2}},\s+[0-9]{{4}}"
    # WordPress's "ก.ค. 6, 2026", "พฤศจิกายน 30th, 2016" (its `M j, Y`, `F jS, Y` in Thai)
    rf"|(?:{_MONTHS})\s*{_DIGIT}{{1,2}}(?:st|nd|rd|th)?,\s*{_DIGIT}{{4}}(?![0-9๐-๙])"
    # Relative, every part of it: "11 ชั่วโมง 5 นาทีที่แล้ว" is not "5 นาทีที่แล้ว". At most
    # three parts (days, hours, minutes): unbounded, a cell of 20,000 "1 นาที" took 20 s.
    rf"|(?:{_DIGIT}+\s*(?:นาที|ชั่วโมง|ชม\.|วัน|สัปดาห์|เดือน)\s*){{1,3}}"
    rf"(?:ที่แล้ว|ที่ผ่านมา|ก่อน)"
    r"|(?i:(?:\b[0-9]+\s*(?:minutes?|mins?|hours?|hrs?|days?|weeks?)\b,?\s*(?:and\s+)?){1,3}"
    r"ago\b)"
    rf"|เมื่อวาน(?:นี้)?(?:{_CLOCK})?"
    # Today's and this year's, as news lists write them, only with their clock: a
    # headline may end in "วันนี้" or "5 ธ.ค." of its own.
    rf"|วันนี้{_CLOCK}|{_DIGIT}{{1,2}}\s*(?:{_MONTHS}){_CLOCK})"
)


# A label that says a date is when the item was changed ("แก้ไขล่าสุด 5 ธ.ค. 69",
# "Updated: ..."): a page or a list that also shows when it was posted shows that too.
_CHANGED = re.compile(
    r"(?:ปรับปรุง|แก้ไข|อัปเดต|อัพเดท|อัพเดต|\bupdated|\bmodified|\blast\s++edited)"
    r"(?:ข้อมูล)?(?:ล่าสุด)?(?:\s*+(?:เมื่อ|on))?(?:\s*+วันที่)?\s*+:?\s*+$", re.IGNORECASE)
# ... or when something is due ("Deadline submission: 15 เมษายน 2561", "ปิดรับสมัคร
# ภายในวันที่ 31 มีนาคม 2561"): never when the item was published, mostly after it.
_DUE = re.compile(
    r"(?:ภายใน|กำหนดส่ง\S{0,20}|หมดเขต\S{0,12}|(?<!เ)ปิดรับ\S{0,12}|สิ้นสุด\S{0,12}|\bdeadline(?:\s++[a-z]{1,20}){0,2}"
    r"|\bdue|\bcloses?|\buntil)(?:\s*+(?:เมื่อ|on|by))?(?:\s*+วันที่)?\s*+:?\s*+$", re.IGNORECASE)
MOST_DATES = 4          # date-looking runs of one text weighed against each other


# A day and month without a year ("21 มี.ค.", "21 Mar", "Mar 21"): a date only where the
# markup says it holds one (a calendar badge of a news list), which the date reader
# then dates in the last twelve months.
DAY_MONTH = re.compile(
    rf"{_DIGIT}{{1,2}}\s*(?:{_MONTHS}|{_EN_MONTH})|{_EN_MONTH}\s*{_DIGIT}{{1,2}}", re.IGNORECASE)


def find_date_text(text: str) -> str | None:
    """The first date-looking run in `text`, as written (the Thai date reader interprets
    it); but a date labelled as a change gives way to a later one that is not (an item
    whose "แก้ไขล่าสุด" comes before its "เผยแพร่" was not published when it was
    edited), and one labelled as a deadline is passed over."""
    changed = None
    for count, match in enumerate(DATE_RE.finditer(text)):
        if count >= MOST_DATES:
            break
        label = max(0, match.start() - 40)
        if _DUE.search(text, label, match.start()):
            continue
        if not _CHANGED.search(text, label, match.start()):
            return collapse(match.group(0))
        changed = changed or match
    return collapse(changed.group(0)) if changed else None


def class_words(node: LexborNode) -> list[tuple[str, ...]]:
    """The words of each class/id token (`mainNav` -> main, nav), state modifiers left out."""
    attrs = node.attributes
    tokens = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".split()
    result = []
    for token in tokens:
        spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", token).lower()
        words = tuple(w for w in re.split(r"[^a-z0-9]+", spaced) if w)
        if words and words[0] not in MODIFIERS:
            result.append(words)
    return result


@dataclass(frozen=True)
class Block:
    text: str                  # whitespace-collapsed text of one visual paragraph
    link_chars: int            # how much of it sits inside <a>
    owner: LexborNode | None   # the block-level element that holds it


def text_blocks(root: LexborNode, skip: frozenset[int] = frozenset()) -> list[Block]:
    """Visual paragraphs under `root`: breaks at block tags and <br>, inline text joined as is.

    Iterative, so deeply nested layout tables cannot exhaust the recursion limit.
    """
    blocks: list[Block] = []
    parts: list[tuple[str, bool]] = []
    owners: list[LexborNode] = [root]
    in_link = 0

    def flush() -> None:
        text = collapse("".join(t for t, _ in parts))
        if text:
            linked = len(collapse("".join(t for t, inside in parts if inside)))
            blocks.append(Block(text, linked, owners[-1]))
        parts.clear()

    stack: list[tuple[str, LexborNode | None]] = [("enter", root)]
    while stack:
        event, node = stack.pop()
        if event == "exit-block":
            flush()
            owners.pop()
            continue
        if event == "exit-a":
            in_link -= 1
            continue
        assert node is not None
        tag = node.tag or ""
        if tag == "-text":
            parts.append((node.text_content or "", in_link > 0))
            continue
        if tag in SKIP_TAGS or tag.startswith("-") or node.mem_id in skip:
            continue
        if tag in ("br", "hr"):
            flush()
            continue
        if tag in BLOCK_TAGS or node is root:
            flush()
            owners.append(node)
            stack.append(("exit-block", None))
        elif tag == "a":
            in_link += 1
            stack.append(("exit-a", None))
        stack.extend(("enter", child) for child in reversed(list(node.iter(include_text=True))))
    flush()
    return blocks


def summarize(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """The first sentences of `text`, cut where a reader would pause.

    Thai ends sentences and clauses with a space, not a full stop, so the cut
    is the last paragraph end, else sentence end, else space before `limit`,
    skipping spaces that bind (inside a date, after `พ.ร.บ.`); only text with
    no usable space is cut hard, and then says so with "…".
    """
    flat = collapse(text)
    if len(flat) <= limit:
        return flat
    floor = limit // 2
    para_end = text.rfind("\n", 0, limit + 1)
    if para_end >= floor:
        return collapse(text[:para_end])
    window = flat[: limit + 1]
    for match in reversed(list(re.finditer(r"[.!?。]\s", window))):
        if match.start() >= floor and not _binds(window, match.start() + 1, match.end()):
            return window[: match.start() + 1]
    for match in reversed(list(re.finditer(r"\s+", window))):
        if match.start() < floor // 2:
            break
        if not _binds(window, match.start(), match.end()):
            return window[: match.start()].rstrip(" ,;:")
    return window[:limit].rstrip() + "…"


def _binds(text: str, start: int, end: int) -> bool:
    """A space that joins rather than separates: inside a date or number, after `พ.ร.บ.`."""
    before = text[:start].rsplit(None, 1)[-1] if text[:start].strip() else ""
    after = text[end:].split(None, 1)[0] if text[end:].strip() else ""
    if re.fullmatch(r"[0-9๐-๙.,]+", before) or re.match(r"[0-9๐-๙]", after):
        return True
    return before.count(".") > 1 or bool(re.search(r"[\u0e00-\u0e7f]\.$", before))
