"""Core stage: one record per project, with its blocking checks (conservation, schema)."""

import dagster as dg

from pipeline.assembly import schema_problem
from pipeline.assets.common import operator_failure
from pipeline.core.conservation import check_conservation
from pipeline.core.corrections import load_corrections
from pipeline.core.year import CoreYear, build_core_year
from pipeline.export.review import report_for_ui, review_report
from pipeline.ingest.source import SourceTable
from pipeline.raw import RawYear

CHECKS = [
    dg.AssetCheckSpec(
        "conservation",
        asset="core_projects",
        blocking=True,
        description="Every non-empty source cell is in exactly one field of one record or dropped with "
        "a reason, and every value is what its cells say or what a reviewed correction says.",
    ),
    dg.AssetCheckSpec(
        "projects_schema",
        asset="core_projects",
        blocking=True,
        description="The projects table matches the pandera model generated from schemas/ (types, "
        "required fields, allowed values, unique IDs).",
    ),
]


def core_projects_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(partitions_def=partitions, group_name="core", check_specs=CHECKS)
    def core_projects(raw_list: RawYear, source_cells: SourceTable):
        """Each row's cells assigned to the list's 20 columns (pipeline.core.align), normalised, corrected
        with the year's reviewed corrections.yaml and turned into one record per project. Uncertain cells are
        flagged for review; a stale correction stops the run. Blocking checks: conservation and schema."""
        with operator_failure():
            corrections = load_corrections(raw_list.corrections)
            year: CoreYear = build_core_year(source_cells, corrections, str(raw_list.corrections))
            problems = check_conservation(raw_list.data, source_cells, year.records, year.dropped, corrections)
            schema = schema_problem(year, source_cells)
        yield dg.Output(
            year,
            metadata={
                "projects": len(year.records),
                "projects_needing_review": sum(1 for r in year.records if r.open_flags),
                "open_flags": sum(1 for f in year.flags if f.open),
                "resolved_flags": sum(1 for f in year.flags if f.resolved_by),
                "corrections_applied": len(year.corrections),
                "review_report": dg.MetadataValue.md(report_for_ui(review_report(year), year.fiscal_year)),
            },
        )
        yield dg.AssetCheckResult(
            check_name="conservation",
            passed=not problems,
            description="\n".join([*problems[:50], f"Conservation failed: {len(problems)} problem(s), listed above."])
            if problems
            else "すべてのセルが1つの項目に入っているか、理由付きで除外されています。",
            metadata={"violations": len(problems), "cells": sum(len(r.cells) for r in source_cells.rows)},
        )
        yield dg.AssetCheckResult(
            check_name="projects_schema",
            passed=not schema,
            description=schema or None,
            metadata={"rows": len(year.records)},
        )

    return core_projects
