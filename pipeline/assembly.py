"""The release put together from a year's records, and the files derived across years — plain functions the
Dagster assets call (pipeline/assets/), with no Dagster in them.

A year: its tables, datapackage.json, data dictionary and review report written into the run's staging folder;
its site built from them; both swapped into published/ together. Across years: the catalog (catalog.jsonld,
オープンデータ一覧) in data/ and the site root's landing files, each recomputed from what is actually published
and written only where it differs, so a run checks them every time and repairs them when they do not match.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from pipeline import interrupts
from pipeline.core.corrections import review_date
from pipeline.core.year import CoreYear
from pipeline.errors import PipelineError
from pipeline.export.catalog import build_catalog
from pipeline.export.dictionary import data_dictionary
from pipeline.export.package import datapackage, datapackage_bytes, dictionary_file_name, release_dates
from pipeline.export.review import review_file_name, review_report
from pipeline.export.tables import csv_bytes, json_bytes, year_frames
from pipeline.export.template import TEMPLATE_STEM, empty_template_xlsx, guide_markdown, template_csv
from pipeline.ingest.source import SourceTable
from pipeline.layout import OPEN_DATA_LIST, TEMPLATE_FOLDER, Layout
from pipeline.raw import RawYear
from pipeline.release import end_run_staging, fresh_folder, replace_file, run_staging, swap_in, write_files, year_lock
from pipeline.schema import per_year_tables, validate_table


def check_fiscal_year(raw: RawYear, source: SourceTable) -> None:
    """The list placed in raw/<FY>/ must be that year's."""
    if source.fiscal_year != raw.fiscal_year:
        raise PipelineError(
            f"raw/{raw.fiscal_year}/ に置かれた一覧は令和{source.fiscal_year - 2018}年度"
            f"（{source.fiscal_year}）のものです。正しい年度のフォルダに置いてください。",
            f"The list in raw/{raw.fiscal_year}/ reports fiscal year {source.fiscal_year}.",
            file=str(raw.source),
        )


def year_release_files(raw: RawYear, year: CoreYear, digest: str) -> tuple[dict[str, bytes], dict]:
    """Every file of a year's release by name, and its datapackage (as a dict)."""
    fy = year.fiscal_year
    frames = {key: validate_table(key, frame) for key, frame in year_frames(year).items()}
    files: dict[str, bytes] = {}
    for spec in per_year_tables():
        frame = frames[spec.key]
        files[f"{spec.file_stem(fy)}.csv"] = csv_bytes(frame)
        files[f"{spec.file_stem(fy)}.json"] = json_bytes(frame, spec)
    dates = release_dates(raw.provenance, review_date(raw.corrections))
    package = datapackage(fy, files, frames, raw.provenance, dates, digest)
    files["datapackage.json"] = datapackage_bytes(package)
    files[dictionary_file_name(fy)] = data_dictionary(fy).encode("utf-8")
    files[review_file_name(fy)] = review_report(year).encode("utf-8")
    return files, package


def stage_year_data(layout: Layout, run_id: str, files: dict[str, bytes]) -> tuple[Path, dict[str, int]]:
    """The release files written into the run's staging folder; returns the folder and each file's size."""
    staged = fresh_folder(run_staging(layout, run_id) / "data")
    return staged, write_files(staged, files)


def stage_year_site(layout: Layout, run_id: str, release_dir: Path, fiscal_year: int) -> Path:
    """The year's site built (mkdocs) from the staged release, in the run's staging folder."""
    from pipeline.website.build import build_year_site

    work = fresh_folder(run_staging(layout, run_id) / "site-work")
    site = build_year_site(release_dir, fiscal_year, work)
    staged = run_staging(layout, run_id) / "site"
    if staged.exists():
        shutil.rmtree(staged)
    site.rename(staged)
    shutil.rmtree(work)
    return staged


def publish_year(layout: Layout, run_id: str, fiscal_year: int, data: Path, site: Path) -> Path:
    """The staged data and site swapped into published/ together, then the run's staging let go. Not once the
    command was told to stop (Ctrl-C, SIGTERM)."""
    interrupts.raise_if_received()
    with year_lock(layout, fiscal_year):
        swap_in((data, layout.data_dir(fiscal_year)), (site, layout.site_dir(fiscal_year)))
    end_run_staging(layout, run_id)
    return layout.data_dir(fiscal_year)


def catalog_files(layout: Layout) -> tuple[dict[Path, bytes], pd.DataFrame]:
    """What data/catalog.jsonld and data/141500_open_data_list.csv must hold for the releases in data/, and
    the オープンデータ一覧 rows (for its schema check)."""
    jsonld, frame = build_catalog(layout.data_root, lambda fy, name: f"{fy}/{name}")
    return {layout.catalog: jsonld, layout.open_data_list: csv_bytes(frame)}, frame


def site_years(layout: Layout) -> list[int]:
    """The published years that have a site."""
    return [y for y in layout.years_published() if layout.site_dir(y).is_dir()]


def landing_files(layout: Layout) -> dict[Path, bytes]:
    """What the site root must hold across the years with a site: landing, 404, year selector, the catalog's
    copies with links relative to the site, and the intake template (none when no year has a site)."""
    from pipeline.website.build import landing_page, not_found_page, versions_json

    years = site_years(layout)
    if not years:
        return {}
    root = layout.site_root
    jsonld, frame = build_catalog(layout.data_root, lambda fy, name: f"{fy}/data/{name}")
    template = root / TEMPLATE_FOLDER
    return {
        root / "index.html": landing_page(years),
        root / "404.html": not_found_page(years),
        root / "versions.json": versions_json(years),
        root / layout.catalog.name: jsonld,
        root / OPEN_DATA_LIST: csv_bytes(frame),
        template / f"{TEMPLATE_STEM}.csv": template_csv(),
        template / f"{TEMPLATE_STEM}.xlsx": empty_template_xlsx(),
        template / f"{TEMPLATE_STEM}_guide.md": guide_markdown().encode("utf-8"),
    }


def stale(files: dict[Path, bytes]) -> list[Path]:
    """The files that do not hold what they must (missing or different bytes)."""
    return [path for path, data in files.items() if not path.is_file() or path.read_bytes() != data]


def derived_files_stale(layout: Layout) -> list[Path]:
    """The cross-year files (catalog, オープンデータ一覧, landing, year selector) that do not match what is
    published: checked at every publish, so a run killed before its catalog was written is repaired."""
    if not layout.data_root.is_dir():
        return []
    return stale(catalog_files(layout)[0]) + stale(landing_files(layout))


def write_derived(layout: Layout, run_id: str, files: dict[Path, bytes]) -> list[Path]:
    """Write the files that differ (each replaced in one rename from the run's staging folder); returns them."""
    changed = stale(files)
    if not changed:
        return []
    try:
        temporary = run_staging(layout, run_id)
        return [path for path in changed if replace_file(path, files[path], temporary)]
    finally:
        end_run_staging(layout, run_id)


def schema_problem(year: CoreYear, source: SourceTable) -> str:
    """Why the year's projects table breaks its schema, in the operator's terms (which source lines, and what
    the review flags say), or "" when it passes."""
    from pipeline.errors import ValidationFailed
    from pipeline.export.tables import projects_frame

    try:
        validate_table("projects", projects_frame(year.records))
    except ValidationFailed as exc:
        lines = {int(r.number_text): r.line for r in source.rows}
        notes = []
        for record in year.records:
            if record.project in exc.projects:
                notes.append(f"事業No.{record.project}（{source.file} の{lines.get(record.project, '?')}行目）:")
                notes += [f"  - 【{f.field}】{f.issue}" for f in record.open_flags]
        return exc.ja + ("\n" + "\n".join(notes) if notes else "") + "\n" + exc.en
    return ""
