"""Build one fiscal year's site with MkDocs (strict) from the staged release, and the landing across years."""

from __future__ import annotations

import json
import logging
import os
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import yaml

from pipeline.errors import PipelineError
from pipeline.export.project_files import project_files
from pipeline.paths import PROJECT_ROOT
from pipeline.schema import wareki
from pipeline.website.pages import NAV, Release, YearPage, render, year_pages

SITE_SOURCE = PROJECT_ROOT / "site"
ACCESSIBILITY_RESULTS = SITE_SOURCE / "accessibility-results.json"
LANDING_FILES = frozenset({"index.html", "404.html", "versions.json", "catalog.jsonld", "141500_open_data_list.csv"})


def accessibility_results() -> dict | None:
    """The latest automated accessibility test results (written by `make audit`), if any."""
    if ACCESSIBILITY_RESULTS.exists():
        return json.loads(ACCESSIBILITY_RESULTS.read_text(encoding="utf-8"))
    return None


def year_site_pages(release: Release, release_dir: Path) -> dict[str, YearPage]:
    """Each page of the year's site (path under docs/): the generated pages and the release's data dictionary
    (its title is the nav's)."""
    pages = year_pages(release, accessibility_results())
    dictionary = next(release_dir.glob("141500_ict_dictionary_*.md"))
    pages["dictionary.md"] = YearPage(dictionary.read_text(encoding="utf-8"), "")
    return pages


def add_downloads(release: Release, release_dir: Path, site: Path) -> None:
    """Copy the release files into the built site (as they are: MkDocs would render the .md ones as pages)
    and one JSON file per project."""
    data = site / "data"
    (data / "projects").mkdir(parents=True, exist_ok=True)
    for path in sorted(release_dir.iterdir()):
        shutil.copyfile(path, data / path.name)
    files = project_files(release.projects, release.flags, release.corrections, release.sources)
    for name, content in files.items():
        (data / "projects" / name).write_bytes(content)


def mkdocs_config(fiscal_year: int, docs: Path, site: Path) -> dict:
    config = yaml.safe_load((SITE_SOURCE / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_name"] = f"{config['site_name']} {wareki(fiscal_year)}"
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(site)
    config["nav"] = [{title: path} for title, path in NAV]
    config["hooks"] = [str(SITE_SOURCE / hook) for hook in config.get("hooks", [])]
    return config


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _source_date(date: str):
    """Pin the build date MkDocs writes into the sitemap to the release's date, for byte-identical builds."""
    epoch = str(int(datetime.fromisoformat(date).replace(tzinfo=UTC).timestamp()))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def build_year_site(release_dir: Path, fiscal_year: int, work: Path, keep_blocks_out: bool = True) -> Path:
    """Generate the pages and run `mkdocs build --strict`; any MkDocs warning stops the build. ``keep_blocks_out``
    keeps raw HTML out of Python-Markdown (pipeline/website/blocks.py); the site is the same without it."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    from pipeline.website.year_pages import YearPages

    docs, site = work / "docs", work / "site"
    docs.mkdir(parents=True, exist_ok=True)  # MkDocs needs a docs folder; every page is given in memory
    release = Release.load(release_dir, fiscal_year)
    config_file = work / "mkdocs.yml"
    config_file.write_text(
        yaml.safe_dump(mkdocs_config(fiscal_year, docs, site), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(config_file), strict=True)
        config.plugins["pipeline-year-pages"] = YearPages(
            year_site_pages(release, release_dir), SITE_SOURCE / "assets", keep_blocks_out
        )
        with _source_date(release.package["modified"]):
            build(config)
    except (Abort, ConfigurationError) as exc:
        details = "\n".join(collector.messages) or str(exc)
        raise PipelineError(
            f"サイトのビルド（mkdocs build --strict）に失敗しました:\n{details}",
            f"The site build (mkdocs build --strict) failed:\n{details}",
        ) from None
    finally:
        logger.removeHandler(collector)
    # A year's 404 page would need the deployment's absolute URL; the landing provides the site's 404 page.
    (site / "404.html").unlink(missing_ok=True)
    add_downloads(release, release_dir, site)
    return site


def _years(years: list[int]) -> list[tuple[int, str]]:
    return [(y, wareki(y)) for y in sorted(years, reverse=True)]


def landing_page(years: list[int]) -> bytes:
    """The site's root: the newest year first, every published year listed (no automatic redirect)."""
    listed = [{"year": y, "name": name} for y, name in _years(years)]
    return render("landing.html", newest=listed[0], years=listed).encode("utf-8")


def not_found_page(years: list[int]) -> bytes:
    return render("not_found.html", years=[{"year": y, "name": name} for y, name in _years(years)]).encode("utf-8")


def versions_json(years: list[int]) -> bytes:
    """Material's version selector: the published years, newest first."""
    versions = [{"version": str(y), "title": wareki(y), "aliases": []} for y in sorted(years, reverse=True)]
    return (json.dumps(versions, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
