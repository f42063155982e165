"""What every intake format yields: rows of located cells, and the cells deliberately left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.core.normalise import nfkc
from pipeline.errors import SourceFormatError
from pipeline.ingest.limits import MAX_CELL_CHARS, MAX_ROW_CELLS
from pipeline.ingest.text_policy import check_number, check_text


@dataclass(frozen=True)
class Cell:
    """One non-empty tab-separated cell of the source, where it was, and its text exactly as decoded."""

    page: int
    line: int
    column: int
    text: str
    box: tuple[float, float, float, float] | None = None
    """Where a PDF's cell is on its page (x0, top, x1, bottom in points from the top left); None for text."""

    @property
    def ref(self) -> str:
        """Where to find the cell: page, line and tab position (1-based), e.g. ``p1:L7:c4``."""
        return f"p{self.page}:L{self.line}:c{self.column}"


@dataclass(frozen=True)
class SourceRow:
    """A project's line: its non-empty cells in source order (the first one is the project number)."""

    page: int
    line: int
    cells: tuple[Cell, ...]

    @property
    def number_text(self) -> str:
        return nfkc(self.cells[0].text).strip()


@dataclass(frozen=True)
class DroppedCell:
    """A source cell that is deliberately not part of any record (page titles, column headers)."""

    cell: Cell
    reason: str


@dataclass(frozen=True)
class SourceTable:
    """The whole list as read from one file."""

    file: str
    encoding: str
    fiscal_year: int
    pages: int
    rows: tuple[SourceRow, ...]
    dropped: tuple[DroppedCell, ...]
    format: str = "extracted_text"
    """How the file was read: ``pdf`` (the city's PDF), ``extracted_text`` (the PDF's text) or ``template``
    (the intake template)."""
    columns: dict[str, str] = field(default_factory=dict)
    """For a template, each cell's column as its header says (cell ref → column); for a PDF, each cell whose
    column the ruling lines and the header settle. Empty when the columns must be inferred by the aligner."""
    hints: dict[str, str] = field(default_factory=dict)
    """For a PDF without vertical rules, the column each cell stands under (cell ref → column): not certain
    enough to decide, but a disagreement with the aligner is flagged."""


def check_row(row: SourceRow, file: str, sheet: str | None = None) -> SourceRow:
    """Reject a row no layout could hold: far too many cells, or a cell far longer than any in the list; and a
    project number written with digits other than 0-9; a cell the Unicode policy refuses."""
    number = row.number_text
    check_number(number, file, line=row.line, cell=cell_name(row.cells[0], sheet))
    if len(row.cells) > MAX_ROW_CELLS:
        raise SourceFormatError(
            f"事業No.{number} の行にセルが{len(row.cells)}個あります（一覧は20列）。行が結合されたか、区切りが壊れています。",
            f"Project {number}'s row has {len(row.cells)} cells (the list has 20 columns): rows merged or broken.",
            file=file,
            line=row.line,
            project=int(number) if number.isdigit() else None,
        )
    for cell in row.cells:
        # Each reader checks its cells as it reads them (titles and headers too); checked again here so that a
        # reader added later cannot pass a project's cell around the policy.
        check_cell_text(cell, file, sheet)
        if len(cell.text) > MAX_CELL_CHARS:
            raise SourceFormatError(
                f"{cell.column}番目のセルが{len(cell.text):,}字あり、長すぎます（上限{MAX_CELL_CHARS:,}字）。"
                "原本のファイルが壊れていないか確認してください。",
                f"Cell {cell.column} has {len(cell.text):,} characters, more than {MAX_CELL_CHARS:,}: "
                "check that the source is not corrupted.",
                file=file,
                line=row.line,
                project=int(number) if number.isdigit() else None,
                cell=cell_name(cell, sheet),
            )
    return row


def cell_name(cell: Cell, sheet: str | None = None) -> str:
    """How an operator finds a cell: ``事業一覧!C5`` in a spreadsheet, ``p1:L7:c4`` (page, line, tab) in text."""
    if sheet is None:
        return cell.ref
    from openpyxl.utils import get_column_letter

    return f"{sheet}!{get_column_letter(cell.column)}{cell.line}"


def check_cell_text(cell: Cell, file: str, sheet: str | None = None) -> None:
    """Apply the Unicode policy (pipeline.ingest.text_policy) to one cell, naming it in the error."""
    check_text(cell.text, file, line=cell.line, cell=cell_name(cell, sheet))
