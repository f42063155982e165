"""The MkDocs plugin through which the pipeline hands a year's pages to MkDocs (pipeline/website/build.py adds it
to the loaded configuration; it is not listed in site/mkdocs.yml). It uses MkDocs' public plugin events and
attributes only: generated files (``File.generated``), the page's metadata (``Page.meta``) and its rendered HTML
(``on_page_content``)."""

from __future__ import annotations

import html
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from pipeline.website.blocks import restore_blocks, split_blocks
from pipeline.website.pages import YearPage


class YearPages(BasePlugin):
    """The year's pages, handed to MkDocs in memory (the generated pages and the data dictionary), the site's own
    assets from site/assets/ where they are, and each generated page's title.

    A page's title is set as its metadata ``title`` (what front matter would set, and what the theme prints in
    <title>, its header and its h1), HTML-escaped, because the theme's templates print it without escaping.
    Setting it here rather than writing front matter keeps source text out of YAML and Markdown altogether: a
    project name with a line break or a control character cannot end the front matter and turn into Markdown.

    With ``keep_blocks_out`` (the default), each page's self-contained raw HTML blocks are kept out of
    Python-Markdown, which would only re-parse them to pass them through, and put back in ``on_page_content``
    (pipeline/website/blocks.py): the same site, built faster."""

    def __init__(self, pages: dict[str, YearPage], assets: Path, keep_blocks_out: bool = True) -> None:
        super().__init__()
        self.pages = pages
        self.assets = assets
        self.markdown: dict[str, str] = {}
        self.blocks: dict[str, list[str]] = {}
        for path, page in pages.items():
            self.markdown[path], self.blocks[path] = (
                split_blocks(page.markdown) if keep_blocks_out else (page.markdown, [])
            )

    def on_files(self, files: Files, config) -> Files:
        generated = {path: File.generated(config, path, content=self.markdown[path]) for path in self.pages}
        for path in (p for p in self.assets.rglob("*") if p.is_file()):
            uri = f"{self.assets.name}/{path.relative_to(self.assets).as_posix()}"
            generated[uri] = File.generated(config, uri, abs_src_path=str(path))
        for uri in sorted(generated, key=walk_order):
            files.append(generated[uri])
        return files

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        own = self.pages.get(page.file.src_uri)
        if own is not None and own.title:
            page.meta["title"] = html.escape(own.title, quote=True)
        return markdown

    def on_page_content(self, html: str, page, config, files) -> str:
        try:
            return restore_blocks(html, self.blocks.get(page.file.src_uri, []))
        except ValueError as exc:
            raise PluginError(f"{page.file.src_uri}: {exc}") from None


def walk_order(uri: str) -> tuple:
    """Where MkDocs would list a file it found in docs_dir (it walks the folder): a folder's files before its
    subfolders, folders by name, files by name with ``index`` and ``README`` first. Pages are built, and enter
    the search index, in this order."""
    *folders, name = uri.split("/")
    stem = name.rsplit(".", 1)[0]
    return (*((1, folder) for folder in folders), (0, stem not in ("index", "README"), name))
