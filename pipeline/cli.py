"""Command line for operators and scripts.

    python -m pipeline publish  [--year 2022] [--raw DIR] [--out DIR] [--force] [--jobs N]
    python -m pipeline review    --year 2022  [--raw DIR]
    python -m pipeline template [--year 2022] [--raw DIR] --out FILE.csv|FILE.xlsx

``publish`` publishes every fiscal year in raw/ (or the ones given) into published/ (or DIR), printing each
stage and its duration; years whose inputs and code are unchanged since their last release are skipped
(``--force`` rebuilds them), and several years are built in parallel (``--jobs``). The catalog, the オープンデータ
一覧 and the site's landing are checked against what is published at every run and rebuilt when they differ.
``review`` prints a year's review report (what to check, with ready corrections) without publishing anything.
``template`` writes the intake template, empty or filled with a year's records.
On any problem — bad input, a full disk, a folder that cannot be written, Ctrl-C or SIGTERM — the command prints
what went wrong, where, and what to do, in Japanese and English, exits non-zero and leaves the previous release
as it was. The jobs themselves are run by pipeline/runner.py.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from pipeline import interrupts
from pipeline.errors import PipelineError
from pipeline.faults import interrupted, os_error
from pipeline.layout import Layout


def _selected_years(years: list[int] | None, raw_dir: Path) -> list[int]:
    from pipeline.raw import check_year_folders, fiscal_years

    check_year_folders(raw_dir)
    available = fiscal_years(raw_dir)
    if not available:
        raise PipelineError(
            f"{raw_dir} に年度のフォルダ（例: {raw_dir}/2022）がありません。",
            f"No fiscal-year folders (e.g. {raw_dir}/2022) in {raw_dir}.",
        )
    selected = years or available
    missing = [y for y in selected if y not in available]
    if missing:
        raise PipelineError(
            f"{raw_dir} に {', '.join(map(str, missing))} 年度のフォルダがありません"
            f"（あるのは {', '.join(map(str, available))}）。",
            f"No folder for {missing} in {raw_dir} (found {available}).",
        )
    return selected


def publish(years: list[int] | None, raw_dir: Path, out_dir: Path, force: bool = False, jobs: int = 0) -> int:
    from pipeline.assembly import derived_files_stale
    from pipeline.raw import build_digest, check_year_inputs
    from pipeline.release import clean_abandoned, published_digest, year_is_whole
    from pipeline.runner import Outcome, print_failures, run_years

    layout = Layout(out_dir)
    selected = _selected_years(years, raw_dir)
    clean_abandoned(layout)
    todo = [
        y
        for y in selected
        if force or published_digest(layout, y) != build_digest(raw_dir, y) or not year_is_whole(layout, y)
    ]
    for year in sorted(set(selected) - set(todo)):
        print(
            f"== {year}年度: 前回の公開と原本もコードも同じため、作り直しません / unchanged since the last release, skipped"
        )

    def catalog_due(outcomes) -> bool:
        # After any year was published, or when the catalog or landing no longer match what is published.
        if not layout.data_root.is_dir():
            return False
        return any(o.ok for o in outcomes.values()) or bool(derived_files_stale(layout))

    # A year whose provenance or corrections file is wrong fails here, before any Dagster run is started for it.
    refused = {y: Outcome(False, messages=[str(e)]) for y in todo if (e := check_year_inputs(raw_dir, y))}
    outcomes, catalog = run_years([y for y in todo if y not in refused], raw_dir, out_dir, jobs, catalog_due)
    outcomes = {**outcomes, **refused}
    failed = False
    for year, outcome in sorted(outcomes.items()):
        if not outcome.ok:
            failed = True
            print(
                f"== {year}年度: 公開していません。前回の公開データはそのままです / nothing published for {year}:",
                file=sys.stderr,
            )
            print_failures(outcome.messages)
    if catalog is not None and not catalog.ok:
        failed = True
        print_failures(catalog.messages)
    return 1 if failed else 0


def build_year(raw_dir: Path, year: int):
    """A year's records straight from raw/, without Dagster or publishing (for review and templates)."""
    from pipeline.core.corrections import load_corrections
    from pipeline.core.year import build_core_year
    from pipeline.ingest.read import parse_source
    from pipeline.raw import read_raw_year

    raw = read_raw_year(raw_dir, year)
    table = parse_source(raw.data, str(raw.source), year)
    return build_core_year(table, load_corrections(raw.corrections), str(raw.corrections))


def review(year: int, raw_dir: Path) -> int:
    from pipeline.export.review import review_report

    print(review_report(build_year(raw_dir, year)))
    return 0


def template(year: int | None, raw_dir: Path, out: Path) -> int:
    from pipeline.export.template import template_csv, template_xlsx

    records = build_year(raw_dir, year).records if year else ()
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise PipelineError(
            "出力ファイルの拡張子は .csv か .xlsx にしてください。", "The output file must end in .csv or .xlsx."
        )
    out.write_bytes(template_xlsx(records) if out.suffix.lower() == ".xlsx" else template_csv(records))
    filled = f"{year}年度の{len(records)}事業を記入済み" if year else "空"
    print(f"テンプレート（{filled}）を書き出しました / template written: {out}")
    return 0


def parser() -> argparse.ArgumentParser:
    from pipeline.paths import default_paths

    raw_default, out_default = default_paths()
    top = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.split("\n\n")[0])
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("publish", help="publish fiscal years from raw/ into published/")
    p.add_argument("--year", type=int, action="append", help="fiscal year (西暦), e.g. 2022; repeatable")
    p.add_argument("--raw", type=Path, default=raw_default, help=f"raw folder (default {raw_default})")
    p.add_argument("--out", type=Path, default=out_default, help=f"output folder (default {out_default})")
    p.add_argument("--force", action="store_true", help="rebuild years whose inputs and code have not changed")
    p.add_argument("--jobs", type=int, default=0, help="years built in parallel (default: one per CPU)")
    r = sub.add_parser("review", help="print a year's review report (nothing is published)")
    r.add_argument("--year", type=int, required=True, help="fiscal year (西暦), e.g. 2022")
    r.add_argument("--raw", type=Path, default=raw_default, help=f"raw folder (default {raw_default})")
    t = sub.add_parser("template", help="write the intake template (CSV or XLSX), empty or filled with a year")
    t.add_argument("--year", type=int, help="fill the template with this year's records")
    t.add_argument("--raw", type=Path, default=raw_default, help=f"raw folder (default {raw_default})")
    t.add_argument("--out", type=Path, required=True, help="output file, .csv or .xlsx")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns its exit status (1 for a problem, 128 + the signal's number when stopped)."""
    args = parser().parse_args(argv)
    interrupts.watch()
    try:
        if args.command == "publish":
            return publish(args.year, args.raw, args.out, args.force, args.jobs)
        if args.command == "review":
            return review(args.year, args.raw)
        if args.command == "template":
            return template(args.year, args.raw, args.out)
    except PipelineError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(str(os_error(exc, getattr(args, "out", None))), file=sys.stderr)
        return 1
    except interrupts.Interrupted as exc:
        return _stopped(exc.signum, args.out if args.command == "publish" else None)
    except KeyboardInterrupt:
        return _stopped(interrupts.STOP_SIGNALS[0], args.out if args.command == "publish" else None)
    return 2


def _stopped(signum: int, out_dir: Path | None) -> int:
    """After Ctrl-C or SIGTERM: let go of this process's staging (the workers' is removed once they are gone)."""
    from pipeline.release import clean_abandoned, end_all_run_staging

    interrupts.ignore()
    end_all_run_staging()
    if out_dir is not None:
        with contextlib.suppress(OSError):  # the next run clears it
            clean_abandoned(Layout(out_dir))
    print(str(interrupted(signum)), file=sys.stderr)
    return interrupts.exit_status(signum)
