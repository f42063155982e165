"""Checks on a built site that need no browser: every internal link resolves, nothing loads from other hosts.

The browser tests (tests/test_site_browser.py, `make audit`) add what only a browser can see: axe-core,
the requests actually made, the layout at 390 px and the search.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

_RESOURCE_ATTRS = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("audio", "src"),
                   ("video", "src"), ("embed", "src"), ("object", "data"), ("input", "src")}  # fmt: skip
_LOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch", "apple-touch-icon"}
_CSS_URL = re.compile(r"""url\(\s*['"]?(https?:)?//""", re.IGNORECASE)


# A tag-level scanner rather than html.parser: it reads the pages MkDocs writes several times faster, which matters
# at thousands of pages; tests/test_site_pages.py checks it against html.parser on a built site. One findall reads a
# whole page: comments, then script and style elements with their raw text, then any other tag.
# (Written as runs of plain characters between quoted values, the same text as ``(?:[^>"']|"[^"]*"|'[^']*')*`` but
# without an alternation per character: a third faster over a year's pages.)
_ATTRIBUTES_TEXT = r"""([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>"""
_MARKUP = re.compile(
    r"<!--.*?-->"
    rf"|<((?i:script)(?=[\s/>])){_ATTRIBUTES_TEXT}(?:.*?(?:</(?i:script)\s*>|\Z))"
    rf"|<((?i:style)(?=[\s/>])){_ATTRIBUTES_TEXT}(.*?)(?:</(?i:style)\s*>|\Z)"
    rf"|<([a-zA-Z][^\s/>]*){_ATTRIBUTES_TEXT}",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_URL_ATTRIBUTE = re.compile(r"(?:^|[\s\"'])(?:href|src|data|style)\s*=", re.IGNORECASE)


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in _ATTRIBUTE.finditer(text):
        name = m.group(1).lower()
        if name not in found:  # as browsers do: the first of repeated attributes wins
            value = next((g for g in m.group(2, 3, 4) if g is not None), "")
            found[name] = html.unescape(value)
    return found


def _url_attributes(text: str, known: dict[str, dict[str, str] | None]) -> dict[str, str] | None:
    """The attributes of a tag with a URL attribute (href, src, data, style), None for any other tag. ``known``
    keeps the answer per attribute text: a site's pages repeat the theme's tags."""
    if text not in known:
        known[text] = _attributes(text) if _URL_ATTRIBUTE.search(text) else None
    return known[text]


@dataclass
class _Links:
    """The URLs a page links to and the ones it makes the browser load."""

    known: dict[str, dict[str, str] | None] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    external_styles: list[str] = field(default_factory=list)

    def feed(self, page: str) -> None:
        for script, script_attrs, style, style_attrs, style_body, tag, attrs in _MARKUP.findall(page):
            if tag:
                if (a := _url_attributes(attrs, self.known)) is not None:
                    self.start_tag(tag.lower(), a)
            elif script:
                if (a := _url_attributes(script_attrs, self.known)) is not None:
                    self.start_tag("script", a)
            elif style:
                if (a := _url_attributes(style_attrs, self.known)) is not None:
                    self.start_tag("style", a)
                if _CSS_URL.search(style_body):
                    self.external_styles.append(f"<style>{style_body[:80]}")

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


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https") or url.startswith("//"))


def _target(root: str, base: str, url: str, seen: dict[str, tuple[bool, bool]]) -> tuple[str, bool] | None:
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


def _target_key(base: str, depth: int, url: str) -> tuple:
    """What ``_target`` depends on: the URL and the page's folder — only the folder's depth when the URL first
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


def site_files(root: Path) -> list[Path]:
    """Every file under ``root``, sorted. (One os.walk: pathlib's rglob took about four times as long, 0.04 s per
    pass over a 500-project year's site and 0.9 s over twenty years' sites.)"""
    return sorted(Path(folder, name) for folder, _, names in os.walk(root) for name in names)


def check_site(
    root: Path, allowed_outside: frozenset[str] = frozenset(), pages: list[Path] | None = None
) -> SiteProblems:
    """Internal links that lead nowhere and anything loaded from another host, reading each page once.

    ``pages`` limits the check to those pages (default: every HTML page and stylesheet under ``root``). A link
    that leaves ``root`` is accepted only if its target's name is in ``allowed_outside`` (the landing's files,
    checked once the whole site is assembled).
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
    targets: dict[tuple, tuple[str, bool] | None] = {}  # by _target_key
    known: dict[str, dict[str, str] | None] = {}
    for page in pages:
        name = page.relative_to(root)
        parser = _Links(known)
        parser.feed(page.read_text(encoding="utf-8"))
        base = posixpath.dirname(name.as_posix())
        depth = base.count("/") + 1 if base else 0
        for url in parser.links:
            key = _target_key(base, depth, url)
            if key not in targets:
                targets[key] = _target(top, base, url, seen)
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
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8", errors="replace")
        if _CSS_URL.search(text) or re.search(r"@import\s+(url\()?['\"]?https?:", text):
            problems.third_party.append(f"{sheet.relative_to(root)}: 外部の url() または @import")
    return problems
