"""The page generator on its own: escaping, list structure, statuses in words, charts with tables."""

import re

import pytest

from pipeline.website.checks import broken_links, third_party_resources
from pipeline.website.pages import bar_chart, cell, h, project_link, status


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", '"><a href="javascript:x">', "&amp; &lt;"],
)
def test_source_text_is_escaped(hostile):
    rendered = cell(hostile) + cell(f"・{hostile}\n・二つ目") + project_link({"ID": 1, "事業名": hostile}, 1)
    assert "<script" not in rendered and "<img" not in rendered and 'href="javascript' not in rendered
    assert h(hostile) in rendered


def test_lines_become_list_items_with_their_bullets():
    assert cell("・一\n・二") == '<ul class="cell-lines"><li>・一</li><li>・二</li></ul>'
    assert cell("一つだけ") == "<p>一つだけ</p>"
    assert "記載なし" in cell("")


@pytest.mark.parametrize("value", ["計画以上・計画どおり", "課題あり", "未記入", "判読不能"])
def test_status_is_a_symbol_and_words(value):
    html = status(value)
    assert value in html and 'aria-hidden="true"' in html


def test_chart_is_described_and_labelled():
    svg = bar_chart("c", "事業区分ごとの事業数", [("重点事業（A）", 21, ""), ("探索型事業（C）", 13, "")])
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert "重点事業（A） 21件、探索型事業（C） 13件" in svg
    assert re.search(r">21件</text>", svg)


def test_static_checks_find_broken_links_and_third_party(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<a href="../b/">b</a><a href="../a/">a</a><a href="https://example.org/">ok</a>'
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//fonts.example/css">',
        encoding="utf-8",
    )
    (tmp_path / "s.css").write_text("body{background:url(https://x.example/i.png)}", encoding="utf-8")
    assert broken_links(tmp_path) == ["a/index.html: ../b/"]
    assert len(third_party_resources(tmp_path)) == 3
