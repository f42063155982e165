"""Source text never becomes markup on the site, whatever characters it holds, and the site check fails a release on
anything that could run script or a project page whose title is not its record's.

The site is built here from a release whose records hold the hostile text directly: the ingest may refuse some of
these characters (control characters), and the site must be safe even if one reaches it.
"""

import hashlib
import json
import re
import shutil

import pytest
from conftest import FIXTURES, run_cli

from pipeline.website.audit import chromium_available, launch, new_page, serve
from pipeline.website.build import LANDING_FILES, build_year_site
from pipeline.website.checks import check_site, url_scheme
from pipeline.website.pages import project_page_titles

HOSTILE_NAMES = {
    1: "電子申請\u009b[name](javascript:document.title=1337)",
    2: "二行の名前\n---\ntitle: 偽の表題\n---\n\n[x](javascript:alert(1)) **太字**",
    3: "</title><script>alert(1)</script>\u0085\u2028\ufeff{{ page.title }} {% raw %}",
    4: "&lt;b&gt; &amp;amp; <!-- 注釈 --> `code` <a href=javascript:alert(1)>a</a>",
}
HOSTILE_DEPARTMENT = "課名\n\n[d](javascript:alert(2))\u009b"


@pytest.fixture(scope="module")
def hostile_site(published, tmp_path_factory):
    """FY2022's release with hostile project names (and a department), built into a year site."""
    release = tmp_path_factory.mktemp("hostile-names") / "2022"
    shutil.copytree(published / "data" / "2022", release)
    table = release / "141500_ict_projects_2022.json"
    projects = json.loads(table.read_text(encoding="utf-8"))
    for project in projects:
        project["事業名"] = HOSTILE_NAMES.get(project["ID"], project["事業名"])
        if project["ID"] == 4:
            project["所管課"] = [HOSTILE_DEPARTMENT]
    table.write_text(json.dumps(projects, ensure_ascii=False), encoding="utf-8")
    site = build_year_site(release, 2022, tmp_path_factory.mktemp("hostile-names-work"))
    return release, site


@pytest.mark.e2e
def test_hostile_names_show_as_text_and_pass_the_site_check(hostile_site):
    release, site = hostile_site
    problems = check_site(site, LANDING_FILES, titles=project_page_titles(release, 2022))
    assert (problems.broken_links, problems.third_party, problems.unsafe) == ([], [], [])
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<strong>太字" not in text and "偽の表題 -" not in text, page
    project = (site / "projects" / "1" / "index.html").read_text(encoding="utf-8")
    assert "<h1>No.1 電子申請\u009b[name](javascript:document.title=1337)</h1>" in project
    departments = (site / "departments" / "index.html").read_text(encoding="utf-8")
    assert "課名\n\n[d](javascript:alert(2))\u009b（1事業）</h2>" in departments


INLINE = "\u009b[p](javascript:alert(1)) **強** _斜_ `c` <i>i</i> {{ x }} &amp;"
PAYLOADS = (INLINE, INLINE + "\n\n# 見出し\n---\ntitle: x\n---\n")  # one line, and several (cells as lists)
STRUCTURAL = {"状態", "取得方法"}  # values the pages choose by (open flags, how a value was read)


def _hostile(value, payload: str):
    if isinstance(value, str):
        return value + payload
    if isinstance(value, list):
        return [_hostile(v, payload) for v in value]
    return value


@pytest.mark.e2e
def test_every_value_of_the_release_shows_as_text(published, tmp_path):
    """Every text value of the release's tables (records, flags, corrections, value sources) with the payload
    appended: no page holds markup made from it, and the site check passes."""
    release = tmp_path / "2022"
    shutil.copytree(published / "data" / "2022", release)
    for stem in ("projects", "review_flags", "corrections", "value_sources"):
        table = release / f"141500_ict_{stem}_2022.json"
        rows = json.loads(table.read_text(encoding="utf-8"))
        rows = [
            {k: v if k in STRUCTURAL else _hostile(v, PAYLOADS[i % 2]) for k, v in row.items()}
            for i, row in enumerate(rows)
        ]
        table.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    site = build_year_site(release, 2022, tmp_path / "work")
    problems = check_site(site, LANDING_FILES, titles=project_page_titles(release, 2022))
    assert (problems.broken_links, problems.third_party, problems.unsafe) == ([], [], [])
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for markup in ("<strong>強", "<em>斜", "<code>c</code>", "<i>i</i>", ">見出し</h1>", "<hr", 'href="javascript'):
            assert markup not in text, (page, markup)
    project = (site / "projects" / "1" / "index.html").read_text(encoding="utf-8")
    assert "[p](javascript:alert(1)) **強** _斜_ `c` &lt;i&gt;i&lt;/i&gt;" in project
    assert project.count("{{ x }} &amp;amp;") > 10


@pytest.mark.e2e
def test_a_published_markdown_link_in_a_project_name_is_text(tmp_path):
    """The whole publish, as an operator runs it: a source whose project name is a Markdown script link."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_small", raw)
    source, sidecar = raw / "2022" / "list.txt", raw / "2022" / "provenance.yaml"
    name = "電子申請[name](javascript:document.title=1337) **太字** <b>タグ</b>"
    source.write_text(source.read_text(encoding="utf-8").replace("\t電子申請の利用促進\t", f"\t{name}\t", 1), "utf-8")
    data = source.read_bytes()
    provenance = sidecar.read_text(encoding="utf-8")
    provenance = re.sub(r"sha256: \w+", f"sha256: {hashlib.sha256(data).hexdigest()}", provenance)
    sidecar.write_text(re.sub(r"bytes: \d+", f"bytes: {len(data)}", provenance), encoding="utf-8")
    out = tmp_path / "published"
    run = run_cli("publish", "--raw", str(raw), "--out", str(out), home=tmp_path / "home")
    assert run.returncode == 0, run.stderr
    assert "site_safe" in run.stdout + run.stderr
    page = (out / "site" / "2022" / "projects" / "1" / "index.html").read_text(encoding="utf-8")
    assert "<h1>No.1 電子申請[name](javascript:document.title=1337) **太字** &lt;b&gt;タグ&lt;/b&gt;</h1>" in page
    assert 'href="javascript' not in page and "<strong>太字" not in page


@pytest.mark.e2e
def test_hostile_names_are_escaped_text_in_the_search_index(hostile_site):
    """Material's search plugin indexes the pages as built; its script shows titles and text as HTML, so they
    must hold the names escaped."""
    _, site = hostile_site
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    titles = {d["location"]: d["title"] for d in docs}
    assert (
        titles["projects/3/"]
        == "No.3 &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;\u0085\u2028\ufeff{{ page.title }} {% raw %}"
    )
    assert titles["projects/1/"] == "No.1 電子申請\u009b[name](javascript:document.title=1337)"
    assert not [d["location"] for d in docs if "<script" in d["title"] + d["text"] or "<a " in d["text"]]


@pytest.mark.e2e
def test_the_site_check_fails_a_project_page_whose_title_is_not_its_records(hostile_site):
    release, site = hostile_site
    titles = project_page_titles(release, 2022)
    titles["projects/2/index.html"] = "No.2 別の事業"
    titles["projects/99/index.html"] = "No.99 ない事業"
    unsafe = check_site(site, LANDING_FILES, titles=titles).unsafe
    assert len(unsafe) == 2
    assert unsafe[0].startswith("projects/2/index.html: 表題が記録と違う")
    assert unsafe[1].startswith("projects/99/index.html: 表題を確かめるページがない")


@pytest.mark.parametrize(
    "markup, found",
    [
        ('<a href="javascript:alert(1)">x</a>', ["href='javascript:alert(1)'"]),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', ["href="]),
        ('<a href=" \t java\nscr\tipt:alert(1)">x</a>', ["href="]),
        ('<a href="\x01javascript:alert(1)">x</a>', ["href="]),
        ('<a href="&#106;avascript&#x3A;alert(1)">x</a>', ["href='javascript:alert(1)'"]),
        ('<a href="java&Tab;script&colon;alert(1)">x</a>', ["href="]),
        ('<a href="vbscript:msgbox(1)">x</a>', ["href='vbscript:"]),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', ["href='data:"]),
        ('<form class="md-search__form" action="javascript:alert(1)"></form>', ["action="]),
        ('<button formaction="javascript:alert(1)">x</button>', ["formaction="]),
        ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', ["xlink:href="]),
        ('<img srcset="a.png 1x, javascript:alert(1) 2x">', ["srcset=", "<img>（"]),
        ('<iframe src="page.html"></iframe>', ["<iframe>（"]),
        ('<object data="x.swf"></object>', ["<object>（"]),
        ('<embed src="x.swf">', ["<embed>（"]),
        ("<base href='/'>", ["<base>（"]),
        ("<svg><foreignObject><p>x</p></foreignObject></svg>", ["<foreignobject>（"]),
        ('<meta http-equiv="Refresh" content="0; url=javascript:alert(1)">', ['http-equiv="refresh"']),
        ('<div onclick="alert(1)">x</div>', ["onclick="]),
        ('<p ONMOUSEOVER="alert(1)">x</p>', ["onmouseover="]),
        ("<form></form>", ["<form>（"]),
        ('<script src="https://cdn.example/x.js"></script>', ["src='https://cdn.example/x.js'"]),
        ('<script src="../x.js"></script>', ["src='../x.js'"]),
        ('<script type="application/json" id="other">{}</script>', ["application/json"]),
        ("<article><p>本文</p><script>alert(1)</script></article>", ["本文の中のスクリプト"]),
        ("<script>alert(1)</script>", ["'alert(1)'"]),
        ("<svg><script>alert(1)</script></svg>", ["'alert(1)'"]),
    ],
)
def test_the_site_check_finds_each_way_a_page_could_run_script(markup, found, tmp_path):
    (tmp_path / "index.html").write_text(f"<!doctype html><title>t</title><body>{markup}</body>", encoding="utf-8")
    unsafe = check_site(tmp_path).unsafe
    assert len(unsafe) == len(found)
    assert all(
        problem.startswith("index.html: <") and text in problem for problem, text in zip(unsafe, found, strict=True)
    )


def test_the_site_check_accepts_the_themes_scripts_and_the_sites_own(tmp_path):
    (tmp_path / "assets" / "javascripts").mkdir(parents=True)
    for name in ("bundle.min.js", "project-table.js"):
        (tmp_path / "assets" / "javascripts" / name).write_text("", encoding="utf-8")
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "index.html").write_text(
        '<!doctype html><html><head><title>事業一覧 - サイト</title><script>__md_scope=new URL("..",location)</script>'
        '</head><body><form class="md-search__form" name="search"><input type="text"></form>'
        '<article><h1>事業一覧</h1><form id="project-filters" class="filters" hidden></form>'
        '<a href="../data/">データ</a><a href="mailto:a@example.org">連絡</a><a href="#top">上へ</a></article>'
        "<script>var target=document.getElementById(location.hash.slice(1))</script>"
        '<script id="__config" type="application/json">{"base": ".."}</script>'
        '<script src="../assets/javascripts/bundle.min.js"></script>'
        '<script src="../assets/javascripts/project-table.js"></script></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "index.html").write_text("<title>データ</title>", encoding="utf-8")
    problems = check_site(tmp_path, titles={"projects/index.html": "事業一覧"})
    assert (problems.broken_links, problems.unsafe) == ([], [])


@pytest.mark.parametrize(
    "url, scheme",
    [("javascript:x", "javascript"), (" JAVA\tSCRIPT:x", "javascript"), ("\x00\x1fdata:x", "data"),
     ("../a.html", ""), ("a:b/c", "a"), ("#x", ""), ("https://e.example/", "https")],
)  # fmt: skip
def test_a_urls_scheme_is_read_as_a_browser_reads_it(url, scheme):
    assert url_scheme(url) == scheme


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium (make test installs it)")
def test_clicking_a_hostile_name_does_nothing(hostile_site):
    from playwright.sync_api import sync_playwright

    _, site = hostile_site
    root = site.parent / "served"
    shutil.copytree(site, root / "2022")
    with serve(root) as base, sync_playwright() as p:
        browser = launch(p)
        page = new_page(browser, base)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "/2022/projects/1/", wait_until="load")
        heading = page.locator("article h1")
        assert heading.inner_text() == "No.1 " + HOSTILE_NAMES[1]
        assert page.locator("a[href^='javascript' i]").count() == 0
        heading.get_by_text("[name](javascript:document.title=1337)", exact=False).click()
        page.wait_for_timeout(500)  # time for a javascript: link to run, were there one
        assert page.title() != "1337" and page.url == base + "/2022/projects/1/"
        for number in (2, 3):
            page.goto(base + f"/2022/projects/{number}/", wait_until="load")
            assert page.locator("article h1").inner_text().startswith(f"No.{number} ")
            assert page.locator("article script, a[href^='javascript' i]").count() == 0
        browser.close()
    assert dialogs == []
