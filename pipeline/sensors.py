"""Triggers for the yearly cycle: a new or changed raw file starts a run for its year only, and every
successful year run refreshes the cross-year catalog and site landing (once per published state).

The raw sensor keeps no state of its own: it compares each year's build digest (its source, provenance and
corrections, and the code; see raw.build_digest) with the digest recorded in that year's published
datapackage.json. The run key carries the digest, so a year is not run twice for the same inputs, even if that
run failed: the operator fixes the input, which changes the digest and starts a new run. A new version of the
code changes every digest, so every year is published again with it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg

from pipeline.layout import Layout
from pipeline.raw import build_digest, fiscal_years
from pipeline.release import published_digest


def published_state(out_dir: Path) -> str:
    """One hash of what is published: each year with the build digest of its release."""
    layout = Layout(out_dir)
    years = layout.years_published()
    return hashlib.sha256("\n".join(f"{y}:{published_digest(layout, y)}" for y in years).encode()).hexdigest()


def build_sensors(raw_dir: Path, out_dir: Path, partitions: dg.PartitionsDefinition, publish_job, catalog_job):
    known_years = set(partitions.get_partition_keys())

    @dg.sensor(
        job=publish_job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Notices a new or changed file in raw/<FY>/ (by content hash) and runs that year only "
        "(a new version of the code runs every year).",
    )
    def raw_changes(context: dg.SensorEvaluationContext):
        requests, waiting = [], []
        for year in fiscal_years(raw_dir):
            try:
                digest = build_digest(raw_dir, year)
            except OSError as exc:
                context.log.warning(f"raw/{year} を読めません: {exc}")
                continue
            if digest == published_digest(Layout(out_dir), year):
                continue
            if str(year) not in known_years:
                waiting.append(year)
                continue
            requests.append(
                dg.RunRequest(run_key=f"{year}-{digest[:16]}", partition_key=str(year), tags={"trigger": "raw_changes"})
            )
        if waiting:
            context.log.info(
                f"新しい年度のフォルダ {', '.join(map(str, waiting))} があります。コードロケーションを再読み込みすると"
                "年度（パーティション）に加わります。"
            )
        if requests:
            return dg.SensorResult(run_requests=requests)
        return dg.SkipReason(
            "raw/ に変更はありません（新しい年度は再読み込み待ち）" if waiting else "raw/ に変更はありません"
        )

    @dg.run_status_sensor(
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[publish_job],
        request_job=catalog_job,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="After a year is published, rebuilds the catalog and the site's landing across years.",
    )
    def refresh_catalog(context: dg.RunStatusSensorContext):
        # Keyed by what is published, so several years finishing together refresh the catalog once.
        return dg.RunRequest(run_key=f"catalog-{published_state(out_dir)[:16]}")

    return [raw_changes, refresh_catalog]
