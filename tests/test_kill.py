"""SIGKILL at many points of a whole publish (the year's run and the catalog's): after each, a plain publish
leaves published/ complete, every checksum true, the same files a clean publish makes, and nothing temporary.

The kill points are the moments the run reports on its progress output (each stage starting, each check, the
swap done, the catalog started, …), and a few moments shortly after some of them, inside a stage's work."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli
from published_checks import leftovers, problems

pytestmark = pytest.mark.e2e
RAW = FIXTURES / "raw_small"

# (progress line to wait for, then seconds to wait before the kill): the line that starts the catalog is
# printed after the year's swap, the window where a kill used to leave the catalog wrong.
KILL_POINTS = [
    ("== 2022年度", 0.0),
    ("raw_list", 0.0),
    ("source_cells", 0.0),
    ("core_projects", 0.0),
    ("core_projects", 0.2),
    ("release_files", 0.0),
    ("site_build", 0.0),
    ("published_release", 0.0),
    ("公開しました", 0.0),
    ("== 目録", 0.0),
    ("== 目録", 0.05),
    ("release_catalog", 0.0),
    ("site_landing", 0.0),
]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def variant(tmp_path: Path, name: str, day: str) -> Path:
    """raw_small with another review date, so that each publish changes every year file and the catalog."""
    raw = tmp_path / name
    shutil.copytree(RAW, raw)
    corrections = raw / "2022" / "corrections.yaml"
    corrections.write_text(f'reviewed: "{day}"\n' + corrections.read_text(encoding="utf-8"), encoding="utf-8")
    return raw


def publish_until(line: str, delay: float, raw: Path, out: Path, home: Path) -> bool:
    """Start a publish, SIGKILL it once it has printed a line starting with ``line`` (after ``delay``);
    False when the run ended before."""
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "publish", "--raw", str(raw), "--out", str(out)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        for printed in run.stdout:
            if printed.strip().startswith(line):
                if delay:
                    time.sleep(delay)
                run.send_signal(signal.SIGKILL)
                run.wait()
                return run.returncode == -signal.SIGKILL
        return False
    finally:
        run.kill()
        run.wait()
        run.stdout.close()


def test_sigkill_anywhere_then_a_plain_publish_repairs(tmp_path):
    raws = [variant(tmp_path, "a", "2026-11-25"), variant(tmp_path, "b", "2026-12-01")]
    expected = []
    for i, raw in enumerate(raws):
        reference = tmp_path / f"reference{i}"
        assert run_cli("publish", "--raw", str(raw), "--out", str(reference), home=tmp_path / "home").returncode == 0
        expected.append({p: snapshot(reference / p) for p in ("data", "site")})
    out, home = tmp_path / "published", tmp_path / "home"
    assert run_cli("publish", "--raw", str(raws[0]), "--out", str(out), home=home).returncode == 0
    killed = 0
    for i, (line, delay) in enumerate(KILL_POINTS):
        raw = raws[(i + 1) % 2]  # always a change from what is published
        killed += publish_until(line, delay, raw, out, home)
        repair = run_cli("publish", "--raw", str(raw), "--out", str(out), home=home)
        point = f"killed at {line!r} + {delay} s"
        assert repair.returncode == 0, (point, repair.stderr[-2000:])
        assert "Traceback" not in repair.stderr, point
        assert problems(out) == [], point
        assert {p: snapshot(out / p) for p in ("data", "site")} == expected[(i + 1) % 2], point
        if line in ("公開しました", "== 目録"):  # repaired for good: the next run finds nothing to do
            again = run_cli("publish", "--raw", str(raw), "--out", str(out), home=home)
            assert "作り直しません" in again.stdout and "== 目録" not in again.stdout, point
            assert leftovers(out) == [], point
    assert killed >= len(KILL_POINTS) - 2, "most kill points must be reached before the run ends"
