"""The review report (pipeline/export/review.py): inert in viewers that render Markdown and HTML, and as the Dagster UI
shows it: whole, or cut at a project when long."""

import html
import re
import shutil

import pytest
from conftest import FIXTURES
from markdown_it import MarkdownIt

from pipeline.core.corrections import load_corrections
from pipeline.core.year import build_core_year
from pipeline.export.review import markdown_text, report_for_ui, review_report
from pipeline.ingest.read import parse_source
from pipeline.raw import read_raw_year


def raw_year(raw):
    """The year's records from a raw folder, as `make review` reads them."""
    source = read_raw_year(raw, 2022)
    table = parse_source(source.data, str(source.source), 2022)
    return build_core_year(table, load_corrections(source.corrections), str(source.corrections))


def _report(projects: int) -> str:
    sections = "".join(f"### 事業No.{n} 事業{n}\n\n- 確認事項{n}\n\n" for n in range(1, projects + 1))
    return f"# 確認レポート\n\n## 要確認の項目\n\n{sections}## 適用した訂正\n\n訂正はありません。\n"


def test_a_report_within_the_limit_is_shown_whole():
    report = _report(3)
    assert report_for_ui(report, 2022, limit=len(report)) == report


def test_a_long_report_is_cut_before_the_first_project_that_does_not_fit_and_says_where_the_rest_is():
    report = _report(40)
    shown = report_for_ui(report, 2031, limit=300)
    kept = shown.split("\n\n（")[0]
    assert report.startswith(kept) and len(kept) <= 300
    assert kept.endswith("- 確認事項" + kept.rsplit("事業No.", 1)[1].split(" ")[0])  # a whole project, no cut line
    assert "make review YEAR=2031" in shown and "published/data/2031/141500_ict_review_2031.md" in shown


HOSTILE = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(2)> &amp; &lt;",
    "**太字** _斜体_ `code` ~~消し~~ | 表 | ![画像](x.png) <https://example.org/>",
    "二行目\n# 見出し\n- 項目\n```\nフェンス",
    "\\[バックスラッシュ\\] \\",
]


def _markdown_viewer():
    """A CommonMark renderer that passes HTML through, as the viewers that render it do (with tables and
    strikethrough, as GitHub's)."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _markup(tokens) -> list[str]:
    """Every token that is markup rather than text, at any depth."""
    found = []
    for token in tokens:
        if token.type in ("html_inline", "html_block") or token.type.startswith(
            ("link_", "image", "em_", "strong_", "s_", "code_inline", "table_", "heading_")
        ):
            found.append(token.type)
        found += _markup(token.children or [])
    return found


@pytest.mark.parametrize("text", HOSTILE)
def test_source_text_in_the_report_is_shown_as_the_characters_it_is(text):
    tokens = _markdown_viewer().parse(f"- 不確かな点: {markdown_text(text)}")
    assert _markup(tokens) == []
    shown = "".join(t.content for t in tokens if t.type == "inline")
    rendered = html.unescape(re.sub(r"<[^>]+>", "", _markdown_viewer().render(f"- {markdown_text(text)}")))
    assert rendered.strip() == " ".join(text.split("\n")).strip() and markdown_text(text) in shown


def test_the_review_file_of_a_hostile_source_is_inert(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_hostile", raw)
    (raw / "2022" / "corrections.yaml").write_text(
        "corrections:\n"
        "  - project: 3\n"
        "    field: 所管課\n"
        "    original: 広報広報課\n"
        '    value: "<b>広聴広報課</b>"\n'
        '    reason: "[根拠](javascript:alert(3)) <img src=x onerror=alert(4)>"\n',
        encoding="utf-8",
    )
    year = raw_year(raw)
    report = review_report(year)
    tokens = _markdown_viewer().parse(report)
    markup = set(_markup(tokens))
    assert markup <= {"heading_open", "heading_close", "table_open", "table_close"} | {
        t for t in markup if t.startswith("table_")
    }
    rendered = _markdown_viewer().render(report)
    assert "<script" not in rendered and "<img" not in rendered and "javascript:alert(3)</a>" not in rendered
    assert "href=" not in rendered
    assert "事業No.2 &lt;script&gt;alert(" in rendered and "[根拠](javascript:alert(3))" in html.unescape(rendered)
