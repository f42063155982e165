"""Published tables: the year's records as data frames (validated by the pandera models from schemas/) and
their encodings as CSV and JSON.

CSV conventions, chosen for Excel users in Japan and for RFC 4180 readers alike: UTF-8 with a BOM (Excel
needs it to read UTF-8), header in row 1, CRLF between records, fields quoted only when they must be, list
items inside a cell kept on their own lines (LF), booleans as ``true``/``false``, lists joined with ``;``,
empty cells empty. The JSON twin has the same records and field names with typed values: integers, booleans,
lists as arrays, and ``null`` where the CSV cell is empty.

CSV injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) as a formula. The CSV exists for people opening it in Excel, so such a text cell is written with a
leading apostrophe (OWASP's advice), which spreadsheets treat as "this is text". The JSON twin is never changed:
programs that need the exact value read the JSON, or drop that one apostrophe (the rule is stated in
datapackage.json and the data dictionary). Every such cell is also recorded as an informational review flag.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

import pandas as pd

from pipeline import columns as col
from pipeline.core.corrections import Correction, published_form
from pipeline.core.flags import Flag, Severity
from pipeline.core.records import CITY_CODE, ProjectRecord
from pipeline.core.year import CoreYear
from pipeline.schema import LIST_DELIMITER, TableSpec, table

PDCA_ITEMS = (
    (0, "PLAN", "行動目標", col.PLAN_GOAL, None),
    (0, "PLAN", "成果指標", col.PLAN_INDICATOR, None),
    (0, "DO", "年度事業内容", col.DO_WORK, None),
    (0, "DO", "成果指標結果", col.DO_RESULT, None),
    (0, "CHECK", "上半期実績", col.H1_TEXT, col.H1_STATUS),
    (0, "CHECK", "年次実績", col.FY_TEXT, col.FY_STATUS),
    (0, "ACT", "来期取組", col.ACT, None),
    (1, "PLAN", "行動目標", col.NEXT_GOAL, None),
    (1, "PLAN", "成果指標", col.NEXT_INDICATOR, None),
    (1, "DO", "年度事業内容", col.NEXT_WORK, None),
)
"""The long table's items: (years after the reported year, stage, item, text field, status field)."""


def typed_frame(key: str, rows: list[dict]) -> pd.DataFrame:
    """A frame with the table's columns in order and the dtypes its pandera model expects."""
    spec = table(key)
    frame = pd.DataFrame(rows, columns=spec.field_names)
    for f in spec.fields:
        if f.type == "integer":
            frame[f.name] = frame[f.name].astype("int64")
        elif f.type == "boolean":
            frame[f.name] = frame[f.name].astype(bool)
        else:
            frame[f.name] = frame[f.name].fillna("").astype(str)
    return frame


def projects_frame(records: Iterable[ProjectRecord]) -> pd.DataFrame:
    """The wide projects table, one row per project, columns in the published order."""
    names = table("projects").field_names
    return typed_frame("projects", [{name: r.fields[name].value for name in names} for r in records])


def _open_fields(record: ProjectRecord) -> set[str]:
    return {f.field for f in record.open_flags}


def progress_frame(year: CoreYear) -> pd.DataFrame:
    """One row per project × 対象年度 × PDCA item, including the items the source leaves empty."""
    rows = []
    for r in year.records:
        doubtful = _open_fields(r)
        for offset, stage, item, text_field, status_field in PDCA_ITEMS:
            rows.append(
                {
                    "全国地方公共団体コード": CITY_CODE,
                    "年度": year.fiscal_year,
                    "ID": r.project,
                    "対象年度": year.fiscal_year + offset,
                    "段階": stage,
                    "項目": item,
                    "状況": r.text(status_field) if status_field else "",
                    "内容": r.text(text_field),
                    "要確認": bool({text_field, status_field} & doubtful),
                }
            )
    return typed_frame("progress", rows)


def departments_frame(year: CoreYear) -> pd.DataFrame:
    """One row per project × department, in the order the source lists them."""
    rows = [
        {"全国地方公共団体コード": CITY_CODE, "年度": year.fiscal_year, "ID": r.project, "順番": i, "所管課": name}
        for r in year.records
        for i, name in enumerate(r.text(col.DEPARTMENTS).split(LIST_DELIMITER), start=1)
        if name
    ]
    return typed_frame("project_departments", rows)


def correction_kind(c: Correction) -> str:
    if c.is_placement:
        return "配置"
    return "確認" if published_form(c.field, c.original) == published_form(c.field, c.value) else "値"


def corrections_frame(year: CoreYear) -> pd.DataFrame:
    records = {r.project: r for r in year.records}
    rows = [
        {
            "全国地方公共団体コード": CITY_CODE,
            "年度": year.fiscal_year,
            "訂正番号": c.id,
            "ID": c.project,
            "列名": c.field,
            "訂正の種類": correction_kind(c),
            "出典セル": LIST_DELIMITER.join(records[c.project].fields[c.field].cells),
            "訂正前": published_form(c.field, c.original),
            "訂正後": published_form(c.field, c.value),
            "理由": c.reason,
        }
        for c in year.corrections
    ]
    return typed_frame("corrections", rows)


def flag_state(flag: Flag) -> str:
    if flag.severity is Severity.INFO:
        return "対応不要"
    return "解決済み" if flag.resolved_by else "未解決"


def review_flags_frame(year: CoreYear) -> pd.DataFrame:
    rows = [
        {
            "全国地方公共団体コード": CITY_CODE,
            "年度": year.fiscal_year,
            "確認番号": number,
            "列名": f.field,
            "出典セル": LIST_DELIMITER.join(f.cells),
            "確認事項の種類": f.kind_label,
            "重要度": f.severity.value,
            "状態": flag_state(f),
            "不確かな点": f.issue,
            "扱い": f.action,
            "解決した訂正": f.resolved_by,
            "ID": f.project,
        }
        for number, f in enumerate(year.flags, start=1)
    ]
    return typed_frame("review_flags", rows)


def _position(cell) -> str:
    """Where a PDF's cell is on its page: ``p2 x149.3-239.5 y78.5-226.5`` (points from the top left)."""
    x0, top, x1, bottom = cell.box
    return f"p{cell.page} x{x0:g}-{x1:g} y{top:g}-{bottom:g}"


def value_sources_frame(year: CoreYear) -> pd.DataFrame:
    names = table("projects").field_names
    boxes = {c.ref: c for a in year.aligned.values() for c in a.row.cells if c.box is not None}
    rows = [
        {
            "全国地方公共団体コード": CITY_CODE,
            "年度": year.fiscal_year,
            "ID": r.project,
            "列名": name,
            "出典セル": LIST_DELIMITER.join(r.fields[name].cells),
            "出典位置": LIST_DELIMITER.join(_position(boxes[ref]) for ref in r.fields[name].cells if ref in boxes),
            "取得方法": r.fields[name].how,
            "訂正番号": r.fields[name].correction,
        }
        for r in year.records
        for name in names
    ]
    return typed_frame("value_sources", rows)


def year_frames(year: CoreYear) -> dict[str, pd.DataFrame]:
    """Every per-year table of the release, keyed as in schemas/tables.yaml."""
    return {
        "projects": projects_frame(year.records),
        "progress": progress_frame(year),
        "project_departments": departments_frame(year),
        "corrections": corrections_frame(year),
        "review_flags": review_flags_frame(year),
        "value_sources": value_sources_frame(year),
    }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """Make a text cell inert in spreadsheets (see the module docstring); other values are unchanged."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return escape_formula(value)
    return "" if value is None else str(value)


def _columns(frame: pd.DataFrame) -> list[list]:
    """Each column's values as Python values, read whole (reading a frame row by row reads pandas' typed columns
    one element at a time, several times slower at thousands of rows)."""
    return [frame.iloc[:, k].tolist() for k in range(frame.shape[1])]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Encode a frame as the published CSV: UTF-8 with BOM, CRLF records, minimal quoting."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(frame.columns)
    writer.writerows(zip(*([_cell(v) for v in column] for column in _columns(frame)), strict=True))
    return buffer.getvalue().encode("utf-8-sig")


def _json_column(values: list, field_type: str) -> list:
    """A column's values as the JSON twin gives them: integers and booleans as such, an empty text as null, a
    list field as an array."""
    if field_type == "integer":
        return [int(v) for v in values]
    if field_type == "boolean":
        return [bool(v) for v in values]
    if field_type == "list":
        return [None if v == "" else str(v).split(LIST_DELIMITER) for v in values]
    return [None if v == "" else str(v) for v in values]


def json_records(frame: pd.DataFrame, spec: TableSpec) -> list[dict]:
    types = {f.name: f.type for f in spec.fields}
    names = list(frame.columns)
    columns = [_json_column(column, types[name]) for name, column in zip(names, _columns(frame), strict=True)]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


_JSON_RECORD = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_bytes(frame: pd.DataFrame, spec: TableSpec) -> bytes:
    """Encode a frame as the JSON twin: an array of records, UTF-8 without BOM, one record per line."""
    lines = [_JSON_RECORD.encode(r) for r in json_records(frame, spec)]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")
