"""Generate synthetic fiscal years in the PDF-extracted format, for the scale benchmark.

    python -m benchmarks.synthetic OUT_RAW_DIR [--years 20] [--projects 500] [--first-year 2031]

Every synthetic project is a real FY2022 row with its number changed, so the cells have the list's own Japanese
lengths, bullets, letter-spacing, status boxes and gaps, and the aligner faces the same work as on the real list;
rows are chosen by a fixed pseudo-random sequence, so the same arguments give the same files. Pages of seven rows,
each with the title and the two header lines naming the synthetic year. Years are in the future on purpose: this is
test data, never published.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "raw" / "2022" / "ict_strategy_project_list_r4.txt"
ROWS_PER_PAGE = 7


def _real_rows() -> tuple[list[str], list[str]]:
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    rows = [line for line in lines if re.match(r"\d+\t", line)]
    header = [line for line in lines if line.startswith(("事業管理", "\t\t\t\t\t\t行動目標"))][:2]
    return rows, header


def year_source(fiscal_year: int, projects: int, seed: int) -> bytes:
    rows, (header1, header2) = _real_rows()
    reiwa = fiscal_year - 2018
    header1 = header1.replace("令和5年度", f"令和{reiwa + 1}年度").replace("令和4年度", f"令和{reiwa}年度")
    title = f"別紙1 相模原市ICT総合戦略 事業一覧 (R{reiwa}取組結果・所管課評価、事務局評価)"
    pick = random.Random(seed)
    out: list[str] = []
    for number in range(1, projects + 1):
        if (number - 1) % ROWS_PER_PAGE == 0:
            out += ["", title, "", header1, header2]
        cells = pick.choice(rows).split("\t")
        out.append("\t".join([str(number), *cells[1:]]))
    return ("\n".join(out) + "\n").encode("utf-8")


def write_year(raw: Path, fiscal_year: int, projects: int, edition: int = 0) -> None:
    """Write raw/<FY>/ (list and provenance); another ``edition`` draws other rows, as a revised list would."""
    folder = raw / str(fiscal_year)
    folder.mkdir(parents=True, exist_ok=True)
    data = year_source(fiscal_year, projects, seed=fiscal_year * 1000 + edition)
    (folder / "list.txt").write_bytes(data)
    (folder / "provenance.yaml").write_text(
        "# SYNTHETIC benchmark data (benchmarks/synthetic.py): real FY2022 rows renumbered. Never published.\n"
        "file: list.txt\n"
        f"sha256: {hashlib.sha256(data).hexdigest()}\n"
        f"title: 合成データ {fiscal_year}年度（性能試験用）\n"
        "publisher: 相模原市\n"
        "description: 性能試験用の合成データ。令和4年度の行を並べ替えたもの。\n"
        "obtained: benchmarks/synthetic.py で生成した。\n"
        'received: "2026-11-25"\n'
        "terms: 試験用。\n",
        encoding="utf-8",
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synthetic", description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--first-year", type=int, default=2031)
    args = parser.parse_args(argv)
    for year in range(args.first_year, args.first_year + args.years):
        write_year(args.raw, year, args.projects)
    print(f"{args.years} years × {args.projects} projects → {args.raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
