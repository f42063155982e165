"""Turn aligned rows into project records: one published value per field, each with the cells it came from."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from pipeline import columns as col
from pipeline.core.align import AlignedRow
from pipeline.core.cell_types import CATEGORIES, Status, parse_category, parse_status
from pipeline.core.flags import Flag, Severity
from pipeline.core.normalise import nfkc, normalise_text, split_departments
from pipeline.ingest.source import Cell
from pipeline.ingest.text_policy import describe, flagged_characters

CITY_CODE = "141500"
CITY_NAME = "相模原市"

ALIGNED = "自動配置"
PLACED = "訂正（配置）"
EDITED = "訂正（値）"
CONSTANT = "固定値"
DERIVED = "派生"

CATEGORY_CODE = "事業区分コード"
NEEDS_REVIEW = "要確認"
REVIEW_NOTES = "確認事項"


@dataclass(frozen=True)
class FieldValue:
    """A published value and its provenance: the source cells and how the value got into this field."""

    value: str | int | bool
    cells: tuple[str, ...] = ()
    how: str = ALIGNED
    correction: str = ""


@dataclass
class ProjectRecord:
    fiscal_year: int
    project: int
    fields: dict[str, FieldValue]
    flags: list[Flag] = field(default_factory=list)

    def text(self, name: str) -> str:
        return str(self.fields[name].value)

    @property
    def open_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.open]


def value_of_cells(column: str, cells: tuple[Cell, ...]) -> str | int:
    """The published value of a column from its source cells (the rule the conservation check re-applies)."""
    if column == col.ID:
        return int(nfkc(cells[0].text).strip())
    if column == col.DEPARTMENTS:
        return ";".join(name for c in cells for name in split_departments(c.text))
    if column in col.STATUS_COLUMNS:
        return parse_status(cells[0].text).value if cells else Status.BLANK.value
    if column == col.CATEGORY:
        parsed = parse_category(cells[0].text) if cells else None
        return parsed[1] if parsed else ""
    return "\n".join(normalise_text(c.text) for c in cells)


def category_code(name: str) -> str:
    return next((code for code, n in CATEGORIES.items() if n == name), "")


def build_record(aligned: AlignedRow, fiscal_year: int, pinned: Mapping[str, str] | None = None) -> ProjectRecord:
    """One project's record from its aligned row; flags what the source leaves uncertain.

    ``pinned`` maps the cells that placement corrections put in their column to the correction's id.
    """
    pinned = pinned or {}
    project = aligned.project
    fields: dict[str, FieldValue] = {
        "全国地方公共団体コード": FieldValue(CITY_CODE, how=CONSTANT),
        "地方公共団体名": FieldValue(CITY_NAME, how=CONSTANT),
        "年度": FieldValue(fiscal_year, how=CONSTANT),
    }
    flags = list(aligned.flags)
    for column in col.COLUMNS:
        cells = aligned.cells_in(column)
        placed_by = next((pinned[c.ref] for c in cells if c.ref in pinned), "")
        how = PLACED if placed_by else ALIGNED
        fields[column] = FieldValue(value_of_cells(column, cells), tuple(c.ref for c in cells), how, placed_by)
    fields[CATEGORY_CODE] = FieldValue(category_code(str(fields[col.CATEGORY].value)), how=DERIVED)
    flags += _status_flags(aligned, fields)
    flags += _category_flags(aligned)
    flags += _departments_flags(aligned)
    flags += _formula_flags(aligned.project, fields)
    flags += _hidden_character_flags(aligned.project, fields)
    flags += _second_half_date_flags(aligned, fields, fiscal_year)
    return ProjectRecord(fiscal_year, project, fields, flags)


# 「R5.2.6」「令和4年10月」: a Reiwa year and a month.
_REIWA_DATE = re.compile(r"(?:R|令和)\s*(\d{1,2})\s*[.．年]\s*(\d{1,2})(?!\d)(?:[.．]\d{1,2}(?!\d))?")


def second_half_dates(text: str, fiscal_year: int) -> list[str]:
    """Dates in ``text`` that fall after the first half (April–September) of the fiscal year: October to March."""
    reiwa = fiscal_year - 2018
    found = []
    for m in _REIWA_DATE.finditer(nfkc(text)):
        year, month = int(m.group(1)), int(m.group(2))
        if (year == reiwa and 10 <= month <= 12) or (year == reiwa + 1 and 1 <= month <= 3):
            found.append(m.group(0))
    return found


def _second_half_date_flags(aligned: AlignedRow, fields: dict[str, FieldValue], fiscal_year: int) -> list[Flag]:
    """上半期実績 reports April to September; a later date in it suggests the extraction moved the cell there."""
    dates = second_half_dates(str(fields[col.H1_TEXT].value or ""), fiscal_year)
    if not dates:
        return []
    return [
        Flag(
            aligned.project,
            col.H1_TEXT,
            fields[col.H1_TEXT].cells,
            "content_conflicts_with_column",
            Severity.REVIEW,
            f"上半期（4〜9月）の実績の列に、下半期の日付（{'、'.join(dates)}）があります。"
            "抽出時にセルの位置がずれ、年次実績や成果指標結果のセルがこの列に入った可能性があります。",
            f"並び順のまま「{col.H1_TEXT}」に入れました。",
            "原本のPDFで確かめ、訂正ファイルに cell（セル位置）と正しい field（項目）を書いてください。",
        )
    ]


def _status_flags(aligned: AlignedRow, fields: dict[str, FieldValue]) -> list[Flag]:
    flags = []
    project = aligned.project
    for status_column, text_column in col.STATUS_TEXT.items():
        cells = aligned.cells_in(status_column)
        refs = tuple(c.ref for c in cells)
        status = fields[status_column].value
        if not cells:
            flags.append(
                Flag(
                    project,
                    status_column,
                    (),
                    "status_missing",
                    Severity.REVIEW,
                    f"「{status_column}」のチェック欄（■□）が見つかりません。",
                    "「未記入」としました。",
                    "原本のPDFで確認し、訂正ファイルで正しい状況を書いてください。",
                )
            )
        elif status == Status.UNREADABLE:
            flags.append(
                Flag(
                    project,
                    status_column,
                    refs,
                    "status_unreadable",
                    Severity.REVIEW,
                    f"チェック欄「{' '.join(nfkc(cells[0].text).split())}」のどちらに■があるか読み取れません。",
                    "「判読不能」としました。",
                    "原本のPDFで確認し、訂正ファイルで「計画以上・計画どおり」か「課題あり」を書いてください。",
                )
            )
        elif status == Status.BLANK and fields[text_column].value:
            flags.append(
                Flag(
                    project,
                    status_column,
                    refs,
                    "status_blank_with_text",
                    Severity.REVIEW,
                    f"「{status_column}」はどちらにも■がありませんが、「{text_column}」には記述があります。"
                    "記入漏れか、■の読み取り漏れの可能性があります。",
                    "原本のとおり「未記入」としました。",
                    "原本のPDFで■を確認し、あれば訂正ファイルで正しい状況を書いてください。",
                )
            )
    return flags


def _departments_flags(aligned: AlignedRow) -> list[Flag]:
    if aligned.cells_in(col.DEPARTMENTS):
        return []
    return [
        Flag(
            aligned.project, col.DEPARTMENTS, (), "departments_missing", Severity.REVIEW,
            "所管課のセルが見つかりません（3番目のセルが課の名前ではありません）。行が途中で切れているか、所管課が空欄です。",
            "空欄のままにしました。所管課は必須のため、このままでは公開できません。",
            "原本のPDFで確認し、訂正ファイルで所管課を書いてください。",
        )
    ]  # fmt: skip


def _category_flags(aligned: AlignedRow) -> list[Flag]:
    cells = aligned.cells_in(col.CATEGORY)
    project = aligned.project
    if not cells:
        return [
            Flag(
                project,
                col.CATEGORY,
                (),
                "category_missing",
                Severity.REVIEW,
                "事業区分（重点事業 (A) など）のセルが見つかりません。行が途中で切れている可能性があります。",
                "空欄のままにしました。事業区分は必須のため、このままでは公開できません。",
                "原本のPDFで確認し、訂正ファイルで事業区分を書いてください。",
            )
        ]
    if parse_category(cells[0].text) is None:
        text = " ".join(nfkc(cells[0].text).split())
        return [
            Flag(
                project,
                col.CATEGORY,
                (cells[0].ref,),
                "category_unknown",
                Severity.REVIEW,
                f"事業区分「{text}」は 重点事業 (A)・深化型事業 (B)・探索型事業 (C) のどれでもありません。",
                "空欄のままにしました。事業区分は必須のため、このままでは公開できません。",
                "原本のPDFで確認し、訂正ファイルで正しい事業区分を書いてください。",
            )
        ]
    return []


def _formula_flags(project: int, fields: dict[str, FieldValue]) -> list[Flag]:
    return [
        Flag(
            project, name, fv.cells, "formula_like", Severity.INFO,
            f"値が「{str(fv.value)[:1]}」で始まるため、表計算ソフトで開くと数式として扱われるおそれがあります。",
            "CSVでは先頭に ' を1つ付けました（JSONとサイトは原本どおり）。",
            "対応は不要です。",
        )
        for name, fv in fields.items()
        if isinstance(fv.value, str) and fv.value.startswith(("=", "+", "-", "@"))
    ]  # fmt: skip


def _hidden_character_flags(project: int, fields: dict[str, FieldValue]) -> list[Flag]:
    """Bidirectional controls and zero-width characters (pipeline.ingest.text_policy): kept, but flagged, since
    the value does not read as what it holds."""
    flags = []
    for name, fv in fields.items():
        found = flagged_characters(fv.value) if isinstance(fv.value, str) else []
        if found:
            codes = "、".join(describe(c)[0] for c in found)
            flags.append(
                Flag(
                    project, name, fv.cells, "hidden_characters", Severity.REVIEW,
                    f"見えない文字 {codes} が含まれています。表示と中身が食い違うおそれがあります。",
                    "原本どおりのまま公開します（要確認）。",
                    "原本で確認し、不要なら訂正ファイルで取り除いてください（original には \"電子\\u200b申請\" のように、二重引用符の中にエスケープで書けます）。",
                )
            )  # fmt: skip
    return flags


def with_review_fields(record: ProjectRecord) -> ProjectRecord:
    """Set 要確認 and 確認事項 from the flags that are still open."""
    open_flags = record.open_flags
    fields = dict(record.fields)
    fields[NEEDS_REVIEW] = FieldValue(bool(open_flags), how=DERIVED)
    fields[REVIEW_NOTES] = FieldValue("\n".join(f"【{f.field}】{f.issue}" for f in open_flags), how=DERIVED)
    return replace(record, fields=fields)
