"""What every intake format yields: rows of located cells, and the cells deliberately left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.core.normalise import nfkc


@dataclass(frozen=True)
class Cell:
    """One non-empty tab-separated cell of the source, where it was, and its text exactly as decoded."""

    page: int
    line: int
    column: int
    text: str

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
    """For a template, each cell's column as its header says (cell ref → column); empty when the columns
    must be inferred by the aligner."""
