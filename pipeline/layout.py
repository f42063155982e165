"""Where everything of a release lives under the output folder (published/ by default), in one place.

    published/
      data/<FY>/                 a year's release: 141500_ict_<table>_<FY>.csv/.json, datapackage.json, …
      data/catalog.jsonld        the catalog of every published year (DCAT)
      data/141500_open_data_list.csv   オープンデータ一覧
      site/                      the web root: index.html, 404.html, versions.json, the catalog's copies,
                                 template/ (the intake template), and each year's site in site/<FY>/
      .staging/                  work in progress, never public: one folder per run (<run id>/) beside the
                                 lock its run holds (<run id>.lock), and each year's swap lock (<FY>.lock)

Every writer and reader of the output folder asks a Layout for a path instead of spelling it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STAGING = ".staging"
OPEN_DATA_LIST = "141500_open_data_list.csv"
CATALOG = "catalog.jsonld"
FILE_PREFIX = "141500_ict"
TEMPLATE_FOLDER = "template"


def year_file_stem(kind: str, fiscal_year: int) -> str:
    """The stem of a year's file that is not a table (tables take theirs from schemas/tables.yaml), e.g.
    141500_ict_review_2022."""
    return f"{FILE_PREFIX}_{kind}_{fiscal_year}"


def review_file_name(fiscal_year: int) -> str:
    return f"{year_file_stem('review', fiscal_year)}.md"


def dictionary_file_name(fiscal_year: int) -> str:
    return f"{year_file_stem('dictionary', fiscal_year)}.md"


@dataclass(frozen=True)
class Layout:
    """The folders and file names of one output folder."""

    out: Path

    @property
    def data_root(self) -> Path:
        return self.out / "data"

    def data_dir(self, fiscal_year: int) -> Path:
        return self.data_root / str(fiscal_year)

    @property
    def site_root(self) -> Path:
        return self.out / "site"

    def site_dir(self, fiscal_year: int) -> Path:
        return self.site_root / str(fiscal_year)

    def site_data_dir(self, fiscal_year: int) -> Path:
        """The copy of a year's release files served with its site."""
        return self.site_dir(fiscal_year) / "data"

    def review_report(self, fiscal_year: int) -> Path:
        """A year's published review report."""
        return self.data_dir(fiscal_year) / review_file_name(fiscal_year)

    @property
    def catalog(self) -> Path:
        return self.data_root / CATALOG

    @property
    def open_data_list(self) -> Path:
        return self.data_root / OPEN_DATA_LIST

    @property
    def staging_root(self) -> Path:
        return self.out / STAGING

    def run_staging(self, run_id: str) -> Path:
        """A run's own work folder; its run holds ``run_lock(run_id)`` while the folder is in use."""
        return self.staging_root / run_id

    def run_lock(self, run_id: str) -> Path:
        return self.staging_root / f"{run_id}.lock"

    def year_lock(self, fiscal_year: int) -> Path:
        return self.staging_root / f"{fiscal_year}.lock"

    def public_folders(self) -> tuple[Path, Path]:
        return self.data_root, self.site_root

    def years_published(self) -> list[int]:
        """The years with a release in data/ (a folder holding datapackage.json)."""
        if not self.data_root.is_dir():
            return []
        return sorted(
            int(p.name)
            for p in self.data_root.iterdir()
            if p.is_dir() and p.name.isdigit() and (p / "datapackage.json").exists()
        )
