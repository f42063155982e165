"""Ingest stage: the source read into cells."""

import dagster as dg

from pipeline.assembly import check_fiscal_year
from pipeline.assets.common import operator_failure
from pipeline.ingest.read import parse_source
from pipeline.ingest.source import SourceTable
from pipeline.raw import RawYear


def source_cells_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(partitions_def=partitions, group_name="ingest")
    def source_cells(raw_list: RawYear) -> dg.Output[SourceTable]:
        """The list read into pages, header lines and project rows of non-empty cells, each cell with its
        page, line and tab position. Titles and headers are kept as dropped cells with the reason."""
        with operator_failure():
            source = parse_source(raw_list.data, str(raw_list.source), raw_list.fiscal_year)
            check_fiscal_year(raw_list, source)
        return dg.Output(
            source,
            metadata={
                "encoding": source.encoding,
                "pages": source.pages,
                "project_rows": len(source.rows),
                "cells": sum(len(r.cells) for r in source.rows),
                "dropped_cells": len(source.dropped),
            },
        )

    return source_cells
