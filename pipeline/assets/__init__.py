"""The Dagster assets, one module per stage; each asset calls plain functions of its stage and holds no logic.

Per fiscal year (partitioned by the years in raw/):
raw_list (raw) → source_cells (ingest) → core_projects (core) → release_files (export) → site_build (site)
→ published_release (release). Blocking checks on core_projects, release_files and site_build stop the release
when they fail, so published/ keeps the last good release. Across years: release_catalog and site_landing
(catalog), and the site_accessibility check run by ``make audit``.
"""

from pipeline.assets.catalog import release_catalog, site_accessibility, site_landing
from pipeline.assets.common import ProjectPaths, year_partitions
from pipeline.assets.core import core_projects_asset
from pipeline.assets.export import release_files_asset
from pipeline.assets.ingest import source_cells_asset
from pipeline.assets.raw import raw_list_asset
from pipeline.assets.release import published_release_asset
from pipeline.assets.site import site_build_asset

__all__ = [
    "ProjectPaths",
    "build_assets",
    "release_catalog",
    "site_accessibility",
    "site_landing",
    "year_partitions",
]


def build_assets(partitions) -> list:
    """The per-year assets and their checks, for the given fiscal-year partitions."""
    return [
        make(partitions)
        for make in (
            raw_list_asset,
            source_cells_asset,
            core_projects_asset,
            release_files_asset,
            site_build_asset,
            published_release_asset,
        )
    ]
