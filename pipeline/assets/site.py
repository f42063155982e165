"""Site stage: the year's site built from the staged release, with its blocking link checks."""

import os
from pathlib import Path

import dagster as dg

from pipeline.assembly import stage_year_site
from pipeline.assets.common import ProjectPaths, operator_failure
from pipeline.website.build import LANDING_FILES
from pipeline.website.checks import check_site, site_files
from pipeline.website.pages import project_page_titles

CHECKS = [
    dg.AssetCheckSpec(
        "site_links",
        asset="site_build",
        blocking=True,
        description="Every link on every page of the year's site leads to a page or file of the site.",
    ),
    dg.AssetCheckSpec(
        "site_no_third_party",
        asset="site_build",
        blocking=True,
        description="No page or stylesheet loads anything from another host (fonts, CDN, analytics).",
    ),
    dg.AssetCheckSpec(
        "site_safe",
        asset="site_build",
        blocking=True,
        description="No page holds a script URL, an event handler or an element the site never writes, "
        "and every project page's title is its record's.",
    ),
]


def site_build_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(partitions_def=partitions, group_name="site", check_specs=CHECKS)
    def site_build(context: dg.AssetExecutionContext, paths: ProjectPaths, release_files: str):
        """The year's public site: pages generated from the staged release (every source value HTML-escaped),
        built with `mkdocs build --strict` into the run's staging folder, with the release files for download."""
        with operator_failure(paths.out):
            staged = stage_year_site(paths.layout, context.run.run_id, Path(release_files), int(context.partition_key))
            files = site_files(staged)
            problems = check_site(
                staged, LANDING_FILES, titles=project_page_titles(Path(release_files), int(context.partition_key))
            )
        yield dg.Output(
            str(staged),
            metadata={
                "pages": sum(1 for p in files if p.name.endswith(".html")),
                "bytes": sum(os.stat(p).st_size for p in files),
                "folder": str(staged),
            },
        )
        broken, external, unsafe = problems.broken_links, problems.third_party, problems.unsafe
        yield dg.AssetCheckResult(
            check_name="site_links",
            passed=not broken,
            description="リンク切れ / broken links:\n" + "\n".join(broken[:50]) if broken else "ok",
        )
        yield dg.AssetCheckResult(
            check_name="site_no_third_party",
            passed=not external,
            description="他のサイトから読み込むもの / loaded from other hosts:\n" + "\n".join(external[:50])
            if external
            else "ok",
        )
        yield dg.AssetCheckResult(
            check_name="site_safe",
            passed=not unsafe,
            description="スクリプトになりうるもの・記録と違う表題 / script or wrong titles:\n" + "\n".join(unsafe[:50])
            if unsafe
            else "ok",
        )

    return site_build
