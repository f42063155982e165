"""The command line's process settings (pipeline/__main__.py): the garbage collector between years, the test tools
hidden, no idle linear-algebra threads."""

import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

from pipeline.__main__ import _freeze_heap

ROOT = Path(__file__).resolve().parent.parent


class _Node:
    pass


def test_cycles_a_year_leaves_with_the_collector_paused_are_collected_before_the_next_year():
    was_enabled = gc.isenabled()
    gc.disable()  # as `python -m pipeline` runs
    try:
        _freeze_heap()  # before the first year
        node = _Node()
        node.itself = node  # a reference cycle, as a run leaves them
        left = weakref.ref(node)
        del node
        assert left() is not None  # the paused collector has not freed it
        _freeze_heap()  # before the next year
        assert left() is None
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def test_the_command_validates_without_the_test_tools_pandera_would_import():
    """pandera imports hypothesis (a development dependency) whenever it is installed; the command hides it and
    still validates a table with the generated pandera model."""
    code = (
        "import sys; from pipeline.__main__ import _hide_test_tools; _hide_test_tools()\n"
        "from pipeline.schema import validate_table; from pipeline.out.tables import projects_frame\n"
        "validate_table('projects', projects_frame(()))\n"
        "print(sys.modules.get('hypothesis'))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "None"


def test_importing_the_pipeline_keeps_numpy_from_starting_openblas_threads():
    """The pipeline does no linear algebra; OpenBLAS's extra threads only busy-wait (pipeline/__init__.py). A
    thread count the user sets stays."""
    code = (
        "import os, pipeline, pandas; print(len(os.listdir('/proc/self/task')), os.environ.get('OPENBLAS_NUM_THREADS'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["1", "1"]  # the process's only thread is the main one
    env["OPENBLAS_NUM_THREADS"] = "2"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert run.stdout.split()[1] == "2"


def test_a_years_records_are_freed_when_its_run_ends_with_the_collector_paused(tmp_path):
    """The command pauses the cyclic collector; what a year's run made must not wait for it in a reference cycle
    (Dagster's captured outputs, an exception's traceback from the event log), or the next year's collection
    walks all of it."""
    code = (
        "import gc, os, sys\n"
        "from pathlib import Path\n"
        "import pipeline.__main__ as m\n"
        "m._pause_garbage_collector()\n"
        "year, ok, printed, messages = m._publish_year(2022, Path(sys.argv[1]), Path(sys.argv[2]), True)\n"
        "assert ok, messages\n"
        "from pipeline.core.year import CoreYear\n"
        "from pipeline.core.records import ProjectRecord\n"
        "import sqlite3, sqlalchemy.exc\n"
        "kept = (CoreYear, ProjectRecord, sqlite3.IntegrityError, sqlalchemy.exc.IntegrityError)\n"
        "print(sorted({type(o).__name__ for o in gc.get_objects() if isinstance(o, kept)}))\n"
    )
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home"), "DAGSTER_DISABLE_TELEMETRY": "1"}
    run = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "raw"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]"
