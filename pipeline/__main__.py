"""Command line for operators and scripts.

    python -m pipeline publish  [--year 2022] [--raw DIR] [--out DIR] [--force] [--jobs N]
    python -m pipeline review    --year 2022  [--raw DIR]
    python -m pipeline template [--year 2022] [--raw DIR] --out FILE.csv|FILE.xlsx

``publish`` publishes every fiscal year in raw/ (or the ones given) into published/ (or DIR), printing each
stage and its duration; years whose inputs and code are unchanged since their last release are skipped
(``--force`` rebuilds them), and several years are built in parallel (``--jobs``). ``review`` prints a year's review report (what to check, with ready corrections)
without publishing anything. ``template`` writes the intake template, empty or filled with a year's records.
On any problem the command prints what went wrong, where, and what to do, in Japanese and English, exits with
status 1 and leaves the previous release as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import sys
import time
from pathlib import Path

from pipeline.errors import PipelineError


def _configure_dagster_home() -> None:
    """Use the project's own Dagster instance (.dagster/) unless DAGSTER_HOME is set, and give the home the
    project's dagster.yaml when it has none or an older one — as `make` does. A configuration copied there
    later (dagster.postgres.yaml, docs/deploy.md) is newer, so it stays."""
    import shutil

    from pipeline.paths import PROJECT_ROOT

    if "DAGSTER_HOME" not in os.environ:
        os.environ["DAGSTER_HOME"] = str(PROJECT_ROOT / ".dagster")
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    config, project = home / "dagster.yaml", PROJECT_ROOT / "dagster.yaml"
    if not config.exists() or config.stat().st_mtime < project.stat().st_mtime:
        shutil.copyfile(project, config)


_INSTANCE: list = []


# The command's steps print to the terminal the operator is watching. Dagster's default compute log manager would
# copy each step's stdout and stderr into files and tail them back (two `tail` processes per step, about 0.3 s of
# a FY2022 publish); runs the UI, the sensor or a backfill start keep it. The run's events are stored either way.
# Debug messages are not stored for the command's runs: they are the IO manager's "Writing file at …" and
# "Loading partition …", 22 of a yearly run's 96 events, each a database write (about 0.6 ms of CPU).
CLI_INSTANCE_OVERRIDES = {
    "compute_logs": {"module": "dagster._core.storage.noop_compute_log_manager", "class": "NoOpComputeLogManager"},
    "python_logs": {"python_log_level": "INFO"},
}


def _instance():
    """This process's Dagster instance (DAGSTER_HOME's dagster.yaml, with CLI_INSTANCE_OVERRIDES), opened once:
    opening one checks every storage's schema."""
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    if not _INSTANCE:
        _configure_dagster_home()
        ref = InstanceRef.from_dir(os.environ["DAGSTER_HOME"], overrides=CLI_INSTANCE_OVERRIDES)
        _INSTANCE.append(dg.DagsterInstance.from_ref(ref))
    return _INSTANCE[0]


def _prepare_instance() -> None:
    """Create the Dagster instance's storage before years run in parallel: two processes creating the same fresh
    SQLite databases at once corrupt their schema version table."""
    _instance()


def _import_definitions() -> None:
    """Import Dagster and the pipeline's definitions (about 1 s) in another worker while the first creates the
    instance, instead of after it."""
    import pipeline.definitions  # noqa: F401


def _failures(result) -> list[str]:
    messages = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            if error.cls_name == "DagsterAssetCheckFailedError":
                continue  # the failed check's own evaluation, reported below, says why
            while error.cause is not None and error.cls_name not in _OUR_ERRORS:
                error = error.cause
            text = error.message.split(": ", 1)[-1].strip() if error.cls_name in _OUR_ERRORS else error.to_string()
            messages.append(text)
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                name = evaluation.asset_check_key.name
                messages.append(f"チェック「{name}」に不合格 / check {name} failed:\n{evaluation.description or ''}")
    return messages


def _review_summary(result, out_dir: Path, year: int) -> str:
    core = next(
        e.materialization.metadata
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "core_projects"
    )
    report = out_dir / "data" / str(year) / f"141500_ict_review_{year}.md"
    return (
        f"   要確認の事業 {core['projects_needing_review'].value} / {core['projects'].value}、"
        f"未解決の確認事項 {core['open_flags'].value}件 → {report}"
    )


def _failed_checks(result) -> list[str]:
    return [e.asset_check_key.name for e in result.get_asset_check_evaluations() if not e.passed]


CLI_RUN_CONFIG = {"loggers": {"progress": {}}}
_OUR_ERRORS = {"PipelineError", "SourceFormatError", "CorrectionError", "ValidationFailed"}


_DEFINITIONS: dict = {}


def _definitions(raw_dir: Path, out_dir: Path):
    from pipeline.definitions import build_definitions
    from pipeline.progress import stage_progress

    key = (str(raw_dir), str(out_dir))
    if key not in _DEFINITIONS:
        _DEFINITIONS[key] = build_definitions(raw_dir, out_dir, loggers={"progress": stage_progress})
    return _DEFINITIONS[key]


def _pause_garbage_collector() -> None:
    """Switch the cyclic garbage collector off for the command (``python -m pipeline`` only, not when the module
    is imported, as by the tests or the UI). Memory is freed as usual when the last reference goes; only
    reference cycles wait, and they are collected before every year but the first (``_freeze_heap``).

    Why: the command allocates millions of small objects — modules and classes while importing, then cells,
    records, pages and events — and the collector kept walking them in repeated scans while almost everything
    stayed alive. Measured with the collector on and off (docs/performance.md): a FY2022 publish took about
    0.3 s less (3.1 s → 2.8 s) and a year of 500 projects about 1 s less (9.2–9.9 s → 8.2–9.6 s). The cost is the
    cycles a year's run leaves until the next year starts (the 20 × 500 benchmark peaks at 0.61 GB for the whole
    process tree, within its 1 GB)."""
    gc.disable()


def _hide_test_tools() -> None:
    """Make hypothesis, a development dependency for the tests (pyproject.toml), unimportable in the command:
    pandera imports it whenever it is installed, for the data-generating strategies the pipeline never uses,
    and an installation without the development tools does not pay the 60 ms that took at every publish.
    (``python -m pipeline`` only; pool workers inherit it.)"""
    sys.modules.setdefault("hypothesis", None)


def _worker_start(collector_enabled: bool) -> None:
    """A pool worker keeps the command's garbage collector setting, whichever way the worker was started."""
    if not collector_enabled:
        gc.disable()


def _freeze_heap() -> None:
    """Before a year's run: exempt everything alive now — modules, classes, the Dagster definitions and
    instance — from the cyclic garbage collector, which then never walks them again. Before a later year, the
    reference cycles the previous year's run left are collected first, so they are not kept; before the first
    there are next to none (a collection found about 40 objects and took 0.1 s of a 3 s publish)."""
    if gc.get_freeze_count():
        gc.collect()
    gc.freeze()


@contextlib.contextmanager
def _output(capture: bool):
    """What the block prints, kept (for a worker to hand to the parent) or printed as it comes."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed) if capture else contextlib.nullcontext():
        yield printed


def _run_job(name: str, raw_dir: Path, out_dir: Path, partition: str | None = None):
    """Run one of the definitions' jobs on this process's instance; returns the result and whether it passed
    (the run succeeded and no check failed)."""
    job = _definitions(raw_dir, out_dir).resolve_job_def(name)
    result = job.execute_in_process(
        partition_key=partition, instance=_instance(), raise_on_error=False, run_config=CLI_RUN_CONFIG
    )
    _drop_captured_outputs(result)
    return result, result.success and not _failed_checks(result)


def _drop_captured_outputs(result) -> None:
    """Let go of the step outputs the run's result keeps in memory (the command reads only its events). Dagster's
    step contexts refer to one another in cycles and share that dict, so otherwise a year's cells, records and
    pages stayed until the next year's collection (``_freeze_heap``): with the event log's cycles gone as well
    (pipeline/dagster_storage.py), a 500-project year leaves about half the garbage (170,000 → 89,000 objects)
    and its collection takes 0.12 s instead of 0.19 s."""
    result._output_capture.clear()


def _publish_year(year: int, raw_dir: Path, out_dir: Path, capture: bool) -> tuple[int, bool, str, list[str]]:
    """Run one year's job; returns the year, success, what it printed, and the failure messages."""
    from pipeline.definitions import PUBLISH_JOB

    _freeze_heap()
    began = time.perf_counter()
    with _output(capture) as printed:
        print(f"== {year}年度（令和{year - 2018}年度）: {raw_dir / str(year)} → {out_dir / 'data' / str(year)}")
        result, ok = _run_job(PUBLISH_JOB, raw_dir, out_dir, str(year))
        if ok:
            print(f"   公開しました / published ({time.perf_counter() - began:.1f} s)")
            print(_review_summary(result, out_dir, year))
    return year, ok, printed.getvalue(), [] if ok else _failures(result)


def _publish_catalog(raw_dir: Path, out_dir: Path, capture: bool) -> tuple[bool, str, list[str]]:
    """Run the catalog job (across years); returns success, what it printed (if captured), and the failure
    messages."""
    from pipeline.definitions import CATALOG_JOB

    with _output(capture) as printed:
        print("== 目録 / catalog: " + str(out_dir / "data" / "catalog.jsonld"))
        result, ok = _run_job(CATALOG_JOB, raw_dir, out_dir)
    return ok, printed.getvalue(), [] if ok else _failures(result)


def publish(years: list[int] | None, raw_dir: Path, out_dir: Path, force: bool = False, jobs: int = 0) -> int:
    from pipeline.raw import build_digest, check_year_folders, check_year_inputs, fiscal_years
    from pipeline.release import published_digest

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
    todo = [y for y in selected if force or published_digest(out_dir, y) != build_digest(raw_dir, y)]
    for year in sorted(set(selected) - set(todo)):
        print(
            f"== {year}年度: 前回の公開と原本もコードも同じため、作り直しません / unchanged since the last release, skipped"
        )
    # A year whose provenance or corrections file is wrong fails here, before any Dagster run is started for it.
    refused = [(y, False, "", [str(e)]) for y in todo if (e := check_year_inputs(raw_dir, y))]
    todo = [y for y in todo if y not in {r[0] for r in refused}]
    workers = min(jobs or os.cpu_count() or 1, len(todo))

    def catalog_due() -> bool:
        return (out_dir / "data").is_dir() and bool(todo or not (out_dir / "site" / "index.html").exists())

    catalog = None
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # The parent stays small: it imports no Dagster. One worker creates the instance first; after the years,
        # a worker (Dagster imported, instance open) runs the catalog too.
        with ProcessPoolExecutor(max_workers=workers, initializer=_worker_start, initargs=(gc.isenabled(),)) as pool:
            warm_up = [pool.submit(_prepare_instance)] + [pool.submit(_import_definitions) for _ in range(workers - 1)]
            for future in warm_up:
                future.result()
            futures = [pool.submit(_publish_year, y, raw_dir, out_dir, True) for y in todo]
            results = []
            for future in as_completed(futures):
                results.append(future.result())
                print(results[-1][2], end="", flush=True)
            if catalog_due():
                catalog = pool.submit(_publish_catalog, raw_dir, out_dir, True).result()
    else:
        results = [_publish_year(y, raw_dir, out_dir, False) for y in todo]
    results += refused
    failed = False
    for year, ok, _, messages in sorted(results):
        if not ok:
            failed = True
            print(
                f"== {year}年度: 公開していません。前回の公開データはそのままです / nothing published for {year}:",
                file=sys.stderr,
            )
            _print_indented(messages)
    if catalog is None and catalog_due():
        catalog = _publish_catalog(raw_dir, out_dir, False)
    if catalog is not None:
        ok, printed, messages = catalog
        print(printed, end="", flush=True)
        if not ok:
            failed = True
            _print_indented(messages)
    return 1 if failed else 0


def _print_indented(messages: list[str]) -> None:
    for message in messages:
        print("   " + message.replace("\n", "\n   "), file=sys.stderr)


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
    from pipeline.out.review import review_report

    print(review_report(build_year(raw_dir, year)))
    return 0


def template(year: int | None, raw_dir: Path, out: Path) -> int:
    from pipeline.out.template import template_csv, template_xlsx

    records = build_year(raw_dir, year).records if year else ()
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise PipelineError(
            "出力ファイルの拡張子は .csv か .xlsx にしてください。", "The output file must end in .csv or .xlsx."
        )
    out.write_bytes(template_xlsx(records) if out.suffix.lower() == ".xlsx" else template_csv(records))
    filled = f"{year}年度の{len(records)}事業を記入済み" if year else "空"
    print(f"テンプレート（{filled}）を書き出しました / template written: {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    from pipeline.paths import default_paths

    raw_default, out_default = default_paths()
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
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
    args = parser.parse_args(argv)
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
    return 2


def exit_now(status: int) -> None:
    """End the process once its work is written: run the exit handlers and flush the streams, then skip
    tearing the interpreter down (finalising Dagster, pandas and their modules took about 0.5 s after every
    publish, longer than the whole catalog step). Files are closed by then; the kernel keeps what was written."""
    import atexit

    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    _pause_garbage_collector()
    _hide_test_tools()
    exit_now(main())
