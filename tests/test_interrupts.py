"""What the operator meets when the system stops a publish: Ctrl-C (SIGINT), SIGTERM, a read-only output
folder, a full disk, a catalog left behind what is published. Each time: the bilingual message, a non-zero exit,
no traceback, the last good release byte-identical, and nothing temporary left; after an interruption the
catalog is not run."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli
from published_checks import leftovers, problems

pytestmark = pytest.mark.e2e
RAW = FIXTURES / "raw_small"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def changed_raw(tmp_path: Path, years=(RAW / "2022",)) -> Path:
    """The given years with another review date, so that a publish would change every file."""
    raw = tmp_path / "raw-changed"
    for year in years:
        shutil.copytree(year, raw / year.name)
        corrections = raw / year.name / "corrections.yaml"
        text = corrections.read_text(encoding="utf-8") if corrections.exists() else ""
        corrections.write_text('reviewed: "2026-12-02"\n' + text, encoding="utf-8")
    return raw


def both_years(tmp_path: Path) -> Path:
    raw = tmp_path / "raw-two"
    shutil.copytree(RAW / "2022", raw / "2022")
    shutil.copytree(FIXTURES / "raw_fy2023" / "2023", raw / "2023")
    return raw


def publish_and_signal(raw: Path, out: Path, home: Path, signum: int, when: str, *args: str):
    """Start a publish and send it ``signum`` once it printed a line containing ``when``; returns the exit
    status, stdout and stderr."""
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "publish", "--raw", str(raw), "--out", str(out), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    printed = []
    for line in run.stdout:
        printed.append(line)
        if when in line:
            run.send_signal(signum)
            break
    stdout, stderr = run.communicate(timeout=300)
    return run.returncode, "".join(printed) + stdout, stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_signal_during_a_year_stops_everything(tmp_path, signum):
    out, home = tmp_path / "published", tmp_path / "home"
    assert run_cli("publish", "--raw", str(RAW), "--out", str(out), home=home).returncode == 0
    before = snapshot(out)
    status, stdout, stderr = publish_and_signal(changed_raw(tmp_path), out, home, signum, "core_projects")
    assert status == 128 + signum, stderr
    assert "中断しました" in stderr and "Interrupted by" in stderr, stderr
    assert "Traceback" not in stderr
    assert "== 目録" not in stdout  # the catalog is not run after an interruption
    assert "公開しました" not in stdout
    assert snapshot(out) == before
    assert leftovers(out) == []


@pytest.mark.parametrize(
    ("signum", "to_group"),
    [(signal.SIGTERM, False), (signal.SIGINT, True)],
    ids=["SIGTERM to the command", "Ctrl-C in a terminal (SIGINT to the process group)"],
)
def test_a_stop_signal_stops_the_parallel_workers_too(tmp_path, signum, to_group):
    """Two years built by two workers: the signal stops both; neither year nor the catalog is published, and
    the workers' staging is gone."""
    out, home = tmp_path / "published", tmp_path / "home"
    raw = both_years(tmp_path)
    assert run_cli("publish", "--raw", str(raw), "--out", str(out), home=home).returncode == 0
    before = snapshot(out)
    changed = changed_raw(tmp_path, [raw / "2022", raw / "2023"])
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "publish", "--raw", str(changed), "--out", str(out), "--jobs", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    staging = out / ".staging"
    while run.poll() is None and not any(p.is_dir() and (p / "data").exists() for p in staging.iterdir()):
        pass  # until a worker has staged a year's files
    if to_group:
        os.killpg(run.pid, signum)
    else:
        run.send_signal(signum)
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 128 + signum, stderr
    assert "中断しました" in stderr and "Traceback" not in stderr
    assert "== 目録" not in stdout and "公開しました" not in stdout
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_catalog_behind_what_is_published_is_rebuilt(tmp_path):
    """As after a kill between a year's swap and the catalog: the year is unchanged (skipped), but the catalog,
    the オープンデータ一覧 (both copies) and the year selector are checked and rewritten."""
    out, home = tmp_path / "published", tmp_path / "home"
    assert run_cli("publish", "--raw", str(RAW), "--out", str(out), home=home).returncode == 0
    good = snapshot(out)
    (out / "data/catalog.jsonld").write_bytes((out / "data/catalog.jsonld").read_bytes().replace(b"a", b"b", 1))
    (out / "site/141500_open_data_list.csv").write_bytes(b"")
    (out / "site/versions.json").unlink()
    csv = out / "data/141500_open_data_list.csv"
    csv.write_bytes(csv.read_bytes()[:-100])
    run = run_cli("publish", "--raw", str(RAW), "--out", str(out), home=home)
    assert run.returncode == 0, run.stderr
    assert "作り直しません" in run.stdout and "== 目録" in run.stdout
    assert snapshot(out) == good
    assert problems(out) == []


def test_a_year_whose_site_was_left_behind_is_published_again(tmp_path):
    """A swap cut between the data and the site (two renames) leaves the site of the previous release: the
    next run publishes the year again instead of skipping it."""
    out, home = tmp_path / "published", tmp_path / "home"
    assert run_cli("publish", "--raw", str(RAW), "--out", str(out), home=home).returncode == 0
    good = snapshot(out)
    package = out / "site/2022/data/datapackage.json"
    package.write_bytes(package.read_bytes().replace(b'"modified"', b'"modified" ', 1))
    run = run_cli("publish", "--raw", str(RAW), "--out", str(out), home=home)
    assert run.returncode == 0, run.stderr
    assert "公開しました" in run.stdout
    assert snapshot(out) == good


@pytest.fixture
def small_disk(tmp_path):
    """A 12 MB filesystem of its own (tmpfs; needs the right to mount, as root in a container has)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_read_only_output_folder_is_explained(tmp_path, small_disk):
    out, home = small_disk / "published", tmp_path / "home"
    assert run_cli("publish", "--raw", str(RAW), "--out", str(out), home=home).returncode == 0
    before = snapshot(out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    run = run_cli("publish", "--raw", str(changed_raw(tmp_path)), "--out", str(out), home=home)
    assert run.returncode == 1
    assert "書き込めません" in run.stderr and "Cannot write" in run.stderr, run.stderr
    assert str(out) in run.stderr
    assert "Traceback" not in run.stderr
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert snapshot(out) == before


def test_a_full_disk_is_explained_and_leaves_no_leftovers(tmp_path, small_disk):
    """The release fits the disk once but not twice: the second publish runs out of space while staging. The
    message says so, the last release stays, and the failed run's staging is removed, so the disk is not left
    full for the next run."""
    out, home = small_disk / "published", tmp_path / "home"
    assert run_cli("publish", "--raw", str(RAW), "--out", str(out), home=home).returncode == 0
    before = snapshot(out)
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * max(free - 200_000, 0))
    run = run_cli("publish", "--raw", str(changed_raw(tmp_path)), "--out", str(out), home=home)
    assert run.returncode == 1
    assert "ディスクの空きがない" in run.stderr and "No space left" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_worker_killed_from_outside_is_explained(tmp_path):
    """A worker ended by SIGKILL (as the kernel's out-of-memory killer does): the command says so in both
    languages and exits 1 without a traceback; the next plain publish completes everything."""
    out, home = tmp_path / "published", tmp_path / "home"
    raw = both_years(tmp_path)
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "publish", "--raw", str(raw), "--out", str(out), "--jobs", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    staging = out / ".staging"
    while run.poll() is None and not (staging.is_dir() and any((p / "data").exists() for p in staging.iterdir())):
        pass  # until a worker has staged a year's files
    workers = subprocess.run(["pgrep", "-P", str(run.pid)], capture_output=True, text=True).stdout.split()
    assert workers, "no worker process found"
    os.kill(int(workers[0]), signal.SIGKILL)
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 1, stderr
    assert "作業プロセスが途中で終了しました" in stderr and "ended unexpectedly" in stderr, stderr
    assert "Traceback" not in stderr
    repair = run_cli("publish", "--raw", str(raw), "--out", str(out), home=home)
    assert repair.returncode == 0, repair.stderr
    assert problems(out) == []
