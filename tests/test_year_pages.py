"""The plugin that hands a year's pages to MkDocs in memory lists them where MkDocs itself would have, and its
reuse of identical renderings changes nothing in the built site."""

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files

import pipeline.website.year_pages as year_pages
from pipeline.website.build import build_year_site
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


def _site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.e2e
@pytest.mark.parametrize("fixture", ["published", "published_hostile"])
def test_reused_renderings_give_the_same_site_as_rendering_every_page(fixture, request, tmp_path, monkeypatch):
    """FY2022 and the hostile fixture (markup, scripts and links in cells), built with the reuse and with MkDocs'
    own Page for every page; the reuse must actually happen for the comparison to mean anything."""
    release = request.getfixturevalue(fixture) / "data" / "2022"
    reused = []
    render = year_pages.SharedRenderPage.render

    def counting_render(page, config, files):
        reused.append(page.markdown in page._renders)
        render(page, config, files)

    monkeypatch.setattr(year_pages.SharedRenderPage, "render", counting_render)
    shared = _site_files(build_year_site(release, 2022, tmp_path / "shared"))
    assert sum(reused) >= len(reused) // 2 > 0

    monkeypatch.setattr(year_pages, "SharedRenderPage", lambda file, config, renders: None)
    every_page = _site_files(build_year_site(release, 2022, tmp_path / "every-page"))
    assert shared.keys() == every_page.keys()
    assert [name for name in shared if shared[name] != every_page[name]] == []


@pytest.mark.parametrize(
    "body, reusable",
    [
        ('<h2 id="_1">事業の概要</h2>\n<!--block:0-->', True),
        ('<p><a href="../method/">作成方法</a></p>', False),
        ('<p><img alt="" src="figure.png" /></p>', False),
    ],
)
def test_only_renderings_without_links_or_images_are_reused(body, reusable):
    assert (year_pages._PAGE_DEPENDENT.search(body) is None) == reusable
