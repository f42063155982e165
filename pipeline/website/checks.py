"""Checks on a built site that need no browser: every internal link resolves, nothing loads from other hosts,
nothing can run script that the theme and the site did not put there, and every project page's title is its
record's. Each page is read once, with the standard library's HTML parser.

The browser tests (tests/test_site_browser.py, `make audit`) add what only a browser can see: axe-core,
the requests actually made, the layout at 390 px and the search.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_RESOURCE_ATTRS = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("audio", "src"),
                   ("video", "src"), ("embed", "src"), ("object", "data"), ("input", "src")}  # fmt: skip
_LOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch", "apple-touch-icon"}
_CSS_URL = re.compile(r"""url\(\s*['"]?(https?:)?//""", re.IGNORECASE)

# What neither the theme nor the site's templates ever write: a page with one of them was changed by its content.
_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite", "ping")
_SCRIPT_SCHEMES = ("javascript", "vbscript", "data")
# Every element the theme's templates, the site's templates (site/templates/) and Python-Markdown's output for the
# data dictionary write; any other (iframe, object, embed, base, img, a stray svg's foreignObject, …) was put there
# by a page's content. A theme upgrade or a feature that writes a new element fails the check, naming it.
_SITE_ELEMENTS = frozenset(
    {"html", "head", "title", "meta", "link", "style", "script", "body", "header", "nav", "main", "article",
     "footer", "div", "span", "p", "a", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl",
     "dt", "dd", "blockquote", "figure", "figcaption", "table", "caption", "thead", "tbody", "tr", "th", "td",
     "strong", "em", "code", "pre", "form", "label", "input", "select", "option", "button", "svg", "path", "rect",
     "text", "desc"}
)  # fmt: skip
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_NOISE = re.compile(r"[\t\n\r]")
_OUR_FORMS = (("class", "md-search__form"), ("id", "project-filters"))  # the theme's search, the project filter
_OUR_SCRIPTS = "/assets/javascripts/"  # the theme's bundle and the site's own scripts (site/assets/javascripts/)
# How the inline scripts of Material's templates begin (base.html: the site's scope for its storage, and the
# colour palette a reader chose; content.html: the tab a URL's fragment selects). A theme upgrade that adds another
# fails the check, naming it: add it here.
_THEME_INLINE_SCRIPTS = (
    "__md_scope=new URL(",
    'var palette=__md_get("__palette")',
    "var target=document.getElementById(location.hash.slice(1))",
)


def url_scheme(url: str) -> str:
    """A URL's scheme as a browser reads it (lower case, "" for a relative URL): it strips leading and trailing
    spaces and control characters and ignores tabs and line breaks anywhere (the parser has already resolved
    character references)."""
    match = _SCHEME.match(_URL_NOISE.sub("", url.strip("".join(map(chr, range(0x21))))))
    return match.group(1).lower() if match else ""


class PageScan(HTMLParser):
    """One page read with the standard library's HTML parser: the URLs it links to and the ones it makes the
    browser load, anything in it that could run script, and its <title> and first <h1> as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.resources: list[str] = []
        self.external_styles: list[str] = []
        self.unsafe: list[str] = []
        self.title: str | None = None
        self.h1: str | None = None
        self.article_depth = 0  # inside the page's content (the theme's <article>), where the pages' text goes
        self.reading: str | None = None  # "title", "h1" or "style": whose text the parser is reading
        self.text: list[str] = []
        self.script: list[str] | None = None  # the text of an inline script being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a: dict[str, str] = {}
        for name, value in attrs:
            a.setdefault(name, value or "")  # as browsers do: the first of repeated attributes wins
        self.start_tag(tag, a)
        self.check(tag, a)
        if tag == "article":
            self.article_depth += 1
        first = {"title": self.title, "h1": self.h1}
        if self.reading is None and tag in first and first[tag] is None:
            self.reading, self.text = tag, []
        elif tag == "style":
            self.reading, self.text = "style", []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            text, self.script = "".join(self.script).strip(), None
            if not text.startswith(_THEME_INLINE_SCRIPTS):
                self.unsafe.append(f"<script>{text[:60]!r}（テーマのものでないスクリプト / not the theme's）")
        if tag == "article" and self.article_depth:
            self.article_depth -= 1
        if tag == self.reading:
            text = "".join(self.text)
            if tag == "title":
                self.title = text
            elif tag == "h1":
                self.h1 = text
            elif _CSS_URL.search(text):
                self.external_styles.append(f"<style>{text[:80]}")
            self.reading = None

    def handle_data(self, data: str) -> None:
        if self.reading is not None:
            self.text.append(data)
        if self.script is not None:
            self.script.append(data)

    def start_tag(self, tag: str, a: dict[str, str]) -> None:
        for attr in ("href", "src", "data"):
            if a.get(attr):
                self.links.append(a[attr])
        if (tag, "src") in _RESOURCE_ATTRS and a.get("src"):
            self.resources.append(a["src"])
        if tag == "object" and a.get("data"):
            self.resources.append(a["data"])
        if tag == "link" and set(a.get("rel", "").lower().split()) & _LOADING_RELS and a.get("href"):
            self.resources.append(a["href"])
        if "style" in a and _CSS_URL.search(a["style"]):
            self.external_styles.append(f'style="{a["style"][:80]}"')

    def check(self, tag: str, a: dict[str, str]) -> None:
        """Anything that could run script: a script URL, an event handler attribute, an element the site never
        writes, a form or a script that is not the theme's or the site's own."""
        problem = f"<{tag}>"
        for name, value in a.items():
            if name.startswith("on"):
                self.unsafe.append(f"{problem} {name}=（イベント属性 / event handler）")
            urls = [c.split()[0] for c in value.split(",") if c.strip()] if name == "srcset" else [value]
            if name in _URL_ATTRS or name == "srcset":
                for url in urls:
                    if url_scheme(url) in _SCRIPT_SCHEMES:
                        self.unsafe.append(f"{problem} {name}={url[:80]!r}")
        if tag not in _SITE_ELEMENTS:
            self.unsafe.append(f"{problem}（サイトが使わない要素 / an element the site never writes）")
        elif tag == "meta" and a.get("http-equiv", "").strip().lower() == "refresh":
            self.unsafe.append(f'{problem} http-equiv="refresh"')
        elif tag == "form" and not any(value in a.get(name, "").split() for name, value in _OUR_FORMS):
            self.unsafe.append(f"{problem}（サイトのものでないフォーム / a form that is not the site's）")
        elif tag == "script":
            self.check_script(a)

    def check_script(self, a: dict[str, str]) -> None:
        """The site's scripts: files under assets/javascripts/ of the site, the theme's JSON settings (data, not
        run), and the theme's inline scripts (_THEME_INLINE_SCRIPTS), which are never inside the page's content."""
        src = a.get("src")
        if src is not None:
            path = urlsplit(src).path
            if url_scheme(src) or src.startswith("//") or _OUR_SCRIPTS not in posixpath.normpath("/" + path):
                self.unsafe.append(f"<script> src={src[:80]!r}（サイトのものでないスクリプト / not the site's）")
        elif a.get("type") == "application/json":
            if a.get("id") != "__config":
                self.unsafe.append("<script type=application/json>（テーマのものでない / not the theme's）")
        elif self.article_depth:
            self.unsafe.append("<script>（本文の中のスクリプト / a script in the page's content）")
        else:
            self.script = []  # checked at its end tag


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https") or url.startswith("//"))


def link_target(root: str, base: str, url: str, seen: dict[str, tuple[bool, bool]]) -> tuple[str, bool] | None:
    """The file (its path under ``root``, "/"-separated) that a relative URL on a page in folder ``base`` points
    to and whether it leaves ``root``; None for fragments, mailto: and absolute URLs. ``seen`` caches what the
    file system said (directory, exists) per path."""
    parts = urlsplit(url)
    if parts.scheme or url.startswith("//") or not parts.path:
        return None
    path = unquote(parts.path)
    normal = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(base, path))
    outside = normal == ".." or normal.startswith("../")
    target = "" if normal == "." else normal
    if parts.path.endswith("/") or _lookup(root, target, seen)[0]:
        target = posixpath.join(target, "index.html")
    return target, outside


_ANYWHERE = ("#", "http://", "https://", "//", "mailto:")


def target_key(base: str, depth: int, url: str) -> tuple:
    """What ``link_target`` depends on: the URL and the page's folder — only the folder's depth when the URL first
    climbs at least that many levels ("../../assets/…" from projects/12/), nothing else for a fragment or an
    absolute URL; so a site's pages share most answers."""
    if url.startswith(_ANYWHERE):
        return (-1, url)
    climbs = 0
    while url.startswith("../", 3 * climbs):
        climbs += 1
    return (depth, url) if climbs >= depth else (base, url)


def _lookup(root: str, path: str, seen: dict[str, tuple[bool, bool]]) -> tuple[bool, bool]:
    if path not in seen:
        full = os.path.join(root, path)
        seen[path] = (os.path.isdir(full), os.path.exists(full))
    return seen[path]


@dataclass
class SiteProblems:
    broken_links: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)  # anything that could run script, and wrong page titles


def site_files(root: Path) -> list[Path]:
    """Every file under ``root``, sorted. (One os.walk: pathlib's rglob takes several times as long over a large
    year's site.)"""
    return sorted(Path(folder, name) for folder, _, names in os.walk(root) for name in names)


def check_site(
    root: Path,
    allowed_outside: frozenset[str] = frozenset(),
    pages: list[Path] | None = None,
    titles: dict[str, str] | None = None,
) -> SiteProblems:
    """Internal links that lead nowhere, anything loaded from another host, anything that could run script
    (PageScan.check) and page titles that are not their record's, reading each page once.

    ``pages`` limits the check to those pages (default: every HTML page and stylesheet under ``root``). A link
    that leaves ``root`` is accepted only if its target's name is in ``allowed_outside`` (the landing's files,
    checked once the whole site is assembled). ``titles`` gives pages (path under ``root``) the text their <title>
    (before the site's name) and their first <h1> must be.
    """
    problems = SiteProblems()
    root = root.resolve()
    top = str(root)
    if pages is None:
        files = site_files(root)
        pages = [p for p in files if p.name.endswith(".html")]
        sheets = [p for p in files if p.name.endswith(".css")]
    else:
        pages, sheets = [p.resolve() for p in pages], []
    seen: dict[str, tuple[bool, bool]] = {}
    targets: dict[tuple, tuple[str, bool] | None] = {}  # by target_key
    expected = dict(titles or {})
    for page in pages:
        name = page.relative_to(root)
        parser = PageScan()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        base = posixpath.dirname(name.as_posix())
        depth = base.count("/") + 1 if base else 0
        for url in parser.links:
            key = target_key(base, depth, url)
            if key not in targets:
                targets[key] = link_target(top, base, url, seen)
            found = targets[key]
            if found is None:
                continue
            target, outside = found
            if outside:
                if posixpath.basename(target) not in allowed_outside:
                    problems.broken_links.append(f"{name}: {url}（サイトの外）")
            elif not _lookup(top, target, seen)[1]:
                problems.broken_links.append(f"{name}: {url}")
        external = [url for url in parser.resources if _is_external(url)] + parser.external_styles
        problems.third_party += [f"{name}: {url}" for url in external]
        problems.unsafe += [f"{name}: {problem}" for problem in parser.unsafe]
        title = expected.pop(name.as_posix(), None)
        if title is not None and (parser.h1 != title or (parser.title or "").rsplit(" - ", 1)[0] != title):
            problems.unsafe.append(
                f"{name}: 表題が記録と違う / the title is not the record's: <title> {parser.title!r}, "
                f"<h1> {parser.h1!r}, 記録 / record {title!r}"
            )
    problems.unsafe += [f"{name}: 表題を確かめるページがない / no such page to check its title" for name in expected]
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8", errors="replace")
        if _CSS_URL.search(text) or re.search(r"@import\s+(url\()?['\"]?https?:", text):
            problems.third_party.append(f"{sheet.relative_to(root)}: 外部の url() または @import")
    return problems
