"""The MkDocs plugin through which the pipeline hands a year's pages to MkDocs (pipeline/website/build.py adds it
to the loaded configuration; it is not listed in site/mkdocs.yml). It uses MkDocs' public plugin events and
attributes only: generated files (``File.generated``) and the page's metadata (``Page.meta``)."""

from __future__ import annotations

import html
from pathlib import Path

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from pipeline.website.pages import YearPage


class YearPages(BasePlugin):
    """The year's pages, handed to MkDocs in memory (the generated pages and the data dictionary), the site's own
    assets from site/assets/ where they are, and each generated page's title.

    A page's title is set as its metadata ``title`` (what front matter would set, and what the theme prints in
    <title>, its header and its h1), HTML-escaped, because the theme's templates print it without escaping.
    Setting it here rather than writing front matter keeps source text out of YAML and Markdown altogether: a
    project name with a line break or a control character cannot end the front matter and turn into Markdown."""

    def __init__(self, pages: dict[str, YearPage], assets: Path) -> None:
        super().__init__()
        self.pages = pages
        self.assets = assets

    def on_files(self, files: Files, config) -> Files:
        generated = {path: File.generated(config, path, content=page.markdown) for path, page in self.pages.items()}
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


def walk_order(uri: str) -> tuple:
    """Where MkDocs would list a file it found in docs_dir (it walks the folder): a folder's files before its
    subfolders, folders by name, files by name with ``index`` and ``README`` first. Pages are built, and enter
    the search index, in this order."""
    *folders, name = uri.split("/")
    stem = name.rsplit(".", 1)[0]
    return (*((1, folder) for folder in folders), (0, stem not in ("index", "README"), name))
