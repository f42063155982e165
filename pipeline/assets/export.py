"""Export stage: the year's release files staged, with the frictionless check."""

import dagster as dg

from pipeline.assembly import stage_year_data, year_release_files
from pipeline.assets.common import ProjectPaths, operator_failure
from pipeline.core.corrections import confirmed_project_count
from pipeline.core.year import CoreYear
from pipeline.export.package import frictionless_errors, validate_package
from pipeline.raw import RawYear, build_digest, check_project_count
from pipeline.schema import table

CHECKS = [
    dg.AssetCheckSpec(
        "frictionless",
        asset="release_files",
        blocking=True,
        description="frictionless validate of the staged datapackage.json: every CSV and JSON file "
        "against its Table Schema, hashes, sizes, row counts, primary and foreign keys.",
    )
]


def release_files_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(partitions_def=partitions, group_name="export", check_specs=CHECKS)
    def release_files(
        context: dg.AssetExecutionContext, paths: ProjectPaths, raw_list: RawYear, core_projects: CoreYear
    ):
        """The year's release assembled in the run's staging folder (published/.staging/): every table as CSV
        and JSON, datapackage.json, the data dictionary and the review report. published/data/ is untouched."""
        with operator_failure(paths.out):
            fy = core_projects.fiscal_year
            check_project_count(
                paths.layout.data_dir(fy) / f"{table('projects').file_stem(fy)}.csv",
                len(core_projects.records),
                confirmed_project_count(raw_list.corrections),
                raw_list.corrections,
            )
            digest = build_digest(paths.raw, fy)
            files, package = year_release_files(raw_list, core_projects, digest)
            staged, sizes = stage_year_data(paths.layout, context.run.run_id, files)
        yield dg.Output(
            str(staged),
            metadata={
                "folder": str(staged),
                "files": dg.MetadataValue.md(
                    "| file | bytes |\n|---|---:|\n" + "\n".join(f"| {n} | {b:,} |" for n, b in sizes.items())
                ),
                "total_bytes": sum(sizes.values()),
            },
        )
        report = validate_package(staged / "datapackage.json")
        errors = frictionless_errors(report)
        yield dg.AssetCheckResult(
            check_name="frictionless",
            passed=report.valid,
            description="valid"
            if report.valid
            else "公開するファイルが datapackage.json の定義に合いません（frictionless validate）:\n"
            + "\n".join(errors[:50]),
            metadata={"resources": len(package["resources"]), "errors": len(errors)},
        )

    return release_files
