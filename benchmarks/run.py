"""The benchmark behind `make bench`: how long the pipeline takes and how much memory it needs, against its targets.

    python -m benchmarks.run [--repeat 5] [--scale-repeat 3] [--years 20] [--projects 500]

Every figure is the median of several runs of the real command line (`python -m pipeline publish`, a fresh
process each time, as an operator runs it), with the fastest and slowest run beside it; the CPU time (user and
system, the command and its worker processes) is given too, as the work done whatever the machine's load:

- import floor: `python -c "import dagster, pandas, pandera, frictionless, mkdocs"`, measured in turn with the
  FY2022 publish (and, for reference, the same imports with the garbage collector paused, as the command runs);
- FY2022: `publish --year 2022 --force` (every stage re-run) and each stage's share, plus the re-run with nothing
  changed (skipped by its build digest);
- scale: 20 synthetic years × 500 projects (benchmarks/synthetic.py) published from scratch, with the peak
  resident memory of the whole process tree (sampled from /proc every 20 ms);
- incremental: one of those years' raw file replaced by a revised list, then `publish` again;
- PDF: reading a 5-page PDF of the list (the first five pages of tests/fixtures/pdf/fy2022_ruled.pdf);
- site: build time per year, total size, and the heaviest page's transferred bytes (gzip, cold cache, measured
  in headless Chromium, the search index excluded).

One warm-up run of the FY2022 publish comes first (it creates the Dagster instance's databases) and is not
counted. Writes benchmarks/results.json and benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from benchmarks.synthetic import write_year

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks"
IMPORT_FLOOR = "import dagster, pandas, pandera, frictionless, mkdocs"
# The same imports the way `python -m pipeline` makes them, with the cyclic garbage collector paused: for
# reading the FY2022 figure beside the target's floor, which is the plain command above.
IMPORT_FLOOR_PAUSED = "import gc; gc.disable(); " + IMPORT_FLOOR
STAGE_LINE = re.compile(r"^\s+([a-z_]+)\s+([0-9.]+) s\s+ok$", re.MULTILINE)
GB, KB = 1_000_000_000, 1_000
TARGETS = {
    "fy2022_vs_floor": 2.5,
    "scale_seconds": 75.0,
    "scale_peak_rss_bytes": 1 * GB,
    "incremental_share": 0.25,
    "heaviest_page_bytes": 150 * KB,
    "pdf_5_pages_seconds": 2.0,
}
PDF_FIXTURE = ROOT / "tests" / "fixtures" / "pdf" / "fy2022_ruled.pdf"
# Reading a PDF in a fresh process, as a run does (pdfminer loads its character maps on first use): the time of
# parse_pdf alone, after the imports.
PDF_READ = (
    "import sys, time; from pathlib import Path; from pipeline.ingest.pdf import parse_pdf; "
    "data = Path(sys.argv[1]).read_bytes(); began = time.perf_counter(); "
    "table = parse_pdf(data, sys.argv[1]); print(time.perf_counter() - began, table.pages)"
)


@dataclass
class Run:
    seconds: float
    peak_rss: int  # the process tree's total at its highest
    peak_process_rss: int  # the largest single process
    cpu_seconds: float  # user + system time of the command and every process it started
    stdout: str


def _tree_rss(root: int) -> dict[int, int]:
    """Resident memory of a process and each of its descendants, in bytes."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, pp in parents.items() if pp == pid]
        tree.update(children)
        frontier += children
    resident = {}
    for pid in tree:
        try:
            resident[pid] = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return resident


def run(args: list[str], env: dict[str, str]) -> Run:
    """Run a command, timing it and sampling the peak memory of its process tree."""
    began, used = time.perf_counter(), _children_cpu()
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, peak_process, done = 0, 0, threading.Event()

    def sample() -> None:
        nonlocal peak, peak_process
        while not done.is_set():
            resident = _tree_rss(process.pid)
            peak = max(peak, sum(resident.values()))
            peak_process = max(peak_process, *resident.values(), 0)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds, cpu = time.perf_counter() - began, _children_cpu() - used
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(args)}\n{stdout}\n{stderr}")
    return Run(seconds, peak, peak_process, cpu, stdout)


def _children_cpu() -> float:
    """CPU seconds of this process's finished children and theirs (the pipeline waits for its workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def stage_seconds(stdout: str) -> dict[str, list[float]]:
    """The per-stage times the pipeline prints (`core_projects  0.55 s  ok`), every occurrence."""
    stages: dict[str, list[float]] = {}
    for name, seconds in STAGE_LINE.findall(stdout):
        stages.setdefault(name, []).append(float(seconds))
    return stages


def publish(env: dict[str, str], *options: str) -> Run:
    return run([sys.executable, "-m", "pipeline", "publish", *options], env)


def measure_fy2022(env: dict[str, str], work: Path, repeat: int) -> dict:
    """The FY2022 publish with the import floor measured in turn with it (floor, paused floor, publish, …), so
    that a slower or faster spell of the machine reaches both sides of the ratio alike."""
    out = work / "fy2022"
    publish(env, "--year", "2022", "--out", str(out), "--force")  # warm-up: creates the instance's databases
    floor, paused, runs = [], [], []
    for _ in range(repeat):
        floor.append(run([sys.executable, "-c", IMPORT_FLOOR], env).seconds)
        paused.append(run([sys.executable, "-c", IMPORT_FLOOR_PAUSED], env).seconds)
        runs.append(publish(env, "--year", "2022", "--out", str(out), "--force"))
    stages = {name: [] for name in stage_seconds(runs[0].stdout)}
    for r in runs:
        for name, values in stage_seconds(r.stdout).items():
            stages[name].append(sum(values))
    total = statistics.median(r.seconds for r in runs)
    medians = {name: statistics.median(values) for name, values in stages.items()}
    medians["other"] = total - sum(medians.values())
    unchanged = [publish(env, "--year", "2022", "--out", str(out)) for _ in range(repeat)]
    return {
        "import_floor": spread(floor),
        "import_floor_collector_paused": spread(paused),
        "publish": spread([r.seconds for r in runs]),
        "cpu_seconds": spread([r.cpu_seconds for r in runs]),
        "peak_rss_bytes": max(r.peak_rss for r in runs),
        "stages": {name: {"median": m, "share": m / total} for name, m in medians.items()},
        "unchanged": spread([r.seconds for r in unchanged]),
        "site": out / "site",
    }


def measure_pdf(env: dict[str, str], work: Path, repeat: int) -> dict:
    """Reading a 5-page PDF of the list: the first five pages of the ruled FY2022 fixture (pypdfium2, which
    pdfplumber installs, copies them), each read in a fresh process."""
    import pypdfium2

    source = pypdfium2.PdfDocument(PDF_FIXTURE)
    five = pypdfium2.PdfDocument.new()
    five.import_pages(source, list(range(5)))
    path = work / "five-pages.pdf"
    five.save(path)
    times = []
    for _ in range(repeat):
        seconds, pages = run([sys.executable, "-c", PDF_READ, str(path)], env).stdout.split()
        if int(pages) != 5:
            raise SystemExit(f"the PDF benchmark read {pages} pages, expected 5")
        times.append(float(seconds))
    return {"pages": 5, "read": spread(times)}


def measure_scale(env: dict[str, str], work: Path, years: int, projects: int, repeat: int) -> dict:
    raw = work / "scale-raw"
    first = 2031
    for year in range(first, first + years):
        write_year(raw, year, projects)
    runs, floors = [], []
    for number in range(repeat):
        # The import floor just before each run: how fast the machine was then (its speed moves between spells).
        floors.append(run([sys.executable, "-c", IMPORT_FLOOR], env).seconds)
        # Each run into a new folder, the earlier runs' files kept until the benchmark ends: on this machine's
        # ext4 (no journal) the kernel passes over every inode freed in the last minutes when it creates a file,
        # so deleting a run's 22,000 files just before the next run cost that run about 4 CPU-seconds in the
        # kernel (docs/performance.md), a cost of the benchmark's clean-up rather than of a publish.
        out = work / f"scale-out-{number}"
        runs.append(publish(env, "--raw", str(raw), "--out", str(out)))
    per_year = {n: spread(v) for n, v in stage_seconds(runs[-1].stdout).items() if len(v) == years}
    site = out / "site"
    incremental = []
    changed = first + years // 2
    for edition in range(1, repeat + 1):
        write_year(raw, changed, projects, edition)
        incremental.append(publish(env, "--raw", str(raw), "--out", str(out)))
        rebuilt = stage_seconds(incremental[-1].stdout).get("core_projects", [])
        if len(rebuilt) != 1:
            raise SystemExit(f"the incremental run rebuilt {len(rebuilt)} years, expected 1")
    return {
        "years": years,
        "projects_per_year": projects,
        "publish": spread([r.seconds for r in runs]),
        "import_floor_before": spread(floors),
        "cpu_seconds": spread([r.cpu_seconds for r in runs]),
        "peak_rss_bytes": spread([r.peak_rss for r in runs]),
        "peak_process_rss_bytes": max(r.peak_process_rss for r in runs),
        "incremental": spread([r.seconds for r in incremental]),
        "incremental_peak_rss_bytes": max(r.peak_rss for r in incremental),
        "stages_per_year": per_year,
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "site_pages": sum(1 for _ in site.rglob("*.html")),
        "site": site,
        "site_year": first,
    }


def heaviest_candidates(site: Path, count: int = 4) -> list[Path]:
    """The pages with the largest HTML after gzip (every page loads the same scripts and stylesheets)."""
    pages = sorted(site.rglob("*.html"), key=lambda p: (-len(gzip.compress(p.read_bytes(), 6)), str(p)))
    return pages[:count]


def transferred(root: Path, pages: list[Path]) -> list[dict]:
    """Bytes a browser with an empty cache receives for each page (gzip like a typical static host), with and
    without the search index that Material's search loads in the background."""
    from playwright.sync_api import sync_playwright

    from benchmarks.serve import serve_gzip
    from pipeline.website.audit import CHROMIUM, CHROMIUM_ARGS

    results = []
    with serve_gzip(root) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_path in pages:
            context = browser.new_context()
            page = context.new_page()
            sizes: list[tuple[str, int]] = []
            page.on(
                "requestfinished",
                lambda request, sizes=sizes: sizes.append(
                    (request.url, request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"])
                ),
            )
            url = f"{base}/{page_path.relative_to(root).as_posix()}"
            # "load" first: on a long page the parser can take longer than networkidle's quiet half second
            # before it reaches the scripts at the end, and the page would be measured without them.
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")
            index = sum(n for u, n in sizes if "search_index.json" in u)
            total = sum(n for _, n in sizes)
            results.append(
                {
                    "page": page_path.relative_to(root).as_posix(),
                    "bytes": total - index,
                    "bytes_with_search_index": total,
                    "requests": len(sizes),
                }
            )
            context.close()
        browser.close()
    return sorted(results, key=lambda r: -r["bytes"])


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "packages": {
            n: metadata.version(n)
            for n in ("dagster", "pandas", "pandera", "frictionless", "mkdocs", "mkdocs-material")
        },
        "commit": commit.strip() + (" (uncommitted changes)" if dirty else ""),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def verdicts(r: dict) -> list[tuple[str, str, str, bool]]:
    """(target, limit, measured, met) for each target of the issue."""
    floor = r["import_floor"]["median"]
    fy = r["fy2022"]["publish"]["median"]
    scale = r["scale"]["publish"]["median"]
    rss = r["scale"]["peak_rss_bytes"]["max"]
    inc = r["scale"]["incremental"]["median"]
    heaviest = max((p["bytes"] for p in r["pages"]), default=None)
    pdf = r["pdf"]["read"]["median"]
    rows = [
        (
            f"FY2022 publish ≤ {TARGETS['fy2022_vs_floor']}× import floor",
            f"{TARGETS['fy2022_vs_floor'] * floor:.2f} s",
            f"{fy:.2f} s ({fy / floor:.1f}×)",
            fy <= TARGETS["fy2022_vs_floor"] * floor,
        ),
        (
            f"{r['scale']['years']}×{r['scale']['projects_per_year']} full publish ≤ {TARGETS['scale_seconds']:.0f} s",
            f"{TARGETS['scale_seconds']:.0f} s",
            f"{scale:.1f} s",
            scale <= TARGETS["scale_seconds"],
        ),
        (
            "a 5-page PDF read ≤ 2 s",
            f"{TARGETS['pdf_5_pages_seconds']:.0f} s",
            f"{pdf:.2f} s",
            pdf <= TARGETS["pdf_5_pages_seconds"],
        ),
        (
            f"{r['scale']['years']}×{r['scale']['projects_per_year']} peak RSS ≤ 1 GB",
            "1.00 GB",
            f"{rss / GB:.2f} GB",
            rss <= TARGETS["scale_peak_rss_bytes"],
        ),
        (
            "one-year incremental ≤ 25% of full",
            f"{TARGETS['incremental_share'] * scale:.1f} s",
            f"{inc:.1f} s ({inc / scale:.0%})",
            inc <= TARGETS["incremental_share"] * scale,
        ),
    ]
    if heaviest is not None:
        rows.append(
            (
                "heaviest page ≤ 150 KB transferred (no search index)",
                "150 KB",
                f"{heaviest / KB:.0f} KB",
                heaviest <= TARGETS["heaviest_page_bytes"],
            )
        )
    return rows  # fmt: skip


def report(r: dict) -> str:
    m = r["machine"]

    def s(x: dict, unit: str = "s", scale: float = 1.0, digits: int = 2) -> str:
        return f"{x['median'] / scale:.{digits}f} {unit} ({x['min'] / scale:.{digits}f}–{x['max'] / scale:.{digits}f}, {x['runs']} runs)"

    lines = [
        "# Benchmark results",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gib']} GiB RAM, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
        + f". Commit {m['commit']}, {m['date']}. Command: `make bench`.",
        "",
        "Medians, with the fastest and slowest run in brackets.",
        "",
        "| target | limit | measured | met |",
        "|---|---:|---:|:---:|",
        *[f"| {t} | {limit} | {value} | {'yes' if ok else '**no**'} |" for t, limit, value, ok in verdicts(r)],
        "",
        "## Figures",
        "",
        f"- import floor (`{IMPORT_FLOOR}`): {s(r['import_floor'])}, measured in turn with the FY2022 publish",
        f"- the same imports with the garbage collector paused, as `python -m pipeline` makes them (for reference, "
        f"not the target's floor): {s(r['fy2022']['import_floor_collector_paused'])}; FY2022 is "
        f"{r['fy2022']['publish']['median'] / r['fy2022']['import_floor_collector_paused']['median']:.1f}× that",
        f"- FY2022 `publish --year 2022 --force`: {s(r['fy2022']['publish'])}; CPU time {s(r['fy2022']['cpu_seconds'])}; "
        f"peak RSS {r['fy2022']['peak_rss_bytes'] / 1e6:.0f} MB",
        f"- FY2022 `publish --year 2022`, nothing changed (skipped): {s(r['fy2022']['unchanged'])}",
        f"- scale, {r['scale']['years']} years × {r['scale']['projects_per_year']} projects from scratch: {s(r['scale']['publish'])}; "
        f"CPU time of the process tree {s(r['scale']['cpu_seconds'])}; "
        f"peak RSS of the process tree {s(r['scale']['peak_rss_bytes'], 'GB', GB)}, largest single process "
        f"{r['scale']['peak_process_rss_bytes'] / 1e6:.0f} MB; the import floor just before each of these runs "
        f"{s(r['scale']['import_floor_before'])}",
        f"- reading a 5-page PDF of the list (`parse_pdf`, a fresh process each time, imports not counted): "
        f"{s(r['pdf']['read'])}",
        f"- incremental, one year's list revised: {s(r['scale']['incremental'])}; peak RSS {r['scale']['incremental_peak_rss_bytes'] / 1e6:.0f} MB",
        f"- site build per year of {r['scale']['projects_per_year']} projects (stage `site_build`, all years of one run): "
        f"{s(r['scale']['stages_per_year']['site_build'])}",
        f"- site size: FY2022 {r['fy2022']['site_bytes'] / 1e6:.1f} MB in {r['fy2022']['site_pages']} pages; scale "
        f"{r['scale']['site_bytes'] / 1e6:.0f} MB in {r['scale']['site_pages']:,} pages",
        "",
        "FY2022 stages (median seconds and share of the whole command; `other` is start-up, imports, opening the "
        "Dagster instance and Dagster's own work between stages):",
        "",
        "| stage | seconds | share |",
        "|---|---:|---:|",
        *[f"| {n} | {v['median']:.2f} | {v['share']:.0%} |" for n, v in r["fy2022"]["stages"].items()],
        "",
        f"Scale: each stage per year of {r['scale']['projects_per_year']} projects (two years at a time, one per CPU):",
        "",
        "| stage | median s | fastest–slowest |",
        "|---|---:|---:|",
        *[f"| {n} | {v['median']:.2f} | {v['min']:.2f}–{v['max']:.2f} |" for n, v in r["scale"]["stages_per_year"].items()],
        "",
        "Heaviest pages, transferred with gzip and an empty cache:",
        "",
        "| page | without search index | with search index | requests |",
        "|---|---:|---:|---:|",
        *[f"| {p['page']} | {p['bytes'] / KB:.0f} KB | {p['bytes_with_search_index'] / KB:.0f} KB | {p['requests']} |" for p in r["pages"]],
        "",
    ]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of the small measurements (default 5)")
    parser.add_argument("--scale-repeat", type=int, default=3, help="runs of the scale case (default 3)")
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--no-browser", action="store_true", help="skip the page weight (needs chromium)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DAGSTER_HOME": str(work / "dagster-home"),
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    try:
        print("import floor and FY2022 …", flush=True)
        fy2022 = measure_fy2022(env, work, args.repeat)
        floor = fy2022.pop("import_floor")
        print("PDF …", flush=True)
        pdf = measure_pdf(env, work, args.repeat)
        print(f"scale: {args.years} years × {args.projects} projects …", flush=True)
        scale = measure_scale(env, work, args.years, args.projects, args.scale_repeat)
        pages = []
        if not args.no_browser:
            print("page weight in chromium …", flush=True)
            pages = transferred(fy2022["site"], heaviest_candidates(fy2022["site"] / "2022"))
            pages += transferred(scale["site"], heaviest_candidates(scale["site"] / str(scale["site_year"])))
        fy_site = fy2022.pop("site")
        fy2022["site_bytes"] = sum(p.stat().st_size for p in fy_site.rglob("*") if p.is_file())
        fy2022["site_pages"] = sum(1 for _ in fy_site.rglob("*.html"))
        scale.pop("site")
        scale.pop("site_year")
        results = {
            "machine": machine(),
            "targets": TARGETS,
            "import_floor": floor,
            "fy2022": fy2022,
            "pdf": pdf,
            "scale": scale,
            "pages": sorted(pages, key=lambda p: -p["bytes"]),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (RESULTS / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = report(results)
    (RESULTS / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
