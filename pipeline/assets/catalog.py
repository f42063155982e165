"""Across years: the catalog (DCAT, オープンデータ一覧), the site's landing, and the accessibility audit."""

import dagster as dg

from pipeline.assembly import catalog_files, landing_files, site_years, write_derived
from pipeline.assets.common import ProjectPaths, operator_failure
from pipeline.errors import ValidationFailed
from pipeline.schema import validate_table
from pipeline.website.audit import chromium_available, crawl
from pipeline.website.build import LANDING_FILES
from pipeline.website.checks import check_site


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
def release_catalog(context: dg.AssetExecutionContext, paths: ProjectPaths):
    """The catalog of every published fiscal year, rebuilt from the releases actually in published/data/:
    catalog.jsonld (DCAT) and 141500_open_data_list.csv (自治体標準オープンデータセット「オープンデータ一覧」).
    Each file is compared with what it must hold and rewritten only when it differs."""
    layout = paths.layout
    problem, written = "", []
    with operator_failure(layout.out):
        files, frame = catalog_files(layout)
        try:
            validate_table("open_data_list", frame)
        except ValidationFailed as exc:
            problem = exc.ja
        if not problem:
            written = write_derived(layout, context.run.run_id, files)
    yield dg.Output(
        str(layout.catalog),
        metadata={
            "years": ", ".join(map(str, layout.years_published())),
            "files_listed": len(frame),
            "rewritten": ", ".join(p.name for p in written) or "none (already current)",
        },
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
def site_landing(context: dg.AssetExecutionContext, paths: ProjectPaths):
    """The site's root across years: index.html leading to the newest year, 404.html, versions.json for the
    year selector, the catalog and オープンデータ一覧 with download URLs relative to the site, and the intake
    template (CSV, XLSX, guide) for the next year's list. Files already current are left alone."""
    layout = paths.layout
    with operator_failure(layout.out):
        files = landing_files(layout)
        if not files:
            return
        write_derived(layout, context.run.run_id, files)
    root = layout.site_root
    yield dg.Output(
        str(root), metadata={"years": ", ".join(map(str, site_years(layout))), "index": str(root / "index.html")}
    )
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
    result = crawl(paths.layout.site_root)
    problems = {
        "violations": result.violations,
        "third_party_requests": result.third_party_requests,
        "horizontal_scroll_pages": len(result.overflowing_pages),
        "broken_links": len(result.broken_links),
    }
    return dg.AssetCheckResult(passed=not any(problems.values()), metadata={"pages": len(result.pages), **problems})
