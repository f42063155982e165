"""The pages of one fiscal year's site, rendered from the templates in site/templates/ with the year's release.

This module prepares plain data (the release's records, counts, chart geometry) and renders it with Jinja2 with
autoescape on, so every value from the source reaches a page escaped, whatever characters it holds. A year page is
Markdown for MkDocs (headings, and links MkDocs resolves and checks) in which every value from the release sits
in an HTML block, where Markdown leaves the escaped text as it is; the templates never put a source value into
Markdown syntax, and there is no front matter: a page's title goes to MkDocs through the site's plugin
(pipeline/website/year_pages.py). Links inside the HTML blocks are written as final relative URLs, because MkDocs
does not rewrite links in raw HTML.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import jinja2

from pipeline.core.align import ALIGNMENT_RULES_JA
from pipeline.core.records import ALIGNED, CONSTANT, DERIVED
from pipeline.export.package import dictionary_file_name
from pipeline.export.review import review_file_name
from pipeline.schema import dataset_meta, table, wareki

TEMPLATES = Path(__file__).resolve().parents[2] / "site" / "templates"
STATUS_STYLE = {
    "計画以上・計画どおり": ("◎", "on"),
    "課題あり": ("△", "issue"),
    "未記入": ("－", "blank"),
    "判読不能": ("？", "unreadable"),
}
CATEGORY_ORDER = (("A", "重点事業"), ("B", "深化型事業"), ("C", "探索型事業"))
NAV = (
    ("トップ", "index.md"),
    ("事業一覧", "projects/index.md"),
    ("所管課別", "departments.md"),
    ("事業区分別", "categories.md"),
    ("データ", "data.md"),
    ("データ辞書", "dictionary.md"),
    ("作成方法", "method.md"),
    ("アクセシビリティ方針", "accessibility.md"),
)
_BAR_STYLE = {"計画以上・計画どおり": "", "課題あり": "bar--issue", "未記入": "bar--blank", "判読不能": "bar--blank"}


@dataclass(frozen=True)
class YearPage:
    """A page of the year's site: its Markdown (no front matter) and its title as plain text."""

    markdown: str
    title: str


@dataclass(frozen=True)
class Release:
    """A year's release as the site sees it: the published JSON tables and the datapackage."""

    fiscal_year: int
    projects: list[dict]
    flags: list[dict]
    corrections: list[dict]
    sources: list[dict]
    package: dict
    files: dict[str, int]

    @classmethod
    def load(cls, folder: Path, fiscal_year: int) -> Release:
        def records(key: str) -> list[dict]:
            stem = table(key).file_stem(fiscal_year)
            return json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))

        return cls(
            fiscal_year=fiscal_year,
            projects=records("projects"),
            flags=records("review_flags"),
            corrections=records("corrections"),
            sources=records("value_sources"),
            package=json.loads((folder / "datapackage.json").read_text(encoding="utf-8")),
            files={p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()},
        )

    @cached_property
    def by_project(self) -> dict[int, dict[str, list[dict]]]:
        """Each project's rows of review_flags, corrections and value_sources, in release order."""
        grouped: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for key, rows in (
            ("review_flags", self.flags),
            ("corrections", self.corrections),
            ("value_sources", self.sources),
        ):
            for row in rows:
                grouped[row["ID"]][key].append(row)
        return grouped

    def of(self, project: int, key: str) -> list[dict]:
        return self.by_project.get(project, {}).get(key, [])


def _lines(text: object) -> list[str]:
    """A source value's non-empty lines (a cell's bullets are kept as written)."""
    return [line for line in str(text).split("\n") if line] if text else []


def _up(depth: int) -> str:
    """The relative path from a page ``depth`` folders below the year's root back to it."""
    return "../" * depth


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its extension: the .md ones carry source text in HTML blocks
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["lines"] = _lines
    env.globals["up"] = _up
    env.globals["status_style"] = lambda value: STATUS_STYLE.get(value, ("？", "unreadable"))
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def bar_chart(ident: str, title: str, items: list[tuple[str, int, str]]) -> dict:
    """A horizontal bar chart's geometry: one bar per (label, value, style), scaled to the largest value."""
    width, label_width, bar_height, gap = 640, 230, 26, 10
    top = max((v for _, v, _ in items), default=0) or 1
    bars = [
        {
            "label": label,
            "value": value,
            "style": style,
            "y": gap + i * (bar_height + gap),
            "width": max(2, round((width - label_width - 60) * value / top)) if value else 0,
        }
        for i, (label, value, style) in enumerate(items)
    ]
    return {
        "id": ident,
        "title": title,
        "description": "、".join(f"{label} {value}件" for label, value, _ in items),
        "width": width,
        "height": len(items) * (bar_height + gap) + gap,
        "label_width": label_width,
        "bar_height": bar_height,
        "bars": bars,
    }


def top_page(r: Release) -> str:
    by_category = Counter(p["事業区分コード"] for p in r.projects)
    category_items = [(f"{name}（{code}）", by_category.get(code, 0), "") for code, name in CATEGORY_ORDER]
    sections = []
    for key, label in (("CHECK_上半期_状況", "上半期実績"), ("CHECK_年次_状況", "年次実績")):
        counts = Counter(p[key] for p in r.projects)
        items = [(s, counts.get(s, 0), _BAR_STYLE[s]) for s in STATUS_STYLE]
        sections.append({"label": label, "chart": bar_chart(f"chart-{key}", f"{label}の状況ごとの事業数", items)})
    return render(
        "top.md",
        title=dataset_meta(r.fiscal_year).title,
        year=wareki(r.fiscal_year),
        count=len(r.projects),
        category_chart=bar_chart("chart-category", "事業区分ごとの事業数", category_items),
        status_sections=sections,
        with_issues=[p for p in r.projects if "課題あり" in (p["CHECK_上半期_状況"], p["CHECK_年次_状況"])],
        needs_review=[p for p in r.projects if p["要確認"]],
        nav=NAV[1:],
    )


def projects_page(r: Release) -> str:
    filters = [
        {"name": "category", "label": "事業区分", "options": [code for code, _ in CATEGORY_ORDER]},
        {"name": "h1", "label": "上半期実績の状況", "options": list(STATUS_STYLE)},
        {"name": "fy", "label": "年次実績の状況", "options": list(STATUS_STYLE)},
        {"name": "department", "label": "所管課", "options": sorted({d for p in r.projects for d in p["所管課"]})},
    ]
    return render("projects.md", year=wareki(r.fiscal_year), projects=r.projects, filters=filters)


def value_sources(sources: list[dict]) -> dict:
    """Which source cell each field came from: the fields read from the source, then the fields the source left
    empty (fixed and derived fields have no cell and are left out)."""
    read, empty = [], []
    for s in sources:
        if s["取得方法"] in (CONSTANT, DERIVED):
            continue
        if not s["出典セル"] and not s["訂正番号"]:
            empty.append(s["列名"])
            continue
        how = "" if s["取得方法"] == ALIGNED else "（" + "、".join(filter(None, [s["取得方法"], s["訂正番号"]])) + "）"
        read.append({"field": s["列名"], "cells": "、".join(s["出典セル"] or []) or "―", "how": how})
    return {"read": read, "empty": empty}


def project_page(r: Release, p: dict) -> str:
    number = p["ID"]
    return render(
        "project.md",
        p=p,
        year=wareki(r.fiscal_year),
        next_year=wareki(r.fiscal_year + 1),
        flags=[f for f in r.of(number, "review_flags") if f["状態"] == "未解決"],
        corrections=r.of(number, "corrections"),
        sources=value_sources(r.of(number, "value_sources")),
        projects_csv=f"{table('projects').file_stem(r.fiscal_year)}.csv",
    )


def departments_page(r: Release) -> str:
    by_department: dict[str, list[dict]] = defaultdict(list)
    for p in r.projects:
        for d in p["所管課"]:
            by_department[d].append(p)
    return render("departments.md", departments=sorted(by_department.items()))


def categories_page(r: Release) -> str:
    categories = [(code, name, [p for p in r.projects if p["事業区分コード"] == code]) for code, name in CATEGORY_ORDER]
    return render("categories.md", categories=categories)


def _size(n: int) -> str:
    return f"{n / 1024:,.1f} KB" if n >= 1024 else f"{n} バイト"


def data_page(r: Release) -> str:
    fy = r.fiscal_year
    described = {res["path"]: res for res in r.package["resources"]}
    extra = {
        "datapackage.json": (
            "データパッケージ（Frictionless Data Package v2）：全ファイルの定義、ハッシュ、大きさ",
            "JSON",
            "UTF-8（BOMなし）",
        ),
        dictionary_file_name(fy): ("データ辞書（Markdown）", "Markdown", "UTF-8（BOMなし）"),
        review_file_name(fy): ("確認レポート：要確認の箇所と訂正の方法（Markdown）", "Markdown", "UTF-8（BOMなし）"),
    }
    files = []
    for name, size in r.files.items():
        if name in described:
            res = described[name]
            title, fmt = res["title"], res["format"].upper()
            encoding = "UTF-8（BOM付き）" if res.get("bom") else "UTF-8（BOMなし）"
        else:
            title, fmt, encoding = extra[name]
        files.append({"name": name, "title": title, "format": fmt, "size": _size(size), "encoding": encoding})
    return render("data.md", year=wareki(fy), files=files, meta=dataset_meta(fy), source_terms=r.package["sourceTerms"])


def method_page(r: Release) -> str:
    return render(
        "method.md",
        year=wareki(r.fiscal_year),
        source=r.package["sources"][0],
        rules=ALIGNMENT_RULES_JA,
        corrections=r.corrections,
        flags=r.flags,
        open_count=sum(1 for f in r.flags if f["状態"] == "未解決"),
        project_by_id={p["ID"]: p for p in r.projects},
    )


def accessibility_page(results: dict | None) -> str:
    return render("accessibility.md", results=results)


def project_title(project: dict) -> str:
    """A project page's title, as the page shows it (<title>, the heading, search)."""
    return f"No.{project['ID']} {project['事業名']}"


def year_pages(r: Release, accessibility_results: dict | None) -> dict[str, YearPage]:
    """Every generated page of the year's site, by path under docs/, with its title (the nav's for the pages in
    the nav). The data dictionary comes from the release as it is."""
    nav_title = {path: title for title, path in NAV}
    generated = {
        "index.md": top_page(r),
        "projects/index.md": projects_page(r),
        "departments.md": departments_page(r),
        "categories.md": categories_page(r),
        "data.md": data_page(r),
        "method.md": method_page(r),
        "accessibility.md": accessibility_page(accessibility_results),
    }
    pages = {path: YearPage(markdown, nav_title[path]) for path, markdown in generated.items()}
    for p in r.projects:
        pages[f"projects/{p['ID']}.md"] = YearPage(project_page(r, p), project_title(p))
    return pages


def project_page_titles(release_dir: Path, fiscal_year: int) -> dict[str, str]:
    """What each project page of the year's site must have as its title and heading (by the page's path under the
    site), from the release's records: the site check compares them."""
    stem = table("projects").file_stem(fiscal_year)
    projects = json.loads((release_dir / f"{stem}.json").read_text(encoding="utf-8"))
    return {f"projects/{p['ID']}/index.html": project_title(p) for p in projects}
