"""The MkDocs plugin through which the pipeline hands a year's pages to MkDocs (pipeline/website/build.py adds it
to the loaded configuration; it is not listed in site/mkdocs.yml)."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from pipeline.website.blocks import restore_blocks


class YearPages(BasePlugin):
    """The year's pages, handed to MkDocs in memory: the generated Markdown pages and the data dictionary as
    generated files, the site's own assets from site/assets/ where they are, and each page's raw HTML blocks put
    back into the rendered page (``on_page_content``, before the search index and the theme see it). Writing
    about a thousand small files into a docs folder for MkDocs to read once, and deleting them, took about 0.8
    CPU-seconds of a 500-project year's build on the benchmark machine."""

    def __init__(self, pages: dict[str, tuple[str, list[str]]], assets: Path) -> None:
        super().__init__()
        self.pages = pages
        self.assets = assets
        self.blocks: dict[tuple, str] = {}

    def on_files(self, files: Files, config) -> Files:
        generated = {path: File.generated(config, path, content=markdown) for path, (markdown, _) in self.pages.items()}
        for path in (p for p in self.assets.rglob("*") if p.is_file()):
            uri = f"{self.assets.name}/{path.relative_to(self.assets).as_posix()}"
            generated[uri] = File.generated(config, uri, abs_src_path=str(path))
        for uri in sorted(generated, key=walk_order):
            files.append(generated[uri])
        # Pages outside the nav get their Page here (MkDocs lets a plugin set File.page); the nav's pages keep
        # the Page MkDocs makes with the nav's title.
        in_nav = {path for entry in config.nav for path in entry.values()}
        renders: dict[str, tuple] = {}
        for path in self.pages.keys() - in_nav:
            SharedRenderPage(generated[path], config, renders)
        return files

    def on_env(self, env, config, files):
        env.globals["shared_block"] = self.shared_block
        return env

    def shared_block(self, block: str, page, base_url: str, caller):
        """A block of the theme's page (site/overrides/main.html), rendered by ``caller`` or reused from a page
        with the same inputs to it (about 0.3 CPU-seconds of a 500-project year's build).

        - ``config`` (the page's JSON settings for the theme's scripts), ``styles``, ``libs``, ``analytics`` and
          ``scripts`` depend on the build's configuration and the relative way to the site's root, ``base_url``
          (their links all lead into assets/, where no page is).
        - ``footer`` also on the pages before and after the page in the nav and its ``hide`` setting.
        - ``header`` also on the page's title, which it prints once: a page with a title in its front matter gets
          the block rendered for another such page, with its own title in place of the other's.
        - ``site_nav`` (the nav and the page's table of contents) depends on the nav, which page of it is
          current, base_url and the page's headings: it is reused only among pages outside the nav (none of
          whose entries is then current, and none of whose links points into the page's own folder) with the
          same Markdown body, whose headings are the same (SharedRenderPage), and the same ``hide`` setting.
        """
        if page is None:  # a page of the theme's own (404.html): rendered as it is
            return caller()
        if block in _SITE_WIDE_BLOCKS:
            key = (block, base_url)
        elif block == "footer":
            key = (block, base_url, _neighbour(page.previous_page), _neighbour(page.next_page), _hide(page))
        elif block == "header" and page.meta.get("title"):
            return self._header(page, base_url, caller)
        elif block == "site_nav" and isinstance(page, SharedRenderPage):
            key = (block, base_url, page.markdown, _hide(page))
        else:
            return caller()
        if key not in self.blocks:
            self.blocks[key] = caller()
        return self.blocks[key]

    def _header(self, page, base_url: str, caller) -> str:
        """The header for a page with a front-matter title: the text around the title, kept from the first page
        where it could be told apart (the title once after the topic's marker), with this page's title."""
        title = str(page.meta["title"])
        key = ("header", base_url)
        if key not in self.blocks:
            html = caller()
            marker = html.find(_HEADER_TOPIC)
            start = html.find(title, marker)
            if marker < 0 or start < 0 or html.count(title, marker) != 1:
                return html
            self.blocks[key] = (html[:start], html[start + len(title) :])
            return html
        before, after = self.blocks[key]
        return before + title + after

    def on_page_content(self, html: str, page, config, files) -> str:
        _, blocks = self.pages.get(page.file.src_uri, ("", []))
        try:
            return restore_blocks(html, blocks)
        except ValueError as exc:
            raise PluginError(f"{page.file.src_uri}: {exc}") from None


_SITE_WIDE_BLOCKS = frozenset({"config", "styles", "libs", "analytics", "scripts"})
_HEADER_TOPIC = 'data-md-component="header-topic"'


def _neighbour(page) -> tuple | None:
    return (page.url, page.title) if page is not None else None


def _hide(page) -> str:
    return repr(page.meta.get("hide"))


class SharedRenderPage(Page):
    """A page that reuses the rendering of an identical Markdown body rendered earlier in the same build.

    With its raw HTML blocks set aside (pipeline/website/blocks.py), a project page's Markdown is its headings and
    the blocks' placeholders, the title being in the front matter: a year's 500 project pages have two or three
    different bodies, and Python-Markdown converted the same few dozen lines 500 times, about 1.5 ms a page. The
    rendering is reused only when it cannot depend on the page it is for: the configured extensions read
    nothing but the text, and MkDocs' own processing that looks at the page's location rewrites links and
    images, so a body whose rendering has neither is rendered once. tests/test_year_pages.py builds sites with
    and without reuse and requires identical files."""

    def __init__(self, file: File, config, renders: dict[str, tuple]) -> None:
        super().__init__(None, file, config)
        self._renders = renders

    def render(self, config, files) -> None:
        rendered = self._renders.get(self.markdown)
        if rendered is None:
            super().render(config, files)
            if not _PAGE_DEPENDENT.search(self.content):
                self._renders[self.markdown] = (
                    self.content,
                    self.toc,
                    self._title_from_render,
                    self.present_anchor_ids,
                    self.links_to_anchors,
                )
            return
        self.content, toc, self._title_from_render, anchors, links = rendered
        self.toc, self.present_anchor_ids, self.links_to_anchors = _copy_toc(toc), set(anchors), copy.copy(links)


def _copy_toc(toc: TableOfContents) -> TableOfContents:
    """A page's own copy of a table of contents: its entries and their attributes, not the strings they hold
    (copy.deepcopy took a quarter of the time the reuse saves)."""

    def links(items: list[AnchorLink]) -> list[AnchorLink]:
        copies = []
        for item in items:
            duplicate = copy.copy(item)
            duplicate.children = links(item.children)
            copies.append(duplicate)
        return copies

    return TableOfContents(links(toc.items))


_PAGE_DEPENDENT = re.compile(r"<(?:a|img)\b|\b(?:href|src)=", re.IGNORECASE)
"""What in a rendered body MkDocs may have resolved against the page's own location (links and images)."""


def walk_order(uri: str) -> tuple:
    """Where MkDocs would list a file it found in docs_dir (it walks the folder): a folder's files before its
    subfolders, folders by name, files by name with ``index`` and ``README`` first. Pages are built, and enter
    the search index, in this order."""
    *folders, name = uri.split("/")
    stem = name.rsplit(".", 1)[0]
    return (*((1, folder) for folder in folders), (0, stem not in ("index", "README"), name))
