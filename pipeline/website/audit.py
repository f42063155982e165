"""Audit the built site as a visitor's browser sees it: Debian's headless Chromium driven by Playwright.

For every page reachable from the landing: HTTP status, axe-core violations (WCAG 2.0/2.1 A and AA), every
request to another host (blocked and recorded), horizontal scrolling at 390 px, and every internal link and
download. ``python -m pipeline.website.audit [SITE_DIR]`` (``make audit``) writes the summary to
site/accessibility-results.json, which the site's アクセシビリティ方針 page shows.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socketserver
import sys
import threading
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    # Newer axe-core releases run this WCAG 2.1 rule by default; the bundled one marks it experimental.
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}
DOWNLOADS = (".csv", ".json", ".jsonld", ".md", ".xml", ".gz", ".xlsx", ".zip", ".pdf")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files like a typical host: the site's 404.html with status 404, quiet logs."""

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.exists():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, *args):
        pass


@contextmanager
def serve(root: Path):
    """Serve ``root`` on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Handler, directory=str(root))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


@dataclass
class PageResult:
    url: str
    status: int
    violations: list[dict] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)
    scroll_width_390: int = 0
    console_errors: list[str] = field(default_factory=list)


@dataclass
class AuditResult:
    pages: list[PageResult] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)

    @property
    def violations(self) -> int:
        return sum(len(p.violations) for p in self.pages)

    @property
    def third_party_requests(self) -> int:
        return sum(len(p.third_party) for p in self.pages)

    @property
    def overflowing_pages(self) -> list[str]:
        return [p.url for p in self.pages if p.scroll_width_390 > 390]

    def summary(self, tool: str) -> dict:
        return {
            "date": date.today().isoformat(),
            "pages": len(self.pages),
            "violations": self.violations,
            "third_party_requests": self.third_party_requests,
            "horizontal_scroll_pages": len(self.overflowing_pages),
            "broken_links": len(self.broken_links),
            "tool": tool,
        }


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser, base: str, width: int = 1280, height: int = 900, mobile: bool = False):
    """A page that blocks and records every request to a host other than the site's own."""
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=mobile, locale="ja-JP")
    page = context.new_page()
    page.third_party = []
    own = urlsplit(base).netloc

    def route(r):
        if urlsplit(r.request.url).netloc == own or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            page.third_party.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return page


def _links(page) -> list[str]:
    return page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")


def crawl(site: Path, limit: int = 500) -> AuditResult:
    """Open every page reachable from the landing; check links and downloads with HEAD requests."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    result = AuditResult()
    with serve(site) as base, sync_playwright() as p:
        browser = launch(p)
        desktop = new_page(browser, base)
        mobile = new_page(browser, base, 390, 844, mobile=True)
        axe = Axe()
        seen, queue, targets = {base + "/"}, deque([base + "/"]), set()
        while queue and len(result.pages) < limit:
            url = queue.popleft()
            errors: list[str] = []
            desktop.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            desktop.third_party.clear()
            response = desktop.goto(url, wait_until="load")
            page_result = PageResult(url, response.status if response else 0, console_errors=errors)
            page_result.third_party = list(desktop.third_party)
            if "text/html" in (response.headers.get("content-type", "") if response else ""):
                report = axe.run(desktop, options=AXE_OPTIONS)
                page_result.violations = report.response["violations"]
                for link in _links(desktop):
                    target = urljoin(url, link).split("#")[0]
                    if not target.startswith(base):
                        continue
                    targets.add(target)
                    if target not in seen and not target.endswith(DOWNLOADS):
                        seen.add(target)
                        queue.append(target)
                mobile.goto(url, wait_until="load")
                page_result.scroll_width_390 = mobile.evaluate("document.documentElement.scrollWidth")
                page_result.third_party += mobile.third_party
                mobile.third_party.clear()
            result.pages.append(page_result)
        request = desktop.context.request
        for target in sorted(targets):
            if request.head(target).status >= 400:
                result.broken_links.append(target)
        browser.close()
    return result


def search(site: Path, path: str, query: str) -> list[str]:
    """Type ``query`` into the site's search box on ``path``; return the result links."""
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as p:
        browser = launch(p)
        page = new_page(browser, base)
        page.goto(base + path, wait_until="load")
        page.click("label.md-search__icon, .md-search__input")
        page.fill("input.md-search__input", query)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        links = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
        browser.close()
    return [urlsplit(link).path for link in links]


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[2]
    site = Path(argv[0]) if argv else root / "published" / "site"
    if not chromium_available():
        print("chromium がありません。apt-get install chromium で入れてください。", file=sys.stderr)
        return 2
    result = crawl(site)
    tool = "Debian Chromium（ヘッドレス）+ Playwright + axe-core（axe-playwright-python）、幅1280pxと390px"
    summary = result.summary(tool)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    for page in result.pages:
        for v in page.violations:
            print(f"  {page.url}: {v['id']} ({len(v['nodes'])})")
    (root / "site" / "accessibility-results.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    clean = not (result.violations or result.third_party_requests or result.overflowing_pages or result.broken_links)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
