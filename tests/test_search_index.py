"""The site search's faster indexer (pipeline/website/search_index.py) gives Material's own index."""

from pathlib import Path

import pytest
from material.plugins.search.plugin import Parser, SearchIndex

import pipeline.website.build as build
from pipeline.website import search_index
from pipeline.website.search_index import FastSearchIndex, page_sections


def _material(page: str) -> list[tuple]:
    parser = Parser()
    parser.feed(page)
    parser.close()
    return _plain(parser.data)


def _plain(sections) -> list[tuple]:
    return [(s.el.tag, s.id, s.depth, "".join(s.title), "".join(s.text), s.is_excluded()) for s in sections]


@pytest.mark.parametrize(
    "page",
    [
        '<p>前書き</p><h1 id="t">題</h1><p>本文 &amp; 続き&#x3042;</p>',
        '<h2 id="a">見出し<a class="headerlink" href="#a">¶</a></h2><p>一\n二</p>   <p> </p>',
        '<h2 id="b"><a href="#z">リンク</a>題<a class="headerlink" href="#b">¶<b>x</b></a>後</h2><p>x</p>',
        "<p>閉じ<span>ない</p>要素</span><p>a</em>b</p>",
        "<h1>id のない見出し</h1><ul><li>一</li><li> </li></ul><ol><li><p>入れ子</p></li></ol>",
        '<div><h3 id="x">内側</h3><p>a</p></div><p>外側</p><h4 id="y">次</h4>text',
        "<pre><code>  字下げ\n  そのまま  </code></pre><p>a<br>b<br/>c<img src='i.png' alt=\"x > y\"/></p>",
        '<table><tr><th>列</th></tr><tr><td><span title="a &quot;b&quot;">値</span></td></tr></table>',
        "<!-- 注釈 <p>読まない</p> --><p>後</p><sub>1</sub><sup>2</sup>",
        '<P CLASS="x">大文字</P><h2 ID="u" data-x>属性</h2>',
        "終わりが文 &amp",
        # Left to Material's parser: scripts, styles, exclusions, declarations, a stray "<".
        "<p>a</p><script>var s = '<p>x</p>';</script><p>b</p>",
        "<style>p{}</style><p>a</p>",
        "<div data-search-exclude><p>除外</p></div><p>残る</p>",
        "<div DATA-Search-Exclude><p>除外</p></div><p>残る</p>",
        '<table class="linenodiv"><tr><td><p>1</p></td></tr></table><p>後</p>',
        '<div class="&#108;inenodiv"><p>番号</p></div><p>後</p>',
        "<div CLASS = '&#x6C;inenodiv'><p>番号</p></div><p>後</p>",
        "<div class=&#108;inenodiv><p>番号</p></div><p>後</p>",
        "<!DOCTYPE html><p>a</p>",
        "<p>1 < 2</p><p>後</p>",
        "<p>a</p><object data='x'><p>中</p></object>",
    ],
)
def test_sections_are_materials(page):
    assert _plain(page_sections(page)) == _material(page)


@pytest.mark.e2e
@pytest.mark.parametrize("fixture", ["published", "published_hostile"])
def test_a_built_sites_index_is_materials(fixture, request, tmp_path, monkeypatch):
    release = request.getfixturevalue(fixture) / "data" / "2022"
    read_fast = []
    fast_sections = search_index._fast_sections

    def counted(page):
        sections = fast_sections(page)
        read_fast.append(sections is not None)
        return sections

    monkeypatch.setattr(search_index, "_fast_sections", counted)
    fast = build.build_year_site(release, 2022, tmp_path / "fast")
    monkeypatch.setattr(FastSearchIndex, "add_entry_from_context", SearchIndex.add_entry_from_context)
    material = build.build_year_site(release, 2022, tmp_path / "material")

    def files(site: Path) -> dict[str, bytes]:
        return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    built, reference = files(fast), files(material)
    assert sum(read_fast) >= 0.9 * len(read_fast) > 5  # the pages were read by the fast path ...
    assert built.keys() == reference.keys()
    assert [name for name in built if built[name] != reference[name]] == []  # ... and the site is the same
