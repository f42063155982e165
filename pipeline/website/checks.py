"""Checks on a built site that need no browser: every internal link resolves, nothing loads from other hosts.

The browser tests (tests/test_site_browser.py, `make audit`) add what only a browser can see: axe-core,
the requests actually made, the layout at 390 px and the search.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

_RESOURCE_ATTRS = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("audio", "src"),
                   ("video", "src"), ("embed", "src"), ("object", "data"), ("input", "src")}  # fmt: skip
_LOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch", "apple-touch-icon"}
_CSS_URL = re.compile(r"""url\(\s*['"]?(https?:)?//""", re.IGNORECASE)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
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
            self.resources.append(a["style"])


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https") or url.startswith("//"))


def _target(root: Path, page: Path, url: str) -> tuple[Path, bool] | None:
    """The file a relative URL on ``page`` points to and whether it leaves ``root``; None for fragments,
    mailto: and absolute URLs."""
    parts = urlsplit(url)
    if parts.scheme or url.startswith("//") or not parts.path:
        return None
    base = PurePosixPath(page.relative_to(root).as_posix()).parent
    path = PurePosixPath(unquote(parts.path))
    steps = path.parts[1:] if path.is_absolute() else (*base.parts, *path.parts)
    normal: list[str] = []
    for part in steps:
        if part == ".." and normal and normal[-1] != "..":
            normal.pop()
        elif part != ".":
            normal.append(part)
    outside = bool(normal) and normal[0] == ".."
    target = root.joinpath(*normal) if normal else root
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, outside


def broken_links(root: Path, allowed_outside: frozenset[str] = frozenset()) -> list[str]:
    """Internal links of every HTML page under ``root`` that lead nowhere.

    A link that leaves ``root`` is accepted only if its target's name is in ``allowed_outside`` (the landing's
    files, checked once the whole site is assembled).
    """
    problems = []
    root = root.resolve()
    for page in sorted(root.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.links:
            found = _target(root, page, url)
            if found is None:
                continue
            target, outside = found
            if outside:
                if target.name not in allowed_outside:
                    problems.append(f"{page.relative_to(root)}: {url}（サイトの外）")
            elif not target.exists():
                problems.append(f"{page.relative_to(root)}: {url}")
    return problems


def third_party_resources(root: Path) -> list[str]:
    """Anything a page or stylesheet would load from another host (scripts, styles, fonts, images)."""
    problems = []
    for page in sorted(root.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        problems += [f"{page.relative_to(root)}: {url}" for url in parser.resources if _is_external(url)]
    for sheet in sorted(root.rglob("*.css")):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        if _CSS_URL.search(text) or re.search(r"@import\s+(url\()?['\"]?https?:", text):
            problems.append(f"{sheet.relative_to(root)}: 外部の url() または @import")
    return problems
