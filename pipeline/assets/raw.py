"""Raw stage: the year's source file as received."""

import dagster as dg

from pipeline.assets.common import ProjectPaths, operator_failure
from pipeline.raw import RawYear, read_raw_year


def raw_list_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(partitions_def=partitions, group_name="raw", kinds={"text"})
    def raw_list(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.Output[RawYear]:
        """The year's source file exactly as received in raw/<FY>/, checked against its provenance sidecar
        (file name and sha256). A source that changed without its sidecar stops the run here."""
        with operator_failure():
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

    return raw_list
