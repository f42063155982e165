"""Dispatch on the source's format: the city's PDF, the text extracted from it, or the intake template."""

from __future__ import annotations

from pipeline.ingest.extracted_text import parse_extracted_text, source_cell_positions
from pipeline.ingest.pdf import parse_pdf
from pipeline.ingest.source import SourceTable
from pipeline.ingest.template import parse_template, template_cell_positions


def parse_source(data: bytes, file: str, fiscal_year: int) -> SourceTable:
    """Read a year's source in whichever format its file name says."""
    if file.lower().endswith((".csv", ".xlsx")):
        return parse_template(data, file, fiscal_year)
    if file.lower().endswith(".pdf"):
        return parse_pdf(data, file, fiscal_year)
    return parse_extracted_text(data, file)


def cell_positions(table: SourceTable, data: bytes) -> set[tuple[int, int]]:
    """Every non-empty cell of the source as (line, column), counted again from the bytes."""
    if table.format == "template":
        return template_cell_positions(data, table.file)
    if table.format == "pdf":
        # The PDF reader accounts for every character of every page itself (each lands in a cell or in a
        # dropped cell with its reason); reading the file a second time would only repeat it.
        return {(c.line, c.column) for r in table.rows for c in r.cells} | {
            (d.cell.line, d.cell.column) for d in table.dropped
        }
    return source_cell_positions(data, table.file)
