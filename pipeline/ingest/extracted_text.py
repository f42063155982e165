"""Read the list as the city publishes it: text extracted from the PDF, one table row per line, cells by tab.

What the extraction gives (see the FY2022 source in raw/2022/):

* each PDF page starts with a title line (``別紙1 相模原市ICT総合戦略 事業一覧 (R4取組結果…)``) and a two-line
  header; the header's wording and its number of tabs vary from page to page;
* a project is one line: its number, then its cells separated by tabs. Empty cells were dropped or kept at
  random and some cells are out of place, so a cell's tab position does **not** tell its column. This module
  therefore only records where each non-empty cell was (page, line, column); assigning cells to the table's
  logical columns is the aligner's job (pipeline.core.align).

Nothing is guessed here: a line that is neither blank, a title, a header nor a project row stops the run with
the line number, because it means the format changed.
"""

from __future__ import annotations

import re
from typing import NoReturn

from pipeline.core.normalise import nfkc
from pipeline.errors import SourceFormatError
from pipeline.ingest.limits import MAX_PROJECTS, MAX_SOURCE_BYTES, too_large
from pipeline.ingest.source import Cell, DroppedCell, SourceRow, SourceTable, check_cell_text, check_row

__all__ = ["MAX_SOURCE_BYTES", "decode_source", "parse_extracted_text", "source_cell_positions"]

HEADER_LABELS = {
    1: ("事業名", "所管課", "現状の課題", "事業目的・内容", "事業実施による効果", "PLAN", "DO", "CHECK", "ACT"),
    2: ("行動目標", "成果指標", "年度事業内容", "成果指標結果", "上半期実績", "年次実績", "期取組", "所管課評価"),
}
"""Labels each header line must contain, as substrings, so that wording variants (未期/末期/来期取組) pass."""

_REIWA_PLAN = re.compile(r"令和\s*(\d+)\s*年度\s*PLAN")
_REIWA_RESULTS = re.compile(r"[(（]\s*R\s*(\d+)\s*取組結果")
_PROJECT_NUMBER = re.compile(r"\d{1,4}")


def utf16_label(data: bytes) -> str | None:
    """``UTF-16``/``UTF-32`` when the bytes are text in one of them (a byte-order mark, or zero bytes that decode
    as UTF-16 text): an encoding the readers do not take, named so the operator knows what to change."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if b"\x00" not in data or len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and "\n" in text and _looks_like_text(text):
            return "UTF-16"
    return None


def decode_source(data: bytes, file: str) -> tuple[str, str]:
    """Decode the source bytes: UTF-8 (with or without BOM) or CP932 (Shift_JIS), nothing else.

    Returns the text and a label of the encoding found. Which characters the text may hold is the Unicode
    policy's job (pipeline.ingest.text_policy), applied cell by cell so that the error can say where.
    """
    if len(data) > MAX_SOURCE_BYTES:
        raise too_large(len(data), MAX_SOURCE_BYTES, file)
    if not data.strip():
        raise SourceFormatError("ファイルが空です。", "The file is empty.", file=file)
    label = utf16_label(data)
    if label:
        raise SourceFormatError(
            f"文字コード {label} には対応していません。UTF-8 か Shift_JIS（CP932）で保存し直してください。",
            f"Unsupported encoding ({label}). Save the file again as UTF-8 or Shift_JIS (CP932).",
            file=file,
        )
    if b"\x00" in data:
        raise SourceFormatError(
            "テキストファイルではありません（バイナリデータが含まれています）。PDFから抽出したテキストを置いてください。",
            "This is not a text file (it contains binary data). Place the text extracted from the PDF.",
            file=file,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        if not _is_utf8(data[3:]):
            _undetectable(file)
        return data[3:].decode("utf-8"), "UTF-8 (BOM付き)"
    if _is_utf8(data):
        return data.decode("utf-8"), "UTF-8"
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        _undetectable(file)
    # CP932 fed bytes that are not CP932 text gives private-use and control characters: not this encoding.
    if not _looks_like_text(text):
        _undetectable(file)
    return text, "CP932 (Shift_JIS)"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _undetectable(file: str) -> NoReturn:
    raise SourceFormatError(
        "文字コードを判別できません。UTF-8 か Shift_JIS（CP932）で保存し直してください。",
        "The character encoding cannot be determined. Save the file again as UTF-8 or Shift_JIS (CP932).",
        file=file,
    )


_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")


def _looks_like_text(text: str) -> bool:
    """No control characters but tab and line breaks, and no private-use characters."""
    return not _NOT_TEXT.search(text)


def split_lines(text: str) -> list[str]:
    """Split on CRLF, CR or LF only (str.splitlines would also split on form feeds and other separators)."""
    return re.split(r"\r\n|\r|\n", text)


def _line_kind(fields: list[str]) -> str:
    texts = [nfkc(f).strip() for f in fields]
    non_empty = [t for t in texts if t]
    joined = " ".join(non_empty)
    if not non_empty:
        return "blank"
    # A project row starts with its number; no title or header line does (so a project whose text happens
    # to mention 事業名 and PLAN is still a project).
    if _PROJECT_NUMBER.fullmatch(texts[0]) and len(fields) > 1:
        return "row"
    if len(non_empty) == 1 and "事業一覧" in joined:
        return "title"
    if "事業名" in joined and "PLAN" in joined:
        return "header1"
    if "行動目標" in joined and "成果指標" in joined:
        return "header2"
    return "unknown"


def _check_header(kind: str, fields: list[str], file: str, line: int, page: int) -> None:
    joined = " ".join(nfkc(f).strip() for f in fields)
    missing = [label for label in HEADER_LABELS[1 if kind == "header1" else 2] if label not in joined]
    if missing:
        raise SourceFormatError(
            f"{page}ページ目の見出し行に「{'」「'.join(missing)}」がありません。様式が変わった可能性があります。",
            f"The header of page {page} lacks {', '.join(missing)}. The format of the list may have changed.",
            file=file,
            line=line,
        )


def _years_from_header(fields: list[str], file: str, line: int) -> int:
    joined = nfkc(" ".join(fields))
    years = [2018 + int(n) for n in _REIWA_PLAN.findall(joined)]
    if len(years) != 2 or years[1] != years[0] + 1:
        raise SourceFormatError(
            "見出しから年度を読み取れません（「令和N年度PLAN」と「令和N+1年度PLAN」が必要です）。",
            "Cannot read the fiscal years from the header (expected 令和N年度PLAN and 令和N+1年度PLAN).",
            file=file,
            line=line,
        )
    return years[0]


def parse_extracted_text(data: bytes, file: str) -> SourceTable:
    """Parse the PDF-extracted list into rows of located cells; titles and headers are kept as dropped cells."""
    text, encoding = decode_source(data, file)
    rows: list[SourceRow] = []
    dropped: list[DroppedCell] = []
    page = 0
    header_lines_on_page: set[str] = set()
    fiscal_year: int | None = None
    title_year: int | None = None

    for number, line in enumerate(split_lines(text), start=1):
        fields = line.split("\t")
        kind = _line_kind(fields)
        if kind == "blank":
            continue
        if kind == "title" or (kind == "header1" and "header1" in header_lines_on_page):
            page += 1
            header_lines_on_page = set()
        elif page == 0:
            page = 1
        cells = tuple(Cell(page, number, col, f) for col, f in enumerate(fields, start=1) if f.strip())
        for cell in cells:
            check_cell_text(cell, file)

        if kind == "title":
            match = _REIWA_RESULTS.search(nfkc(line))
            if match:
                title_year = 2018 + int(match.group(1))
            dropped.extend(DroppedCell(c, "ページの表題") for c in cells)
        elif kind in ("header1", "header2"):
            _check_header(kind, fields, file, number, page)
            if kind == "header1":
                year = _years_from_header(fields, file, number)
                if fiscal_year is not None and year != fiscal_year:
                    raise SourceFormatError(
                        f"ページによって年度が違います（令和{fiscal_year - 2018}年度と令和{year - 2018}年度）。",
                        f"The pages disagree on the fiscal year ({fiscal_year} and {year}).",
                        file=file,
                        line=number,
                    )
                fiscal_year = year
            header_lines_on_page.add(kind)
            dropped.extend(DroppedCell(c, "表の見出し") for c in cells)
        elif kind == "row":
            if header_lines_on_page != {"header1", "header2"}:
                raise SourceFormatError(
                    f"{page}ページ目で、見出し行（2行）より前に事業の行があります。様式が変わった可能性があります。",
                    f"On page {page} a project row comes before the two header lines. The format may have changed.",
                    file=file,
                    line=number,
                )
            rows.append(check_row(SourceRow(page, number, cells), file))
            if len(rows) > MAX_PROJECTS:
                raise SourceFormatError(
                    f"事業の行が多すぎます（上限 {MAX_PROJECTS:,}）。事業一覧のファイルか確認してください。",
                    f"Too many project rows (limit {MAX_PROJECTS:,}). Check that this is the project list.",
                    file=file,
                    line=number,
                )
        else:
            preview = nfkc(line).strip()[:40]
            raise SourceFormatError(
                f"想定外の行です（表題・見出し・事業の行のどれでもありません）：「{preview}」。"
                "行頭に事業番号があるか、行が途中で切れていないか確認してください。",
                f"Unexpected line (not a title, header or project row): {preview!r}. "
                "Check that the line starts with a project number and was not cut.",
                file=file,
                line=number,
            )

    if fiscal_year is None or not rows:
        raise SourceFormatError(
            "事業一覧の見出し行または事業の行が見つかりません。PDFから抽出した事業一覧のテキストか確認してください。",
            "No header or project rows found. Check that this is the text extracted from the project list PDF.",
            file=file,
        )
    if title_year is not None and title_year != fiscal_year:
        raise SourceFormatError(
            f"表題の年度（R{title_year - 2018}）と見出しの年度（令和{fiscal_year - 2018}年度）が一致しません。",
            f"The title's year ({title_year}) and the header's year ({fiscal_year}) disagree.",
            file=file,
        )
    return SourceTable(file, encoding, fiscal_year, page, tuple(rows), tuple(dropped))


def source_cell_positions(data: bytes, file: str) -> set[tuple[int, int]]:
    """(line, column) of every non-empty tab-separated cell in the source, counted afresh."""
    text, _ = decode_source(data, file)
    return {
        (number, column)
        for number, line in enumerate(split_lines(text), start=1)
        for column, cell in enumerate(line.split("\t"), start=1)
        if cell.strip()
    }
