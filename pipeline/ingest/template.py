"""Read a year's list from the intake template: a clean table (CSV or XLSX) with the list's 20 columns.

A department that fills the template gives every value in its own column, so nothing has to be inferred:
each cell keeps its row and column (``p1:L<row>:c<column>``) for provenance, and its column comes from the
header. The values go through the same normalisation, corrections and checks as the PDF-extracted text.
"""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl.utils import get_column_letter

from pipeline.columns import COLUMNS
from pipeline.core.normalise import nfkc
from pipeline.errors import SourceFormatError
from pipeline.ingest.extracted_text import _PROJECT_NUMBER, decode_source
from pipeline.ingest.limits import (
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    MAX_XLSX_MEMBERS,
    MAX_XLSX_UNCOMPRESSED,
)
from pipeline.ingest.source import Cell, DroppedCell, SourceRow, SourceTable, cell_name, check_cell_text, check_row

SHEET = "事業一覧"
TEMPLATE_COLUMNS = COLUMNS
"""The template's header, in order: the list's 20 columns under the names the published table uses."""


def _check_zip(data: bytes, file: str) -> None:
    """Bound what opening the workbook would unpack (a zip bomb stops here, before anything is inflated)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError):
        raise _not_xlsx(file) from None
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_XLSX_MEMBERS or unpacked > MAX_XLSX_UNCOMPRESSED:
        raise SourceFormatError(
            f"Excel ファイルを展開すると大きすぎます（{len(members):,} 個、{unpacked:,} バイト。上限 "
            f"{MAX_XLSX_MEMBERS:,} 個、{MAX_XLSX_UNCOMPRESSED:,} バイト）。テンプレートを保存し直してください。",
            f"The workbook unpacks too large ({len(members):,} members, {unpacked:,} bytes; limits "
            f"{MAX_XLSX_MEMBERS:,} and {MAX_XLSX_UNCOMPRESSED:,}). Save the template again.",
            file=file,
        )


def _not_xlsx(file: str) -> SourceFormatError:
    return SourceFormatError(
        "Excel ファイル（.xlsx）として開けません。テンプレートを Excel で保存し直してください。",
        "The file cannot be opened as an Excel workbook (.xlsx). Save the template again from Excel.",
        file=file,
    )


def _beyond_the_sheet(file: str, row: int, column: int) -> SourceFormatError:
    ref = f"{SHEET}!{get_column_letter(column)}{row}"
    return SourceFormatError(
        f"セル {ref} に値があります。シートに書けるのは {MAX_SHEET_ROWS:,} 行・{MAX_SHEET_COLUMNS} 列までです"
        "（テンプレートは20列）。範囲の外の値を消してください。",
        f"Cell {ref} holds a value beyond the sheet's limits ({MAX_SHEET_ROWS:,} rows, {MAX_SHEET_COLUMNS} "
        "columns; the template has 20). Delete it.",
        file=file,
        cell=ref,
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes, file: str) -> list[list[str]]:
    from openpyxl import load_workbook

    _check_zip(data, file)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise _not_xlsx(file) from None
    if SHEET not in workbook.sheetnames:
        raise SourceFormatError(
            f"シート「{SHEET}」がありません（あるのは {'、'.join(workbook.sheetnames)}）。テンプレートのシートに記入してください。",
            f"No sheet named {SHEET!r} (found {workbook.sheetnames}). Fill in the template's sheet.",
            file=file,
        )
    sheet = workbook[SHEET]
    # The sheet's declared dimension is not trusted: one cell at XFD1048576 would make every row 16,384 cells
    # wide and the sheet a million rows long. Without it, each row is as long as its last cell and the rows are
    # read as they come, so a value beyond the limits stops the run at once.
    sheet.reset_dimensions()
    rows: list[list[str]] = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        texts = [_text(v) for v in row]
        last = max((c for c, t in enumerate(texts, start=1) if t.strip()), default=0)
        if last and (number > MAX_SHEET_ROWS or last > MAX_SHEET_COLUMNS):
            workbook.close()
            raise _beyond_the_sheet(file, number, last)
        if number <= MAX_SHEET_ROWS:
            rows.append(texts[:last])
    workbook.close()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _csv_rows(data: bytes, file: str) -> tuple[list[list[str]], str]:
    text, encoding = decode_source(data, file)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            if len(rows) >= MAX_SHEET_ROWS or len(row) > MAX_SHEET_COLUMNS:
                what = f"{MAX_SHEET_ROWS:,} 行" if len(rows) >= MAX_SHEET_ROWS else f"{MAX_SHEET_COLUMNS} 列"
                raise SourceFormatError(
                    f"CSV が大きすぎます（上限 {what}）。テンプレートの CSV か確認してください。",
                    f"The CSV is too large (limits {MAX_SHEET_ROWS:,} rows, {MAX_SHEET_COLUMNS} columns). "
                    "Check that it is the template.",
                    file=file,
                    line=reader.line_num,
                )
            rows.append(row)
    except csv.Error as exc:
        raise SourceFormatError(
            f"CSV として読めません（{exc}）。引用符が閉じているか、1つの値が長すぎないか確認してください。",
            f"The CSV cannot be read ({exc}). Check the quotes and that no value is far too long.",
            file=file,
            line=reader.line_num,
        ) from None
    return rows, encoding


def template_rows(data: bytes, file: str) -> tuple[list[list[str]], str]:
    """The template's rows as text, and a label of its format and encoding."""
    if file.lower().endswith(".xlsx"):
        return _xlsx_rows(data, file), "XLSX"
    rows, encoding = _csv_rows(data, file)
    return rows, f"CSV {encoding}"


def _check_header(header: list[str], file: str) -> None:
    names = [nfkc(h).strip() for h in header]
    while names and not names[-1]:
        names.pop()
    if names != list(TEMPLATE_COLUMNS):
        missing = [c for c in TEMPLATE_COLUMNS if c not in names]
        unknown = [n for n in names if n not in TEMPLATE_COLUMNS]
        detail = "、".join(
            part
            for part in (
                f"ない列: {'・'.join(missing)}" if missing else "",
                f"知らない列: {'・'.join(unknown)}" if unknown else "",
                "列の順番が違います" if not missing and not unknown else "",
            )
            if part
        )
        raise SourceFormatError(
            f"テンプレートの見出し（1行目）が違います（{detail}）。配布したテンプレートの1行目をそのまま使ってください。",
            f"The template's header row does not match ({detail}). Keep the first row of the template as it is.",
            file=file,
            line=1,
        )


def parse_template(data: bytes, file: str, fiscal_year: int) -> SourceTable:
    """Read a filled template; the fiscal year comes from the raw/<FY> folder it was placed in."""
    rows, encoding = template_rows(data, file)
    if not rows:
        raise SourceFormatError("テンプレートが空です。", "The template is empty.", file=file)
    sheet = SHEET if encoding == "XLSX" else None
    for number, row in enumerate(rows, start=1):
        for column, text in enumerate(row, start=1):
            check_cell_text(Cell(1, number, column, text), file, sheet)
    _check_header(rows[0], file)
    dropped = tuple(
        DroppedCell(Cell(1, 1, column, text), "テンプレートの見出し")
        for column, text in enumerate(rows[0], start=1)
        if text.strip()
    )
    source_rows, columns = [], {}
    for number, row in enumerate(rows[1:], start=2):
        cells = tuple(Cell(1, number, column, text) for column, text in enumerate(row, start=1) if text.strip())
        if not cells:
            continue
        if len(row) > len(TEMPLATE_COLUMNS) and any(t.strip() for t in row[len(TEMPLATE_COLUMNS) :]):
            raise SourceFormatError(
                f"{number}行目の、見出しのない列に値があります。値は見出しのある列に入れてください。",
                f"Row {number} has values beyond the template's columns.",
                file=file,
                line=number,
            )
        if cells[0].column != 1 or not _PROJECT_NUMBER.fullmatch(nfkc(cells[0].text).strip()):
            raise SourceFormatError(
                f"{number}行目の ID（事業番号）が空か、数字ではありません（{row[0]!r}）。",
                f"Row {number}: the ID (project number) is empty or not a number ({row[0]!r}).",
                file=file,
                line=number,
                field="ID",
                cell=cell_name(Cell(1, number, 1, row[0] if row else ""), sheet),
            )
        source_rows.append(check_row(SourceRow(1, number, cells), file, sheet))
        columns.update({c.ref: TEMPLATE_COLUMNS[c.column - 1] for c in cells})
    if not source_rows:
        raise SourceFormatError("テンプレートに事業の行がありません。", "The template has no project rows.", file=file)
    return SourceTable(file, encoding, fiscal_year, 1, tuple(source_rows), dropped, "template", columns)


def template_cell_positions(data: bytes, file: str) -> set[tuple[int, int]]:
    """(row, column) of every non-empty cell of the template, counted afresh (for the conservation check)."""
    rows, _ = template_rows(data, file)
    return {(r, c) for r, row in enumerate(rows, start=1) for c, text in enumerate(row, start=1) if text.strip()}
