"""Dispatch on the source's format: the PDF-extracted text or the intake template."""

from __future__ import annotations

from pipeline.ingest.extracted_text import parse_extracted_text, source_cell_positions
from pipeline.ingest.source import SourceTable
from pipeline.ingest.template import parse_template, template_cell_positions


def parse_source(data: bytes, file: str, fiscal_year: int) -> SourceTable:
    """Read a year's source in whichever format its file name says."""
    if file.lower().endswith((".csv", ".xlsx")):
        return parse_template(data, file, fiscal_year)
    return parse_extracted_text(data, file)


def cell_positions(table: SourceTable, data: bytes) -> set[tuple[int, int]]:
    """Every non-empty cell of the source as (line, column), counted again from the bytes."""
    if table.format == "template":
        return template_cell_positions(data, table.file)
    return source_cell_positions(data, table.file)
