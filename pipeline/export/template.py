"""The intake template a department fills in for a new year: CSV or XLSX, the list's 20 columns, and
instructions in Japanese — all generated from schemas/, empty or pre-filled with a year's records.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable

from pipeline import columns as col
from pipeline.core.cell_types import CATEGORIES, Status
from pipeline.core.records import ProjectRecord
from pipeline.export.tables import csv_bytes
from pipeline.ingest.template import SHEET, TEMPLATE_COLUMNS
from pipeline.paths import CACHE_DIR
from pipeline.release import replace_file
from pipeline.schema import load_fields

TEMPLATE_STEM = "141500_ict_projects_template"
TEMPLATE_CACHE = CACHE_DIR / "template"
STATUS_CHOICES = [s.value for s in (Status.ON_PLAN, Status.ISSUES, Status.BLANK)]
CATEGORY_CHOICES = [f"{name} ({code})" for code, name in CATEGORIES.items()]
HOW_TO_FILL = {
    col.ID: "事業番号（整数）。年度の中で重ならないように。",
    col.DEPARTMENTS: "所管課の名前。共管のときは半角セミコロン（;）で区切る（例: 国際課;DX推進課）。",
    col.H1_STATUS: f"次のどれか: {'／'.join(STATUS_CHOICES)}",
    col.FY_STATUS: f"次のどれか: {'／'.join(STATUS_CHOICES)}",
    col.CATEGORY: f"次のどれか: {'／'.join(CATEGORY_CHOICES)}",
}
GENERAL_NOTES = (
    "1行に1事業を書きます。1行目（見出し）は変えないでください。",
    "箇条書きは、セルの中で改行して1項目1行にします（行頭の ・ ○ ① などはそのまま書けます）。",
    "空欄の項目は空のままにします（「なし」「－」などは書かないでください）。",
    "CSVで保存するときは「CSV UTF-8（コンマ区切り）」を選びます（Shift_JIS の CSV も読めます）。",
    "記入したファイルは raw/<年度>/ に1つだけ置き、出所の記録 provenance.yaml を添えます。",
)


def _column_help(name: str) -> tuple[str, str]:
    field = load_fields().get(name)
    title = field.title if field else name
    description = field.description if field else ""
    return title, HOW_TO_FILL.get(name, description)


def template_values(record: ProjectRecord) -> list[object]:
    """A record's values in the template's columns, as a department would write them."""
    values: list[object] = []
    for name in TEMPLATE_COLUMNS:
        value = record.fields[name].value
        if name == col.CATEGORY:
            code = record.text("事業区分コード")
            value = f"{value} ({code})" if code else ""
        values.append(value)
    return values


def template_csv(records: Iterable[ProjectRecord] = ()) -> bytes:
    import pandas as pd

    frame = pd.DataFrame([template_values(r) for r in records], columns=list(TEMPLATE_COLUMNS))
    return csv_bytes(frame)


def guide_markdown() -> str:
    lines = [
        "# 相模原市ICT総合戦略 事業一覧 記入用テンプレートの書き方",
        "",
        *[f"- {note}" for note in GENERAL_NOTES],
        "",
        "| 列 | 名称 | 書き方 |",
        "|---|---|---|",
    ]
    for name in TEMPLATE_COLUMNS:
        title, how = _column_help(name)
        lines.append(f"| `{name}` | {title} | {how.replace('|', '／')} |")
    return "\n".join(lines) + "\n"


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite an XLSX with fixed timestamps, so the same template gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2019-04-01T00:00:00Z", content)
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def template_xlsx(records: Iterable[ProjectRecord] = ()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(TEMPLATE_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in records:
        sheet.append(template_values(record))
    sheet.freeze_panes = "B2"
    for index, name in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 8 if name == col.ID else 24 if "状況" in name else 40
        for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
    for name, choices in (
        (col.H1_STATUS, STATUS_CHOICES),
        (col.FY_STATUS, STATUS_CHOICES),
        (col.CATEGORY, CATEGORY_CHOICES),
    ):
        letter = sheet.cell(row=1, column=TEMPLATE_COLUMNS.index(name) + 1).column_letter
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        rule.add(f"{letter}2:{letter}1000")
        sheet.add_data_validation(rule)
    guide = workbook.create_sheet("記入方法")
    guide.append(["相模原市ICT総合戦略 事業一覧 記入用テンプレートの書き方"])
    guide["A1"].font = Font(bold=True)
    for note in GENERAL_NOTES:
        guide.append([note])
    guide.append([])
    guide.append(["列", "名称", "書き方"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for name in TEMPLATE_COLUMNS:
        guide.append([name, *_column_help(name)])
    guide.column_dimensions["A"].width = 32
    guide.column_dimensions["B"].width = 28
    guide.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _deterministic_zip(buffer.getvalue())


def empty_template_xlsx() -> bytes:
    """The empty XLSX template, as ``template_xlsx()`` makes it. It depends on the code alone, so it is kept in
    .cache/template/ under the code's digest (pipeline.raw.code_digest: pipeline, schemas, site, locked
    versions) and made again only when that changes: making it, openpyxl's import included, is a noticeable
    share of a small year's publish. A read-only installation makes it every time."""
    from pipeline.raw import code_digest

    cached = TEMPLATE_CACHE / f"{code_digest()}.xlsx"
    if cached.is_file():
        return cached.read_bytes()
    data = template_xlsx()
    try:
        for stale in TEMPLATE_CACHE.glob("*.xlsx"):
            stale.unlink()
        replace_file(cached, data)
    except OSError:
        pass  # no cache where the project folder is read-only
    return data
