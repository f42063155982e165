"""The Dagster code location: assets, checks, the publish job and the path resource.

``dagster dev -m pipeline.definitions`` (``make ui``) loads ``defs``; the CLI builds the same definitions
for the folders it is given. Partitions are the fiscal years found in raw/ when the code location loads.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipeline.assets import ProjectPaths, build_assets, release_catalog, site_landing, year_partitions

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PUBLISH_JOB = "publish"
CATALOG_JOB = "publish_catalog"


def default_paths() -> tuple[Path, Path]:
    raw = Path(os.environ.get("PIPELINE_RAW_DIR", PROJECT_ROOT / "raw"))
    out = Path(os.environ.get("PIPELINE_OUT_DIR", PROJECT_ROOT / "published"))
    return raw, out


def build_definitions(raw_dir: Path, out_dir: Path, loggers: dict | None = None) -> dg.Definitions:
    partitions = year_partitions(raw_dir)
    year_assets = build_assets(partitions)
    return dg.Definitions(
        assets=[*year_assets, release_catalog, site_landing],
        jobs=[
            dg.define_asset_job(
                PUBLISH_JOB,
                selection=dg.AssetSelection.assets(*year_assets),
                description="One fiscal year from raw/ to published/: ingest, align, check, release.",
                executor_def=dg.in_process_executor,
            ),
            dg.define_asset_job(
                CATALOG_JOB,
                selection=dg.AssetSelection.assets(release_catalog, site_landing),
                description="Across years: the catalog (DCAT, オープンデータ一覧) and the site's landing and year selector.",
                executor_def=dg.in_process_executor,
            ),
        ],
        resources={"paths": ProjectPaths(raw_dir=str(raw_dir.resolve()), out_dir=str(out_dir.resolve()))},
        loggers=loggers,
    )


defs = build_definitions(*default_paths())
