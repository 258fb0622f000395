"""The `html` source type: a listing page read with the source's CSS selectors.

A selector is CSS, optionally followed by `::attr(name)` to take an attribute
instead of the text; `::attr(name)` alone means the item element itself. A
page that matches nothing is not an error here: it yields a warning, and the
pipeline decides whether the source is `broken` (see `monitor status`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urldefrag

from selectolax.lexbor import LexborNode, SelectolaxError

from monitor.config.settings import Selectors, Source
from monitor.errors import ExtractError
from monitor.extract import another_type
from monitor.extract.bounds import parse_html
from monitor.extract.cleaning import (
    drop_hidden,
    image_name,
    mark_line_ends,
    node_text,
    page_base,
    safe_link,
    script_built_hint,
    scripted_address,
)
from monitor.extract.htmltext import extends, is_cut
from monitor.extract.splash import read_behind
from monitor.models import Document, Extraction, RawItem
from monitor.text.clean import collapse, truncate
from monitor.text.urls import in_page_encoding

_ATTR = re.compile(r"^(?P<css>.*?)\s*::attr\(\s*(?P<attr>[^()\s]+)\s*\)\s*$", re.DOTALL)

_NO_LINK = "without an http(s) link"
_SELF_LINK = "whose link points back to this page"
_NO_TITLE = "without a title"


@dataclass(frozen=True)
class Selector:
    """One parsed selector: `css` empty means the element the selector is applied to."""

    key: str         # its name in `select:`, for messages
    spec: str        # as written
    css: str
    attr: str | None

    @classmethod
    def parse(cls, key: str, spec: str) -> Selector:
        match = _ATTR.match(spec)
        if match:
            return cls(key, spec, match["css"].strip(), match["attr"])
        return cls(key, spec, spec.strip(), None)

    def nodes(self, node: LexborNode) -> list[LexborNode]:
        if not self.css:
            return [node]
        try:
            return list(node.css(self.css))
        except SelectolaxError as exc:
            raise ExtractError(f"select.{self.key} {self.spec!r} is not valid CSS: {exc}") from exc

    def first(self, node: LexborNode) -> tuple[LexborNode | None, str]:
        """The first matching element with a non-empty value, and that value."""
        for found in self.nodes(node):
            value = collapse(_value(found, self.attr, self.key == "title"))
            if value:
                return found, value
        return None, ""


def _value(node: LexborNode, attr: str | None, title: bool = False) -> str:
    if attr:
        return node.attributes.get(attr) or ""
    # A title element that is only a picture is titled by what the picture says.
    return node_text(node) or (image_name(node) if title else "")


def extract(doc: Document, source: Source) -> Extraction:
    """Read the items of one listing page with `source.select`."""
    if source.select is None:
        raise ExtractError(f"source {source.name!r} has type html but no `select:` selectors")
    return read_listing(doc, source.select, limit=source.fetch.max_items)


def read_listing(doc: Document, select: Selectors, limit: int | None = None) -> Extraction:
    """The work of `extract`, usable without a Source (e.g. to try selectors in preview);
    with `limit`, items past it are counted (`unread`), not read."""
    item_sel = Selector.parse("item", select.item)
    if item_sel.attr or not item_sel.css:
        raise ExtractError(f"select.item {select.item!r} must select elements, not an attribute")
    tree = parse_html(doc.text)
    drop_hidden(tree)
    base = page_base(tree, doc.url)
    elements = item_sel.nodes(tree.root) if tree.root is not None else []
    if not elements:
        unmatched = f"no element matched select.item {select.item!r}"
        wrong = another_type(doc, "html")   # a feed's, a sitemap's or an API's URL
        if wrong:
            return Extraction(warnings=[f"{unmatched}: {wrong}"])
        # The listing may be in a frame or behind a splash page (see
        # monitor.extract.splash). Looked for in the page as parsed, since drop_hidden
        # took iframes out with the scripts: parsed again, only for a page that
        # matched nothing.
        behind = read_behind(parse_html(doc.text), doc, unmatched)
        if behind is not None:
            return behind
        hint = script_built_hint(doc.text)
        return Extraction(warnings=[f"{unmatched}; {hint}" if hint else unmatched])
    title_sel = Selector.parse("title", select.title) if select.title else None
    link_sel = Selector.parse("link", select.link) if select.link else None
    date_sel = Selector.parse("date", select.date) if select.date else None
    summary_sel = Selector.parse("summary", select.summary) if select.summary else None
    page = urldefrag(doc.url)[0]

    items: list[RawItem] = []
    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    duplicates = unread = 0
    for at, element in enumerate(elements):
        if limit is not None and len(items) == limit:
            unread = len(elements) - at
            break
        mark_line_ends(element)   # only the items' text is read (see cleaning.mark_blocks)
        link_node, link = _link(element, link_sel, base)
        if link is None:
            skipped[_NO_LINK] += 1
            continue
        if urldefrag(link)[0] == page:  # href="#" and friends: not an article
            skipped[_SELF_LINK] += 1
            continue
        title_node, title = (title_sel.first(element) if title_sel
                             else (link_node, _link_title(element, link_node, link, base)))
        if is_cut(title) and not (title_sel and title_sel.attr):
            title = _uncut(title, title_node, link_node)
        if not title:
            skipped[_NO_TITLE] += 1
            continue
        if link in seen:
            duplicates += 1
            continue
        seen.add(link)
        date_text = _date(date_sel, element) if date_sel else ""
        summary = summary_sel.first(element)[1] if summary_sel else ""
        items.append(RawItem(title=title, link=in_page_encoding(link, doc.encoding),
                             summary=truncate(summary), date_text=date_text or None))

    warnings = [f"skipped {count} {'item' if count == 1 else 'items'} {reason}"
                for reason, count in sorted(skipped.items())]
    if not items and skipped[_NO_LINK] == len(elements):
        warnings.append(_no_link_hint(elements[0], select))
    elif not items and skipped[_NO_TITLE] == len(elements) - skipped[_NO_LINK]:
        warnings.append(f"select.title {select.title!r} found no text in any item"
                        if select.title else "the items' links have no text (a picture "
                        "without alt text?): name their title with select.title")
    notes = [f"{len(elements)} elements matched select.item {select.item!r}"]
    if duplicates:
        notes.append(f"kept the first of repeated links ({duplicates} duplicates skipped)")
    if base != doc.url:
        notes.append(f"links resolved against <base href> {base}")
    return Extraction(items=items, warnings=warnings, notes=notes, unread=unread)


LINK_AROUND = 4     # levels above an item searched for the link it sits in


def _no_link_hint(element: LexborNode, select: Selectors) -> str:
    """Why no item had a link, when none had: the next thing a user should try."""
    if select.link:
        return f"select.link {select.link!r} found no http(s) address in any item"
    node = element.parent
    for _ in range(LINK_AROUND):   # a card wrapped in its link: <a href><div>...</div></a>
        if node is None:
            break
        if node.tag == "a" and node.attributes.get("href"):
            return ("each item sits inside its link: make the <a> around it the item "
                    f"(e.g. select.item: \"a:has({select.item})\")")
        node = node.parent
    return ("the items hold no <a href>: name their link with select.link "
            "(e.g. \"::attr(data-url)\")")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(sel: Selector, element: LexborNode) -> str:
    """The item's date as the page gives it: a `<time>` element's `datetime`
    attribute where the selector found one (WordPress writes the exact moment
    there and "7 ธันวาคม" or "2 ชั่วโมงที่แล้ว" as its text), else the text. An
    attribute that is no ISO date (a template left unfilled) gives way to the text."""
    node, text = sel.first(element)
    if node is not None and not sel.attr:
        time_node = node if node.tag == "time" else node.css_first("time[datetime]")
        moment = collapse(time_node.attributes.get("datetime") or "") if time_node else ""
        if _ISO_DATE.match(moment):
            return moment
    return text


def _link(element: LexborNode, sel: Selector | None, base: str
          ) -> tuple[LexborNode | None, str | None]:
    """The item's link element and resolved URL.

    A link selector without `::attr` means that element's href (or the href of
    the first link inside it): the text of a link is never a URL.
    """
    if sel is None:
        node = _first_anchor(element)
        if node is None or _goes_nowhere(node):
            # A clickable card or row: what its onclick opens (its link, if any, opens
            # nothing by itself: `href="#"`).
            clickable = element if element.attributes.get("onclick") else element.css_first(
                "[onclick]")
            if clickable is not None and scripted_address(None, clickable.attributes.get(
                    "onclick")):
                node = clickable
        return node, _opened(node, node.attributes.get("href") if node else None, base)
    if sel.attr:
        node, value = sel.first(element)
        return node, _opened(node, value, base)
    for node in sel.nodes(element):
        anchor = node if node.attributes.get("href") else _first_anchor(node)
        if anchor is not None:
            return anchor, _opened(anchor, anchor.attributes.get("href"), base)
    return None, None


def _opened(node: LexborNode | None, href: str | None, base: str) -> str | None:
    """The address a click on `node` opens: its `href`, or the one its script spells out
    (`javascript:window.open('...')`, `href="#" onclick="location.href='...'"`)."""
    scripted = scripted_address(href, node.attributes.get("onclick") if node else None)
    return safe_link(scripted or href, base)


def _goes_nowhere(anchor: LexborNode) -> bool:
    """Whether a link opens nothing by itself (`href="#"`, `javascript:void(0)`)."""
    href = (anchor.attributes.get("href") or "").strip()
    return ((href.startswith("#") or href[:11].lower() == "javascript:")
            and scripted_address(href, anchor.attributes.get("onclick")) is None)


def _uncut(shown: str, *nodes: LexborNode | None) -> str:
    """The whole headline where the listing cut it short and its title element or link
    (or an element inside them) carries it whole in `title`, as a tooltip; else the
    headline as shown."""
    for node in nodes:
        if node is None:
            continue
        for holder in (node, *node.css("[title]")):
            full = collapse(holder.attributes.get("title") or "")
            if extends(full, shown):
                return full
    return shown


def _first_anchor(element: LexborNode) -> LexborNode | None:
    if element.tag == "a" and element.attributes.get("href"):
        return element
    return element.css_first("a[href]")


def _link_title(element: LexborNode, link_node: LexborNode | None, link: str,
                base: str) -> str:
    """Default title: the link's text; for an image link, the text of another
    link to the same page in the item (card layouts), then its title attribute,
    then what its image says (`image_name`)."""
    if link_node is None:
        return ""
    text = node_text(link_node)
    if text:
        return text
    for anchor in element.css("a[href]"):
        if safe_link(anchor.attributes.get("href"), base) == link:
            text = node_text(anchor)
            if text:
                return text
    return collapse(link_node.attributes.get("title") or "") or image_name(link_node)
