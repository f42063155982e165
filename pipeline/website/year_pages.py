"""The MkDocs plugin through which the pipeline hands a year's pages to MkDocs (pipeline/website/build.py adds it
to the loaded configuration; it is not listed in site/mkdocs.yml)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

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

    def on_files(self, files: Files, config) -> Files:
        generated = {path: File.generated(config, path, content=markdown) for path, (markdown, _) in self.pages.items()}
        for path in (p for p in self.assets.rglob("*") if p.is_file()):
            uri = f"{self.assets.name}/{path.relative_to(self.assets).as_posix()}"
            generated[uri] = File.generated(config, uri, abs_src_path=str(path))
        for uri in sorted(generated, key=walk_order):
            files.append(generated[uri])
        return files

    def on_page_content(self, html: str, page, config, files) -> str:
        _, blocks = self.pages.get(page.file.src_uri, ("", []))
        try:
            return restore_blocks(html, blocks)
        except ValueError as exc:
            raise PluginError(f"{page.file.src_uri}: {exc}") from None


def walk_order(uri: str) -> tuple:
    """Where MkDocs would list a file it found in docs_dir (it walks the folder): a folder's files before its
    subfolders, folders by name, files by name with ``index`` and ``README`` first. Pages are built, and enter
    the search index, in this order."""
    *folders, name = uri.split("/")
    stem = name.rsplit(".", 1)[0]
    return (*((1, folder) for folder in folders), (0, stem not in ("index", "README"), name))
