"""Read the list from the city's PDF itself: every cell by its place on the page.

The PDF's table is drawn with ruling lines, and every character has a position. pdfplumber (MIT, pure Python
on pdfminer.six) finds the table from its lines; the two-level header (``令和4年度PLAN`` over ``行動目標`` and
``成果指標``, repeated on every page) says which of the list's columns each ruled column is. So where the rules
are there, a cell's column is known from geometry, not guessed from its text:

* a cell's text is its characters, line by line; a line that fills the cell to its right edge was wrapped by
  the layout and continues without a break (a space only between two Latin words), a shorter line or a line
  before a bullet (``・``, ``○``, ``①`` …) ends where the author ended it;
* a CHECK cell holds the ■/□ status line above the result text: they become two cells, the status and the
  result, as in the extracted text;
* a project's row that does not fit at the foot of a page continues at the top of the next page with an empty
  number cell; the parts are joined;
* a cell merged across two columns (one cell spanning both) has no single column: it is handed to the text
  aligner, which places it and flags it as it does for the extracted text;
* a page without vertical rules gives the columns only through the header labels' positions: each character
  goes to the header column it stands under, and the aligner decides; where the two readings disagree the cell
  is flagged with both (``SourceTable.hints``).

Every cell keeps its page, its row on the page and its bounding box in points (``Cell.box``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from itertools import pairwise

from pipeline import columns as col
from pipeline.core.normalise import nfkc
from pipeline.errors import SourceFormatError
from pipeline.ingest.limits import MAX_PDF_PAGES
from pipeline.ingest.pdf_header import (
    first_data_row,
    grid_from_header,
    header_fiscal_year,
    label_column,
    label_starts,
    lines_with_chars,
    pdf_error,
)
from pipeline.ingest.pdf_text import (
    Line,
    PageChars,
    Part,
    group_lines,
    joined_text,
    keeps_kinsoku,
    read_lines,
    split_status,
)
from pipeline.ingest.source import Cell, DroppedCell, SourceRow, SourceTable, check_cell_text, check_row

_NUMBER = re.compile(r"\d{1,4}")
_RESULTS_YEAR = re.compile(r"[(（]\s*R\s*(\d+)\s*取組結果")
_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 2}


@dataclass
class _Row:
    project_text: str
    page: int
    row: int
    parts: list[Part] = field(default_factory=list)


def _damaged(file: str, page: int | None = None) -> SourceFormatError:
    return pdf_error(
        file,
        "PDFが壊れていて読めません。ダウンロードし直してください。",
        "The PDF is damaged and cannot be read. Download it again.",
        page,
    )


def _read_errors():
    """The errors pdfminer and pdfplumber raise for a file they cannot read (all public classes)."""
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    return (PSException, PdfminerException, MalformedPDFException)


def _open(data: bytes, file: str):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if not data.startswith(b"%PDF-"):
        raise pdf_error(file, "PDFファイルではありません。", "This is not a PDF file.")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except _read_errors() as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(exc, PDFPasswordIncorrect | PDFEncryptionError) or isinstance(
            cause, PDFPasswordIncorrect | PDFEncryptionError
        ):
            raise pdf_error(
                file,
                "PDFが暗号化（パスワード保護）されていて読めません。保護のない版を入手してください。",
                "The PDF is encrypted (password protected) and cannot be read. Obtain an unprotected copy.",
            ) from None
        raise _damaged(file) from None
    if len(pages) > MAX_PDF_PAGES:
        raise pdf_error(
            file,
            f"PDFが{len(pages)}ページあります（上限{MAX_PDF_PAGES}）。事業一覧のPDFか確認してください。",
            f"The PDF has {len(pages)} pages (limit {MAX_PDF_PAGES}). Check that it is the project list.",
        )
    return pdf


def _ruled_table(page):
    """The page's table found from its ruling lines: the largest one with several columns, or None."""
    tables = [t for t in page.find_tables(_SETTINGS) if t.rows and len(t.rows[0].cells) >= 4]
    if not tables:
        return None
    return max(tables, key=lambda t: (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]))


def _cell_text(chars: PageChars, box) -> str:
    return joined_text(read_lines(chars, box))


def _header_and_grid(chars: PageChars, table, file: str, number: int, this_year: int | None):
    """Which rows of the table are header rows, the column of each grid position, and the header texts."""
    rows = table.rows
    first_data = first_data_row([[_cell_text(chars, c) if c is not None else "" for c in row.cells] for row in rows])
    header_cells = [(c, _cell_text(chars, c)) for row in rows[:first_data] for c in row.cells if c is not None]
    labels = [text for _, text in header_cells if text.strip()]
    if not labels:
        raise pdf_error(
            file,
            "表の見出し（PLAN・DO・CHECK・ACT など）が見つかりません。事業一覧のPDFか確認してください。",
            "No table header (PLAN, DO, CHECK, ACT …) found. Check that this is the project list.",
            number,
        )
    year = header_fiscal_year(labels, file, number)
    if this_year is not None and year != this_year:
        raise pdf_error(
            file,
            f"ページによって年度が違います（令和{this_year - 2018}年度と令和{year - 2018}年度）。",
            f"The pages disagree on the fiscal year ({this_year} and {year}).",
            number,
        )
    # Each grid column's x-range, from the widest row that has a cell at every position.
    full = next((r for r in rows if all(c is not None for c in r.cells)), None)
    if full is None:
        raise pdf_error(
            file, "表の列を線から読み取れません。", "The table's columns cannot be read from its lines.", number
        )
    grid = []
    for cell in full.cells:
        centre = (cell[0] + cell[2]) / 2
        label = " ".join(text for box, text in header_cells if box[0] <= centre <= box[2] and text.strip())
        grid.append(label_column(label, year))
    found = [c for fields in grid for c in fields]
    missing = [c for c in col.COLUMNS if c not in found]
    if missing or len(found) != len(set(found)):
        raise pdf_error(
            file,
            f"見出しから列を読み取れません（わからない列: {'・'.join(missing) or 'なし'}）。様式が変わった可能性があります。",
            f"The header does not give every column (missing: {', '.join(missing) or 'none'}); the format may "
            "have changed.",
            number,
        )
    return first_data, grid, year


def _read_ruled_page(page, number: int, base: int, table, file: str, this_year, rows: list[_Row], dropped: list):
    chars = PageChars(page.chars)
    first_data, grid, year = _header_and_grid(chars, table, file, number, this_year)
    for r, row in enumerate(table.rows[:first_data], start=1):
        for k, box in enumerate(row.cells, start=1):
            if box is not None and _cell_text(chars, box).strip():
                dropped.append(DroppedCell(Cell(number, base + r, k, _cell_text(chars, box), _box(box)), "表の見出し"))
    positions = [c[0] for c in next(r for r in table.rows if all(x is not None for x in r.cells)).cells]
    for r, row in enumerate(table.rows[first_data:], start=first_data + 1):
        number_box = row.cells[0]
        number_text = nfkc(_cell_text(chars, number_box)).strip() if number_box else ""
        has_text = any(b is not None and _cell_text(chars, b).strip() for b in row.cells)
        current = _project_row(rows, number_text, has_text, r == first_data + 1, number, r, base, file)
        if current is None:
            continue
        for k, box in enumerate(row.cells):
            if box is None:
                continue
            spans = [j for j, x in enumerate(positions) if box[0] - 1 <= x < box[2] - 1]
            lines = read_lines(chars, box)
            if not lines:
                continue
            fields = grid[spans[0]] if len(spans) == 1 else ()
            current.parts.append(Part(number, base + r, k + 1, _box(box), lines, fields, certain=len(spans) == 1))
    return year, len(table.rows), [b for row in table.rows for b in row.cells if b is not None]


def _project_row(
    rows: list[_Row], number_text: str, has_text: bool, first: bool, page: int, r: int, base: int, file: str
) -> _Row | None:
    """The project a table row's cells belong to: a new one when its number cell holds a number; the previous
    page's last one when the row is the page's first and has no number (a row continued across the page break);
    None for an empty row. Text in any other row without a number stops the run rather than being lost."""
    if number_text:
        if not _NUMBER.fullmatch(number_text):
            raise SourceFormatError(
                f"{page}ページ目の表の{r}行目: 事業番号の欄が数字ではありません（「{number_text[:20]}」）。",
                f"Page {page}, table row {r}: the number cell is not a number ({number_text[:20]!r}).",
                file=file,
                line=r,
            )
        rows.append(_Row(number_text, page, base + r))
        return rows[-1]
    if not has_text:
        return None
    if rows and first:
        return rows[-1]
    raise SourceFormatError(
        f"{page}ページ目の表の{r}行目: 事業番号のない行です（前のページからの続きでもありません）。",
        f"Page {page}, table row {r}: a row without a project number that continues no row.",
        file=file,
        line=r,
    )


def _outside(page, boxes, number: int, base: int) -> list[DroppedCell]:
    """The page's text outside every cell of the table (the title, a page number, a note): kept as dropped
    cells with their reason, so that no character of the page goes unaccounted for."""

    # The cells tile the table, so a character is in a cell when it is inside the table's outline.
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)

    def inside(c) -> bool:
        return left <= c["x0"] < right and top <= (c["top"] + c["bottom"]) / 2 <= bottom

    lines = group_lines([c for c in page.chars if not inside(c) and not c["text"].isspace()])
    dropped = []
    for i, chars in enumerate(lines, start=1):
        text = "".join(c["text"] for c in chars)
        box = (chars[0]["x0"], min(c["top"] for c in chars), chars[-1]["x1"], max(c["bottom"] for c in chars))
        reason = "ページの表題" if "事業一覧" in text else "表の外の文字（ページ番号や注記）"
        dropped.append(DroppedCell(Cell(number, base + i, 1, text, _box(box)), reason))
    return dropped


def _box(box) -> tuple[float, float, float, float]:
    return tuple(round(v, 1) for v in box)


def _read_unruled_page(page, number: int, base: int, file: str, this_year, rows: list[_Row], dropped: list):
    """A page whose table has no vertical rules: rows from the horizontal rules, columns from where the header
    labels stand. Each character goes to the header column it starts under; these columns are hints for the
    aligner, not certainties."""
    chars = PageChars(page.chars)
    horizontals = sorted({round(e["top"], 1) for e in page.horizontal_edges if e["width"] > page.width / 3})
    if len(horizontals) < 3:
        raise pdf_error(
            file,
            "事業一覧の表が見つかりません（罫線で区切った表がありません）。事業一覧（別紙1）のPDFか確認してください。",
            "No project table found (no table drawn with ruling lines). Check that this is the project list (別紙1).",
            number,
        )
    bands = [(a, b) for a, b in pairwise(horizontals) if b - a > 2]
    left, right = min(e["x0"] for e in page.horizontal_edges), max(e["x1"] for e in page.horizontal_edges)
    band_lines = [lines_with_chars(chars, (left, a, right, b)) for a, b in bands]
    first_data = first_data_row([[t for t, _ in lines] for lines in band_lines])
    starts = label_starts(band_lines[:first_data])
    header_texts = [t for lines in band_lines[:first_data] for t, _ in lines]
    year = header_fiscal_year(header_texts, file, number)
    if this_year is not None and year != this_year:
        raise pdf_error(
            file,
            f"ページによって年度が違います（令和{this_year - 2018}年度と令和{year - 2018}年度）。",
            f"The pages disagree on the fiscal year ({this_year} and {year}).",
            number,
        )
    grid = grid_from_header(band_lines[:first_data], starts, right, year)
    for r, lines in enumerate(band_lines[:first_data], start=1):
        for k, (text, _) in enumerate(lines, start=1):
            if text.strip():
                dropped.append(DroppedCell(Cell(number, base + r, k, text), "表の見出し"))
    for r, ((top, bottom), _lines) in enumerate(
        zip(bands[first_data:], band_lines[first_data:], strict=True), start=first_data + 1
    ):
        boxes = _column_boxes(starts, right, top, bottom)
        texts = [read_lines(chars, box) for box in boxes]
        number_text = nfkc(joined_text(texts[0])).strip() if texts[0] else ""
        current = _project_row(rows, number_text, any(texts), r == first_data + 1, number, r, base, file)
        if current is None:
            continue
        for k, (box, lines) in enumerate(zip(boxes, texts, strict=True)):
            if lines:
                current.parts.append(Part(number, base + r, k + 1, _box(box), lines, grid[k], certain=False))
    return year, len(bands), [b for top, bottom in bands for b in _column_boxes(starts, right, top, bottom)]


def _column_boxes(
    starts: list[float], right: float, top: float, bottom: float
) -> list[tuple[float, float, float, float]]:
    return [(x, top, starts[k + 1] if k + 1 < len(starts) else right, bottom) for k, x in enumerate(starts)]


def _read_pages(pdf, file: str, rows: list[_Row], dropped: list[DroppedCell]) -> tuple[int | None, int | None]:
    """Read every page into ``rows`` and ``dropped``; returns the fiscal year of the header and of the title."""
    if not any(page.chars for page in pdf.pages):
        images = any(page.images for page in pdf.pages)
        raise pdf_error(
            file,
            "PDFに文字がありません"
            + ("（画像だけのスキャンPDFです）" if images else "")
            + "。文字認識（OCR）はここでは行いません。テンプレート（python -m pipeline template）に入力してください。",
            "The PDF has no text layer"
            + (" (a scan: images only)" if images else "")
            + ". OCR is not done here; fill in the intake template (python -m pipeline template) instead.",
        )
    year: int | None = None
    title_year: int | None = None
    base = 0
    for number, page in enumerate(pdf.pages, start=1):
        if not page.chars:
            continue
        table = _ruled_table(page)
        if table is not None and len(table.rows[0].cells) >= 10:
            year, count, boxes = _read_ruled_page(page, number, base, table, file, year, rows, dropped)
        else:
            year, count, boxes = _read_unruled_page(page, number, base, file, year, rows, dropped)
        outside = _outside(page, boxes, number, base + count)
        dropped += outside
        for d in outside:
            title = _RESULTS_YEAR.search(nfkc(d.cell.text))
            if title:
                title_year = 2018 + int(title.group(1))
        base += count + len(outside)
    return year, title_year


def parse_pdf(data: bytes, file: str, fiscal_year: int | None = None) -> SourceTable:
    """Read the list from its PDF: rows of located cells, with each cell's column where the geometry tells it."""
    pdf = _open(data, file)
    rows: list[_Row] = []
    dropped: list[DroppedCell] = []
    with pdf:
        try:
            year, title_year = _read_pages(pdf, file, rows, dropped)
        except _read_errors():
            raise _damaged(file) from None
        pages = len(pdf.pages)
    if year is None or not rows:
        raise pdf_error(
            file,
            "PDFに事業一覧の表が見つかりません。事業一覧（別紙1）のPDFか確認してください。",
            "No project table found in the PDF. Check that this is the project list (別紙1).",
        )
    if title_year is not None and title_year != year:
        raise pdf_error(
            file,
            f"表題の年度（R{title_year - 2018}）と見出しの年度（令和{year - 2018}年度）が一致しません。",
            f"The title's year ({title_year}) and the header's year ({year}) disagree.",
        )
    if fiscal_year is not None and fiscal_year != year:
        raise pdf_error(
            file,
            f"raw/{fiscal_year}/ に置かれたPDFは令和{year - 2018}年度（{year}）の一覧です。正しい年度のフォルダに置いてください。",
            f"The PDF in raw/{fiscal_year}/ is the list of fiscal year {year}; put it in the right year's folder.",
        )
    table = _table(rows, dropped, file, year, pages)
    for cell in [c for r in table.rows for c in r.cells] + [d.cell for d in table.dropped]:
        _check_glyphs(cell, file)
        check_cell_text(cell, file)
    return table


_UNMAPPED = re.compile(r"\(cid:\d+\)|\ufffd")


def _check_glyphs(cell: Cell, file: str) -> None:
    """Never publish mojibake: a font whose glyphs map to no character (pdfminer writes ``(cid:123)``) or to
    the replacement character stops the run, naming the page and cell."""
    bad = _UNMAPPED.search(cell.text)
    if bad:
        raise SourceFormatError(
            f"{cell.page}ページ目のセル {cell.ref} に、文字に変換できないフォントの字（{bad.group(0)}）があります。"
            "このPDFの文字は正しく読み取れません。別の版のPDFを入手するか、テンプレートに入力してください。",
            f"Page {cell.page}, cell {cell.ref}: a glyph the font maps to no character ({bad.group(0)}). The PDF's "
            "text cannot be read faithfully; obtain another copy or fill in the intake template.",
            file=file,
            line=cell.line,
            cell=cell.ref,
        )


def _table(rows: list[_Row], dropped: list[DroppedCell], file: str, year: int, pages: int) -> SourceTable:
    source_rows, columns, hints = [], {}, {}
    kinsoku = keeps_kinsoku([part for row in rows for part in row.parts])
    for row in rows:
        # A cell split across a page break: its parts joined in page order. Parts are matched by the column the
        # header gives them (each page's table is read on its own, so a column's position may differ between
        # pages), by position only where the header gives none (a merged cell).
        merged: dict[tuple, Part] = {}
        for part in row.parts:
            key = part.columns or ("position", part.index)
            if key in merged:
                first = merged[key]
                last = first.lines[-1]
                lines = [*first.lines[:-1], Line(last.text, 0.0, last.lead), *part.lines]
                merged[key] = Part(first.page, first.row, first.index, first.box, lines, first.columns, first.certain)
            else:
                merged[key] = part
        cells: list[Cell] = []
        for part in sorted(merged.values(), key=lambda p: p.index):
            pieces = (
                split_status(part, kinsoku)
                if len(part.columns) == 2
                else [(part.columns[0] if part.columns else "", joined_text(part.lines, kinsoku), part.box)]
            )
            for column, text, box in pieces:
                cell = Cell(part.page, part.row, len(cells) + 1, text, box)
                cells.append(cell)
                if column and part.certain:
                    columns[cell.ref] = column
                elif column:
                    hints[cell.ref] = column
        source_rows.append(check_row(SourceRow(row.page, row.row, tuple(cells)), file))
    return SourceTable(file, "PDF", year, pages, tuple(source_rows), tuple(dropped), "pdf", columns, hints)
