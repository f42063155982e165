"""Review flags: what the pipeline was not sure of, what it did, and how an operator can settle it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

KIND_LABELS = {
    "ambiguous_column": "列を判別できない",
    "content_conflicts_with_column": "内容と列が合わない",
    "merged_cells": "2つのセルが1つになった可能性",
    "unplaced_cell": "入れる列がないセル",
    "duplicate_status": "重複した状況セル",
    "status_missing": "チェック欄がない",
    "status_unreadable": "チェック欄を読み取れない",
    "status_blank_with_text": "チェック欄が未記入",
    "category_missing": "事業区分がない",
    "departments_missing": "所管課がない",
    "category_unknown": "事業区分が不明",
    "formula_like": "数式に見える値",
    "hidden_characters": "見えない文字",
    "geometry_disagrees": "PDFの位置と内容が合わない",
}


class Severity(StrEnum):
    REVIEW = "要確認"
    """The published value may be wrong; the project's 要確認 column is true until a correction settles it."""
    INFO = "情報"
    """Recorded for transparency; the published value is not in doubt."""


@dataclass(frozen=True)
class Flag:
    project: int
    field: str
    cells: tuple[str, ...]
    kind: str
    severity: Severity
    issue: str
    action: str
    fix: str
    resolved_by: str = ""
    """The id of the reviewed correction that settled this flag, if any."""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def open(self) -> bool:
        return self.severity is Severity.REVIEW and not self.resolved_by
