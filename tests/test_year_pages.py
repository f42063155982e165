"""The plugin that hands a year's pages to MkDocs in memory lists them where MkDocs itself would have."""

from mkdocs.config import load_config
from mkdocs.structure.files import get_files

from pipeline.website.year_pages import walk_order

PATHS = [
    "projects/10.md",
    "index.md",
    "projects/index.md",
    "assets/stylesheets/site.css",
    "method.md",
    "projects/2.md",
    "assets/javascripts/a11y.js",
    "a/b/index.md",
    "a/z.md",
    "accessibility.md",
]


def test_generated_files_are_in_the_order_mkdocs_walks_the_docs_folder(tmp_path):
    docs = tmp_path / "docs"
    for path in PATHS:
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text("# x\n", encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(f"site_name: t\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n", encoding="utf-8")
    config = load_config(str(config_file))
    walked = [f.src_uri for f in get_files(config)]
    assert sorted(PATHS, key=walk_order) == walked
