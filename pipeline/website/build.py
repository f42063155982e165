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
from pipeline.paths import PROJECT_ROOT
from pipeline.schema import wareki
from pipeline.website.blocks import split_blocks
from pipeline.website.pages import NAV, Release, project_json, year_pages

SITE_SOURCE = PROJECT_ROOT / "site"
ACCESSIBILITY_RESULTS = SITE_SOURCE / "accessibility-results.json"
LANDING_FILES = frozenset({"index.html", "404.html", "versions.json", "catalog.jsonld", "141500_open_data_list.csv"})


def accessibility_results() -> dict | None:
    """The latest automated accessibility test results (written by `make audit`), if any."""
    if ACCESSIBILITY_RESULTS.exists():
        return json.loads(ACCESSIBILITY_RESULTS.read_text(encoding="utf-8"))
    return None


def year_site_pages(release: Release, release_dir: Path) -> dict[str, tuple[str, list[str]]]:
    """Each page of the year's site (path under docs/) as Markdown with placeholders, and its raw HTML blocks."""
    pages = {path: split_blocks(text) for path, text in year_pages(release, accessibility_results()).items()}
    dictionary = next(release_dir.glob("141500_ict_dictionary_*.md"))
    pages["dictionary.md"] = (dictionary.read_text(encoding="utf-8"), [])
    return pages


def add_downloads(release: Release, release_dir: Path, site: Path) -> None:
    """Copy the release files into the built site (as they are: MkDocs would render the .md ones as pages)
    and one JSON file per project."""
    data = site / "data"
    (data / "projects").mkdir(parents=True, exist_ok=True)
    for path in sorted(release_dir.iterdir()):
        shutil.copyfile(path, data / path.name)
    for project in release.projects:
        (data / "projects" / f"{project['ID']}.json").write_bytes(project_json(release, project))


def mkdocs_config(fiscal_year: int, docs: Path, site: Path) -> dict:
    config = yaml.safe_load((SITE_SOURCE / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_name"] = f"{config['site_name']} {wareki(fiscal_year)}"
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(site)
    config["nav"] = [{title: path} for title, path in NAV]
    config["hooks"] = [str(SITE_SOURCE / hook) for hook in config.get("hooks", [])]
    config["theme"]["custom_dir"] = str(SITE_SOURCE / config["theme"]["custom_dir"])
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


def build_year_site(release_dir: Path, fiscal_year: int, work: Path) -> Path:
    """Generate the pages and run `mkdocs build --strict`; any MkDocs warning stops the build."""
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
        config.plugins["pipeline-year-pages"] = YearPages(year_site_pages(release, release_dir), SITE_SOURCE / "assets")
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


_PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;line-height:1.7;margin:0;color:#1f2933}"
    "header{background:#1d4e89;color:#fff;padding:1rem}"
    "main{max-width:40rem;margin:0 auto;padding:1rem}"
    "a{color:#1a5296;text-decoration:underline}"
    "a:focus-visible{outline:3px solid #b35900;outline-offset:2px}"
    ".newest{font-size:1.25rem}"
)


def _simple_page(title: str, body: str) -> bytes:
    """A small static page in the site's colours (the landing and the 404 page), no script."""
    return (
        "<!doctype html>\n"
        '<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_PAGE_STYLE}</style>\n</head>\n<body>\n"
        "<header><p>相模原市ICT総合戦略 事業一覧</p></header>\n"
        f"<main>\n{body}</main>\n</body>\n</html>\n"
    ).encode()


def landing_page(years: list[int]) -> bytes:
    """The site's root: the newest year first, every published year listed (no automatic redirect)."""
    newest = max(years)
    links = "".join(f'<li><a href="{y}/">{wareki(y)}</a></li>' for y in sorted(years, reverse=True))
    return _simple_page(
        "相模原市ICT総合戦略 事業一覧",
        "<h1>相模原市ICT総合戦略 事業一覧</h1>\n"
        "<p>相模原市ICT総合戦略の事業一覧（別紙1）を、事業ごとに読めるようにしたサイトです。"
        "相模原市が公表した資料を加工して作成しています。</p>\n"
        f'<p class="newest"><a href="{newest}/">最新：{wareki(newest)}の事業一覧</a></p>\n'
        f"<h2>年度の一覧</h2>\n<ul>{links}</ul>\n"
        '<h2>データ</h2>\n<ul><li><a href="catalog.jsonld">全年度のデータの目録（DCAT、JSON-LD）</a></li>'
        '<li><a href="141500_open_data_list.csv">オープンデータ一覧（CSV）</a></li></ul>\n'
        "<h2>事業一覧の記入用テンプレート</h2>\n"
        "<p>次の年度の事業一覧を、PDFではなく表のまま提出するための様式です。</p>\n"
        '<ul><li><a href="template/141500_ict_projects_template.xlsx">テンプレート（Excel）</a></li>'
        '<li><a href="template/141500_ict_projects_template.csv">テンプレート（CSV、UTF-8 BOM付き）</a></li>'
        '<li><a href="template/141500_ict_projects_template_guide.md">書き方（Markdown）</a></li></ul>\n',
    )


def not_found_page(years: list[int]) -> bytes:
    links = "".join(f'<li><a href="/{y}/">{wareki(y)}</a></li>' for y in sorted(years, reverse=True))
    return _simple_page(
        "ページが見つかりません - 相模原市ICT総合戦略 事業一覧",
        "<h1>ページが見つかりません</h1>\n"
        "<p>お探しのページは移動したか、削除された可能性があります。年度を選んでください。</p>\n"
        f'<ul>{links}</ul>\n<p><a href="/">サイトのトップへ</a></p>\n',
    )


def versions_json(years: list[int]) -> bytes:
    """Material's version selector: the published years, newest first."""
    versions = [{"version": str(y), "title": wareki(y), "aliases": []} for y in sorted(years, reverse=True)]
    return (json.dumps(versions, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
