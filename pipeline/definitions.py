"""The Dagster code location: assets, checks, jobs, sensors and the path resource.

``dagster dev -m pipeline.definitions`` (``make ui``) loads ``defs``; the CLI builds the same definitions
for the folders it is given. Partitions are the fiscal years found in raw/ when the code location loads:
adding raw/2024/ and reloading the code location makes 2024 a partition, with no code change.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipeline.assets import (
    ProjectPaths,
    build_assets,
    release_catalog,
    site_accessibility,
    site_landing,
    year_partitions,
)
from pipeline.paths import default_paths
from pipeline.sensors import build_sensors

PUBLISH_JOB = "publish"
CATALOG_JOB = "publish_catalog"
AUDIT_JOB = "audit_site"


def build_definitions(raw_dir: Path, out_dir: Path, loggers: dict | None = None) -> dg.Definitions:
    partitions = year_partitions(raw_dir)
    year_assets = build_assets(partitions)
    publish = dg.define_asset_job(
        PUBLISH_JOB,
        selection=dg.AssetSelection.assets(*year_assets),
        description="One fiscal year from raw/ to published/: ingest, align, check, release, site. Steps run in "
        "the run's own process: they form a chain, so a process per step would only add start-up time; years "
        "run side by side as separate runs.",
        executor_def=dg.in_process_executor,
    )
    catalog = dg.define_asset_job(
        CATALOG_JOB,
        selection=dg.AssetSelection.assets(release_catalog, site_landing).without_checks()
        | dg.AssetSelection.checks_for_assets(release_catalog, site_landing)
        - dg.AssetSelection.checks(site_accessibility),
        description="Across years: the catalog (DCAT, オープンデータ一覧), the site's landing and year selector.",
        executor_def=dg.in_process_executor,
    )
    audit = dg.define_asset_job(
        AUDIT_JOB,
        selection=dg.AssetSelection.checks(site_accessibility),
        description="Every page of published/site/ in headless Chromium: axe-core, requests, 390 px, links.",
        executor_def=dg.in_process_executor,
    )
    return dg.Definitions(
        assets=[*year_assets, release_catalog, site_landing],
        asset_checks=[site_accessibility],
        jobs=[publish, catalog, audit],
        sensors=build_sensors(raw_dir.resolve(), out_dir.resolve(), partitions, publish, catalog),
        # No io_manager given: Dagster's default (filesystem pickles under the instance's storage folder), so
        # the UI can re-execute any step from the outputs a run stored.
        resources={"paths": ProjectPaths(raw_dir=str(raw_dir.resolve()), out_dir=str(out_dir.resolve()))},
        loggers=loggers,
    )


defs = build_definitions(*default_paths())
