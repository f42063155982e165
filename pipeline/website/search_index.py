"""The site search's index, read from each page faster than Material's own indexer and with the same result.

Material's search plugin splits every page into sections (a heading and the text after it) with its ``Parser``,
built on ``html.parser``, the standard library's pure-Python HTML tokenizer; at 500 projects a year that was
about half of MkDocs' build time. ``page_sections`` gives the same sections from one regular expression over the
page and the same section rules, for the well-formed HTML that Markdown and the pipeline write. A page with
anything those rules leave to the parts of Material's parser not repeated here (elements excluded from search,
scripts, styles, objects, declarations, a stray ``<``) is read by Material's ``Parser`` as before.
tests/test_search_index.py checks, page by page on built sites, that both give the same index — also after an
upgrade of Material, whose parser's rules this module repeats.
"""

from __future__ import annotations

import re
from html import escape, unescape

from material.plugins.search.plugin import Element, Parser, SearchIndex, Section, void

_TAG_NAME = r"[a-zA-Z][-.a-zA-Z0-9:_]*"
_ATTRIBUTE = r"""\s+[a-zA-Z_:][-.a-zA-Z0-9_:]*(?:="[^"<]*"|='[^'<]*')?"""
# One match per piece of the page: the text before a tag or comment, then the tag (or a stray "<", which ends the
# fast reading); the last match is the text at the end.
_PIECE = re.compile(
    rf"([^<]*)(?:<(?:({_TAG_NAME})((?:{_ATTRIBUTE})*)\s*(/?)>|/({_TAG_NAME})\s*>|!--.*?--\s*>)|(<)|\Z)",
    re.DOTALL,
)
_ATTRIBUTES = re.compile(r"""\s+([a-zA-Z_:][-.a-zA-Z0-9_:]*)(?:="([^"<]*)"|='([^'<]*)')?""")
# Left to Material's parser: what it excludes from the index by attribute, and the elements whose content it skips
# (html.parser reads script and style as raw text). Declarations and processing instructions are not tokens, so a
# page with them goes there too. Material excludes an element with a data-search-exclude attribute (html.parser
# gives names in lower case) or whose class is "linenodiv" (values with character references resolved: a class
# value with a "&" may be one).
_CLASS_WITH_REFERENCE = re.compile(r"""[cC][lL][aA][sS][sS]\s*=\s*(?:"[^"]*&|'[^']*&|[^\s"'>]*&)""")


def _may_exclude(page: str) -> bool:
    return (
        "data-search-exclude" in page.lower()
        or "linenodiv" in page
        or ("&" in page and _CLASS_WITH_REFERENCE.search(page) is not None)
    )


_SKIPPED = frozenset(("script", "style", "object"))
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
_KEPT = frozenset(("p", "code", "pre", "li", "ol", "ul", "sub", "sup"))
_NO_ATTRIBUTES: dict[str, str | None] = {}  # shared, never changed: an element without the attributes Material reads


def _attributes(text: str) -> dict[str, str | None]:
    """As html.parser gives them: names in lower case, values unquoted and unescaped, None without a value."""
    found = {}
    for m in _ATTRIBUTES.finditer(text):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        found[m.group(1).lower()] = unescape(value) if value else value
    return found


class _Sections:
    """Material's section rules (``Parser.handle_starttag/endtag/data``) for pages without skipped elements.

    Material compares elements by tag name, so "is the section's heading open" means "is an element with the
    heading's tag open": ``open_tags`` counts the open elements by tag to answer that without a scan. The open
    elements are kept as their tags, and the permalinks (``<a class="headerlink">``) among them by their depth:
    Material reads no other attribute of an element once it is open."""

    def __init__(self) -> None:
        self.context: list[str] = []
        self.open_tags: dict[str, int] = {}
        self.headerlinks: list[int] = []
        self.section: Section | None = None
        self.data: list[Section] = []

    def _ensure_section(self) -> Section:
        if not self.section:
            self.section = Section(Element("hx"))
            self.data.append(self.section)
        return self.section

    def _target(self) -> list[str]:
        return self.section.title if self.open_tags.get(self.section.el.tag) else self.section.text

    def start(self, tag: str, attrs: dict) -> None:
        if tag in void:
            return
        context = self.context
        context.append(tag)
        self.open_tags[tag] = self.open_tags.get(tag, 0) + 1
        if tag == "a" and attrs.get("class") == "headerlink":
            self.headerlinks.append(len(context))
        if tag in _HEADINGS and "id" in attrs:
            depth = len(context)
            if tag != "h1" and not self.data:
                self.data.append(Section(Element("hx"), depth))
            self.section = Section(Element(tag, attrs), depth)
            if self.data:
                self.section.id = attrs["id"]
            self.data.append(self.section)
        self._ensure_section()
        if tag in _KEPT:
            self._target().append(f"<{tag}>")

    def end(self, tag: str) -> None:
        context = self.context
        if not context or context[-1] != tag:
            return
        depth = len(context)
        if self.section.depth > depth:
            for section in reversed(self.data):
                if section.depth <= depth:
                    self.section.depth = float("inf")
                    self.section = section
                    break
        context.pop()
        self.open_tags[tag] -= 1
        if self.headerlinks and self.headerlinks[-1] == depth:
            self.headerlinks.pop()
        if tag in _KEPT:
            data = self._target()
            index = data.index(f"<{tag}>")
            if any(not item.isspace() for item in data[index + 1 :]):
                data.append(f"</{tag}>")
            else:
                del data[index:]

    def text(self, data: str) -> None:
        in_pre = self.open_tags.get("pre", 0) > 0
        if not in_pre:
            data = " " if data.isspace() else data.replace("\n", " ")
        section = self._ensure_section()
        if self.open_tags.get(section.el.tag):
            if not self.headerlinks:
                section.title.append(escape(data, quote=False))
        elif data.isspace():
            if not section.text or not section.text[-1].isspace() or in_pre:
                section.text.append(data)
        else:
            section.text.append(escape(data, quote=False))


def _fast_sections(page: str) -> list[Section] | None:
    """Material's sections from the token expression, or None if some ``<`` does not begin a token read exactly
    or the page holds an element whose content Material's parser skips."""
    sections = _Sections()
    add_text, start, end_tag = sections.text, sections.start, sections.end
    for text, tag, attrs, close, end, stray in _PIECE.findall(page):
        if text:
            add_text(unescape(text) if "&" in text else text)
        if tag:
            tag = tag.lower()
            if tag in _SKIPPED:
                return None
            # Material reads attributes only of headings (the section's id) and links (the permalink's class).
            start(tag, _attributes(attrs) if attrs and (tag in _HEADINGS or tag == "a") else _NO_ATTRIBUTES)
            if close:
                end_tag(tag)
        elif end:
            end_tag(end.lower())
        elif stray:
            return None
    return sections.data


def page_sections(page: str) -> list[Section]:
    """The search sections of a page's HTML, as Material's ``Parser`` finds them."""
    sections = None if _may_exclude(page) else _fast_sections(page)
    if sections is None:
        parser = Parser()
        parser.feed(page)
        parser.close()
        sections = parser.data
    return sections


class FastSearchIndex(SearchIndex):
    """Material's ``SearchIndex``, reading each page with ``page_sections``."""

    def add_entry_from_context(self, page) -> None:
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        for section in page_sections(page.content):
            if not section.is_excluded():
                self.create_entry_for_section(section, page.toc, page.url, page)
