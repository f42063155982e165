"""The core stage for one fiscal year: align every row, apply the reviewed corrections, build the records."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.core.align import DUPLICATE, AlignedRow, align_row
from pipeline.core.corrections import Correction, apply_value_corrections, placement_pins, resolve_flags
from pipeline.core.flags import Flag, Severity
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


def with_geometry_flags(aligned: AlignedRow, hints: dict[str, str]) -> AlignedRow:
    """Flag every cell the aligner put in another column than the one it stands under on the page (a PDF
    without vertical rules): both readings are given, and the reviewer settles it with a placement correction."""
    flags = []
    agreed = {p.cell.ref for p in aligned.placements if hints.get(p.cell.ref) == p.column}
    for p in aligned.placements:
        hint = hints.get(p.cell.ref)
        if hint and hint != p.column:
            text = " ".join(p.cell.text.split())
            text = text if len(text) <= 30 else text[:29] + "…"
            flags.append(
                Flag(
                    aligned.project,
                    p.column,
                    (p.cell.ref,),
                    "geometry_disagrees",
                    Severity.REVIEW,
                    f"セル「{text}」は、PDFでは「{hint}」の見出しの下にありますが、内容と並びからは「{p.column}」の列です"
                    "（縦の罫線がないため、位置だけでは決められません）。",
                    f"「{p.column}」に入れました。",
                    "原本のPDFで列を確かめ、訂正ファイルに cell（セル位置）と正しい field（項目）を書いてください。",
                )
            )
    # Where the page and the content agree on a column, the aligner's doubt between close columns is settled.
    kept = tuple(f for f in aligned.flags if not (f.kind == "ambiguous_column" and set(f.cells) <= agreed))
    return replace(aligned, flags=kept + tuple(flags)) if flags or len(kept) < len(aligned.flags) else aligned


def build_core_year(table: SourceTable, corrections: list[Correction], corrections_file: str) -> CoreYear:
    """Align, correct and build the records of one year; flags say what a reviewer should look at."""
    rows = project_numbers(table)
    # A template gives every cell's column, a ruled PDF the columns its lines settle; the aligner lays out
    # only the cells whose column is not given.
    given = {n: {c.ref: table.columns[c.ref] for c in row.cells if c.ref in table.columns} for n, row in rows.items()}
    automatic = {
        number: with_geometry_flags(align_row(row, number, given.get(number)), table.hints)
        for number, row in rows.items()
    }
    pins = placement_pins(corrections, automatic, corrections_file)
    aligned = {
        number: with_geometry_flags(align_row(rows[number], number, {**given.get(number, {}), **pins[number]}), {})
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
