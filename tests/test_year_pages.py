"""The plugin that hands a year's pages to MkDocs in memory lists them where MkDocs itself would have, and its
reuse of identical renderings changes nothing in the built site."""

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files

import pipeline.website.build as build
import pipeline.website.year_pages as year_pages
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
    """FY2022 and the hostile fixture (markup, scripts and links in cells), built with the reuse of Markdown
    renderings and theme blocks, and with MkDocs' own Page and the theme's blocks rendered for every page; the
    reuse must actually happen for the comparison to mean anything."""
    release = request.getfixturevalue(fixture) / "data" / "2022"
    reused_renderings, reused_blocks = [], []
    render, shared_block = year_pages.SharedRenderPage.render, year_pages.YearPages.shared_block

    def counting_render(page, config, files):
        reused_renderings.append(page.markdown in page._renders)
        render(page, config, files)

    def counting_block(plugin, block, page, base_url, caller):
        before = len(plugin.blocks)
        html = shared_block(plugin, block, page, base_url, caller)
        reused_blocks.append(block if len(plugin.blocks) == before else None)
        return html

    monkeypatch.setattr(year_pages.SharedRenderPage, "render", counting_render)
    monkeypatch.setattr(year_pages.YearPages, "shared_block", counting_block)
    shared = _site_files(build.build_year_site(release, 2022, tmp_path / "shared"))
    assert sum(reused_renderings) >= len(reused_renderings) // 2 > 0
    assert {"styles", "libs", "analytics", "header", "site_nav", "footer", "config", "scripts"} <= set(reused_blocks)

    monkeypatch.setattr(year_pages.SharedRenderPage, "render", year_pages.Page.render)
    monkeypatch.setattr(year_pages.YearPages, "shared_block", lambda plugin, block, page, base_url, caller: caller())
    every_page = _site_files(build.build_year_site(release, 2022, tmp_path / "every-page"))
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


@pytest.mark.e2e
@pytest.mark.parametrize("features", [[], ["navigation.footer"]])
def test_theme_blocks_are_reused_only_between_pages_with_the_same_inputs(features, published, tmp_path, monkeypatch):
    """Pages made to tell the inputs apart: project pages with the same body (reused) and their own titles,
    another body (its own table of contents), the same body one folder deeper (other relative links), two nav
    pages with the same body (each its own current nav entry), titles that are also text of the header around
    them ("span" first in its folder, "md-ellipsis", an empty one); and, with the theme's footer links to the
    previous and next page, nav pages whose footers differ."""
    same = "\n## 見出し\n\n### 小見出し\n"
    pages = {path: (f'---\ntitle: "{title}"\n---\n\n## {title}\n', []) for title, path in build.NAV}
    pages["departments.md"] = pages["categories.md"] = (f'---\ntitle: "同じ本文"\n---\n{same}', [])
    pages |= {
        "projects/1.md": (f'---\ntitle: "No.1"\n---\n{same}', []),
        "projects/2.md": (f'---\ntitle: "No.2"\n---\n{same}', []),
        "projects/3.md": ('---\ntitle: "No.3"\n---\n\n## 別の見出し\n', []),
        "projects/more/4.md": (f'---\ntitle: "No.4"\n---\n{same}', []),
        "projects/6.md": (f'---\ntitle: "md-ellipsis"\n---\n{same}', []),
        "projects/7.md": (f'---\ntitle: ""\n---\n{same}', []),
        "projects/deep/a.md": (f'---\ntitle: "span"\n---\n{same}', []),
        "projects/deep/b.md": (f'---\ntitle: "No.8"\n---\n{same}', []),
    }
    monkeypatch.setattr(build, "year_site_pages", lambda release, release_dir: pages)
    configure = build.mkdocs_config

    def with_features(*args):
        config = configure(*args)
        config["theme"]["features"] += features
        return config

    monkeypatch.setattr(build, "mkdocs_config", with_features)
    release = published / "data" / "2022"
    shared = _site_files(build.build_year_site(release, 2022, tmp_path / "shared"))
    monkeypatch.setattr(year_pages.YearPages, "shared_block", lambda plugin, block, page, base_url, caller: caller())
    every_page = _site_files(build.build_year_site(release, 2022, tmp_path / "every-page"))
    assert [name for name in shared if shared[name] != every_page[name]] == []
    assert 'href="#_2"' in shared["projects/2/index.html"].decode()  # the headings of its own body
    assert 'href="#_2"' not in shared["projects/3/index.html"].decode()
    assert ("md-footer__link" in shared["index.html"].decode()) == bool(features)
