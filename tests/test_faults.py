"""The last good release is sacred: a run that fails or is killed at any stage leaves published/ unchanged,
and two runs of the same year at once never mix their files."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import pytest
from conftest import FIXTURES, ROOT, run_cli

import pipeline.assembly
import pipeline.assets.ingest
import pipeline.release
import pipeline.website.build
from pipeline.assets import ProjectPaths, build_assets, year_partitions
from pipeline.layout import Layout
from pipeline.release import year_lock

pytestmark = pytest.mark.e2e
RAW = FIXTURES / "raw_small"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def materialize(out: Path, raw: Path = RAW) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        build_assets(year_partitions(raw)),
        partition_key="2022",
        resources={"paths": ProjectPaths(raw_dir=str(raw), out_dir=str(out))},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


@pytest.fixture
def released(tmp_path) -> Path:
    assert materialize(tmp_path).success
    return tmp_path


def _boom(*args, **kwargs):
    raise OSError("injected fault")


@pytest.mark.parametrize(
    ("stage", "module", "target"),
    [
        ("ingest", pipeline.assets.ingest, "parse_source"),
        ("validation", pipeline.assembly, "validate_table"),
        ("packaging", pipeline.assembly, "datapackage"),
        ("site build", pipeline.website.build, "build_year_site"),
    ],
)
def test_a_fault_at_any_stage_publishes_nothing(released, monkeypatch, stage, module, target):
    before = {p: snapshot(released / p) for p in ("data", "site")}
    monkeypatch.setattr(module, target, _boom)
    result = materialize(released)
    assert not result.success, stage
    assert {p: snapshot(released / p) for p in ("data", "site")} == before


def test_a_fault_in_the_final_swap_is_rolled_back(released, monkeypatch):
    before = {p: snapshot(released / p) for p in ("data", "site")}
    real = pipeline.release.exchange_or_move

    def fail_on_the_site(staged, target):
        if target.parent.name == "site":
            raise OSError("injected fault: disk full")
        real(staged, target)

    monkeypatch.setattr(pipeline.release, "exchange_or_move", fail_on_the_site)
    assert not materialize(released).success
    assert {p: snapshot(released / p) for p in ("data", "site")} == before


@pytest.mark.parametrize("moment", ["data staged", "site being built"])
def test_a_killed_run_leaves_the_last_release(tmp_path, moment):
    out = tmp_path / "published"
    assert run_cli("publish", "--raw", str(RAW), "--out", str(out), home=tmp_path / "home").returncode == 0
    before = {p: snapshot(out / p) for p in ("data", "site")}
    pattern = "*/data" if moment == "data staged" else "*/site-work"
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "publish", "--raw", str(RAW), "--out", str(out), "--force"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list((out / ".staging").glob(pattern)) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert run.poll() is None, "the run finished before it could be killed"
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert {p: snapshot(out / p) for p in ("data", "site")} == before


def test_two_runs_of_one_year_never_mix(tmp_path):
    """Two publishes of 2022 at once, from inputs that differ only in their review date: afterwards the data and
    the site come from the same run, and nothing is left half-staged."""
    out = tmp_path / "published"
    raws = []
    for name, day in (("a", "2026-11-25"), ("b", "2026-12-01")):
        raw = tmp_path / name
        shutil.copytree(RAW, raw)
        corrections = raw / "2022" / "corrections.yaml"
        corrections.write_text(f'reviewed: "{day}"\n' + corrections.read_text(encoding="utf-8"), encoding="utf-8")
        raws.append(raw)

    def publish(i: int, results: list) -> None:
        results[i] = run_cli("publish", "--raw", str(raws[i]), "--out", str(out), home=tmp_path / f"home{i}")

    for _ in range(2):
        results = [None, None]
        threads = [threading.Thread(target=publish, args=(i, results)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [r.returncode for r in results] == [0, 0], [r.stderr[-500:] for r in results]
        data = (out / "data/2022/datapackage.json").read_bytes()
        assert (out / "site/2022/data/datapackage.json").read_bytes() == data
        assert [p for p in (out / ".staging").iterdir() if p.is_dir()] == []


def test_the_year_lock_excludes_a_second_holder(tmp_path):
    order = []

    def hold(name: str, pause: float) -> None:
        with year_lock(Layout(tmp_path), 2022):
            order.append(f"{name} in")
            time.sleep(pause)
            order.append(f"{name} out")

    first = threading.Thread(target=hold, args=("first", 0.3))
    first.start()
    time.sleep(0.05)
    hold("second", 0)
    first.join()
    assert order == ["first in", "first out", "second in", "second out"]
