"""The Dagster assets of one fiscal year, from the raw list to the published release.

raw_list → source_cells → core_projects → release_files → published_release, all partitioned by fiscal
year (the years present in raw/). Blocking checks on core_projects (conservation, schema) stop the release
when they fail, so published/ keeps the last good release.
"""

import os
import shutil
from pathlib import Path

import dagster as dg

from pipeline.core.conservation import check_conservation
from pipeline.core.corrections import confirmed_project_count, load_corrections, review_date
from pipeline.core.year import CoreYear, build_core_year
from pipeline.errors import PipelineError, ValidationFailed
from pipeline.ingest.read import parse_source
from pipeline.ingest.source import SourceTable
from pipeline.out.catalog import build_catalog, published_years
from pipeline.out.dictionary import data_dictionary
from pipeline.out.package import (
    datapackage,
    datapackage_bytes,
    dictionary_file_name,
    frictionless_errors,
    release_dates,
    validate_package,
)
from pipeline.out.review import report_for_ui, review_file_name, review_report
from pipeline.out.tables import csv_bytes, json_bytes, projects_frame, year_frames
from pipeline.out.template import TEMPLATE_STEM, empty_template_xlsx, guide_markdown, template_csv
from pipeline.raw import RawYear, build_digest, check_project_count, fiscal_years, read_raw_year
from pipeline.release import (
    data_dir,
    fresh_staging,
    replace_file,
    site_dir,
    staging_dir,
    swap_in,
    write_files,
    year_lock,
)
from pipeline.schema import per_year_tables, table, validate_table
from pipeline.website.audit import chromium_available, crawl
from pipeline.website.build import LANDING_FILES, build_year_site, landing_page, not_found_page, versions_json
from pipeline.website.checks import check_site, site_files
from pipeline.website.pages import project_page_titles


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


def explain_failure(exc: ValidationFailed, year: CoreYear, source: SourceTable) -> str:
    """A schema failure in the operator's terms: which source lines, and what the review flags say."""
    lines = {int(r.number_text): r.line for r in source.rows}
    notes = []
    for record in year.records:
        if record.project in exc.projects:
            notes.append(f"事業No.{record.project}（{source.file} の{lines.get(record.project, '?')}行目）:")
            notes += [f"  - 【{f.field}】{f.issue}" for f in record.open_flags]
    return exc.ja + ("\n" + "\n".join(notes) if notes else "") + "\n" + exc.en


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
        source = parse_source(raw_list.data, str(raw_list.source), raw_list.fiscal_year)
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
                "review_report": dg.MetadataValue.md(report_for_ui(review_report(year), year.fiscal_year)),
            },
        )
        problems = check_conservation(raw_list.data, source_cells, year.records, year.dropped, corrections)
        yield dg.AssetCheckResult(
            check_name="conservation",
            passed=not problems,
            description="\n".join([*problems[:50], f"Conservation failed: {len(problems)} problem(s), listed above."])
            if problems
            else "すべてのセルが1つの項目に入っているか、理由付きで除外されています。",
            metadata={"violations": len(problems), "cells": sum(len(r.cells) for r in source_cells.rows)},
        )
        try:
            validate_table("projects", projects_frame(year.records))
            yield dg.AssetCheckResult(check_name="projects_schema", passed=True, metadata={"rows": len(year.records)})
        except ValidationFailed as exc:
            yield dg.AssetCheckResult(
                check_name="projects_schema", passed=False, description=explain_failure(exc, year, source_cells)
            )

    @dg.asset(
        partitions_def=partitions,
        group_name="out",
        check_specs=[
            dg.AssetCheckSpec(
                "frictionless",
                asset="release_files",
                blocking=True,
                description="frictionless validate of the staged datapackage.json: every CSV and JSON file "
                "against its Table Schema, hashes, sizes, row counts, primary and foreign keys.",
            )
        ],
    )
    def release_files(
        context: dg.AssetExecutionContext, paths: ProjectPaths, raw_list: RawYear, core_projects: CoreYear
    ):
        """The year's release assembled in a staging folder (published/.staging/): every table as CSV and
        JSON, datapackage.json, the data dictionary and the review report. published/data/ is untouched."""
        fy = core_projects.fiscal_year
        check_project_count(
            data_dir(paths.out, fy) / f"{table('projects').file_stem(fy)}.csv",
            len(core_projects.records),
            confirmed_project_count(raw_list.corrections),
            raw_list.corrections,
        )
        frames = {key: validate_table(key, frame) for key, frame in year_frames(core_projects).items()}
        files: dict[str, bytes] = {}
        for spec in per_year_tables():
            frame = frames[spec.key]
            files[f"{spec.file_stem(fy)}.csv"] = csv_bytes(frame)
            files[f"{spec.file_stem(fy)}.json"] = json_bytes(frame, spec)
        dates = release_dates(raw_list.provenance, review_date(raw_list.corrections))
        package = datapackage(fy, files, frames, raw_list.provenance, dates, build_digest(paths.raw, fy))
        files["datapackage.json"] = datapackage_bytes(package)
        files[dictionary_file_name(fy)] = data_dictionary(fy).encode("utf-8")
        files[review_file_name(fy)] = review_report(core_projects).encode("utf-8")
        staging = fresh_staging(paths.out, f"data-{fy}-{context.run.run_id}")
        sizes = write_files(staging, files)
        yield dg.Output(
            str(staging),
            metadata={
                "folder": str(staging),
                "files": dg.MetadataValue.md(
                    "| file | bytes |\n|---|---:|\n" + "\n".join(f"| {n} | {b:,} |" for n, b in sizes.items())
                ),
                "total_bytes": sum(sizes.values()),
            },
        )
        report = validate_package(staging / "datapackage.json")
        yield dg.AssetCheckResult(
            check_name="frictionless",
            passed=report.valid,
            description="valid"
            if report.valid
            else "公開するファイルが datapackage.json の定義に合いません（frictionless validate）:\n"
            + "\n".join(frictionless_errors(report)[:50]),
            metadata={"resources": len(package["resources"]), "errors": len(frictionless_errors(report))},
        )

    @dg.asset(
        partitions_def=partitions,
        group_name="site",
        check_specs=[
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
        ],
    )
    def site_build(context: dg.AssetExecutionContext, paths: ProjectPaths, release_files: str):
        """The year's public site: pages generated from the staged release (every source value HTML-escaped),
        built with `mkdocs build --strict` into published/.staging/, with the release files for download."""
        fy = int(context.partition_key)
        work = fresh_staging(paths.out, f"site-{fy}-{context.run.run_id}-work")
        site = build_year_site(Path(release_files), fy, work)
        staged = staging_dir(paths.out, f"site-{fy}-{context.run.run_id}")
        if staged.exists():
            shutil.rmtree(staged)
        site.rename(staged)
        shutil.rmtree(work)
        files = site_files(staged)
        yield dg.Output(
            str(staged),
            metadata={
                "pages": sum(1 for p in files if p.name.endswith(".html")),
                "bytes": sum(os.stat(p).st_size for p in files),
                "folder": str(staged),
            },
        )
        problems = check_site(staged, LANDING_FILES, titles=project_page_titles(Path(release_files), fy))
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

    @dg.asset(partitions_def=partitions, group_name="release")
    def published_release(
        context: dg.AssetExecutionContext, paths: ProjectPaths, release_files: str, site_build: str
    ) -> dg.Output[str]:
        """The staged data and site swapped into published/data/<FY>/ and published/site/<FY>/ together,
        only after every check passed."""
        fy = int(context.partition_key)
        target = data_dir(paths.out, fy)
        with year_lock(paths.out, fy):
            swap_in((Path(release_files), target), (Path(site_build), site_dir(paths.out, fy)))
        files = sorted(p.name for p in target.iterdir())
        return dg.Output(
            str(target),
            metadata={
                "data": dg.MetadataValue.path(str(target)),
                "site": dg.MetadataValue.path(str(site_dir(paths.out, fy))),
                "review_report": dg.MetadataValue.path(str(target / review_file_name(fy))),
                "files": ", ".join(files),
            },
        )

    return [raw_list, source_cells, core_projects, release_files, site_build, published_release]


@dg.asset(
    group_name="release",
    deps=["published_release"],
    check_specs=[
        dg.AssetCheckSpec(
            "open_data_list_schema",
            asset="release_catalog",
            blocking=True,
            description="The オープンデータ一覧 matches its pandera model from schemas/.",
        )
    ],
)
def release_catalog(paths: ProjectPaths):
    """The catalog of every published fiscal year, rebuilt from the releases actually in published/data/:
    catalog.jsonld (DCAT) and 141500_open_data_list.csv (自治体標準オープンデータセット「オープンデータ一覧」)."""
    data_root = paths.out / "data"
    jsonld, frame = build_catalog(data_root, lambda fy, name: f"{fy}/{name}")
    problem = ""
    try:
        validate_table("open_data_list", frame)
    except ValidationFailed as exc:
        problem = exc.ja
    if not problem:
        replace_file(data_root / "catalog.jsonld", jsonld)
        replace_file(data_root / f"{table('open_data_list').file_stem()}.csv", csv_bytes(frame))
    yield dg.Output(
        str(data_root / "catalog.jsonld"),
        metadata={"years": ", ".join(map(str, published_years(data_root))), "files_listed": len(frame)},
    )
    yield dg.AssetCheckResult(check_name="open_data_list_schema", passed=not problem, description=problem or "valid")


@dg.asset(
    group_name="site",
    deps=["release_catalog"],
    check_specs=[
        dg.AssetCheckSpec(
            "whole_site_links",
            asset="site_landing",
            description="Every link of the landing pages leads somewhere, and every file the years' sites link to "
            "outside their own folder exists.",
        )
    ],
)
def site_landing(paths: ProjectPaths):
    """The site's root across years: index.html leading to the newest year, 404.html, versions.json for the
    year selector, the catalog and オープンデータ一覧 with download URLs relative to the site, and the intake
    template (CSV, XLSX, guide) for the next year's list."""
    root = site_dir(paths.out)
    years = [y for y in published_years(paths.out / "data") if (root / str(y)).is_dir()]
    if not years:
        return
    jsonld, frame = build_catalog(paths.out / "data", lambda fy, name: f"{fy}/data/{name}")
    files = {
        "index.html": landing_page(years),
        "404.html": not_found_page(years),
        "versions.json": versions_json(years),
        "catalog.jsonld": jsonld,
        f"{table('open_data_list').file_stem()}.csv": csv_bytes(frame),
        f"template/{TEMPLATE_STEM}.csv": template_csv(),
        f"template/{TEMPLATE_STEM}.xlsx": empty_template_xlsx(),
        f"template/{TEMPLATE_STEM}_guide.md": guide_markdown().encode("utf-8"),
    }
    for name, data in files.items():
        replace_file(root / name, data)
    yield dg.Output(str(root), metadata={"years": ", ".join(map(str, years)), "index": str(root / "index.html")})
    # Each year's own check already followed every link of its pages and allowed only links out to LANDING_FILES.
    broken = check_site(root, pages=sorted(root.glob("*.html"))).broken_links
    broken += [
        f"{name}（年度のサイトからのリンク先がない）" for name in sorted(LANDING_FILES) if not (root / name).exists()
    ]
    yield dg.AssetCheckResult(
        check_name="whole_site_links",
        passed=not broken,
        description="リンク切れ / broken links:\n" + "\n".join(broken[:50]) if broken else "ok",
    )


@dg.asset_check(
    asset=site_landing,
    description="Every page of published/site/ opened in Debian's headless Chromium: axe-core (WCAG 2.0/2.1 A "
    "and AA), requests to other hosts, horizontal scrolling at 390 px, broken links. Run by the audit_site job "
    "(make audit); it needs chromium and takes about a minute, so it is not part of publish.",
)
def site_accessibility(paths: ProjectPaths) -> dg.AssetCheckResult:
    if not chromium_available():
        return dg.AssetCheckResult(
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description="chromium がないため実行していません（apt-get install chromium）。",
        )
    result = crawl(site_dir(paths.out))
    problems = {
        "violations": result.violations,
        "third_party_requests": result.third_party_requests,
        "horizontal_scroll_pages": len(result.overflowing_pages),
        "broken_links": len(result.broken_links),
    }
    return dg.AssetCheckResult(passed=not any(problems.values()), metadata={"pages": len(result.pages), **problems})
