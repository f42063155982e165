"""Runs the Dagster jobs for the command line: the instance, one run per fiscal year (several at once in worker
processes), then the cross-year catalog; what each run printed and why it failed, through Dagster's public
result API. The command line itself (arguments, messages) is pipeline/cli.py.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import io
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import interrupts
from pipeline.errors import PipelineError
from pipeline.layout import Layout
from pipeline.paths import PROJECT_ROOT

CLI_RUN_CONFIG = {"loggers": {"progress": {}}}


def configure_dagster_home() -> None:
    """Use the project's own Dagster instance (.dagster/) unless DAGSTER_HOME is set, and give the home the
    project's dagster.yaml when it has none or an older one — as `make` does. A configuration copied there
    later (dagster.postgres.yaml, docs/deploy.md) is newer, so it stays."""
    if "DAGSTER_HOME" not in os.environ:
        os.environ["DAGSTER_HOME"] = str(PROJECT_ROOT / ".dagster")
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    config, project = home / "dagster.yaml", PROJECT_ROOT / "dagster.yaml"
    if not config.exists() or config.stat().st_mtime < project.stat().st_mtime:
        shutil.copyfile(project, config)


_INSTANCE: list = []
_DEFINITIONS: dict = {}


def instance():
    """This process's Dagster instance (DAGSTER_HOME's dagster.yaml), opened once: opening one checks every
    storage's schema."""
    import dagster as dg

    if not _INSTANCE:
        configure_dagster_home()
        _INSTANCE.append(dg.DagsterInstance.get())
    return _INSTANCE[0]


def definitions(raw_dir: Path, out_dir: Path):
    from pipeline.definitions import build_definitions
    from pipeline.progress import stage_progress

    key = (str(raw_dir), str(out_dir))
    if key not in _DEFINITIONS:
        _DEFINITIONS[key] = build_definitions(raw_dir, out_dir, loggers={"progress": stage_progress})
    return _DEFINITIONS[key]


def failures(result) -> list[str]:
    """Why a run failed, in the operator's terms: each failed check's description, and each failed step's
    bilingual description (assets raise dagster.Failure for every problem an operator can fix). A step that
    failed only because one of its blocking checks did adds nothing to the check's own message."""
    failed_checks = [e for e in result.get_asset_check_evaluations() if not e.passed]
    messages = []
    for event in result.get_step_failure_events():
        data = event.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            messages.append(data.user_failure_data.description)
        elif not failed_checks and data.error is not None:
            messages.append(data.error.to_string())
    for check in failed_checks:
        name = check.asset_check_key.name
        messages.append(f"チェック「{name}」に不合格 / check {name} failed:\n{check.description or ''}")
    return messages


def run_job(name: str, raw_dir: Path, out_dir: Path, partition: str | None = None):
    """Run one of the definitions' jobs in this process; returns the result and whether it passed (the run
    succeeded and no check failed). A stop signal received during the run raises Interrupted after it."""
    job = definitions(raw_dir, out_dir).resolve_job_def(name)
    result = job.execute_in_process(
        partition_key=partition, instance=instance(), raise_on_error=False, run_config=CLI_RUN_CONFIG
    )
    passed = result.success and all(e.passed for e in result.get_asset_check_evaluations())
    if not passed:
        from pipeline.release import end_run_staging

        end_run_staging(Layout(out_dir), result.run_id)  # a failed run's staging is of no further use
    return result, passed


@dataclass
class Outcome:
    """What one run of the command's did: success, what it printed, why it failed, whether it was stopped."""

    ok: bool
    printed: str = ""
    messages: list[str] = field(default_factory=list)
    stopped_by: int | None = None


@contextlib.contextmanager
def _output(capture: bool):
    """What the block prints, kept (for a worker to hand to the parent) or printed as it comes."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed) if capture else contextlib.nullcontext():
        yield printed


def freeze_heap() -> None:
    """Before a year's run: exempt everything alive now — modules, classes, the Dagster definitions and
    instance — from the cyclic garbage collector, which then never walks them again. Before a later year, the
    reference cycles the previous year's run left are collected first, so they are not kept."""
    if gc.get_freeze_count():
        gc.collect()
    gc.freeze()


def _review_summary(result, layout: Layout, year: int) -> str:
    core = next(
        e.materialization.metadata
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "core_projects"
    )
    report = layout.review_report(year)
    return (
        f"   要確認の事業 {core['projects_needing_review'].value} / {core['projects'].value}、"
        f"未解決の確認事項 {core['open_flags'].value}件 → {report}"
    )


def publish_year(year: int, raw_dir: Path, out_dir: Path, capture: bool) -> tuple[int, Outcome]:
    """Run one year's job (in this process or a worker); a process already told to stop runs nothing."""
    from pipeline.definitions import PUBLISH_JOB

    if interrupts.received() is not None:
        return year, Outcome(False, stopped_by=interrupts.received())
    freeze_heap()
    began = time.perf_counter()
    layout = Layout(out_dir)
    with _output(capture) as printed:
        print(f"== {year}年度（令和{year - 2018}年度）: {raw_dir / str(year)} → {layout.data_dir(year)}", flush=True)
        result, ok = run_job(PUBLISH_JOB, raw_dir, out_dir, str(year))
        if ok:
            print(f"   公開しました / published ({time.perf_counter() - began:.1f} s)")
            print(_review_summary(result, layout, year), flush=True)
    return year, Outcome(ok, printed.getvalue(), [] if ok else failures(result), interrupts.received())


def publish_catalog(raw_dir: Path, out_dir: Path, capture: bool) -> Outcome:
    """Run the catalog job (across years)."""
    from pipeline.definitions import CATALOG_JOB

    if interrupts.received() is not None:
        return Outcome(False, stopped_by=interrupts.received())
    with _output(capture) as printed:
        print("== 目録 / catalog: " + str(Layout(out_dir).catalog), flush=True)
        result, ok = run_job(CATALOG_JOB, raw_dir, out_dir)
    return Outcome(ok, printed.getvalue(), [] if ok else failures(result), interrupts.received())


def _prepare_instance() -> None:
    """Create the Dagster instance's storage before years run in parallel: two processes creating the same fresh
    SQLite databases at once corrupt their schema version table."""
    instance()


def _import_definitions() -> None:
    """Import Dagster and the pipeline's definitions in another worker while the first creates the instance."""
    import pipeline.definitions  # noqa: F401


def _worker_start(collector_enabled: bool, command: int) -> None:
    """A worker process: it keeps the command's garbage collector setting, leaves the terminal's process group
    (Ctrl-C reaches the command, which stops its workers; otherwise the helper processes Dagster starts to
    mirror a run's output would each print a traceback of their own), ends with the command even when the
    command is killed, and records a stop signal (interrupts.watch) instead of raising it anywhere."""
    if not collector_enabled:
        gc.disable()
    os.setpgid(0, 0)
    _end_with(command)
    interrupts.watch(worker=True)
    # During a run Dagster turns a stop signal into an exception raised wherever the worker is; when that is
    # inside SQLAlchemy's closing of a connection, SQLAlchemy logs it with its traceback, and with no handler
    # configured Python prints that on the operator's terminal. The stop itself is reported by the command.
    logging.getLogger("sqlalchemy").addHandler(logging.NullHandler())


_PR_SET_PDEATHSIG = 1


def _end_with(command: int) -> None:
    """Have the kernel SIGKILL this worker when the command's process ends (Linux ``prctl``), so that killing the
    command kills its work at the same instant, as when it ran in one process. Elsewhere a worker whose command
    was killed finishes the year it is building."""
    libc_name = ctypes.util.find_library("c")
    prctl = getattr(ctypes.CDLL(libc_name), "prctl", None) if libc_name else None
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != command:  # the command ended before the request took effect
        os.kill(os.getpid(), signal.SIGKILL)


def _stop_workers() -> None:
    """Ask every worker to stop (SIGTERM): a worker inside a run fails it, rolling back any swap under way; one
    between runs starts no other and swaps nothing in; an idle one ends when the pool shuts down."""
    for child in multiprocessing.active_children():
        child.terminate()


def run_years(years: list[int], raw_dir: Path, out_dir: Path, jobs: int, catalog_due) -> tuple[dict, Outcome | None]:
    """Publish the years (``jobs`` at a time) in worker processes, then the catalog if ``catalog_due(outcomes)``
    says so. With one worker its progress is printed as it comes, with several each year's when it finishes.
    Raises Interrupted, after the workers have stopped, when the command is told to stop: no year is started
    and the catalog is not run after that. The command's own process imports no Dagster."""
    outcomes: dict[int, Outcome] = {}
    catalog = None
    if not years and not catalog_due(outcomes):
        return outcomes, catalog  # nothing to run: no worker, no Dagster
    workers = max(1, min(jobs or os.cpu_count() or 1, len(years)))
    capture = workers > 1
    sys.stdout.flush()  # a worker starts as a copy of this process: nothing printed may be in its buffers twice
    sys.stderr.flush()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start, initargs=(gc.isenabled(), os.getpid()))
    try:
        # One worker creates the instance first while the others import Dagster and the definitions.
        warm_up = [pool.submit(_prepare_instance)] + [pool.submit(_import_definitions) for _ in range(workers - 1)]
        for future in warm_up:
            future.result()
        futures = [pool.submit(publish_year, y, raw_dir, out_dir, capture) for y in years]
        for future in as_completed(futures):
            year, outcome = future.result()
            outcomes[year] = outcome
            print(outcome.printed, end="", flush=True)
            _raise_if_stopped(outcome)
        if catalog_due(outcomes):
            catalog = pool.submit(publish_catalog, raw_dir, out_dir, capture).result()
            print(catalog.printed, end="", flush=True)
            _raise_if_stopped(catalog)
    except BaseException as exc:
        _stop_workers()
        pool.shutdown(wait=True, cancel_futures=True)
        signum = interrupts.received()
        if signum is not None and not isinstance(exc, interrupts.Interrupted):
            raise interrupts.Interrupted(signum) from exc
        if isinstance(exc, BrokenProcessPool):
            raise PipelineError(
                "年度を作る作業プロセスが途中で終了しました（メモリ不足か、強制終了）。それ以降は何も公開して"
                "いません。もう一度実行してください（メモリが足りなければ --jobs 1）。",
                "A worker process building the years ended unexpectedly (out of memory, or killed). Nothing "
                "more was published. Run again (with --jobs 1 if memory is short).",
            ) from exc
        raise
    pool.shutdown()
    return outcomes, catalog


def _raise_if_stopped(outcome: Outcome) -> None:
    if outcome.stopped_by is not None:
        raise interrupts.Interrupted(outcome.stopped_by)
    interrupts.raise_if_received()


def print_failures(messages: list[str]) -> None:
    for message in messages:
        print("   " + message.replace("\n", "\n   "), file=sys.stderr)
