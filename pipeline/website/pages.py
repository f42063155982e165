"""The Markdown pages of one fiscal year's site, generated from that year's release files.

Every value from the source goes through ``h()`` (HTML escaping) into raw HTML blocks, which MkDocs passes
through without reading them as Markdown; page titles are escaped the same way. So ``<script>``, Markdown
links or ``{{ }}`` in a cell are shown as the characters they are, on the page and in search. Links inside
the HTML blocks are written as final relative URLs, because MkDocs does not rewrite links in raw HTML.
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.core.align import ALIGNMENT_RULES_JA
from pipeline.core.records import ALIGNED, CONSTANT, DERIVED
from pipeline.out.json_text import indented_json
from pipeline.out.package import dictionary_file_name
from pipeline.out.review import review_file_name
from pipeline.schema import dataset_meta, table, wareki

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


def h(text: object) -> str:
    """Escape a value for HTML (the only way source text reaches a page)."""
    return html.escape("" if text is None else str(text), quote=True)


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
    def _by_project(self) -> dict[int, dict[str, list[dict]]]:
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
        """One project's rows of review_flags, corrections or value_sources, in release order."""
        return self._by_project.get(project, {}).get(key, [])

    def open_flags(self, project: int) -> list[dict]:
        return [f for f in self.of(project, "review_flags") if f["状態"] == "未解決"]


def _front_matter(title: str) -> str:
    return f"---\ntitle: {json.dumps(h(title), ensure_ascii=False)}\n---\n\n"


def _up(depth: int) -> str:
    """The relative path from a page ``depth`` folders below the year's root back to it."""
    return "../" * depth


def cell(text: str | None) -> str:
    """A source value as HTML: its lines as list items (bullets kept as written), or a paragraph."""
    if not text:
        return '<p class="empty">（記載なし）</p>'
    lines = [line for line in str(text).split("\n") if line]
    if len(lines) == 1:
        return f"<p>{h(lines[0])}</p>"
    return '<ul class="cell-lines">' + "".join(f"<li>{h(line)}</li>" for line in lines) + "</ul>"


def status(value: str) -> str:
    symbol, style = STATUS_STYLE.get(value, ("？", "unreadable"))
    return f'<span class="status status--{style}"><span aria-hidden="true">{symbol}</span> {h(value)}</span>'


def category(project: dict) -> str:
    return f"{h(project['事業区分'])}（{h(project['事業区分コード'])}）"


def review_mark(project: dict) -> str:
    return '<span class="needs-review">要確認</span>' if project["要確認"] else "なし"


def project_link(project: dict, depth: int, text: str | None = None) -> str:
    label = text if text is not None else f"No.{project['ID']} {project['事業名']}"
    return f'<a href="{_up(depth)}projects/{project["ID"]}/">{h(label)}</a>'


def scroll_container(label: str) -> str:
    """A table's own horizontal scroll area, reachable and named for keyboard and screen reader users."""
    return f'<div class="table-scroll" tabindex="0" role="region" aria-label="{h(label)}">'


def _table(caption: str, head: list[str], rows: list[list[str]], *, wide: bool = False, ident: str = "") -> str:
    """A data table in its own scroll container; ``rows`` hold ready HTML."""
    attrs = f' id="{ident}"' if ident else ""
    cls = "data wide" if wide else "data"
    out = [f'{scroll_container(caption)}<table class="{cls}"{attrs}><caption>{h(caption)}</caption><thead><tr>']
    out += [f'<th scope="col">{c}</th>' for c in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(row) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def bar_chart(ident: str, title: str, items: list[tuple[str, int, str]]) -> str:
    """A horizontal bar chart as inline SVG, described for screen readers; the numbers are printed too."""
    width, label_width, bar_height, gap = 640, 230, 26, 10
    top = max((v for _, v, _ in items), default=0) or 1
    height = len(items) * (bar_height + gap) + gap
    parts = [
        f'<figure class="chart"><svg role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{h(title)}</title>',
        f'<desc id="{ident}-desc">{h("、".join(f"{label} {value}件" for label, value, _ in items))}</desc>',
    ]
    for i, (label, value, style) in enumerate(items):
        y = gap + i * (bar_height + gap)
        bar = max(2, round((width - label_width - 60) * value / top)) if value else 0
        parts.append(f'<text x="0" y="{y + 18}">{h(label)}</text>')
        if bar:
            parts.append(f'<rect class="bar {style}" x="{label_width}" y="{y}" width="{bar}" height="{bar_height}"/>')
        parts.append(f'<text x="{label_width + bar + 8}" y="{y + 18}">{value}件</text>')
    parts.append(f"</svg><figcaption>{h(title)}（数値は下の表のとおり）</figcaption></figure>")
    return "".join(parts)


def _count_table(caption: str, items: list[tuple[str, int, str]], label: str) -> str:
    return _table(
        caption, [h(label), "事業数"], [[f"<td>{h(k)}</td>", f'<td class="num">{v}</td>'] for k, v, _ in items]
    )


def top_page(r: Release) -> str:
    fy = r.fiscal_year
    projects = r.projects
    by_category = Counter(p["事業区分コード"] for p in projects)
    category_items = [(f"{name}（{code}）", by_category.get(code, 0), "") for code, name in CATEGORY_ORDER]
    status_order = list(STATUS_STYLE)
    style = {"計画以上・計画どおり": "", "課題あり": "bar--issue", "未記入": "bar--blank", "判読不能": "bar--blank"}
    sections = []
    for key, label in (("CHECK_上半期_状況", "上半期実績"), ("CHECK_年次_状況", "年次実績")):
        counts = Counter(p[key] for p in projects)
        items = [(s, counts.get(s, 0), style[s]) for s in status_order]
        sections.append(
            f"### CHECK：{label}の状況\n\n"
            + bar_chart(f"chart-{key}", f"{label}の状況ごとの事業数", items)
            + "\n\n"
            + _count_table(f"{label}の状況ごとの事業数", items, "状況")
            + "\n"
        )
    with_issues = [p for p in projects if "課題あり" in (p["CHECK_上半期_状況"], p["CHECK_年次_状況"])]
    needs_review = [p for p in projects if p["要確認"]]
    meta = dataset_meta(fy)
    lines = [
        _front_matter("トップ"),
        f"<h1>{h(meta.title)}</h1>",
        "",
        "<p>相模原市が公表した資料を加工して作成した、閲覧用のサイトです（相模原市が作成したものではありません）。</p>\n",
        "## この一覧について\n",
        "相模原市ICT総合戦略は、相模原市がICT（情報通信技術）を活用して行政サービスと市役所の仕事を改善するための計画です。"
        "事業一覧（別紙1）は、戦略に位置づけられた事業ごとに、その年度の計画（PLAN）・実施（DO）・評価（CHECK）・"
        "改善（ACT）と翌年度の計画をまとめた表で、事業区分（重点事業・深化型事業・探索型事業）の評価と、"
        "ICT戦略調整委員会からの意見等が付いています。\n",
        f"このサイトは、市がPDFで公表した{h(wareki(fy))}の一覧（{len(projects)}事業）を事業ごとに読めるようにしたものです。"
        "PDFから抽出した文字を列に割り当て直しているため、確実に読み取れなかった箇所には「要確認」の印を付けています"
        "（[作成方法](method.md)）。\n",
        "## 事業区分\n",
        bar_chart("chart-category", "事業区分ごとの事業数", category_items)
        + "\n\n"
        + _count_table("事業区分ごとの事業数", category_items, "事業区分")
        + "\n",
        *sections,
        "## 注目する項目\n",
        f"### 課題ありの事業（{len(with_issues)}件）\n",
        _project_list(with_issues, 0),
        f"### 要確認の事業（{len(needs_review)}件）\n",
        "原本から確実に読み取れなかった値がある事業です。各事業のページに、何が不確かかを示しています。\n",
        _project_list(needs_review, 0),
        "## ページの案内\n",
        "\n".join(f"- [{title}]({path})" for title, path in NAV[1:]) + "\n",
    ]
    return "\n".join(lines)


def _project_list(projects: list[dict], depth: int) -> str:
    if not projects:
        return "<p>ありません。</p>\n"
    return "<ul>" + "".join(f"<li>{project_link(p, depth)}</li>" for p in projects) + "</ul>\n"


def _options(name: str, label: str, values: list[str]) -> str:
    options = '<option value="">すべて</option>' + "".join(f'<option value="{h(v)}">{h(v)}</option>' for v in values)
    return f'<label for="filter-{name}">{h(label)}<select id="filter-{name}" name="{name}">{options}</select></label>'


def projects_page(r: Release) -> str:
    departments = sorted({d for p in r.projects for d in p["所管課"]})
    statuses = list(STATUS_STYLE)
    rows = []
    for p in r.projects:
        depts = ";".join(p["所管課"])
        rows.append(
            f'<tr data-category="{h(p["事業区分コード"])}" data-h1="{h(p["CHECK_上半期_状況"])}" '
            f'data-fy="{h(p["CHECK_年次_状況"])}" data-departments="{h(depts)}" '
            f'data-review="{"true" if p["要確認"] else "false"}">'
            f'<td class="num">{p["ID"]}</td><td>{project_link(p, 1, p["事業名"])}</td>'
            f"<td>{'<br>'.join(h(d) for d in p['所管課'])}</td>"
            f'<td data-sort="{h(p["事業区分コード"])}">{category(p)}</td>'
            f"<td>{status(p['CHECK_上半期_状況'])}</td><td>{status(p['CHECK_年次_状況'])}</td>"
            f"<td>{review_mark(p)}</td></tr>"
        )
    head = "".join(
        f'<th scope="col" data-sortable>{label}</th>'
        for label in ("No.", "事業名", "所管課", "事業区分", "上半期実績", "年次実績", "要確認")
    )
    form = (
        '<form id="project-filters" class="filters" hidden aria-label="事業の絞り込み">'
        + _options("category", "事業区分", [c for c, _ in CATEGORY_ORDER])
        + _options("h1", "上半期実績の状況", statuses)
        + _options("fy", "年次実績の状況", statuses)
        + _options("department", "所管課", departments)
        + '<label for="filter-review" class="checkbox">要確認のみ'
        '<input type="checkbox" id="filter-review" name="review"></label>'
        '<button type="reset">条件をクリア</button></form>'
    )
    table_html = (
        scroll_container("事業一覧の表") + '<table class="data wide" id="project-table">'
        f"<caption>{h(wareki(r.fiscal_year))}の事業一覧（{len(r.projects)}事業）</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    return "\n".join(
        [
            _front_matter("事業一覧"),
            "すべての事業です。事業名から各事業のページへ進めます。状況は記号と文字で示しています"
            "（◎ 計画以上・計画どおり、△ 課題あり、－ 未記入、？ 判読不能）。"
            "表の見出しのボタンで並べ替え、下の条件で絞り込みができます（事業区分の A は重点事業、C は探索型事業）。\n",
            form,
            "",
            '<p id="project-count" role="status" aria-live="polite"></p>',
            "",
            table_html,
            "",
        ]
    )


def _dl(items: list[tuple[str, str]]) -> str:
    return '<dl class="project-summary">' + "".join(f"<dt>{h(k)}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def project_page(r: Release, p: dict) -> str:
    fy = r.fiscal_year
    number = p["ID"]
    depth = 2
    flags = r.open_flags(number)
    corrections = r.of(number, "corrections")
    sources = r.of(number, "value_sources")
    parts = [
        _front_matter(f"No.{number} {p['事業名']}"),
        _dl(
            [
                ("所管課", "、".join(h(d) for d in p["所管課"])),
                ("事業区分", category(p)),
                ("上半期実績の状況", status(p["CHECK_上半期_状況"])),
                ("年次実績の状況", status(p["CHECK_年次_状況"])),
                ("要確認", review_mark(p)),
            ]
        ),
        "",
    ]
    if flags:
        items = "".join(f"<li><strong>{h(f['列名'])}</strong>：{h(f['不確かな点'])} {h(f['扱い'])}</li>" for f in flags)
        parts += [
            '<div class="admonition warning"><p class="admonition-title">要確認：原本から確実に読み取れなかった箇所'
            f'</p><ul>{items}</ul><p>どう判断したかは<a href="{_up(depth)}method/">作成方法</a>を参照してください。</p></div>',
            "",
        ]
    parts += [
        "## 事業の概要\n",
        "### 現状の課題\n",
        cell(p["現状の課題"]),
        "\n### 事業目的・内容\n",
        cell(p["事業目的・内容"]),
        "\n### 事業実施による効果\n",
        cell(p["事業実施による効果"]),
        f"\n## {h(wareki(fy))}の計画と実施（PLAN・DO）\n",
        _table(
            "計画（PLAN）と実施（DO）を並べた表",
            ["", "計画（PLAN）", "実施（DO）"],
            [
                [
                    '<th scope="row">取組</th>',
                    f"<td>{cell(p['PLAN_行動目標'])}</td>",
                    f"<td>{cell(p['DO_年度事業内容'])}</td>",
                ],
                [
                    '<th scope="row">指標と結果</th>',
                    f"<td>{cell(p['PLAN_成果指標'])}</td>",
                    f"<td>{cell(p['DO_成果指標結果'])}</td>",
                ],
            ],
        ),
        "\n## 評価（CHECK）\n",
        _table(
            "上半期と年次の実績",
            ["", "状況", "実績"],
            [
                [
                    '<th scope="row">上半期実績</th>',
                    f"<td>{status(p['CHECK_上半期_状況'])}</td>",
                    f"<td>{cell(p['CHECK_上半期_実績'])}</td>",
                ],
                [
                    '<th scope="row">年次実績</th>',
                    f"<td>{status(p['CHECK_年次_状況'])}</td>",
                    f"<td>{cell(p['CHECK_年次_実績'])}</td>",
                ],
            ],
        ),
        "\n## 改善（ACT）：来期取組\n",
        cell(p["ACT_来期取組"]),
        f"\n## {h(wareki(fy + 1))}の計画（翌年度の PLAN・DO）\n",
        _table(
            "翌年度の計画",
            ["", "内容"],
            [
                ['<th scope="row">行動目標</th>', f"<td>{cell(p['翌年度PLAN_行動目標'])}</td>"],
                ['<th scope="row">成果指標</th>', f"<td>{cell(p['翌年度PLAN_成果指標'])}</td>"],
                ['<th scope="row">年度事業内容</th>', f"<td>{cell(p['翌年度DO_年度事業内容'])}</td>"],
            ],
        ),
        "\n## 事業区分の評価と委員会の意見\n",
        _dl(
            [
                ("事業区分の評価（所管課評価）", category(p)),
                ("ICT戦略調整委員会からの意見等", cell(p["ICT戦略調整委員会からの意見等"])),
            ]
        ),
        "\n## この事業の訂正\n",
    ]
    if corrections:
        parts.append(
            _table(
                "この事業に適用した訂正",
                ["訂正番号", "項目", "種類", "訂正前", "訂正後", "理由"],
                [
                    [
                        f"<td>{h(c['訂正番号'])}</td>",
                        f"<td>{h(c['列名'])}</td>",
                        f"<td>{h(c['訂正の種類'])}</td>",
                        f"<td>{cell(c['訂正前'])}</td>",
                        f"<td>{cell(c['訂正後'])}</td>",
                        f"<td>{h(c['理由'])}</td>",
                    ]
                    for c in corrections
                ],
                wide=True,
            )
        )
    else:
        parts.append("<p>訂正はありません。</p>")
    parts += [
        "\n## 値の出典\n",
        value_sources(sources),
        "\n## データ\n",
        f'<ul><li><a href="{_up(depth)}data/projects/{number}.json">この事業のデータ（JSON）</a></li>'
        f'<li><a href="{_up(depth)}data/{table("projects").file_stem(fy)}.csv">全事業のデータ（CSV）</a></li>'
        f'<li><a href="{_up(depth)}data/">データの一覧と利用条件</a></li></ul>',
        "",
    ]
    return "\n".join(parts)


def value_sources(sources: list[dict]) -> str:
    """Which source cell each field came from, as a short list: one line per field read from the source, then the
    fields the source left empty (fixed and derived fields have no cell and are left out)."""
    read, empty = [], []
    for s in sources:
        if s["取得方法"] in (CONSTANT, DERIVED):
            continue
        if not s["出典セル"] and not s["訂正番号"]:
            empty.append(s["列名"])
            continue
        how = "" if s["取得方法"] == ALIGNED else "（" + "、".join(filter(None, [s["取得方法"], s["訂正番号"]])) + "）"
        read.append(f"<li>{h(s['列名'])}：{h('、'.join(s['出典セル'] or []) or '―')}{h(how)}</li>")
    return (
        "<div><p>各項目の値が原本（PDFから抽出したテキスト）のどのセルから来たか。「p1:L7:c4」は1ページ目、ファイルの7行目、"
        "タブ区切りの4番目のセルです。</p>"
        + (f'<ul class="value-sources">{"".join(read)}</ul>' if read else "")
        + (f"<p>原本に記載のなかった項目：{h('、'.join(empty))}</p>" if empty else "")
        + "</div>"
    )


def project_json(r: Release, p: dict) -> bytes:
    """One project's record, its review flags, corrections and value sources, as published."""
    number = p["ID"]
    record = {
        "project": p,
        "review_flags": r.of(number, "review_flags"),
        "corrections": r.of(number, "corrections"),
        "value_sources": r.of(number, "value_sources"),
    }
    return (indented_json(record, 1) + "\n").encode("utf-8")


def departments_page(r: Release) -> str:
    by_department: dict[str, list[dict]] = defaultdict(list)
    for p in r.projects:
        for d in p["所管課"]:
            by_department[d].append(p)
    parts = [
        _front_matter("所管課別"),
        f"所管課ごとの事業です（{len(by_department)}課）。共管の事業はそれぞれの課に載せています。\n",
    ]
    for department in sorted(by_department):
        projects = by_department[department]
        parts.append(f"<h2>{h(department)}（{len(projects)}事業）</h2>\n")
        parts.append(_summary_table(f"{department}の事業", projects, 1))
        parts.append("")
    return "\n".join(parts)


def _summary_table(caption: str, projects: list[dict], depth: int) -> str:
    return _table(
        caption,
        ["No.", "事業名", "事業区分", "上半期実績", "年次実績", "要確認"],
        [
            [
                f'<td class="num">{p["ID"]}</td>',
                f"<td>{project_link(p, depth, p['事業名'])}</td>",
                f"<td>{category(p)}</td>",
                f"<td>{status(p['CHECK_上半期_状況'])}</td>",
                f"<td>{status(p['CHECK_年次_状況'])}</td>",
                f"<td>{review_mark(p)}</td>",
            ]
            for p in projects
        ],
        wide=True,
    )


def categories_page(r: Release) -> str:
    parts = [
        _front_matter("事業区分別"),
        "事業区分の評価（所管課評価）ごとの事業です。重点事業（A）、深化型事業（B）、探索型事業（C）の3区分があります。\n",
    ]
    for code, name in CATEGORY_ORDER:
        projects = [p for p in r.projects if p["事業区分コード"] == code]
        parts.append(f"## {name}（{code}）：{len(projects)}事業\n")
        parts.append(_summary_table(f"{name}の事業", projects, 1) if projects else "<p>この年度はありません。</p>")
        parts.append("")
    return "\n".join(parts)


def _size(n: int) -> str:
    return f"{n / 1024:,.1f} KB" if n >= 1024 else f"{n} バイト"


def data_page(r: Release) -> str:
    fy = r.fiscal_year
    meta = dataset_meta(fy)
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
    rows = []
    for name, size in r.files.items():
        if name in described:
            res = described[name]
            title, fmt = res["title"], res["format"].upper()
            encoding = "UTF-8（BOM付き）" if res.get("bom") else "UTF-8（BOMなし）"
        else:
            title, fmt, encoding = extra[name]
        rows.append(
            [
                f'<td><a href="{h(name)}">{h(name)}</a></td>',
                f"<td>{h(title)}</td>",
                f"<td>{fmt}</td>",
                f'<td class="num">{_size(size)}</td>',
                f"<td>{encoding}</td>",
            ]
        )
    citation = f"{meta.attribution}（{meta.title}、{meta.license_short}）"
    return "\n".join(
        [
            _front_matter("データ"),
            f"{h(wareki(fy))}の一覧を、表計算ソフトやプログラムで使える形にしたファイルです。"
            "CSVは Excel でそのまま開けるよう UTF-8 に BOM を付けています。JSON は同じ内容を型付きで収めています。\n",
            "## ファイル\n",
            _table(f"{wareki(fy)}のファイル", ["ファイル", "内容", "形式", "大きさ", "文字コード"], rows, wide=True),
            "\n## 利用条件\n",
            f'<p>このデータは <a href="{h(meta.license_path)}">{h(meta.license_title)}（{h(meta.license_short)}）</a>'
            "で利用できます。利用するときは、次のように出典を示してください。</p>",
            f"<blockquote><p>{h(meta.attribution)}</p></blockquote>",
            f"<p>{h(meta.processed_note)}</p>",
            f"<p>原本の利用条件：{h(r.package['sourceTerms'])}</p>",
            "\n## 引用のしかた\n",
            f"<p>{h(citation)}</p>",
            "\n## データの定義と目録\n",
            "- [データ辞書](dictionary.md)：列の意味・型・取りうる値\n"
            '- <a href="datapackage.json">datapackage.json</a>：Frictionless Data Package（機械向けの定義）\n'
            '- <a href="../../catalog.jsonld">catalog.jsonld</a>：全年度のデータの目録（DCAT）\n'
            '- <a href="../../141500_open_data_list.csv">オープンデータ一覧（CSV）</a>：自治体標準オープンデータセットの形式\n',
        ]
    )


def method_page(r: Release) -> str:
    fy = r.fiscal_year
    project_by_id = {p["ID"]: p for p in r.projects}
    corrections = _table(
        "適用した訂正",
        ["訂正番号", "事業", "項目", "種類", "訂正前", "訂正後", "理由"],
        [
            [
                f"<td>{h(c['訂正番号'])}</td>",
                f"<td>{project_link(project_by_id[c['ID']], 1)}</td>",
                f"<td>{h(c['列名'])}</td>",
                f"<td>{h(c['訂正の種類'])}</td>",
                f"<td>{cell(c['訂正前'])}</td>",
                f"<td>{cell(c['訂正後'])}</td>",
                f"<td>{h(c['理由'])}</td>",
            ]
            for c in r.corrections
        ],
        wide=True,
    )
    flags = _table(
        "確認事項（原本から確実に読み取れなかった箇所）",
        ["番号", "事業", "項目", "出典セル", "種類", "状態", "不確かな点", "扱い"],
        [
            [
                f'<td class="num">{f["確認番号"]}</td>',
                f"<td>{project_link(project_by_id[f['ID']], 1, 'No.' + str(f['ID']))}</td>",
                f"<td>{h(f['列名'])}</td>",
                f"<td>{h('、'.join(f['出典セル'] or []))}</td>",
                f"<td>{h(f['確認事項の種類'])}</td>",
                f"<td>{h(f['状態'])}</td>",
                f"<td>{h(f['不確かな点'])}</td>",
                f"<td>{h(f['扱い'])}</td>",
            ]
            for f in r.flags
        ],
        wide=True,
    )
    open_count = sum(1 for f in r.flags if f["状態"] == "未解決")
    return "\n".join(
        [
            _front_matter("作成方法"),
            "## 原本\n",
            f"<p>{h(r.package['sources'][0]['title'])}（公表：{h(r.package['sources'][0]['publisher'])}）。"
            f"{h(r.package['sources'][0]['description'])}</p>",
            f"<p>入手：{h(r.package['sources'][0]['obtained'])} SHA-256：<code>{h(r.package['sources'][0]['sha256'])}</code></p>",
            "\n## 作り方\n",
            "1. 原本のテキストを、ページの表題・見出し・事業の行に分け、空でないセルごとにページ・行・タブ位置を記録します。\n"
            "2. 文字を整えます。全角英数字などを統一し（①②などの丸数字は箇条書きの印なので残します）、PDFの字間の空き"
            "（「D X 推進課」→「DX推進課」、「4 3 手続き」→「43手続き」）を詰め、本来の語の区切りの空白"
            "（「NET Framework」）は残します。1行にまとめられた箇条書き（・○●①）は項目ごとに改行します。\n"
            "3. 各事業のセルを一覧の20列に割り当てます（次の節）。\n"
            "4. 人が原本で確かめた訂正（理由付き）を反映します。\n"
            "5. 検査します。原本の空でないセルがすべて、ちょうど1つの項目に入っているか、理由を付けて除いたもの"
            "（ページの表題と見出し、重複したチェック欄）であること。値が原本のセルの内容と一致し、違うのは訂正した箇所だけで"
            "あること。型・必須・取りうる値がデータ辞書のとおりであること。ファイルが Frictionless の定義どおりであること。"
            "ひとつでも満たさなければ公開しません。\n",
            "## 列の割り当て方\n",
            "\n".join(f"- {h(rule)}" for rule in ALIGNMENT_RULES_JA) + "\n",
            f"## {h(wareki(fy))}の訂正（{len(r.corrections)}件）\n",
            corrections,
            f"\n## {h(wareki(fy))}の確認事項（{len(r.flags)}件、うち未解決 {open_count}件）\n",
            "<p>未解決のものは、公開データの「要確認」が true になっています。</p>\n",
            flags,
            "",
        ]
    )


def accessibility_page(results: dict | None) -> str:
    if results:
        summary = _table(
            "自動試験の結果",
            ["項目", "結果"],
            [
                ["<td>試験日</td>", f"<td>{h(results.get('date', ''))}</td>"],
                ["<td>試験したページ</td>", f'<td class="num">{h(results.get("pages", ""))}</td>'],
                [
                    "<td>axe-core による違反（WCAG 2.0/2.1 A・AA）</td>",
                    f'<td class="num">{h(results.get("violations", ""))}</td>',
                ],
                ["<td>他のサイトへの通信</td>", f'<td class="num">{h(results.get("third_party_requests", ""))}</td>'],
                [
                    "<td>横スクロールが出るページ（幅390px）</td>",
                    f'<td class="num">{h(results.get("horizontal_scroll_pages", ""))}</td>',
                ],
                ["<td>リンク切れ</td>", f'<td class="num">{h(results.get("broken_links", ""))}</td>'],
                ["<td>試験の方法</td>", f"<td>{h(results.get('tool', ''))}</td>"],
            ],
        )
    else:
        summary = "<p>まだ自動試験の結果がありません。</p>"
    return "\n".join(
        [
            _front_matter("アクセシビリティ方針"),
            "このサイトは、JIS X 8341-3:2016「高齢者・障害者等配慮設計指針－情報通信における機器，ソフトウェア及び"
            "サービス－第3部：ウェブコンテンツ」の適合レベル AA を目標にしています（WCAG 2.0 の AA に相当）。\n",
            "## 取り組んでいること\n",
            "- 状況は記号と文字で示し、色だけで区別しません。リンクには下線を付けています。\n"
            "- グラフには同じ数値の表を添え、グラフ自体にも読み上げ用の説明を付けています。\n"
            "- 表はスマートフォンでは表の中だけを横にスクロールでき、ページ全体は横にはみ出しません。\n"
            "- 外部のフォント、CDN、アクセス解析などは使わず、このサイトの外への通信をしません。\n"
            "- 原本の文字は、そのまま文字として表示します（HTMLやスクリプトとして解釈しません）。\n",
            "## 対象\n",
            "このサイトのすべてのページ（各年度のトップ、事業一覧、事業ごとのページ、所管課別、事業区分別、データ、"
            "データ辞書、作成方法、このページ）。ダウンロード用のCSV・JSONファイルは対象外です。\n",
            "## 最新の自動試験の結果\n",
            summary,
            "\n<p>自動試験では、ヘッドレスのブラウザで全ページを開き、axe-core の WCAG 2.0/2.1 A・AA の規則で検査しています。"
            "自動試験で見つけられない問題もあるため、お気づきの点があればお知らせください。</p>",
            "",
        ]
    )


def year_pages(r: Release, accessibility_results: dict | None) -> dict[str, str]:
    """Every Markdown page of the year's site, by path under docs/."""
    pages = {
        "index.md": top_page(r),
        "projects/index.md": projects_page(r),
        "departments.md": departments_page(r),
        "categories.md": categories_page(r),
        "data.md": data_page(r),
        "method.md": method_page(r),
        "accessibility.md": accessibility_page(accessibility_results),
    }
    for p in r.projects:
        pages[f"projects/{p['ID']}.md"] = project_page(r, p)
    return pages
