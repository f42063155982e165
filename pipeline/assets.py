"""The Dagster assets of one fiscal year, from the raw list to the published release.

raw_list → source_cells → core_projects → release_files → published_release, all partitioned by fiscal
year (the years present in raw/). Blocking checks on core_projects (conservation, schema) stop the release
when they fail, so published/ keeps the last good release.
"""

from pathlib import Path

import dagster as dg

from pipeline.core.conservation import check_conservation
from pipeline.core.corrections import load_corrections
from pipeline.core.year import CoreYear, build_core_year
from pipeline.errors import PipelineError, ValidationFailed
from pipeline.ingest.extracted_text import SourceTable, parse_extracted_text
from pipeline.out.review import review_report
from pipeline.out.tables import csv_bytes, projects_frame
from pipeline.raw import RawYear, fiscal_years, read_raw_year
from pipeline.release import data_dir, fresh_staging, swap_in, write_files
from pipeline.schema import table, validate_table


class ProjectPaths(dg.ConfigurableResource):
    """Where the inputs are and where releases go (tests point these at temporary folders)."""

    raw_dir: str
    out_dir: str

    @property
    def raw(self) -> Path:
        return Path(self.raw_dir)

    @property
    def out(self) -> Path:
        return Path(self.out_dir)


def review_file_name(fiscal_year: int) -> str:
    return f"141500_ict_review_{fiscal_year}.md"


def year_partitions(raw_dir: Path) -> dg.StaticPartitionsDefinition:
    return dg.StaticPartitionsDefinition([str(y) for y in fiscal_years(raw_dir)])


def build_assets(partitions: dg.PartitionsDefinition) -> list:
    """The per-year assets and their checks, for the given fiscal-year partitions."""

    @dg.asset(partitions_def=partitions, group_name="raw", kinds={"text"})
    def raw_list(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.Output[RawYear]:
        """The year's source file exactly as received in raw/<FY>/, checked against its provenance sidecar
        (file name and sha256). A source that changed without its sidecar stops the run here."""
        raw = read_raw_year(paths.raw, int(context.partition_key))
        return dg.Output(
            raw,
            metadata={
                "file": str(raw.source),
                "sha256": raw.provenance["sha256"],
                "bytes": len(raw.data),
                "title": raw.provenance["title"],
            },
        )

    @dg.asset(partitions_def=partitions, group_name="ingest")
    def source_cells(raw_list: RawYear) -> dg.Output[SourceTable]:
        """The list read into pages, header lines and project rows of non-empty cells, each cell with its
        page, line and tab position. Titles and headers are kept as dropped cells with the reason."""
        source = parse_extracted_text(raw_list.data, str(raw_list.source))
        if source.fiscal_year != raw_list.fiscal_year:
            raise PipelineError(
                f"raw/{raw_list.fiscal_year}/ に置かれた一覧は令和{source.fiscal_year - 2018}年度"
                f"（{source.fiscal_year}）のものです。正しい年度のフォルダに置いてください。",
                f"The list in raw/{raw_list.fiscal_year}/ reports fiscal year {source.fiscal_year}.",
                file=str(raw_list.source),
            )
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

    @dg.asset(
        partitions_def=partitions,
        group_name="core",
        check_specs=[
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
        ],
    )
    def core_projects(raw_list: RawYear, source_cells: SourceTable):
        """Each row's cells assigned to the list's 20 columns (pipeline.core.align), normalised, corrected
        with the year's reviewed corrections.yaml and turned into one record per project. Uncertain cells are
        flagged for review; a stale correction stops the run. Blocking checks: conservation and schema."""
        corrections = load_corrections(raw_list.corrections)
        year = build_core_year(source_cells, corrections, str(raw_list.corrections))
        open_flags = [f for f in year.flags if f.open]
        yield dg.Output(
            year,
            metadata={
                "projects": len(year.records),
                "projects_needing_review": sum(1 for r in year.records if r.open_flags),
                "open_flags": len(open_flags),
                "resolved_flags": sum(1 for f in year.flags if f.resolved_by),
                "corrections_applied": len(year.corrections),
                "review_report": dg.MetadataValue.md(review_report(year)),
            },
        )
        problems = check_conservation(raw_list.data, source_cells, year.records, year.dropped, corrections)
        yield dg.AssetCheckResult(
            check_name="conservation",
            passed=not problems,
            description="\n".join(problems[:50])
            or "すべてのセルが1つの項目に入っているか、理由付きで除外されています。",
            metadata={"violations": len(problems), "cells": sum(len(r.cells) for r in source_cells.rows)},
        )
        try:
            validate_table("projects", projects_frame(year.records))
            yield dg.AssetCheckResult(check_name="projects_schema", passed=True, metadata={"rows": len(year.records)})
        except ValidationFailed as exc:
            yield dg.AssetCheckResult(check_name="projects_schema", passed=False, description=exc.ja)

    @dg.asset(partitions_def=partitions, group_name="out")
    def release_files(
        context: dg.AssetExecutionContext, paths: ProjectPaths, core_projects: CoreYear
    ) -> dg.Output[str]:
        """The year's release assembled in a staging folder (published/.staging/): the projects table as
        CSV and the review report. Nothing under published/data/ changes at this step."""
        fy = core_projects.fiscal_year
        frame = validate_table("projects", projects_frame(core_projects.records))
        files = {
            f"{table('projects').file_stem(fy)}.csv": csv_bytes(frame),
            review_file_name(fy): review_report(core_projects).encode("utf-8"),
        }
        staging = fresh_staging(paths.out, f"data-{fy}")
        sizes = write_files(staging, files)
        return dg.Output(str(staging), metadata={name: dg.MetadataValue.int(size) for name, size in sizes.items()})

    @dg.asset(partitions_def=partitions, group_name="release")
    def published_release(paths: ProjectPaths, core_projects: CoreYear, release_files: str) -> dg.Output[str]:
        """The staged release swapped into published/data/<FY>/ in one step, only after every check passed."""
        target = data_dir(paths.out, core_projects.fiscal_year)
        swap_in(Path(release_files), target)
        files = sorted(p.name for p in target.iterdir())
        return dg.Output(str(target), metadata={"path": str(target), "files": ", ".join(files)})

    return [raw_list, source_cells, core_projects, release_files, published_release]
