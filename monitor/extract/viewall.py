"""Links to a whole listing ("ดูทั้งหมด", "View all news"), not to one item.

A home page puts one under each of its sections. `auto` leaves them out of a
listing's items (a block of them, with the headings beside them, looked like a
list of headlines), and `discover` names the sections they lead from
(monitor.discoversections).
"""

from __future__ import annotations

import re

from monitor.text.clean import collapse

NAME_CHARS = 80           # a longer text is a headline, not a link's label
# "ดูทั้งหมด", "ข่าวทั้งหมด", "อ่านข่าวประชาสัมพันธ์ทั้งหมด >>": what stands between the
# verb and "ทั้งหมด" names the section, in one word (a headline ending in "ทั้งหมด"
# has spaces in it), or in quotation marks (อ่านข่าว "เตือนภัย" ทั้งหมด).
# "ย้อนหลัง" (back issues: "บทความย้อนหลัง..", "ย้อนหลัง »") leads to the listing too.
_VERB = r"(?:ดู|อ่าน|แสดง|ชม)?\s*+"
_THAI = re.compile(
    rf"^\W*+{_VERB}(?:(?:ข่าว)?\s*+[\"“'‘]([^\"“”'‘’]{{1,40}})[\"”'’]|(\S{{0,30}}?))"
    r"\s*+(?:ทั้งหมด|ย้อนหลัง)\W*+$")
# A title attribute that names the section before the word: "เศรษฐกิจ / การเมือง ย้อนหลัง".
_TITLED = re.compile(rf"^\W*+{_VERB}(\S.{{0,59}}?)\s*+(?:ทั้งหมด|ย้อนหลัง)\W*+$")
# English: "View all", "View all news", "More news", ".. Click to See More Picture
# News"; "more" alone, or "view more", leads to one item as often as to a listing.
_WHAT = (r"(?:[a-z]+\s+){0,2}?(?:news|posts?|articles?|announcements?|notices?|events?|"
         r"stories|updates|press\s+releases?|activities|jobs?|photos?|pictures?|videos?|"
         r"galleries|albums?)")
_ENGLISH = re.compile(
    rf"^\W*+(?:click\s+(?:here\s+)?to\s+)?(?:(?:view|see|show)\s+all(?:\s+({_WHAT}))?"
    rf"|(?:(?:view|see|show)\s+more|more|all)\s+({_WHAT}))\W*+$", re.IGNORECASE)
# WordPress themes title a widget's heading link "View all posts from category ข่าวประกาศ".
_CATEGORY_TITLE = re.compile(r"^view all posts (?:from|in) (?:category\s+)?(.{1,80})$",
                             re.IGNORECASE)


def may_lead_to_all(text: str) -> bool:
    """Whether `text` holds a word without which view_all_name finds nothing: a quick
    test for the many links that cannot be such a link."""
    lower = text.lower()
    return "ทั้งหมด" in text or "ย้อนหลัง" in text or "all" in lower or "more" in lower


def view_all_name(text: str, title: str = "") -> str | None:
    """The section's name a "view all" link gives itself ("" when it gives none); None
    for any other link. `text` is the link's text, `title` its title attribute, which
    an icon link ("›" under a section) has instead of words."""
    title = collapse(title)
    category = _CATEGORY_TITLE.match(title)
    if category:
        return category.group(1)
    words = collapse(text) or title
    if not words or len(words) > NAME_CHARS or not may_lead_to_all(words):
        return None   # most links, at once
    match = _THAI.match(words) or _ENGLISH.match(words)
    if match is None:
        return None
    name = next((group.strip() for group in match.groups() if group), "")
    if not name and title and title != words and len(title) <= NAME_CHARS:
        # "ย้อนหลัง »" titled "เศรษฐกิจ / การเมือง ย้อนหลัง": the title names the section
        named = _TITLED.match(title)
        name = named.group(1) if named else ""
    return name
