"""The review report: what an operator should check this year, in Japanese, with corrections ready to paste.

For every open flag: the project, the field, the source cell and its raw text, what is uncertain, what the
pipeline did, and how to settle it (a corrections.yaml entry to confirm the value or to move the cell).
"""

from __future__ import annotations

import json
import re

from pipeline import layout
from pipeline.core import align as col
from pipeline.core.flags import Flag, Severity
from pipeline.core.normalise import normalise_text
from pipeline.core.records import ProjectRecord
from pipeline.core.year import CoreYear
from pipeline.ingest.source import Cell
from pipeline.schema import wareki


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


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
    return "```yaml\n" + "\n".join(lines) + "\n```"


def _cells_by_ref(year: CoreYear) -> dict[str, Cell]:
    return {c.ref: c for a in year.aligned.values() for c in a.row.cells}


def _flag_section(flag: Flag, record: ProjectRecord, cells: dict[str, Cell]) -> list[str]:
    out = [f"#### 【{flag.field}】{flag.kind_label}", "", f"- 不確かな点: {flag.issue}", f"- 扱い: {flag.action}"]
    for ref in flag.cells:
        if ref in cells:
            out += ["", f"原本のセル {ref}（原本の文字のまま）:", "", _fence(cells[ref].text)]
    out += ["", f"- 直し方: {flag.fix}"]
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
    elif flag.field in record.fields and flag.field != col.UNPLACED:
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
        lines += [f"### 事業No.{project} {record.text(col.NAME)}", ""]
        for flag in open_by_project[project]:
            lines += _flag_section(flag, record, cells)
    lines += ["## 適用した訂正", ""]
    if not year.corrections:
        lines += ["訂正はありません。", ""]
    for c in year.corrections:
        kind = "配置" if c.is_placement else ("確認" if c.original == c.value else "値")
        where = f"（セル {c.cell}）" if c.cell else ""
        lines += [
            f"- {c.id}（{kind}）事業No.{c.project}「{c.field}」{where}",
            f"  - 訂正前: {' '.join(c.original.split())[:80] or '（空欄）'}",
            f"  - 訂正後: {' '.join(c.value.split())[:80] or '（空欄）'}",
            f"  - 理由: {c.reason}",
        ]
    lines += ["", "## 参考情報（対応不要）", ""]
    for flag in info:
        lines.append(f"- 事業No.{flag.project}「{flag.field}」: {flag.issue} {flag.action}")
    if not info:
        lines.append("ありません。")
    return "\n".join(lines) + "\n"


def review_file_name(fiscal_year: int) -> str:
    return layout.review_file_name(fiscal_year)


UI_REPORT_LIMIT = 200_000
"""Characters of the review report the Dagster UI shows (core_projects' metadata): about twice FY2022's whole
report. Dagster stores metadata in its event log, twice; a list of 500 projects made a 1.4-million-character
report, 5 MB of stored event per run and a quarter of a second of the run's time, too long to read there anyway."""


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
