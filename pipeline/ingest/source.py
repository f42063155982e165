"""What every intake format yields: rows of located cells, and the cells deliberately left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.core.normalise import nfkc
from pipeline.errors import SourceFormatError

MAX_CELL_CHARS = 10_000
"""The longest cell of the FY2022 list has 550 characters; a cell this long is not a cell of the list."""
MAX_ROW_CELLS = 24
"""The list has 20 columns (a duplicated status cell or two may add one); more cells mean a broken row."""


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
    """How the file was read: ``extracted_text`` (the PDF's text) or ``template`` (the intake template)."""
    columns: dict[str, str] = field(default_factory=dict)
    """For a template, each cell's column as its header says (cell ref → column); for a PDF, each cell whose
    column the ruling lines and the header settle. Empty when the columns must be inferred by the aligner."""
    hints: dict[str, str] = field(default_factory=dict)
    """For a PDF without vertical rules, the column each cell stands under (cell ref → column): not certain
    enough to decide, but a disagreement with the aligner is flagged."""


def check_row(row: SourceRow, file: str) -> SourceRow:
    """Reject a row no layout could hold: far too many cells, or a cell far longer than any in the list."""
    number = row.number_text
    if len(row.cells) > MAX_ROW_CELLS:
        raise SourceFormatError(
            f"事業No.{number} の行にセルが{len(row.cells)}個あります（一覧は20列）。行が結合されたか、区切りが壊れています。",
            f"Project {number}'s row has {len(row.cells)} cells (the list has 20 columns): rows merged or broken.",
            file=file,
            line=row.line,
            project=int(number) if number.isdigit() else None,
        )
    for cell in row.cells:
        if len(cell.text) > MAX_CELL_CHARS:
            raise SourceFormatError(
                f"{cell.column}番目のセルが{len(cell.text):,}字あり、長すぎます（上限{MAX_CELL_CHARS:,}字）。"
                "原本のファイルが壊れていないか確認してください。",
                f"Cell {cell.column} has {len(cell.text):,} characters, more than {MAX_CELL_CHARS:,}: "
                "check that the source is not corrupted.",
                file=file,
                line=row.line,
                project=int(number) if number.isdigit() else None,
            )
    return row
