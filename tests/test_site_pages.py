"""The page templates on their own: escaping, list structure, statuses in words, charts with tables; and the site
check's reading of pages."""

import re

import pytest

from pipeline.website.checks import PageScan, check_site, link_target, site_files, target_key
from pipeline.website.pages import bar_chart, environment, value_sources


def macro(name: str, *args) -> str:
    """One of the templates' macros (site/templates/macros.html), rendered as the pages render it."""
    template = environment().from_string(f'{{% from "macros.html" import {name} %}}{{{{ {name}(*args) }}}}')
    return template.render(args=args)


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", '"><a href="javascript:x">', "&amp; &lt;"],
)
def test_source_text_is_escaped(hostile):
    rendered = macro("cell", hostile) + macro("cell", f"・{hostile}\n・二つ目")
    rendered += macro("project_link", {"ID": 1, "事業名": hostile}, 1)
    assert "<script" not in rendered and "<img" not in rendered and 'href="javascript' not in rendered
    escaped = hostile.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    assert escaped in rendered


def test_lines_become_list_items_with_their_bullets():
    assert macro("cell", "・一\n・二") == '<ul class="cell-lines"><li>・一</li><li>・二</li></ul>'
    assert macro("cell", "一つだけ") == "<p>一つだけ</p>"
    assert "記載なし" in macro("cell", "") and "記載なし" in macro("cell", None)


@pytest.mark.parametrize("value", ["計画以上・計画どおり", "課題あり", "未記入", "判読不能"])
def test_status_is_a_symbol_and_words(value):
    html = macro("status", value)
    assert value in html and 'aria-hidden="true"' in html


def test_chart_is_described_and_labelled():
    svg = macro(
        "bar_chart", bar_chart("c", "事業区分ごとの事業数", [("重点事業（A）", 21, ""), ("探索型事業（C）", 13, "")])
    )
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert "重点事業（A） 21件、探索型事業（C） 13件" in svg
    assert re.search(r">21件</text>", svg)


def test_value_sources_list_read_fields_and_name_empty_ones():
    def source(name, cells, how="自動配置", correction=None):
        return {"列名": name, "出典セル": cells, "取得方法": how, "訂正番号": correction}

    listed = value_sources(
        [
            source("全国地方公共団体コード", None, "固定値"),
            source("事業名", ["p1:L6:c2"]),
            source("所管課", ["p1:L6:c3"], "訂正（値）", "訂正1"),
            source("CHECK_年次_実績", ["p2:L21:c16"], "訂正（配置）", "訂正3"),
            source("PLAN_成果指標", None),
            source("要確認", None, "派生"),
        ]
    )
    assert listed["read"] == [
        {"field": "事業名", "cells": "p1:L6:c2", "how": ""},
        {"field": "所管課", "cells": "p1:L6:c3", "how": "（訂正（値）、訂正1）"},
        {"field": "CHECK_年次_実績", "cells": "p2:L21:c16", "how": "（訂正（配置）、訂正3）"},
    ]
    assert listed["empty"] == ["PLAN_成果指標"]


def test_static_checks_find_broken_links_and_third_party(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<a href="../b/">b</a><a href="../a/">a</a><a href="https://example.org/">ok</a>'
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//fonts.example/css">',
        encoding="utf-8",
    )
    (tmp_path / "a" / "deep").mkdir()
    (tmp_path / "a" / "deep" / "s.css").write_text("body{background:url(https://x.example/i.png)}", encoding="utf-8")
    (tmp_path / "index.html").write_text('<a href="a/">a</a><a href="../x.csv">x</a>', encoding="utf-8")
    problems = check_site(tmp_path)
    assert problems.broken_links == ["a/index.html: ../b/", "index.html: ../x.csv（サイトの外）"]
    assert len(problems.third_party) == 3
    assert problems.third_party[-1].startswith("a/deep/s.css: ")
    landing = check_site(tmp_path, frozenset({"x.csv"}), pages=[tmp_path / "index.html"])
    assert (landing.broken_links, landing.third_party) == ([], [])  # only the pages given, no stylesheet


def test_site_files_lists_every_file_as_rglob_does(tmp_path):
    for name in ("b.html", "a/z.css", "a-b/c.html", "a/b/index.html", ".hidden/x.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert site_files(tmp_path) == sorted(p for p in tmp_path.rglob("*") if p.is_file())


def test_site_check_scanner_handles_quotes_comments_and_raw_text():
    scanner = PageScan()
    scanner.feed(
        '<!-- <a href="commented.html"> --><a title="a > b" HREF="x.html?a=1&amp;b=2">x</a>'
        "<script>var s = '<a href=\"in-script.html\">';</script><script src='app.js'></script>"
        '<style>.a{background:url(https://x.example/i.png)}</style><p style="background:url(//y.example/j.png)">'
    )
    assert scanner.links == ["x.html?a=1&b=2", "app.js"]
    assert scanner.resources == ["app.js"]
    assert len(scanner.external_styles) == 2


def test_pages_share_a_links_target_only_where_it_cannot_depend_on_their_folder(tmp_path):
    """The link check answers each link once per key (target_key): two pages whose keys for a URL are the same
    get the same target for it."""
    for folder in ("a/b", "c/d", "x"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    bases = ["", "a", "c", "a/b", "c/d", "a/b/e"]
    urls = ["../", "../../", "../../x/", "../x", "x", "./x", "x/", "#f", "https://e.example/", "//e.example/x",
            "mailto:a@b.example", "../x#f", "..../x", "../a/../c/", "../../../", "?q=1"]  # fmt: skip
    answers: dict[tuple, set] = {}
    for base in bases:
        depth = base.count("/") + 1 if base else 0
        for url in urls:
            answers.setdefault(target_key(base, depth, url), set()).add(link_target(str(tmp_path), base, url, {}))
    assert all(len(targets) == 1 for targets in answers.values())
    assert len(answers) < len(bases) * len(urls)  # and they do share
