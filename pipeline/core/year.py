"""The core stage for one fiscal year: align every row, apply the reviewed corrections, build the records."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.align import DUPLICATE, AlignedRow, align_row
from pipeline.core.corrections import Correction, apply_value_corrections, placement_pins, resolve_flags
from pipeline.core.flags import Flag
from pipeline.core.records import ProjectRecord, build_record, with_review_fields
from pipeline.errors import SourceFormatError
from pipeline.ingest.source import DroppedCell, SourceRow, SourceTable


@dataclass(frozen=True)
class CoreYear:
    """A fiscal year's records, and what it took to get them (for checks, review and provenance)."""

    fiscal_year: int
    records: tuple[ProjectRecord, ...]
    automatic: dict[int, AlignedRow]
    """The alignment without any correction: what the algorithm alone decided."""
    aligned: dict[int, AlignedRow]
    """The alignment used, with the cells that placement corrections pin."""
    dropped: tuple[DroppedCell, ...]
    corrections: tuple[Correction, ...]

    @property
    def flags(self) -> list[Flag]:
        return [f for r in self.records for f in r.flags]


def project_numbers(table: SourceTable) -> dict[int, SourceRow]:
    """The rows by project number; a number used twice stops the run (IDs must be unique within a year)."""
    rows: dict[int, SourceRow] = {}
    for row in table.rows:
        number = int(row.number_text)
        if number < 1:
            raise SourceFormatError(
                f"事業番号は1以上にしてください（{number}）。",
                f"Project numbers start at 1 (found {number}).",
                file=table.file,
                line=row.line,
                project=number,
            )
        if number in rows:
            raise SourceFormatError(
                f"事業番号 {number} が {rows[number].line}行目と{row.line}行目の2回あります。"
                "番号は年度の中で一意です。",
                f"Project number {number} appears twice (lines {rows[number].line} and {row.line}).",
                file=table.file,
                line=row.line,
                project=number,
            )
        rows[number] = row
    return rows


def build_core_year(table: SourceTable, corrections: list[Correction], corrections_file: str) -> CoreYear:
    """Align, correct and build the records of one year; flags say what a reviewer should look at."""
    rows = project_numbers(table)
    # A template gives every cell's column; the aligner then only lays out what the header says.
    given = {n: {c.ref: table.columns[c.ref] for c in row.cells} for n, row in rows.items()} if table.columns else {}
    automatic = {number: align_row(row, number, given.get(number)) for number, row in rows.items()}
    pins = placement_pins(corrections, automatic, corrections_file)
    aligned = {
        number: align_row(rows[number], number, {**given.get(number, {}), **pins[number]})
        if number in pins
        else automatic[number]
        for number in rows
    }
    placed_by = {c.cell: c.id for c in corrections if c.is_placement}
    records = {
        number: build_record(a, table.fiscal_year, {ref: placed_by[ref] for ref in pins.get(number, {})})
        for number, a in aligned.items()
    }
    records = apply_value_corrections(records, corrections, corrections_file)
    final = tuple(with_review_fields(resolve_flags(records[n], corrections)) for n in sorted(records))
    dropped = tuple(
        DroppedCell(p.cell, "重複した状況セル（抽出時の重複。値は直前の状況セルと同じ）")
        for a in aligned.values()
        for p in a.placements
        if p.column == DUPLICATE
    )
    return CoreYear(table.fiscal_year, final, automatic, aligned, dropped, tuple(corrections))
