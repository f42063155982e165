"""The review report: what an operator should check this year, in Japanese, with corrections ready to paste.

For every open flag: the project, the field, the source cell and its raw text, what is uncertain, what the
pipeline did, and how to settle it (a corrections.yaml entry to confirm the value or to move the cell).

The report is Markdown that people open in viewers which render Markdown and HTML (the Dagster UI, GitHub, an
editor's preview), so text from the source or from corrections.yaml never becomes markup there: in running text
it goes through ``markdown_text`` (on one line, ``<``, ``>`` and ``&`` as character references, Markdown's
punctuation backslash-escaped), and a cell's raw text and the correction snippets sit in fenced code blocks whose
fence no line of the text can close.
"""

from __future__ import annotations

import json
import re

from pipeline import columns as col
from pipeline import layout
from pipeline.core.align import UNPLACED
from pipeline.core.flags import Flag, Severity
from pipeline.core.normalise import normalise_text
from pipeline.core.records import ProjectRecord
from pipeline.core.year import CoreYear
from pipeline.ingest.source import Cell
from pipeline.schema import wareki

# Markdown's punctuation that can start or end markup inline: an underscore only where it is not inside a word
# (CommonMark and GitHub never read an underscore between two letters or digits as emphasis: "PLAN_行動目標").
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*\[\]|~#])|(?<![^\W_])_|_(?![^\W_])")
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x85\u2028\u2029]")


def markdown_text(text: object) -> str:
    """Text for running Markdown (a heading, a list item) that every Markdown viewer shows as the characters it
    is: on one line, HTML's special characters as references and Markdown's punctuation backslash-escaped."""
    one_line = _LINE_BREAKS.sub(" ", str(text))
    escaped = one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_PUNCTUATION.sub(lambda m: "\\" + m.group(0), escaped)


def _fence(text: str, info: str = "text") -> str:
    """A fenced code block that no line of ``text`` can close (its fence is longer than any run of backticks)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _yaml_str(text: str, indent: str) -> str:
    if "\n" not in text:
        return json.dumps(text, ensure_ascii=False)
    body = "\n".join(indent + "  " + line for line in text.split("\n"))
    return "|-\n" + body


def correction_snippet(project: int, field: str, cell: Cell | None, original: str, value: str) -> str:
    """A corrections.yaml entry the operator can paste and complete with the reason."""
    indent = "    "
    lines = [f"  - project: {project}", f"{indent}field: {field}"]
    if cell is not None:
        lines.append(f"{indent}cell: {cell.ref}")
    lines.append(f"{indent}original: {_yaml_str(original, indent)}")
    lines.append(f"{indent}value: {_yaml_str(value, indent)}")
    lines.append(f"{indent}reason: （原本のPDFで確かめた根拠を書く）")
    return _fence("\n".join(lines), "yaml")


def _where_on_page(cell: Cell) -> str:
    """For a cell read from the PDF, where it is on its page (points from the top left), to find it quickly."""
    if cell.box is None:
        return ""
    x0, top, x1, bottom = (round(v) for v in cell.box)
    return f"（PDFの{cell.page}ページ目、左{x0}〜{x1}pt・上{top}〜{bottom}pt）"


def _cells_by_ref(year: CoreYear) -> dict[str, Cell]:
    return {c.ref: c for a in year.aligned.values() for c in a.row.cells}


def _flag_section(flag: Flag, record: ProjectRecord, cells: dict[str, Cell]) -> list[str]:
    out = [
        f"#### 【{markdown_text(flag.field)}】{markdown_text(flag.kind_label)}",
        "",
        f"- 不確かな点: {markdown_text(flag.issue)}",
        f"- 扱い: {markdown_text(flag.action)}",
    ]
    for ref in flag.cells:
        if ref in cells:
            out += [
                "",
                f"原本のセル {ref}{_where_on_page(cells[ref])}（原本の文字のまま）:",
                "",
                _fence(cells[ref].text),
            ]
    out += ["", f"- 直し方: {markdown_text(flag.fix)}"]
    cell = cells.get(flag.cells[0]) if len(flag.cells) == 1 else None
    if flag.kind in ("ambiguous_column", "content_conflicts_with_column") and cell is not None:
        text = normalise_text(cell.text)
        out += [
            "",
            "列が正しいと確かめたとき（確認済みにする）:",
            "",
            correction_snippet(record.project, flag.field, cell, record.text(flag.field), text),
        ]
        for alternative in _alternatives(flag):
            out += [
                "",
                f"「{alternative}」の列だったとき:",
                "",
                correction_snippet(record.project, alternative, cell, record.text(alternative), text),
            ]
    elif flag.field in record.fields and flag.field != UNPLACED:
        out += [
            "",
            "値を直すとき（value に正しい値を書く）:",
            "",
            correction_snippet(record.project, flag.field, None, record.text(flag.field), record.text(flag.field)),
        ]
    return [*out, ""]


def _alternatives(flag: Flag) -> list[str]:
    found = re.findall(r"「([^」]+)」", flag.issue)
    return [c for c in dict.fromkeys(found) if c in col.COLUMNS and c != flag.field]


def review_report(year: CoreYear) -> str:
    """The whole report as Markdown."""
    fy = year.fiscal_year
    records = {r.project: r for r in year.records}
    cells = _cells_by_ref(year)
    open_flags = [f for f in year.flags if f.open]
    resolved = [f for f in year.flags if f.resolved_by]
    info = [f for f in year.flags if f.severity is Severity.INFO]
    open_by_project: dict[int, list[Flag]] = {}
    for f in open_flags:
        open_by_project.setdefault(f.project, []).append(f)
    review_projects = sorted(open_by_project)
    lines = [
        f"# 確認レポート {wareki(fy)}",
        "",
        "相模原市ICT総合戦略 事業一覧をPDF抽出テキストから表にしたとき、確実に判断できなかった箇所の一覧です。",
        "原本のPDFで確かめ、必要なら訂正ファイル（raw/"
        + str(fy)
        + "/corrections.yaml）に追記して、もう一度実行してください。",
        "",
        "## 概要",
        "",
        "| 項目 | 件数 |",
        "|---|---:|",
        f"| 事業数 | {len(year.records)} |",
        f"| 要確認の事業 | {len(review_projects)} |",
        f"| 未解決の確認事項 | {len(open_flags)} |",
        f"| 訂正で解決した確認事項 | {len(resolved)} |",
        f"| 適用した訂正 | {len(year.corrections)} |",
        f"| 参考情報 | {len(info)} |",
        "",
        "セル位置は「p2:L21:c16」のように、ページ・原本ファイルの行・タブ区切りの何番目かを表します。",
        "",
        "## 要確認の項目",
        "",
    ]
    if not open_flags:
        lines += ["未解決の確認事項はありません。", ""]
    for project in review_projects:
        record = records[project]
        lines += [f"### 事業No.{project} {markdown_text(record.text(col.NAME))}", ""]
        for flag in open_by_project[project]:
            lines += _flag_section(flag, record, cells)
    lines += ["## 適用した訂正", ""]
    if not year.corrections:
        lines += ["訂正はありません。", ""]
    for c in year.corrections:
        kind = "配置" if c.is_placement else ("確認" if c.original == c.value else "値")
        where = f"（セル {markdown_text(c.cell)}）" if c.cell else ""
        lines += [
            f"- {markdown_text(c.id)}（{kind}）事業No.{c.project}「{markdown_text(c.field)}」{where}",
            f"  - 訂正前: {markdown_text(' '.join(c.original.split())[:80]) or '（空欄）'}",
            f"  - 訂正後: {markdown_text(' '.join(c.value.split())[:80]) or '（空欄）'}",
            f"  - 理由: {markdown_text(c.reason)}",
        ]
    lines += ["", "## 参考情報（対応不要）", ""]
    for flag in info:
        lines.append(
            f"- 事業No.{flag.project}「{markdown_text(flag.field)}」: {markdown_text(flag.issue)} {markdown_text(flag.action)}"
        )
    if not info:
        lines.append("ありません。")
    return "\n".join(lines) + "\n"


def review_file_name(fiscal_year: int) -> str:
    return layout.review_file_name(fiscal_year)


UI_REPORT_LIMIT = 200_000
"""Characters of the review report the Dagster UI shows (core_projects' metadata): more than a year of the
city's size needs. Dagster stores metadata in its event log, twice; a list of hundreds of projects makes a report
of more than a million characters, megabytes of stored event per run, too long to read there anyway."""


def report_for_ui(report: str, fiscal_year: int, limit: int = UI_REPORT_LIMIT) -> str:
    """The report whole, or, when longer than ``limit``, up to the last project that fits, saying where the
    whole report is."""
    if len(report) <= limit:
        return report
    cut = report.rfind("\n### ", 0, limit)
    shown = report[: cut if cut > 0 else limit].rstrip("\n")
    return (
        f"{shown}\n\n（レポートが長いため、ここまでを表示しています。全文は `make review YEAR={fiscal_year}` の出力、"
        f"公開後は published/data/{fiscal_year}/{review_file_name(fiscal_year)} にあります。）\n"
    )
