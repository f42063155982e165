"""The public site in a real browser: Debian's headless Chromium, Playwright and axe-core.

Every page of the FY2022 site is opened at 1280 px and 390 px: 0 axe violations (WCAG 2.0/2.1 A and AA),
0 requests to other hosts, no horizontal scrolling, no broken links or downloads; the Japanese search finds
projects; the project list filters; hostile text stays text.
"""

from urllib.parse import urlsplit

import pytest

from pipeline.website.audit import chromium_available, crawl, launch, new_page, search, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium (make test installs it)"),
]


@pytest.fixture(scope="module")
def audit(published):
    return crawl(published / "site")


def test_every_page_opens(audit):
    paths = {urlsplit(p.url).path for p in audit.pages}
    assert {"/", "/2022/", "/2022/projects/", "/2022/projects/1/", "/2022/projects/34/", "/2022/data/"} <= paths
    assert len(paths) == 1 + 8 + 34
    assert {p.status for p in audit.pages} == {200}


def test_no_accessibility_violations(audit):
    found = {urlsplit(p.url).path: [v["id"] for v in p.violations] for p in audit.pages if p.violations}
    assert found == {}


def test_no_requests_to_other_hosts(audit):
    assert [(p.url, p.third_party) for p in audit.pages if p.third_party] == []


def test_no_horizontal_scrolling_on_a_phone(audit):
    assert audit.overflowing_pages == []


def test_no_broken_links_or_downloads(audit):
    assert audit.broken_links == []


def test_no_console_errors(audit):
    assert [(p.url, p.console_errors) for p in audit.pages if p.console_errors] == []


@pytest.mark.parametrize(("query", "project"), [("電子申請", 1), ("RPA", 4), ("ペーパーレス", 7)])
def test_japanese_search_finds_the_project(published, query, project):
    assert f"/2022/projects/{project}/" in search(published / "site", "/2022/", query)[:5]


def test_project_list_filters_and_sorts(published):
    from playwright.sync_api import sync_playwright

    with serve(published / "site") as base, sync_playwright() as p:
        browser = launch(p)
        page = new_page(browser, base)
        page.goto(base + "/2022/projects/", wait_until="load")
        visible = "#project-table tbody tr:not([hidden])"
        assert page.locator(visible).count() == 34
        page.select_option("#filter-category", "C")
        assert page.locator(visible).count() == 13
        assert "13件" in page.inner_text("#project-count")
        page.select_option("#filter-fy", "課題あり")
        assert page.locator(visible).count() == 3  # projects 24, 31 and 32
        page.click("#project-filters button[type=reset]")
        page.wait_for_function("document.querySelectorAll('#project-table tbody tr:not([hidden])').length === 34")
        page.click("th:nth-child(1) button")
        page.click("th:nth-child(1) button")
        assert page.locator("#project-table tbody tr").first.locator("td").first.inner_text() == "34"
        assert page.get_attribute("th:nth-child(1)", "aria-sort") == "descending"
        browser.close()


def test_hostile_text_stays_text(published_hostile):
    from playwright.sync_api import sync_playwright

    site = published_hostile / "site"
    with serve(site) as base, sync_playwright() as p:
        browser = launch(p)
        page = new_page(browser, base)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "/2022/projects/2/", wait_until="load")
        assert "<script>alert('xss')</script>多言語対応" in page.inner_text("h1")
        assert "<img src=x onerror=alert(2)>" in page.inner_text("article")
        assert page.locator("article img").count() == 0
        page.goto(base + "/2022/projects/1/", wait_until="load")
        text = page.inner_text("article")
        assert "[偽のリンク](http://evil.example/) **太字** {{ config.site_name }} {% raw %} `code` <b>タグ</b>" in text
        assert page.locator("article a[href*='evil.example']").count() == 0
        page.goto(base + "/2022/projects/3/", wait_until="load")
        assert "=1+2 & \"引用符\" 'アポストロフィ'" in page.inner_text("h1")
        page.goto(base + "/2022/", wait_until="load")
        page.click("label.md-search__icon, .md-search__input")
        page.fill("input.md-search__input", "xss")
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        assert "<script>alert('xss')</script>" in page.inner_text(".md-search-result")
        browser.close()
        assert dialogs == []
