"""Release stage: the staged data and site swapped into published/ together."""

from pathlib import Path

import dagster as dg

from pipeline.assembly import publish_year
from pipeline.assets.common import ProjectPaths, operator_failure


def published_release_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(partitions_def=partitions, group_name="release")
    def published_release(
        context: dg.AssetExecutionContext, paths: ProjectPaths, release_files: str, site_build: str
    ) -> dg.Output[str]:
        """The staged data and site swapped into published/data/<FY>/ and published/site/<FY>/ together,
        only after every check passed."""
        fy = int(context.partition_key)
        layout = paths.layout
        with operator_failure(paths.out):
            target = publish_year(layout, context.run.run_id, fy, Path(release_files), Path(site_build))
        return dg.Output(
            str(target),
            metadata={
                "data": dg.MetadataValue.path(str(target)),
                "site": dg.MetadataValue.path(str(layout.site_dir(fy))),
                "review_report": dg.MetadataValue.path(str(layout.review_report(fy))),
                "files": ", ".join(sorted(p.name for p in target.iterdir())),
            },
        )

    return published_release
